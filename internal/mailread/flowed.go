package mailread

import "strings"

// decodeFlowed joins the soft-broken lines of a format=flowed body
// (RFC 3676): a line ending in a space continues on the next line of the same
// quote depth; space-stuffing is removed; with delsp the trailing space is
// deleted when joining. The signature separator "-- " is never flowed.
func decodeFlowed(s string, delsp bool) string {
	lines := strings.Split(s, "\n")
	var out []string
	var cur strings.Builder
	curDepth := 0
	open := false
	flush := func() {
		if !open {
			return
		}
		out = append(out, quotePrefix(curDepth)+cur.String())
		cur.Reset()
		open = false
	}
	for _, line := range lines {
		depth := 0
		for depth < len(line) && line[depth] == '>' {
			depth++
		}
		content := line[depth:]
		content = strings.TrimPrefix(content, " ")
		if open && depth != curDepth {
			flush()
		}
		if !open {
			curDepth = depth
			open = true
		}
		sig := content == "-- "
		if !sig && strings.HasSuffix(content, " ") {
			if delsp {
				content = content[:len(content)-1]
			}
			cur.WriteString(content)
			continue
		}
		cur.WriteString(content)
		flush()
	}
	flush()
	return strings.Join(out, "\n")
}

func quotePrefix(depth int) string {
	if depth == 0 {
		return ""
	}
	return strings.Repeat(">", depth) + " "
}
