package bot

import (
	"github.com/mekongmigration/govbot/internal/answer"
	"github.com/mekongmigration/govbot/internal/gov"
)

// withDoubt adds to a refusal that asks for an answer again why the reader
// asked (p.Doubt) and what it read (p.Quote), which a translation says in its
// own words; the English part keeps d.Reason.
func withDoubt(d gov.RefusalData, p answer.Result) gov.RefusalData {
	if d.Code == gov.RefuseAmbiguous || d.Code == gov.RefuseNoAnswer {
		d.Doubt, d.Quote = string(p.Doubt), p.Quote
	}
	return d
}
