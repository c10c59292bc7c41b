// Package answer finds the part of a reply its author wrote (ReplyText) and
// what it answers (Parse): a vote, an opinion on an applicant, a
// reconfirmation or an attendance, in English, Thai, Khmer, Lao, Burmese
// (Unicode and Zawgyi), Vietnamese and Chinese. It is pure: no I/O.
package answer

import (
	"regexp"
	"strings"

	"golang.org/x/text/unicode/norm"
)

// markers holds the localized "reply above this line" text; Marker wraps it
// in the stable ASCII signature "##-" … "-##".
var markers = map[string]string{
	"th": "กรุณาพิมพ์คำตอบของคุณเหนือบรรทัดนี้",
	"km": "សូមសរសេរចម្លើយរបស់អ្នកនៅខាងលើបន្ទាត់នេះ",
	"lo": "ກະລຸນາພິມຄຳຕອບຂອງທ່ານຢູ່ເທິງແຖວນີ້",
	"my": "ဤစာကြောင်း၏အပေါ်တွင် သင့်အဖြေကို ရိုက်ထည့်ပါ",
	"vi": "Vui lòng nhập câu trả lời phía trên dòng này",
	"zh": "请在此行上方输入您的回复",
}

const (
	markerOpen  = "##-"
	markerClose = "-##"
	markerEN    = "Please type your reply above this line"
)

// Marker returns the one-line marker put in every outgoing form, above the
// form: "##- Please type your reply above this line -##" in English (also for
// an unknown lang), else the translation followed by " / Reply above this
// line". ReplyText cuts a reply at this line.
func Marker(lang string) string {
	t, ok := markers[strings.ToLower(lang)]
	if !ok {
		return markerOpen + " " + markerEN + " " + markerClose
	}
	return markerOpen + " " + t + " / Reply above this line " + markerClose
}

// zeroWidth removes the invisible characters that Khmer, Burmese and Thai
// text carries between words, and soft hyphens.
var zeroWidth = strings.NewReplacer("\u200b", "", "\u200c", "", "\u200d", "", "\u2060", "", "\ufeff", "", "\u00ad", "")

func clean(s string) string { return zeroWidth.Replace(s) }

var (
	reQuoted = regexp.MustCompile(`^[ \t]{0,3}>`)
	// attribution lines ("On … wrote:") in the clients and languages we meet
	reAttrOn     = regexp.MustCompile(`(?i)^on\b.{3,}\bwrote\s*:?$`)
	reAttrEnd    = regexp.MustCompile(`(?i)(\bwrote|\bwrites|\bschrieb|\ba écrit|\bescreveu|\bescribió|\bha scritto|\bskrev|\bkirjoitti|\bnapisał\(a\)|\bnapisal|\bнаписал\(а\)|\bнаписал|\bпишет|\bschreef|\byazdı|\bírta|\bwrote on|เขียนว่า|បានសរសេរ|ຂຽນວ່າ|ရေးခဲ့သည်|ရေးသားခဲ့သည်|ရေးခဲ့|đã viết|写道|寫道|書きました|작성)\s*[:：៖]\s*$`)
	reAttrGen    = regexp.MustCompile(`[:：៖]\s*$`)
	reHasDate    = regexp.MustCompile(`\d{1,2}[:.]\d{2}|\d{4}|@`)
	reSeparator  = regexp.MustCompile(`^-{2,}\s*\pL.*?-{2,}$`)
	reUnderscore = regexp.MustCompile(`^(_{5,}|-{5,}|={4,}|\*{5,})$`)
	// a client's wrapping can leave ">:" alone after "… <a@b.c"
	reBrokenAngle = regexp.MustCompile(`^>\s*[:：]$`)
	reBeginFwd    = regexp.MustCompile(`(?i)^(begin forwarded message|début du message réexpédié|anfang der weitergeleiteten nachricht|เริ่มข้อความที่ส่งต่อ|bắt đầu tin nhắn được chuyển tiếp|以下是转发的邮件|转发的邮件|轉寄的郵件)\s*[:：]?$`)
	reAngleURL    = regexp.MustCompile(`<https?://[^>\s]*>`)
	reSentFrom    = regexp.MustCompile(`(?i)^(sent from|gesendet von|sent via|sent using|sent with|get outlook for|envoyé de|von meinem|enviado desde|enviado do|enviado de|inviato da|verzonden vanaf|verstuurd vanaf|skickat från|ส่งจาก|gửi từ|được gửi từ|从我的|從我的|发自我的|發自我的|来自我的|來自我的|បានផ្ញើពី|ផ្ញើពី|ສົ່ງຈາກ|ສົ່ງມາຈາກ)`)
	reSentFromMy  = regexp.MustCompile(`(iPhone|iPad|Android|Galaxy|Samsung|Outlook|Yahoo|Gmail).{0,30}မှ\s*ပို့`)
	reHeaderKey   = regexp.MustCompile(`^[*]?([\p{L}\p{M} .-]{1,30}?)[*]?\s*(?:[:：៖]| - )`)
)

// fromKeys are the "From" labels that open an Outlook-style header block;
// otherKeys the labels that follow it.
var fromKeys = setOf("from", "von", "de", "da", "van", "från", "fra", "od", "от", "จาก", "ពី", "ຈາກ", "မှ", "từ", "người gửi",
	"发件人", "寄件者", "寄件人", "發件人")

var otherKeys = setOf("sent", "date", "to", "cc", "subject", "reply-to", "datum", "gesendet", "an", "betreff", "envoyé", "envoyé le",
	"à", "objet", "inviato", "a", "oggetto", "fecha", "enviado", "para", "asunto", "assunto", "aan", "onderwerp", "verzonden",
	"till", "ämne", "skickat", "til", "emne", "sendt", "dato", "kopie", "cc/bcc",
	"ส่ง", "ส่งเมื่อ", "วันที่", "ถึง", "เรื่อง", "หัวเรื่อง", "สำเนา",
	"កាលបរិច្ឆេទ", "ជូនចំពោះ", "ប្រធានបទ", "ចម្លងជូន", "ວັນທີ", "ເຖິງ", "ຫົວຂໍ້", "ရက်စွဲ", "သို့", "အကြောင်းအရာ",
	"ngày", "ngày gửi", "đã gửi", "tới", "đến", "chủ đề", "gửi",
	"日期", "发送时间", "時間", "时间", "寄件日期", "傳送時間", "收件人", "收件者", "主题", "主旨", "主題", "抄送", "副本")

func setOf(s ...string) map[string]bool {
	m := make(map[string]bool, len(s))
	for _, k := range s {
		m[norm.NFC.String(k)] = true
	}
	return m
}

// headerKey returns the lower-cased label of a "Label: value" line, or "".
func headerKey(line string) string {
	m := reHeaderKey.FindStringSubmatch(strings.TrimSpace(line))
	if m == nil {
		return ""
	}
	return strings.ToLower(strings.TrimSpace(m[1]))
}

func isHeaderLine(line string) bool {
	k := headerKey(line)
	return k != "" && (fromKeys[k] || otherKeys[k])
}

// headerBlockAt reports whether an Outlook-style header block
// (From:/Sent:/To:/Subject:) starts at lines[i].
func headerBlockAt(lines []string, i int) bool {
	if !fromKeys[headerKey(clean(lines[i]))] {
		return false
	}
	n, seen := 0, 0
	for j := i + 1; j < len(lines) && n < 6; j++ {
		l := strings.TrimSpace(clean(lines[j]))
		if l == "" {
			continue
		}
		n++
		if otherKeys[headerKey(l)] {
			seen++
		}
	}
	return seen >= 2 || (seen >= 1 && strings.Contains(lines[i], "@"))
}

// attributionAt returns how many lines (1–3) starting at lines[i] form an
// attribution line such as "On Mon, 3 Jun 2024, Ann <a@b> wrote:", or 0.
func attributionAt(lines []string, i int) int {
	var parts []string
	for n := 1; n <= 3 && i+n-1 < len(lines); n++ {
		l := strings.TrimSpace(clean(lines[i+n-1]))
		if l == "" || reQuoted.MatchString(lines[i+n-1]) && !(n > 1 && reBrokenAngle.MatchString(l)) {
			return 0
		}
		parts = append(parts, l)
		s := strings.Join(parts, " ")
		if len(s) > 400 {
			return 0
		}
		if reAttrOn.MatchString(s) || reAttrEnd.MatchString(s) {
			return n
		}
		if reAttrGen.MatchString(s) && reHasDate.MatchString(s) && !isHeaderLine(parts[0]) && len([]rune(s)) > 12 {
			return n
		}
	}
	return 0
}

// isSignatureStart reports whether line starts a signature or a "Sent from
// my phone" footer.
func isSignatureStart(raw, t string) bool {
	if raw == "-- " || t == "--" || t == "-- " || t == "—" {
		return true
	}
	t = reAngleURL.ReplaceAllString(t, "") // "Sent from Mail<https://…> for Windows 10"
	if len([]rune(t)) <= 70 && (reSentFrom.MatchString(t) || reSentFromMy.MatchString(t)) && !strings.Contains(t, ", ") && !strings.Contains(strings.TrimSuffix(t, "."), ". ") {
		return true
	}
	return false
}

// markerAt returns the index of the first line holding the reply marker
// (quoted or not), or -1.
func markerAt(lines []string) int {
	for i, l := range lines {
		if strings.Contains(l, markerOpen) {
			return i
		}
		// re-wrapped: the closing half alone on a line just after a cut
		if strings.Contains(l, markerClose) && i > 0 && strings.Contains(lines[i-1], "##") {
			return i - 1
		}
	}
	return -1
}

// ruleBeforeHeader reports whether the rule line at i (underscores, dashes,
// equals signs) is followed, within three lines, by a header or the end.
func ruleBeforeHeader(lines []string, i int) bool {
	j := i + 1
	for n := 0; n < 3; n++ {
		j = nextNonBlank(lines, j)
		if j >= len(lines) {
			return n == 0
		}
		if isHeaderLine(clean(lines[j])) || headerBlockAt(lines, j) {
			return true
		}
		j++
	}
	return false
}

func nextNonBlank(lines []string, j int) int {
	for j < len(lines) && strings.TrimSpace(clean(lines[j])) == "" {
		j++
	}
	return j
}

// ReplyText returns the part of a reply its author wrote. It cuts at the
// reply marker when present (also quoted or re-wrapped), else strips quoted
// text, attribution lines ("On … wrote:" in the clients' seven-language
// forms), Outlook header blocks and "-----Original Message-----", signatures
// and "Sent from my …" footers. Text typed between quotes is kept.
func ReplyText(body string) string {
	body = strings.ReplaceAll(body, "\r\n", "\n")
	body = strings.ReplaceAll(body, "\r", "\n")
	body = norm.NFC.String(body)
	lines := strings.Split(body, "\n")
	if i := markerAt(lines); i >= 0 {
		lines = lines[:i]
	}
	var out []string
	removed := false // a quote or attribution was just dropped
	emit := func(l string) {
		if strings.TrimSpace(l) == "" && removed {
			return
		}
		if removed && len(out) > 0 && strings.TrimSpace(out[len(out)-1]) != "" {
			out = append(out, "")
		}
		removed = false
		out = append(out, l)
	}
scan:
	for i := 0; i < len(lines); i++ {
		raw := lines[i]
		t := strings.TrimSpace(clean(raw))
		switch {
		case reQuoted.MatchString(raw):
			removed = true
			continue
		case t == "":
			emit(raw)
			continue
		case isSignatureStart(raw, t):
			break scan
		case reSeparator.MatchString(t), reBeginFwd.MatchString(t):
			break scan
		case reUnderscore.MatchString(t):
			if ruleBeforeHeader(lines, i) {
				break scan
			}
		case i > 0 && i+1 < len(lines) && reQuoted.MatchString(lines[i-1]) && reQuoted.MatchString(lines[i+1]):
			// a quoted line the sender's client wrapped without its ">"
			removed = true
			continue
		case headerBlockAt(lines, i):
			break scan
		}
		if n := attributionAt(lines, i); n > 0 {
			j := nextNonBlank(lines, i+n)
			if j >= len(lines) || reQuoted.MatchString(lines[j]) {
				i += n - 1
				removed = true
				continue
			}
			break scan
		}
		emit(raw)
	}
	for len(out) > 0 && strings.TrimSpace(out[0]) == "" {
		out = out[1:]
	}
	return strings.TrimRight(strings.Join(out, "\n"), " \t\n")
}
