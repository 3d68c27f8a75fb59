// Package strictjson decodes a configuration document strictly, as the
// ParseConfig functions of situation and priority do: unknown fields,
// trailing data and wrong types are errors that name the field, which each
// package wraps in its own ConfigError.
package strictjson

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"
)

// Document is the field named by errors about the document as a whole.
const Document = "(document)"

// Decode decodes data, one JSON value, into v, refusing unknown fields and
// trailing data. On failure it returns the JSON path of the bad field (or
// Document) and what is wrong with it.
func Decode(data []byte, v any) (field string, err error) {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return describe(err)
	}
	if _, err := dec.Token(); err != io.EOF {
		return Document, errors.New("trailing data after the JSON object")
	}
	return "", nil
}

// describe names the field a decoding error is about and says what is
// wrong with it.
func describe(err error) (field string, _ error) {
	var te *json.UnmarshalTypeError
	if errors.As(err, &te) {
		f := te.Field
		if f == "" {
			f = Document
		}
		return f, fmt.Errorf("want %s, got JSON %s: %w", te.Type, te.Value, err)
	}
	if name, ok := strings.CutPrefix(err.Error(), "json: unknown field "); ok {
		f := strings.Trim(name, `"`)
		if f == "" {
			f = `""`
		}
		return f, fmt.Errorf("unknown field: %w", err)
	}
	return Document, fmt.Errorf("malformed JSON: %w", err)
}
