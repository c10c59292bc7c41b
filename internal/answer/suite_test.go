package answer

import (
	"bufio"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"testing"
)

// The reply suite: realistic replies to the voting form and the opinion
// request in the seven languages, as the common clients send them (synthetic:
// written for this test, no public corpus has such replies). Each record in
// testdata/suite/<lang>.txt gives what the member typed, the client, the
// layout and the answer a careful reader records ("ask" when it must ask
// again). The client wraps the typed text with its quoting of the form in
// testdata/suite/forms. See testdata/suite/README.md for the format.

// suiteRecord is one reply of the suite.
type suiteRecord struct {
	ID     string
	Lang   string
	Kind   Kind
	Client string
	Layout string // top (default), bottom
	Want   string // yes, no, abstain, support, object, comment, ask
	Tags   []string
	Typed  string // what the member typed (with their signature), or the whole body for client raw
	File   string
	LineNo int
}

// Suite targets: no wrong answer ever; at least this share read correctly.
const suiteReadFloor = 95.0

func loadSuite(t testing.TB) []suiteRecord {
	t.Helper()
	files, err := filepath.Glob(filepath.Join("testdata", "suite", "*.txt"))
	if err != nil || len(files) == 0 {
		t.Fatalf("no suite files: %v", err)
	}
	var out []suiteRecord
	ids := map[string]string{}
	for _, f := range files {
		recs, err := parseSuiteFile(f)
		if err != nil {
			t.Fatal(err)
		}
		for _, r := range recs {
			if prev, dup := ids[r.ID]; dup {
				t.Fatalf("%s:%d: id %s already used in %s", r.File, r.LineNo, r.ID, prev)
			}
			ids[r.ID] = r.File
		}
		out = append(out, recs...)
	}
	return out
}

func parseSuiteFile(path string) ([]suiteRecord, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	lang := strings.TrimSuffix(filepath.Base(path), ".txt")
	var out []suiteRecord
	var cur *suiteRecord
	inBody := false
	var body []string
	flush := func() error {
		if cur == nil {
			return nil
		}
		cur.Typed = strings.TrimRight(strings.Join(body, "\n"), "\n")
		if cur.Want == "" || cur.Typed == "" && cur.Client != "raw" {
			return fmt.Errorf("%s:%d: record %s lacks want or text", path, cur.LineNo, cur.ID)
		}
		if _, ok := clientWrappers[cur.Client]; !ok && cur.Client != "raw" {
			return fmt.Errorf("%s:%d: unknown client %q", path, cur.LineNo, cur.Client)
		}
		out = append(out, *cur)
		return nil
	}
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	n := 0
	for sc.Scan() {
		n++
		l := sc.Text()
		if strings.HasPrefix(l, "=== ") {
			if err := flush(); err != nil {
				return nil, err
			}
			cur = &suiteRecord{ID: strings.TrimSpace(l[4:]), Lang: lang, Kind: KindVote, Client: "gmail-web", Layout: "top", File: path, LineNo: n}
			inBody, body = false, nil
			continue
		}
		if cur == nil || strings.HasPrefix(l, "#:") {
			continue // the file's header, and comments between records
		}
		if !inBody {
			if l == "---" {
				inBody = true
				continue
			}
			k, v, ok := strings.Cut(l, ":")
			if !ok {
				return nil, fmt.Errorf("%s:%d: want key: value or ---", path, n)
			}
			v = strings.TrimSpace(v)
			switch strings.TrimSpace(k) {
			case "kind":
				switch v {
				case "vote":
					cur.Kind = KindVote
				case "opinion":
					cur.Kind = KindOpinion
				default:
					return nil, fmt.Errorf("%s:%d: kind %q", path, n, v)
				}
			case "client":
				cur.Client = v
			case "layout":
				cur.Layout = v
			case "want":
				cur.Want = v
			case "tags":
				for _, tg := range strings.Split(v, ",") {
					cur.Tags = append(cur.Tags, strings.TrimSpace(tg))
				}
			case "lang":
				cur.Lang = v
			default:
				return nil, fmt.Errorf("%s:%d: unknown key %q", path, n, k)
			}
			continue
		}
		body = append(body, l)
	}
	if err := sc.Err(); err != nil {
		return nil, err
	}
	return out, flush()
}

var suiteForms = struct {
	sync.Mutex
	m map[string]string
}{m: map[string]string{}}

// suiteForm returns the form a record answers (its body, without the
// subject line), in the record's language.
func suiteForm(t testing.TB, kind Kind, lang string) string {
	t.Helper()
	k := "vote"
	if kind == KindOpinion {
		k = "opinion"
	}
	name := k + "_" + lang
	suiteForms.Lock()
	defer suiteForms.Unlock()
	if f, ok := suiteForms.m[name]; ok {
		return f
	}
	b, err := os.ReadFile(filepath.Join("testdata", "suite", "forms", name+".txt"))
	if err != nil {
		t.Fatal(err)
	}
	s := string(b)
	if _, rest, ok := strings.Cut(s, "\n\n"); ok && strings.HasPrefix(s, "Subject: ") {
		s = rest
	}
	suiteForms.m[name] = strings.TrimRight(s, "\n")
	return suiteForms.m[name]
}

func quoteAll(s, prefix string) string {
	lines := strings.Split(s, "\n")
	for i, l := range lines {
		if l == "" {
			lines[i] = strings.TrimRight(prefix, " ")
		} else {
			lines[i] = prefix + l
		}
	}
	return strings.Join(lines, "\n")
}

// Who the bot is in the suite's attributions.
const (
	botName  = "MMN governance bot"
	botAddr  = "govbot@mmn.example"
	botFull  = botName + " <" + botAddr + ">"
	memberTo = "Somchai Rak <somchai@mwf.example>"
	subject  = "[B1-ABCDEFGH] Vote by Monday 15 March 2027: Adopt the 2027 work plan"
)

// pick returns m[lang], or m["en"].
func pick(m map[string]string, lang string) string {
	if v, ok := m[lang]; ok {
		return v
	}
	return m["en"]
}

var gmailAttr = map[string]string{
	"en": "On Mon, 1 Mar 2027 at 09:00, " + botFull + " wrote:",
	"th": "เมื่อ จ. 1 มี.ค. 2027 เวลา 09:00 " + botFull + " เขียนว่า:",
	"vi": "Vào Th 2, 1 thg 3, 2027 vào lúc 09:00 " + botFull + " đã viết:",
	"zh": botFull + " 于2027年3月1日周一 09:00写道：",
	"km": "នៅ ថ្ងៃ\u200bច័ន្ទ ទី 1 ខែ\u200bមីនា ឆ្នាំ 2027 នៅ\u200bម៉ោង 09:00 " + botFull + " បាន\u200bសរសេរ៖",
	"lo": "ເມື່ອ ວັນຈັນ ທີ 1 ມີນາ 2027 ເວລາ 09:00 " + botFull + " ໄດ້ຂຽນວ່າ:",
	"my": botFull + " သည် တနင်္လာ၊ 1 မတ် 2027၊ 09:00 တွင် ရေးသားခဲ့သည် -",
}

// gmailAppAttr is the same line as the phone app wraps it, before the address.
func gmailAppAttr(lang string) string {
	a := pick(gmailAttr, lang)
	i := strings.Index(a, "<")
	return a[:i+1] + "\n" + a[i+1:]
}

var outlookKeys = map[string][4]string{
	"en": {"From", "Sent", "To", "Subject"},
	"th": {"จาก", "ส่ง", "ถึง", "เรื่อง"},
	"vi": {"Từ", "Đã gửi", "Đến", "Chủ đề"},
	"zh": {"发件人", "发送时间", "收件人", "主题"},
	"km": {"ពី", "បាន\u200bផ្ញើ", "ទៅ", "ប្រធានបទ"},
	"lo": {"ຈາກ", "ສົ່ງ", "ເຖິງ", "ຫົວເລື່ອງ"},
	"my": {"မှ", "ပို့ခဲ့သည်", "သို့", "အကြောင်းအရာ"},
}

var outlookDate = map[string]string{
	"en": "Monday, 1 March 2027 09:00",
	"th": "1 มีนาคม 2027 9:00",
	"vi": "Thứ Hai, ngày 1 tháng 3 năm 2027 09:00",
	"zh": "2027年3月1日 9:00",
	"km": "ថ្ងៃច័ន្ទ 1 មីនា 2027 09:00",
	"lo": "ວັນຈັນ 1 ມີນາ 2027 09:00",
	"my": "တနင်္လာ၊ 1 မတ် 2027 09:00",
}

func outlookHeader(lang, colon string) string {
	k := outlookKeys[lang]
	if k[0] == "" {
		k = outlookKeys["en"]
	}
	return k[0] + colon + " " + botFull + "\n" + k[1] + colon + " " + pick(outlookDate, lang) + "\n" + k[2] + colon + " " + memberTo + "\n" + k[3] + colon + " " + subject
}

var getOutlook = map[string]string{
	"en": "Get Outlook for Android<https://aka.ms/AAb9ysg>",
	"th": "รับ Outlook สำหรับ Android<https://aka.ms/AAb9ysg>",
	"vi": "Tải Outlook cho Android<https://aka.ms/AAb9ysg>",
	"zh": "获取 Outlook for Android<https://aka.ms/AAb9ysg>",
}

var appleAttr = map[string]string{
	"en": "On 1 Mar 2027, at 09:00, " + botFull + " wrote:",
	"th": "เมื่อ 1 มี.ค. 2027 เวลา 09:00 " + botFull + " เขียนว่า:",
	"vi": "Vào 09:00, ngày 1 thg 3, 2027, " + botFull + " đã viết:",
	"zh": "2027年3月1日 09:00，" + botFull + " 写道：",
}

var sentFromIPhone = map[string]string{
	"en": "Sent from my iPhone",
	"th": "ส่งจาก iPhone ของฉัน",
	"vi": "Gửi từ iPhone của tôi",
	"zh": "从我的iPhone发送",
	"km": "បានផ្ញើពី iPhone របស់ខ្ញុំ",
	"lo": "ສົ່ງຈາກ iPhone ຂອງຂ້ອຍ",
	"my": "ကျွန်ုပ်၏ iPhone မှ ပို့ထားသည်",
}

var thunderbirdAttr = map[string]string{
	"en": "On 01/03/2027 09:00, " + botName + " wrote:",
	"th": "เมื่อ 1/3/2027 9:00, " + botName + " เขียน:",
	"vi": "Vào lúc 09:00 ngày 01/03/2027, " + botName + " đã viết:",
	"zh": "在 2027/3/1 09:00, " + botName + " 写道:",
}

var k9Attr = map[string]string{
	"en": "On 1 March 2027 09:00:00 GMT+07:00, " + botFull + " wrote:",
	"vi": "Vào 1 tháng 3, 2027 09:00:00 GMT+07:00, " + botFull + " đã viết:",
	"zh": "在 2027年3月1日 GMT+07:00 上午9:00:00, " + botFull + " 写道:",
	"th": "เมื่อ 1 มีนาคม 2027 09:00:00 GMT+07:00, " + botFull + " เขียนว่า:",
}

var samsungHead = map[string]string{
	"en": "-------- Original message --------\nFrom: " + botFull + " \nDate: 01/03/2027 09:00 (GMT+07:00) \nTo: " + memberTo + " \nSubject: " + subject + " ",
	"th": "-------- ข้อความต้นฉบับ --------\nจาก: " + botFull + " \nวันที่: 01/03/2027 09:00 (GMT+07:00) \nถึง: " + memberTo + " \nเรื่อง: " + subject + " ",
	"vi": "-------- Thư gốc --------\nTừ: " + botFull + " \nNgày: 01/03/2027 09:00 (GMT+07:00) \nĐến: " + memberTo + " \nChủ đề: " + subject + " ",
	"zh": "-------- 原始邮件 --------\n发件人：" + botFull + " \n日期：2027年3月1日 09:00 (GMT+07:00) \n收件人：" + memberTo + " \n主题：" + subject + " ",
	"km": "-------- សារដើម --------\nពី៖ " + botFull + " \nកាលបរិច្ឆេទ៖ 01/03/2027 09:00 (GMT+07:00) \nទៅ៖ " + memberTo + " \nប្រធានបទ៖ " + subject + " ",
}

var sentFromGalaxy = map[string]string{
	"en": "Sent from my Galaxy",
	"th": "ส่งจาก Samsung Galaxy smartphone ของฉัน",
	"vi": "Được gửi từ điện thoại Samsung Galaxy của tôi",
	"zh": "从我的 Galaxy 发送",
}

var yahooAttr = map[string]string{
	"en": "On Monday, 1 March 2027, 09:00:00 GMT+7, " + botFull + " wrote:",
	"vi": "Vào Thứ Hai, 1 tháng 3, 2027, 09:00:00 GMT+7, " + botFull + " đã viết:",
	"zh": "在 2027年3月1日星期一 GMT+7 上午9:00:00，" + botFull + " 写道:",
	"th": "เมื่อ วันจันทร์ที่ 1 มีนาคม 2027 09:00:00 GMT+7, " + botFull + " เขียนว่า:",
}

var foxmailHead = map[string]string{
	"en": "------------------ Original ------------------\nFrom: \"" + botName + "\"<" + botAddr + ">;\nDate: Mon, Mar 1, 2027 09:00 AM\nTo: \"Somchai Rak\"<somchai@mwf.example>;\nSubject: " + subject,
	"zh": "------------------&nbsp;原始邮件&nbsp;------------------\n发件人: \"" + botName + "\"<" + botAddr + ">;\n发送时间: 2027年3月1日(星期一) 上午9:00\n收件人: \"Somchai Rak\"<somchai@mwf.example>;\n主题: " + subject,
}

var qqHead = "------------------ 原始邮件 ------------------\n发件人: \"" + botName + "\"<" + botAddr + ">;\n发送时间: 2027年3月1日(星期一) 上午9:00\n收件人: \"Somchai Rak\"<somchai@mwf.example>;\n主题: " + subject

// clientWrappers build the body a client sends: typed is what the member
// typed, form the bot's form, bottom whether the member typed below it.
var clientWrappers = map[string]func(lang, typed, form string, bottom bool) string{
	"gmail-web": func(lang, typed, form string, bottom bool) string {
		q := pick(gmailAttr, lang) + "\n\n" + quoteAll(form, "> ")
		if bottom {
			return q + "\n\n" + typed + "\n"
		}
		return typed + "\n\n" + q + "\n"
	},
	"gmail-app": func(lang, typed, form string, bottom bool) string {
		q := gmailAppAttr(lang) + "\n\n" + quoteAll(form, "> ")
		if bottom {
			return q + "\n\n" + typed + "\n"
		}
		return typed + "\n\n" + q + "\n"
	},
	"outlook-desktop": func(lang, typed, form string, bottom bool) string {
		q := "________________________________\n" + outlookHeader(lang, ":") + "\n\n" + form
		if bottom {
			return "\n" + q + "\n\n" + typed + "\n"
		}
		return typed + "\n\n" + q + "\n"
	},
	"outlook-web": func(lang, typed, form string, bottom bool) string {
		return typed + "\n\n\n" + outlookHeader(lang, ":") + "\n\n" + form + "\n"
	},
	"outlook-mobile": func(lang, typed, form string, bottom bool) string {
		return typed + "\n\n" + pick(getOutlook, lang) + "\n________________________________\n" + outlookHeader(lang, ":") + "\n\n" + form + "\n"
	},
	// an HTML-only reply as govbot's reader turns it into text: no blank line
	// above the rule, no-break spaces, the header in bold
	"outlook-html": func(lang, typed, form string, bottom bool) string {
		h := outlookHeader(lang, ":")
		var b []string
		for _, l := range strings.Split(h, "\n") {
			k, v, _ := strings.Cut(l, ":")
			b = append(b, "*"+k+":* "+strings.TrimSpace(v))
		}
		return strings.ReplaceAll(typed, " ", "\u00a0") + "\n________________________________\n" + strings.Join(b, "\n") + "\n" + form + "\n"
	},
	"apple-mail": func(lang, typed, form string, bottom bool) string {
		q := "> " + pick(appleAttr, lang) + "\n> \n" + quoteAll(form, "> ")
		if bottom {
			return q + "\n\n" + typed + "\n"
		}
		return typed + "\n\n" + q + "\n"
	},
	"iphone": func(lang, typed, form string, bottom bool) string {
		return typed + "\n\n" + pick(sentFromIPhone, lang) + "\n\n> " + pick(appleAttr, lang) + "\n> \n> \ufeff" + strings.TrimPrefix(quoteAll(form, "> "), "> ") + "\n"
	},
	"thunderbird": func(lang, typed, form string, bottom bool) string {
		q := pick(thunderbirdAttr, lang) + "\n" + quoteAll(form, "> ")
		if bottom {
			return q + "\n\n" + typed + "\n"
		}
		return typed + "\n\n" + q + "\n"
	},
	"k9": func(lang, typed, form string, bottom bool) string {
		q := pick(k9Attr, lang) + "\n" + quoteAll(form, ">")
		sig := "-- \nSent from my Android device with K-9 Mail. Please excuse my brevity."
		if bottom {
			return q + "\n\n" + typed + "\n" + sig + "\n"
		}
		return typed + "\n" + sig + "\n\n" + q + "\n"
	},
	"samsung": func(lang, typed, form string, bottom bool) string {
		q := pick(samsungHead, lang) + "\n\n" + form
		if bottom {
			return "\n\n\n" + q + "\n\n" + typed + "\n"
		}
		return typed + "\n\n\n\n" + pick(sentFromGalaxy, lang) + "\n\n\n" + q + "\n"
	},
	"yahoo": func(lang, typed, form string, bottom bool) string {
		return typed + "\n\n    " + pick(yahooAttr, lang) + "\n\n" + quoteAll(form, "> ") + "\n"
	},
	"foxmail": func(lang, typed, form string, bottom bool) string {
		return typed + "\n\n\n\n" + pick(foxmailHead, lang) + "\n\n" + form + "\n"
	},
	"qq": func(lang, typed, form string, bottom bool) string {
		return typed + "\n\n发自我的iPhone\n\n\n" + qqHead + "\n\n" + form + "\n"
	},
}

// suiteBody returns the body a record's member sends.
func suiteBody(t testing.TB, r suiteRecord) string {
	if r.Client == "raw" {
		return r.Typed
	}
	form := suiteForm(t, r.Kind, r.Lang)
	return clientWrappers[r.Client](r.Lang, r.Typed, form, r.Layout == "bottom")
}

type suiteTally struct{ total, correct, asked, wrong int }

// TestReplySuite reads every reply of the suite and compares the answer with
// the one expected. A wrong answer (one the member did not give) fails the
// test; asking again needlessly counts against the read-correctly rate,
// which must stay at or above suiteReadFloor.
func TestReplySuite(t *testing.T) {
	recs := loadSuite(t)
	per := map[string]*suiteTally{}
	clients, kinds := map[string]int{}, map[string]int{}
	var all suiteTally
	for _, r := range recs {
		body := suiteBody(t, r)
		res := Parse(ReplyText(body), r.Kind)
		got := string(res.Answer)
		if res.Answer == None {
			got = "ask"
		}
		tl := per[r.Lang]
		if tl == nil {
			tl = &suiteTally{}
			per[r.Lang] = tl
		}
		clients[r.Client]++
		if r.Kind == KindOpinion {
			kinds["opinion"]++
		} else {
			kinds["vote"]++
		}
		tl.total++
		all.total++
		switch {
		case got == r.Want:
			tl.correct++
			all.correct++
		case got == "ask":
			tl.asked++
			all.asked++
			t.Logf("ASKED AGAIN %s (%s:%d): want %s; %s\nreply part: %q", r.ID, r.File, r.LineNo, r.Want, res.Rule, ReplyText(body))
		default:
			tl.wrong++
			all.wrong++
			t.Errorf("WRONG ANSWER %s (%s:%d): recorded %s, want %s; line %q, rule %s\nreply part: %q", r.ID, r.File, r.LineNo, got, r.Want, res.Line, res.Rule, ReplyText(body))
		}
	}
	langs := make([]string, 0, len(per))
	for l := range per {
		langs = append(langs, l)
	}
	sort.Strings(langs)
	for _, l := range langs {
		p := per[l]
		t.Logf("%s: %d replies, %d read correctly (%.1f%%), %d asked again, %d wrong", l, p.total, p.correct, pct(p.correct, p.total), p.asked, p.wrong)
		if p.total < 30 {
			t.Errorf("%s: only %d replies; the suite wants at least 30 per language", l, p.total)
		}
	}
	t.Logf("all: %d replies (%d votes, %d opinions; %d clients), %d read correctly (%.1f%%), %d asked again (%.1f%%), %d wrong",
		all.total, kinds["vote"], kinds["opinion"], len(clients), all.correct, pct(all.correct, all.total), all.asked, pct(all.asked, all.total), all.wrong)
	corpusResults.Lock()
	corpusResults.m["reply suite"] = fmt.Sprintf("| reply suite (synthetic, 7 languages, %d clients) | %d/%d | %.1f%% | read correctly; %d asked again, %d wrong |", len(clients), all.correct, all.total, pct(all.correct, all.total), all.asked, all.wrong)
	corpusResults.Unlock()
	if all.total < 300 {
		t.Errorf("the suite has %d replies; want at least 300", all.total)
	}
	for c := range clientWrappers {
		if clients[c] == 0 {
			t.Errorf("no reply from client %s", c)
		}
	}
	if r := pct(all.correct, all.total); r < suiteReadFloor {
		t.Errorf("read correctly %.1f%%, below %.0f%%", r, suiteReadFloor)
	}
}

func pct(a, b int) float64 {
	if b == 0 {
		return 0
	}
	return 100 * float64(a) / float64(b)
}
