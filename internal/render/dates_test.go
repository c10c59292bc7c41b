package render

import (
	"reflect"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/mekongmigration/govbot/internal/gov"
	"github.com/mekongmigration/govbot/templates"
)

// timeKind is what a time value of a mail's data means, and so how a mail shows it.
type timeKind int

const (
	// dateValue: a calendar day with no time of day (a term's first or last day, a
	// General Conference's date). Shown as the date it holds, never shifted.
	dateValue timeKind = iota
	// deadline: an exclusive end of day (gov.EndOfDay); shown as the day before it
	// in the network's zone.
	deadline
	// instant: a moment (a reply's arrival, a recording); shown as the day, or the
	// day and time, it falls on in the network's zone.
	instant
)

// timeFields says what every time.Time field of every mail's data is, by the
// field's name (its last path element), or by its path where the name alone
// does not say. A field missing here fails TestR_7_2_15_TermDatesInMails, so a
// new date in a mail is classified before it is mailed.
var timeFields = map[string]timeKind{
	"TermStart": dateValue, "TermEnd": dateValue, "Meeting.Date": dateValue,
	"ClosesAt": deadline, "Deadline": deadline, "OpinionsClose": deadline, "DecisionDue": deadline,
	"At": instant, "RecordedAt": instant, "CompleteAt": instant, "Expires": instant, "OpenedAt": instant,
	"ClosedAt": instant, "Sent": instant, "Requested": instant, "Decided": instant, "Joined": instant,
	"DecidedAt": instant,
	// When the next General Conference is due (7.1.1), in the digest.
	"GC.Last": dateValue, "GC.Due": dateValue, "GC.WarnFrom": dateValue, "GC.Next": dateValue,
}

func classify(path string) (timeKind, bool) {
	name := strings.ReplaceAll(path, "[]", "")
	for {
		if k, ok := timeFields[name]; ok {
			return k, true
		}
		i := strings.IndexByte(name, '.')
		if i < 0 {
			return 0, false
		}
		name = name[i+1:]
	}
}

// timePaths calls fn with the path and address of every time.Time in v (a
// settable value): struct fields, through pointers and slices.
func timePaths(v reflect.Value, path string, fn func(path string, t *time.Time)) {
	if v.Type() == reflect.TypeOf(time.Time{}) {
		fn(path, v.Addr().Interface().(*time.Time))
		return
	}
	join := func(name string) string {
		if path == "" {
			return name
		}
		return path + "." + name
	}
	switch v.Kind() {
	case reflect.Pointer, reflect.Interface:
		if !v.IsNil() {
			timePaths(v.Elem(), path, fn)
		}
	case reflect.Slice:
		for i := 0; i < v.Len(); i++ {
			timePaths(v.Index(i), path+"[]", fn)
		}
	case reflect.Struct:
		for i := 0; i < v.NumField(); i++ {
			if f := v.Type().Field(i); f.IsExported() {
				timePaths(v.Field(i), join(f.Name), fn)
			}
		}
	}
}

// withTimes returns a copy of d with every time.Time set by set(path).
func withTimes(d any, set func(path string) time.Time) any {
	v := reflect.New(reflect.TypeOf(d)).Elem()
	v.Set(reflect.ValueOf(d))
	timePaths(v, "", func(path string, t *time.Time) { *t = set(path) })
	return v.Interface()
}

// TestR_7_2_15_TermDatesInMails: every date of every mail, in every language, is
// the day it means. A date-only value (a term's first and last day, 7.2.15; a
// General Conference's date) shows the calendar date it holds at 00:00 and at 23:59,
// held in Asia/Bangkok or in UTC, whatever the network's zone: a term that starts 1
// June never shows 31 May. A deadline shows its last day and an instant the day it
// falls on in the network's zone, at the same edges. Every time field of every
// kind's sample data is probed in turn, with the others far away; a field a
// template does not show changes nothing and is skipped.
func TestR_7_2_15_TermDatesInMails(t *testing.T) {
	bangkok, err := time.LoadLocation("Asia/Bangkok")
	if err != nil {
		t.Fatal(err)
	}
	day := func(y int, m time.Month, d, hh, mm int, loc *time.Location) time.Time {
		return time.Date(y, m, d, hh, mm, 0, 0, loc)
	}
	// The edges of Tuesday 1 June 2027 for each kind of value.
	edges := map[timeKind][]time.Time{
		dateValue: {day(2027, 6, 1, 0, 0, bangkok), day(2027, 6, 1, 23, 59, bangkok), day(2027, 6, 1, 0, 0, time.UTC), day(2027, 6, 1, 23, 59, time.UTC)},
		deadline:  {day(2027, 6, 2, 0, 0, bangkok), day(2027, 6, 1, 23, 59, bangkok), day(2027, 6, 1, 0, 0, time.UTC), day(2027, 5, 31, 23, 59, time.UTC)},
		instant:   {day(2027, 6, 1, 0, 0, bangkok), day(2027, 6, 1, 23, 59, bangkok), day(2027, 6, 1, 0, 0, time.UTC), day(2027, 5, 31, 23, 59, time.UTC)},
	}
	far := day(2031, 1, 15, 12, 0, time.UTC) // every other time of the mail
	// want is the calendar day a value of kind k means, in the network's zone loc.
	want := func(k timeKind, v time.Time, loc *time.Location) time.Time {
		switch k {
		case dateValue:
			y, m, d := v.Date() // the date it holds, whatever loc
			return day(y, m, d, 12, 0, time.UTC)
		case deadline:
			v = v.In(loc).Add(-time.Nanosecond) // an exclusive end: the day before midnight
		default:
			v = v.In(loc)
		}
		y, m, d := v.Date()
		return day(y, m, d, 12, 0, time.UTC)
	}
	shown := map[string]bool{} // kind's field, shown by some language
	for _, loc := range []*time.Location{bangkok, time.UTC} {
		r, err := New(templates.FS, Options{Location: loc, Network: "Test Network"})
		if err != nil {
			t.Fatal(err)
		}
		render := func(kind, lang string, d any) string {
			t.Helper()
			got, err := r.Render(gov.Mail{Kind: kind, Lang: lang, Data: d})
			if err != nil || got.Degraded != nil {
				t.Fatalf("%s/%s: %v %v", lang, kind, err, got.Degraded)
			}
			return got.Subject + "\n" + got.Text
		}
		sample := sampleData(t)
		kinds := make([]string, 0, len(sample))
		for k := range sample {
			kinds = append(kinds, k)
		}
		sort.Strings(kinds)
		for _, kind := range kinds {
			var paths []string
			withTimes(sample[kind], func(p string) time.Time {
				if !contains(paths, p) {
					paths = append(paths, p)
				}
				return far
			})
			for _, path := range paths {
				k, ok := classify(path)
				if !ok {
					t.Errorf("%s: the time field %s is not in timeFields: is it a date-only value, a deadline or an instant?", kind, path)
					continue
				}
				for _, lang := range gov.Languages {
					base := render(kind, lang, withTimes(sampleData(t)[kind], func(string) time.Time { return far }))
					for _, v := range edges[k] {
						d := withTimes(sampleData(t)[kind], func(p string) time.Time {
							if p == path {
								return v
							}
							return far
						})
						text := render(kind, lang, d)
						if text == base {
							break // this kind does not show the field
						}
						shown[kind+" "+path] = true
						w := want(k, v, loc)
						if k == dateValue && w.Day() != 1 {
							t.Fatalf("test: a date-only value of 1 June means %s", w)
						}
						ok := false
						for _, l := range []string{lang, "en"} {
							for _, key := range []string{"date", "datetime"} {
								s := ""
								if key == "date" {
									s, _ = r.formatDate(l, key, w)
								} else if k == instant {
									s, _ = r.formatDate(l, key, v.In(loc))
								}
								if s != "" && strings.Contains(text, s) {
									ok = true
								}
							}
							for _, off := range []int{-1, 1} {
								if s, _ := r.formatDate(l, "date", w.AddDate(0, 0, off)); strings.Contains(text, s) {
									t.Errorf("%s/%s, zone %s: %s = %s shows %q, not %s:\n%s", lang, kind, loc, path, v.Format(time.RFC3339), s, w.Format("2 January"), text)
								}
							}
						}
						if !ok {
							s, _ := r.formatDate(lang, "date", w)
							t.Errorf("%s/%s, zone %s: %s = %s does not show %q:\n%s", lang, kind, loc, path, v.Format(time.RFC3339), s, text)
						}
					}
				}
			}
		}
	}
	// The date-only fields are shown where the mails need them; a template that
	// stops showing one should be noticed here.
	for _, f := range []string{"seat_vacancy Nomination.TermStart", "seat_filled Nomination.TermStart", "seat_filled Nomination.TermEnd",
		"sc_digest Seats[].TermEnd", "gc_notice Meeting.Date", "gc_receipt Meeting.Date"} {
		if !shown[f] {
			t.Errorf("%s: not shown in any language", f)
		}
	}
}

// TestDateFunctions: date is a deadline's last day, day the date a date-only
// value holds, dayOf an instant's day in the network's zone.
func TestDateFunctions(t *testing.T) {
	r := newTestRenderer(t) // Asia/Bangkok
	fn := func(name string) func(time.Time) (string, error) {
		return r.funcs("en")[name].(func(time.Time) (string, error))
	}
	bkk := r.opts.Location
	for _, c := range []struct {
		fn   string
		t    time.Time
		want string
	}{
		{"date", time.Date(2027, 6, 2, 0, 0, 0, 0, bkk), "Tuesday 1 June 2027"},          // the end of 1 June
		{"date", time.Date(2027, 6, 1, 17, 0, 0, 0, time.UTC), "Tuesday 1 June 2027"},    // 00:00 in Bangkok: the end of 1 June
		{"date", time.Date(2027, 6, 1, 17, 30, 0, 0, time.UTC), "Wednesday 2 June 2027"}, // 00:30 in Bangkok
		{"day", time.Date(2027, 6, 1, 0, 0, 0, 0, bkk), "Tuesday 1 June 2027"},
		{"day", time.Date(2027, 5, 31, 0, 0, 0, 0, bkk), "Monday 31 May 2027"},
		{"day", time.Date(2027, 6, 1, 23, 59, 0, 0, time.UTC), "Tuesday 1 June 2027"},
		{"dayOf", time.Date(2027, 6, 1, 0, 0, 0, 0, bkk), "Tuesday 1 June 2027"},
		{"dayOf", time.Date(2027, 5, 31, 17, 0, 0, 0, time.UTC), "Tuesday 1 June 2027"},
	} {
		if got, err := fn(c.fn)(c.t); err != nil || got != c.want {
			t.Errorf("%s(%s) = %q, %v; want %q", c.fn, c.t.Format(time.RFC3339), got, err, c.want)
		}
	}
}
