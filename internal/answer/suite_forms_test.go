//go:build suiteforms

package answer_test

import (
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/mekongmigration/govbot/internal/answer"
	"github.com/mekongmigration/govbot/internal/gov"
	"github.com/mekongmigration/govbot/internal/render"
	"github.com/mekongmigration/govbot/templates"
)

// TestWriteSuiteForms renders the voting form and the opinion request in
// every language into testdata/suite/forms, the forms the reply suite's
// members answer. Run it when the forms change:
//
//	go test -tags suiteforms -run TestWriteSuiteForms ./internal/answer/
func TestWriteSuiteForms(t *testing.T) {
	loc, _ := time.LoadLocation("Asia/Bangkok")
	r, err := render.New(templates.FS, render.Options{Location: loc, Network: "Mekong Migration Network", Marker: answer.Marker})
	if err != nil {
		t.Fatal(err)
	}
	closes := time.Date(2027, 3, 16, 0, 0, 0, 0, loc)
	b := gov.BallotView{ID: "B1", Title: "Adopt the 2027 work plan", Question: "Do you approve the 2027 regional work plan?", Electorate: gov.ElectorateMembers, ClosesAt: closes, ClosesOn: "2027-03-15", ElectorateSize: 10, QuorumRequired: 6}
	v := gov.Voter{OrgID: "th-mwf", Name: "Migrant Workers Foundation", Country: "Thailand", Addresses: []string{"a@x.example"}, Token: "B1-ABCDEFGH"}
	c := gov.ApplicationView{ID: "A1", Kind: gov.AppRegular, KindLabel: gov.KindLabel(gov.AppRegular), Name: "Mekong Youth Centre", Country: "Vietnam", State: "opinions", OpinionsClose: closes}
	for _, lang := range gov.Languages {
		v.Language = lang
		for kind, m := range map[string]gov.Mail{
			"vote":    {Kind: "ballot_form", Lang: lang, Data: gov.FormData{Ballot: b, Voter: v, Token: v.Token}},
			"opinion": {Kind: "case_notice", Lang: lang, Data: gov.CaseNoticeData{Case: c, Voter: v, Token: "A1-ABCDEFGH"}},
		} {
			got, err := r.Render(m)
			if err != nil {
				t.Fatal(err)
			}
			p := filepath.Join("testdata", "suite", "forms", kind+"_"+lang+".txt")
			if err := os.WriteFile(p, []byte("Subject: "+got.Subject+"\n\n"+got.Text), 0o644); err != nil {
				t.Fatal(err)
			}
		}
	}
}
