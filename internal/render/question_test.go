package render

import "github.com/mekongmigration/govbot/internal/gov"

// appQuestion is the sample of application_question: a regular application sent
// on the ToP's printed form, which has no country and no endorser field; the
// bot read two countries in the letters, and the applicant still owes its
// annual report.
func appQuestion() gov.ApplicationData {
	return gov.ApplicationData{Token: "A1-ABCDEFGH", Case: gov.ApplicationView{ID: "A1", Kind: gov.AppRegular, KindLabel: gov.KindLabel(gov.AppRegular),
		Name: "Mekong Youth Centre", State: string(gov.CaseIncomplete), Contact: gov.Person{Name: "Lan", Email: "lan@myc.example"},
		Missing: []string{"doc_annual_report"},
		Questions: []gov.Question{
			{Key: "country", Why: "The ToP form has no country field", Reply: "Country: …", Read: "Vietnam or Lao PDR (each named in the cover letter)"},
			{Key: "endorser", Why: "The ToP form has no endorser field, and no endorsing regular member could be read from the letters (6.3)", Reply: "Endorsed by: … (the endorsing regular member's name or roster id)"},
		},
		Documents: []gov.Document{{Key: "constitution", Name: "constitution.pdf", Size: 1200}}}}
}
