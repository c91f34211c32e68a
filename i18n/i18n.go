// Package i18n owns the interface text: every user-facing string of the server and the
// client (phase names, buttons, labels, error help, the content note, the error sentences
// of package fault under fault.<package>.<name>, the exit-ticket prompts under exit.*)
// lives in a message catalogue per language, embedded from catalogues/<lang>.json, so the
// game can be translated without touching code. Role content (briefings, cards, glossary) is written
// content and lives with package roles.
//
// A message may take arguments in fmt's explicit-index form ("%[1]s", "%[2]d"), so a
// translation can reorder them. The package is pure and imports only the standard library.
package i18n

import (
	"embed"
	"encoding/json"
	"fmt"
	"io/fs"
	"regexp"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
)

// Default is the language every catalogue falls back to; its catalogue holds every key.
const Default = "en"

//go:embed catalogues/*.json
var files embed.FS

var (
	once     sync.Once
	loaded   map[string]map[string]string
	loadErr  error
	override atomic.Pointer[map[string]map[string]string] // set by Install
)

func catalogues() (map[string]map[string]string, error) {
	if o := override.Load(); o != nil {
		return *o, nil
	}
	once.Do(func() {
		sub, err := fs.Sub(files, "catalogues")
		if err != nil {
			loadErr = err
			return
		}
		loaded, loadErr = Load(sub)
	})
	return loaded, loadErr
}

// Load reads every <lang>.json in fsys (a flat object of key to message) and checks it:
// the default catalogue exists, every other catalogue's keys exist in the default one,
// and a translation takes the same arguments as the default message.
func Load(fsys fs.FS) (map[string]map[string]string, error) {
	names, err := fs.Glob(fsys, "*.json")
	if err != nil {
		return nil, err
	}
	out := map[string]map[string]string{}
	for _, name := range names {
		raw, err := fs.ReadFile(fsys, name)
		if err != nil {
			return nil, err
		}
		var cat map[string]string
		if err := json.Unmarshal(raw, &cat); err != nil {
			return nil, fmt.Errorf("i18n/catalogues/%s: not a flat object of key to message: %v", name, err)
		}
		out[strings.TrimSuffix(name, ".json")] = cat
	}
	base, ok := out[Default]
	if !ok {
		return nil, fmt.Errorf("i18n/catalogues: missing the default catalogue %s.json", Default)
	}
	for lang, cat := range out {
		for _, key := range sortedKeys(cat) {
			if strings.TrimSpace(cat[key]) == "" {
				return nil, fmt.Errorf("i18n/catalogues/%s.json: %s: empty message", lang, key)
			}
			want, ok := base[key]
			if !ok {
				return nil, fmt.Errorf("i18n/catalogues/%s.json: %s: key not in the default catalogue", lang, key)
			}
			if a, b := Verbs(cat[key]), Verbs(want); strings.Join(a, " ") != strings.Join(b, " ") {
				return nil, fmt.Errorf("i18n/catalogues/%s.json: %s: takes arguments %v, the default takes %v", lang, key, a, b)
			}
		}
	}
	return out, nil
}

// Install makes the catalogues in fsys (checked as Load checks them) the ones every
// function here reads, until restore is called. It is for tests that need a second
// language; the server runs on the embedded catalogues.
func Install(fsys fs.FS) (restore func(), err error) {
	cats, err := Load(fsys)
	if err != nil {
		return nil, err
	}
	prev := override.Swap(&cats)
	return func() { override.Store(prev) }, nil
}

// verbRE matches an argument with flags, width or precision before its index: "%[1]d",
// "%.64[2]q" (fmt takes the index right before the verb).
var verbRE = regexp.MustCompile(`%[-+# 0]*\d*(?:\.\d+)?\[(\d+)\]([a-zA-Z])`)

// Verbs lists a message's arguments as "index:verb", sorted, for comparing translations.
func Verbs(msg string) []string {
	var out []string
	for _, m := range verbRE.FindAllStringSubmatch(msg, -1) {
		out = append(out, m[1]+":"+m[2])
	}
	sort.Strings(out)
	return out
}

func sortedKeys(m map[string]string) []string {
	ks := make([]string, 0, len(m))
	for k := range m {
		ks = append(ks, k)
	}
	sort.Strings(ks)
	return ks
}

// T returns the message for key in lang ("fr", "en-GB"…), falling back to the base
// language ("en-GB" → "en") and then to the default catalogue, formatted with args. An
// unknown key returns the key itself, so a missing message shows up on screen rather
// than as a blank; the catalogue test keeps that from shipping.
func T(lang, key string, args ...any) string {
	cats, err := catalogues()
	if err != nil {
		return key
	}
	msg, ok := "", false
	for _, l := range []string{lang, baseLang(lang), Default} {
		if msg, ok = cats[l][key]; ok {
			break
		}
	}
	if !ok {
		return key
	}
	if len(args) == 0 {
		return msg
	}
	copied := false
	for i, a := range args {
		if r, ok := a.(Ref); ok {
			if !copied { // never write into the caller's slice
				args, copied = append([]any(nil), args...), true
			}
			args[i] = T(lang, string(r))
		}
	}
	return fmt.Sprintf(msg, args...)
}

// Ref is a catalogue key given as an argument: T renders it in the message's own
// language, so a translated sentence never carries an English word inside it (a role's
// name in an error, say).
type Ref string

// Has reports whether the default catalogue defines key.
func Has(key string) bool {
	cats, err := catalogues()
	if err != nil {
		return false
	}
	_, ok := cats[Default][key]
	return ok
}

// Keys returns every key of the default catalogue, sorted.
func Keys() []string {
	cats, err := catalogues()
	if err != nil {
		return nil
	}
	return sortedKeys(cats[Default])
}

// Languages returns the languages with a catalogue, sorted.
func Languages() []string {
	cats, err := catalogues()
	if err != nil {
		return nil
	}
	out := make([]string, 0, len(cats))
	for l := range cats {
		out = append(out, l)
	}
	sort.Strings(out)
	return out
}

// Catalogue returns a copy of one language's messages merged over the default's: what a
// client downloads once to render its interface.
func Catalogue(lang string) map[string]string {
	cats, err := catalogues()
	if err != nil {
		return nil
	}
	out := map[string]string{}
	for _, l := range []string{Default, baseLang(lang), lang} {
		for k, v := range cats[l] {
			out[k] = v
		}
	}
	return out
}

// FromAcceptLanguage returns the base language of the first tag of an Accept-Language
// header ("de" for "de-CH,de;q=0.9,en;q=0.8"), or Default when it names none. The first
// tag is the reader's own first choice, and T falls back to Default for the rest.
func FromAcceptLanguage(header string) string {
	tag, _, _ := strings.Cut(header, ",")
	tag, _, _ = strings.Cut(tag, ";")
	lang := baseLang(strings.TrimSpace(tag))
	if len(lang) < 2 || len(lang) > 8 || strings.Trim(lang, "abcdefghijklmnopqrstuvwxyz") != "" {
		return Default // empty, "*" or not a language tag
	}
	return lang
}

func baseLang(lang string) string {
	if i := strings.IndexAny(lang, "-_"); i > 0 {
		return strings.ToLower(lang[:i])
	}
	return strings.ToLower(lang)
}
