package queue_test

import (
	"go/ast"
	"go/parser"
	"go/token"
	"reflect"
	"regexp"
	"testing"

	"github.com/socialcare/socialcare/queue"
)

// TestAliasDocsListEveryField keeps the field lists in the doc comments of
// the types queue re-exports from queuedriver (what go doc shows users) in
// step with the fields the types have: each exported field must appear in
// its alias's list with its type, and nothing else.
func TestAliasDocsListEveryField(t *testing.T) {
	t.Parallel()
	types := map[string]reflect.Type{
		"Item":    reflect.TypeFor[queue.Item](),
		"Filter":  reflect.TypeFor[queue.Filter](),
		"Agent":   reflect.TypeFor[queue.Agent](),
		"Weights": reflect.TypeFor[queue.Weights](),
		"Stats":   reflect.TypeFor[queue.Stats](),
	}
	f, err := parser.ParseFile(token.NewFileSet(), "queue.go", nil, parser.ParseComments)
	if err != nil {
		t.Fatal(err)
	}
	docs := map[string]string{}
	for _, d := range f.Decls {
		g, ok := d.(*ast.GenDecl)
		if !ok || g.Tok != token.TYPE {
			continue
		}
		for _, sp := range g.Specs {
			ts := sp.(*ast.TypeSpec)
			if ts.Assign.IsValid() && ts.Doc != nil {
				docs[ts.Name.Name] = ts.Doc.Text()
			}
		}
	}
	line := regexp.MustCompile(`(?m)^\t(\w+) +(\S+) +//`)
	for name, typ := range types {
		doc, ok := docs[name]
		if !ok {
			t.Errorf("queue.%s: no alias with a doc comment in queue.go", name)
			continue
		}
		listed := map[string]string{}
		for _, m := range line.FindAllStringSubmatch(doc, -1) {
			listed[m[1]] = m[2]
		}
		for i := range typ.NumField() {
			fl := typ.Field(i)
			if !fl.IsExported() {
				continue
			}
			got, ok := listed[fl.Name]
			if !ok {
				t.Errorf("queue.%s: the doc comment does not list field %s %v", name, fl.Name, fl.Type)
				continue
			}
			if want := typeName(fl.Type); got != want {
				t.Errorf("queue.%s: the doc comment lists %s as %s, want %s", name, fl.Name, got, want)
			}
			delete(listed, fl.Name)
		}
		for f := range listed {
			t.Errorf("queue.%s: the doc comment lists %s, which is not a field", name, f)
		}
	}
}

// typeName spells t as the doc comments do, from within package queue.
func typeName(t reflect.Type) string {
	switch t.Kind() {
	case reflect.Slice:
		return "[]" + typeName(t.Elem())
	case reflect.Map:
		return "map[" + typeName(t.Key()) + "]" + typeName(t.Elem())
	}
	if t.Kind() == reflect.Uint8 && t.PkgPath() == "" {
		return "byte"
	}
	if t.PkgPath() == "time" {
		return "time." + t.Name()
	}
	return t.Name()
}
