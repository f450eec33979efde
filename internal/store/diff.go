package store

import (
	"fmt"
	"reflect"
	"strings"
)

// changes summarises, for the activity record, the JSON fields whose values
// differ between two records of the same struct type: "country: FR -> DE".
func changes(before, after any) string {
	b, a := reflect.ValueOf(before).Elem(), reflect.ValueOf(after).Elem()
	t := b.Type()
	var out []string
	for i := 0; i < t.NumField(); i++ {
		name, _, _ := strings.Cut(t.Field(i).Tag.Get("json"), ",")
		if name == "" || name == "-" || name == "updated_at" || name == "created_at" {
			continue
		}
		x, y := b.Field(i).Interface(), a.Field(i).Interface()
		if !reflect.DeepEqual(x, y) {
			out = append(out, fmt.Sprintf("%s: %v -> %v", name, short(x), short(y)))
		}
	}
	if len(out) == 0 {
		return "no change"
	}
	return strings.Join(out, "; ")
}

func short(v any) string {
	s := fmt.Sprint(v)
	if len(s) > 80 {
		s = s[:77] + "..."
	}
	return s
}
