package roster

import (
	"bytes"
	"errors"
	"os"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/mekongmigration/govbot/internal/config"
	"github.com/mekongmigration/govbot/internal/gov"
)

var (
	cfg         = config.Default()
	countryName = cfg.CountryName
	bangkok     = mustLoc("Asia/Bangkok")
)

func mustLoc(name string) *time.Location {
	loc, err := time.LoadLocation(name)
	if err != nil {
		panic(err)
	}
	return loc
}

func readTestdata(tb testing.TB, name string) []byte {
	tb.Helper()
	b, err := os.ReadFile("testdata/" + name)
	if err != nil {
		tb.Fatal(err)
	}
	return b
}

func sampleOrgs(tb testing.TB) []gov.Org {
	tb.Helper()
	orgs, err := ParseOrgs(bytes.NewReader(readTestdata(tb, "sample-roster.csv")), countryName, bangkok)
	if err != nil {
		tb.Fatalf("ParseOrgs(sample): %v", err)
	}
	return orgs
}

func importProblems(tb testing.TB, err error) []Problem {
	tb.Helper()
	if err == nil {
		return nil
	}
	var ie *ImportError
	if !errors.As(err, &ie) {
		tb.Fatalf("got error %T %v, want *ImportError", err, err)
	}
	return ie.Problems
}

func TestParseOrgsSample(t *testing.T) {
	orgs := sampleOrgs(t)
	if got, want := len(orgs), 12; got != want {
		t.Fatalf("got %d orgs, want %d", got, want)
	}
	byID := map[string]gov.Org{}
	countries := map[string]bool{}
	langs := map[string]bool{}
	associates := 0
	for _, o := range orgs {
		byID[o.ID] = o
		if o.Kind == gov.Regular {
			countries[o.Country] = true
		} else {
			associates++
		}
		langs[o.Language] = true
	}
	for _, c := range cfg.Network.Countries {
		if !countries[c] {
			t.Errorf("sample has no regular member in %s", c)
		}
	}
	if associates < 1 || associates > 2 {
		t.Errorf("got %d associates, want 1-2", associates)
	}
	if len(langs) < 5 {
		t.Errorf("got languages %v, want at least 5", langs)
	}
	tests := []struct {
		name      string
		got, want any
	}{
		{"Myanmar → canonical", byID["mm-delta-rights"].Country, "Burma/Myanmar"},
		{"Yunnan → canonical", byID["cn-yunnan-service"].Country, "Yunnan/Guangxi/China"},
		{"Viet Nam → canonical", byID["vn-youth-mobility"].Country, "Vietnam"},
		{"associate abroad kept", byID["assoc-researcher"].Country, "Japan"},
		{"Burmese name", byID["mm-shwe-migrant"].Name, "ရွှေ့ပြောင်းလုပ်သား ကူညီရေးအဖွဲ့ (Shwe Migrant Workers Assistance Group)"},
		{"income with comma", byID["mm-shwe-migrant"].AnnualIncomeUSD, int64(8500)},
		{"joined", byID["th-friends"].Joined, time.Date(2004, 1, 12, 0, 0, 0, 0, bangkok)},
		{"reconfirmed", byID["kh-border-women"].ReconfirmedThrough, 2024},
		{"no alternate", byID["kh-border-women"].Alternate, gov.Person{}},
		{"contact", byID["vn-trung-tam"].Contact, gov.Person{Name: "Nguyễn Thị Lan", Email: "lan.nguyen@ttldd.example"}},
		{"kind", byID["assoc-secretariat"].Kind, gov.Associate},
	}
	for _, tt := range tests {
		if !reflect.DeepEqual(tt.got, tt.want) {
			t.Errorf("%s: got %v, want %v", tt.name, tt.got, tt.want)
		}
	}
}

const orgHeader = "id,name,kind,country,contact_name,contact_email,alternate_name,alternate_email,language,joined,reconfirmed_through,annual_income_usd\n"

const goodRow = "th-a,Org A,regular,Thailand,Somchai,a@a.example,Naree,b@a.example,th,2010-01-02,2024,12000\n"

func TestParseOrgsErrors(t *testing.T) {
	tests := []struct {
		name   string
		csv    string
		line   int
		column string
		msg    string // substring
	}{
		{"bad address", orgHeader + "th-b,Org B,regular,Thailand,,not-an-address,,,,,,\n", 2, "contact_email", "not a bare e-mail address"},
		{"named address", orgHeader + "th-b,Org B,regular,Thailand,,B <b@b.example>,,,,,,\n", 2, "contact_email", "not a bare"},
		{"unknown country", orgHeader + "x,Org X,regular,Narnia,,x@x.example,,,,,,\n", 2, "country", `"Narnia" is not a configured country`},
		{"unknown kind", orgHeader + "x,Org X,member,Thailand,,x@x.example,,,,,,\n", 2, "kind", `"member"`},
		{"unknown language", orgHeader + "x,Org X,regular,Thailand,,x@x.example,,,fr,,,\n", 2, "language", `"fr"`},
		{"bad date", orgHeader + "x,Org X,regular,Thailand,,x@x.example,,,,2010-13-01,,\n", 2, "joined", "YYYY-MM-DD"},
		{"date in another format", orgHeader + "x,Org X,regular,Thailand,,x@x.example,,,,02/01/2010,,\n", 2, "joined", "YYYY-MM-DD"},
		{"bad year", orgHeader + "x,Org X,regular,Thailand,,x@x.example,,,,,24,\n", 2, "reconfirmed_through", "not a year"},
		{"negative income", orgHeader + "x,Org X,regular,Thailand,,x@x.example,,,,,,-5\n", 2, "annual_income_usd", "non-negative"},
		{"bad grouping", orgHeader + "x,Org X,regular,Thailand,,x@x.example,,,,,,\"1,20,00\"\n", 2, "annual_income_usd", "non-negative"},
		{"huge income", orgHeader + "x,Org X,regular,Thailand,,x@x.example,,,,,,99999999999999999999\n", 2, "annual_income_usd", "too large"},
		{"duplicate id", orgHeader + goodRow + "th-a,Org A2,regular,Thailand,,c@c.example,,,,,,\n", 3, "id", "already used on line 2"},
		{"bad id", orgHeader + "Org A,Org A,regular,Thailand,,c@c.example,,,,,,\n", 2, "id", "lower-case"},
		{"address of another org", orgHeader + goodRow + "th-c,Org C,regular,Thailand,,c@c.example,,B@A.example,,,,\n", 3, "alternate_email", "already used by th-a on line 2"},
		{"address twice in one org", orgHeader + "th-c,Org C,regular,Thailand,,c@c.example,,C@c.example,,,,\n", 2, "alternate_email", "also this organisation's contact_email"},
		{"missing name", orgHeader + "th-c,,regular,Thailand,,c@c.example,,,,,,\n", 2, "name", "required"},
		{"missing contact", orgHeader + "th-c,Org C,regular,Thailand,Somchai,,,,,,,\n", 2, "contact_email", "required"},
		{"alternate name without address", orgHeader + "th-c,Org C,regular,Thailand,,c@c.example,Naree,,,,,\n", 2, "alternate_email", "required when alternate_name"},
		{"too few fields", orgHeader + goodRow + "th-c,Org C,regular\n", 3, "", "has 3 fields, want 12"},
		{"too many fields", orgHeader + "th-c,Org C,regular,Thailand,,c@c.example,,,,,,,extra\n", 2, "", "has 13 fields"},
		{"unknown column", "id,name,kind,country,contact_email,fax\nx,X,regular,Thailand,x@x.example,123\n", 1, "fax", "unknown column"},
		{"missing required column", "id,name,kind,contact_email\nx,X,regular,x@x.example\n", 1, "country", "required column"},
		{"repeated column", "id,name,kind,country,contact_email,name\nx,X,regular,Thailand,x@x.example,Y\n", 1, "name", "appears twice"},
		{"line break in a name", orgHeader + "x,\"Org\nX\",regular,Thailand,,x@x.example,,,,,,\n", 2, "name", "line break"},
		{"invalid UTF-8", orgHeader + "x,Org \xff,regular,Thailand,,x@x.example,,,,,,\n", 2, "name", "UTF-8"},
		{"bad quoting", orgHeader + goodRow + "x,Org \"X\" ,regular,Thailand,,x@x.example,,,,,,\n", 3, "", "not valid CSV"},
		{"empty file", "", 1, "", "empty file"},
		{"header only blank lines", "\n\n,,,\n", 1, "", "empty file"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			orgs, err := ParseOrgs(strings.NewReader(tt.csv), countryName, bangkok)
			if orgs != nil {
				t.Errorf("got %d orgs, want none", len(orgs))
			}
			ps := importProblems(t, err)
			if len(ps) == 0 {
				t.Fatalf("got no problems, want line %d %s %q", tt.line, tt.column, tt.msg)
			}
			found := false
			for _, p := range ps {
				if p.Line == tt.line && p.Column == tt.column && strings.Contains(p.Msg, tt.msg) {
					found = true
				}
			}
			if !found {
				t.Errorf("got %v, want a problem at line %d column %q containing %q", ps, tt.line, tt.column, tt.msg)
			}
		})
	}
}

func TestParseOrgsReportsEveryProblem(t *testing.T) {
	in := orgHeader +
		goodRow + // line 2: fine
		"th-b,Org B,regular,Narnia,,bad-address,,,fr,,,\n" + // line 3: country, address, language
		"\n" + // line 4: blank
		"th-a,Org A again,associate,Japan,,a@a.example,,,,yesterday,,\n" + // line 5: id, address, date
		"th-d,Org D,regular,Thailand\n" + // line 6: field count
		"th-e,Org E,volunteer,Thailand,,e@e.example,,,,,,\n" // line 7: kind
	orgs, err := ParseOrgs(strings.NewReader(in), countryName, bangkok)
	if orgs != nil {
		t.Errorf("got %d orgs, want none", len(orgs))
	}
	got := importProblems(t, err)
	want := []struct {
		line int
		col  string
	}{
		{3, "country"}, {3, "contact_email"}, {3, "language"},
		{5, "joined"}, {5, "id"}, {5, "contact_email"},
		{6, ""},
		{7, "kind"},
	}
	if len(got) != len(want) {
		t.Errorf("got %d problems, want %d:\n%v", len(got), len(want), err)
	}
	for _, w := range want {
		found := false
		for _, p := range got {
			if p.Line == w.line && p.Column == w.col {
				found = true
			}
		}
		if !found {
			t.Errorf("missing a problem at line %d column %q; got:\n%v", w.line, w.col, err)
		}
	}
	if msg := err.Error(); !strings.Contains(msg, "line 5: joined:") || strings.Count(msg, "\n") != len(got) {
		t.Errorf("Error(): got %q, want one line per problem", msg)
	}
}

func TestParseOrgsLayout(t *testing.T) {
	want := []gov.Org{{
		ID: "la-a", Name: "ສູນຊ່ວຍເຫຼືອແຮງງານ", Kind: gov.Regular, Country: "Lao PDR",
		Contact:  gov.Person{Name: "Khamla", Email: "khamla@a.example"},
		Language: "lo", Joined: time.Date(2009, 4, 18, 0, 0, 0, 0, bangkok), AnnualIncomeUSD: 12000,
	}, {
		ID: "kh-b", Name: "សមាគម", Kind: gov.Associate, Country: "Cambodia",
		Contact: gov.Person{Email: "x@b.example"}, Language: "en",
	}}
	tests := []struct {
		name string
		in   string
	}{
		{"plain", "id,name,kind,country,contact_name,contact_email,language,joined,annual_income_usd\n" +
			"la-a,ສູນຊ່ວຍເຫຼືອແຮງງານ,regular,Lao PDR,Khamla,khamla@a.example,lo,2009-04-18,12000\n" +
			"kh-b,សមាគម,associate,Cambodia,,x@b.example,,,\n"},
		{"columns in another order, upper-case header, spaces", " Contact_Email , COUNTRY,kind , id,name,language,annual_income_usd,joined,contact_name\n" +
			" KHAMLA@A.example , laos , Regular , la-a , ສູນຊ່ວຍເຫຼືອແຮງງານ , LO , \"12,000.00\", 2009-04-18 , Khamla \n" +
			"x@b.example,kampuchea,ASSOCIATE,kh-b,សមាគម,,,,\n"},
		{"BOM, CRLF, blank trailing lines", "\uFEFFid,name,kind,country,contact_email,contact_name,language,joined,annual_income_usd\r\n" +
			"la-a,ສູນຊ່ວຍເຫຼືອແຮງງານ,regular,Lao PDR,khamla@a.example,Khamla,lo,2009-04-18,12000\r\n" +
			"\r\n" +
			"kh-b,សមាគម,associate,Cambodia,x@b.example,,,,\r\n" +
			",,,,,,,,\r\n\r\n\r\n"},
	}
	for _, tt := range tests {
		got, err := ParseOrgs(strings.NewReader(tt.in), countryName, bangkok)
		if err != nil {
			t.Errorf("%s: %v", tt.name, err)
			continue
		}
		if !reflect.DeepEqual(got, want) {
			t.Errorf("%s:\ngot  %+v\nwant %+v", tt.name, got, want)
		}
	}
}

func TestParseUSD(t *testing.T) {
	tests := []struct {
		in   string
		want int64
		ok   bool
	}{
		{"0", 0, true}, {"12000", 12000, true}, {"12,000", 12000, true}, {"1,234,567", 1234567, true},
		{"12000.00", 12000, true}, {"9999.99", 9999, true}, {"12,000.5", 12000, true},
		{"-1", 0, false}, {"12,00", 0, false}, {"1.234", 0, false}, {"$100", 0, false}, {"12 000", 0, false}, {"1e5", 0, false},
	}
	for _, tt := range tests {
		got, err := parseUSD(tt.in)
		if (err == nil) != tt.ok || got != tt.want {
			t.Errorf("parseUSD(%q): got %d, %v; want %d, ok=%v", tt.in, got, err, tt.want, tt.ok)
		}
	}
}

func TestWriteOrgsRoundTrip(t *testing.T) {
	orgs := sampleOrgs(t)
	var buf bytes.Buffer
	if err := WriteOrgs(&buf, orgs, bangkok); err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(buf.String(), strings.Join(OrgColumns, ",")+"\n") {
		t.Errorf("got first line %q, want the header", strings.SplitN(buf.String(), "\n", 2)[0])
	}
	got, err := ParseOrgs(bytes.NewReader(buf.Bytes()), countryName, bangkok)
	if err != nil {
		t.Fatalf("ParseOrgs(WriteOrgs): %v\n%s", err, buf.String())
	}
	if !reflect.DeepEqual(got, orgs) {
		t.Errorf("round trip:\ngot  %+v\nwant %+v", got, orgs)
	}
	var buf2 bytes.Buffer
	if err := WriteOrgs(&buf2, got, bangkok); err != nil {
		t.Fatal(err)
	}
	if buf2.String() != buf.String() {
		t.Errorf("second write differs:\ngot  %s\nwant %s", buf2.String(), buf.String())
	}
}

func TestParseSeatsSample(t *testing.T) {
	orgs := sampleOrgs(t)
	seats, err := ParseSeats(bytes.NewReader(readTestdata(t, "sample-sc.csv")), orgs, countryName, nil, bangkok)
	if err != nil {
		t.Fatalf("ParseSeats(sample): %v", err)
	}
	if got, want := len(seats), 7; got != want {
		t.Fatalf("got %d seats, want %d", got, want)
	}
	if got, want := len(gov.VotingSeats(seats)), 6; got != want {
		t.Errorf("got %d voting seats, want %d", got, want)
	}
	want := gov.Seat{Seat: "Yunnan/Guangxi/China", OrgID: "cn-yunnan-service", Voting: true,
		TermStart: time.Date(2025, 6, 1, 0, 0, 0, 0, bangkok), TermEnd: time.Date(2027, 5, 31, 0, 0, 0, 0, bangkok), ConsecutiveTerms: 3}
	if seats[2] != want {
		t.Errorf("seat 3: got %+v, want %+v", seats[2], want)
	}
	rc := seats[6]
	if rc.Seat != gov.RegionalCoordinator || rc.Voting || rc.OrgID != "assoc-secretariat" || rc.ConsecutiveTerms != 0 {
		t.Errorf("RC: got %+v, want non-voting assoc-secretariat", rc)
	}

	var buf bytes.Buffer
	if err := WriteSeats(&buf, seats, bangkok); err != nil {
		t.Fatal(err)
	}
	again, err := ParseSeats(&buf, orgs, countryName, nil, bangkok)
	if err != nil {
		t.Fatalf("ParseSeats(WriteSeats): %v", err)
	}
	if !reflect.DeepEqual(again, seats) {
		t.Errorf("round trip:\ngot  %+v\nwant %+v", again, seats)
	}
}

func TestParseSeatsErrors(t *testing.T) {
	orgs := sampleOrgs(t)
	const h = "seat,org_id,voting,term_start,term_end,consecutive_terms\n"
	const th = "Thailand,th-friends,true,2026-06-01,2028-05-31,1\n"
	tests := []struct {
		name   string
		csv    string
		line   int
		column string
		msg    string
	}{
		{"associate on a seat", h + "Thailand,assoc-secretariat,true,2026-06-01,2028-05-31,1\n", 2, "org_id", "associates cannot be elected"},
		{"associate on a special seat", h + "burmese-groups-thailand,assoc-researcher,,2026-06-01,2028-05-31,\n", 2, "org_id", "associate"},
		{"org holding two seats", h + th + "burmese-groups-thailand,th-friends,true,2026-06-01,2028-05-31,1\n", 3, "org_id", "already holds a seat (line 2)"},
		{"org holding a seat and the RC", h + th + "regional-coordinator,th-friends,false,,,\n", 3, "org_id", "ToP 7.2.3"},
		{"unknown seat", h + "Singapore,th-friends,true,2026-06-01,2028-05-31,1\n", 2, "seat", `unknown seat "Singapore"`},
		{"RC voting", h + "regional-coordinator,assoc-secretariat,true,,,\n", 2, "voting", "does not vote"},
		{"country seat not voting", h + "Thailand,th-friends,no,2026-06-01,2028-05-31,1\n", 2, "voting", "votes"},
		{"bad voting value", h + "Thailand,th-friends,maybe,2026-06-01,2028-05-31,1\n", 2, "voting", `"maybe"`},
		{"seat twice", h + th + "thailand,th-mae-sot-clinic,true,2026-06-01,2028-05-31,1\n", 3, "seat", "already appears on line 2"},
		{"org not on roster", h + "Thailand,th-nobody,true,2026-06-01,2028-05-31,1\n", 2, "org_id", "not on the roster"},
		{"org of another country", h + "Cambodia,th-friends,true,2026-06-01,2028-05-31,1\n", 2, "org_id", "not Cambodia"},
		{"term ends before it starts", h + "Thailand,th-friends,true,2028-05-31,2026-06-01,1\n", 2, "term_end", "not after term_start"},
		{"term end equals start", h + "Thailand,th-friends,true,2026-06-01,2026-06-01,1\n", 2, "term_end", "not after"},
		{"missing term", h + "Thailand,th-friends,true,,2028-05-31,1\n", 2, "term_start", "required"},
		{"bad term date", h + "Thailand,th-friends,true,June 2026,2028-05-31,1\n", 2, "term_start", "YYYY-MM-DD"},
		{"fourth term", h + "Thailand,th-friends,true,2026-06-01,2028-05-31,4\n", 2, "consecutive_terms", "7.2.15"},
		{"zero terms", h + "Thailand,th-friends,true,2026-06-01,2028-05-31,0\n", 2, "consecutive_terms", "1, 2 or 3"},
		{"missing org", h + "Thailand,,true,2026-06-01,2028-05-31,1\n", 2, "org_id", "required"},
		{"missing column", "seat,org_id\nThailand,th-friends\n", 1, "term_start", "required column"},
		{"unknown column", h[:len(h)-1] + ",chair\n" + "Thailand,th-friends,true,2026-06-01,2028-05-31,1,yes\n", 1, "chair", "unknown column"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			seats, err := ParseSeats(strings.NewReader(tt.csv), orgs, countryName, []string{"burmese-groups-thailand"}, bangkok)
			if seats != nil {
				t.Errorf("got %d seats, want none", len(seats))
			}
			ps := importProblems(t, err)
			found := false
			for _, p := range ps {
				if p.Line == tt.line && p.Column == tt.column && strings.Contains(p.Msg, tt.msg) {
					found = true
				}
			}
			if !found {
				t.Errorf("got %v, want a problem at line %d column %q containing %q", ps, tt.line, tt.column, tt.msg)
			}
		})
	}
}

func TestParseSeatsSpellings(t *testing.T) {
	orgs := sampleOrgs(t)
	in := "org_id,seat,term_end,term_start\r\n" + // column order free, voting and consecutive_terms left out
		"th-mae-sot-clinic, Burmese-Groups-Thailand ,2028-05-31,2026-06-01\r\n" +
		"mm-delta-rights,Myanmar,2027-05-31,2025-06-01\r\n" +
		"vn-youth-mobility,Viet Nam,2027-05-31,2025-06-01\r\n" +
		"assoc-secretariat,RC,,\r\n"
	seats, err := ParseSeats(strings.NewReader(in), orgs, countryName, []string{"burmese-groups-thailand"}, bangkok)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, s := range seats {
		got = append(got, s.Seat)
		if want := s.Seat != gov.RegionalCoordinator; s.Voting != want {
			t.Errorf("%s: got voting %v, want %v", s.Seat, s.Voting, want)
		}
	}
	want := []string{"burmese-groups-thailand", "Burma/Myanmar", "Vietnam", gov.RegionalCoordinator}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("got seats %q, want %q", got, want)
	}
	if got := seats[0].ConsecutiveTerms; got != 1 {
		t.Errorf("default consecutive_terms: got %d, want 1", got)
	}
}

func TestParseSeatsReportsEveryProblem(t *testing.T) {
	orgs := sampleOrgs(t)
	in := "seat,org_id,voting,term_start,term_end,consecutive_terms\n" +
		"Thailand,assoc-researcher,true,2026-06-01,2028-05-31,1\n" + // associate (and not Thai)
		"Atlantis,th-friends,true,2026-06-01,2028-05-31,1\n" + // unknown seat
		"Cambodia,kh-pulkar,true,2026-06-01,2028-05-31,5\n" + // terms
		"regional-coordinator,assoc-secretariat,yes,,,\n" // RC voting
	seats, err := ParseSeats(strings.NewReader(in), orgs, countryName, nil, bangkok)
	if seats != nil {
		t.Errorf("got %d seats, want none", len(seats))
	}
	got := importProblems(t, err)
	wantLines := []int{2, 3, 4, 5}
	var lines []int
	for _, p := range got {
		if len(lines) == 0 || lines[len(lines)-1] != p.Line {
			lines = append(lines, p.Line)
		}
	}
	if !reflect.DeepEqual(lines, wantLines) {
		t.Errorf("got problems on lines %v, want %v:\n%v", lines, wantLines, err)
	}
}

// FuzzParseOrgs checks that ParseOrgs never panics and that whatever it accepts
// WriteOrgs writes back to the same orgs.
func FuzzParseOrgs(f *testing.F) {
	sample, err := os.ReadFile("testdata/sample-roster.csv")
	if err != nil {
		f.Fatal(err)
	}
	f.Add(string(sample))
	f.Add(orgHeader + goodRow)
	f.Add("\uFEFFid,name,kind,country,contact_email\r\nx,\"a,\"\"b\"\"\",Associate,Laos,X@Y.example\r\n")
	f.Add("id,name\n\"unterminated\n")
	f.Add("")
	f.Fuzz(func(t *testing.T, in string) {
		orgs, err := ParseOrgs(strings.NewReader(in), countryName, bangkok)
		if err != nil {
			if orgs != nil {
				t.Fatalf("got orgs and error %v", err)
			}
			if len(importProblems(t, err)) == 0 {
				t.Fatal("got an ImportError with no problems")
			}
			return
		}
		var buf bytes.Buffer
		if err := WriteOrgs(&buf, orgs, bangkok); err != nil {
			t.Fatal(err)
		}
		again, err := ParseOrgs(&buf, countryName, bangkok)
		if err != nil {
			t.Fatalf("re-reading written roster: %v\n%s", err, buf.String())
		}
		if !reflect.DeepEqual(again, orgs) {
			t.Fatalf("round trip:\ngot  %+v\nwant %+v", again, orgs)
		}
	})
}

// FuzzParseSeats checks that ParseSeats never panics.
func FuzzParseSeats(f *testing.F) {
	sample, err := os.ReadFile("testdata/sample-sc.csv")
	if err != nil {
		f.Fatal(err)
	}
	orgs := sampleOrgs(f)
	f.Add(string(sample))
	f.Add("seat,org_id,term_start,term_end\nrc,assoc-secretariat,,\n")
	f.Fuzz(func(t *testing.T, in string) {
		seats, err := ParseSeats(strings.NewReader(in), orgs, countryName, []string{"special"}, bangkok)
		if err != nil && seats != nil {
			t.Fatalf("got seats and error %v", err)
		}
	})
}
