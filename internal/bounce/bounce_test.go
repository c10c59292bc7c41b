package bounce

import (
	"strings"
	"testing"
)

// An RFC 3464 report as Postfix writes it.
const postfixDSN = "From: MAILER-DAEMON@mx.example (Mail Delivery System)\r\n" +
	"To: govbot@mmn.example\r\nSubject: Undelivered Mail Returned to Sender\r\n" +
	"MIME-Version: 1.0\r\nContent-Type: multipart/report; report-type=delivery-status; boundary=\"B\"\r\n\r\n" +
	"--B\r\nContent-Type: text/plain\r\n\r\nI'm sorry to have to inform you that your message could not be delivered.\r\n\r\n" +
	"--B\r\nContent-Type: message/delivery-status\r\n\r\n" +
	"Reporting-MTA: dns; mx.example\r\nArrival-Date: Mon, 1 Mar 2027 09:00:00 +0700\r\n\r\n" +
	"Final-Recipient: rfc822; Chea@clrc.example\r\nOriginal-Recipient: rfc822;chea@clrc.example\r\nAction: failed\r\nStatus: 5.1.1\r\n" +
	"Diagnostic-Code: smtp; 550 5.1.1 <chea@clrc.example>: Recipient address rejected: User unknown\r\n\r\n" +
	"--B\r\nContent-Type: text/rfc822-headers\r\n\r\n" +
	"From: MMN govbot <govbot@mmn.example>\r\nTo: chea@clrc.example\r\nMessage-ID: <govbot.abc.b1-xyz@mmn.example>\r\nSubject: Vote\r\n\r\n" +
	"--B--\r\n"

func TestParseRFC3464(t *testing.T) {
	r := Parse([]byte(postfixDSN))
	if r.MessageID != "govbot.abc.b1-xyz@mmn.example" {
		t.Errorf("message id %q", r.MessageID)
	}
	if len(r.Recipients) != 1 {
		t.Fatalf("recipients %+v", r.Recipients)
	}
	got := r.Recipients[0]
	if got.Address != "chea@clrc.example" || got.Action != "failed" || got.Status != "5.1.1" || !got.Permanent() || !strings.Contains(got.Diagnostic, "User unknown") {
		t.Errorf("recipient %+v", got)
	}
}

func TestParseDelayedIsNotPermanent(t *testing.T) {
	raw := strings.Replace(strings.Replace(postfixDSN, "Action: failed", "Action: delayed", 1), "Status: 5.1.1", "Status: 4.4.1", 1)
	r := Parse([]byte(raw))
	if len(r.Recipients) != 1 || r.Recipients[0].Permanent() {
		t.Errorf("%+v", r.Recipients)
	}
}

func TestParsePlainTextBounceQuotingHeaders(t *testing.T) {
	raw := "From: postmaster@old.example\r\nSubject: failure notice\r\n\r\nSorry, we were unable to deliver your message.\r\n\r\n--- Below this line is a copy of the message.\r\n\r\nMessage-ID: <govbot.q@mmn.example>\r\nSubject: Vote\r\n"
	if r := Parse([]byte(raw)); r.MessageID != "govbot.q@mmn.example" {
		t.Errorf("message id %q", r.MessageID)
	}
}

func FuzzParse(f *testing.F) {
	f.Add([]byte(postfixDSN))
	f.Add([]byte("Content-Type: multipart/report; boundary=x\r\n\r\n--x\r\nContent-Type: message/delivery-status\r\n\r\nFinal-Recipient: ;\r\n--x--"))
	f.Fuzz(func(t *testing.T, raw []byte) { Parse(raw) })
}
