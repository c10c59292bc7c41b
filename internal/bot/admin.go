package bot

import (
	"fmt"
	"io"
	"slices"
	"strings"
	"time"

	"github.com/mekongmigration/govbot/internal/gov"
	"github.com/mekongmigration/govbot/internal/roster"
	"github.com/mekongmigration/govbot/internal/store"
)

// The Secretariat's actions from the command line: each state change in one
// transaction here, so that the command line only parses arguments and prints.
// The same in-transaction functions serve the commands by mail.

// ImportRoster adds or updates orgs at now.
func (b *Bot) ImportRoster(now time.Time, orgs []gov.Org, source, actor string) (added, updated int, err error) {
	err = b.DB.Update(now, func(tx *store.Tx) error {
		added, updated, err = b.importRoster(tx, orgs, source, actor)
		return err
	})
	return added, updated, err
}

func (b *Bot) importRoster(tx *store.Tx, orgs []gov.Org, source, actor string) (int, int, error) {
	added, updated, err := tx.ImportOrgs(orgs)
	if err != nil {
		return 0, 0, err
	}
	return added, updated, tx.Audit("roster.import", source, actor, fmt.Sprintf("%d added, %d updated", added, updated))
}

// ImportSeats replaces the SC seats at now with those read from r (the SC CSV);
// specialSeats are the ids of the GC's special seats.
func (b *Bot) ImportSeats(now time.Time, r io.Reader, specialSeats []string, source, actor string) ([]gov.Seat, error) {
	var seats []gov.Seat
	err := b.DB.Update(now, func(tx *store.Tx) error {
		orgs, err := tx.Orgs()
		if err != nil {
			return err
		}
		if seats, err = roster.ParseSeats(r, orgs, b.CountryName, specialSeats, b.Location); err != nil {
			return err
		}
		if err := tx.ReplaceSeats(seats); err != nil {
			return err
		}
		return tx.Audit("sc.import", source, actor, fmt.Sprintf("%d seats", len(seats)))
	})
	return seats, err
}

// PaymentAt records a fee payment at now.
func (b *Bot) PaymentAt(now time.Time, orgID string, p gov.Payment, actor string) error {
	return b.DB.Update(now, func(tx *store.Tx) error { return b.RecordPayment(tx, orgID, p, actor) })
}

// GCAttend records organisations attending General Conference id at now.
func (b *Bot) GCAttend(now time.Time, id string, orgIDs []string, actor string) (gov.Meeting, error) {
	var m gov.Meeting
	err := b.DB.Update(now, func(tx *store.Tx) error {
		var err error
		m, err = b.gcAttend(tx, id, orgIDs, actor)
		return err
	})
	return m, err
}

func (b *Bot) gcAttend(tx *store.Tx, id string, orgIDs []string, actor string) (gov.Meeting, error) {
	m, ok, err := tx.Meeting(strings.ToUpper(id))
	if err != nil {
		return m, err
	}
	if !ok {
		return m, &gov.Error{Code: "no_meeting", Message: fmt.Sprintf("no General Conference %q", id)}
	}
	var ids []string
	for _, oid := range orgIDs {
		oid = strings.ToLower(strings.Trim(oid, ","))
		if _, ok, err := tx.Org(oid); err != nil {
			return m, err
		} else if !ok {
			return m, &gov.Error{Code: "no_org", Message: fmt.Sprintf("no organisation %q on the roster (nothing recorded)", oid)}
		}
		ids = append(ids, oid)
		if !slices.Contains(m.Attendees, oid) {
			m.Attendees = append(m.Attendees, oid)
		}
	}
	if err := tx.PutMeeting(m); err != nil {
		return m, err
	}
	return m, tx.Audit("gc.attend", m.ID, actor, strings.Join(ids, ","))
}

// GCDecide records a decision of General Conference id at now (7.1.3: carried by a
// majority of the regular members attending). quorum says whether the GC had its
// quorum when the decision was recorded.
func (b *Bot) GCDecide(now time.Time, id, title string, yes, no, abstain int, actor string) (d gov.GCDecision, quorum bool, err error) {
	err = b.DB.Update(now, func(tx *store.Tx) error {
		r, err := b.GCReport(tx, strings.ToUpper(id))
		if err != nil {
			return err
		}
		if yes+no+abstain > r.RegularAttending {
			return &gov.Error{Code: "too_many_votes", Message: fmt.Sprintf("%d votes but only %d regular members attend (govbot gc attend)", yes+no+abstain, r.RegularAttending)}
		}
		m, _, err := tx.Meeting(strings.ToUpper(id))
		if err != nil {
			return err
		}
		d = gov.DecideAtGC(tx.Now, title, yes, no, abstain, r.RegularAttending)
		m.Decisions = append(m.Decisions, d)
		if err := tx.PutMeeting(m); err != nil {
			return err
		}
		quorum = r.Quorum
		outcome := "NOT CARRIED"
		if d.Carried {
			outcome = "CARRIED"
		}
		return tx.Audit("gc.decide", m.ID, actor, fmt.Sprintf("%s: yes %d, no %d, abstain %d of %d regular attending: %s", d.Title, d.Yes, d.No, d.Abstain, d.RegularAttending, outcome))
	})
	return d, quorum, err
}

// GCReportAt returns General Conference id's quorum report at now and, with send,
// queues it to the SC and the Secretariat.
func (b *Bot) GCReportAt(now time.Time, id string, send bool) (gov.GCReport, error) {
	var r gov.GCReport
	err := b.DB.Update(now, func(tx *store.Tx) error {
		var err error
		if r, err = b.GCReport(tx, id); err != nil || !send {
			return err
		}
		return b.SendGCReport(tx, r, now.UTC().Format("20060102T150405"))
	})
	if err == nil && send {
		b.kick()
	}
	return r, err
}

// SendDigestNow queues one more digest to the SC and the Secretariat at now; it
// reports whether a mail was queued.
func (b *Bot) SendDigestNow(now time.Time) (bool, error) {
	var queued bool
	err := b.DB.Update(now, func(tx *store.Tx) error {
		var err error
		queued, err = b.SendDigest(tx, now.UTC().Format("20060102T150405"))
		return err
	})
	if err == nil && queued {
		b.kick()
	}
	return queued, err
}
