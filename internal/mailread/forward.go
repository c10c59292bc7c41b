package mailread

import (
	"regexp"
	"strings"

	"golang.org/x/text/unicode/norm"
)

// Inline forwards: the marker lines clients put above a forwarded message.
// Gmail and Android use a dashed "Forwarded message" line (translated for
// each locale, see the Android strings in internal/answer/testdata/corpus),
// Apple Mail "Begin forwarded message:", Outlook an "-----Original Message-----"
// line or an underscore rule followed by a From:/Sent:/To:/Subject: block.
var (
	reDashedForward = regexp.MustCompile(`(?i)^\s*-{3,}\s*(.*?)\s*-{3,}\s*$`)
	reBareForward   = regexp.MustCompile(`(?i)^\s*(begin forwarded message|début du message réexpédié|anfang der weitergeleiteten nachricht|inicio del mensaje reenviado|messaggio inoltrato|เริ่มข้อความที่ส่งต่อ|bắt đầu tin nhắn được chuyển tiếp|以下是转发的邮件|转发的邮件|轉寄的郵件|轉寄郵件|တစ်ဆင့်ပို့လိုက်သည့်\s*စာ)\s*[:：]?\s*$`)
	reOutlookSep    = regexp.MustCompile(`(?i)^\s*(-{3,}\s*(original message|ursprüngliche nachricht|message d'origine|mensaje original|messaggio originale|ข้อความต้นฉบับ|原始邮件|原始郵件|邮件原件|tin nhắn gốc|thư gốc)\s*-{3,}|_{10,})\s*$`)
	reFwdSubject    = regexp.MustCompile(`(?i)^\s*(fwd?|fw|tr|wg|rv|enc|doorst|vs|转发|轉寄|轉發|ส่งต่อ|chuyển tiếp)\s*[:：]`)
	reHeaderLine    = regexp.MustCompile(`^\s*[*]?([\p{L}\p{M}\x{200b} .]{1,30}?)[*]?\s*(?:[:：៖]| - )\s*(.*)$`)
)

type headerKind int

const (
	hkOther headerKind = iota
	hkFrom
	hkDate
	hkSubject
	hkTo
)

// headerKeys maps forward/reply header labels, in the seven languages and
// common European ones, to their meaning.
var headerKeys = map[string]headerKind{
	"from": hkFrom, "von": hkFrom, "de": hkFrom, "da": hkFrom, "van": hkFrom, "från": hkFrom, "fra": hkFrom, "od": hkFrom, "от": hkFrom,
	"จาก": hkFrom, "ពី": hkFrom, "ຈາກ": hkFrom, "မှ": hkFrom, "từ": hkFrom, "người gửi": hkFrom, "发件人": hkFrom, "寄件者": hkFrom, "寄件人": hkFrom, "發件人": hkFrom,
	"date": hkDate, "sent": hkDate, "datum": hkDate, "gesendet": hkDate, "envoyé": hkDate, "envoyé le": hkDate, "inviato": hkDate, "fecha": hkDate, "enviado": hkDate,
	"วันที่": hkDate, "ส่ง": hkDate, "ส่งเมื่อ": hkDate, "កាលបរិច្ឆេទ": hkDate, "ວັນທີ": hkDate, "ရက်စွဲ": hkDate, "ngày": hkDate, "ngày gửi": hkDate, "đã gửi": hkDate,
	"日期": hkDate, "发送时间": hkDate, "時間": hkDate, "时间": hkDate, "寄件日期": hkDate, "傳送時間": hkDate,
	"subject": hkSubject, "betreff": hkSubject, "objet": hkSubject, "oggetto": hkSubject, "asunto": hkSubject, "assunto": hkSubject, "onderwerp": hkSubject,
	"หัวเรื่อง": hkSubject, "เรื่อง": hkSubject, "ប្រធានបទ": hkSubject, "ຫົວຂໍ້": hkSubject, "အကြောင်းအရာ": hkSubject, "chủ đề": hkSubject, "主题": hkSubject, "主旨": hkSubject, "主題": hkSubject,
	"to": hkTo, "an": hkTo, "à": hkTo, "a": hkTo, "para": hkTo, "aan": hkTo, "till": hkTo, "til": hkTo,
	"ถึง": hkTo, "ជូនចំពោះ": hkTo, "ເຖິງ": hkTo, "သို့": hkTo, "tới": hkTo, "đến": hkTo, "收件人": hkTo, "收件者": hkTo,
	"cc": hkOther, "สำเนา": hkOther, "ចម្លងជូន": hkOther, "抄送": hkOther, "副本": hkOther, "reply-to": hkOther,
}

// headerLine splits a "Key: value" line and says what the key means; ok is
// false when the line is not a known header.
func headerLine(line string) (headerKind, string, bool) {
	line = strings.TrimSpace(strings.TrimLeft(line, "> "))
	m := reHeaderLine.FindStringSubmatch(line)
	if m == nil {
		return 0, "", false
	}
	key := strings.ToLower(strings.TrimSpace(strings.ReplaceAll(m[1], "\u200b", "")))
	k, ok := headerKeys[norm.NFC.String(key)]
	return k, strings.TrimSpace(m[2]), ok
}

// forwardMarker reports whether line starts an inline forward. outlook marks
// the ambiguous Outlook separator, which also introduces plain replies.
func forwardMarker(line string) (ok, outlook bool) {
	l := strings.TrimSpace(strings.TrimLeft(line, "> "))
	l = strings.ReplaceAll(l, "\u200b", "")
	if reOutlookSep.MatchString(l) {
		return true, true
	}
	if m := reDashedForward.FindStringSubmatch(l); m != nil && reForwardWord.MatchString(m[1]) {
		return true, false
	}
	if reBareForward.MatchString(l) {
		return true, false
	}
	return false, false
}

// inlineForwards finds forwarded originals in the body text and appends them
// to Forwarded.
func (rd *reader) inlineForwards() {
	fwdSubject := reFwdSubject.MatchString(rd.m.Subject)
	for _, f := range splitForwards(rd.m.Text, fwdSubject, 0) {
		rd.m.Forwarded = append(rd.m.Forwarded, f)
	}
}

func splitForwards(text string, fwdSubject bool, depth int) []*Message {
	if depth >= maxForwardDepth {
		return nil
	}
	lines := strings.Split(text, "\n")
	for i, line := range lines {
		ok, outlook := forwardMarker(line)
		if !ok {
			continue
		}
		f, rest, good := parseForwardBlock(lines[i+1:])
		if !good || (outlook && !fwdSubject) {
			continue
		}
		f.Text = rest
		out := []*Message{f}
		// a forward of a forward: the nested original follows in its text
		if inner := splitForwards(rest, reFwdSubject.MatchString(f.Subject), depth+1); len(inner) > 0 {
			f.Forwarded = inner
		}
		return out
	}
	return nil
}

// maxForwardHeaderLines bounds the header block of an inline forward; a
// longer block is not one.
const maxForwardHeaderLines = 200

// parseForwardBlock reads the header block right after a forward marker and
// returns the original with the rest of the text as its body.
func parseForwardBlock(lines []string) (*Message, string, bool) {
	f := &Message{Header: map[string][]string{}}
	i := 0
	for i < len(lines) && strings.TrimSpace(strings.TrimLeft(lines[i], ">")) == "" {
		i++
	}
	quoted := i < len(lines) && strings.HasPrefix(strings.TrimSpace(lines[i]), ">")
	seen := 0
	sawFrom := false
	for start := i; i < len(lines); i++ {
		l := lines[i]
		if strings.TrimSpace(strings.TrimLeft(l, "> ")) == "" {
			break
		}
		if i-start >= maxForwardHeaderLines {
			return nil, "", false
		}
		k, v, ok := headerLine(l)
		if !ok {
			if ok, _ := forwardMarker(l); ok {
				// the next forward's marker: this block, and the search
				// from each marker, end here (linear in the text)
				break
			}
			if seen > 0 && !strings.Contains(l, ":") && i > 0 {
				// a wrapped header value (long To: lists)
				continue
			}
			break
		}
		seen++
		switch k {
		case hkFrom:
			sawFrom = true
			if a := looseAddresses(v); len(a) > 0 {
				f.From = a[0]
			} else {
				f.From = Address{Name: v}
			}
			f.Header["From"] = append(f.Header["From"], v)
		case hkDate:
			f.Header["Date"] = append(f.Header["Date"], v)
		case hkSubject:
			f.Subject = v
			f.Header["Subject"] = append(f.Header["Subject"], v)
		case hkTo:
			f.To = looseAddresses(v)
			f.Header["To"] = append(f.Header["To"], v)
		}
	}
	if !sawFrom || seen < 2 {
		return nil, "", false
	}
	if d := f.Header["Date"]; len(d) > 0 {
		// parsed once the block is known to be one: trying every layout
		// is the costly part of a header line
		f.Date = parseLooseDate(d[len(d)-1])
	}
	body := lines[i:]
	if quoted {
		for j, l := range body {
			l = strings.TrimPrefix(l, ">")
			body[j] = strings.TrimPrefix(l, " ")
		}
	}
	return f, strings.Trim(strings.Join(body, "\n"), "\n"), true
}
