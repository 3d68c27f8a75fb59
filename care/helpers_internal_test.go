package care

import "github.com/socialcare/socialcare/channel"

func msg(text string) channel.Message {
	return channel.Message{ID: "m", Channel: channel.X, Account: "brand", ConversationID: "c", Text: text, Author: channel.Author{ID: "u", Handle: "cust"}}
}
