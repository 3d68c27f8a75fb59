// Package benchtext holds the messages that the decision benchmarks of
// situation and care share, so that both measure the same mix.
package benchtext

// Tweets returns tweet-sized customer messages in the style of real care
// traffic, in English, Portuguese and Spanish, with and without care
// situations; a new slice at each call.
func Tweets() []string {
	return []string{
		"Stranded at O'Hare by the snowstorm, my flight to Denver was cancelled and the rebooking line is down. Please help!",
		"How much is a one-way ticket from Chicago to L.A. next Friday?",
		"@TeamYouTube my channel has been suspended for a year, I sent an e-mail, no answer, please open my channel back :(",
		"@AppleSupport since the update my iPhone battery drains in 3 hours, what can I do? #iOS13",
		"@AskeBay the seller never shipped and I was charged twice, I want my money back",
		"@ChaseSupport someone changed my password and email and used my card in another state",
		"Meu voo foi cancelado e NÃO FUNCIONA o app para remarcar, preciso de ajuda urgente #VooCancelado",
		"Mi vuelo fue cancelado y la aplicación no funciona, necesito una devolución",
		"@SouthwestAir thanks for the great flight today, the crew was lovely 😊",
		"@eBay #pricegouging on hand sanitizer is ILLEGAL, @FTC please look at this. You just lost a customer",
		"it would be nice to have more precise control over export sharpening @Adobe",
		"@zoom_us Zoom keeps crashing on my Mac during classes, tried reinstalling twice, still not working",
	}
}
