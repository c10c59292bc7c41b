package store

import (
	"encoding/json"
	"fmt"
	"strings"

	"github.com/mekongmigration/govbot/internal/gov"
)

// PutCampaign stores c.
func (t *Tx) PutCampaign(c gov.Campaign) error {
	return putJSON(t.tx.Bucket(bCampaigns), []byte(c.ID), c)
}

// Campaign returns the campaign with id.
func (t *Tx) Campaign(id string) (gov.Campaign, bool, error) {
	var c gov.Campaign
	ok, err := getJSON(t.tx.Bucket(bCampaigns), []byte(strings.ToUpper(id)), &c)
	return c, ok, err
}

// Campaigns returns every campaign, oldest first.
func (t *Tx) Campaigns() ([]gov.Campaign, error) {
	var out []gov.Campaign
	err := t.tx.Bucket(bCampaigns).ForEach(func(k, v []byte) error {
		var c gov.Campaign
		if err := json.Unmarshal(v, &c); err != nil {
			return fmt.Errorf("campaign %s: %w", k, err)
		}
		out = append(out, c)
		return nil
	})
	return out, err
}

// NextChangeID returns a new contact change id: C1, C2, …
func (t *Tx) NextChangeID() (string, error) {
	n, err := t.tx.Bucket(bChanges).NextSequence()
	return fmt.Sprintf("C%d", n), err
}

// PutChange stores a contact change.
func (t *Tx) PutChange(c gov.ContactChange) error {
	return putJSON(t.tx.Bucket(bChanges), []byte(c.ID), c)
}

// Change returns the contact change with id.
func (t *Tx) Change(id string) (gov.ContactChange, bool, error) {
	var c gov.ContactChange
	ok, err := getJSON(t.tx.Bucket(bChanges), []byte(strings.ToUpper(id)), &c)
	return c, ok, err
}

// Changes returns every contact change.
func (t *Tx) Changes() ([]gov.ContactChange, error) {
	var out []gov.ContactChange
	err := t.tx.Bucket(bChanges).ForEach(func(k, v []byte) error {
		var c gov.ContactChange
		if err := json.Unmarshal(v, &c); err != nil {
			return err
		}
		out = append(out, c)
		return nil
	})
	return out, err
}

// NextMeetingID returns a new General Conference id: G1, G2, …
func (t *Tx) NextMeetingID() (string, error) {
	n, err := t.tx.Bucket(bMeetings).NextSequence()
	return fmt.Sprintf("G%d", n), err
}

// PutMeeting stores m.
func (t *Tx) PutMeeting(m gov.Meeting) error {
	return putJSON(t.tx.Bucket(bMeetings), []byte(m.ID), m)
}

// Meeting returns the meeting with id.
func (t *Tx) Meeting(id string) (gov.Meeting, bool, error) {
	var m gov.Meeting
	ok, err := getJSON(t.tx.Bucket(bMeetings), []byte(strings.ToUpper(id)), &m)
	return m, ok, err
}

// Meetings returns every meeting.
func (t *Tx) Meetings() ([]gov.Meeting, error) {
	var out []gov.Meeting
	err := t.tx.Bucket(bMeetings).ForEach(func(k, v []byte) error {
		var m gov.Meeting
		if err := json.Unmarshal(v, &m); err != nil {
			return err
		}
		out = append(out, m)
		return nil
	})
	return out, err
}
