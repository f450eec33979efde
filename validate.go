package art28

import (
	"net/mail"
	"strings"
	"unicode/utf8"
)

// Limits on free text, so that one record cannot bloat the store or a page.
const (
	MaxName = 200
	MaxText = 4000
	MaxList = 50
)

// checkText trims *s and checks its length; required rejects an empty value.
func checkText(field string, s *string, required bool, max int) error {
	*s = strings.TrimSpace(*s)
	if required && *s == "" {
		return FieldError(field, "is required")
	}
	if utf8.RuneCountInString(*s) > max {
		return FieldError(field, "is longer than %d characters", max)
	}
	if !utf8.ValidString(*s) {
		return FieldError(field, "is not valid UTF-8")
	}
	return nil
}

// checkList trims each entry, drops empty ones and duplicates, and checks
// sizes.
func checkList(field string, l *[]string, required bool) error {
	out := make([]string, 0, len(*l))
	seen := map[string]bool{}
	for _, s := range *l {
		s = strings.TrimSpace(s)
		if s == "" || seen[s] {
			continue
		}
		if utf8.RuneCountInString(s) > MaxName {
			return FieldError(field, "has an entry longer than %d characters", MaxName)
		}
		seen[s] = true
		out = append(out, s)
	}
	if required && len(out) == 0 {
		return FieldError(field, "needs at least one entry")
	}
	if len(out) > MaxList {
		return FieldError(field, "has more than %d entries", MaxList)
	}
	*l = out
	return nil
}

// checkEmail normalises *s and checks it is a bare address (no display name).
func checkEmail(field string, s *string, required bool) error {
	if err := checkText(field, s, required, MaxName); err != nil || *s == "" {
		return err
	}
	a, err := mail.ParseAddress(*s)
	if err != nil || a.Address != *s || !strings.Contains(a.Address[strings.LastIndex(a.Address, "@"):], ".") {
		return FieldError(field, "is not a valid e-mail address")
	}
	*s = strings.ToLower(*s)
	return nil
}

// checkCountry upper-cases *s and checks it is an ISO 3166-1 alpha-2 code.
func checkCountry(field string, s *string, required bool) error {
	*s = strings.ToUpper(strings.TrimSpace(*s))
	if *s == "" {
		if required {
			return FieldError(field, "is required")
		}
		return nil
	}
	if _, ok := countries[*s]; !ok {
		return FieldError(field, "%q is not an ISO 3166-1 alpha-2 country code", *s)
	}
	return nil
}

// checkCountries checks a list of country codes.
func checkCountries(field string, l *[]string, required bool) error {
	if err := checkList(field, l, required); err != nil {
		return err
	}
	for i := range *l {
		if err := checkCountry(field, &(*l)[i], true); err != nil {
			return err
		}
	}
	return nil
}
