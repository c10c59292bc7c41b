package forms

import (
	"archive/zip"
	"bytes"
	"errors"
	"strings"
	"testing"
)

// docx builds a minimal .docx holding body as the content of w:body.
func docx(tb testing.TB, body string) []byte {
	tb.Helper()
	return docxFiles(tb, map[string]string{
		"[Content_Types].xml": `<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="xml" ContentType="application/xml"/><Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>`,
		"word/document.xml":   documentXML(body),
	})
}

func documentXML(body string) string {
	return `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main" xmlns:w14="http://schemas.microsoft.com/office/word/2010/wordml" xmlns:mc="http://schemas.openxmlformats.org/markup-compatibility/2006"><w:body>` + body + `</w:body></w:document>`
}

func docxFiles(tb testing.TB, files map[string]string) []byte {
	tb.Helper()
	return zipFiles(tb, zip.Deflate, files)
}

func zipFiles(tb testing.TB, method uint16, files map[string]string) []byte {
	tb.Helper()
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for _, name := range sortedKeys(files) {
		w, err := zw.CreateHeader(&zip.FileHeader{Name: name, Method: method})
		if err != nil {
			tb.Fatal(err)
		}
		if _, err := w.Write([]byte(files[name])); err != nil {
			tb.Fatal(err)
		}
	}
	if err := zw.Close(); err != nil {
		tb.Fatal(err)
	}
	return buf.Bytes()
}

func para(runs ...string) string {
	var b strings.Builder
	b.WriteString("<w:p>")
	for _, r := range runs {
		if strings.HasPrefix(r, "<") {
			b.WriteString(r)
			continue
		}
		b.WriteString(`<w:r><w:t xml:space="preserve">` + r + `</w:t></w:r>`)
	}
	b.WriteString("</w:p>")
	return b.String()
}

func row(cells ...string) string {
	var b strings.Builder
	b.WriteString("<w:tr>")
	for _, c := range cells {
		b.WriteString("<w:tc><w:tcPr/>")
		if strings.HasPrefix(c, "<w:p") {
			b.WriteString(c)
		} else {
			b.WriteString(para(c))
		}
		b.WriteString("</w:tc>")
	}
	b.WriteString("</w:tr>")
	return b.String()
}

// sdtBox is a Word 2010 checkbox content control with the glyph Word draws.
func sdtBox(checked bool) string {
	val, glyph := "0", "☐"
	if checked {
		val, glyph = "1", "☒"
	}
	return `<w:sdt><w:sdtPr><w14:checkbox><w14:checked w14:val="` + val + `"/><w14:checkedState w14:val="2612" w14:font="MS Gothic"/><w14:uncheckedState w14:val="2610" w14:font="MS Gothic"/></w14:checkbox></w:sdtPr><w:sdtContent><w:r><w:rPr><w:rFonts w:ascii="MS Gothic"/></w:rPr><w:t>` + glyph + `</w:t></w:r></w:sdtContent></w:sdt>`
}

// legacyBox is a Word 97 FORMCHECKBOX field.
func legacyBox(checked bool) string {
	c := ""
	if checked {
		c = "<w:checked/>"
	}
	return `<w:r><w:fldChar w:fldCharType="begin"><w:ffData><w:name w:val="Check1"/><w:enabled/><w:calcOnExit w:val="0"/><w:checkBox><w:sizeAuto/><w:default w:val="0"/>` + c + `</w:checkBox></w:ffData></w:fldChar></w:r><w:r><w:instrText xml:space="preserve"> FORMCHECKBOX </w:instrText></w:r><w:r><w:fldChar w:fldCharType="end"/></w:r>`
}

// regularDocx is the regular membership form as a Word document: the
// fields in a two-column table, the documents as checkboxes of three kinds.
func regularDocx(tb testing.TB, boxes [3]bool) []byte {
	tb.Helper()
	return docx(tb, para("Application for Regular Membership")+
		para("We agree to the above basic framework principles and ", "Terms of Partnership of MMN, commit to respect them.")+
		"<w:tbl><w:tblPr/>"+
		row("Name of organization:", "Friends of Migrants Foundation")+
		row("Chairperson or chief officer:", "Somchai Jaidee")+
		row("Designated contact person for MMN:", "Malee Srisuk")+
		row("Email (contact person):", "malee@fom.example.org")+
		row("Alternate contact person:", "Aung Ko")+
		row("Email (alternate contact person):", "aungko@fom.example.org")+
		row("Country:", "Thailand")+
		row("Address:", para("12 Moo 3, Mae Sot")+para("Tak 63110"))+
		row("Telephone:", para(`<w:r><w:t>+66 55</w:t></w:r><w:r><w:t xml:space="preserve"> 123 456</w:t></w:r>`))+
		row("Website:", "https://fom.example.org")+
		row("Year founded:", "2004")+
		row("Annual income (USD):", para(`<w:r><w:delText>40,000</w:delText></w:r><w:r><w:t>45,000</w:t></w:r>`))+
		row("Main activities:", para("legal aid for migrant workers;")+para("shelter and training"))+
		"</w:tbl>"+
		para("All of the following supplementary documents must be attached:")+
		para(sdtBox(boxes[0]), " Constitution or organisation vision, mission &amp; objectives papers of the organization")+
		para(legacyBox(boxes[1]), " Most recent annual report")+
		"<w:tbl>"+row(para(`<w:r><w:sym w:font="Wingdings" w:char="`+map[bool]string{true: "F0FE", false: "F0A8"}[boxes[2]]+`"/></w:r>`), "Endorsement letter from an existing MMN member")+"</w:tbl>"+
		para(`<mc:AlternateContent><mc:Choice Requires="wps"><w:r><w:t>Text box</w:t></w:r></mc:Choice><mc:Fallback><w:r><w:t>Name of organization: WRONG</w:t></w:r></mc:Fallback></mc:AlternateContent>`))
}

func TestR_6_1_DocxFormSameFieldsAsMailBody(t *testing.T) {
	tests := []struct {
		name    string
		boxes   [3]bool
		missing []string
	}{
		{"all ticked", [3]bool{true, true, true}, nil},
		{"none ticked", [3]bool{}, []string{"doc_constitution", "doc_annual_report", "doc_endorsement"}},
		{"annual report unticked", [3]bool{true, false, true}, []string{"doc_annual_report"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			b := regularDocx(t, tt.boxes)
			got, err := ParseDocx(bytes.NewReader(b), int64(len(b)))
			if err != nil {
				t.Fatal(err)
			}
			checked := map[string]bool{"doc_constitution": tt.boxes[0], "doc_annual_report": tt.boxes[1], "doc_endorsement": tt.boxes[2], "agree_top": true}
			checkForm(t, got, Regular, "en", regularWant, checked, tt.missing)
		})
	}
	// And the body Parse reads gives the same form.
	b := regularDocx(t, [3]bool{true, true, true})
	fromDocx, _ := ParseDocx(bytes.NewReader(b), int64(len(b)))
	fromBody := Parse(regularForm)
	if fromDocx.Kind != fromBody.Kind || len(fromDocx.Fields) != len(fromBody.Fields) {
		t.Errorf("docx %+v\nbody %+v", fromDocx, fromBody)
	}
	for k, v := range fromBody.Fields {
		if fromDocx.Fields[k] != v {
			t.Errorf("%s: docx %q, body %q", k, fromDocx.Fields[k], v)
		}
	}
}

func TestR_6_5_DocxInThai(t *testing.T) {
	b := docx(t, para("ใบสมัครภาคี MMN สำหรับบุคคล")+
		"<w:tbl>"+row("ชื่อ-นามสกุล", "สมหญิง ใจดี")+row("อีเมล", "somying@example.org")+row("ประเทศ", "ไทย")+
		row("ความเชี่ยวชาญ/ความสนใจ", "สิทธิแรงงาน")+"</w:tbl>"+
		para("☒ ข้าพเจ้ายอมรับข้อตกลงความร่วมมือ (ToP) ของ MMN"))
	got, err := ParseDocx(bytes.NewReader(b), int64(len(b)))
	if err != nil {
		t.Fatal(err)
	}
	checkForm(t, got, AssociateIndividual, "th", map[string]string{
		"name": "สมหญิง ใจดี", "email": "somying@example.org", "country": "ไทย", "expertise": "สิทธิแรงงาน",
	}, map[string]bool{"agree_top": true}, nil)
}

func TestDocxText(t *testing.T) {
	tests := []struct{ name, body, want string }{
		{"paragraphs and tabs", para("a", "<w:r><w:tab/></w:r>", "b") + para("c"), "a\tb\nc\n"},
		{"break", para("a", "<w:r><w:br/></w:r>", "b"), "a\nb\n"},
		{"table", "<w:tbl>" + row("x", "y") + row("z", "") + "</w:tbl>", "x\ty\nz\t\n"},
		{"nested table", "<w:tbl><w:tr><w:tc>" + para("out") + "<w:tbl>" + row("in1", "in2") + "</w:tbl>" + para("") + "</w:tc><w:tc>" + para("v") + "</w:tc></w:tr></w:tbl>", "out\nin1 in2\tv\n"},
		{"checked sdt", para(sdtBox(true), "A"), "[x] A\n"},
		{"unchecked sdt", para(sdtBox(false), "A"), "[ ] A\n"},
		{"legacy checked", para(legacyBox(true), "A"), "[x] A\n"},
		{"legacy default on", para(`<w:r><w:fldChar w:fldCharType="begin"><w:ffData><w:checkBox><w:default w:val="1"/></w:checkBox></w:ffData></w:fldChar></w:r>`, "A"), "[x] A\n"},
		{"legacy explicitly off", para(`<w:r><w:fldChar w:fldCharType="begin"><w:ffData><w:checkBox><w:default w:val="1"/><w:checked w:val="0"/></w:checkBox></w:ffData></w:fldChar></w:r>`, "A"), "[ ] A\n"},
		{"text field default is not a box", para(`<w:r><w:fldChar w:fldCharType="begin"><w:ffData><w:textInput><w:default w:val="x"/></w:textInput></w:ffData></w:fldChar></w:r>`, "A"), "A\n"},
		{"wingdings 2 box", para(`<w:r><w:sym w:font="Wingdings 2" w:char="F052"/></w:r>`, "A"), "[x] A\n"},
		{"ms gothic box", para(`<w:r><w:sym w:font="MS Gothic" w:char="2610"/></w:r>`, "A"), "[ ] A\n"},
		{"other symbol", para(`<w:r><w:sym w:font="Symbol" w:char="F0B7"/></w:r>`, "A"), "A\n"},
		{"deleted text", para(`<w:r><w:delText>gone</w:delText></w:r>`, "kept"), "kept\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := docxText(strings.NewReader(documentXML(tt.body)))
			if err != nil {
				t.Fatal(err)
			}
			got = strings.TrimSuffix(got, "\n") // the body sink's own end
			if got != tt.want {
				t.Errorf("got %q, want %q", got, tt.want)
			}
		})
	}
}

func TestDocxErrors(t *testing.T) {
	big := zipFiles(t, zip.Store, map[string]string{"word/document.xml": documentXML(strings.Repeat(para("x"), MaxDocumentXML/30+1))})
	tests := []struct {
		name string
		file []byte
		want error
	}{
		{"not a zip", []byte("Name of organization: A"), ErrNotDocx},
		{"empty", nil, ErrNotDocx},
		{"zip without document.xml", docxFiles(t, map[string]string{"word/other.xml": "<x/>"}), ErrNotDocx},
		{"too large", big, ErrTooLarge},
		{"broken xml", docxFiles(t, map[string]string{"word/document.xml": "<w:document><w:body><w:p>"}), nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := ParseDocx(bytes.NewReader(tt.file), int64(len(tt.file)))
			if err == nil {
				t.Fatal("no error")
			}
			if tt.want != nil && !errors.Is(err, tt.want) {
				t.Errorf("got %v, want %v", err, tt.want)
			}
		})
	}
}
