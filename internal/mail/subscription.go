package mail

import (
	"maps"
	"slices"
	"strings"

	"github.com/art28/art28"
)

// Template names of the messages to subscribers of the public list.
const (
	NoticeSubscriptionConfirm = "subscription_confirm"
	NoticeListChange          = "list_change"
)

// SubscriptionConfirm is the data of the "subscription_confirm" message:
// the link that confirms a subscription to the public list (double
// opt-in). The link works for art28.ConfirmLinkTTL, which the message
// states as 48 hours.
type SubscriptionConfirm struct {
	ProcessorName string
	ConfirmURL    string
	ListURL       string // may be empty
}

// Validate reports the first field the message cannot be written without.
func (d SubscriptionConfirm) Validate() error {
	if err := required(map[string]string{"ProcessorName": d.ProcessorName, "ConfirmURL": d.ConfirmURL}); err != nil {
		return err
	}
	return oneLine(map[string]string{"ProcessorName": d.ProcessorName})
}

// ListChange is the data of the "list_change" message: an announced change
// to the list, as a subscriber who is not a party to any agreement reads
// it. All strings are ready to show, in the message's language.
type ListChange struct {
	ProcessorName       string
	Kind                string // ChangeAdd, ChangeReplace, ...
	SubprocessorName    string
	ReplacesName        string // for Kind "replace"; may be empty
	SubprocessorCountry string // the country name
	Purpose             string
	Safeguard           string // in words; may be empty
	Summary             string // what and why, as announced
	EffectiveFrom       string // a date; may be empty
	ListURL             string
	UnsubscribeURL      string // one click ends the subscription
}

// Validate reports the first field the message cannot be written without.
func (d ListChange) Validate() error {
	switch d.Kind {
	case ChangeAdd, ChangeReplace, ChangeRemove, ChangeLocation, ChangePurpose:
	default:
		return art28.FieldError("Kind", "%q is not one of add, replace, remove, location, purpose", d.Kind)
	}
	if err := required(map[string]string{"ProcessorName": d.ProcessorName, "SubprocessorName": d.SubprocessorName,
		"SubprocessorCountry": d.SubprocessorCountry, "ListURL": d.ListURL, "UnsubscribeURL": d.UnsubscribeURL}); err != nil {
		return err
	}
	// These go into the subject line, which must stay one line.
	return oneLine(map[string]string{"ProcessorName": d.ProcessorName, "SubprocessorName": d.SubprocessorName,
		"ReplacesName": d.ReplacesName})
}

// required names the first empty field, in name order so that the error
// does not depend on map order.
func required(fields map[string]string) error {
	for _, name := range sortedKeys(fields) {
		if strings.TrimSpace(fields[name]) == "" {
			return art28.FieldError(name, "is required")
		}
	}
	return nil
}

// oneLine names the first field with a line break.
func oneLine(fields map[string]string) error {
	for _, name := range sortedKeys(fields) {
		if strings.ContainsAny(fields[name], "\r\n") {
			return art28.FieldError(name, "contains a line break")
		}
	}
	return nil
}

func sortedKeys(m map[string]string) []string { return slices.Sorted(maps.Keys(m)) }
