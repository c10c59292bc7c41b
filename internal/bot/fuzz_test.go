package bot_test

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/mekongmigration/govbot/internal/bot"
	"github.com/mekongmigration/govbot/internal/store"
)

// FuzzHandle sends arbitrary bytes as an inbound message through the whole
// pipeline (reader, gate, handlers, renderer, a real store) and then a member's
// legitimate vote: the hostile message must never fail its transaction (no error,
// no panic, no quarantine) and the vote that follows must still be counted.
func FuzzHandle(f *testing.F) {
	seeds := []string{
		"From: a@a.example\r\nSubject: \x1f\x1e\x1d\r\n\r\nYES\x1f\r\n",
		"From: stranger@x.example\r\nSubject: =?utf-8?q?a=1Fb?=\r\nMessage-ID: <\x00@x>\r\n\r\nhello",
		"From: a@a.example\r\nContent-Type: multipart/mixed; boundary=b\r\n\r\n--b\r\nContent-Disposition: attachment; filename=\"a\r\n b.pdf\"\r\n\r\n%PDF\r\n--b--\r\n",
		"From: info@mmn.example\r\nSubject: PAID\r\n\r\nPAID a 2027 USD 15\r\n",
		"From: a@a.example\r\nSubject: Contact: new@b.example\r\n\r\nContact: b@b.example\r\n",
		"From: <>\r\nContent-Type: multipart/report; report-type=delivery-status; boundary=x\r\n\r\n--x\r\nContent-Type: message/delivery-status\r\n\r\nFinal-Recipient: rfc822; a@a.example\r\nAction: failed\r\nStatus: 5.1.1\r\n--x--\r\n",
		"From: x@y.example\r\nSubject: " + strings.Repeat("Ω", 3000) + "\r\n\r\nORGANISATION NAME: " + strings.Repeat("x", 6000) + "\r\n",
		"Content-Type: multipart/mixed; boundary=a\r\n\r\n" + strings.Repeat("--a\r\nContent-Type: multipart/mixed; boundary=a\r\n\r\n", 200),
	}
	for _, s := range seeds {
		f.Add([]byte(s))
	}
	fx := newFixture(f)
	n := 0
	f.Fuzz(func(t *testing.T, raw []byte) {
		n++
		fx.now = fx.now.Add(time.Minute)
		res, err := fx.b.Handle(fx.now, bot.Inbound{Raw: raw, Received: fx.now})
		if err != nil {
			t.Fatalf("Handle: %v", err)
		}
		if strings.HasPrefix(res.Outcome, bot.OutcomeFailed) || strings.HasPrefix(res.Outcome, bot.OutcomeQuarantined) {
			var why string
			fx.db.View(func(tx *store.Tx) error {
				log, _ := tx.AuditLog()
				if len(log) > 0 {
					why = log[len(log)-1].Detail
				}
				return nil
			})
			t.Fatalf("the message failed its transaction: %s: %s", res.Outcome, why)
		}
		choice := []string{"YES", "NO"}[n%2]
		fx.now = fx.now.Add(time.Minute)
		vote := fx.reply("b@b.example", "b@b.example", choice, fmt.Sprintf("X-Seq: %d", n))
		if res := fx.handle(t, vote); res.Outcome != "vote:"+strings.ToLower(choice) {
			t.Fatalf("the vote after it: %+v", res)
		}
		fx.db.View(func(tx *store.Tx) error {
			if v, _ := tx.Vote("B1", "b"); v == nil || string(v.Choice) != strings.ToLower(choice) {
				t.Errorf("vote recorded %+v, want %s", v, choice)
			}
			return nil
		})
	})
}
