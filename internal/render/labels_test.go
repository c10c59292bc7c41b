package render

import (
	"reflect"
	"sort"
	"strings"
	"testing"

	"github.com/mekongmigration/govbot/internal/gov"
)

func TestEmptyLabels(t *testing.T) {
	for _, c := range []struct {
		text string
		want []string
	}{
		{"State: opinions\nReference: A1-X", nil},
		{"State:\nReference: A1-X", []string{"State:"}},
		{"State: \n\nReference: A1-X", []string{"State:"}},
		{"Reference:\n\n-- \nTest Network", []string{"Reference:"}},
		{"Reference:\n\n---- English ----\n\nReference: A1-X", []string{"Reference:"}},
		{"尊敬的 Mekong Youth Centre：\n\n我们已收到", nil},
		{"Reference:", []string{"Reference:"}},
		{"Reference:  – reply to this mail", []string{"Reference:  – reply to this mail   ← Reference has no value"}},
		{"By: , on 1 June 2027", []string{"By: , on 1 June 2027   ← By has no value"}},
		{"สถานะ:\nอ้างอิง: A1", []string{"สถานะ:"}},
		{"状态：\n", []string{"状态："}},
		{"ស្ថានភាព៖\n", []string{"ស្ថានភាព៖"}},
		// What introduces a list, a text or a value on the next line is not empty.
		{"Still missing:\n  - Most recent annual report", nil},
		{"Voting forms were sent to:\n- Migrant Workers Foundation (Thailand)", nil},
		{"OTHER OPINIONS (1):\n\n  * SUPPORT – B", nil},
		{"  * Migrant Workers Foundation (a@x.example), 16 March 2027, 09:00 (Asia/Bangkok):\nThey are not based in the region.", nil},
		{"Your organisation is asked to vote on this question:\n\nDo you adopt the plan?", nil},
		{"ขอเชิญองค์กรของท่านลงคะแนนในคำถามนี้ทั้งหมดนะครับ:\n\nDo you adopt the plan?", nil},
		{"Recorded: 1 June 2027, 09:00 (Asia/Bangkok)", nil},
		{"  * Org (a@x.example), 4 January 2027, 10:02 (Asia/Bangkok):\nWe object: the address is a broker's.", nil},
		{"  * COMMENT – Org, 4 January 2027, 10:02 (Asia/Bangkok):\ncomment: please ask about their funding", nil},
	} {
		if got := EmptyLabels(c.text); !reflect.DeepEqual(got, c.want) {
			t.Errorf("EmptyLabels(%q) = %q, want %q", c.text, got, c.want)
		}
	}
}

// TestNoMailHasAnEmptyLabelledLine: no mail of any kind, in any language, has a
// labelled line with nothing after it ("State:", "Reference:"), with the sample
// data and with the data the bot gives where a value may be absent.
func TestNoMailHasAnEmptyLabelledLine(t *testing.T) {
	r := newTestRenderer(t)
	data := sampleData(t)
	mails := map[string]gov.Mail{}
	for kind, d := range data {
		mails[kind] = gov.Mail{Kind: kind, Data: d}
	}
	// Where a value may be absent, the line is left out.
	outcome := data["application_outcome"].(gov.ApplicationData)
	outcome.Token, outcome.Reason = "", ""
	mails["application_outcome without a reference"] = gov.Mail{Kind: "application_outcome", Data: outcome}
	update := data["application_update"].(gov.ApplicationData)
	update.Token = ""
	mails["application_update without a reference"] = gov.Mail{Kind: "application_update", Data: update}
	names := make([]string, 0, len(mails))
	for name := range mails {
		names = append(names, name)
	}
	sort.Strings(names)
	for _, name := range names {
		for _, lang := range gov.Languages {
			m := mails[name]
			m.Lang = lang
			got, err := r.Render(m)
			if err != nil {
				t.Fatalf("%s/%s: %v", lang, name, err)
			}
			for _, l := range EmptyLabels(got.Subject + "\n\n" + got.Text) {
				t.Errorf("%s/%s: %q", lang, name, l)
			}
			for _, empty := range []string{"[]", "()", "<>"} {
				if strings.Contains(got.Subject+got.Text, empty) {
					t.Errorf("%s/%s: an empty %s", lang, name, empty)
				}
			}
		}
	}
}
