//go:build !race

package sentiment_test

const raceEnabled = false
