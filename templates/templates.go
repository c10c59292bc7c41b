// Package templates embeds the mail templates: one directory per language
// (en, th, km, lo, my, vi, zh), one file per kind of mail, each defining a "subject"
// and a "body" template (text/template), and a words.txt per language (month and
// weekday names, date patterns, the vote words members type, outcome words).
// layout.html wraps every mail's HTML part. A translation not yet checked by a
// native speaker says so in a REVIEW comment at the top of its file.
//
// A Secretariat officer may correct a translation here, or override any file by
// putting one with the same path in the directory named by the config key
// templates.dir.
package templates

import "embed"

// FS holds the templates.
//
//go:embed */*.tmpl */words.txt layout.html
var FS embed.FS
