package answer

import (
	"bufio"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"golang.org/x/text/unicode/norm"
)

func TestMarkerHasStableSignature(t *testing.T) {
	for _, lang := range []string{"en", "", "xx", "th", "km", "lo", "my", "vi", "zh"} {
		m := Marker(lang)
		if !strings.HasPrefix(m, "##-") || !strings.HasSuffix(m, "-##") || strings.Contains(m, "\n") {
			t.Errorf("Marker(%q) = %q, want one line between ##- and -##", lang, m)
		}
		if lang != "en" && lang != "" && lang != "xx" && !strings.Contains(m, " / Reply above this line") {
			t.Errorf("Marker(%q) = %q, want the English hint too", lang, m)
		}
	}
	if got, want := Marker("en"), "##- Please type your reply above this line -##"; got != want {
		t.Errorf("Marker(en) = %q, want %q", got, want)
	}
}

// ballot is the quoted form every vote request carries.
const ballot = "Please vote on the admission of Friends of Migrants.\n[ ] YES\n[ ] NO\n[ ] ABSTAIN\nYES / NO / ABSTAIN\n"

func quote(s string) string {
	lines := strings.Split(strings.TrimRight(s, "\n"), "\n")
	for i, l := range lines {
		lines[i] = "> " + l
	}
	return strings.Join(lines, "\n")
}

// TestQuotedBallotIsNeverAVote is the crucial rule: only what the member
// typed counts, never the options quoted back from our own form.
func TestQuotedBallotIsNeverAVote(t *testing.T) {
	form := Marker("en") + "\n" + ballot
	tests := []struct {
		name, body string
		want       Answer
	}{
		{"yes above quoted form", "YES\n\nOn Mon, 3 Jun 2024 at 10:00, Govbot <bot@mekong.org> wrote:\n" + quote(form), Yes},
		{"empty reply above quoted form", "\n\nOn Mon, 3 Jun 2024 at 10:00, Govbot <bot@mekong.org> wrote:\n" + quote(form), None},
		{"only quotes", quote(form), None},
		{"only quotes without marker", quote(ballot), None},
		{"unquoted form below reply, cut at marker", "No\n\n" + form, No},
		{"outlook unquoted original", "abstain\n\n________________________________\nFrom: Govbot <bot@mekong.org>\nSent: Monday\nTo: a@b.org\nSubject: Vote\n\n" + ballot, Abstain},
		{"gmail attribution only", "On Mon, 3 Jun 2024 at 10:00, Govbot <bot@mekong.org> wrote:\n" + quote(ballot), None},
		{"ticked box in reply", "[x] YES  [ ] NO  [ ] ABSTAIN\n\n" + form, Yes},
		{"form copied with nothing ticked", "[ ] YES [ ] NO [ ] ABSTAIN\n\n" + form, None},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := Parse(ReplyText(tt.body), KindVote)
			if r.Answer != tt.want || r.Ambiguous {
				t.Errorf("got %q (ambiguous %v, reply %q), want %q", r.Answer, r.Ambiguous, ReplyText(tt.body), tt.want)
			}
		})
	}
}

func TestParseVoteForms(t *testing.T) {
	tests := []struct {
		reply string
		want  Answer
		amb   bool
		lang  string
	}{
		{"YES", Yes, false, "en"},
		{"Yes.", Yes, false, "en"},
		{"yes!", Yes, false, "en"},
		{"I vote yes", Yes, false, "en"},
		{"[x] YES", Yes, false, "en"},
		{"[X] Yes  [ ] No", Yes, false, "en"},
		{"[ ] Yes  [X] No", No, false, "en"},
		{"[ ] YES [ ] NO", None, false, "en"},
		{"YES - we support", Yes, false, "en"},
		{"Vote: NO", No, false, "en"},
		{"NO", No, false, "en"},
		{"No, we cannot agree to this.", No, false, "en"},
		{"abstain", Abstain, false, "en"},
		{"ABSTENTION", Abstain, false, "en"},
		{"See you in November, I know nothing about it", None, false, "en"},
		{"Not sure yet", None, false, "en"},
		{"Yes\nno problem at all", Yes, false, "en"},
		{"YES. Sorry, I meant NO.", None, true, "en"},
		{"yes or no?", None, true, "en"},
		{"", None, false, ""},
	}
	for _, tt := range tests {
		r := Parse(tt.reply, KindVote)
		if r.Answer != tt.want || r.Ambiguous != tt.amb || r.Language != tt.lang {
			t.Errorf("Parse(%q) = %q amb=%v lang=%q (found %v), want %q amb=%v lang=%q", tt.reply, r.Answer, r.Ambiguous, r.Language, r.Found, tt.want, tt.amb, tt.lang)
		}
	}
}

// TestParseVoteSevenLanguagesSynthetic: synthetic replies in the network's
// languages, including the traps (negative forms containing the positive).
func TestParseVoteSevenLanguagesSynthetic(t *testing.T) {
	decomposed := norm.NFD.String("Không đồng ý")
	tests := []struct {
		reply string
		want  Answer
		lang  string
	}{
		{"เห็นด้วย", Yes, "th"},
		{"ไม่เห็นด้วย", No, "th"},
		{"ขอ งดออกเสียง ค่ะ", Abstain, "th"},
		{"Đồng ý", Yes, "vi"},
		{"Không đồng ý", No, "vi"},
		{decomposed, No, "vi"},
		{norm.NFD.String("Đồng ý"), Yes, "vi"},
		{"Bỏ phiếu trắng", Abstain, "vi"},
		{"Phiếu trắng", Abstain, "vi"},
		{"khong dong y", No, "vi"},
		{"同意", Yes, "zh"},
		{"不同意", No, "zh"},
		{"反对", No, "zh"},
		{"反對", No, "zh"},
		{"弃权", Abstain, "zh"},
		{"棄權", Abstain, "zh"},
		{"យល់ព្រម", Yes, "km"},
		{"ខ្ញុំ\u200bមិន\u200bយល់\u200bព្រម", No, "km"},
		{"យល់\u200bព្រម\u200b។", Yes, "km"},
		{"អនុប្បវាទ", Abstain, "km"},
		{"ເຫັນດີ", Yes, "lo"},
		{"ບໍ່ເຫັນດີ", No, "lo"},
		{"ງົດອອກສຽງ", Abstain, "lo"},
		{"ထောက်ခံ", Yes, "my"},
		{"ကန့်ကွက်", No, "my"},
		{"ကြားနေ", Abstain, "my"},
		{"\u1031\u1011\u102c\u1000\u1039\u1001\u1036", Yes, "my"},      // Zawgyi ထောက်ခံ
		{"\u1000\u1014\u1039\u1094\u1000\u103c\u1000\u1039", No, "my"}, // Zawgyi ကန့်ကွက်
		{"\u107e\u1000\u102c\u1038\u1031\u1014", Abstain, "my"},        // Zawgyi ကြားနေ
	}
	for _, tt := range tests {
		r := Parse(tt.reply, KindVote)
		if r.Answer != tt.want || r.Ambiguous || r.Language != tt.lang || len(r.Found) != 1 {
			t.Errorf("Parse(%q) = %q amb=%v found=%v lang=%q, want %q lang=%q", tt.reply, r.Answer, r.Ambiguous, r.Found, r.Language, tt.want, tt.lang)
		}
	}
}

func TestParseOpinionKeepsReasonsExactly(t *testing.T) {
	tests := []struct {
		reply string
		want  Answer
	}{
		{"SUPPORT\nThey have worked with us for years.", Support},
		{"I object because the organisation is not registered.", Object},
		{"Objection: we have not met them.", Object},
		{"COMMENT: please ask for their annual report.", Comment},
		{"Support. Comment: good work in Mae Sot.", Support},
		{"No objection.", Support},
		{"สนับสนุน เพราะทำงานกับแรงงานข้ามชาติมานาน", Support},
		{"反对，因为资料不全。", Object},
		{"Ủng hộ", Support},
		{"Phản đối vì thiếu thông tin", Object},
		{"ជំទាស់", Object},
		{"ສະໜັບສະໜູນ", Support},
		{"ကန့်ကွက်ပါသည်", Object},
	}
	for _, tt := range tests {
		r := Parse("  "+tt.reply+"\n\n", KindOpinion)
		if r.Answer != tt.want {
			t.Errorf("Parse(%q) = %q (found %v), want %q", tt.reply, r.Answer, r.Found, tt.want)
		}
		if r.Reasons != tt.reply {
			t.Errorf("Parse(%q).Reasons = %q, want the text exactly", tt.reply, r.Reasons)
		}
	}
}

func TestParseReconfirmAndAttend(t *testing.T) {
	tests := []struct {
		reply string
		kind  Kind
		want  Answer
	}{
		{"We reconfirm our membership.", KindReconfirm, Reconfirm},
		{"RECONFIRM", KindReconfirm, Reconfirm},
		{"ยืนยัน", KindReconfirm, Reconfirm},
		{"Xác nhận lại", KindReconfirm, Reconfirm},
		{"再次确认", KindReconfirm, Reconfirm},
		{"We withdraw.", KindReconfirm, No},
		{"ATTEND", KindAttend, Attend},
		{"I will attend", KindAttend, Attend},
		{"Sorry, we cannot attend", KindAttend, No},
		{"เข้าร่วม", KindAttend, Attend},
		{"出席", KindAttend, Attend},
		{"Tham dự", KindAttend, Attend},
		{"ចូលរួម", KindAttend, Attend},
	}
	for _, tt := range tests {
		if r := Parse(tt.reply, tt.kind); r.Answer != tt.want {
			t.Errorf("Parse(%q, %v) = %q (found %v), want %q", tt.reply, tt.kind, r.Answer, r.Found, tt.want)
		}
	}
}

type quoteHeader struct{ locale, key, value string }

// loadQuoteHeaders reads the Android client's attribution strings from
// testdata/corpus/android-unifiedemail-strings/quote_headers.tsv.
func loadQuoteHeaders(t *testing.T) []quoteHeader {
	t.Helper()
	f, err := os.Open(filepath.Join(corpusDir, "android-unifiedemail-strings", "quote_headers.tsv"))
	if err != nil {
		t.Fatalf("quote headers: %v", err)
	}
	defer f.Close()
	var out []quoteHeader
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		p := strings.Split(sc.Text(), "\t")
		if len(p) == 3 && p[0] != "locale" {
			out = append(out, quoteHeader{p[0], p[1], p[2]})
		}
	}
	return out
}

func fill(v string) string {
	r := strings.NewReplacer("{date=%1$s}", "3 Jun 2024 10:00", "{person=%2$s}", "Govbot <bot@mekong.org>",
		"{from=%1$s}", "Govbot <bot@mekong.org>", "{date=%2$s}", "Mon, 3 Jun 2024 10:00", "{subject=%3$s}", "Vote",
		"{to=%4$s}", "member@example.org", "{cc=%1$s}", "x@example.org", "<br>", "\n", "↵", "\n")
	return r.Replace(v)
}

// TestReplyTextAndroidAttributionsSynthetic builds replies with the Android
// mail client's attribution line in each locale above a quoted ballot, and
// with Gmail/Outlook/Apple/Thunderbird forms in the seven languages.
func TestReplyTextAndroidAttributionsSynthetic(t *testing.T) {
	for _, q := range loadQuoteHeaders(t) {
		if q.key != "reply_attribution" && q.key != "forward_attribution" {
			continue
		}
		body := "YES\n\n" + fill(q.value) + "\n" + quote(ballot)
		if q.key == "forward_attribution" {
			body = "YES\n\n" + fill(q.value) + "\n" + ballot
		}
		got := ReplyText(body)
		if got != "YES" {
			t.Errorf("%s %s: ReplyText = %q, want %q", q.locale, q.key, got, "YES")
		}
	}
}

func TestReplyTextClientFormsSynthetic(t *testing.T) {
	q := quote(ballot)
	tests := []struct{ name, body, want string }{
		{"gmail en", "Yes\n\nOn Mon, Jun 3, 2024 at 10:00 AM Govbot <bot@mekong.org> wrote:\n\n" + q, "Yes"},
		{"gmail th", "เห็นด้วย\n\nเมื่อ จ. 3 มิ.ย. 2567 เวลา 10:00 Govbot <bot@mekong.org> เขียนว่า:\n" + q, "เห็นด้วย"},
		{"gmail vi", "Đồng ý\n\nVào Th 2, 3 thg 6, 2024 vào lúc 10:00 Govbot <bot@mekong.org> đã viết:\n" + q, "Đồng ý"},
		{"gmail zh-cn", "同意\n\nGovbot <bot@mekong.org> 于2024年6月3日周一 10:00写道：\n" + q, "同意"},
		{"gmail zh-tw", "同意\n\nGovbot <bot@mekong.org> 於 2024年6月3日 週一 上午10:00寫道：\n" + q, "同意"},
		{"gmail km zwsp", "យល់ព្រម\n\nនៅ ថ្ងៃ​ច័ន្ទ 3 មិថុនា 2024, Govbot <bot@mekong.org> បាន\u200bសរសេរ៖\n" + q, "យល់ព្រម"},
		{"gmail lo", "ເຫັນດີ\n\nເມື່ອ 3 ມິຖຸນາ 2024, Govbot <bot@mekong.org> ຂຽນວ່າ:\n" + q, "ເຫັນດີ"},
		{"gmail my", "ထောက်ခံ\n\n2024 ဇွန် 3 တွင် Govbot <bot@mekong.org> ရေးခဲ့သည်:\n" + q, "ထောက်ခံ"},
		{"thunderbird zh", "同意\n\n在 2024/6/3 10:00, Govbot 写道:\n" + q, "同意"},
		{"apple wrapped", "Yes\n\n> On 3 Jun 2024, at 10:00, Govbot <bot@mekong.org>\n> wrote:\n" + q, "Yes"},
		{"apple two lines", "Yes\n\nOn 3 Jun 2024, at 10:00, Govbot <bot@mekong.org>\nwrote:\n\n" + q, "Yes"},
		{"outlook th", "ไม่เห็นด้วย\n\n________________________________\nจาก: Govbot <bot@mekong.org>\nส่ง: 3 มิถุนายน 2567 10:00\nถึง: member@example.org\nเรื่อง: Vote\n\n" + ballot, "ไม่เห็นด้วย"},
		{"outlook zh", "反对\n\n发件人: Govbot <bot@mekong.org>\n发送时间: 2024年6月3日 10:00\n收件人: member@example.org\n主题: Vote\n\n" + ballot, "反对"},
		{"outlook original message", "Abstain\n\n-----Original Message-----\nFrom: Govbot\nSent: Monday\n" + ballot, "Abstain"},
		{"yahoo", "Yes\n\n    On Monday, June 3, 2024, 10:00:00 AM GMT+7, Govbot <bot@mekong.org> wrote:\n\n" + q, "Yes"},
		{"iphone sig", "Yes\n\nSent from my iPhone\n\n" + q, "Yes"},
		{"thai iphone sig", "เห็นด้วย\n\nส่งจาก iPhone ของฉัน", "เห็นด้วย"},
		{"zh-cn iphone sig", "同意\n\n从我的iPhone发送", "同意"},
		{"zh-tw iphone sig", "同意\n\n從我的 iPhone 傳送", "同意"},
		{"vi iphone sig", "Đồng ý\n\nGửi từ iPhone của tôi", "Đồng ý"},
		{"dash sig", "Yes\n-- \nSomchai\nMAP Foundation", "Yes"},
		{"interleaved", "On Mon, 3 Jun 2024, Govbot <bot@mekong.org> wrote:\n> Do you approve the budget?\n\nYes\n\n> Do you approve the minutes?\n\nNo comment", "Yes\n\nNo comment"},
		{"marker quoted", "Yes\n\nOn Mon, 3 Jun 2024, Govbot <bot@mekong.org> wrote:\n> " + Marker("th") + "\n" + q, "Yes"},
		{"marker rewrapped", "NO\n\n> ##- Please type your reply above\n> this line -##\n" + q, "NO"},
		{"crlf", "Yes\r\n\r\nOn Mon, 3 Jun 2024, Govbot <bot@mekong.org> wrote:\r\n> YES / NO\r\n", "Yes"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := ReplyText(tt.body); got != tt.want {
				t.Errorf("got %q, want %q", got, tt.want)
			}
		})
	}
}

func TestParseFoundInOrder(t *testing.T) {
	r := Parse("ABSTAIN, no wait: YES", KindVote)
	if want := []Answer{Abstain, Yes}; !slices.Equal(r.Found, want) || !r.Ambiguous || r.Answer != None {
		t.Errorf("got %v amb=%v ans=%q, want %v ambiguous with no answer", r.Found, r.Ambiguous, r.Answer, want)
	}
}
