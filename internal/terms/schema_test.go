package terms_test

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/pb33f/jsonschema/v6"
	"go.yaml.in/yaml/v3"
)

// The JSON Schema of the format (docs/terms.schema.json), checked by a
// validator the project did not write, accepts the seed terms and the
// minimal file, and refuses what the parser refuses.
func TestSchemaAgreesWithParser(t *testing.T) {
	raw, err := os.ReadFile("../../docs/terms.schema.json")
	if err != nil {
		t.Fatal(err)
	}
	doc, err := jsonschema.UnmarshalJSON(bytes.NewReader(raw))
	if err != nil {
		t.Fatal(err)
	}
	c := jsonschema.NewCompiler()
	if err := c.AddResource("terms.schema.json", doc); err != nil {
		t.Fatal(err)
	}
	schema, err := c.Compile("terms.schema.json")
	if err != nil {
		t.Fatal(err)
	}
	validate := func(src []byte) error {
		var v any
		if err := yaml.Unmarshal(src, &v); err != nil {
			return err
		}
		// Round-trip through JSON, so that the validator sees JSON types.
		j, err := json.Marshal(v)
		if err != nil {
			return err
		}
		inst, err := jsonschema.UnmarshalJSON(bytes.NewReader(j))
		if err != nil {
			return err
		}
		return schema.Validate(inst)
	}
	files, _ := filepath.Glob("../../examples/*.yaml")
	for _, f := range files {
		data, _ := os.ReadFile(f)
		if err := validate(data); err != nil {
			t.Errorf("%s: %v", f, err)
		}
	}
	if err := validate([]byte(minimal)); err != nil {
		t.Errorf("minimal: %v", err)
	}
	for _, bad := range []string{
		minimal + "colour: blue\n",
		strings.Replace(minimal, "14 working days", "14 workdays", 1),
		strings.Replace(minimal, "14 working days", "without undue delay", 1),
		minimal + "    objection: maybe\n",
		"terms: x\n",
	} {
		if validate([]byte(bad)) == nil {
			t.Errorf("the schema accepts what the parser refuses:\n%s", bad)
		}
	}
}
