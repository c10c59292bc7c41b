package render

import (
	"fmt"
	"html"
	htmltemplate "html/template"
	"strings"

	"github.com/mekongmigration/govbot/internal/gov"
)

// A block function writes one line: blockMark, a one-letter kind, blockMark, then
// its fields separated by fieldSep, with the newlines inside a field written as
// lineSep. Only the templates can write these control characters: data is
// cleaned of them before a template sees it (cleanData), other functions' results
// are cleaned (cleanFuncs), and block cleans the fields it is given.
const (
	blockMark = "\x1f"
	fieldSep  = "\x1e"
	lineSep   = "\x1d"
)

func block(kind string, fields ...string) string {
	for i, f := range fields {
		fields[i] = strings.ReplaceAll(cleanText(f), "\n", lineSep)
	}
	return blockMark + kind + blockMark + strings.Join(fields, fieldSep)
}

// dropControls removes the control characters but line feed and tab from a line
// or field of a parsed body: whatever a template wrote, no marker survives into
// the mail.
func dropControls(s string) string {
	return strings.Map(func(r rune) rune {
		if r != '\t' && r != '\n' && isControl(r) {
			return -1
		}
		return r
	}, s)
}

// blk is one block of a body: a special line (Kind h, q, d, n, o, k, m, c) or a
// paragraph of plain lines (Kind p). An o block is an answer to type (its words,
// then what it means); a k block an option of an options ballot (its number,
// then its text).
type blk struct {
	Kind   string
	Fields []string
	Lines  []string // for paragraphs
}

// parseBlocks splits a rendered body into blocks.
func parseBlocks(body string) []blk {
	var out []blk
	var para []string
	flush := func() {
		if len(para) > 0 {
			out = append(out, blk{Kind: "p", Lines: para})
			para = nil
		}
	}
	for _, line := range strings.Split(strings.TrimSpace(body), "\n") {
		line = strings.TrimRight(line, " \t\r")
		if rest, ok := strings.CutPrefix(line, blockMark); ok {
			flush()
			kind, fields, _ := strings.Cut(rest, blockMark)
			var fs []string
			for _, f := range strings.Split(fields, fieldSep) {
				fs = append(fs, strings.TrimSpace(dropControls(strings.ReplaceAll(f, lineSep, "\n"))))
			}
			out = append(out, blk{Kind: kind, Fields: fs})
			continue
		}
		line = dropControls(line)
		if line == "" {
			flush()
			continue
		}
		para = append(para, line)
	}
	flush()
	return out
}

// listItem reports whether a block of kind is an item of a list of answers: an
// answer word (o) or a numbered option (k). The items next to each other make
// one list.
func listItem(kind string) bool { return kind == "o" || kind == "k" }

// blocksText writes blocks as the plain-text part: one blank line between blocks,
// except between the items of one list.
func blocksText(bs []blk) string {
	var b strings.Builder
	prev := ""
	for _, x := range bs {
		if x.Kind == "c" {
			continue
		}
		if b.Len() > 0 {
			if listItem(x.Kind) && listItem(prev) {
				b.WriteString("\n")
			} else {
				b.WriteString("\n\n")
			}
		}
		switch x.Kind {
		case "p":
			b.WriteString(strings.Join(x.Lines, "\n"))
		case "o":
			b.WriteString("  " + x.Fields[0])
			if len(x.Fields) > 1 && x.Fields[1] != "" {
				b.WriteString("  – " + x.Fields[1])
			}
		case "k":
			b.WriteString("  " + x.Fields[0] + ".")
			if len(x.Fields) > 1 && x.Fields[1] != "" {
				b.WriteString(" " + x.Fields[1])
			}
		default:
			b.WriteString(strings.Join(x.Fields, " "))
		}
		prev = x.Kind
	}
	return b.String()
}

const (
	colorBrand = "#0b4f8a"
	colorText  = "#1a1a1a"
	colorMuted = "#666666"
)

func esc(s string) string {
	return strings.ReplaceAll(html.EscapeString(s), "\n", "<br>")
}

// blocksHTML writes blocks as HTML with inline styles only: no <style>, no
// scripts, no images, so Gmail, Outlook and phone clients show it the same.
func (r *Renderer) blocksHTML(lang string, bs []blk, data any) (htmltemplate.HTML, error) {
	var b strings.Builder
	for i := 0; i < len(bs); i++ {
		x := bs[i]
		switch x.Kind {
		case "m":
			fmt.Fprintf(&b, `<div style="font-size:12px;color:#888888;margin:0 0 16px 0;">%s</div>`+"\n", esc(x.Fields[0]))
		case "h":
			fmt.Fprintf(&b, `<div style="font-size:21px;line-height:1.3;font-weight:bold;color:%s;margin:0 0 14px 0;">%s</div>`+"\n", colorBrand, esc(x.Fields[0]))
		case "q":
			fmt.Fprintf(&b, `<div style="font-size:18px;line-height:1.45;border-left:4px solid %s;background:#eef4fa;padding:10px 12px;margin:0 0 16px 0;">%s</div>`+"\n", colorBrand, esc(x.Fields[0]))
		case "d":
			fmt.Fprintf(&b, `<div style="font-size:17px;font-weight:bold;background:#fff4cc;border:1px solid #e6b800;padding:10px 12px;margin:0 0 16px 0;">%s</div>`+"\n", esc(x.Fields[0]))
		case "n":
			fmt.Fprintf(&b, `<p style="font-size:13px;color:%s;margin:0 0 12px 0;">%s</p>`+"\n", colorMuted, esc(x.Fields[0]))
		case "o", "k":
			b.WriteString(`<table role="presentation" cellpadding="0" cellspacing="0" style="border-collapse:separate;border-spacing:0 8px;width:100%;margin:0 0 8px 0;">` + "\n")
			for ; i < len(bs) && listItem(bs[i].Kind); i++ {
				words := strings.SplitN(bs[i].Fields[0], " / ", 2)
				if bs[i].Kind == "k" {
					words = bs[i].Fields[:1] // the option's number
				}
				label := `<span style="font-size:22px;font-weight:bold;letter-spacing:1px;">` + esc(words[0]) + `</span>`
				if len(words) > 1 {
					label += `<br><span style="font-size:18px;font-weight:bold;">` + esc(words[1]) + `</span>`
				}
				meaning := ""
				if len(bs[i].Fields) > 1 {
					meaning = esc(bs[i].Fields[1])
				}
				fmt.Fprintf(&b, `<tr><td style="width:40%%;padding:8px 10px;border:2px solid %s;border-radius:6px;text-align:center;color:%s;background:#ffffff;">%s</td><td style="padding:8px 0 8px 12px;font-size:15px;color:%s;">%s</td></tr>`+"\n", colorBrand, colorBrand, label, colorText, meaning)
			}
			i--
			b.WriteString("</table>\n")
		case "c":
			h, err := r.chartHTML(lang, data)
			if err != nil {
				return "", err
			}
			b.WriteString(h)
		case "p":
			var lines []string
			for _, l := range x.Lines {
				lines = append(lines, esc(l))
			}
			fmt.Fprintf(&b, `<p style="margin:0 0 12px 0;">%s</p>`+"\n", strings.Join(lines, "<br>"))
		}
	}
	return htmltemplate.HTML(b.String()), nil
}

// chartHTML draws a result's bar chart: one bar per answer (YES, NO, ABSTAIN; on
// an options ballot each option, the chosen one in green, then ABSTAIN) and one
// for "no answer", each as a share of the electorate, then the forms returned
// against the quorum, with the quorum as a dark line across that bar. Tables and background colours
// only, which Outlook's Word engine draws as well as a browser does.
func (r *Renderer) chartHTML(lang string, data any) (string, error) {
	d, ok := data.(gov.ResultData)
	if !ok {
		return "", fmt.Errorf("chart needs result data, not %T", data)
	}
	w := func(key string) string { s, _ := r.word(lang, key); return s }
	for _, k := range []string{"vote.yes", "vote.no", "vote.abstain", "chart.no_answer", "chart.returned"} {
		if _, err := r.word(lang, k); err != nil {
			return "", err
		}
	}
	label := func(c string) string {
		en, local := strings.ToUpper(c), w("vote."+c)
		if local != en {
			return en + " / " + local
		}
		return en
	}
	total := d.Ballot.ElectorateSize
	if d.Tally.QuorumBase > total {
		total = d.Tally.QuorumBase
	}
	if total < 1 {
		total = 1
	}
	pct := func(n int) int {
		if n < 0 {
			n = 0
		}
		if n > total {
			n = total
		}
		return (n*1000/total + 5) / 10
	}
	noAnswer := d.Ballot.ElectorateSize - d.Tally.Returned()
	if noAnswer < 0 {
		noAnswer = 0
	}
	type row struct {
		label string
		n     int
		color string
	}
	rows := []row{
		{label("yes"), d.Tally.Yes, "#2e7d32"},
		{label("no"), d.Tally.No, "#c62828"},
		{label("abstain"), d.Tally.Abstain, "#6d6d6d"},
		{w("chart.no_answer"), noAnswer, "#bdbdbd"},
	}
	if options := d.Options(); len(options) > 0 {
		rows = rows[:0]
		for _, o := range options {
			color := colorBrand
			if o.Winner {
				color = "#2e7d32"
			}
			rows = append(rows, row{fmt.Sprintf("%d. %s", o.N, o.Text), o.Votes, color})
		}
		rows = append(rows, row{label("abstain"), d.Tally.Abstain, "#6d6d6d"}, row{w("chart.no_answer"), noAnswer, "#bdbdbd"})
	}
	var b strings.Builder
	b.WriteString(`<table role="presentation" cellpadding="0" cellspacing="0" style="border-collapse:collapse;width:100%;margin:0 0 16px 0;font-size:15px;">` + "\n")
	bar := func(cells string) string {
		return `<table role="presentation" cellpadding="0" cellspacing="0" style="border-collapse:collapse;width:100%;"><tr>` + cells + `</tr></table>`
	}
	cell := func(p int, color, extra string) string {
		if p <= 0 {
			return ""
		}
		return fmt.Sprintf(`<td style="width:%d%%;background:%s;height:20px;line-height:20px;font-size:1px;%s">&nbsp;</td>`, p, color, extra)
	}
	for _, row := range rows {
		p := pct(row.n)
		fmt.Fprintf(&b, `<tr><td colspan="2" style="padding:8px 0 2px 0;font-weight:bold;">%s <span style="float:right;">%d</span></td></tr>`+"\n", esc(row.label), row.n)
		fmt.Fprintf(&b, `<tr><td colspan="2" style="padding:0;">%s</td></tr>`+"\n", bar(cell(p, row.color, "")+cell(100-p, "#eeeeee", "")))
	}
	// Forms returned, with the quorum line.
	ret, need := d.Tally.Returned(), d.Tally.QuorumRequired
	fill := "#1565c0"
	if !d.Tally.QuorumMet {
		fill = "#ef6c00"
	}
	line := "border-right:3px solid #000000;"
	var cells string
	if ret < need {
		cells = cell(pct(ret), fill, "") + cell(pct(need)-pct(ret), "#eeeeee", line) + cell(100-pct(need), "#eeeeee", "")
	} else {
		cells = cell(pct(need), fill, line) + cell(pct(ret)-pct(need), fill, "") + cell(100-pct(ret), "#eeeeee", "")
	}
	q, err := r.quorumText(lang, d.Tally)
	if err != nil {
		return "", err
	}
	status := "#2e7d32"
	if !d.Tally.QuorumMet {
		status = "#c62828"
	}
	fmt.Fprintf(&b, `<tr><td colspan="2" style="padding:14px 0 2px 0;font-weight:bold;">%s <span style="float:right;">%d / %d</span></td></tr>`+"\n", esc(w("chart.returned")), ret, d.Ballot.ElectorateSize)
	fmt.Fprintf(&b, `<tr><td colspan="2" style="padding:0;">%s</td></tr>`+"\n", bar(cells))
	fmt.Fprintf(&b, `<tr><td colspan="2" style="padding:6px 0 0 0;font-weight:bold;color:%s;">%s</td></tr>`+"\n", status, esc(q))
	b.WriteString("</table>\n")
	return b.String(), nil
}

// withoutMarker drops the marker and the chart from the English text below a
// translation: one of each, at the top, is enough.
func withoutMarker(bs []blk) []blk {
	var out []blk
	for _, b := range bs {
		if b.Kind != "m" && b.Kind != "c" {
			out = append(out, b)
		}
	}
	return out
}
