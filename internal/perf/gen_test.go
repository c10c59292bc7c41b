package perf

import (
	"bytes"
	"encoding/base64"
	"fmt"
	"math/rand/v2"
	"mime"
	"mime/quotedprintable"
	"strings"
	"time"

	"golang.org/x/text/encoding"
	"golang.org/x/text/encoding/charmap"
	"golang.org/x/text/encoding/simplifiedchinese"

	"github.com/mekongmigration/govbot/internal/answer"
	"github.com/mekongmigration/govbot/internal/store"
)

// countries of the generated roster, with the language its members write in.
var countries = []struct{ name, lang string }{
	{"Thailand", "th"}, {"Cambodia", "km"}, {"Vietnam", "vi"},
	{"Lao PDR", "lo"}, {"Burma/Myanmar", "my"}, {"Yunnan/Guangxi/China", "zh"},
}

// rosterCSV writes a roster of n regular members; every third has an alternate
// address and every fourth writes in English.
func rosterCSV(n int) []byte {
	var b bytes.Buffer
	b.WriteString("id,name,kind,country,contact_email,alternate_email,language,reconfirmed_through\n")
	for i := 1; i <= n; i++ {
		c := countries[(i-1)%len(countries)]
		alt := ""
		if i%3 == 0 {
			alt = fmt.Sprintf("alt%05d@org%05d.example", i, i)
		}
		lang := c.lang
		if i%4 == 0 {
			lang = "en"
		}
		fmt.Fprintf(&b, "m%05d,Organisation %05d,regular,%s,contact%05d@org%05d.example,%s,%s,2026\n", i, i, c.name, i, i, alt, lang)
	}
	return b.Bytes()
}

// voteWords are the answers members type, by language; checked by TestGeneratorWords.
var voteWords = map[string]map[string][]string{
	"en": {"yes": {"Yes", "YES", "Yes, we agree.", "I approve"}, "no": {"No", "NO", "No, we do not agree."}, "abstain": {"Abstain", "We abstain"}},
	"th": {"yes": {"เห็นด้วย", "เห็นด้วย ค่ะ"}, "no": {"ไม่เห็นด้วย", "คัดค้าน"}, "abstain": {"งดออกเสียง"}},
	"vi": {"yes": {"Đồng ý", "Tán thành"}, "no": {"Không đồng ý", "Phản đối"}, "abstain": {"Phiếu trắng"}},
	"zh": {"yes": {"同意", "赞成"}, "no": {"不同意", "反对"}, "abstain": {"弃权"}},
	"km": {"yes": {"យល់ព្រម"}, "no": {"មិនយល់ព្រម"}, "abstain": {"អនុប្បវាទ"}},
	"lo": {"yes": {"ເຫັນດີ"}, "no": {"ບໍ່ເຫັນດີ"}, "abstain": {"ງົດອອກສຽງ"}},
	"my": {"yes": {"ထောက်ခံ"}, "no": {"ကန့်ကွက်"}, "abstain": {"ထောက်ခံ"}}, // no common Burmese abstain word in the list: counted as yes below
}

var opinions = []string{
	"We think the plan should give more attention to domestic workers in Thailand. We will send comments next week.",
	"Chúng tôi cần thêm thời gian để thảo luận với các thành viên.",
	"我们需要更多时间讨论这个计划，请把预算表发给我们。",
	"ພວກເຮົາຕ້ອງການເວລາເພີ່ມເຕີມ.",
	"សូមផ្ញើឯកសារបន្ថែម។",
	"Could the Secretariat share the budget annex before we decide?",
}

// Kinds of generated message, for the figures.
const (
	kindVote      = "vote"
	kindAmbiguous = "ambiguous"
	kindOpinion   = "opinion"
	kindForm      = "application" // a membership application form with an annual report attached
	kindAuto      = "auto-reply"
	kindStranger  = "stranger"
)

// genMsg is one generated inbound message.
type genMsg struct {
	Kind   string
	From   string
	Choice string // yes/no/abstain for a counted vote
	Date   time.Time
	Raw    []byte
}

// form is what a reply needs of the voting form it answers.
type form struct {
	To, Subject, MessageID, Text, Lang string
}

// formsOf returns the voting forms waiting in the outbox, by address.
func formsOf(pending []store.OutMail) (map[string]form, []string) {
	forms := map[string]form{}
	var addrs []string
	for _, m := range pending {
		if m.Kind != "ballot_form" {
			continue
		}
		for _, to := range m.To {
			forms[to] = form{To: to, Subject: m.Subject, MessageID: m.MessageID, Text: m.Text}
			addrs = append(addrs, to)
		}
	}
	return forms, addrs
}

// generator makes a deterministic backlog from a seed.
type generator struct {
	rng   *rand.Rand
	seed  uint64
	bot   string
	forms map[string]form
	addrs []string // sorted as queued: deterministic
	// n counts the messages made so far; it numbers and dates the next one.
	n int
}

func newGenerator(seed uint64, bot string, forms map[string]form, addrs []string) *generator {
	return &generator{rng: rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15)), seed: seed, bot: bot, forms: forms, addrs: addrs}
}

func langOf(addr string) string {
	var i int
	fmt.Sscanf(strings.TrimLeft(addr[strings.IndexByte(addr, '@')+1:], "org"), "%d", &i)
	if i%4 == 0 {
		return "en"
	}
	return countries[(i-1)%len(countries)].lang
}

// next returns the next message of the backlog, dated at.
func (g *generator) next(at time.Time) genMsg {
	g.n++
	r := g.rng.IntN(100)
	addr := g.addrs[g.rng.IntN(len(g.addrs))]
	lang := langOf(addr)
	m := genMsg{From: addr, Date: at}
	switch {
	case r < 72:
		m.Kind = kindVote
		choices := []string{"yes", "no", "abstain"}
		m.Choice = choices[g.rng.IntN(3)]
		if lang == "my" && m.Choice == "abstain" {
			m.Choice = "yes"
		}
		words := voteWords[lang][m.Choice]
		if g.rng.IntN(4) == 0 {
			words = voteWords["en"][m.Choice]
		}
		body := words[g.rng.IntN(len(words))] + "\n\nBest regards,\nMember of " + addr[strings.IndexByte(addr, '@')+1:]
		var att []attachment
		if g.rng.IntN(12) == 0 { // a scan of the signed form
			att = append(att, attachment{name: "signed-form.jpg", ctype: "image/jpeg", size: 20<<10 + g.rng.IntN(200<<10)})
		}
		m.Raw = g.reply(addr, lang, body, att)
	case r < 80:
		m.Kind = kindAmbiguous
		m.Raw = g.reply(addr, lang, []string{"yes or no", "Yes. No.", "We are not sure yet, maybe yes."}[g.rng.IntN(3)], nil)
	case r < 88:
		m.Kind = kindOpinion
		m.Raw = g.reply(addr, lang, opinions[g.rng.IntN(len(opinions))], nil)
	case r < 94:
		m.Kind = kindForm
		size := 100<<10 + g.rng.IntN(900<<10)
		m.Raw = g.message(addr, "Membership application / annual report", "Organisation: New Partner Foundation\nCountry: Thailand\nContact: director@newpartner.example\nWe apply for associate membership; our annual report is attached.\n",
			nil, []attachment{{name: "annual-report-2026.pdf", ctype: "application/pdf", size: size}})
	case r < 97:
		m.Kind = kindAuto
		m.Raw = g.message(addr, "Automatic reply: "+g.forms[addr].Subject, "I am out of the office until next week.", []string{"Auto-Submitted: auto-replied", "X-Autoreply: yes"}, nil)
	default:
		m.Kind = kindStranger
		m.From = fmt.Sprintf("someone%d@freemail.example", g.rng.IntN(5000))
		m.Raw = g.message(m.From, "Re: vote", "YES", nil, nil)
	}
	return m
}

type attachment struct {
	name, ctype string
	size        int
}

// content returns size deterministic, poorly compressible bytes.
func (g *generator) content(size int) []byte {
	b := make([]byte, size)
	r := rand.New(rand.NewPCG(g.seed, uint64(g.n)))
	for i := 0; i+8 <= len(b); i += 8 {
		v := r.Uint64()
		for j := 0; j < 8; j++ {
			b[i+j] = byte(v >> (8 * j))
		}
	}
	return b
}

// reply answers the form sent to addr the way a mail client would: the answer on top,
// the form quoted below, in a charset and layout drawn from the generator.
func (g *generator) reply(addr, lang, body string, atts []attachment) []byte {
	f := g.forms[addr]
	var text string
	switch g.rng.IntN(3) {
	case 0: // Gmail
		text = body + "\n\nOn Mon, 1 Mar 2027 at 09:00 MMN govbot <" + g.bot + "> wrote:\n\n" + quote(f.Text)
	case 1: // Outlook
		text = body + "\n\n________________________________\nFrom: MMN govbot <" + g.bot + ">\nSent: Monday, March 1, 2027 9:00 AM\nTo: " + addr + "\nSubject: " + f.Subject + "\n\n" + f.Text
	default: // Apple Mail
		text = body + "\n\n> On 1 Mar 2027, at 09:00, MMN govbot <" + g.bot + "> wrote:\n>\n" + quote(f.Text)
	}
	hdr := []string{"In-Reply-To: <" + f.MessageID + ">", "References: <" + f.MessageID + ">"}
	return g.build(addr, "Re: "+f.Subject, text, lang, hdr, atts)
}

// message is a new message (not a reply) from addr.
func (g *generator) message(addr, subject, body string, hdr []string, atts []attachment) []byte {
	return g.build(addr, subject, body, langOf(addr), hdr, atts)
}

func quote(s string) string {
	lines := strings.Split(strings.TrimRight(s, "\n"), "\n")
	for i, l := range lines {
		lines[i] = strings.TrimRight("> "+l, " ")
	}
	return strings.Join(lines, "\n") + "\n"
}

// build writes the message: header, then the text in the charset and transfer
// encoding drawn for its language, as text/plain or multipart/alternative, inside
// multipart/mixed when it has attachments.
func (g *generator) build(from, subject, text, lang string, extra []string, atts []attachment) []byte {
	var b bytes.Buffer
	crlf := func(s string) string { return strings.ReplaceAll(strings.ReplaceAll(s, "\r\n", "\n"), "\n", "\r\n") }
	fmt.Fprintf(&b, "From: Member <%s>\r\nTo: MMN govbot <%s>\r\nSubject: %s\r\nDate: %s\r\nMessage-ID: <p%d.%d@client.example>\r\n",
		from, g.bot, mime.BEncoding.Encode("utf-8", subject), g.dateOf().Format(time.RFC1123Z), g.n, g.seed)
	for _, h := range extra {
		b.WriteString(h + "\r\n")
	}
	b.WriteString("MIME-Version: 1.0\r\n")

	cs, enc := "utf-8", encoding.Encoding(nil)
	switch {
	case lang == "th" && g.rng.IntN(2) == 0:
		cs, enc = "TIS-620", charmap.Windows874
	case lang == "zh" && g.rng.IntN(2) == 0:
		cs, enc = []string{"GB2312", "GBK", "GB18030"}[g.rng.IntN(3)], simplifiedchinese.GBK
	}
	payload := []byte(text)
	if enc != nil {
		p, err := encoding.ReplaceUnsupported(enc.NewEncoder()).Bytes(payload)
		if err == nil {
			payload = p
		}
	}
	cte := []string{"8bit", "base64", "quoted-printable"}[g.rng.IntN(3)]
	part := func(ctype string, data []byte) string {
		var p strings.Builder
		fmt.Fprintf(&p, "Content-Type: %s; charset=%s\r\nContent-Transfer-Encoding: %s\r\n\r\n", ctype, cs, cte)
		switch cte {
		case "base64":
			p.WriteString(wrap64(data))
		case "quoted-printable":
			w := quotedprintable.NewWriter(&p)
			w.Write(bytes.ReplaceAll(data, []byte("\n"), []byte("\r\n")))
			w.Close()
			p.WriteString("\r\n")
		default:
			p.WriteString(crlf(string(data)) + "\r\n")
		}
		return p.String()
	}
	html := g.rng.IntN(4) == 0
	var bodyPart string
	if html {
		h := "<html><body><div>" + strings.ReplaceAll(htmlEscape(string(payload)), "\n", "<br>\n") + "</div></body></html>"
		bodyPart = "Content-Type: multipart/alternative; boundary=\"alt-b\"\r\n\r\n--alt-b\r\n" + part("text/plain", payload) + "--alt-b\r\n" + part("text/html", []byte(h)) + "--alt-b--\r\n"
	} else {
		bodyPart = part("text/plain", payload)
	}
	if len(atts) == 0 {
		b.WriteString(bodyPart)
		return b.Bytes()
	}
	b.WriteString("Content-Type: multipart/mixed; boundary=\"mix-b\"\r\n\r\n--mix-b\r\n" + bodyPart)
	for _, a := range atts {
		fmt.Fprintf(&b, "--mix-b\r\nContent-Type: %s; name=\"%s\"\r\nContent-Disposition: attachment; filename=\"%s\"\r\nContent-Transfer-Encoding: base64\r\n\r\n", a.ctype, a.name, a.name)
		b.WriteString(wrap64(g.content(a.size)))
	}
	b.WriteString("--mix-b--\r\n")
	return b.Bytes()
}

// dateOf is the Date header: the generator's clock, one second per message from a
// fixed start, so that no two messages repeat (the bot refuses replays).
func (g *generator) dateOf() time.Time {
	return time.Date(2027, 3, 2, 8, 0, 0, 0, time.FixedZone("+07", 7*3600)).Add(time.Duration(g.n) * time.Second)
}

func htmlEscape(s string) string {
	return strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;").Replace(s)
}

func wrap64(data []byte) string {
	s := base64.StdEncoding.EncodeToString(data)
	var b strings.Builder
	b.Grow(len(s) + len(s)/76*2 + 2)
	for len(s) > 76 {
		b.WriteString(s[:76] + "\r\n")
		s = s[76:]
	}
	b.WriteString(s + "\r\n")
	return b.String()
}

// checkWords reports the vote words the parser does not read as meant.
func checkWords() []string {
	var bad []string
	for lang, byChoice := range voteWords {
		for choice, words := range byChoice {
			if lang == "my" && choice == "abstain" {
				continue
			}
			for _, w := range words {
				p := answer.Parse(answer.ReplyText(w), answer.KindVote)
				if p.Ambiguous || strings.ToLower(string(p.Answer)) != choice {
					bad = append(bad, fmt.Sprintf("%s %q reads as %+v, want %s", lang, w, p, choice))
				}
			}
		}
	}
	return bad
}
