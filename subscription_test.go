package art28_test

import (
	"testing"

	"github.com/art28/art28"
)

func TestSubscriberValidate(t *testing.T) {
	s := art28.Subscriber{Email: "  Reader@Example.COM "}
	if err := s.Validate(); err != nil || s.Email != "reader@example.com" || s.Language != "en" {
		t.Fatalf("normalised: %v %+v", err, s)
	}
	for _, tc := range []struct {
		s     art28.Subscriber
		field string
	}{
		{art28.Subscriber{}, "email"},
		{art28.Subscriber{Email: "no address"}, "email"},
		{art28.Subscriber{Email: "Reader <reader@example.com>"}, "email"},
		{art28.Subscriber{Email: "reader@example.com", Language: "it"}, "language"},
	} {
		if err := tc.s.Validate(); art28.ErrorCode(err) != art28.EINVALID || art28.ErrorField(err) != tc.field {
			t.Errorf("%+v: %v, want an error naming %s", tc.s, err, tc.field)
		}
	}
	if !art28.IsPublicActor(art28.PublicActor("192.0.2.1")) || art28.IsPublicActor(art28.SystemActor) ||
		art28.IsPublicActor(art28.Actor{UserID: 5, Name: "public"}) {
		t.Error("IsPublicActor tells the wrong actors apart")
	}
}
