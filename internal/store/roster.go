package store

import (
	"errors"
	"fmt"

	"github.com/mekongmigration/govbot/internal/gov"
)

// ErrAddressInUse is returned by PutOrg for an address that belongs to another
// organisation.
var ErrAddressInUse = errors.New("address already on the roster")

// Org returns the organisation with id.
func (t *Tx) Org(id string) (gov.Org, bool, error) {
	var o gov.Org
	ok, err := getJSON(t.tx.Bucket(bOrgs), []byte(id), &o)
	return o, ok, err
}

// OrgByAddress returns the organisation whose contact or alternate is addr.
func (t *Tx) OrgByAddress(addr string) (gov.Org, bool, error) {
	id := t.tx.Bucket(bAddresses).Get([]byte(gov.NormalizeAddress(addr)))
	if id == nil {
		return gov.Org{}, false, nil
	}
	return t.Org(string(id))
}

// Orgs returns the roster in id order.
func (t *Tx) Orgs() ([]gov.Org, error) {
	out, err := decodeAll[gov.Org](t.tx.Bucket(bOrgs))
	if err != nil {
		return nil, fmt.Errorf("org %w", err)
	}
	return out, nil
}

// PutOrg adds or replaces an organisation and keeps the address index right. It
// refuses an address that belongs to another organisation.
func (t *Tx) PutOrg(o gov.Org) error {
	idx := t.tx.Bucket(bAddresses)
	for _, a := range o.Addresses() {
		if owner := idx.Get([]byte(a)); owner != nil && string(owner) != o.ID {
			return fmt.Errorf("%w: %s belongs to %s", ErrAddressInUse, a, owner)
		}
	}
	if old, ok, err := t.Org(o.ID); err != nil {
		return err
	} else if ok {
		for _, a := range old.Addresses() {
			// Only entries that still point here: in an import where two
			// organisations swap addresses, the other may own it already.
			if string(idx.Get([]byte(a))) != o.ID {
				continue
			}
			if err := idx.Delete([]byte(a)); err != nil {
				return err
			}
		}
	}
	for _, a := range o.Addresses() {
		if err := idx.Put([]byte(a), []byte(o.ID)); err != nil {
			return err
		}
	}
	return putJSON(t.tx.Bucket(bOrgs), []byte(o.ID), o)
}

// ImportOrgs adds or updates every organisation in orgs (re-import updates). It
// returns how many were added and updated. An organisation that has lapsed stays
// lapsed (5.1.8: it must apply again; the roster file has no such column).
func (t *Tx) ImportOrgs(orgs []gov.Org) (added, updated int, err error) {
	// Clear the index entries of every org being replaced first, so that two
	// organisations may swap addresses within one import.
	idx := t.tx.Bucket(bAddresses)
	for i, o := range orgs {
		old, ok, err := t.Org(o.ID)
		if err != nil {
			return 0, 0, err
		}
		if ok {
			updated++
			orgs[i].Lapsed = o.Lapsed || old.Lapsed
			for _, a := range old.Addresses() {
				if err := idx.Delete([]byte(a)); err != nil {
					return 0, 0, err
				}
			}
		} else {
			added++
		}
	}
	for _, o := range orgs {
		if err := t.PutOrg(o); err != nil {
			return 0, 0, err
		}
	}
	return added, updated, nil
}

// Seats returns the SC seats.
func (t *Tx) Seats() ([]gov.Seat, error) {
	var out []gov.Seat
	err := t.tx.Bucket(bSeats).ForEach(func(k, v []byte) error {
		var s gov.Seat
		if err := jsonUnmarshal(v, &s); err != nil {
			return fmt.Errorf("seat %s: %w", k, err)
		}
		out = append(out, s)
		return nil
	})
	return out, err
}

// ReplaceSeats replaces the SC with seats.
func (t *Tx) ReplaceSeats(seats []gov.Seat) error {
	if err := t.tx.DeleteBucket(bSeats); err != nil {
		return err
	}
	b, err := t.tx.CreateBucket(bSeats)
	if err != nil {
		return err
	}
	for _, s := range seats {
		if err := putJSON(b, []byte(s.Seat), s); err != nil {
			return err
		}
	}
	return nil
}
