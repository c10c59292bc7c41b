package gov

// SetAuditHead puts head, the audit log's head hash, into the mails of mails that
// print it for the SC: sc_digest, ballot_result_sc and case_outcome_sc. The SC keeps
// them; `govbot audit verify --head` proves later that the log still extends the
// history the hash was mailed for. Other mails are left as they are.
func SetAuditHead(mails []Mail, head string) {
	for i, m := range mails {
		switch d := m.Data.(type) {
		case DigestData:
			if m.Kind == "sc_digest" {
				d.AuditHead = head
				mails[i].Data = d
			}
		case ResultData:
			if m.Kind == "ballot_result_sc" {
				d.AuditHead = head
				mails[i].Data = d
			}
		case ApplicationData:
			if m.Kind == "case_outcome_sc" {
				d.AuditHead = head
				mails[i].Data = d
			}
		}
	}
}
