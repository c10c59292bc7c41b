package forms

import (
	"maps"
	"slices"
	"strings"
	"testing"
	"unicode"

	"golang.org/x/text/unicode/norm"
)

// regularForm is the ToP's regular membership form, filled in as an
// applicant would in a mail body.
const regularForm = `Application for Regular Membership

We confirm our commitment to become a member of the Mekong Migration Network (MMN).

We agree to the above basic framework principles and Terms of Partnership of MMN, commit to respect, adhere to and promote these principles, help in the strengthening of the MMN, jointly work with our co-members towards the achievement of these goals and fulfil our responsibilities as a member of the MMN.

Name of organization: Friends of Migrants Foundation
Chairperson or chief officer: Somchai Jaidee
Designated contact person for MMN: Malee Srisuk
Email (contact person): malee@fom.example.org
Alternate contact person: Aung Ko
Email (alternate contact person): aungko@fom.example.org
Country: Thailand
Address: 12 Moo 3, Mae Sot
Tak 63110
Telephone: +66 55 123 456
Website: https://fom.example.org
Year founded: 2004
Annual income (USD): 45,000
Main activities: legal aid for migrant workers;
shelter and training

All of the following supplementary documents (in English or in any of Mekong language) must be attached:

[x] Constitution or organisation vision, mission & objectives papers of the organization
[X] Most recent annual report
☒ Endorsement letter from an existing MMN member

Chairperson/chief officer: Somchai Jaidee

Designated contact person for MMN:
(if other than chief officer)

MMN Membership confirmed by: ____________________

Date of membership: _______________________
`

var regularWant = map[string]string{
	"org_name":          "Friends of Migrants Foundation",
	"chair":             "Somchai Jaidee",
	"contact_name":      "Malee Srisuk",
	"contact_email":     "malee@fom.example.org",
	"alternate_name":    "Aung Ko",
	"alternate_email":   "aungko@fom.example.org",
	"country":           "Thailand",
	"address":           "12 Moo 3, Mae Sot\nTak 63110",
	"phone":             "+66 55 123 456",
	"website":           "https://fom.example.org",
	"founded":           "2004",
	"annual_income_usd": "45,000",
	"activities":        "legal aid for migrant workers;\nshelter and training",
}

var allTicked = map[string]bool{"doc_constitution": true, "doc_annual_report": true, "doc_endorsement": true, "agree_top": true}

func checkForm(t *testing.T, got Form, kind Kind, lang string, fields map[string]string, checked map[string]bool, missing []string) {
	t.Helper()
	if got.Kind != kind {
		t.Errorf("kind: got %q, want %q", got.Kind, kind)
	}
	if got.Language != lang {
		t.Errorf("language: got %q, want %q", got.Language, lang)
	}
	for k, want := range fields {
		if got.Fields[k] != want {
			t.Errorf("field %s: got %q, want %q", k, got.Fields[k], want)
		}
	}
	for k, v := range got.Fields {
		if _, ok := fields[k]; !ok {
			t.Errorf("unexpected field %s = %q", k, v)
		}
	}
	for k, want := range checked {
		if v, ok := got.Checked[k]; !ok || v != want {
			t.Errorf("checked %s: got %v (present %v), want %v", k, v, ok, want)
		}
	}
	if !slices.Equal(got.Missing, missing) {
		t.Errorf("missing: got %q, want %q", got.Missing, missing)
	}
}

func TestR_6_1_RegularFormFields(t *testing.T) {
	// The same form in the shapes mail takes: labels and values on one
	// line, values under their labels, numbered items, a table flattened
	// with "|" or tabs.
	under := strings.NewReplacer(
		"Name of organization: ", "Name of organization\n",
		"Chairperson or chief officer: Somchai", "Chairperson or chief officer:\nSomchai",
		"Country: ", "Country\n\n",
	).Replace(regularForm)
	numbered := strings.NewReplacer(
		"Name of organization:", "1. Name of organization:",
		"Chairperson or chief officer:", "2. Chairperson or chief officer:",
		"Designated contact person for MMN: Malee", "3) Designated contact person for MMN: Malee",
		"Alternate contact person:", "4. Alternate contact person:",
		"[x] Constitution", "- [x] Constitution",
	).Replace(regularForm)
	table := `Application for Regular Membership
We agree to the above basic framework principles and Terms of Partnership of MMN.
| Name of organization | Friends of Migrants Foundation |
|---|---|
| Chairperson or chief officer | Somchai Jaidee |
| Designated contact person for MMN | Malee Srisuk |
| Email | malee@fom.example.org |
| Alternate contact person | Aung Ko |
| Email | aungko@fom.example.org |
| Country | Thailand |
| Address | 12 Moo 3, Mae Sot |
| [x] | Constitution or organisation vision, mission & objectives papers |
| Most recent annual report | ☑ |
| ✓ Endorsement letter from an existing MMN member | |
`
	tabs := strings.NewReplacer(" | ", "\t", "| ", "", " |", "", "|---|---|\n", "").Replace(table)
	tableWant := map[string]string{}
	for _, k := range []string{"org_name", "chair", "contact_name", "contact_email", "alternate_name", "alternate_email", "country"} {
		tableWant[k] = regularWant[k]
	}
	tableWant["address"] = "12 Moo 3, Mae Sot"
	tests := []struct {
		name, body string
		want       map[string]string
	}{
		{"label: value", regularForm, regularWant},
		{"label then value", under, regularWant},
		{"numbered", numbered, regularWant},
		{"markdown table", table, tableWant},
		{"tab table", tabs, tableWant},
		{"CRLF", strings.ReplaceAll(regularForm, "\n", "\r\n"), regularWant},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			checkForm(t, Parse(tt.body), Regular, "en", tt.want, allTicked, nil)
		})
	}
}

func TestR_6_1_RegularFormMissingInOrder(t *testing.T) {
	drop := func(s string, lines ...string) string {
		for _, l := range lines {
			s = strings.Replace(s, l+"\n", "", 1)
		}
		return s
	}
	want := func(keys ...string) map[string]string {
		m := maps.Clone(regularWant)
		for _, k := range keys {
			delete(m, k)
		}
		return m
	}
	tests := []struct {
		name, body string
		fields     map[string]string
		missing    []string
	}{
		{"no alternate, no country, annual report unticked",
			strings.Replace(drop(regularForm, "Alternate contact person: Aung Ko", "Email (alternate contact person): aungko@fom.example.org", "Country: Thailand"),
				"[X] Most recent", "[ ] Most recent", 1),
			want("alternate_name", "alternate_email", "country"),
			[]string{"alternate_name", "alternate_email", "country", "doc_annual_report"}},
		{"empty labels kept, values blank",
			strings.NewReplacer("Name of organization: Friends of Migrants Foundation", "Name of organization: ______",
				"Email (contact person): malee@fom.example.org", "Email (contact person):").Replace(regularForm),
			want("org_name", "contact_email"),
			[]string{"org_name", "contact_email"}},
		{"no documents listed, no commitment",
			drop(regularForm, "[x] Constitution or organisation vision, mission & objectives papers of the organization",
				"[X] Most recent annual report", "☒ Endorsement letter from an existing MMN member",
				"We agree to the above basic framework principles and Terms of Partnership of MMN, commit to respect, adhere to and promote these principles, help in the strengthening of the MMN, jointly work with our co-members towards the achievement of these goals and fulfil our responsibilities as a member of the MMN."),
			regularWant,
			[]string{"doc_constitution", "doc_annual_report", "doc_endorsement", "agree_top"}},
		{"contact address given in the name",
			strings.NewReplacer("Designated contact person for MMN: Malee Srisuk", "Designated contact person for MMN: Malee Srisuk <malee@fom.example.org>",
				"Email (contact person): malee@fom.example.org\n", "").Replace(regularForm),
			func() map[string]string {
				m := maps.Clone(regularWant)
				m["contact_name"] = "Malee Srisuk <malee@fom.example.org>"
				return m
			}(),
			nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := Parse(tt.body)
			checkForm(t, got, Regular, "en", tt.fields, nil, tt.missing)
		})
	}
}

func TestR_6_1_TheToPsBlankFormsMissEverything(t *testing.T) {
	tests := []struct {
		name, body string
		kind       Kind
	}{
		{"regular", "For membership application, please fill in the following form and send by email to the MMN Secretariat, info@mekongmigration.org.\n\nWe confirm our commitment to become a member of the Mekong Migration Network (MMN).\n\nWe agree to the above basic framework principles and Terms of Partnership of MMN.\n\nName of organization:\n\nChairperson or chief officer:\n\nDesignated contact person for MMN:\n\nAlternate contact person:\n\n\n\nAll of the following supplementary documents (in English or in any of Mekong language) must be attached:\n\n[ ] Constitution or organisation vision, mission & objectives papers of the organization\n[ ] Most recent annual report\n[ ] Endorsement letter from an existing MMN member\n\n\nChairperson/chief officer:\n\nDesignated contact person for MMN:\n(if other than chief officer)\n\nMMN Membership confirmed by: ____________________\n\nDate of membership: _______________________\n", Regular},
		{"associate organisation", "MMN Associate Application for Organizations\n\nWe confirm our commitment to become an associate of the Mekong Migration Network (MMN).\n\nName of organization:\n\nBrief Description of organization:\n\nChairperson or chief officer:\n\nDesignated contact person for MMN:\n\n\n\n\nEmail (contact person):\n\n\n*Membership of other networks (if any):\n\n\n\nChairperson/chief officer:\n\nContact person for MMN (if other than chief officer):\n\nMMN Membership confirmed by: ____________________\n", AssociateOrg},
		{"associate individual", "MMN Associate Application for Individuals\n\nI confirm our commitment to become an associate of the Mekong Migration Network (MMN).\n\n\nAreas of expertises/interests:\n\n\n\n\n\n*Membership of other networks (if any):\n\n\n\nMMN Membership confirmed by: ____________________\n\nDate of membership: _______________________\n", AssociateIndividual},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := Parse(tt.body)
			var missing []string
			for _, k := range RequiredKeys(tt.kind) {
				if k != "agree_top" || tt.kind == Regular && !strings.Contains(tt.body, "We agree") {
					missing = append(missing, k)
				}
			}
			if tt.kind != Regular {
				missing = slices.DeleteFunc(missing, func(k string) bool { return k == "agree_top" })
				missing = append(missing, "agree_top") // no "agree" sentence in these two bodies
			}
			checkForm(t, got, tt.kind, "en", map[string]string{}, nil, missing)
		})
	}
}

// thaiIndividual is a synthetic associate application from an individual,
// in Thai (ToP 6.5).
const thaiIndividual = `ใบสมัครภาคี MMN สำหรับบุคคล

ข้าพเจ้ายืนยันความตั้งใจที่จะเป็นภาคีของเครือข่ายการย้ายถิ่นแม่โขง (MMN)
ข้าพเจ้ายอมรับข้อตกลงความร่วมมือ (ToP) ของ MMN

ชื่อ-นามสกุล: นางสาวสมหญิง ใจดี
อีเมล: somying@example.org
ประเทศ: ไทย
โทรศัพท์: 081 234 5678
ความเชี่ยวชาญ/ความสนใจ:
สิทธิแรงงานข้ามชาติ
การค้ามนุษย์
การเป็นสมาชิกเครือข่ายอื่น (ถ้ามี): ไม่มี
`

func TestR_6_5_AssociateIndividualFormInThaiSynthetic(t *testing.T) {
	tests := []struct {
		name, body string
		fields     map[string]string
		checked    map[string]bool
		missing    []string
	}{
		{"complete", thaiIndividual, map[string]string{
			"name": "นางสาวสมหญิง ใจดี", "email": "somying@example.org", "country": "ไทย",
			"phone": "081 234 5678", "expertise": "สิทธิแรงงานข้ามชาติ\nการค้ามนุษย์", "networks": "ไม่มี",
		}, map[string]bool{"agree_top": true}, nil},
		{"ticked box, no country, full-width colons",
			strings.NewReplacer("ข้าพเจ้ายอมรับ", "[x] ข้าพเจ้ายอมรับ", "ประเทศ: ไทย\n", "", "อีเมล:", "อีเมล：").Replace(thaiIndividual),
			map[string]string{
				"name": "นางสาวสมหญิง ใจดี", "email": "somying@example.org",
				"phone": "081 234 5678", "expertise": "สิทธิแรงงานข้ามชาติ\nการค้ามนุษย์", "networks": "ไม่มี",
			}, map[string]bool{"agree_top": true}, []string{"country"}},
		{"box left empty",
			strings.Replace(thaiIndividual, "ข้าพเจ้ายอมรับ", "☐ ข้าพเจ้ายอมรับ", 1),
			map[string]string{
				"name": "นางสาวสมหญิง ใจดี", "email": "somying@example.org", "country": "ไทย",
				"phone": "081 234 5678", "expertise": "สิทธิแรงงานข้ามชาติ\nการค้ามนุษย์", "networks": "ไม่มี",
			}, map[string]bool{"agree_top": false}, []string{"agree_top"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			checkForm(t, Parse(tt.body), AssociateIndividual, "th", tt.fields, tt.checked, tt.missing)
		})
	}
}

// vietnameseOrg is a synthetic associate application from an organisation,
// in Vietnamese (ToP 6.5).
const vietnameseOrg = `Đơn đăng ký thành viên liên kết MMN dành cho tổ chức

Chúng tôi đồng ý với Điều khoản Đối tác (ToP) của MMN.

1. Tên tổ chức: Trung tâm Hỗ trợ Người Di cư
2. Mô tả ngắn về tổ chức: Hỗ trợ pháp lý cho lao động di cư
tại các tỉnh biên giới.
3. Chủ tịch hoặc người đứng đầu: Nguyễn Văn An
4. Người liên lạc được chỉ định với MMN: Trần Thị Bình
5. Email (người liên lạc): binh@example.vn
6. Quốc gia: Việt Nam
7. Thành viên của các mạng lưới khác (nếu có): không
`

func TestR_6_5_AssociateOrgFormInVietnameseSynthetic(t *testing.T) {
	want := map[string]string{
		"org_name":        "Trung tâm Hỗ trợ Người Di cư",
		"org_description": "Hỗ trợ pháp lý cho lao động di cư\ntại các tỉnh biên giới.",
		"chair":           "Nguyễn Văn An",
		"contact_name":    "Trần Thị Bình",
		"contact_email":   "binh@example.vn",
		"country":         "Việt Nam",
		"networks":        "không",
	}
	tests := []struct {
		name, body string
		missing    []string
		checked    map[string]bool
	}{
		{"complete", vietnameseOrg, nil, map[string]bool{"agree_top": true}},
		{"refuses the ToP", strings.Replace(vietnameseOrg, "Chúng tôi đồng ý", "Chúng tôi không đồng ý", 1),
			[]string{"agree_top"}, map[string]bool{"agree_top": false}},
		{"decomposed diacritics (NFD)", nfd(vietnameseOrg), nil, map[string]bool{"agree_top": true}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			checkForm(t, Parse(tt.body), AssociateOrg, "vi", want, tt.checked, tt.missing)
		})
	}
}

// TestR_6_5_FormsInEveryLanguage writes each form with the labels Label
// gives in each language and reads it back.
func TestR_6_5_FormsInEveryLanguage(t *testing.T) {
	values := map[string]string{
		"org_name": "Org A", "org_description": "We help migrants", "name": "Person B",
		"chair": "Chair C", "contact_name": "Contact D", "contact_email": "d@example.org",
		"alternate_name": "Alt E", "alternate_email": "e@example.org", "email": "b@example.org",
		"country": "Cambodia", "expertise": "labour rights", "address": "1 Road",
		"phone": "+855 1", "fax": "+855 2", "website": "https://a.example", "founded": "1999",
		"annual_income_usd": "9,000", "activities": "training", "networks": "none", "endorser": "Org Z",
	}
	for _, kind := range []Kind{Regular, AssociateOrg, AssociateIndividual} {
		for _, lang := range []string{"en", "th", "km", "lo", "my", "vi", "zh", "zh-Hant"} {
			t.Run(string(kind)+"/"+lang, func(t *testing.T) {
				var b strings.Builder
				want := map[string]string{}
				for _, k := range append(RequiredKeys(kind), OptionalKeys(kind)...) {
					if defs[defIndex[k]].check {
						b.WriteString("[x] " + Label(k, lang) + "\n")
						continue
					}
					b.WriteString(Label(k, lang) + ": " + values[k] + "\n")
					want[k] = values[k]
				}
				wantLang := lang
				if lang == "zh-Hant" {
					wantLang = "zh"
				}
				got := Parse(b.String())
				if got.Kind != kind || got.Language != wantLang || len(got.Missing) > 0 || !maps.Equal(got.Fields, want) {
					t.Errorf("form:\n%s\ngot %+v\nwant kind %s, language %s, fields %v", b.String(), got, kind, wantLang, want)
				}
			})
		}
	}
}

func TestR_6_1_FormInForwardedMail(t *testing.T) {
	var quoted strings.Builder
	for _, l := range strings.Split(regularForm, "\n") {
		quoted.WriteString("> " + l + "\n")
	}
	fwd := "Dear SC, please find the application below.\nRegards, Secretariat\n\n---------- Forwarded message ---------\nFrom: Malee <malee@fom.example.org>\nDate: Mon, 3 Jun 2024 at 10:00\nSubject: Application for Regular Membership\nTo: info@mekongmigration.org\n\n"
	tests := []struct{ name, body string }{
		{"inline forward", fwd + regularForm},
		{"forward, quoted", fwd + quoted.String()},
		{"doubly quoted", strings.ReplaceAll(quoted.String(), "\n> ", "\n>> ")},
		{"quoted with spaces", strings.ReplaceAll(quoted.String(), "\n> ", "\n > > ")},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			checkForm(t, Parse(tt.body), Regular, "en", regularWant, allTicked, nil)
		})
	}
}

func TestR_6_1_ChecklistMarks(t *testing.T) {
	tests := []struct {
		line string
		want bool
	}{
		{"[x] Most recent annual report", true},
		{"[X] Most recent annual report", true},
		{"[ x ] Most recent annual report", true},
		{"☒ Most recent annual report", true},
		{"☑ Most recent annual report", true},
		{"✓ Most recent annual report", true},
		{"✔ Most recent annual report", true},
		{"(x) Most recent annual report", true},
		{"(X) Most recent annual report", true},
		{"[✓] Most recent annual report", true},
		{"Most recent annual report [x]", true},
		{"Annual report: attached", true},
		{"Annual report: yes", true},
		{"[ ] Most recent annual report", false},
		{"[] Most recent annual report", false},
		{"☐ Most recent annual report", false},
		{"( ) Most recent annual report", false},
		{"Most recent annual report ☐", false},
		{"Annual report: no", false},
		{"Annual report: will send later", false},
	}
	for _, tt := range tests {
		t.Run(tt.line, func(t *testing.T) {
			got := Parse("Application for Regular Membership\n" + tt.line + "\n")
			if v, ok := got.Checked["doc_annual_report"]; !ok || v != tt.want {
				t.Errorf("got %v (present %v), want %v", v, ok, tt.want)
			}
			if slices.Contains(got.Missing, "doc_annual_report") == tt.want {
				t.Errorf("missing %v with ticked %v", got.Missing, tt.want)
			}
		})
	}
}

func TestR_6_5_KindFromTitle(t *testing.T) {
	tests := []struct {
		body string
		want Kind
	}{
		{"Application for Regular Membership\nName of organization: A", Regular},
		{"Associate Member (Organisation)\nName of organization: A", AssociateOrg},
		{"Associate Member (Individual)\nName: A", AssociateIndividual},
		{"MMN Associate Application for Individuals\n", AssociateIndividual},
		{"MMN Associate Application for Organizations\n", AssociateOrg},
		{"ใบสมัครสมาชิกสามัญ MMN\nชื่อองค์กร: ก", Regular},
		{"Đơn đăng ký cá nhân – thành viên liên kết\nHọ và tên: A", AssociateIndividual},
		{"MMN 准会员申请表（个人）\n姓名：张三", AssociateIndividual},
		{"申请成为正式成员\n组织名称：云南移民健康协会", Regular},
		{"准成员申请表（机构）\n组织名称：云南移民健康协会", AssociateOrg},
		{"MMN 準會員申請表（組織）\n組織名稱：甲", AssociateOrg},
		// No title: the labels decide.
		{"Name of organization: A\nAlternate contact person: B", Regular},
		{"Name of organization: A\nBrief description of organization: B", AssociateOrg},
		{"Name: A\nAreas of expertise/interests: B", AssociateIndividual},
		{"Dear all, the associate list is attached.", Unknown},
		{"", Unknown},
	}
	for _, tt := range tests {
		if got := Parse(tt.body).Kind; got != tt.want {
			t.Errorf("Parse(%q).Kind = %q, want %q", tt.body, got, tt.want)
		}
	}
}

func TestGarbageReadsAsNothing(t *testing.T) {
	for _, body := range []string{
		"", "\n\n\n", "hello", "Thanks, see you tomorrow!", ":::\n:\n[", "[x]\n[ ]\n☒☐",
		"\xff\xfe\x00garbage", strings.Repeat("> ", 1000), strings.Repeat("|\t", 1000),
		"Subject: lunch\nFrom: a@b.c\n\nLet's meet.",
	} {
		got := Parse(body)
		if got.Kind != Unknown || len(got.Fields) != 0 || !slices.Equal(got.Missing, RequiredKeys(Unknown)) {
			t.Errorf("Parse(%q) = %+v, want nothing, all of RequiredKeys(\"\") missing", body, got)
		}
	}
}

func TestRequiredKeys(t *testing.T) {
	want := map[Kind][]string{
		Regular:             {"org_name", "chair", "contact_name", "contact_email", "alternate_name", "alternate_email", "country", "doc_constitution", "doc_annual_report", "doc_endorsement", "agree_top"},
		AssociateOrg:        {"org_name", "org_description", "chair", "contact_name", "contact_email", "country", "agree_top"},
		AssociateIndividual: {"name", "email", "country", "expertise", "agree_top"},
		Unknown:             {"org_name", "org_description", "name", "chair", "contact_name", "contact_email", "alternate_name", "alternate_email", "email", "country", "expertise", "doc_constitution", "doc_annual_report", "doc_endorsement", "agree_top"},
	}
	for k, w := range want {
		if got := RequiredKeys(k); !slices.Equal(got, w) {
			t.Errorf("RequiredKeys(%q) = %q, want %q", k, got, w)
		}
	}
	r := RequiredKeys(Regular)
	r[0] = "changed"
	if RequiredKeys(Regular)[0] != "org_name" {
		t.Error("RequiredKeys returns the package's own slice")
	}
	// Every key has a label in every language, and the keys are in form order.
	for _, k := range []Kind{Regular, AssociateOrg, AssociateIndividual} {
		keys := append(RequiredKeys(k), OptionalKeys(k)...)
		for _, key := range keys {
			for _, lang := range []string{"en", "th", "km", "lo", "my", "vi", "zh", "zh-Hant"} {
				if _, ok := defs[defIndex[key]].label[lang]; !ok {
					t.Errorf("%s has no %s label", key, lang)
				}
			}
		}
	}
}

func TestLabel(t *testing.T) {
	tests := []struct{ key, lang, want string }{
		{"org_name", "en", "Name of organization"},
		{"org_name", "", "Name of organization"},
		{"org_name", "fr", "Name of organization"},
		{"org_name", "th", "ชื่อองค์กร"},
		{"org_name", "zh", "组织名称"},
		{"org_name", "zh-CN", "组织名称"},
		{"org_name", "zh-TW", "組織名稱"},
		{"org_name", "zh_Hant", "組織名稱"},
		{"doc_endorsement", "en", "Endorsement letter from an existing MMN member"},
		{"agree_top", "vi", "Chúng tôi đồng ý với Điều khoản Đối tác (ToP) của MMN"},
		{"no_such_key", "en", "no_such_key"},
		{office, "en", office},
	}
	for _, tt := range tests {
		if got := Label(tt.key, tt.lang); got != tt.want {
			t.Errorf("Label(%q, %q) = %q, want %q", tt.key, tt.lang, got, tt.want)
		}
	}
	f := Parse(regularForm)
	list := f.List("en")
	if len(list) != len(regularWant) || list[0] != (Field{"org_name", "Name of organization", "Friends of Migrants Foundation"}) {
		t.Errorf("List = %+v", list)
	}
}

// TestLabelsAreInTheirOwnScript catches a label typed with a letter of a
// neighbouring script (they look alike and never match what people type).
func TestLabelsAreInTheirOwnScript(t *testing.T) {
	scripts := map[string]*unicode.RangeTable{
		"th": unicode.Thai, "km": unicode.Khmer, "lo": unicode.Lao, "my": unicode.Myanmar,
		"zh": unicode.Han, "zh-Hant": unicode.Han,
	}
	check := func(key, lang, s string) {
		for _, r := range s {
			if r < 0x250 || unicode.IsPunct(r) || unicode.IsSpace(r) || r == '（' || r == '）' || r == '、' {
				continue
			}
			if tab, ok := scripts[lang]; ok && !unicode.Is(tab, r) || lang == "vi" && !(r >= 0x1E00 && r <= 0x1EFF || r < 0x250 || unicode.Is(unicode.Mn, r)) {
				t.Errorf("%s %s %q: rune %q (%U) is not in the language's script", key, lang, s, r, r)
			}
		}
	}
	for _, d := range defs {
		for lang, l := range d.label {
			check(d.key, lang, l)
		}
		for lang, as := range d.alias {
			for _, a := range as {
				check(d.key, lang, a)
			}
		}
	}
}

// TestAliasesAreUnambiguous: no spelling is the label of two fields.
func TestAliasesAreUnambiguous(t *testing.T) {
	owner := map[string]string{}
	for _, d := range defs {
		texts := []string{}
		for _, l := range d.label {
			texts = append(texts, l)
		}
		for _, as := range d.alias {
			texts = append(texts, as...)
		}
		for _, s := range texts {
			f := foldString(s)
			if o, ok := owner[f]; ok && o != d.key {
				t.Errorf("%q is a label of both %s and %s", s, o, d.key)
			}
			owner[f] = d.key
		}
	}
}

func nfd(s string) string { return norm.NFD.String(s) }
