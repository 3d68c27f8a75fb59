package sentiment

// negations is VADER's negation list.
var negations = []string{
	"aint", "arent", "cannot", "cant", "couldnt", "darent", "didnt", "doesnt",
	"ain't", "aren't", "can't", "couldn't", "daren't", "didn't", "doesn't",
	"dont", "hadnt", "hasnt", "havent", "isnt", "mightnt", "mustnt", "neither",
	"don't", "hadn't", "hasn't", "haven't", "isn't", "mightn't", "mustn't",
	"neednt", "needn't", "never", "none", "nope", "nor", "not", "nothing", "nowhere",
	"oughtnt", "shant", "shouldnt", "uhuh", "wasnt", "werent",
	"oughtn't", "shan't", "shouldn't", "uh-uh", "wasn't", "weren't",
	"without", "wont", "wouldnt", "won't", "wouldn't", "rarely", "seldom", "despite",
}

// boosters are VADER's single-word intensifiers and dampeners.
var boosters = map[string]float64{
	"absolutely": bIncr, "amazingly": bIncr, "awfully": bIncr,
	"completely": bIncr, "considerable": bIncr, "considerably": bIncr,
	"decidedly": bIncr, "deeply": bIncr, "effing": bIncr, "enormous": bIncr, "enormously": bIncr,
	"entirely": bIncr, "especially": bIncr, "exceptional": bIncr, "exceptionally": bIncr,
	"extreme": bIncr, "extremely": bIncr,
	"fabulously": bIncr, "flipping": bIncr, "flippin": bIncr, "frackin": bIncr, "fracking": bIncr,
	"fricking": bIncr, "frickin": bIncr, "frigging": bIncr, "friggin": bIncr, "fully": bIncr,
	"fuckin": bIncr, "fucking": bIncr, "fuggin": bIncr, "fugging": bIncr,
	"greatly": bIncr, "hella": bIncr, "highly": bIncr, "hugely": bIncr,
	"incredible": bIncr, "incredibly": bIncr, "intensely": bIncr,
	"major": bIncr, "majorly": bIncr, "more": bIncr, "most": bIncr, "particularly": bIncr,
	"purely": bIncr, "quite": bIncr, "really": bIncr, "remarkably": bIncr,
	"so": bIncr, "substantially": bIncr,
	"thoroughly": bIncr, "total": bIncr, "totally": bIncr, "tremendous": bIncr, "tremendously": bIncr,
	"uber": bIncr, "unbelievably": bIncr, "unusually": bIncr, "utter": bIncr, "utterly": bIncr,
	"very":   bIncr,
	"almost": bDecr, "barely": bDecr, "hardly": bDecr,
	"kinda": bDecr, "kindof": bDecr, "kind-of": bDecr,
	"less": bDecr, "little": bDecr, "marginal": bDecr, "marginally": bDecr,
	"occasional": bDecr, "occasionally": bDecr, "partly": bDecr,
	"scarce": bDecr, "scarcely": bDecr, "slight": bDecr, "slightly": bDecr, "somewhat": bDecr,
	"sorta": bDecr, "sortof": bDecr, "sort-of": bDecr,
}

// The two-word boosters ("kind of", "sort of", "just enough") and the
// special-case idioms ("the shit", "the bomb", "bad ass", "yeah right",
// "kiss of death", "to die for") are compared inline in sentiment.go.
