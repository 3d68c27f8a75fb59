module github.com/socialcare/socialcare/priority/sentiment/internal/govaderref

go 1.26.0

require (
	github.com/jonreiter/govader v0.0.0-20250429093935-f6505c8d03cc
	github.com/socialcare/socialcare v0.0.0
)

require (
	golang.org/x/text v0.43.0 // indirect
	gonum.org/v1/gonum v0.8.2 // indirect
)

replace github.com/socialcare/socialcare => ../../../..
