package breachdoc

import (
	"bytes"
	"fmt"
	"strings"
	"time"

	"codeberg.org/go-pdf/fpdf"

	"github.com/art28/art28"
)

// PDF renders d on A4 for people: the customer's staff, and the authority
// they may hand it to. It uses the PDF core font Helvetica, so that nothing
// is read from disk; see latin for what that means for letters outside
// Windows-1252.
func (d Documentation) PDF() ([]byte, error) { return d.pdf(true) }

// pdf renders d; tests turn compression off to read the text back.
func (d Documentation) pdf(compress bool) ([]byte, error) {
	w := newWriter(d, compress)
	w.cover()
	w.parties()
	w.breach()
	w.notification()
	w.timeline()
	w.notices()
	var b bytes.Buffer
	if err := w.f.Output(&b); err != nil {
		return nil, fmt.Errorf("breachdoc: render the PDF: %w", err)
	}
	return b.Bytes(), nil
}

// Page geometry, in millimetres.
const (
	margin     = 20.0
	lineHeight = 4.8
	pad        = 1.2 // above and below the text of a table row
	labelWidth = 58.0
	font       = "Helvetica"
)

// Colours, as RGB.
var (
	ink      = [3]int{33, 37, 41}
	muted    = [3]int{95, 99, 104}
	rule     = [3]int{190, 194, 199}
	headFill = [3]int{232, 236, 241}
	rowFill  = [3]int{247, 248, 250}
)

// writer lays the document out on pages, breaking them itself so that a
// table's header repeats and no row is cut by the library's own breaks.
type writer struct {
	d     Documentation
	f     *fpdf.Fpdf
	cp    func(string) string // UTF-8 to Windows-1252, the core fonts' encoding
	loc   *time.Location
	width float64 // between the margins
	// header redraws the current table's header after a page break; nil
	// outside tables.
	header func()
}

func newWriter(d Documentation, compress bool) *writer {
	f := fpdf.New("P", "mm", "A4", "")
	f.SetCompression(compress)
	f.SetMargins(margin, margin, margin)
	f.SetAutoPageBreak(false, margin)
	f.AliasNbPages("")
	f.SetTitle("Personal data breach: "+d.Incident.Title, true)
	f.SetSubject("Documentation of a personal data breach for "+d.Customer.LegalName+" (Art. 33 GDPR)", true)
	f.SetAuthor(d.Processor.LegalName, true)
	f.SetCreator("art28", false)
	f.SetLang("en")
	if !d.GeneratedAt.IsZero() {
		f.SetCreationDate(d.GeneratedAt)
		f.SetModificationDate(d.GeneratedAt)
	}
	loc, err := art28.LoadZone(d.TimeZone)
	if err != nil || d.TimeZone == "" {
		loc = time.UTC
	}
	pw, _ := f.GetPageSize()
	w := &writer{d: d, f: f, loc: loc, width: pw - 2*margin}
	w.cp = f.UnicodeTranslatorFromDescriptor("") // cp1252, embedded in the library
	f.SetFooterFunc(w.footer)
	f.AddPage()
	return w
}

// text readies s for the page: letters Windows-1252 lacks are folded by
// latin, the rest translated to the font's encoding.
func (w *writer) text(s string) string { return w.cp(latin(s, w.cp)) }

func (w *writer) color(c [3]int) { w.f.SetTextColor(c[0], c[1], c[2]) }

func (w *writer) footer() {
	f := w.f
	_, ph := f.GetPageSize()
	f.SetY(ph - margin + 6)
	f.SetFont(font, "", 8)
	w.color(muted)
	left := w.text(fmt.Sprintf("Breach documentation, incident %d, for %s", w.d.Incident.ID, w.d.Customer.LegalName))
	for f.GetStringWidth(left) > w.width*0.75-2 && len(left) > 4 { // a long name is cut, not run into the page number
		left = left[:len(left)-4] + "..."
	}
	f.CellFormat(w.width*0.75, 4, left, "", 0, "L", false, 0, "")
	f.CellFormat(w.width*0.25, 4, fmt.Sprintf("Page %d of {nb}", f.PageNo()), "", 0, "R", false, 0, "")
	w.color(ink)
}

// room reports whether h more millimetres fit on the page.
func (w *writer) room(h float64) bool {
	_, ph := w.f.GetPageSize()
	return w.f.GetY()+h <= ph-margin
}

func (w *writer) newPage() {
	w.f.AddPage()
	if w.header != nil {
		w.header()
	}
}

// when writes a time in the document's zone, with the zone's abbreviation.
func (w *writer) when(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.In(w.loc).Format("2006-01-02 15:04 MST")
}

func (w *writer) whenPtr(t *time.Time, none string) string {
	if t == nil {
		return none
	}
	return w.when(*t)
}

func (w *writer) cover() {
	f, d := w.f, w.d
	f.SetFont(font, "B", 18)
	w.color(ink)
	w.paragraph("Personal data breach", 8)
	f.SetFont(font, "", 11)
	w.color(muted)
	w.paragraph("Documentation for the controller's notification to its supervisory authority (Art. 33 GDPR)", 5.5)
	f.Ln(4)
	w.color(ink)
	zone := "Shown in " + w.loc.String()
	if w.loc != time.UTC {
		zone += ", the time zone of the agreement's terms"
	}
	w.fields([][2]string{
		{"Prepared for", d.Customer.LegalName},
		{"Prepared by", d.Processor.LegalName},
		{"Incident", fmt.Sprintf("%d: %s", d.Incident.ID, d.Incident.Title)},
		{"State", fmt.Sprintf("%s; latest notice: phase %d of %s", d.Incident.State, d.Breach.Phase, w.when(d.Breach.IssuedAt))},
		{"Generated", w.when(d.GeneratedAt)},
		{"Times", zone},
	})
	f.Ln(2)
	f.SetFont(font, "", 9)
	w.color(muted)
	w.paragraph("This document gathers what the processor has notified to the customer about a personal data breach, "+
		"with the customer's own figures only. Information given in phases (Art. 33(4)) is shown as it stands in the latest notice; "+
		"every notice as issued follows at the end.", lineHeight)
	w.color(ink)
}

func (w *writer) heading(s string) {
	if !w.room(8 + 8*lineHeight) { // keep a heading with what follows
		w.newPage()
	}
	if w.f.GetY() > margin+1 { // no gap at the top of a page
		w.f.Ln(5)
	}
	w.f.SetFont(font, "B", 13)
	w.color(ink)
	w.paragraph(s, 6.5)
	x, y := w.f.GetX(), w.f.GetY()
	w.f.SetDrawColor(rule[0], rule[1], rule[2])
	w.f.Line(x, y+0.5, x+w.width, y+0.5)
	w.f.Ln(2.5)
}

func (w *writer) subheading(s string) {
	if !w.room(6 + 3*lineHeight) {
		w.newPage()
	}
	w.f.Ln(2.5)
	w.f.SetFont(font, "B", 10.5)
	w.paragraph(s, 5.5)
	w.f.Ln(0.5)
}

// paragraph writes wrapped text across the width, in the current font.
func (w *writer) paragraph(s string, lh float64) {
	for _, line := range w.f.SplitLines([]byte(w.text(s)), w.width) {
		if !w.room(lh) {
			w.newPage()
		}
		w.f.SetX(margin)
		w.f.CellFormat(w.width, lh, string(line), "", 1, "L", false, 0, "")
	}
}

// fields writes label and value pairs as a two-column table; pairs with
// an empty value are left out.
func (w *writer) fields(rows [][2]string) {
	k := 0
	for _, r := range rows {
		if strings.TrimSpace(r[1]) == "" {
			continue
		}
		w.row([]string{r[0], r[1]}, []float64{labelWidth, w.width - labelWidth}, []string{"B", ""}, shade(k))
		k++
	}
}

// table writes a table whose header repeats on every page it spans.
func (w *writer) table(head []string, widths []float64, rows [][]string) {
	w.header = func() { w.row(head, widths, []string{"B", "B", "B"}, &headFill) }
	if !w.room(4 * lineHeight) {
		w.newPage() // draws the header
	} else {
		w.header()
	}
	for k, r := range rows {
		w.row(r, widths, nil, shade(k))
	}
	w.header = nil
}

// shade is the background of the k-th row of a table: every other one.
func shade(k int) *[3]int {
	if k%2 == 1 {
		return &rowFill
	}
	return nil
}

// row writes one table row: each cell wrapped to its width, the row as
// tall as its tallest cell, and split across pages when it does not fit.
// bg is the background, nil for none.
func (w *writer) row(cells []string, widths []float64, styles []string, bg *[3]int) {
	f := w.f
	lines := make([][][]byte, len(cells))
	n := 1
	for i, c := range cells {
		f.SetFont(font, style(styles, i), 9)
		lines[i] = f.SplitLines([]byte(w.text(c)), widths[i])
		n = max(n, len(lines[i]))
	}
	for k := 0; k < n; {
		_, ph := f.GetPageSize()
		fit := int((ph - margin - f.GetY() - 2*pad) / lineHeight)
		if fit < 1 {
			w.newPage()
			continue
		}
		m := min(n-k, fit)
		y, h := f.GetY(), float64(m)*lineHeight+2*pad
		x := margin
		f.SetDrawColor(rule[0], rule[1], rule[2])
		rect := "D"
		if bg != nil {
			f.SetFillColor(bg[0], bg[1], bg[2])
			rect = "FD"
		}
		for i := range cells {
			f.Rect(x, y, widths[i], h, rect)
			f.SetFont(font, style(styles, i), 9)
			for j := k; j < k+m && j < len(lines[i]); j++ {
				f.SetXY(x, y+pad+float64(j-k)*lineHeight)
				f.CellFormat(widths[i], lineHeight, string(lines[i][j]), "", 0, "L", false, 0, "")
			}
			x += widths[i]
		}
		f.SetXY(margin, y+h)
		if k += m; k < n {
			w.newPage()
		}
	}
}

func style(styles []string, i int) string {
	if i < len(styles) {
		return styles[i]
	}
	return ""
}

func (w *writer) parties() {
	d := w.d
	w.heading("1. The parties")
	customer := d.Customer.LegalName
	if d.Customer.Role == string(art28.CustomerProcessor) && d.Customer.UpstreamController != "" {
		customer += " (a processor for the controller " + d.Customer.UpstreamController + ")"
	}
	w.fields([][2]string{
		{"Customer", customer},
		{"Customer's address", joinNonEmpty(", ", d.Customer.Address, d.Customer.Country)},
		{"Processor", d.Processor.LegalName},
		{"Processor's address", joinNonEmpty(", ", d.Processor.Address, d.Processor.Country)},
		{"Processor's data protection officer", joinNonEmpty(", ", d.Processor.DPO.Name, d.Processor.DPO.Email, d.Processor.DPO.Phone)},
		{"Processor's representative (Art. 27)", joinNonEmpty(", ", d.Processor.Representative.Name, d.Processor.Representative.Address)},
		{"Processor's lead supervisory authority", d.Processor.SupervisoryAuthority},
	})
}

func (w *writer) breach() {
	d, b := w.d, w.d.Breach
	open := func(part art28.NoticePart, v string) string {
		if strings.TrimSpace(v) != "" {
			return v
		}
		for _, p := range b.ToFollow {
			if p == string(part) {
				return "To follow."
			}
		}
		return "Not given."
	}
	count := func(part art28.NoticePart, v *int64) string {
		if v == nil {
			return open(part, "")
		}
		return fmt.Sprintf("about %d", *v)
	}
	w.heading("2. The breach (Art. 33(3)(a))")
	w.fields([][2]string{
		{"Incident", d.Incident.Title},
		{"What happened", d.Incident.Description},
		{"Nature of the breach", open(art28.PartNature, b.Nature)},
		{"Categories of personal data", strings.Join(b.DataCategories, ", ")},
		{"Data subjects concerned", count(art28.PartSubjects, b.Subjects)},
		{"Personal data records concerned", count(art28.PartRecords, b.Records)},
		{"Detected", w.when(d.Incident.DetectedAt)},
		{"Processor aware", w.when(d.Incident.AwareAt)},
	})
	if newer := w.newerFigures(); newer != "" {
		w.f.Ln(1.5)
		w.f.SetFont(font, "I", 9)
		w.color(muted)
		w.paragraph(newer, lineHeight)
		w.color(ink)
	}

	w.heading("3. Contact point (Art. 33(3)(b))")
	w.fields([][2]string{{"Data protection officer or other contact point", open(art28.PartDPO, b.DPO)}})

	w.heading("4. Likely consequences (Art. 33(3)(c))")
	w.fields([][2]string{{"Likely consequences", open(art28.PartConsequences, b.Consequences)}})

	w.heading("5. Measures taken or proposed (Art. 33(3)(d))")
	w.fields([][2]string{
		{"Measures", open(art28.PartMeasures, b.Measures)},
		{"Client-side encryption (L3)", encrypted(b.ClientSideEncrypted)},
		{"Mitigating factors", b.Mitigation},
	})

	w.heading("6. Still to follow (Art. 33(4))")
	if len(b.ToFollow) == 0 {
		w.f.SetFont(font, "", 10)
		w.paragraph(fmt.Sprintf("Nothing: the latest notice (phase %d) gives every part.", b.Phase), 5)
		return
	}
	w.f.SetFont(font, "", 10)
	w.paragraph(fmt.Sprintf("The latest notice (phase %d) says these will follow in a later phase:", b.Phase), 5)
	for _, p := range b.ToFollow {
		w.paragraph("-  "+partNames[p], 5)
	}
}

// newerFigures says so when the register's figures for the customer have
// moved on since its latest notice.
func (w *writer) newerFigures() string {
	i, b := w.d.Incident, w.d.Breach
	if eq(i.Subjects, b.Subjects) && eq(i.Records, b.Records) {
		return ""
	}
	n := func(v *int64) string {
		if v == nil {
			return "not yet known"
		}
		return fmt.Sprintf("about %d", *v)
	}
	return fmt.Sprintf("The processor's incident register now holds newer figures for the customer than the latest notice: "+
		"data subjects %s, records %s. The next notice will give them.", n(i.Subjects), n(i.Records))
}

func eq(a, b *int64) bool { return a == nil && b == nil || a != nil && b != nil && *a == *b }

// encrypted is the line a notice's client-side encryption prints as,
// empty (no line) when the notice did not state it.
func encrypted(yes bool) string {
	if !yes {
		return ""
	}
	return "A mitigating factor: the data concerned were encrypted on the customer's side before they reached the processor, " +
		"which holds no key to read them."
}

// partNames are the parts of a notice as the document names them.
var partNames = map[string]string{
	string(art28.PartNature):       "the nature of the breach",
	string(art28.PartSubjects):     "the approximate number of data subjects concerned",
	string(art28.PartRecords):      "the approximate number of personal data records concerned",
	string(art28.PartDPO):          "the data protection officer or other contact point",
	string(art28.PartConsequences): "the likely consequences",
	string(art28.PartMeasures):     "the measures taken or proposed",
}

func (w *writer) notification() {
	w.heading("7. Notification by the processor")
	for k, a := range w.d.Agreements {
		if k > 0 {
			w.f.Ln(3)
		}
		timely := "Not yet notified."
		if a.OnTime != nil && *a.OnTime {
			timely = "On time."
		} else if a.OnTime != nil {
			timely = "Late by " + Minutes(a.LateMinutes) + "."
		}
		period := a.Period
		if period == "" {
			period = "not set"
		}
		w.fields([][2]string{
			{"Agreement", fmt.Sprintf("%d", a.ID)},
			{"Notified under", strings.Join(a.ClauseIDs, ", ")},
			{"Period", period},
			{"Processor aware", w.when(a.AwareAt)},
			{"Deadline", w.when(a.DueAt)},
			{"First notice", w.whenPtr(a.NotifiedAt, "not yet sent")},
			{"Timeliness", timely},
			{"Phases sent", fmt.Sprintf("%d", len(a.Phases))},
			{"Acknowledged by the customer", w.whenPtr(a.AcknowledgedAt, "not yet")},
		})
	}
}

func (w *writer) timeline() {
	w.heading("8. Timeline")
	rows := make([][]string, len(w.d.Timeline))
	for k, e := range w.d.Timeline {
		rows[k] = []string{w.when(e.At), e.Summary}
	}
	w.table([]string{"When", "What"}, []float64{42, w.width - 42}, rows)
}

func (w *writer) notices() {
	w.heading("9. The notices as issued")
	for _, a := range w.d.Agreements {
		for _, p := range a.Phases {
			w.subheading(fmt.Sprintf("Agreement %d, phase %d: %s", a.ID, p.Phase, w.when(p.IssuedAt)))
			c := p.Content
			num := func(v *int64) string {
				if v == nil {
					return ""
				}
				return fmt.Sprintf("about %d", *v)
			}
			follow := make([]string, len(c.ToFollow))
			for i, part := range c.ToFollow {
				follow[i] = partNames[part]
			}
			ack := ""
			if p.AcknowledgedAt != nil {
				ack = w.when(*p.AcknowledgedAt) + by(p.AcknowledgedBy)
			}
			w.fields([][2]string{
				{"Issued by", p.IssuedBy},
				{"Nature", c.Nature},
				{"Categories of personal data", strings.Join(c.DataCategories, ", ")},
				{"Data subjects concerned", num(c.Subjects)},
				{"Records concerned", num(c.Records)},
				{"Contact point", c.DPO},
				{"Likely consequences", c.Consequences},
				{"Measures", c.Measures},
				{"Client-side encryption (L3)", encrypted(c.ClientSideEncrypted)},
				{"Mitigating factors", c.Mitigation},
				{"To follow", strings.Join(follow, "; ")},
				{"Acknowledged", ack},
			})
		}
	}
}

func joinNonEmpty(sep string, parts ...string) string {
	var out []string
	for _, p := range parts {
		if p = strings.TrimSpace(p); p != "" {
			out = append(out, p)
		}
	}
	return strings.Join(out, sep)
}
