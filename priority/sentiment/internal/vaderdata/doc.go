// Package vaderdata embeds VADER's word and emoji lexicons, under the MIT
// licence of their authors (see LICENSE in this directory, which must travel
// with the files).
//
// Provenance: the rawdata/ files of github.com/jonreiter/govader at
// v0.0.0-20250429093935-f6505c8d03cc, byte for byte what govader's own
// data.Asset returns:
//
//   - emoji_utf8_lexicon.tsv is rawdata/emojiUTF8Lexicon.txt unchanged
//     (sha256 25b217601fb59d4ed8f89360b719ddb4f352a40df0743f1cfb6f8150d02eb83a).
//   - vader_lexicon.tsv is the first two columns (token, mean valence) of
//     rawdata/vaderLexicon.txt (sha256
//     b70b105b9172d1f5b80cbe14f18afebd1b5abc11546a123b4648ae7d6644d085),
//     made with `cut -f1,2`: the standard deviation and the ten raters'
//     scores are not used by the algorithm.
//
// Embedding them replaces the dependency on govader, whose go.mod (go 1.14,
// so not pruned) put gonum and its plotting dependencies in every
// importer's go.sum although only these files were used.
package vaderdata

import _ "embed"

// Lexicon is VADER's word lexicon: one "token<TAB>valence" line per entry.
//
//go:embed vader_lexicon.tsv
var Lexicon []byte

// Emoji is VADER's emoji lexicon: one "emoji<TAB>description" line per
// entry; a text's emoji are replaced by their descriptions before scoring.
//
//go:embed emoji_utf8_lexicon.tsv
var Emoji []byte
