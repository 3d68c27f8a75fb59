package channel

// DedupKey is the key under which a message is remembered as delivered:
// its channel, account and platform id ("x:brand:1861..."), so that one id
// seen by two accounts of a brand is two messages. The Receiver claims it
// in its DedupStore, and care.Desk keeps the same key, so that a desk's
// Dedup can stand in for the Receiver's own.
func DedupKey(m *Message) string {
	return string(m.Channel) + ":" + m.Account + ":" + m.ID
}
