package answer

import (
	"fmt"
	"regexp"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Parse reads what reply (ReplyText's output) answers for a question of
// the given kind. It records an answer only when it is sure of it (see the
// package documentation for the rules); otherwise Answer is None and
// Ambiguous says that the member should be asked again.
func Parse(reply string, kind Kind) Result {
	var res Result
	reply = strings.ReplaceAll(reply, "\r\n", "\n")
	reply = strings.ReplaceAll(reply, "\r", "\n")
	raws := strings.Split(reply, "\n")
	if len(raws) > maxLines {
		raws = raws[:maxLines]
	}
	lines := make([]pline, len(raws))
	for i, r := range raws {
		lines[i] = readLine(r)
	}
	langs := map[string]int{}
	var ms []mention
	for i := range lines {
		if lines[i].skip {
			continue
		}
		ms = append(ms, lineMentions(lines, i, kind)...)
	}
	zoneLines(lines, raws, ms)
	for i := range ms {
		m := &ms[i]
		z := lines[m.line].zone
		switch {
		case lines[m.line].form:
			m.ignored, m.rule = true, ruleFormLine
		case z == zoneClosing || z == zoneBanner:
			m.ignored, m.rule = true, ruleClosing
		}
		if !m.ignored {
			langs[m.kw.lang]++
		}
	}
	decide(&res, lines, ms, kind)
	for _, m := range ms {
		ev := Evidence{LineNo: m.line + 1, Line: lines[m.line].raw, Word: m.word, Answer: m.ans, Zone: lines[m.line].zone, Rule: m.rule, Counted: m.counted}
		if lines[m.line].form {
			ev.Zone = zoneForm
		}
		res.Evidence = append(res.Evidence, ev)
	}
	if kind == KindOpinion && len(res.Found) > 0 {
		res.Reasons = strings.TrimSpace(reply)
	}
	var body []string
	for i, l := range lines {
		if l.zone != zoneClosing && l.zone != zoneBanner && !reQuoted.MatchString(raws[i]) && !strings.Contains(raws[i], markerOpen) {
			body = append(body, raws[i])
		}
	}
	res.Body = strings.TrimSpace(strings.Join(body, "\n"))
	res.Language = detectLanguage(reply, langs)
	return res
}

var reWebOrMail = regexp.MustCompile(`(?i)\b(https?://|www\.)\S+|\S+@\S+\.\S+`)

// maxLines and maxLineBytes bound what Parse reads; a reply part is short.
// An answer word on a line cut short is never sure.
const (
	maxLines     = 5000
	maxLineBytes = 4000
)

func readLine(r string) pline {
	t := strings.TrimSpace(clean(r))
	pl := pline{raw: strings.TrimSpace(clean(r))}
	if t == "" || reQuoted.MatchString(r) || strings.Contains(r, markerOpen) || strings.Contains(r, markerClose) {
		pl.skip = true
		return pl
	}
	if len(t) > maxLineBytes {
		t = head(t, maxLineBytes)
		pl.truncated = true
	}
	boxed, ticked := resolveBoxLine(t)
	pl.ticked = ticked
	pl.text = reWebOrMail.ReplaceAllString(normalize(boxed), " ") // "www.yes-campaign.org" holds no answer
	if lead, desc, ok := splitOption(pl.text); ok && knownDescription(desc) {
		pl.text, pl.copied = lead, true
	} else if knownDescription(pl.text) {
		pl.form = true // decided once its answer words are known
	}
	return pl
}

// lineMentions finds the answer words of line i and how each reads.
func lineMentions(lines []pline, i int, kind Kind) []mention {
	t := lines[i].text
	index := byFirst[kind]
	var ms []mention
	for p := 0; p < len(t); {
		matched := false
		for _, k := range index[t[p]] {
			if !strings.HasPrefix(t[p:], k.text) {
				continue
			}
			end := p + len(k.text)
			if k.latin {
				if r, _ := utf8.DecodeLastRuneInString(t[:p]); p > 0 && isWordRune(r) {
					continue
				}
				if r, _ := utf8.DecodeRuneInString(t[end:]); end < len(t) && isWordRune(r) {
					continue
				}
			}
			if !k.latin && splitsCluster(t, end) {
				continue
			}
			if k.flags&flagLoose != 0 && !looseOK(t, p, end) {
				continue
			}
			if strings.HasPrefix(k.text, burmeseNot) && burmeseNotPart(t[:p]+burmeseNot) {
				continue // the မ of ကျွန်မ "I", not a negation
			}
			ms = append(ms, mention{line: i, start: p, end: end, word: k.text, kw: k})
			p = end
			matched = true
			break
		}
		if !matched {
			_, n := utf8.DecodeRuneInString(t[p:])
			p += n
		}
	}
	// words standing alone only ("ใช่", "có", "是")
	out := ms[:0]
	for _, m := range ms {
		if m.kw.flags&flagAlone != 0 {
			b, e := phraseBounds(t, m.start, m.end)
			if !onlyFillers(t, b, e, [][2]int{{m.start, m.end}}) {
				continue
			}
		}
		out = append(out, m)
	}
	ms = out
	spans := make([][2]int, len(ms))
	for j, m := range ms {
		spans[j] = [2]int{m.start, m.end}
	}
	for j := range ms {
		readMention(&ms[j], t, kind, spans, ms)
		if lines[i].truncated && ms[j].sure {
			ms[j].sure, ms[j].ok, ms[j].doubt = false, map[Answer]bool{ms[j].ans: true}, DoubtHedged
			ms[j].rule = "on a line too long to read whole: not sure"
		}
	}
	// "we don't agree with those who oppose it", "ไม่เห็นด้วยที่จะคัดค้าน": an
	// answer word in the clause of a negated one is its object, not an answer
	for a := range ms {
		if !ms[a].negated && ms[a].kw.flags&flagNeg == 0 {
			continue
		}
		ce := clauseEnd(t, ms[a].end, spaceIsComma(t, ms[a].start))
		for b := a + 1; b < len(ms) && ms[b].start < ce; b++ {
			if ms[b].kw.text == ms[a].kw.text || ms[b].ignored && ms[b].ans == None && ms[b].rule != ruleOrdinary && !strings.HasPrefix(ms[b].rule, ruleOrdinary) {
				continue
			}
			for _, x := range []int{a, b} {
				ms[x].ans, ms[x].sure, ms[x].ok, ms[x].doubt, ms[x].ignored = None, false, nil, DoubtNegated, false
				ms[x].rule = "two answer words in one clause after a negation: not sure"
			}
		}
	}
	// a form description alone counts only if it reads as one sure answer
	if lines[i].form {
		one := len(ms) == 1 && ms[0].sure && !ms[0].ignored
		if one {
			lines[i].form = false
		}
	}
	return ms
}

// readMention decides how one answer word reads: negated, hedged, in a
// question, in its ordinary sense, or plainly.
func readMention(m *mention, t string, kind Kind, spans [][2]int, all []mention) {
	m.ans, m.sure, m.rule = m.kw.ans, true, ruleWord
	// the word as a noun or someone else's ("their support", "การสนับสนุน")
	if m.kw.ans == Support || m.kw.ans == Yes {
		if _, w, ok := nominalBList.endsWith(t, skipSpacesBack(t, m.start)); ok && !(w == "the" && kind == KindVote) {
			m.ignored, m.ans, m.sure, m.rule = true, None, false, ruleOrdinary+" ("+w+" "+m.word+")"
			return
		}
		if _, w, ok := nominalAList.startsWith(t, m.end); ok && !isLatin(w) {
			m.ignored, m.ans, m.sure, m.rule = true, None, false, ruleOrdinary
			return
		}
	}
	neg, negStart, pre := preNegation(t, m.start)
	if pre {
		// the negator must not be another answer word's own (ไม่ in ไม่เห็นด้วย)
		for _, sp := range spans {
			if negStart < sp[1] && negStart >= sp[0] && sp[0] != m.start {
				pre = false
			}
		}
	}
	post := ""
	postEnd := m.end
	if !pre {
		post, postEnd, _ = postNegation(t, m.end)
	}
	cs := clauseStart(t, m.start, spaceIsComma(t, m.start))
	b, e := sentenceBounds(t, m.start)
	switch {
	case pre || post != "":
		m.negated = true
		if pre {
			m.negSpan = [2]int{negStart, m.start}
		} else {
			m.negSpan = [2]int{m.end, postEnd}
		}
		base := m.kw.ans
		ans, sure, ok, why := negatedReading(kind, base)
		if m.kw.flags&flagNeg != 0 {
			// a negated negative word ("ไม่ได้ไม่เห็นด้วย", "不会不同意"): never sure
			if sure && ans != None {
				ok = map[Answer]bool{ans: true}
			}
			ans, sure, why = None, false, "a double negation: "+why
		}
		w := neg
		if w == "" {
			w = post
		}
		m.ans, m.sure, m.ok = ans, sure, ok
		m.rule = fmt.Sprintf("negated by %q: %s", w, why)
		if !sure {
			m.doubt = DoubtNegated
		}
		if ans == None && sure {
			m.ignored = true // "no comment"
			return
		}
		// a second negation before the first: "ไม่ใช่ว่าไม่เห็นด้วย"
		if pre {
			if w2, found := doubleNegList.containsIn(t, cs, negStart, spans); found {
				m.ans, m.sure, m.ok, m.doubt = None, false, nil, DoubtNegated
				m.rule = fmt.Sprintf("two negations (%q and %q): not sure", w2, w)
				return
			}
		}
	default:
		skip := append([][2]int{}, spans...)
		for _, o := range all {
			if o.negated {
				skip = append(skip, o.negSpan)
			}
		}
		if w, found := distantList.containsIn(t, cs, m.start, skip); found {
			m.ans, m.sure, m.ok, m.doubt = None, false, nil, DoubtNegated
			m.rule = fmt.Sprintf("a negation (%q) earlier in the sentence: not sure", w)
			return
		}
		// "we agree that it should not pass": a negation after the word, in its clause
		if w, found := afterNegList.containsIn(t, m.end, clauseEnd(t, m.end, spaceIsComma(t, m.start)), skip); found {
			m.ans, m.sure, m.ok, m.doubt = None, false, nil, DoubtNegated
			m.rule = fmt.Sprintf("a negation (%q) after the word in its clause: not sure", w)
			return
		}
	}
	skip := append([][2]int{}, spans...)
	if m.negated {
		skip = append(skip, m.negSpan)
	}
	if w, found := questionList.containsIn(t, b, e, skip); found || strings.HasSuffix(strings.TrimSpace(t[m.end:e]), "?") || strings.HasSuffix(strings.TrimSpace(t[m.end:e]), "？") || e < len(t) && (t[e] == '?' || strings.HasPrefix(t[e:], "？")) {
		_ = w
		m.sure, m.doubt = false, DoubtQuestion
		m.ok = map[Answer]bool{Yes: true, No: true, Abstain: true, Support: true, Object: true, Comment: true, Reconfirm: true, Attend: true}
		m.rule = "in a question: not an answer"
		return
	}
	if m.kw.text == "yes" {
		if w, found := ackList.containsIn(t, b, e, skip); found {
			m.sure, m.ok, m.doubt = false, map[Answer]bool{m.ans: true}, DoubtHedged
			m.rule = fmt.Sprintf("\"yes\" beside %q may acknowledge the mail rather than answer it: not sure", w)
			return
		}
	}
	if w, found := hedgeList.containsIn(t, b, e, skip); found {
		if m.sure {
			m.ok = map[Answer]bool{m.ans: true}
		}
		m.sure, m.doubt = false, DoubtHedged
		m.rule = fmt.Sprintf("hedged by %q: not sure", w)
	}
}

// bareAnswer reports whether the whole of s[b:e] is answer words, their
// negations, fillers and punctuation.
func bareAnswer(t string, b, e int, ms []mention) bool {
	var skip [][2]int
	has := false
	for _, m := range ms {
		if m.end <= b || m.start >= e {
			continue
		}
		has = true
		skip = append(skip, [2]int{m.start, m.end})
		if m.negated {
			skip = append(skip, m.negSpan)
		}
	}
	return has && onlyFillers(t, b, e, sortSpans(skip))
}

func sortSpans(s [][2]int) [][2]int {
	for i := 1; i < len(s); i++ {
		for j := i; j > 0 && s[j][0] < s[j-1][0]; j-- {
			s[j], s[j-1] = s[j-1], s[j]
		}
	}
	return s
}

// zoneLines sets each line's zone: the top line, the body, the closing
// block (sign-off, name, organisation, address, phone, taglines,
// disclaimers, "Sent from…"), a banner.
func zoneLines(lines []pline, raws []string, ms []mention) {
	byLine := map[int][]mention{}
	for _, m := range ms {
		byLine[m.line] = append(byLine[m.line], m)
	}
	bareLine := make([]bool, len(lines))
	for i, l := range byLine {
		bareLine[i] = bareAnswer(lines[i].text, 0, len(lines[i].text), l)
	}
	bare := func(i int) bool { return bareLine[i] }
	// bareAfter[i]: a bare answer line after line i
	bareAfter := make([]bool, len(lines)+1)
	for i := len(lines) - 1; i >= 0; i-- {
		bareAfter[i] = bareAfter[i+1] || i+1 < len(lines) && bareLine[i+1]
	}
	for i := range lines {
		lines[i].zone = zoneBody
	}
	first := 0
	for first < len(lines) && lines[first].skip {
		first++
	}
	if first < len(lines) && reBanner.MatchString(strings.TrimSpace(clean(raws[first]))) {
		end := paragraphEnd(raws, first)
		for j := first; j < end; j++ {
			lines[j].zone = zoneBanner
		}
		first = end
		for first < len(lines) && lines[first].skip {
			first++
		}
	}
	lead := first
	for lead < len(lines) && (lines[lead].skip || len(byLine[lead]) == 0 && reGreeting.MatchString(lines[lead].text) && len(strings.Fields(lines[lead].text)) <= 10) {
		lead++
	}
	cs := len(lines)
	// delimiters, "Sent from…", disclaimers: from there on (a disclaimer even at the top)
	disc := disclaimerParagraphs(raws)
	for i := first; i < len(lines); i++ {
		if lines[i].skip {
			continue
		}
		t := strings.TrimSpace(clean(raws[i]))
		if disc[i] || i > lead && (isSignatureStart(raws[i], t) || reSeparator.MatchString(t)) || isSentFrom(raws[i], t) {
			cs = i
			break
		}
	}
	// a sign-off not followed by a bare answer line
	for i := lead + 1; i < cs; i++ {
		if lines[i].skip || len(byLine[i]) > 0 && !reSignoff.MatchString(lines[i].text) {
			continue
		}
		if !reSignoff.MatchString(strings.TrimSpace(clean(raws[i]))) {
			continue
		}
		if !bareAfter[i] {
			cs = i
			break
		}
	}
	// the signature block at the bottom: short lines, one of them a mark only
	// signatures carry (phone, address, organisation, title, web, tagline)
	strong, start, bottom, n := false, -1, true, 0
	strongAt := map[int]bool{}
	for j := cs - 1; j >= lead && n < 30; j-- {
		if lines[j].skip {
			continue
		}
		n++ // a signature block is short
		t := strings.TrimSpace(clean(raws[j]))
		if bare(j) || j == lead && len(byLine[j]) > 0 {
			break
		}
		if strongSignature(raws[j], t) {
			strongAt[j] = true
			strong, start, bottom = true, j, false
			continue
		}
		if nameLike(t) && (bottom || !endsSentence(t) || len(strings.Fields(t)) < 4) {
			start, bottom = j, false
			continue
		}
		break
	}
	if start >= 0 {
		for start < cs && (lines[start].skip || len(byLine[start]) > 0 && !strongAt[start]) {
			start++
		}
	}
	if start >= 0 && start < cs {
		if strong {
			cs = start
		} else {
			for k := start; k < cs; k++ {
				if len(byLine[k]) == 0 && nameLedRun(lines, raws, k, lead, bareLine) {
					cs = k
					break
				}
			}
		}
	}
	for i := range lines {
		switch {
		case lines[i].zone == zoneBanner:
		case i >= cs:
			lines[i].zone = zoneClosing
		case i == lead:
			lines[i].zone = zoneTop
		}
	}
}

// nameLedRun reports whether the short lines from start on are a signature
// without a mark only signatures carry: they begin with a name alone on its
// line, below a blank line, a sign-off or a bare answer; or the reply is only
// that (a name, then a tagline). Reading such lines as closing can only make
// the reader ask; reading a tagline as an answer could record one the member
// did not give.
func nameLedRun(lines []pline, raws []string, start, lead int, bareLine []bool) bool {
	t := strings.TrimSpace(clean(raws[start]))
	if lines[start].skip || !nameLine(t) || start < lead {
		return false
	}
	if start == lead {
		// the first line: a name with a space in it unless Latin or Chinese
		r, _ := utf8.DecodeRuneInString(t)
		return strings.Contains(t, " ") || unicode.Is(unicode.Latin, r) || unicode.Is(unicode.Han, r)
	}
	p := start - 1
	return lines[p].skip || bareLine[p] || reSignoff.MatchString(strings.TrimSpace(clean(raws[p])))
}

// isSentFrom reports a "Sent from my …" footer line, closing wherever it is.
func isSentFrom(raw, t string) bool {
	return t != "" && t != "--" && raw != "-- " && t != "—" && !reUnderOnly.MatchString(t) && isSignatureStart(raw, t)
}

// decide turns the mentions into a result.
func decide(res *Result, lines []pline, ms []mention, kind Kind) {
	var counted []*mention
	closingSeen := false
	for i := range ms {
		m := &ms[i]
		if lines[m.line].copied && m.rule == ruleWord {
			m.rule = ruleCopied
		}
		if lines[m.line].ticked && m.rule == ruleWord {
			m.rule = ruleTicked
		}
		if m.ignored {
			if m.rule == ruleClosing {
				closingSeen = true
			}
			continue
		}
		counted = append(counted, m)
	}
	// "we will vote next week": the answer is still to come
	for i := range lines {
		if lines[i].skip || lines[i].zone == zoneClosing || lines[i].zone == zoneBanner {
			continue
		}
		if w, found := deferralList.containsIn(lines[i].text, 0, len(lines[i].text), nil); found {
			for _, m := range counted {
				if m.sure {
					m.sure, m.ok, m.doubt = false, map[Answer]bool{m.ans: true}, DoubtHedged
					m.rule = fmt.Sprintf("line %d says the answer is still to come (%q): not sure", i+1, w)
				}
			}
			break
		}
	}
	// a copied option line counts only its first option word
	for i := 0; i < len(counted); i++ {
		m := counted[i]
		if lines[m.line].copied && i > 0 && counted[i-1].line == m.line && counted[i-1].ans != m.ans && counted[i-1].sure {
			counted = append(counted[:i], counted[i+1:]...)
			i--
		}
	}
	// opinions: a comment beside SUPPORT or OBJECT leaves the opinion
	if kind == KindOpinion {
		opinion := false
		for _, m := range counted {
			if m.ans == Support || m.ans == Object {
				opinion = true
			}
		}
		if opinion {
			out := counted[:0]
			for _, m := range counted {
				if m.kw.ans == Comment && !m.negated {
					m.rule = ruleCommentAlt
					continue
				}
				out = append(out, m)
			}
			counted = out
		}
	}
	seen := map[Answer]bool{}
	for _, m := range counted {
		m.counted = true
		if m.ans != None && !seen[m.ans] {
			seen[m.ans] = true
			res.Found = append(res.Found, m.ans)
		}
	}
	res.Quote = quoteOf(lines, counted)
	if len(counted) == 0 {
		if closingSeen {
			res.Doubt = DoubtClosingOnly
			res.Rule = "answer words only in the closing block (signature, address, tagline, disclaimer): no answer"
			for _, m := range ms {
				if m.rule == ruleClosing {
					res.Quote = lines[m.line].raw
					break
				}
			}
		}
		return
	}
	// the top line weighs most: a bare answer there decides, unless a later
	// line contradicts it
	if a, top, ok := topAnswer(lines, counted); ok {
		var against *mention
		for _, m := range counted {
			if m.line == top.line && m.start <= top.start || m.ans == a || !m.sure && m.ans == None {
				continue
			}
			if kind == KindOpinion && m.kw.ans == Comment && (a == Support || a == Object) {
				continue
			}
			b, e := sentenceBounds(lines[m.line].text, m.start)
			_, corrected := correctionList.containsIn(lines[m.line].text, b, e, nil)
			lineBare := bareAnswer(lines[m.line].text, 0, len(lines[m.line].text), mentionsOn(counted, m.line))
			switch {
			case !m.sure && m.ans != None && !corrected:
				continue // a hedged mention later: explanation
			case kind == KindOpinion && !lineBare && !corrected:
				m.rule += "; explanation below the opinion"
				continue
			}
			against = m
			break
		}
		if against == nil {
			for _, m := range counted {
				if m.line != top.line && m.ans != a {
					m.counted = false
				}
			}
			record(res, lines, top, a, ruleTop)
			return
		}
		res.Ambiguous, res.Doubt = true, DoubtTwoAnswers
		b, e := sentenceBounds(lines[against.line].text, against.start)
		if _, c := correctionList.containsIn(lines[against.line].text, b, e, nil); c {
			res.Doubt = DoubtCorrection
		}
		res.Rule = fmt.Sprintf("the top line says %s, line %d says %s", strings.ToUpper(string(a)), against.line+1, describe(against))
		return
	}
	sure := map[Answer]*mention{}
	var order []Answer
	var unsure []*mention
	for _, m := range counted {
		if m.sure {
			if sure[m.ans] == nil {
				sure[m.ans] = m
				order = append(order, m.ans)
			}
		} else {
			unsure = append(unsure, m)
		}
	}
	switch {
	case len(order) > 1:
		res.Ambiguous, res.Doubt = true, DoubtTwoAnswers
		res.Rule = fmt.Sprintf("two answers: %s (line %d) and %s (line %d)", strings.ToUpper(string(order[0])), sure[order[0]].line+1, strings.ToUpper(string(order[1])), sure[order[1]].line+1)
		return
	case len(order) == 0:
		u := unsure[0]
		res.Ambiguous, res.Doubt = true, u.doubt
		if res.Doubt == DoubtNone {
			res.Doubt = DoubtNegated
		}
		res.Rule = fmt.Sprintf("line %d: %s", u.line+1, u.rule)
		return
	}
	a := order[0]
	for _, u := range unsure {
		if !u.ok[a] {
			res.Ambiguous, res.Doubt = true, u.doubt
			res.Rule = fmt.Sprintf("line %d reads %s, but line %d: %s", sure[a].line+1, strings.ToUpper(string(a)), u.line+1, u.rule)
			return
		}
	}
	record(res, lines, sure[a], a, sure[a].rule)
}

func mentionsOn(ms []*mention, line int) []mention {
	var out []mention
	for _, m := range ms {
		if m.line == line {
			out = append(out, *m)
		}
	}
	return out
}

func describe(m *mention) string {
	if m.ans == None {
		return "something uncertain (" + m.rule + ")"
	}
	return strings.ToUpper(string(m.ans))
}

// topAnswer returns the answer of the reply's top line when that line (or
// its first sentence) is a bare answer: answer words, their negations and
// fillers only, all read surely as one answer.
func topAnswer(lines []pline, counted []*mention) (Answer, *mention, bool) {
	top := -1
	for i := range lines {
		if lines[i].zone == zoneTop {
			top = i
			break
		}
	}
	if top < 0 {
		return None, nil, false
	}
	var on []mention
	var first *mention
	for _, m := range counted {
		if m.line == top {
			on = append(on, *m)
			if first == nil {
				first = m
			}
		}
	}
	if first == nil || !first.sure || first.ans == None {
		return None, nil, false
	}
	t := lines[top].text
	// the whole line, or the first sentence (up to . ! ? : ; or a dash)
	e := len(t)
	if !bareAnswer(t, 0, e, on) {
		_, e = sentenceBounds(t, first.start)
		for _, sep := range []string{":", "：", " – ", " — ", " - "} {
			if i := strings.Index(t[first.end:], sep); i >= 0 && first.end+i < e {
				e = first.end + i
			}
		}
		if !bareAnswer(t, 0, e, on) {
			return None, nil, false
		}
	}
	for _, m := range on {
		if m.start < e && (!m.sure || m.ans != first.ans) {
			return None, nil, false
		}
	}
	return first.ans, first, true
}

func record(res *Result, lines []pline, m *mention, a Answer, rule string) {
	res.Answer = a
	res.Line = lines[m.line].raw
	res.LineNo = m.line + 1
	res.Rule = rule
	if rule == ruleTop && m.rule != ruleWord {
		res.Rule = m.rule + "; " + ruleTop
	}
	res.Quote = lines[m.line].raw
}

// quoteOf returns the lines holding counted answer words, or the first typed
// line, at most 200 characters.
func quoteOf(lines []pline, counted []*mention) string {
	var parts []string
	last := -1
	for _, m := range counted {
		if m.line != last {
			parts = append(parts, lines[m.line].raw)
			last = m.line
		}
	}
	if len(parts) == 0 {
		for _, l := range lines {
			if !l.skip {
				parts = append(parts, l.raw)
				break
			}
		}
	}
	q := strings.Join(parts, " / ")
	if r := []rune(q); len(r) > 200 {
		q = string(r[:200]) + "…"
	}
	return q
}

// detectLanguage guesses the reply's language from its script; Latin text
// with Vietnamese letters is Vietnamese, and a Vietnamese keyword written
// without diacritics counts too.
func detectLanguage(s string, kwLangs map[string]int) string {
	counts := map[string]int{}
	latin, viet := 0, 0
	for _, r := range s {
		switch {
		case r >= 0x0E00 && r <= 0x0E7F:
			counts["th"]++
		case r >= 0x0E80 && r <= 0x0EFF:
			counts["lo"]++
		case r >= 0x1780 && r <= 0x17FF || r >= 0x19E0 && r <= 0x19FF:
			counts["km"]++
		case r >= 0x1000 && r <= 0x109F || r >= 0xAA60 && r <= 0xAA7F:
			counts["my"]++
		case unicode.Is(unicode.Han, r):
			counts["zh"]++
		case r >= 0x1EA0 && r <= 0x1EF9, r == 'ă', r == 'Ă', r == 'đ', r == 'Đ', r == 'ơ', r == 'Ơ', r == 'ư', r == 'Ư':
			viet++
			latin++
		case unicode.Is(unicode.Latin, r):
			latin++
		}
	}
	best, n := "", 0
	for _, l := range []string{"th", "km", "lo", "my", "zh"} {
		if counts[l] > n {
			best, n = l, counts[l]
		}
	}
	if best != "" {
		return best
	}
	if viet > 0 || kwLangs["vi"] > 0 && kwLangs["en"] == 0 {
		return "vi"
	}
	if latin > 0 {
		return "en"
	}
	return ""
}

// AskReason says, in plain English a member may read, why no answer was
// recorded, quoting what was read; "" when an answer was recorded.
func (r Result) AskReason() string {
	if r.Answer != None {
		return ""
	}
	var why string
	switch r.Doubt {
	case DoubtTwoAnswers:
		why = "your reply holds more than one answer"
	case DoubtCorrection:
		why = "your reply gives an answer and then changes it"
	case DoubtNegated:
		why = "we could not be sure what your reply answers: it negates an answer word"
	case DoubtHedged:
		why = "your answer depends on a condition or a doubt"
	case DoubtQuestion:
		why = "your reply asks a question rather than giving an answer"
	case DoubtClosingOnly:
		why = "we found no answer in your reply, only words in your signature, disclaimer or tagline"
	default:
		why = "we found no answer in your reply"
	}
	if r.Quote != "" {
		why += "; we read: «" + r.Quote + "»"
	}
	return why
}
