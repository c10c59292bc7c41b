package bot

import (
	"fmt"
	"strings"
	"time"

	"github.com/mekongmigration/govbot/internal/gov"
	"github.com/mekongmigration/govbot/internal/store"
)

// SetManagementTeam records at now the Management Team the SC formed (7.2.12):
// three organisations holding SC seats (gov.SetManagementTeam). It replaces the
// team recorded before and returns the new one.
func (b *Bot) SetManagementTeam(now time.Time, orgIDs []string, actor string) ([]gov.Seat, error) {
	var team []gov.Seat
	err := b.DB.Update(now, func(tx *store.Tx) error {
		seats, err := tx.Seats()
		if err != nil {
			return err
		}
		before := gov.ManagementTeam(seats)
		if seats, err = gov.SetManagementTeam(seats, orgIDs, b.MTAllowRC); err != nil {
			return err
		}
		if err := tx.ReplaceSeats(seats); err != nil {
			return err
		}
		team = gov.ManagementTeam(seats)
		return tx.Audit("sc.mt", "MT", actor, fmt.Sprintf("Management Team: %s (was: %s)", mtNames(team), mtNames(before)))
	})
	return team, err
}

func mtNames(team []gov.Seat) string {
	if len(team) == 0 {
		return "none"
	}
	var out []string
	for _, s := range team {
		out = append(out, s.OrgID+" ("+s.Seat+")")
	}
	return strings.Join(out, ", ")
}

// RecordGC records a General Conference held on date, mailing no one: one held
// before the bot kept the record, so that the next one's due date (7.1.1) can
// be told. A conference still to come is opened with OpenGC, which asks the
// members who will attend.
func (b *Bot) RecordGC(now, date time.Time, actor string) (gov.Meeting, error) {
	var m gov.Meeting
	date = gov.GCDay(date, b.Location)
	if date.After(gov.GCDay(now, b.Location)) {
		return m, &gov.Error{Code: "gc_future", Message: fmt.Sprintf("%s is still to come: open it with govbot gc open --date %s, which asks the members who will attend", date.Format("2006-01-02"), date.Format("2006-01-02"))}
	}
	err := b.DB.Update(now, func(tx *store.Tx) error {
		meetings, err := tx.Meetings()
		if err != nil {
			return err
		}
		for _, x := range meetings {
			if gov.GCDay(x.Date, b.Location).Equal(date) {
				return &gov.Error{Code: "gc_recorded", Message: fmt.Sprintf("%s is already recorded for %s", x.ID, date.Format("2006-01-02"))}
			}
		}
		id, err := tx.NextMeetingID()
		if err != nil {
			return err
		}
		m = gov.Meeting{ID: id, Date: date}
		if err := tx.PutMeeting(m); err != nil {
			return err
		}
		return tx.Audit("gc.record", m.ID, actor, "General Conference held on "+date.Format("2006-01-02")+" (recorded, no mail)")
	})
	return m, err
}

// NextGC says at now when the next General Conference is due (7.1.1).
func (b *Bot) NextGC(tx *store.Tx) (gov.GCDue, []gov.Meeting, error) {
	meetings, err := tx.Meetings()
	if err != nil {
		return gov.GCDue{}, nil, err
	}
	return gov.NextGC(tx.Now, b.Location, meetings, b.GCWarnMonths), meetings, nil
}
