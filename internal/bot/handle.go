package bot

import (
	"bufio"
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"net/mail"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"time"

	"github.com/mekongmigration/govbot/internal/answer"
	"github.com/mekongmigration/govbot/internal/bounce"
	"github.com/mekongmigration/govbot/internal/gov"
	"github.com/mekongmigration/govbot/internal/mailread"
	"github.com/mekongmigration/govbot/internal/store"
	"github.com/mekongmigration/govbot/internal/trust"
)

// Inbound is a message fetched from the mailbox.
type Inbound struct {
	Mailbox     string
	UIDValidity uint32
	UID         uint32
	// Received is the server's INTERNALDATE: when the message arrived. Zero means now.
	Received time.Time
	// Raw is the message, when it is held in memory.
	Raw []byte
	// Spool holds the message instead of Raw when it was large enough to be read
	// to a temporary file (imapsource spools it), so that its size costs no memory;
	// Size is its length.
	Spool io.ReaderAt
	Size  int64
	// Truncated says the message holds only the start of one larger than the limit.
	Truncated bool
}

// body reads the message from its start, from memory or from its spool file.
func (in Inbound) body() io.Reader {
	if in.Spool != nil {
		return io.NewSectionReader(in.Spool, 0, in.Size)
	}
	return bytes.NewReader(in.Raw)
}

// head returns at most the first n bytes of the message.
func (in Inbound) head(n int64) []byte {
	if in.Spool == nil {
		return in.Raw[:min(int64(len(in.Raw)), n)]
	}
	b, _ := io.ReadAll(io.NewSectionReader(in.Spool, 0, min(in.Size, n)))
	return b
}

// Result says what the bot did with a message.
type Result struct {
	MessageID string
	From      string
	// Outcome: "vote:<choice>", "refused:<code>", "ignored:<why>", "duplicate".
	Outcome string
	Replied bool
}

// prepared is an inbound message read, before any transaction.
type prepared struct {
	in      Inbound
	msg     *mailread.Message
	readErr error
	at      time.Time
	docx    map[string][]byte
}

// prepare reads in outside any transaction.
func (b *Bot) prepare(now time.Time, in Inbound) prepared {
	// .docx attachments up to 5 MB are kept for the application-form reader; every
	// other attachment is only listed (name, type, size, hash).
	docx := map[string][]byte{}
	msg, readErr := mailread.Read(in.body(), mailread.Options{
		MaxBytes: b.Limits.MaxMessageBytes,
		Attachment: func(a mailread.Attachment, r io.Reader) error {
			if strings.HasSuffix(strings.ToLower(a.Name), ".docx") && len(docx) < 3 {
				data, err := io.ReadAll(io.LimitReader(r, 5<<20+1))
				if err == nil && len(data) <= 5<<20 {
					docx[a.Name] = data
				}
				r = io.MultiReader(bytes.NewReader(data), r)
			}
			if b.FilesDir != "" {
				if err := saveFile(b.FilesDir, r); err != nil {
					b.Logger.Error("keeping an attachment", "name", a.Name, "err", err)
				}
			}
			return nil
		},
	})
	if in.Truncated {
		readErr = mailread.ErrTooLarge
	}
	if msg == nil {
		msg = headerOnly(in.head(1 << 20))
	}
	if msg.MessageID == "" {
		h := sha256.New()
		io.Copy(h, in.body())
		msg.MessageID = "no-message-id." + hex.EncodeToString(h.Sum(nil)[:12]) + "@govbot.invalid"
	}
	at := in.Received
	if at.IsZero() || at.After(now) {
		at = now
	}
	return prepared{in: in, msg: msg, readErr: readErr, at: at, docx: docx}
}

// commit decides p within tx and records it as processed.
func (b *Bot) commit(tx *store.Tx, p prepared) (Result, error) {
	in, msg := p.in, p.msg
	if in.UID != 0 && tx.SeenUID(in.UIDValidity, in.UID) {
		return Result{Outcome: "duplicate"}, nil
	}
	res, err := b.decide(tx, in, msg, p.readErr, p.at, p.docx)
	if err != nil {
		return Result{}, fmt.Errorf("handle %s: %w", msg.MessageID, err)
	}
	res.MessageID, res.From = msg.MessageID, msg.From.Email
	if res.Outcome == "duplicate" {
		// A duplicate keeps the record of its first handling; decide has pointed
		// the new UID at it.
		return res, nil
	}
	return res, tx.MarkProcessed(store.Processed{
		MessageID: msg.MessageID, At: tx.Now, Mailbox: in.Mailbox, UIDValidity: in.UIDValidity, UID: in.UID,
		From: msg.From.Email, Subject: msg.Subject, Hash: contentHash(msg), Outcome: res.Outcome,
	})
}

// Handle decides one inbound message at now and commits everything it causes in one
// transaction. Handling the same message again changes nothing.
func (b *Bot) Handle(now time.Time, in Inbound) (Result, error) {
	if in.UID != 0 {
		seen := false
		_ = b.DB.View(func(tx *store.Tx) error { seen = tx.SeenUID(in.UIDValidity, in.UID); return nil })
		if seen {
			return Result{Outcome: "duplicate"}, nil
		}
	}
	p := b.prepare(now, in)
	var res Result
	err := b.DB.Update(now, func(tx *store.Tx) error {
		var err error
		res, err = b.commit(tx, p)
		return err
	})
	if err != nil {
		return Result{}, err
	}
	b.logged([]Result{res})
	return res, nil
}

// HandleBatch decides several inbound messages at now in one transaction: one
// fsync for the batch instead of one per message. What it commits is what Handle
// would commit for each in turn (each message sees the ones before it). If any
// message fails, nothing of the batch is committed and the messages are handled one
// by one, so a bad message fails only itself.
func (b *Bot) HandleBatch(now time.Time, ins []Inbound) ([]Result, error) {
	// Reading (MIME, charsets, attachments to disk) needs no transaction: it runs
	// on every core while the messages wait for the one transaction below.
	ps := make([]prepared, len(ins))
	var wg sync.WaitGroup
	next := make(chan int)
	for range min(runtime.GOMAXPROCS(0), len(ins)) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range next {
				ps[i] = b.prepare(now, ins[i])
			}
		}()
	}
	for i := range ins {
		next <- i
	}
	close(next)
	wg.Wait()
	results := make([]Result, len(ins))
	err := b.DB.Update(now, func(tx *store.Tx) error {
		for i, p := range ps {
			r, err := b.commit(tx, p)
			if err != nil {
				return err
			}
			results[i] = r
		}
		return nil
	})
	if err == nil {
		b.logged(results)
		return results, nil
	}
	b.Logger.Warn("batch failed; handling its messages one by one", "messages", len(ins), "err", err)
	for i, in := range ins {
		r, err := b.Handle(now, in)
		if err != nil {
			return results[:i], err
		}
		results[i] = r
	}
	return results, nil
}

func (b *Bot) logged(results []Result) {
	replied := false
	for _, r := range results {
		if r.Outcome != "duplicate" {
			b.Logger.Info("message handled", "message_id", r.MessageID, "from", r.From, "outcome", r.Outcome, "replied", r.Replied)
		}
		replied = replied || r.Replied
	}
	if replied {
		b.kick()
	}
}

// headerOnly recovers From, Subject and Message-ID from a message mailread could not
// read at all, so that its sender can still be answered.
func headerOnly(raw []byte) *mailread.Message {
	m := &mailread.Message{Problems: []string{"the message could not be read"}}
	hm, err := mail.ReadMessage(bytes.NewReader(raw))
	if err != nil {
		return m
	}
	if a, err := mail.ParseAddress(hm.Header.Get("From")); err == nil {
		m.From = mailread.Address{Name: a.Name, Email: gov.NormalizeAddress(a.Address)}
	}
	m.Subject = hm.Header.Get("Subject")
	m.MessageID = strings.Trim(strings.TrimSpace(hm.Header.Get("Message-Id")), "<>")
	return m
}

// contentHash identifies a message's content whatever its Message-ID, so that a
// replay under a new Message-ID is recognised. The Date header is part of it: the same
// words sent again later are a new message.
func contentHash(m *mailread.Message) string {
	h := sha256.New()
	fmt.Fprintf(h, "%s\x00%s\x00%s\x00%s", m.From.Email, m.Date.UTC().Format(time.RFC3339), m.Subject, m.Text)
	return hex.EncodeToString(h.Sum(nil))
}

func (b *Bot) decide(tx *store.Tx, in Inbound, msg *mailread.Message, readErr error, at time.Time, docx map[string][]byte) (Result, error) {
	if p, ok, err := tx.ProcessedByID(msg.MessageID); err != nil {
		return Result{}, err
	} else if ok {
		if in.UID != 0 {
			// Seen before under another UID (UIDVALIDITY changed, or a copy): point the
			// new UID at it so it is skipped next time.
			return Result{Outcome: "duplicate"}, tx.MarkUID(in.UIDValidity, in.UID, p.MessageID)
		}
		return Result{Outcome: "duplicate"}, nil
	}
	from := msg.From.Email
	switch {
	case b.IsOwnMessageID(msg.MessageID) || strings.EqualFold(from, b.Address):
		return Result{Outcome: "ignored:own"}, tx.Audit("mail.ignore", msg.MessageID, from, "the bot's own mail")
	case mailread.IsBounce(msg):
		return b.bounced(tx, in, msg)
	case msg.Auto != "":
		return Result{Outcome: "ignored:" + msg.Auto}, tx.Audit("mail.ignore", msg.MessageID, from, "automatic reply ("+msg.Auto+")")
	case from == "":
		return Result{Outcome: "ignored:no-sender"}, tx.Audit("mail.ignore", msg.MessageID, "", "no readable From address")
	}
	if earlier, ok := tx.ProcessedByHash(contentHash(msg)); ok {
		return b.refuse(tx, msg, nil, gov.RefusalData{Code: "replay", Reason: "this message repeats one already received (" + earlier + ")"}, "")
	}

	org, known, err := tx.OrgByAddress(from)
	if err != nil {
		return Result{}, err
	}
	var sender *gov.Org
	if known {
		sender = &org
	}
	if errors.Is(readErr, mailread.ErrTooLarge) {
		return b.refuse(tx, msg, sender, gov.RefusalData{Code: "too_large", Reason: fmt.Sprintf("the message is larger than the %d MB the bot accepts", b.Limits.MaxMessageBytes>>20)}, "")
	}
	if b.Limits.MaxAttachments > 0 && len(msg.Attachments) > b.Limits.MaxAttachments {
		return b.refuse(tx, msg, sender, gov.RefusalData{Code: "too_many_attachments", Reason: fmt.Sprintf("the message has %d attachments; the bot accepts at most %d", len(msg.Attachments), b.Limits.MaxAttachments)}, "")
	}

	token, ballotID, orgID := b.findToken(tx, msg)
	if len(msg.Problems) > 0 && (strings.TrimSpace(msg.Text) == "" || token == "") {
		return b.unreadable(tx, in, msg, sender, token, ballotID)
	}
	if token != "" {
		switch ballotID[0] {
		case 'A':
			return b.caseMessage(tx, in, msg, sender, ballotID, orgID, docx)
		case 'R':
			return b.reconfirmMessage(tx, msg, sender, ballotID, orgID)
		case 'C':
			return b.changeMessage(tx, msg, ballotID, orgID)
		case 'G':
			return b.gcMessage(tx, msg, sender, ballotID, orgID)
		case 'N':
			return b.nominationMessage(tx, msg, sender, ballotID, orgID)
		}
	}
	if token == "" && b.isSecretariat(from) {
		if res, ok, err := b.payments(tx, msg); ok || err != nil {
			return res, err
		}
	}
	if token == "" && sender != nil {
		if changes := gov.ParseContactChanges(answer.ReplyText(msg.Text)); len(changes) > 0 {
			return b.contactUpdate(tx, msg, *sender, changes)
		}
	}
	if token == "" {
		// A new application: forwarded by the Secretariat, or sent in by the applicant.
		if f, ok := readForm(msg, docx); ok && (b.isSecretariat(from) || sender == nil) {
			return b.intake(tx, msg, f, !b.isSecretariat(from))
		}
		if sender == nil {
			return b.refuse(tx, msg, nil, gov.RefusalData{Code: gov.RefuseNotOnRoster, Reason: "your address is not on the network's roster"}, "")
		}
		return b.refuse(tx, msg, sender, gov.RefusalData{Code: gov.RefuseNoReference, Reason: "we could not tell which ballot your message answers"}, "")
	}
	bal, ok, err := tx.Ballot(ballotID)
	if err != nil {
		return Result{}, err
	}
	voter, vok, err := tx.Voter(ballotID, orgID)
	if err != nil {
		return Result{}, err
	}
	if !ok || !vok {
		return b.refuse(tx, msg, sender, gov.RefusalData{Code: gov.RefuseNoReference, Reason: "the reference in your message does not match an open ballot"}, "")
	}

	if v := trust.Check(b.Trust, msg.Header, in.body(), domainOf(from)); !v.OK {
		view := bal.View(b.Location)
		return b.refuse(tx, msg, sender, gov.RefusalData{Code: v.Code, Reason: v.Reason, Ballot: &view}, voter.Language)
	}

	var choice gov.Choice
	ambiguous := false
	parsed := answer.Parse(answer.ReplyText(msg.Text), answer.KindVote)
	switch parsed.Answer {
	case answer.Yes:
		choice = gov.Yes
	case answer.No:
		choice = gov.No
	case answer.Abstain:
		choice = gov.Abstain
	}
	ambiguous = parsed.Ambiguous
	if choice == "" && !ambiguous && len(msg.Problems) > 0 {
		return b.unreadable(tx, in, msg, sender, token, ballotID)
	}

	prev, err := tx.Vote(ballotID, orgID)
	if err != nil {
		return Result{}, err
	}
	vote, reply := gov.CastVote(b.env(tx), bal, voter, prev, gov.VoteInput{
		At: at, From: from, MessageID: msg.MessageID, Choice: choice, Ambiguous: ambiguous, Sender: sender,
	})
	if vote == nil {
		d := reply.Data.(gov.RefusalData)
		d.Subject = msg.Subject
		reply.Data = d
		return b.sendRefusal(tx, msg, reply, d)
	}
	if err := tx.PutVote(ballotID, *vote); err != nil {
		return Result{}, err
	}
	detail := fmt.Sprintf("%s for %s from %s", strings.ToUpper(string(vote.Choice)), orgID, from)
	if prev != nil {
		detail += fmt.Sprintf(" (replaces %s)", strings.ToUpper(string(prev.Choice)))
	}
	if err := tx.Audit("vote.record", ballotID, from, detail); err != nil {
		return Result{}, err
	}
	if err := b.queue(tx, []gov.Mail{reply}); err != nil {
		return Result{}, err
	}
	return Result{Outcome: "vote:" + string(vote.Choice), Replied: true}, nil
}

// findToken returns the first reference token in msg that the store knows: from the
// Message-IDs it answers (the bot's forms carry the token), then the subject, then the
// text.
func (b *Bot) findToken(tx *store.Tx, msg *mailread.Message) (token, ballotID, orgID string) {
	var candidates []string
	for _, id := range append(append([]string{}, msg.InReplyTo...), msg.References...) {
		if b.IsOwnMessageID(id) {
			candidates = append(candidates, gov.FindTokens(id)...)
		}
	}
	candidates = append(candidates, gov.FindTokens(msg.Subject)...)
	candidates = append(candidates, gov.FindTokens(msg.Text)...)
	for _, t := range candidates {
		if bid, oid, ok := tx.TokenOwner(t); ok {
			return t, bid, oid
		}
	}
	return "", "", ""
}

func (b *Bot) refuse(tx *store.Tx, msg *mailread.Message, sender *gov.Org, d gov.RefusalData, lang string) (Result, error) {
	if lang == "" && sender != nil {
		lang = sender.Language
	}
	if lang == "" {
		lang = "en"
	}
	d.Subject = msg.Subject
	return b.sendRefusal(tx, msg, gov.Refuse(msg.From.Email, msg.MessageID, lang, d), d)
}

// sendRefusal records a refusal and answers it, within the day's limit for the
// address: at most StrangerRefusalsPerDay to an address not on the roster, and
// RefusalsPerDay to anyone.
func (b *Bot) sendRefusal(tx *store.Tx, msg *mailread.Message, reply gov.Mail, d gov.RefusalData) (Result, error) {
	from := msg.From.Email
	res := Result{Outcome: "refused:" + d.Code}
	limit := b.Limits.RefusalsPerDay
	if _, known, _ := tx.OrgByAddress(from); !known {
		limit = b.Limits.StrangerRefusalsPerDay
	}
	day := tx.Now.In(b.Location).Format("2006-01-02")
	n, err := tx.CountRefusal(from, day)
	if err != nil {
		return Result{}, err
	}
	detail := d.Reason
	if n > limit {
		detail += fmt.Sprintf(" (not answered: %d refusals to this address today, limit %d)", n, limit)
	} else {
		if err := b.queue(tx, []gov.Mail{reply}); err != nil {
			return Result{}, err
		}
		res.Replied = true
	}
	ref := msg.MessageID
	if d.Ballot != nil {
		ref = d.Ballot.ID
	}
	return res, tx.Audit("reply.refuse", ref, from, d.Code+": "+detail)
}

// unreadable keeps the raw message for the Secretariat and asks for a plain reply.
func (b *Bot) unreadable(tx *store.Tx, in Inbound, msg *mailread.Message, sender *gov.Org, token, ballotID string) (Result, error) {
	// A message too large to keep in the store whole (it came spooled) is kept
	// whole among the attachments' files; the store keeps its first megabyte.
	if in.Spool != nil && b.FilesDir != "" {
		if err := saveFile(b.FilesDir, in.body()); err != nil {
			return Result{}, fmt.Errorf("keeping an unreadable message: %w", err)
		}
	}
	if err := tx.KeepRaw(msg.MessageID, in.head(1<<20)); err != nil {
		return Result{}, err
	}
	d := gov.RefusalData{Code: gov.RefuseUnreadable, Reason: "we could not read your message (" + strings.Join(msg.Problems, "; ") + ")"}
	if bal, ok, _ := tx.Ballot(ballotID); ok && token != "" {
		view := bal.View(b.Location)
		d.Ballot = &view
	}
	return b.refuse(tx, msg, sender, d, "")
}

func domainOf(addr string) string {
	_, d, _ := strings.Cut(addr, "@")
	return d
}

// bounced handles a delivery status notification: it is never answered; each
// recipient that failed for good is marked as bouncing on the roster (its
// organisation's other address keeps getting mail), and the Secretariat is told.
func (b *Bot) bounced(tx *store.Tx, in Inbound, msg *mailread.Message) (Result, error) {
	rep := bounce.Parse(in.head(4 << 20))
	sent, found, err := tx.Sent(rep.MessageID)
	if err != nil {
		return Result{}, err
	}
	recipients := rep.Recipients
	if len(recipients) == 0 && found && len(sent.To) == 1 {
		// A bounce without a status block, about a mail with one recipient.
		recipients = []bounce.Recipient{{Address: sent.To[0], Action: "failed", Diagnostic: msg.Subject}}
	}
	var marked []string
	for _, r := range recipients {
		if !r.Permanent() {
			continue
		}
		why := strings.TrimSpace(r.Status + " " + r.Diagnostic)
		if err := b.markBouncing(tx, r.Address, why); err != nil {
			return Result{}, err
		}
		marked = append(marked, r.Address)
		subject, kind := "(unknown message)", "unknown"
		if found {
			subject, kind = sent.Subject, sent.Kind
		}
		if err := b.queue(tx, []gov.Mail{{
			Kind: "delivery_failure", Key: "bounce/" + msg.MessageID + "/" + r.Address, To: b.Secretariat, Lang: "en", Auto: gov.AutoGenerated,
			Data: gov.DeliveryFailureData{To: []string{r.Address}, Subject: subject, Kind: kind, Error: why},
		}}); err != nil {
			return Result{}, err
		}
	}
	detail := fmt.Sprintf("about %s; failed: %s", rep.MessageID, strings.Join(marked, ", "))
	if err := tx.Audit("mail.bounce", msg.MessageID, msg.From.Email, detail); err != nil {
		return Result{}, err
	}
	return Result{Outcome: "ignored:bounce", Replied: len(marked) > 0}, nil
}

// saveFile streams r into dir under its SHA-256 (dir/ab/abcdef…), never holding it
// whole in memory. The same file received twice is kept once.
func saveFile(dir string, r io.Reader) error {
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return err
	}
	tmp, err := os.CreateTemp(dir, ".incoming-*")
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name())
	h := sha256.New()
	// The decoders upstream hand over a few kilobytes at a time: buffer the file's
	// writes, or each becomes a system call.
	w := bufio.NewWriterSize(tmp, 256<<10)
	if _, err := io.Copy(io.MultiWriter(w, h), r); err != nil {
		tmp.Close()
		return err
	}
	if err := w.Flush(); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	sum := hex.EncodeToString(h.Sum(nil))
	sub := filepath.Join(dir, sum[:2])
	if err := os.MkdirAll(sub, 0o700); err != nil {
		return err
	}
	return os.Rename(tmp.Name(), filepath.Join(sub, sum))
}

// FilePath returns where an attachment with hash sha256 is kept, "" if it is not.
func (b *Bot) FilePath(sha string) string {
	if b.FilesDir == "" || len(sha) < 2 {
		return ""
	}
	p := filepath.Join(b.FilesDir, sha[:2], sha)
	if _, err := os.Stat(p); err != nil {
		return ""
	}
	return p
}
