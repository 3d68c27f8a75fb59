//go:build !race

package main

// raceEnabled reports that the tests run with the race detector: the desk
// processes they start are built with it too.
const raceEnabled = false
