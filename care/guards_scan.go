package care

// Hand-written scanners for the personal-data patterns that every message
// with digits runs. Each finds exactly what its regular expression finds
// with FindAllStringIndex (leftmost-first, greedy, ASCII \d and \s), in
// one pass without backtracking; TestScannersMatchPatterns and
// FuzzScanners hold them to the patterns.

// cardRuns returns the matches of digitsRe, `\d[\d -]{11,}\d`: from a
// digit, the longest run of digits, spaces and dashes that ends in a
// digit, 13 bytes or more.
func cardRuns(text string) [][]int {
	var out [][]int
	for i := 0; i < len(text); {
		if !isDigit(text[i]) {
			i++
			continue
		}
		last, j := i, i+1 // last digit of the run; end of the run
		for ; j < len(text) && (isDigit(text[j]) || text[j] == ' ' || text[j] == '-'); j++ {
			if isDigit(text[j]) {
				last = j
			}
		}
		if last-i+1 >= 13 {
			out = append(out, []int{i, last + 1})
		}
		// A later start inside the run ends at the same digit, shorter:
		// the next match starts after the run.
		i = j
	}
	return out
}

// phoneClass reports whether c is in phoneCandRe's class [\d\s().-].
func phoneClass(c byte) bool {
	switch c {
	case ' ', '\t', '\n', '\f', '\r', '(', ')', '.', '-':
		return true
	}
	return isDigit(c)
}

// phoneRuns returns the matches of phoneCandRe, `\+?\(?\d[\d\s().-]{5,}\d`:
// an optional "+" and "(" before a digit, then the longest run of digits,
// spaces, parentheses, dots and dashes that ends in a digit at least six
// bytes after the first.
func phoneRuns(text string) [][]int {
	var out [][]int
	for p := 0; p < len(text); {
		d := p // the first digit, after the optional "+" and "("
		if text[d] == '+' {
			d++
		}
		if d < len(text) && text[d] == '(' {
			d++
		}
		if d >= len(text) || !isDigit(text[d]) {
			p++
			continue
		}
		last, j := d, d+1 // last digit of the run; end of the run
		for ; j < len(text) && phoneClass(text[j]); j++ {
			if isDigit(text[j]) {
				last = j
			}
		}
		if last-d >= 6 {
			out = append(out, []int{p, last + 1})
			p = last + 1
			continue
		}
		// Every later start before the run's end has its first digit in
		// the run, and so ends at the same digit, shorter.
		p = j
	}
	return out
}
