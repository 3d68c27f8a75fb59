// Package browsertest holds the console's browser tests: chromedp drives
// headless Chromium through the console's three views, on a desk of
// in-memory fakes. It is a module of its own, so that chromedp, which only
// these tests need, never reaches the go.sum of a program that imports the
// console. Run them from this directory:
//
//	cd console/internal/browsertest && go test -v ./...
//
// They read Chromium's path from SOCIALCARE_TEST_CHROMIUM, else use
// /usr/bin/chromium, and skip, saying so, when there is none; .ci/run
// installs it (.ci/chromium.sh) and fails if they skip. With
// -console.screenshots=dir, TestBrowserScreenshots writes the README's
// screenshots (docs/console-*.png) there.
package browsertest
