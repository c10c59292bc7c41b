package gov

import "testing"

// TestSetAuditHead_OnlyTheSCsDigestAndResults: the head goes into the digest and
// the results to the SC, never into what members get.
func TestSetAuditHead_OnlyTheSCsDigestAndResults(t *testing.T) {
	const head = "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08"
	mails := []Mail{
		{Kind: "sc_digest", Data: DigestData{Week: "2027-W10"}},
		{Kind: "ballot_result_sc", Data: ResultData{Lines: []ResultLine{{OrgID: "a"}}}},
		{Kind: "ballot_result_members", Data: ResultData{}},
		{Kind: "case_outcome_sc", Data: ApplicationData{Reason: "note"}},
		{Kind: "case_outcome_members", Data: ApplicationData{}},
		{Kind: "application_outcome", Data: ApplicationData{}},
		{Kind: "vote_receipt", Data: ReceiptData{}},
	}
	SetAuditHead(mails, head)
	got := map[string]string{}
	for _, m := range mails {
		switch d := m.Data.(type) {
		case DigestData:
			got[m.Kind] = d.AuditHead
		case ResultData:
			got[m.Kind] = d.AuditHead
		case ApplicationData:
			got[m.Kind] = d.AuditHead
		}
	}
	want := map[string]string{"sc_digest": head, "ballot_result_sc": head, "case_outcome_sc": head,
		"ballot_result_members": "", "case_outcome_members": "", "application_outcome": ""}
	for k, w := range want {
		if got[k] != w {
			t.Errorf("%s: got AuditHead %q, want %q", k, got[k], w)
		}
	}
	if d := mails[0].Data.(DigestData); d.Week != "2027-W10" {
		t.Errorf("the digest's other fields changed: %+v", d)
	}
	if d := mails[1].Data.(ResultData); len(d.Lines) != 1 {
		t.Errorf("the result's other fields changed: %+v", d)
	}
	if d := mails[3].Data.(ApplicationData); d.Reason != "note" {
		t.Errorf("the outcome's other fields changed: %+v", d)
	}
}
