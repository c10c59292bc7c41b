package store

// The buckets of the store, each declared once, here, with what it holds: the
// list the package comment points to. Open creates every bucket declared with
// bucket. Values are JSON unless noted; a sequence key is a big-endian uint64.
var (
	bMeta = bucket("meta", `"schema" → version (decimal text); "secret" → the token secret (32 bytes); `+
		`"imap/<mailbox>" → the IMAP position; "audit_head" → AuditHead; "held/<YYYY-MM-DDTHH>" → the direct applications held for that hour's summary`)

	// The roster and the SC.
	bOrgs        = bucket("orgs", "org id → gov.Org")
	bAddresses   = bucket("addresses", "address → org id (the index of orgs)")
	bSeats       = bucket("seats", "seat → gov.Seat")
	bNominations = bucket("nominations", "nomination id (N1) → gov.Nomination")
	bSeatHistory = bucket("seathistory", "sequence → gov.SeatTerm: every term that ended")

	// Ballots and everything else a member answers by a token.
	bBallots = bucket("ballots", "ballot id → gov.Ballot")
	bVoters  = bucket("voters", "ballot, case, campaign or meeting id → { org id → gov.Voter } (nested buckets): who was asked")
	bVotes   = bucket("votes", "ballot id → { org id → gov.Vote } (nested buckets)")
	bTokens  = bucket("tokens", `token → the id it answers "\x00" the org id, or the role it was issued to (text)`)

	// Applications and the membership year.
	bCases     = bucket("cases", "case id (A1) → gov.Application")
	bOpinions  = bucket("opinions", "case id → { org id → gov.Opinion } (nested buckets)")
	bCampaigns = bucket("campaigns", "campaign id (R2026) → gov.Campaign")
	bChanges   = bucket("changes", "contact change id (C1) → gov.ContactChange")
	bMeetings  = bucket("meetings", "General Conference id (G1) → gov.Meeting")

	// Inbound mail.
	bProcessed = bucket("processed", "Message-ID → Processed")
	bHashes    = bucket("hashes", "sha256 of the message body → Message-ID (replays under a new Message-ID)")
	bUIDs      = bucket("uids", `"<uidvalidity>/<uid>" (big-endian) → Message-ID`)
	bRefusals  = bucket("refusals", `"<address>/<YYYY-MM-DD>" → count (decimal text)`)
	bRaw       = bucket("raw", "Message-ID → the raw bytes kept of a message that could not be read")
	// The messages that failed, and those set aside after too many failures.
	bFailures      = bucket("failures", `"<uidvalidity>/<uid>" or Message-ID → Failure (failed attempts to handle a message)`)
	bQuarantine    = bucket("quarantine", "Q<n> → Quarantined (a message set aside after repeated failures)")
	bQuarantineRaw = bucket("quarantine_raw", "Q<n> → its raw bytes")
	bChallenges    = bucket("challenges", "X<n> → Challenge (a Secretariat command by mail awaiting its confirmation)")

	// Outbound mail.
	bOutbox   = bucket("outbox", "sequence → OutMail waiting to be sent (its text and HTML in bodies)")
	bBodies   = bucket("bodies", "sequence (16-byte hash in stores written before) → a rendered body: text length (4 bytes), text, HTML; kept once however many mails of a transaction carry it")
	bBodyRefs = bucket("bodyrefs", "the body's key → how many outbox mails use that body (big-endian)")
	bSent     = bucket("sent", "Message-ID → SentMail (what left, for bounces and audits)")
	bMailKeys = bucket("mailkeys", "gov.Mail key → Message-ID (a mail is queued once)")

	// The record.
	bAudit = bucket("audit", "sequence → AuditEntry, hash-chained")
)

// bucketInfo is a bucket's name and what it holds.
type bucketInfo struct {
	name  []byte
	holds string
}

// allBuckets lists every bucket in the order declared above; Open creates them.
var allBuckets []bucketInfo

// bucket declares a bucket: it adds it to allBuckets and returns its name.
func bucket(name, holds string) []byte {
	allBuckets = append(allBuckets, bucketInfo{[]byte(name), holds})
	return []byte(name)
}
