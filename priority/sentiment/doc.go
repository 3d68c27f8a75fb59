// Package sentiment is a fast, allocation-free VADER sentiment analyser.
//
// It computes the same scores as github.com/jonreiter/govader (a Go port of
// C.J. Hutto's VADER), from the same lexicons, but looks each token up once
// in a merged table and reuses its buffers, so that it costs a fraction of
// the reference per message. The package tests check that the compound
// score equals govader's within 0.001 on every customer message of the
// project's real data set.
//
// Like VADER, it is tuned for English social-media text; other languages
// mostly score as neutral.
package sentiment
