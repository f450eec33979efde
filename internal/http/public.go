package http

import (
	"bytes"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/art28/art28"
)

// publicRoutes are the pages anyone may read without signing in: the
// trust page's sub-processor list in its four forms, and the e-mail
// subscription to its changes. They read the store as art28.PublicActor.
func (s *Server) publicRoutes() []Route {
	return []Route{
		{Pattern: "GET /subprocessors", Handle: s.publicPage(s.publicListPage)},
		{Pattern: "GET /subprocessors.json", Handle: s.publicJSON},
		{Pattern: "GET /subprocessors.csv", Handle: s.publicPage(s.publicCSV)},
		{Pattern: "GET /subprocessors.atom", Handle: s.publicPage(s.publicAtom)},
		{Pattern: "POST /subprocessors/subscribe", Handle: s.publicPage(s.publicSubscribe)},
		{Pattern: "GET /subprocessors/confirm", Handle: s.publicPage(s.publicConfirm)},
		{Pattern: "GET /subprocessors/unsubscribe", Handle: s.publicPage(s.publicUnsubscribeForm)},
		{Pattern: "POST /subprocessors/unsubscribe", Handle: s.publicPage(s.publicUnsubscribe)},
	}
}

// publicCacheAge is how long a client or a shared cache may keep the list
// without asking again; after it, ETag and Last-Modified make asking cheap.
const publicCacheAge = 300

// publicView is what every public page template receives.
type publicView struct {
	Title     string
	Processor string // the processor's name, for the header
	CSRF      string // only for a signed-in visitor, whose session guards its forms
	Flash     string
	Data      any
}

// publicPage turns a public handler's error into a public page: the
// visitor has no account, so the signed-in layout and its sign-in
// redirect are not for them.
func (s *Server) publicPage(h handlerFunc) handlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		err := h(w, r)
		if err == nil {
			return nil
		}
		if art28.ErrorCode(err) == art28.EINTERNAL {
			s.log.Error("request failed", "method", r.Method, "path", r.URL.Path, "err", err)
		}
		status, d := errorStatus(err)
		title := "Something went wrong"
		switch d.Code {
		case art28.ENOTFOUND:
			title = "Link not valid"
		case art28.ETOOMANY:
			title = "Too many requests"
		}
		w.Header().Set("Cache-Control", "no-store")
		if rerr := s.renderPublic(w, r, status, "public_message", title, "", publicMessage{Title: title, Text: d.Message, Error: true}); rerr != nil {
			s.log.Error("render public error page", "err", rerr)
			http.Error(w, d.Message, status)
		}
		return nil
	}
}

// publicMessage is the data of public_message.
type publicMessage struct {
	Title, Text string
	Error       bool
}

// renderPublic writes a public page in the public layout.
func (s *Server) renderPublic(w http.ResponseWriter, r *http.Request, status int, page, title, processor string, data any) error {
	body, err := s.publicHTML(r, page, title, processor, data)
	if err != nil {
		return err
	}
	htmlHeaders(w.Header())
	w.WriteHeader(status)
	_, err = w.Write(body)
	return err
}

// publicHTML renders a public page to bytes, so that a template error is a
// clean 500 and a whole page can be hashed for its ETag.
func (s *Server) publicHTML(r *http.Request, page, title, processor string, data any) ([]byte, error) {
	t, ok := pages[page]
	if !ok {
		return nil, art28.Errorf(art28.EINTERNAL, "no page %q", page)
	}
	v := publicView{Title: title, Processor: processor, Flash: r.URL.Query().Get("flash"), Data: data}
	if sess, ok := sessionFrom(r.Context()); ok {
		v.CSRF = sess.CSRFToken
	}
	var buf bytes.Buffer
	if err := t.ExecuteTemplate(&buf, "public_layout", v); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

func htmlHeaders(h http.Header) {
	h.Set("Content-Type", "text/html; charset=utf-8")
	h.Set("Content-Security-Policy", "default-src 'self'; img-src 'self' data:; form-action 'self'; frame-ancestors 'none'")
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Referrer-Policy", "same-origin")
}

// serveCached writes a representation of the list with its validators:
// a strong ETag that hashes the bytes, and Last-Modified, the latest change
// to what it shows. http.ServeContent answers If-None-Match and
// If-Modified-Since (304), HEAD and ranges. A page that carries a signed-in
// visitor's form token is theirs alone: it is not for shared caches.
func serveCached(w http.ResponseWriter, r *http.Request, contentType string, body []byte, modified time.Time, personal bool) {
	sum := sha256.Sum256(body)
	h := w.Header()
	h.Set("ETag", `"`+base64.RawURLEncoding.EncodeToString(sum[:18])+`"`)
	h.Set("Content-Type", contentType)
	h.Set("X-Content-Type-Options", "nosniff")
	if personal {
		h.Set("Cache-Control", "private, no-cache")
	} else {
		h.Set("Cache-Control", "public, max-age="+strconv.Itoa(publicCacheAge))
	}
	http.ServeContent(w, r, "", modified.Truncate(time.Second), bytes.NewReader(body))
}

// publicSubscribeForm is the subscription form as the visitor filled it in.
type publicSubscribeForm struct {
	Email, Language string
	Error           *formError
}

// publicListData is the data of public_subprocessors.
type publicListData struct {
	publicList
	History   []publicChange // completed and withdrawn changes, latest first
	Updated   time.Time
	Picture   *listPicture // three transferRegions side by side
	Narrow    *listPicture // the same, stacked, for narrow screens
	Form      publicSubscribeForm
	Languages [][2]string
}

var subscriptionLanguages = [][2]string{{"en", "English"}, {"de", "Deutsch"}, {"fr", "Français"}}

func (s *Server) publicListPage(w http.ResponseWriter, r *http.Request) error {
	st, err := s.loadPublic(publicContext(r.Context(), remoteAddr(r)))
	if err != nil {
		return err
	}
	body, err := s.listHTML(r, st, publicSubscribeForm{Language: "en"})
	if err != nil {
		return err
	}
	htmlHeaders(w.Header())
	w.Header().Set("Vary", "Cookie")
	_, personal := sessionFrom(r.Context())
	serveCached(w, r, "text/html; charset=utf-8", body, st.Modified, personal)
	return nil
}

func (s *Server) listHTML(r *http.Request, st *publicState, form publicSubscribeForm) ([]byte, error) {
	l := st.list()
	data := publicListData{publicList: l, Updated: st.Modified, Picture: drawPicture(l.Subprocessors, 3),
		Narrow: drawPicture(l.Subprocessors, 1), Form: form, Languages: subscriptionLanguages}
	for _, c := range st.Changes {
		if c.State != art28.ChangeAnnounced {
			data.History = append(data.History, st.change(c))
		}
	}
	title := "Sub-processors"
	if st.Profile.LegalName != "" {
		title += " · " + st.Profile.LegalName
	}
	return s.publicHTML(r, "public_subprocessors", title, st.Profile.LegalName, data)
}

func (s *Server) publicJSON(w http.ResponseWriter, r *http.Request) error {
	st, err := s.loadPublic(publicContext(r.Context(), remoteAddr(r)))
	if err != nil {
		writeAPIError(w, err)
		return nil
	}
	body, err := json.MarshalIndent(st.list(), "", "  ")
	if err != nil {
		return err
	}
	w.Header().Set("Access-Control-Allow-Origin", "*") // public data, for anyone's page or tool
	serveCached(w, r, "application/json", append(body, '\n'), st.Modified, false)
	return nil
}

// publicCSV is the list in the register's public columns: what
// art28.WriteSubprocessorsCSV writes with public set, so that it reads
// back with the register's import.
func (s *Server) publicCSV(w http.ResponseWriter, r *http.Request) error {
	st, err := s.loadPublic(publicContext(r.Context(), remoteAddr(r)))
	if err != nil {
		return err
	}
	var buf bytes.Buffer
	if err := art28.WriteSubprocessorsCSV(&buf, st.Listed, st.serviceName, true); err != nil {
		return err
	}
	w.Header().Set("Content-Disposition", `attachment; filename="subprocessors.csv"`)
	w.Header().Set("Access-Control-Allow-Origin", "*")
	serveCached(w, r, "text/csv; charset=utf-8", buf.Bytes(), st.Modified, false)
	return nil
}

func (s *Server) publicAtom(w http.ResponseWriter, r *http.Request) error {
	st, err := s.loadPublic(publicContext(r.Context(), remoteAddr(r)))
	if err != nil {
		return err
	}
	body, err := writeAtom(st, s.baseURL(r), r.Host)
	if err != nil {
		return err
	}
	serveCached(w, r, "application/atom+xml; charset=utf-8", body, st.Modified, false)
	return nil
}

// publicSubscribe asks for a subscription. The answer is the same whether
// the address is new, pending or already subscribed; a bad address or
// language re-renders the page with the error next to the field.
func (s *Server) publicSubscribe(w http.ResponseWriter, r *http.Request) error {
	if s.svc.Subscriptions == nil {
		return art28.Errorf(art28.EUNAVAILABLE, "Subscriptions are not available on this server.")
	}
	form := publicSubscribeForm{Email: strings.TrimSpace(r.PostFormValue("email")), Language: r.PostFormValue("language")}
	ip, acct := "subscribe-ip:"+remoteAddr(r), "subscribe:"+strings.ToLower(form.Email)
	if !s.limiter.allow(acct, ip) {
		return art28.Errorf(art28.ETOOMANY, "Too many subscription requests; wait 15 minutes and try again.")
	}
	ctx := publicContext(r.Context(), remoteAddr(r))
	err := s.svc.Subscriptions.Subscribe(ctx, form.Email, form.Language)
	if status, ok := correctable(err); ok {
		st, lerr := s.loadPublic(ctx)
		if lerr != nil {
			return lerr
		}
		form.Error = toFormError(err)
		body, rerr := s.listHTML(r, st, form)
		if rerr != nil {
			return rerr
		}
		htmlHeaders(w.Header())
		w.Header().Set("Cache-Control", "no-store")
		w.WriteHeader(status)
		_, err = w.Write(body)
		return err
	}
	if err != nil {
		return err
	}
	// Each request counts against the limits, whatever it did, so that
	// the form cannot flood one mailbox or be scripted from one address.
	s.limiter.fail(acct, ip)
	// The address stays out of the message: it would go into the URL.
	return redirect(w, r, "/subprocessors#subscribe", "Thank you. Unless the address is subscribed already, a confirmation "+
		"link is on its way to it: open it within 48 hours to start your subscription.")
}

func (s *Server) publicConfirm(w http.ResponseWriter, r *http.Request) error {
	if s.svc.Subscriptions == nil {
		return art28.Errorf(art28.EUNAVAILABLE, "Subscriptions are not available on this server.")
	}
	sub, err := s.svc.Subscriptions.Confirm(publicContext(r.Context(), remoteAddr(r)), r.URL.Query().Get("token"))
	if err != nil {
		return err
	}
	w.Header().Set("Cache-Control", "no-store")
	return s.renderPublic(w, r, http.StatusOK, "public_message", "Subscription confirmed", "", publicMessage{
		Title: "Subscription confirmed",
		Text: "We will write to " + sub.Email + " whenever we announce a change to our sub-processors. " +
			"Every message has a link that ends the subscription in one click.",
	})
}

// publicUnsubscribeData is the data of public_unsubscribe.
type publicUnsubscribeData struct{ Action string }

// publicUnsubscribeForm shows a button, not the unsubscription itself: a
// link checker or a mail scanner that opens the link must not end it.
func (s *Server) publicUnsubscribeForm(w http.ResponseWriter, r *http.Request) error {
	token := r.URL.Query().Get("token")
	if token == "" {
		return art28.Errorf(art28.ENOTFOUND, "This unsubscribe link is incomplete; use the link in the latest message as it is.")
	}
	w.Header().Set("Cache-Control", "no-store")
	return s.renderPublic(w, r, http.StatusOK, "public_unsubscribe", "Unsubscribe", "",
		publicUnsubscribeData{Action: "/subprocessors/unsubscribe?token=" + url.QueryEscape(token)})
}

// publicUnsubscribe ends a subscription: the button of the page above, or
// a mail client's one-click unsubscribe (RFC 8058), which posts
// "List-Unsubscribe=One-Click" to the URI of the message's List-Unsubscribe
// header, token in the query, with no cookie and no form token.
func (s *Server) publicUnsubscribe(w http.ResponseWriter, r *http.Request) error {
	if s.svc.Subscriptions == nil {
		return art28.Errorf(art28.EUNAVAILABLE, "Subscriptions are not available on this server.")
	}
	token := r.URL.Query().Get("token")
	if token == "" {
		token = r.PostFormValue("token")
	}
	if err := s.svc.Subscriptions.Unsubscribe(publicContext(r.Context(), remoteAddr(r)), token); err != nil {
		return err
	}
	w.Header().Set("Cache-Control", "no-store")
	return s.renderPublic(w, r, http.StatusOK, "public_message", "Unsubscribed", "", publicMessage{
		Title: "Unsubscribed",
		Text:  "You will receive no more messages about changes to our sub-processors. The list stays here for you to look at.",
	})
}
