package forms

import (
	"bytes"
	"slices"
	"strings"
	"testing"
	"unicode/utf8"
)

func checkInvariants(t *testing.T, f Form) {
	t.Helper()
	if !slices.Contains([]Kind{Unknown, Regular, AssociateOrg, AssociateIndividual}, f.Kind) {
		t.Errorf("kind %q", f.Kind)
	}
	if f.Language != "" && !slices.Contains([]string{"en", "th", "km", "lo", "my", "vi", "zh"}, f.Language) {
		t.Errorf("language %q", f.Language)
	}
	req := RequiredKeys(f.Kind)
	last := -1
	for _, k := range f.Missing {
		i := slices.Index(req, k)
		if i <= last {
			t.Errorf("missing %q not in form order / not required: %q of %q", k, f.Missing, req)
		}
		last = i
	}
	for k, v := range f.Fields {
		if _, ok := defIndex[k]; !ok || k == office || defs[defIndex[k]].check {
			t.Errorf("field key %q", k)
		}
		if v == "" || v != strings.TrimSpace(v) {
			t.Errorf("field %s = %q: empty or untrimmed", k, v)
		}
		if n := utf8.RuneCountInString(v); n > MaxLen(k) {
			t.Errorf("field %s: %d characters, over its limit %d", k, n, MaxLen(k))
		}
		for _, r := range v {
			if (r < 0x20 || r >= 0x7f && r <= 0x9f) && !(r == '\n' && defs[defIndex[k]].multi) {
				t.Errorf("field %s = %q: control character %U", k, v, r)
			}
		}
	}
	for _, k := range f.TooLong {
		if _, ok := f.Fields[k]; ok || MaxLen(k) == 0 {
			t.Errorf("too long %q: still a field, or a key without a limit", k)
		}
	}
	if len(f.Problems) < len(f.TooLong) {
		t.Errorf("problems %q for too long %q", f.Problems, f.TooLong)
	}
	for k := range f.Checked {
		if _, ok := defIndex[k]; !ok || !defs[defIndex[k]].check {
			t.Errorf("checked key %q", k)
		}
	}
}

// FuzzParse: never panics; the form's keys are known ones, Missing is in
// form order and among the kind's required keys, values are trimmed, and
// valid UTF-8 in gives valid UTF-8 out.
func FuzzParse(f *testing.F) {
	// Short seeds: the whole forms are the unit tests' business, and
	// minimising a long input takes the fuzzer most of its time.
	f.Add("Application for Regular Membership\nName of organization: A\nEmail:\nb@c.d\n[x] Most recent annual report\nWe agree to the Terms of Partnership")
	f.Add("ใบสมัครภาคี MMN สำหรับบุคคล\nชื่อ-นามสกุล: ก\nอีเมล：a@b.c\n☐ ข้าพเจ้ายอมรับ")
	f.Add("1. Tên tổ chức: A\n2. Mô tả ngắn về tổ chức: B\nC\nChúng tôi không đồng ý với Điều khoản Đối tác")
	f.Add("| Name of organization | A |\n| [x] | Constitution |\n> > Email:\n> b@c.d\n")
	f.Add("Name:\n(if any)\n\n\nAreas of expertise:\n[ ] x ☐ ☒ (x) ( )\n1. 2) a. - * • Tel.: 1\nMMN associate individual 个人 准会员")
	f.Add("組織名稱：甲\n電子郵件（聯絡人）：a@b.c\n候補聯絡人：乙\n我們同意MMN的合作夥伴條款")
	f.Add("Name of organization: A\x1fB\u0085\nCountry: " + strings.Repeat("x", MaxLineLen+1))
	f.Fuzz(func(t *testing.T, text string) {
		form := Parse(text)
		checkInvariants(t, form)
		if utf8.ValidString(text) {
			for k, v := range form.Fields {
				if !utf8.ValidString(v) {
					t.Errorf("field %s: invalid UTF-8 %q", k, v)
				}
			}
		}
	})
}

// FuzzParseDocx: never panics on any bytes; a form comes back only
// without error.
func FuzzParseDocx(f *testing.F) {
	f.Add(docx(f, para(sdtBox(true), "Most recent annual report")+"<w:tbl>"+row("Name", "B")+"</w:tbl>"))
	f.Add(docx(f, para(legacyBox(false), "A")))
	f.Add([]byte("PK\x03\x04"))
	f.Add([]byte{})
	f.Fuzz(func(t *testing.T, b []byte) {
		form, err := ParseDocx(bytes.NewReader(b), int64(len(b)))
		if err != nil {
			if form.Kind != Unknown || form.Fields != nil {
				t.Errorf("error %v with a form %+v", err, form)
			}
			return
		}
		checkInvariants(t, form)
	})
}

// FuzzDocxText reaches the XML reader directly (mutated zips rarely get
// past the checksum): it never panics, and Parse reads whatever it gives.
func FuzzDocxText(f *testing.F) {
	// Short seeds, namespaces declared once: minimising a long input takes
	// the fuzzer most of its time.
	const w = `<w:body xmlns:w="` + nsW + `" xmlns:w14="` + nsW14 + `">`
	f.Add(w + `<w:p><w:sdt><w:sdtPr><w14:checkbox><w14:checked w14:val="1"/></w14:checkbox></w:sdtPr><w:sdtContent>☒</w:sdtContent></w:sdt><w:r><w:t>A</w:t></w:r></w:p>`)
	f.Add(w + `<w:tbl><w:tr><w:tc><w:p><w:r><w:t>Name</w:t></w:r></w:p></w:tc><w:tc><w:p><w:r><w:t>B</w:t><w:tab/><w:br/></w:r></w:p></w:tc></w:tr></w:tbl>`)
	f.Add(w + `<w:fldChar><w:ffData><w:checkBox><w:checked/></w:checkBox></w:ffData></w:fldChar><w:sym w:font="Wingdings" w:char="F0FE"/><w:delText>x</w:delText>`)
	f.Add(w + `<w:tc><w:tc><w:tr></w:tr>`)
	f.Add(w + strings.Repeat(`<w:tbl><w:tr><w:tc>`, 30))
	f.Fuzz(func(t *testing.T, x string) {
		text, _ := docxText(strings.NewReader(x))
		checkInvariants(t, Parse(text))
	})
}
