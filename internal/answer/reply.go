package answer

import (
	"regexp"
	"strings"
	"sync"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
)

// markers holds the localized "reply above this line" text; Marker wraps it
// in the stable ASCII signature "##-" … "-##".
var markers = map[string]string{
	"th": "กรุณาพิมพ์คำตอบของท่านเหนือบรรทัดนี้",
	"km": "សូមសរសេរចម្លើយរបស់លោកអ្នកនៅខាងលើបន្ទាត់នេះ",
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
// text carries between words, and soft hyphens; it turns the Unicode spaces
// (no-break, narrow, ideographic) into plain ones.
var zeroWidth = strings.NewReplacer("\u200b", "", "\u200c", "", "\u200d", "", "\u2060", "", "\ufeff", "", "\u00ad", "",
	"\u00a0", " ", "\u202f", " ", "\u2007", " ", "\u2009", " ", "\u3000", " ", "&nbsp;", " ")

func clean(s string) string { return zeroWidth.Replace(s) }

var (
	reQuoted = regexp.MustCompile(`^[ \t]{0,3}>`)
	// attribution lines ("On … wrote:") in the clients and languages we meet
	reAttrOn  = regexp.MustCompile(`(?i)^-*\s*on\b.{3,}\bwrote\s*:?\s*-*$`)
	reAttrEnd = regexp.MustCompile(`(?i)(\bwrote|\bwrites|\bschrieb|\ba écrit|\bescreveu|\bescribió|\bha scritto|\bskrev|\bkirjoitti|\bnapisał\(a\)|\bnapisał|\bnapisal|\bнаписал\(а\)|\bнаписал|\bпишет|\bschreef|\byazdı|\bírta|\bwrote on|เขียนว่า|เขียน|បានសរសេរ|សរសេរ|ໄດ້ຂຽນວ່າ|ຂຽນວ່າ|ຂຽນ|ရေးသားခဲ့သည်|ရေးခဲ့သည်|ရေးခဲ့|đã viết|viết|写道|寫道|書きました|작성)\s*[:：៖]\s*$`)
	// the same verbs without a colon, or with the Burmese "-": only on a line
	// that also names a date or an address
	reAttrEndLoose = regexp.MustCompile(`(?i)(\bwrote|\bschrieb|\ba écrit|\bescreveu|\bescribió|\bha scritto|\bskrev|เขียนว่า|បានសរសេរ|ໄດ້ຂຽນວ່າ|ຂຽນວ່າ|ရေးသားခဲ့သည်|ရေးခဲ့သည်|ရေးခဲ့|đã viết|写道|寫道)\s*[:：៖\-–—]?\s*-*\s*$`)
	reAttrGen      = regexp.MustCompile(`[:：៖]\s*$`)
	reHasDate      = regexp.MustCompile(`\d{1,2}[:.]\d{2}|\d{4}|@`)
	reDateOnly     = regexp.MustCompile(`\d{1,2}[:.]\d{2}|\d{4}`)
	reAddr         = regexp.MustCompile(`@|<[^>]*$|^[^<]*>`)
	reSeparator    = regexp.MustCompile(`^[-=]{2,}\s*\pL.*?[-=]{2,}$`)
	reUnderscore   = regexp.MustCompile(`^(_{5,}|-{5,}|={4,}|\*{5,})$`)
	reUnderOnly    = regexp.MustCompile(`^_{2,}$`)
	// a client's wrapping can leave ">:" alone after "… <a@b.c"
	reBrokenAngle = regexp.MustCompile(`^>\s*[:：]$`)
	reBeginFwd    = regexp.MustCompile(`(?i)^(begin forwarded message|début du message réexpédié|anfang der weitergeleiteten nachricht|เริ่มข้อความที่ส่งต่อ|bắt đầu tin nhắn được chuyển tiếp|以下是转发的邮件|转发的邮件|轉寄的郵件)\s*[:：]?$`)
	reAngleURL    = regexp.MustCompile(`<https?://[^>\s]*>`)
	reSentFrom    = regexp.MustCompile(`(?i)^(sent from|sent via|sent using|sent with|sent on the go|sent by|get outlook for|gesendet von|von meinem|envoyé de|envoyé à partir de|envoyé depuis|obtenir outlook|enviado desde|enviado do|enviado de|inviato da|verzonden vanaf|verstuurd vanaf|skickat från|lähetetty|ส่งจาก|รับ outlook|gửi từ|được gửi từ|tải outlook|从我的|從我的|发自|發自|来自我的|來自我的|来自 |來自 |获取 outlook|取得 outlook|បានផ្ញើពី|ផ្ញើពី|ទាញយក outlook|ສົ່ງຈາກ|ສົ່ງມາຈາກ)`)
	reSentFromMy  = regexp.MustCompile(`(?i)(iPhone|iPad|Android|Galaxy|Samsung|Outlook|Yahoo|Gmail|Huawei|Xiaomi|Oppo|Vivo).{0,30}(မှ\s*ပို့|မှ\s*ပေးပို့)`)
	reSentFromApp = regexp.MustCompile(`(?i)(iPhone|iPad|Android|Galaxy|Samsung|Outlook|Yahoo|Gmail|Mail|mobile|phone|device|BlackBerry|Huawei|Xiaomi|K-9|Thunderbird|Foxmail|QQ|邮箱|郵箱|手机|手機|ของฉัน|của tôi|របស់ខ្ញុំ|ຂອງຂ້ອຍ)`)
	reHeaderKey   = regexp.MustCompile(`^[*]?([\p{L}\p{M} .-]{1,30}?)[*]?\s*(?:[:：៖]| - )`)
	reBanner      = regexp.MustCompile(`(?i)^\W{0,3}(caution|warning|external|notice|attention|\[external\]|external email|external sender)\b.{0,400}(outside|external|do not click|unless you recognize|phishing)`)
)

// attrStart lists the words an attribution line begins with, lower-cased.
var attrStart = regexp.MustCompile(`(?i)^(-{2,}\s*)?(on|le|am|el|em|il|in data|op|den|dnia|w dniu|vào|lúc|เมื่อ|ใน|នៅ|ເມື່ອ|在|於|于|当|當)\b`)

// fromKeys are the "From" labels that open an Outlook-style header block;
// otherKeys the labels that follow it.
var fromKeys = setOf("from", "von", "de", "da", "van", "från", "fra", "od", "от", "จาก", "ពី", "ຈາກ", "မှ", "từ", "người gửi",
	"发件人", "寄件者", "寄件人", "發件人", "由")

var otherKeys = setOf("sent", "date", "to", "cc", "bcc", "subject", "reply-to", "datum", "gesendet", "an", "betreff", "envoyé", "envoyé le",
	"à", "objet", "inviato", "a", "oggetto", "fecha", "enviado", "para", "asunto", "assunto", "aan", "onderwerp", "verzonden",
	"till", "ämne", "skickat", "til", "emne", "sendt", "dato", "kopie", "cc/bcc", "wysłano", "do", "temat", "dw", "data",
	"ส่ง", "ส่งเมื่อ", "วันที่", "ถึง", "เรื่อง", "หัวเรื่อง", "สำเนา", "ส่งแล้ว",
	"កាលបរិច្ឆេទ", "ជូនចំពោះ", "ប្រធានបទ", "ចម្លងជូន", "បានផ្ញើ", "ផ្ញើ", "ទៅ", "ទៅកាន់",
	"ວັນທີ", "ເຖິງ", "ຫົວຂໍ້", "ສົ່ງ", "ສົ່ງແລ້ວ", "ເລື່ອງ", "ຫົວເລື່ອງ",
	"ရက်စွဲ", "သို့", "အကြောင်းအရာ", "ပို့ခဲ့သည်", "ပို့သည်", "ပေးပို့သည်",
	"ngày", "ngày gửi", "đã gửi", "tới", "đến", "chủ đề", "gửi", "thời gian",
	"日期", "发送时间", "時間", "时间", "寄件日期", "傳送時間", "收件人", "收件者", "主题", "主旨", "主題", "抄送", "副本", "发送日期", "至")

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

// headerBlockEnd returns the index after the header block starting at i: its
// labelled lines and the continuation lines a client wrapped.
func headerBlockEnd(lines []string, i int) int {
	j := i + 1
	for j < len(lines) {
		l := strings.TrimSpace(clean(lines[j]))
		if l == "" {
			break
		}
		if !isHeaderLine(l) && !(reAddr.MatchString(l) && len(l) < 120) {
			break
		}
		j++
	}
	return j
}

// isAttribution reports whether s (one or more joined lines) reads as an
// attribution line.
func isAttribution(s string, first string) bool {
	end := tail(s, 72) // the verbs sit at the end: match there only
	st := strings.TrimRight(end, " \t")
	colon := strings.HasSuffix(st, ":") || strings.HasSuffix(st, "：") || strings.HasSuffix(st, "៖")
	low := strings.ToLower(end)
	verb := false
	for _, v := range attrVerbs {
		if strings.Contains(low, v) {
			verb = true
			break
		}
	}
	if colon && verb && reAttrEnd.MatchString(end) {
		return true
	}
	if verb && len(s) > 2 && (strings.EqualFold(s[:2], "on") || s[0] == '-') && reAttrOn.MatchString(s) {
		return true
	}
	if verb && reAttrEndLoose.MatchString(end) && reHasDate.MatchString(s) {
		return true
	}
	return colon && reHasDate.MatchString(s) && !isHeaderLine(first) && utf8.RuneCountInString(s) > 12
}

// attrVerbs are lower-case pieces of every verb reAttrEnd knows: a cheap test
// before the regular expressions.
var attrVerbs = []string{"wrote", "writes", "schrieb", "écrit", "escreveu", "escribió", "scritto", "skrev", "kirjoitti", "napisa", "написал", "пишет",
	"schreef", "yazdı", "írta", "เขียน", "សរសេរ", "ຂຽນ", "ရေး", "viết", "写道", "寫道", "書きました", "작성"}

// tail returns about the last n bytes of s, starting on a rune boundary and,
// when possible, at a space.
func tail(s string, n int) string {
	if len(s) <= n {
		return s
	}
	i := len(s) - n
	for i < len(s) && !utf8.RuneStart(s[i]) {
		i++
	}
	if j := strings.IndexByte(s[i:], ' '); j >= 0 && j < n/2 {
		i += j
	}
	return s[i:]
}

// strongStart reports whether a line opens an attribution by itself: a start
// word ("On", "เมื่อ", "在" …) and a date.
func strongStart(l string) bool {
	return attrStart.MatchString(l) && reDateOnly.MatchString(l)
}

func endsSentence(l string) bool {
	return strings.HasSuffix(l, ".") && !strings.HasSuffix(l, "..") || strings.HasSuffix(l, "!") || strings.HasSuffix(l, "?") ||
		strings.HasSuffix(l, "。") || strings.HasSuffix(l, "！") || strings.HasSuffix(l, "？") || strings.HasSuffix(l, "…") || strings.HasSuffix(l, "។") || strings.HasSuffix(l, "။")
}

// attributionAt returns how many lines starting at lines[i] form an
// attribution line such as "On Mon, 3 Jun 2024, Ann <a@b> wrote:" (1–3
// lines, wrapped by the client, possibly split by one blank line), or 0. A
// line above an attribution is never joined into it: a multi-line
// attribution must start on a line that can open one (a date, an address or
// a start word) and not end a sentence, and when the next line opens an
// attribution by itself the attribution starts there.
func attributionAt(lines []string, i int) int {
	var parts []string
	blank := false
	k := i
	for k < len(lines) && len(parts) < 3 {
		raw := lines[k]
		l := strings.TrimSpace(clean(raw))
		if l == "" {
			// one blank line may split an attribution that opened strongly
			if len(parts) == 0 || blank || !strongStart(parts[0]) || endsSentence(parts[len(parts)-1]) {
				return 0
			}
			blank = true
			k++
			continue
		}
		if reQuoted.MatchString(raw) && !(len(parts) > 0 && reBrokenAngle.MatchString(l)) {
			return 0
		}
		if blank && strongStart(l) {
			return 0 // the line after the blank opens its own attribution
		}
		parts = append(parts, l)
		s := strings.Join(parts, " ")
		if len(s) > 400 {
			return 0
		}
		if isAttribution(s, parts[0]) {
			if len(parts) > 1 && !canOpenAttribution(lines, i) {
				return 0
			}
			return k - i + 1
		}
		k++
	}
	return 0
}

// canOpenAttribution reports whether lines[i] may be the first line of a
// wrapped attribution.
func canOpenAttribution(lines []string, i int) bool {
	l := strings.TrimSpace(clean(lines[i]))
	if endsSentence(l) {
		return false
	}
	if j := nextNonBlank(lines, i+1); j < len(lines) {
		next := strings.TrimSpace(clean(lines[j]))
		if strongStart(next) && !reHasDate.MatchString(l) {
			return false
		}
		if strongStart(next) && attributionAt(lines, j) > 0 && !strongStart(l) && !reNameAddr.MatchString(l) {
			return false
		}
	}
	return reDateOnly.MatchString(l) || strings.Contains(l, "<") || attrStart.MatchString(l)
}

// reNameAddr is a line holding only a name and an address, "Ann <a@b.org>",
// which a client may put on its own line before "于 … 写道："
var reNameAddr = regexp.MustCompile(`^[^:：<]{0,80}<[^<>\s]+@[^<>\s]*>?$`)

// bareAttributionAt returns how many lines (1 or 2, wrapped) form an
// attribution without a verb or colon ("On 3 Jun 2024, at 10:00, Ann
// <a@b.org>", "2013/11/1 John Smith <john@smith.org>"): a date and an
// address, directly followed by quoted lines; or 0.
func bareAttributionAt(lines []string, i int) int {
	l := strings.TrimSpace(clean(lines[i]))
	if len(l) > 300 || !reDateOnly.MatchString(l) || isHeaderLine(l) || endsSentence(l) {
		return 0
	}
	n := 1
	if !strings.Contains(l, "@") {
		if i+1 >= len(lines) || !strings.HasSuffix(l, "<") && !strings.HasSuffix(l, "(") {
			return 0
		}
		next := strings.TrimSpace(clean(lines[i+1]))
		if !strings.Contains(next, "@") || len(next) > 120 || strings.Contains(next, " ") && !strings.HasSuffix(next, ">") {
			return 0
		}
		n = 2
	}
	j := nextNonBlank(lines, i+n)
	if j < len(lines) && j <= i+n+1 && reQuoted.MatchString(lines[j]) {
		return n
	}
	return 0
}

// isSignatureStart reports whether line starts a signature or a "Sent from
// my phone" footer.
func isSignatureStart(raw, t string) bool {
	if raw == "-- " || t == "--" || t == "-- " || t == "—" || t == "–" || reUnderOnly.MatchString(t) {
		return true
	}
	t = strings.TrimSpace(reAngleURL.ReplaceAllString(t, "")) // "Sent from Mail<https://…> for Windows 10"
	if len([]rune(t)) > 90 {
		return false
	}
	if reSentFromMy.MatchString(t) {
		return true
	}
	if !reSentFrom.MatchString(t) {
		return false
	}
	if strings.Contains(t, ", ") || strings.Contains(t, "，") {
		return false // "Sent from my desk, is much easier …"
	}
	return reSentFromApp.MatchString(t) || !strings.Contains(strings.TrimSuffix(t, "."), ". ")
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

// formEnd returns the index after the bot's own form that starts, unquoted,
// at the marker line m: after its signature line ("-- ") and the footer
// paragraph below it, or len(lines) when there is none.
func formEnd(lines []string, m int) int {
	for j := m + 1; j < len(lines); j++ {
		if reQuoted.MatchString(lines[j]) {
			continue
		}
		if lines[j] == "-- " || strings.TrimSpace(lines[j]) == "--" {
			k := nextNonBlank(lines, j+1)
			for k < len(lines) && strings.TrimSpace(clean(lines[k])) != "" {
				k++
			}
			return k
		}
	}
	return len(lines)
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

// paragraphEnd returns the index of the first blank line at or after i.
func paragraphEnd(lines []string, i int) int {
	for i < len(lines) && strings.TrimSpace(clean(lines[i])) != "" {
		i++
	}
	return i
}

// quoteFollows reports whether, from j on, unquoted lines lead to a quoted
// line (or the marker) before anything that ends a reply: the text typed
// between a leading attribution and its quote.
func quoteFollows(lines []string, j, marker int) bool {
	for n := 0; j < len(lines) && n < 200; j, n = j+1, n+1 {
		raw := lines[j]
		t := strings.TrimSpace(clean(raw))
		switch {
		case j == marker || reQuoted.MatchString(raw):
			return true
		case t == "":
			continue
		case isSignatureStart(raw, t), reSeparator.MatchString(t), reBeginFwd.MatchString(t), headerBlockAt(lines, j), attributionAt(lines, j) > 0:
			return false
		}
	}
	return false
}

// ReplyText returns the part of a reply its author wrote. It cuts at the
// reply marker when present (also quoted or re-wrapped), else strips quoted
// text, attribution lines ("On … wrote:" in the clients' seven-language
// forms, wrapped or not, with or without "wrote"), Outlook header blocks,
// "-----Original Message-----" and forwarding separators, signatures after a
// delimiter, "Sent from my …" footers, disclaimers and external-sender
// banners. Text typed between quotes is kept. When nothing typed remains
// above the quote, the unquoted text below it is read (bottom-posting, or
// text typed below a leading attribution or below the bot's own form).
func ReplyText(body string) string {
	if r, ok := replies.get(body); ok {
		return r
	}
	r := replyText(body)
	replies.put(body, r)
	return r
}

// replies remembers the reply parts of the bodies read last: the bot reads a
// message ahead of its transaction, and its handlers ask for the reply part
// again, some of them more than once.
var replies = replyMemo{m: map[string]string{}, ring: make([]string, memoEntries)}

// Bounds on the memo of ReplyText: a body longer than memoMaxBody is not
// remembered, so that the memo holds at most a few megabytes.
const (
	memoEntries = 512
	memoMaxBody = 16 << 10
)

type replyMemo struct {
	mu   sync.Mutex
	m    map[string]string
	ring []string // the bodies remembered, the oldest replaced first
	next int
}

func (c *replyMemo) get(body string) (string, bool) {
	if len(body) > memoMaxBody {
		return "", false
	}
	c.mu.Lock()
	r, ok := c.m[body]
	c.mu.Unlock()
	return r, ok
}

func (c *replyMemo) put(body, reply string) {
	if len(body) > memoMaxBody {
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if _, ok := c.m[body]; ok {
		return
	}
	delete(c.m, c.ring[c.next])
	c.ring[c.next] = body
	c.m[body] = reply
	c.next = (c.next + 1) % len(c.ring)
}

func replyText(body string) string {
	body = strings.ReplaceAll(body, "\r\n", "\n")
	body = strings.ReplaceAll(body, "\r", "\n")
	body = norm.NFC.String(body)
	lines := strings.Split(body, "\n")
	marker := markerAt(lines)

	var out []string
	typed := false   // a non-blank typed line is in out
	removed := false // a quote or attribution was just dropped
	emit := func(l string) {
		if strings.TrimSpace(l) == "" && (removed || !typed) {
			return
		}
		if removed && len(out) > 0 && strings.TrimSpace(out[len(out)-1]) != "" {
			out = append(out, "")
		}
		removed = false
		out = append(out, l)
		if strings.TrimSpace(l) != "" {
			typed = true
		}
	}
	// stop ends the scan at i when something was typed; otherwise it returns
	// where to go on reading below the quote (the bot's form, if below), or -1.
	stop := func(i int) int {
		if typed || marker <= i {
			return -1
		}
		return marker
	}
	i := 0
	// an external-sender banner at the top is not the author's
	if j := nextNonBlank(lines, 0); j < len(lines) && reBanner.MatchString(strings.TrimSpace(clean(lines[j]))) {
		i = paragraphEnd(lines, j)
	}
	disc := disclaimers{lines: lines}
scan:
	for i < len(lines) {
		raw := lines[i]
		t := strings.TrimSpace(clean(raw))
		if i == marker {
			if typed {
				break
			}
			removed = true
			if reQuoted.MatchString(raw) {
				i++
				continue
			}
			i = formEnd(lines, i)
			continue
		}
		switch {
		case reQuoted.MatchString(raw):
			removed = true
			i++
			continue
		case t == "":
			emit(raw)
			i++
			continue
		case disc.at(i):
			if typed {
				break scan
			}
			i = paragraphEnd(lines, i)
			continue
		case isSignatureStart(raw, t):
			if typed {
				break scan
			}
			if reUnderOnly.MatchString(t) && ruleBeforeHeader(lines, i) {
				if i = stop(i); i < 0 {
					break scan
				}
				continue
			}
			// a signature above a bottom-posted reply: skip it to the quote
			j := i + 1
			for j < len(lines) && !reQuoted.MatchString(lines[j]) && j != marker && attributionAt(lines, j) == 0 && !headerBlockAt(lines, j) {
				j++
			}
			if j >= len(lines) {
				break scan
			}
			removed = true
			i = j
			continue
		case reSeparator.MatchString(t), reBeginFwd.MatchString(t):
			if i = stop(i); i < 0 {
				break scan
			}
			removed = true
			continue
		case reUnderscore.MatchString(t):
			if ruleBeforeHeader(lines, i) {
				if i = stop(i); i < 0 {
					break scan
				}
				removed = true
				continue
			}
		case i > 0 && i+1 < len(lines) && reQuoted.MatchString(lines[i-1]) && reQuoted.MatchString(lines[i+1]):
			// a quoted line the sender's client wrapped without its ">"
			removed = true
			i++
			continue
		case headerBlockAt(lines, i):
			if !typed && !removed && (i == 0 || strings.TrimSpace(clean(lines[i-1])) == "") && marker < 0 {
				// the message's own header pasted at the top: read below it
				i = headerBlockEnd(lines, i)
				continue
			}
			if i = stop(i); i < 0 {
				break scan
			}
			removed = true
			continue
		}
		n := attributionAt(lines, i)
		if n == 0 {
			n = bareAttributionAt(lines, i)
		}
		if n > 0 {
			j := nextNonBlank(lines, i+n)
			if j >= len(lines) || reQuoted.MatchString(lines[j]) || j == marker || !typed && quoteFollows(lines, j, marker) {
				i += n
				removed = true
				continue
			}
			if i = stop(i); i < 0 {
				break scan
			}
			removed = true
			continue
		}
		emit(raw)
		i++
	}
	for len(out) > 0 && strings.TrimSpace(out[0]) == "" {
		out = out[1:]
	}
	return strings.TrimRight(strings.Join(out, "\n"), " \t\n")
}
