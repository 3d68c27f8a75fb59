package situation_test

import (
	"fmt"

	"github.com/socialcare/socialcare/situation"
)

func Example() {
	d, err := situation.New(nil)
	if err != nil {
		panic(err)
	}
	for _, text := range []string{
		"@Bank someone changed my password and email, I can't get in!",
		"Me cobraron tres veces la misma compra",
		"Depois da última atualização o app não abre mais",
		"My account was not hacked, I just forgot the password",
	} {
		r := d.Detect(&situation.Input{Text: text})
		fmt.Println(r.String())
	}
	// Output:
	// account takeover ("someone changed my password")
	// money taken wrongly ("cobraron tres veces")
	// product defect after an update ("Depois da última atualização")
	// none
}

func ExampleConfig_Add() {
	// A host adds French to an existing situation, and a situation of its
	// own trade, without copying the built-in patterns.
	extra, err := situation.ParseConfig([]byte(`{
		"situations": [
			{"kind": "money_taken", "patterns": {"fr": ["debite|preleve ~3 deux|trois ~1 fois"]}},
			{"kind": "lost_luggage", "label": "lost luggage", "patterns": {"en": ["lost|missing ~3 bag|bags|luggage|suitcase"]}}
		],
		"negations": {"fr": ["pas", "jamais"]}
	}`))
	if err != nil {
		panic(err)
	}
	cfg := situation.DefaultConfig()
	cfg.Add(extra)
	d, err := situation.New(cfg)
	if err != nil {
		panic(err)
	}
	fmt.Println(d.Detect(&situation.Input{Text: "Vous m'avez débité deux fois !"}).String())
	fmt.Println(d.Detect(&situation.Input{Text: "They lost my suitcase in Lisbon"}).String())

	_, err = situation.ParseConfig([]byte(`{"situations": [{"kind": "x", "patterns": {"en": ["~2 lost"]}}]}`))
	fmt.Println(err)
	// Output:
	// money taken wrongly ("débité deux fois")
	// lost luggage ("lost my suitcase")
	// situation: invalid config: situations[0].patterns.en[0]: gap "~2" before the first word
}
