package care

import "strings"

// Hand-written scanners for the personal-data patterns that every message
// with digits or an e-mail address runs. Each finds exactly what its regular expression finds
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

// labelByte reports whether c is in emailRe's domain class [A-Za-z0-9-].
func labelByte(c byte) bool {
	return isLetter(c) || isDigit(c) || c == '-'
}

// isLetter reports ASCII letters.
func isLetter(c byte) bool { return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' }

// emailRuns returns the matches of emailRe,
// `[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}`.
// A match holds exactly one '@' (neither class has it): it starts where
// the longest run of local-part bytes before that '@' starts (but not
// before the previous match's end) and ends after the domain domainEnd
// finds.
func emailRuns(text string) [][]int {
	var out [][]int
	from := 0 // the end of the previous match
	for at := strings.IndexByte(text, '@'); at >= 0; {
		s := at
		for s > from && emailByte(text[s-1]) {
			s--
		}
		if s < at {
			if end := domainEnd(text, at+1); end > 0 {
				out = append(out, []int{s, end})
				from = end
			}
		}
		next := strings.IndexByte(text[at+1:], '@')
		if next < 0 {
			break
		}
		at += 1 + next
	}
	return out
}

// domainEnd returns the end of emailRe's domain part starting at i, or -1.
// The labels are maximal runs (a shorter one would have to be followed by
// a dot, which no label byte is); the greedy repetition keeps as many
// labels as it can, so the final `\.[A-Za-z]{2,}` is the last label that
// starts with two letters, and the match ends after its leading letters.
func domainEnd(text string, i int) int {
	j := i
	for j < len(text) && labelByte(text[j]) {
		j++
	}
	if j == i {
		return -1
	}
	end := -1
	for j < len(text) && text[j] == '.' {
		k := j + 1
		for k < len(text) && labelByte(text[k]) {
			k++
		}
		if k == j+1 {
			break
		}
		l := j + 1
		for l < k && isLetter(text[l]) {
			l++
		}
		if l-(j+1) >= 2 {
			end = l
		}
		j = k
	}
	return end
}
