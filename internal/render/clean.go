package render

import (
	"reflect"
	"strings"
	"text/template"
	"unicode"
	"unicode/utf8"
)

// MaxSubjectRunes is the longest rendered Subject, in characters (runes), the
// "…" that marks a shortened one included. A longer subject is cut at a
// character boundary that does not split a combining sequence (a Khmer or
// Myanmar stacked consonant, a vowel sign, a tone mark) and ends with "…".
//
// 200 characters are at most 800 octets of UTF-8. An ASCII subject needs no
// encoding and fits on one header line ("Subject: " and 200 octets); any other
// is sent as RFC 2047 encoded words of at most 75 octets each, separated by
// spaces where the header is folded. Either way no line of the header comes near
// RFC 5322's limit of 998 octets (section 2.1.1), which a long organisation name
// or an echoed subject would otherwise exceed, and a server would refuse the mail.
// The reference token stays: templates put it at the start of a subject.
const MaxSubjectRunes = 200

// isControl reports whether r is a C0 or C1 control character or DEL.
func isControl(r rune) bool {
	return r < 0x20 || r == 0x7f || (r >= 0x80 && r < 0xa0)
}

// cleanText is what every string of a mail's data, and every string a template
// function returns, goes through before a template writes it: invalid UTF-8
// becomes U+FFFD; CR LF, CR, U+2028 and U+2029 become LF; LF and tab are kept
// (a body value may have several lines); every other C0 and C1 control character
// and DEL is dropped. So no data can write the block markup's markers
// (blockMark, fieldSep, lineSep), a NUL or a NEL into a mail.
func cleanText(s string) string {
	if isClean(s) {
		return s
	}
	s = strings.ToValidUTF8(s, "\uFFFD")
	var b strings.Builder
	b.Grow(len(s))
	for i, r := range s {
		switch {
		case r == '\r':
			if !strings.HasPrefix(s[i+1:], "\n") {
				b.WriteByte('\n')
			}
		case r == '\u2028' || r == '\u2029':
			b.WriteByte('\n')
		case r == '\n' || r == '\t':
			b.WriteRune(r)
		case isControl(r):
		default:
			b.WriteRune(r)
		}
	}
	return b.String()
}

// isClean reports whether cleanText would return s unchanged.
func isClean(s string) bool {
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c == '\n' || c == '\t':
		case c < 0x20 || c == 0x7f:
			return false
		case c >= 0x80:
			// A C1 control (U+0080–U+009F) is C2 80–C2 9F; U+2028/U+2029 are
			// E2 80 A8/A9. Anything else non-ASCII is checked as a rune.
			r, size := utf8.DecodeRuneInString(s[i:])
			if r == utf8.RuneError && size <= 1 || isControl(r) || r == '\u2028' || r == '\u2029' {
				return false
			}
			i += size - 1
		}
	}
	return true
}

// subjectLine makes a rendered subject a header value: one line (line breaks and
// tabs, with the spaces around them, become one space), no control characters,
// trimmed, and at most MaxSubjectRunes characters.
func subjectLine(s string) string {
	s = cleanText(s)
	if strings.ContainsAny(s, "\n\t") {
		s = strings.Join(strings.Fields(s), " ")
	}
	return shorten(strings.TrimSpace(s), MaxSubjectRunes)
}

// shorten returns s cut to at most max runes, "…" included, when it is longer.
func shorten(s string, max int) string {
	if utf8.RuneCountInString(s) <= max {
		return s
	}
	rs := []rune(s)
	cut := max - 1 // room for "…"
	// Back off over a combining sequence, a few runes at most: a string of
	// nothing but marks is cut where it must be.
	for back := cut; back > 0 && cut-back < 8; back-- {
		if clusterBoundary(rs[back-1], rs[back]) {
			cut = back
			break
		}
	}
	return strings.TrimRightFunc(string(rs[:cut]), unicode.IsSpace) + "…"
}

// clusterBoundary reports whether a user-perceived character may end between
// prev and next: not before a combining mark, a joiner or an emoji modifier,
// and not after a joiner or a virama that stacks the next consonant (Khmer
// coeng, Myanmar virama). This is the part of Unicode's grapheme rules (UAX #29)
// that the network's scripts need.
func clusterBoundary(prev, next rune) bool {
	switch {
	case unicode.In(next, unicode.Mn, unicode.Mc, unicode.Me):
		return false
	case next == '\u200c' || next == '\u200d': // ZWNJ, ZWJ
		return false
	case next >= 0x1f3fb && next <= 0x1f3ff: // emoji skin tone modifiers
		return false
	case prev == '\u200d' || prev == '\u17d2' || prev == '\u1039':
		return false
	}
	return true
}

// echoedFields are the fields (of package gov's types, "Type.Field") that hold
// text a person or another server wrote and a mail repeats: the subject of a
// refused message, a refusal's reason (it may quote the message), a bounced
// mail's subject and the server's reply, an opinion's reasons, the values read
// from an application form, the reply line a vote receipt quotes, free notes.
// When a mail fails to render with them, Render renders it again without them
// (see Render).
var echoedFields = map[string]bool{
	"RefusalData.Subject":         true,
	"RefusalData.Reason":          true,
	"ReceiptData.Line":            true,
	"DeliveryFailureData.Subject": true,
	"DeliveryFailureData.Error":   true,
	"Opinion.Reasons":             true,
	"Field.Value":                 true,
	"ApplicationData.Reason":      true,
	"NominationData.Reason":       true,
	"NominationView.Note":         true,
	"Application.EndorserText":    true,
	"Application.SCNote":          true,
	"ReconfirmInput.Text":         true,
	"OpinionInput.Reasons":        true,
	"QuarantineData.Subject":      true,
	"QuarantineData.Error":        true,
}

const govPkg = "github.com/mekongmigration/govbot/internal/gov"

// maxDepth bounds the walk through nested data (a slice holding itself through
// an interface would otherwise never end); deeper values are left out.
const maxDepth = 64

// cleaner copies a value, passing every string in it (in exported struct
// fields, pointers, slices, arrays, maps and interfaces, at any depth) through
// cleanText. With dropEcho, the echoedFields are left empty.
type cleaner struct {
	dropEcho bool
	dropped  bool                        // an echoed field held something
	ptrs     map[ptrKey]reflect.Value    // pointers already copied: shared and cyclic data stay so
	hasText  map[reflect.Type]bool       // types that can hold a string
	fields   map[reflect.Type][]fieldHow // per struct type
}

type ptrKey struct {
	t reflect.Type
	p uintptr
}

type fieldHow struct {
	i    int
	drop bool // one of the echoedFields
}

func newCleaner(dropEcho bool) *cleaner {
	return &cleaner{dropEcho: dropEcho, ptrs: map[ptrKey]reflect.Value{}, hasText: map[reflect.Type]bool{}, fields: map[reflect.Type][]fieldHow{}}
}

// cleanData returns a copy of data with every string cleaned (cleanText); the
// copy has data's type. With dropEcho, the echoedFields are empty in the copy
// and dropped says whether any of them held something.
func cleanData(data any, dropEcho bool) (clean any, dropped bool) {
	if data == nil {
		return nil, false
	}
	c := newCleaner(dropEcho)
	v := c.value(reflect.ValueOf(data), 0)
	return v.Interface(), c.dropped
}

// canHoldText reports whether a value of t can hold a string the walk reaches.
func (c *cleaner) canHoldText(t reflect.Type) bool {
	if h, ok := c.hasText[t]; ok {
		return h
	}
	c.hasText[t] = true // a recursive type is assumed to, while it is looked at
	h := false
	switch t.Kind() {
	case reflect.String, reflect.Interface:
		h = true
	case reflect.Pointer, reflect.Slice, reflect.Array:
		h = c.canHoldText(t.Elem())
	case reflect.Map:
		h = c.canHoldText(t.Key()) || c.canHoldText(t.Elem())
	case reflect.Struct:
		for i := 0; i < t.NumField(); i++ {
			if f := t.Field(i); f.IsExported() && c.canHoldText(f.Type) {
				h = true
			}
		}
	}
	c.hasText[t] = h
	return h
}

func (c *cleaner) structFields(t reflect.Type) []fieldHow {
	if fs, ok := c.fields[t]; ok {
		return fs
	}
	var fs []fieldHow
	for i := 0; i < t.NumField(); i++ {
		f := t.Field(i)
		if !f.IsExported() {
			continue // copied as it is: time.Time's wall clock, a Location
		}
		drop := c.dropEcho && t.PkgPath() == govPkg && echoedFields[t.Name()+"."+f.Name]
		if drop || c.canHoldText(f.Type) {
			fs = append(fs, fieldHow{i: i, drop: drop})
		}
	}
	c.fields[t] = fs
	return fs
}

func (c *cleaner) value(v reflect.Value, depth int) reflect.Value {
	t := v.Type()
	if !c.canHoldText(t) {
		return v
	}
	if depth > maxDepth {
		return reflect.Zero(t)
	}
	switch t.Kind() {
	case reflect.String:
		n := reflect.New(t).Elem()
		n.SetString(cleanText(v.String()))
		return n
	case reflect.Interface:
		if v.IsNil() {
			return v
		}
		n := reflect.New(t).Elem()
		n.Set(c.value(v.Elem(), depth+1))
		return n
	case reflect.Pointer:
		if v.IsNil() {
			return v
		}
		key := ptrKey{t, v.Pointer()}
		if p, ok := c.ptrs[key]; ok {
			return p
		}
		p := reflect.New(t.Elem())
		c.ptrs[key] = p
		p.Elem().Set(c.value(v.Elem(), depth+1))
		return p
	case reflect.Slice:
		if v.IsNil() {
			return v
		}
		n := reflect.MakeSlice(t, v.Len(), v.Len())
		for i := 0; i < v.Len(); i++ {
			n.Index(i).Set(c.value(v.Index(i), depth+1))
		}
		return n
	case reflect.Array:
		n := reflect.New(t).Elem()
		for i := 0; i < v.Len(); i++ {
			n.Index(i).Set(c.value(v.Index(i), depth+1))
		}
		return n
	case reflect.Map:
		if v.IsNil() {
			return v
		}
		n := reflect.MakeMapWithSize(t, v.Len())
		for it := v.MapRange(); it.Next(); {
			n.SetMapIndex(c.value(it.Key(), depth+1), c.value(it.Value(), depth+1))
		}
		return n
	case reflect.Struct:
		n := reflect.New(t).Elem()
		n.Set(v) // unexported fields as they are
		for _, f := range c.structFields(t) {
			if f.drop {
				if !v.Field(f.i).IsZero() {
					c.dropped = true
				}
				n.Field(f.i).Set(reflect.Zero(t.Field(f.i).Type))
				continue
			}
			n.Field(f.i).Set(c.value(v.Field(f.i), depth+1))
		}
		return n
	}
	return v
}

// cleanFuncs wraps every function of fm but those named in raw so that what it
// returns is cleaned like data (cleanText): a value a function makes from data
// or from a words file cannot carry a marker either. The block functions (raw)
// write the markers themselves and clean their own arguments (see block).
func cleanFuncs(fm template.FuncMap, raw ...string) template.FuncMap {
	out := template.FuncMap{}
	for name, f := range fm {
		fv := reflect.ValueOf(f)
		ft := fv.Type()
		if contains(raw, name) || ft.Kind() != reflect.Func || ft.NumOut() == 0 || !newCleaner(false).canHoldText(ft.Out(0)) {
			out[name] = f
			continue
		}
		out[name] = reflect.MakeFunc(ft, func(args []reflect.Value) []reflect.Value {
			var res []reflect.Value
			if ft.IsVariadic() {
				res = fv.CallSlice(args)
			} else {
				res = fv.Call(args)
			}
			if v := res[0]; v.Kind() == reflect.String {
				if s := v.String(); !isClean(s) {
					n := reflect.New(v.Type()).Elem()
					n.SetString(cleanText(s))
					res[0] = n
				}
			} else {
				res[0] = newCleaner(false).value(v, 0)
			}
			return res
		}).Interface()
	}
	return out
}
