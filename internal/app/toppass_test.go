package app_test

import (
	"archive/zip"
	"bytes"
	"compress/zlib"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/mekongmigration/govbot/internal/config"
	"github.com/mekongmigration/govbot/internal/demo"
	"github.com/mekongmigration/govbot/internal/gov"
	"github.com/mekongmigration/govbot/internal/store"
)

// The ToP's second pass through the real pipeline: 5.1.1 (regular members are
// GMS-based) and the facts the printed forms lack (6.1); gcmt_test.go has 7.1.1
// and 7.2.12-7.2.14.

// printedRegularForm is the regular membership form exactly as the ToP prints
// it, filled in: no country, no endorser, no e-mail field.
const printedRegularForm = `For membership application, please fill in the following form and send by email to the MMN Secretariat, info@mekongmigration.org.

We confirm our commitment to become a member of the Mekong Migration Network (MMN).

We agree to the above basic framework principles and Terms of Partnership of MMN, commit to respect, adhere to and promote these principles, help in the strengthening of the MMN, jointly work with our co-members towards the achievement of these goals and fulfil our responsibilities as a member of the MMN.

Name of organization: Mekong Youth Centre

Chairperson or chief officer: Tran Thi Hoa

Designated contact person for MMN: Le Van An

Alternate contact person: Pham Thu



All of the following supplementary documents (in English or in any of Mekong language) must be attached:

[x] Constitution or organisation vision, mission & objectives papers of the organization
[x] Most recent annual report
[x] Endorsement letter from an existing MMN member


Chairperson/chief officer: Tran Thi Hoa

Designated contact person for MMN:
(if other than chief officer)

MMN Membership confirmed by: ____________________

Date of membership: _______________________
`

// forwardCover is the Secretariat forwarding the applicant's mail, whose cover
// letter precedes the form.
func (s *scenario) forwardCover(cover, form string, atts ...attachment) {
	text := "Please process this application.\n\n---------- Forwarded message ---------\nFrom: Le Van An <an@myc.example>\nDate: Mon, 4 Jan 2027 at 08:00\nSubject: Membership application\nTo: <info@mmn.example>\n\n" + cover + "\n\n" + form
	s.deliver(s.mime(demo.Secretariat, "Fwd: Membership application", text, nil, atts...))
}

// pdfLetter is a one-page PDF whose text, compressed with FlateDecode as word
// processors write it, is lines.
func pdfLetter(lines ...string) string {
	var content strings.Builder
	content.WriteString("BT /F1 11 Tf 72 720 Td\n")
	for i, l := range lines {
		if i > 0 {
			content.WriteString("0 -14 Td\n")
		}
		fmt.Fprintf(&content, "(%s) Tj\n", strings.NewReplacer(`\`, `\\`, "(", `\(`, ")", `\)`).Replace(l))
	}
	content.WriteString("ET\n")
	var z bytes.Buffer
	w := zlib.NewWriter(&z)
	w.Write([]byte(content.String()))
	w.Close()
	return fmt.Sprintf("%%PDF-1.7\n1 0 obj\n<< /Type /Catalog /Pages 2 0 R >>\nendobj\n4 0 obj\n<< /Length %d /Filter /FlateDecode >>\nstream\n%s\nendstream\nendobj\ntrailer\n<< /Root 1 0 R >>\n%%%%EOF\n", z.Len(), z.Bytes())
}

// docxLetter is a .docx letter of paragraphs.
func docxLetter(t *testing.T, paragraphs ...string) string {
	t.Helper()
	var body strings.Builder
	for _, p := range paragraphs {
		fmt.Fprintf(&body, "<w:p><w:r><w:t>%s</w:t></w:r></w:p>", p)
	}
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	f, err := zw.Create("word/document.xml")
	if err != nil {
		t.Fatal(err)
	}
	fmt.Fprintf(f, `<?xml version="1.0" encoding="UTF-8" standalone="yes"?><w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body>%s</w:body></w:document>`, body.String())
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.String()
}

// wroteTo reports whether any mail in ms went to addr.
func wroteTo(ms []sentMail, addr string) bool {
	return slices.ContainsFunc(ms, func(m sentMail) bool {
		return slices.ContainsFunc(m.To, func(to string) bool { return strings.EqualFold(to, addr) })
	})
}

// TestR_5_1_1_RegularApplicantOutsideGMSIsHeldForTheSecretariat: a complete
// regular application from a country outside network.countries is not announced
// to the members: it is held for the Secretariat with the reason, and the
// applicant is not told it is incomplete. The Secretariat's answer (the
// organisation is based in Vietnam) releases it. An associate may be anywhere.
func TestR_5_1_1_RegularApplicantOutsideGMSIsHeldForTheSecretariat(t *testing.T) {
	s := newScenario(t)
	s.forward(regularForm("Mekong Youth Centre", "Philippines", "an@myc.example", "Centre for Worker Development Vietnam"), threeDocuments...)
	out := s.after(time.Minute)
	k := kinds(out)
	if k["application_question"] != 1 || k["case_notice"] != 0 || k["application_missing"] != 0 || k["application_letter"] != 0 {
		t.Fatalf("on intake: %v; want the question to the Secretariat and nothing to the members", k)
	}
	if wroteTo(out, "an@myc.example") {
		t.Errorf("the applicant was written to about a matter for the Secretariat")
	}
	a := s.caseState("A1")
	if a.State != gov.CaseHeld || a.Country != "Philippines" || len(a.Missing) != 0 {
		t.Fatalf("case %s, country %q, missing %v; want held, Philippines, nothing missing", a.State, a.Country, a.Missing)
	}
	q := find(out, "application_question", demo.Secretariat)
	for _, want := range []string{`"Philippines"`, "ToP 5.1.1", "an associate may be anywhere", "Burma/Myanmar, Cambodia", "reply with Country: …", "WITHDRAW"} {
		if !strings.Contains(q.Text, want) {
			t.Errorf("the question lacks %q:\n%s", want, q.Text)
		}
	}
	s.a.DB.ViewAt(s.now, func(tx *store.Tx) error {
		d, _ := s.a.Bot.Digest(tx)
		if len(d.Cases) != 1 || !strings.Contains(d.Cases[0].Next, "the Secretariat's answer on: gms_based") {
			t.Errorf("digest: %+v", d.Cases)
		}
		return nil
	})

	// The Secretariat answers that the organisation is based in Vietnam.
	s.reply("application_question", demo.Secretariat, "Country: Viet Nam")
	out = s.after(time.Minute)
	if k := kinds(out); k["case_notice"] != 17 || k["application_letter"] != 1 {
		t.Fatalf("after the answer: %v", k)
	}
	if a := s.caseState("A1"); a.State != gov.CaseOpinions || a.Country != "Vietnam" {
		t.Errorf("case %s, country %q", a.State, a.Country)
	}

	// An applicant asked for a missing document cannot release the hold by
	// changing its country itself: that is for the Secretariat.
	s2 := newScenario(t)
	s2.forward(regularForm("Manila Youth Desk", "Philippines", "jo@myd.example", "Centre for Worker Development Vietnam"), threeDocuments[0], threeDocuments[2])
	out = s2.after(time.Minute)
	if k := kinds(out); k["application_missing"] != 2 || k["application_question"] != 1 {
		t.Fatalf("held and incomplete: %v", k)
	}
	s2.deliver(s2.mime("jo@myd.example", "Re: "+find(out, "application_missing", "jo@myd.example").Subject, "Country: Thailand\nHere is our annual report.", nil, threeDocuments[1]))
	out = s2.after(time.Minute)
	if a := s2.caseState("A1"); a.Country != "Philippines" || a.State != gov.CaseHeld || !a.HasDocument("annual_report") {
		t.Errorf("after the applicant's reply: country %q, state %s, documents %v", a.Country, a.State, a.Documents)
	}
	if k := kinds(out); k["case_notice"] != 0 {
		t.Errorf("the applicant released the hold itself: %v", k)
	}
	if u := find(out, "application_update", "jo@myd.example"); u == nil || !strings.Contains(u.Text, "the country was NOT changed") {
		t.Errorf("the applicant was not told why its country stays: %v", kinds(out))
	}

	// An associate organisation from the Philippines goes on.
	assoc := "MMN Associate Application for Organizations\n\nWe agree to the basic framework principles and Terms of Partnership of MMN.\n\n" +
		"Name of organization: Manila Migrant Desk\nBrief Description of organization: legal aid for returning migrants\nChairperson or chief officer: Maria Santos\n" +
		"Designated contact person for MMN: Jose Cruz\nEmail (contact person): jose@mmd.example\nCountry: Philippines\n"
	s.forward(assoc)
	out = s.after(time.Minute)
	if k := kinds(out); k["case_notice"] != 17 || k["application_question"] != 0 {
		t.Fatalf("associate from the Philippines: %v (case %+v)", k, s.caseState("A2"))
	}
}

// TestR_6_1_PrintedFormAsksSecretariatForCountry: an application sent exactly on
// the ToP's printed regular form, whose cover letter does not say where the
// organisation is, is not held as the applicant's omission. The contact's address
// is the applicant's own; the endorser is read from the endorsement letter (a
// PDF); the Secretariat is asked by name for the country and the alternate's
// address, which the form has no field for, and its answer completes the case.
func TestR_6_1_PrintedFormAsksSecretariatForCountry(t *testing.T) {
	s := newScenario(t)
	endorsement := attachment{"Endorsement letter CWD.pdf", "application/pdf", pdfLetter(
		"Endorsement letter",
		"Centre for Worker Development Vietnam is pleased to endorse the application of",
		"Mekong Youth Centre for regular membership of the Mekong Migration Network.")}
	s.forwardCover("Dear MMN Secretariat,\n\nPlease find our application below. We are a youth organisation working with returning migrants.\n\nBest regards,\nLe Van An",
		printedRegularForm, threeDocuments[0], threeDocuments[1], endorsement)
	out := s.after(time.Minute)
	k := kinds(out)
	if k["application_question"] != 1 || k["application_missing"] != 0 || k["case_notice"] != 0 {
		t.Fatalf("on intake: %v; want one question to the Secretariat, nothing missing", k)
	}
	if wroteTo(out, "an@myc.example") {
		t.Errorf("the applicant was told of facts its form has no field for")
	}
	a := s.caseState("A1")
	if a.State != gov.CaseHeld || len(a.Missing) != 0 || a.Contact.Email != "an@myc.example" || a.Endorser != "vn-cwd" || a.ReadFrom["endorser"] != "the letter Endorsement letter CWD.pdf" {
		t.Fatalf("case %s missing %v contact %q endorser %q (read from %q)", a.State, a.Missing, a.Contact.Email, a.Endorser, a.ReadFrom["endorser"])
	}
	var keys []string
	for _, q := range a.Questions {
		keys = append(keys, q.Key)
	}
	if !slices.Equal(keys, []string{"alternate_email", "country"}) {
		t.Fatalf("questions %v; want alternate_email, country", keys)
	}
	q := find(out, "application_question", demo.Secretariat)
	for _, want := range []string{"The ToP form has no country field: reply with Country: …", "The ToP form has no email field for the alternate contact person: reply with Email (alternate contact person): …", "not the applicant's omissions"} {
		if !strings.Contains(q.Text, want) {
			t.Errorf("the question lacks %q:\n%s", want, q.Text)
		}
	}
	receipt := find(out, "application_receipt", demo.Secretariat)
	if !strings.Contains(receipt.Text, "Endorsing MMN member (read from the letter Endorsement letter CWD.pdf): Centre for Worker Development Vietnam") {
		t.Errorf("the receipt does not say where the endorser was read:\n%s", receipt.Text)
	}

	// The Secretariat answers both; the case goes to the members.
	s.reply("application_question", demo.Secretariat, "Country: Vietnam\nEmail (alternate contact person): thu@myc.example")
	out = s.after(time.Minute)
	if k := kinds(out); k["case_notice"] != 17 || k["application_letter"] != 1 || k["application_question"] != 0 {
		t.Fatalf("after the answers: %v (case %+v)", k, s.caseState("A1"))
	}
	a = s.caseState("A1")
	if a.State != gov.CaseOpinions || a.Country != "Vietnam" || a.Alternate.Email != "thu@myc.example" || a.Alternate.Name != "Pham Thu" || a.EndorsedFromAbroad {
		t.Errorf("case %s country %q alternate %+v abroad %v", a.State, a.Country, a.Alternate, a.EndorsedFromAbroad)
	}
}

// TestR_6_1_PrintedFormFactsReadFromLetters: the cover letter says where the
// organisation is based and a .docx endorsement letter names its endorser: both
// are taken (letter_facts: use), and the receipt says where they were read; under
// letter_facts: ask they are only suggested to the Secretariat with its question.
func TestR_6_1_PrintedFormFactsReadFromLetters(t *testing.T) {
	cover := "Dear MMN Secretariat,\n\nWe are a youth organisation based in Vientiane, Lao PDR, working with young migrants returning from Thailand.\n\nLe Van An"
	form := strings.Replace(printedRegularForm, "Alternate contact person: Pham Thu", "Alternate contact person: Pham Thu <thu@myc.example>", 1)
	endorsement := func(t *testing.T) attachment {
		return attachment{"Endorsement.docx", "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
			docxLetter(t, "Letter of endorsement", "The Lao Community Development Council endorses Mekong Youth Centre for regular membership.")}
	}
	t.Run("use", func(t *testing.T) {
		s := newScenario(t)
		s.forwardCover(cover, form, threeDocuments[0], threeDocuments[1], endorsement(t))
		out := s.after(time.Minute)
		if k := kinds(out); k["case_notice"] != 17 || k["application_question"] != 0 {
			t.Fatalf("on intake: %v (case %+v)", k, s.caseState("A1"))
		}
		a := s.caseState("A1")
		if a.Country != "Lao PDR" || a.Endorser != "la-cdc" || a.ReadFrom["country"] != "the cover letter" || a.Alternate.Email != "thu@myc.example" {
			t.Errorf("country %q endorser %q read from %v alternate %+v", a.Country, a.Endorser, a.ReadFrom, a.Alternate)
		}
		if r := find(out, "application_receipt", demo.Secretariat); !strings.Contains(r.Text, "Country (read from the cover letter): Lao PDR") {
			t.Errorf("receipt:\n%s", r.Text)
		}
	})
	t.Run("ask", func(t *testing.T) {
		s := newScenario(t, func(c *config.Config) { c.Applications.LetterFacts = "ask" })
		s.forwardCover(cover, form, threeDocuments[0], threeDocuments[1], endorsement(t))
		out := s.after(time.Minute)
		q := find(out, "application_question", demo.Secretariat)
		if q == nil || kinds(out)["case_notice"] != 0 {
			t.Fatalf("on intake: %v", kinds(out))
		}
		for _, want := range []string{"The bot read: Lao PDR (read from the cover letter)", "The bot read: Lao Community Development Council (read from the letter Endorsement.docx)"} {
			if !strings.Contains(q.Text, want) {
				t.Errorf("the question lacks %q:\n%s", want, q.Text)
			}
		}
		s.reply("application_question", demo.Secretariat, "Country: Lao PDR\nEndorsed by: la-cdc")
		if k := kinds(s.after(time.Minute)); k["case_notice"] != 17 {
			t.Fatalf("after the Secretariat confirmed: %v (case %+v)", k, s.caseState("A1"))
		}
	})
}
