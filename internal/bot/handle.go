package bot

import (
	"bufio"
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"hash"
	"io"
	"net/mail"
	"os"
	"path/filepath"
	"runtime"
	"runtime/debug"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/mekongmigration/govbot/internal/answer"
	"github.com/mekongmigration/govbot/internal/bounce"
	"github.com/mekongmigration/govbot/internal/forms"
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

	// ahead is what prepare read of the reply beyond mailread (readAhead).
	ahead *readAhead
}

// readAhead is what prepare reads of a message's text outside the transaction,
// on every core, so that its handler does not read it again inside: for a reply
// to a ballot's form, the answer it gives. (answer.ReplyText remembers the reply
// part of the bodies it read.)
type readAhead struct {
	text string        // the msg.Text it was read from
	vote answer.Result // answer.Parse of its reply part, as a vote
}

// voteAhead returns the answer read ahead from text as a vote, if it was.
func (in Inbound) voteAhead(text string) (answer.Result, bool) {
	if in.ahead == nil || in.ahead.text != text {
		return answer.Result{}, false
	}
	return in.ahead.vote, true
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
	// docx holds the application forms read from .docx attachments: parsed here,
	// never inside the write transaction.
	docx []forms.Form
	// csv holds CSV attachments up to 2 MB (a ROSTER command's file).
	csv [][]byte
	// letters are the attached .docx and PDF letters, read here into text for the
	// facts the printed application forms lack (letters.go).
	letters []letter
	// files are the attachments written to temporary files; commit keeps them
	// (renamed under their hash) only when the message is accepted.
	files []tempFile
	// bufs hold the letters' bytes while prepare reads them (letters.go).
	bufs []*bytes.Buffer
	// failErr is set when reading the message panicked: the message fails alone.
	failErr error
	// verdict is the trust policy's judgement of the sender's domain (DMARC, DKIM;
	// any DNS lookup), made here, never inside the write transaction.
	verdict trust.Verdict
}

// tempFile is an attachment written to disk before its message was accepted.
type tempFile struct{ path, sha string }

// prepare reads in outside any transaction. A panic while reading fails this
// message alone (failErr), never its batch.
func (b *Bot) prepare(now time.Time, in Inbound) (p prepared) {
	p.in = in
	p.at = in.Received
	if p.at.IsZero() || p.at.After(now) {
		p.at = now
	}
	defer func() {
		if r := recover(); r != nil {
			p.bufs = nil // a panic may have left them in use: not given back
			p.removeFiles()
			p.files, p.docx = nil, nil
			p.failErr = fmt.Errorf("reading the message panicked: %v", r)
			b.Logger.Error("reading a message panicked", "uid", in.UID, "panic", r, "stack", string(debug.Stack()))
			p.msg = safeHeaderOnly(in)
		}
	}()
	// .docx attachments up to 5 MB are read for the application-form reader; every
	// attachment is written to a temporary file, kept only if the message is
	// accepted. A message over the size limit keeps nothing, and attachments past
	// the limit on their number are not written at all.
	var docxData [][]byte
	nAttach := 0
	opts := mailread.Options{MaxBytes: b.Limits.MaxMessageBytes, MaxDepth: b.Limits.MaxDepth, MaxParts: b.Limits.MaxParts, MaxAttachments: b.Limits.MaxAttachments}
	if b.Limits.MessageBudget > 0 {
		// The budget bounds the work a message's structure can cause; reading a
		// large attachment takes time in proportion to its size, so each MiB of
		// the message adds a second.
		size := int64(len(in.Raw))
		if in.Spool != nil {
			size = in.Size
		}
		opts.Deadline = time.Now().Add(b.Limits.MessageBudget + time.Duration(size>>20)*time.Second)
	}
	if !in.Truncated {
		opts.Attachment = func(a mailread.Attachment, r io.Reader) error {
			decoded := r // mailread hashes it as it goes
			nAttach++
			if b.Limits.MaxAttachments > 0 && nAttach > b.Limits.MaxAttachments {
				return nil
			}
			if (strings.HasSuffix(strings.ToLower(a.Name), ".csv") || strings.HasPrefix(strings.ToLower(a.ContentType), "text/csv")) && len(p.csv) < 2 {
				data, err := io.ReadAll(io.LimitReader(r, 2<<20+1))
				if err == nil && len(data) <= 2<<20 {
					p.csv = append(p.csv, data)
				}
				r = io.MultiReader(bytes.NewReader(data), r)
			}
			if strings.HasSuffix(strings.ToLower(a.Name), ".docx") && len(docxData) < 3 {
				data, err := io.ReadAll(io.LimitReader(r, 5<<20+1))
				if err == nil && len(data) <= 5<<20 {
					docxData = append(docxData, data)
				}
				r = io.MultiReader(bytes.NewReader(data), r)
			}
			isLetter := p.wantsLetter(a)
			if isLetter && b.FilesDir == "" {
				r = p.keepLetter(a, r)
			}
			if b.FilesDir != "" {
				f, err := spoolFileSum(b.FilesDir, r, func() (string, bool) { return mailread.SumOf(decoded) })
				if err != nil {
					b.Logger.Error("keeping an attachment", "name", a.Name, "err", err)
					return nil
				}
				p.files = append(p.files, f)
				if isLetter {
					// read from the file once written (readLetters): a letter
					// costs no memory while the message is read
					p.letters = append(p.letters, letter{name: a.Name, path: f.path})
				}
			}
			return nil
		}
	}
	msg, readErr := mailread.Read(in.body(), opts)
	if in.Truncated {
		readErr = mailread.ErrTooLarge
	}
	if msg == nil {
		msg = headerOnly(in.head(1 << 20))
	}
	if msg.MessageID == "" {
		msg.MessageID = syntheticID(in)
	}
	for _, data := range docxData {
		if f, err := forms.ParseDocx(bytes.NewReader(data), int64(len(data))); err == nil && f.Kind != forms.Unknown {
			p.docx = append(p.docx, f)
		}
	}
	p.readLetters()
	p.releaseBuffers()
	p.msg, p.readErr = msg, readErr
	if msg.Auto == "" && msg.From.Email != "" && readErr == nil {
		// Every handler reads the reply part: read it here (ReplyText remembers
		// it), and a reply to a ballot's form as the vote it gives.
		reply := answer.ReplyText(msg.Text)
		if b.answersBallot(msg) {
			p.in.ahead = &readAhead{text: msg.Text, vote: answer.Parse(reply, answer.KindVote)}
		}
	}
	p.verdict = trust.Check(b.Trust, msg.Header, in.body(), domainOf(msg.From.Email))
	return p
}

// answersBallot reports whether msg answers one of the bot's mails about a
// ballot (by its In-Reply-To or References): a guess of prepare's, to read the
// vote ahead; the handler decides.
func (b *Bot) answersBallot(msg *mailread.Message) bool {
	for _, ids := range [][]string{msg.InReplyTo, msg.References} {
		for _, id := range ids {
			if !b.IsOwnMessageID(id) {
				continue
			}
			for _, t := range gov.FindTokens(id) {
				if KindOf(gov.TokenID(t)) == RefBallot {
					return true
				}
			}
		}
	}
	return false
}

// syntheticID names a message that has no Message-ID by a hash of its bytes.
func syntheticID(in Inbound) string {
	h := sha256.New()
	io.Copy(h, in.body())
	return "no-message-id." + hex.EncodeToString(h.Sum(nil)[:12]) + "@govbot.invalid"
}

// safeHeaderOnly is headerOnly for a message whose reading panicked.
func safeHeaderOnly(in Inbound) (m *mailread.Message) {
	defer func() {
		if recover() != nil {
			m = &mailread.Message{Problems: []string{"the message could not be read"}}
		}
		if m.MessageID == "" {
			m.MessageID = syntheticID(in)
		}
	}()
	m = headerOnly(in.head(1 << 20))
	m.Subject = inert(m.Subject)
	m.MessageID = inert(m.MessageID)
	return m
}

// removeFiles deletes the temporary files of attachments not kept.
func (p *prepared) removeFiles() {
	for _, f := range p.files {
		os.Remove(f.path)
	}
}

// keepFiles moves the attachments of an accepted message to their place under
// their hash. It can run twice (a batch rolled back and handled again).
func (b *Bot) keepFiles(p prepared) error {
	for _, f := range p.files {
		dst := filepath.Join(b.FilesDir, f.sha[:2], f.sha)
		if err := os.MkdirAll(filepath.Dir(dst), 0o700); err != nil {
			return err
		}
		if err := os.Rename(f.path, dst); err != nil {
			if _, serr := os.Stat(dst); serr == nil {
				continue // kept by an earlier attempt
			}
			return err
		}
	}
	return nil
}

// accepted reports whether a result keeps the message's attachments: a refused,
// ignored or duplicate message keeps nothing on disk.
func accepted(r Result) bool {
	return r.Outcome != "duplicate" && !strings.HasPrefix(r.Outcome, "refused:") && !strings.HasPrefix(r.Outcome, "ignored:")
}

// commit decides p within tx and records it as processed. A panic in a handler is
// returned as an error, so that it fails this message alone.
func (b *Bot) commit(tx *store.Tx, p prepared) (res Result, err error) {
	defer func() {
		if r := recover(); r != nil {
			b.Logger.Error("handling a message panicked", "message_id", p.msg.MessageID, "panic", r, "stack", string(debug.Stack()))
			res, err = Result{}, fmt.Errorf("handle %s: panic: %v", p.msg.MessageID, r)
		}
	}()
	if p.failErr != nil {
		return Result{}, p.failErr
	}
	in, msg := p.in, p.msg
	if in.UID != 0 && tx.SeenUID(in.UIDValidity, in.UID) {
		return Result{Outcome: "duplicate"}, nil
	}
	if b.Inject != nil {
		if err := b.Inject(msg); err != nil {
			return Result{}, fmt.Errorf("handle %s: %w", msg.MessageID, err)
		}
	}
	res, err = b.decide(tx, p)
	if err != nil {
		return Result{}, fmt.Errorf("handle %s: %w", msg.MessageID, err)
	}
	res.MessageID, res.From = msg.MessageID, msg.From.Email
	if res.Outcome == "duplicate" {
		// A duplicate keeps the record of its first handling; decide has pointed
		// the new UID at it.
		return res, nil
	}
	if b.FilesDir != "" && accepted(res) {
		if err := b.keepFiles(p); err != nil {
			return Result{}, fmt.Errorf("keeping the attachments of %s: %w", msg.MessageID, err)
		}
	}
	if err := tx.ClearFailure(failureKey(in, msg)); err != nil {
		return Result{}, err
	}
	return res, tx.MarkProcessed(store.Processed{
		MessageID: msg.MessageID, At: tx.Now, Mailbox: in.Mailbox, UIDValidity: in.UIDValidity, UID: in.UID,
		From: msg.From.Email, Subject: msg.Subject, Hash: contentHash(msg), Outcome: res.Outcome,
	})
}

// Handle decides one inbound message at now and commits everything it causes in one
// transaction. Handling the same message again changes nothing. A message whose
// handling fails (an error or a panic) is counted; after Limits.MaxAttempts it is
// quarantined (Result.Outcome "quarantined:Q<n>"), and before that it is reported
// as "failed:<attempt>" to be tried again later. Only a failure of the store itself
// is returned as an error.
func (b *Bot) Handle(now time.Time, in Inbound) (Result, error) {
	if in.UID != 0 {
		seen := false
		_ = b.DB.View(func(tx *store.Tx) error { seen = tx.SeenUID(in.UIDValidity, in.UID); return nil })
		if seen {
			return Result{Outcome: "duplicate"}, nil
		}
	}
	p := b.prepare(now, in)
	defer p.removeFiles()
	res, err := b.handleOne(now, p)
	if err != nil {
		return Result{}, err
	}
	b.logged([]Result{res})
	return res, nil
}

// handleOne commits one prepared message in its own transaction; a failure of its
// handling is recorded (and may quarantine it), not returned.
func (b *Bot) handleOne(now time.Time, p prepared) (Result, error) {
	var res Result
	var handlerErr error
	err := b.DB.Update(now, func(tx *store.Tx) error {
		res, handlerErr = b.commit(tx, p)
		return handlerErr
	})
	switch {
	case err == nil:
		return res, nil
	case handlerErr == nil:
		return Result{}, err // the store failed to commit: nothing to blame on the message
	}
	return b.failed(now, p, handlerErr)
}

// HandleBatch decides several inbound messages at now in one transaction: one
// fsync for the batch instead of one per message. What it commits is what Handle
// would commit for each in turn (each message sees the ones before it). If any
// message fails, nothing of the batch is committed and the messages are handled one
// by one, each in its own transaction, so a bad message fails only itself: it is
// reported "failed:<n>" (try again later) or "quarantined:Q<n>", and the others
// are committed. Only a failure of the store is returned as an error.
//
// HandleBatch is PrepareBatch then CommitBatch; a caller with several batches
// can prepare the next while the previous one commits.
func (b *Bot) HandleBatch(now time.Time, ins []Inbound) ([]Result, error) {
	ps := b.PrepareBatch(now, ins)
	defer ReleaseAll(ps)
	return b.CommitBatch(now, ps)
}

// Prepared is an inbound message read (MIME, charsets, attachments written to
// temporary files, the trust verdict) and waiting for CommitBatch. Reading
// needs no transaction and no store. Release removes the temporary files of
// the attachments CommitBatch did not keep.
type Prepared struct{ p prepared }

// Release removes the attachments not kept. It can be called more than once.
func (p *Prepared) Release() {
	if p != nil {
		p.p.removeFiles()
		p.p.files = nil
	}
}

// ReleaseAll releases every prepared message of ps.
func ReleaseAll(ps []*Prepared) {
	for _, p := range ps {
		p.Release()
	}
}

// PrepareBatch reads ins on every core, outside any transaction.
func (b *Bot) PrepareBatch(now time.Time, ins []Inbound) []*Prepared {
	ps := make([]*Prepared, len(ins))
	var wg sync.WaitGroup
	next := make(chan int)
	for range min(runtime.GOMAXPROCS(0), len(ins)) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range next {
				ps[i] = &Prepared{p: b.prepare(now, ins[i])}
			}
		}()
	}
	for i := range ins {
		next <- i
	}
	close(next)
	wg.Wait()
	return ps
}

// CommitBatch decides prepared messages at now in one transaction (see
// HandleBatch). The caller releases ps.
func (b *Bot) CommitBatch(now time.Time, pps []*Prepared) ([]Result, error) {
	ps := make([]prepared, len(pps))
	for i, p := range pps {
		ps[i] = p.p
	}
	results := make([]Result, len(ps))
	var handlerErr error
	err := b.DB.Update(now, func(tx *store.Tx) error {
		for i, p := range ps {
			r, err := b.commit(tx, p)
			if err != nil {
				handlerErr = err
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
	if handlerErr == nil {
		return nil, err // the store failed to commit
	}
	b.Logger.Warn("batch failed; handling its messages one by one", "messages", len(ps), "err", handlerErr)
	for i, p := range ps {
		r, err := b.handleOne(now, p)
		if err != nil {
			b.logged(results[:i])
			return results[:i], err
		}
		results[i] = r
	}
	b.logged(results)
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

func (b *Bot) decide(tx *store.Tx, p prepared) (Result, error) {
	in, msg := p.in, p.msg
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
	who, err := b.principal(tx, msg, p.verdict)
	if err != nil {
		return Result{}, err
	}
	if errors.Is(p.readErr, mailread.ErrTooLarge) {
		return b.refuse(tx, msg, who.Org, gov.RefusalData{Code: "too_large", Reason: fmt.Sprintf("the message is larger than the %d MB the bot accepts", b.Limits.MaxMessageBytes>>20)}, "")
	}
	if n := max(len(msg.Attachments), msg.AttachmentCount); b.Limits.MaxAttachments > 0 && (n > b.Limits.MaxAttachments || msg.TooManyAttachments) {
		return b.refuse(tx, msg, who.Org, gov.RefusalData{Code: "too_many_attachments", Reason: fmt.Sprintf("the message has %d attachments; the bot accepts at most %d", n, b.Limits.MaxAttachments)}, "")
	}
	c := &call{in: in, msg: msg, readErr: p.readErr, at: p.at, docx: p.docx, csv: p.csv, who: who, ref: b.classify(tx, msg)}
	c.letters = p.letters
	if len(msg.Problems) > 0 && (strings.TrimSpace(msg.Text) == "" || c.ref.Kind == RefNone) {
		return b.unreadable(tx, in, msg, who.Org, c.ref.Token, c.ref.ID)
	}
	return b.gate(tx, c)
}

// vote records a member's answer to a voting form.
func (b *Bot) vote(tx *store.Tx, c *call) (Result, error) {
	msg, ballotID, orgID, sender := c.msg, c.ref.ID, c.ref.Owner, c.sender()
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
	var choice gov.Choice
	var parsed answer.Result
	if len(bal.Options) > 0 {
		parsed = answer.ParseOption(answer.ReplyText(msg.Text), bal.Options)
		if parsed.Option > 0 {
			choice = gov.OptionChoice(parsed.Option)
		}
	} else if ahead, ok := c.in.voteAhead(msg.Text); ok {
		parsed = ahead
	} else {
		parsed = answer.Parse(answer.ReplyText(msg.Text), answer.KindVote)
	}
	switch parsed.Answer {
	case answer.Yes:
		choice = gov.Yes
	case answer.No:
		choice = gov.No
	case answer.Abstain:
		choice = gov.Abstain
	}
	if choice == "" && !parsed.Ambiguous && len(msg.Problems) > 0 {
		return b.unreadable(tx, c.in, msg, sender, c.ref.Token, ballotID)
	}
	prev, err := tx.Vote(ballotID, orgID)
	if err != nil {
		return Result{}, err
	}
	vote, reply := gov.CastVote(b.env(tx), bal, voter, prev, gov.VoteInput{
		At: c.at, From: msg.From.Email, MessageID: msg.MessageID, Choice: choice, Ambiguous: parsed.Ambiguous, Sender: sender, Sent: msg.Date, Line: parsed.Line, Recorded: tx.Now,
	})
	if vote == nil {
		d := reply.Data.(gov.RefusalData)
		d.Subject = msg.Subject
		// When the reader asks again, say why, quoting what it read.
		if why := parsed.AskReason(); why != "" && (d.Code == gov.RefuseAmbiguous || d.Code == gov.RefuseNoAnswer) {
			d.Reason = why
			d = withDoubt(d, parsed) // the same, for a translation to say
		}
		reply.Data = d
		return b.sendRefusal(tx, msg, reply, d)
	}
	if err := tx.PutVote(ballotID, *vote); err != nil {
		return Result{}, err
	}
	detail := fmt.Sprintf("%s for %s from %s", strings.ToUpper(string(vote.Choice)), orgID, msg.From.Email)
	if prev != nil {
		detail += fmt.Sprintf(" (replaces %s)", strings.ToUpper(string(prev.Choice)))
	}
	if err := tx.Audit("vote.record", ballotID, msg.From.Email, detail); err != nil {
		return Result{}, err
	}
	if err := b.queue(tx, []gov.Mail{reply}); err != nil {
		return Result{}, err
	}
	return Result{Outcome: "vote:" + string(vote.Choice), Replied: true}, nil
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

// sendRefusal records a refusal and answers it, within the limits: at most
// StrangerRefusalsPerDay to an address not on the roster (and StrangerRefusalsPerHour
// to all of them together), RefusalsPerDay to a member's address. A refusal to an
// address not on the roster never echoes the incoming subject: its From may be
// forged, and the refusal must not carry an attacker's words to a victim.
func (b *Bot) sendRefusal(tx *store.Tx, msg *mailread.Message, reply gov.Mail, d gov.RefusalData) (Result, error) {
	from := msg.From.Email
	res := Result{Outcome: "refused:" + d.Code}
	limit := b.Limits.RefusalsPerDay
	_, known, _ := tx.OrgByAddress(from)
	if b.isSecretariat(from) {
		limit = b.Limits.SecretariatRefusalsPerDay
	} else if !known {
		limit = b.Limits.StrangerRefusalsPerDay
		d.Subject = ""
		if rd, ok := reply.Data.(gov.RefusalData); ok {
			rd.Subject = ""
			reply.Data = rd
		}
	}
	day := tx.Now.In(b.Location).Format("2006-01-02")
	n, err := tx.CountRefusal(from, day)
	if err != nil {
		return Result{}, err
	}
	detail := d.Reason
	switch {
	case n > limit:
		detail += fmt.Sprintf(" (not answered: %d refusals to this address today, limit %d)", n, limit)
	case !known && !b.isSecretariat(from) && b.strangerHourFull(tx):
		detail += fmt.Sprintf(" (not answered: more than %d refusals to unknown addresses this hour)", b.Limits.StrangerRefusalsPerHour)
	default:
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

// strangerHourFull counts one more refusal to an unknown address this hour and
// reports whether that passes the hourly limit.
func (b *Bot) strangerHourFull(tx *store.Tx) bool {
	n, err := tx.CountRefusal("*unknown-addresses*", tx.Now.UTC().Format("2006-01-02T15"))
	return err != nil || n > b.Limits.StrangerRefusalsPerHour
}

// unreadable keeps the raw message for the Secretariat, records what the reader
// found wrong in the audit log, and asks for a plain reply with a fixed reason.
func (b *Bot) unreadable(tx *store.Tx, in Inbound, msg *mailread.Message, sender *gov.Org, token, ballotID string) (Result, error) {
	// A message too large to keep in the store whole (it came spooled) is kept
	// whole among the attachments' files; the store keeps its first megabyte.
	// From an address not on the roster only the first StrangerRawBytes are kept:
	// anyone can send unreadable mail, and it must not fill the disk.
	keep := int64(1 << 20)
	if sender == nil && !b.isSecretariat(msg.From.Email) {
		keep = b.Limits.StrangerRawBytes
	} else if in.Spool != nil && b.FilesDir != "" {
		if err := saveFile(b.FilesDir, in.body()); err != nil {
			return Result{}, fmt.Errorf("keeping an unreadable message: %w", err)
		}
	}
	if err := tx.KeepRaw(msg.MessageID, in.head(keep)); err != nil {
		return Result{}, err
	}
	// What the reader found wrong goes to the audit log, never to the sender: it
	// can carry a library's error text and the message's own header values.
	if err := tx.Audit("mail.unreadable", msg.MessageID, msg.From.Email, strings.Join(msg.Problems, "; ")); err != nil {
		return Result{}, err
	}
	d := gov.RefusalData{Code: gov.RefuseUnreadable, Reason: "we could not read your message"}
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

// bounced handles a delivery status notification. It is never answered. It counts
// only when it names a Message-ID the bot sent and, for each failed recipient, a
// recipient of that mail: anyone can send a DSN, and a forged one must not mark a
// member's address as bouncing nor make the bot mail anyone. A permanent failure
// is counted against the address, which is marked bouncing on the roster after
// Limits.BouncesBeforeMarking of them (its organisation's other address keeps
// getting mail); the Secretariat gets one summary per DSN.
func (b *Bot) bounced(tx *store.Tx, in Inbound, msg *mailread.Message) (Result, error) {
	rep := bounce.Parse(in.head(4 << 20))
	sent, found, err := tx.Sent(rep.MessageID)
	if err != nil {
		return Result{}, err
	}
	if !found {
		return Result{Outcome: "ignored:bounce"}, tx.Audit("mail.bounce", msg.MessageID, msg.From.Email,
			fmt.Sprintf("about %q, which the bot did not send: ignored", shortID(rep.MessageID)))
	}
	recipients := rep.Recipients
	if len(recipients) == 0 && len(sent.To) == 1 {
		// A bounce without a status block, about a mail with one recipient.
		recipients = []bounce.Recipient{{Address: sent.To[0], Action: "failed", Diagnostic: msg.Subject}}
	}
	var failed, reasons, strangers []string
	for _, r := range recipients {
		if !r.Permanent() {
			continue
		}
		if !slices.ContainsFunc(sent.To, func(to string) bool { return strings.EqualFold(to, r.Address) }) {
			strangers = append(strangers, r.Address)
			continue
		}
		if slices.Contains(failed, r.Address) {
			continue
		}
		why := inert(strings.TrimSpace(r.Status + " " + r.Diagnostic))
		if len(why) > 300 {
			why = why[:300] + "…"
		}
		if err := b.markBouncing(tx, r.Address, why); err != nil {
			return Result{}, err
		}
		failed = append(failed, r.Address)
		reasons = append(reasons, r.Address+": "+why)
	}
	detail := fmt.Sprintf("about %s; failed: %s", rep.MessageID, strings.Join(failed, ", "))
	if len(strangers) > 0 {
		detail += fmt.Sprintf("; %d addresses that mail was not sent to ignored", len(strangers))
	}
	if err := tx.Audit("mail.bounce", msg.MessageID, msg.From.Email, detail); err != nil {
		return Result{}, err
	}
	if len(failed) == 0 {
		return Result{Outcome: "ignored:bounce"}, nil
	}
	err = b.queue(tx, []gov.Mail{{
		Kind: "delivery_failure", Key: "bounce/" + msg.MessageID, To: b.Secretariat, Lang: "en", Auto: gov.AutoGenerated,
		Data: gov.DeliveryFailureData{To: failed, Subject: sent.Subject, Kind: sent.Kind, Error: strings.Join(reasons, "; ")},
	}})
	return Result{Outcome: "ignored:bounce", Replied: true}, err
}

func shortID(id string) string {
	if len(id) > 200 {
		return id[:200] + "…"
	}
	return id
}

// saveFile streams r into dir under its SHA-256 (dir/ab/abcdef…), never holding it
// whole in memory. The same file received twice is kept once.
func saveFile(dir string, r io.Reader) error {
	f, err := spoolFile(dir, r)
	if err != nil {
		return err
	}
	sub := filepath.Join(dir, f.sha[:2])
	if err := os.MkdirAll(sub, 0o700); err != nil {
		os.Remove(f.path)
		return err
	}
	return os.Rename(f.path, filepath.Join(sub, f.sha))
}

// fileWriters keeps the 256 KB buffers attachments are written through.
var fileWriters = sync.Pool{New: func() any { return bufio.NewWriterSize(nil, 256<<10) }}

// spoolFile streams r into a temporary file in dir and returns it with its SHA-256.
func spoolFile(dir string, r io.Reader) (tempFile, error) { return spoolFileSum(dir, r, nil) }

// spoolFileSum is spoolFile for a stream already being hashed: once r is read to
// its end, sum (when set) gives the hash, and the bytes are not hashed twice.
func spoolFileSum(dir string, r io.Reader, sum func() (string, bool)) (tempFile, error) {
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return tempFile{}, err
	}
	tmp, err := os.CreateTemp(dir, ".incoming-*")
	if err != nil {
		return tempFile{}, err
	}
	fail := func(err error) (tempFile, error) {
		tmp.Close()
		os.Remove(tmp.Name())
		return tempFile{}, err
	}
	// The decoders upstream hand over a few kilobytes at a time: buffer the file's
	// writes, or each becomes a system call.
	w := fileWriters.Get().(*bufio.Writer)
	w.Reset(tmp)
	defer func() {
		w.Reset(nil)
		fileWriters.Put(w)
	}()
	var h hash.Hash
	dst := io.Writer(w)
	if sum == nil {
		h = sha256.New()
		dst = io.MultiWriter(w, h)
	}
	if _, err := io.Copy(dst, r); err != nil {
		return fail(err)
	}
	if err := w.Flush(); err != nil {
		return fail(err)
	}
	if err := tmp.Close(); err != nil {
		os.Remove(tmp.Name())
		return tempFile{}, err
	}
	sha, ok := "", false
	if sum != nil {
		sha, ok = sum()
	} else {
		sha, ok = hex.EncodeToString(h.Sum(nil)), true
	}
	if !ok || len(sha) < 2 {
		os.Remove(tmp.Name())
		return tempFile{}, errors.New("spooling an attachment: its hash is unknown")
	}
	return tempFile{path: tmp.Name(), sha: sha}, nil
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
