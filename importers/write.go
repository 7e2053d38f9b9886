package importers

import "github.com/crumbs-dev/crumbs/jar/cookie"

// Change is what a write-back asks of one store (docs/writeback.md): cookies to
// remove and cookies to change, each as the store's own reader returned it,
// so that its OriginalKey names the row by the store's unique key. The
// writers live beside their readers (firefox.Write, chromium.Write,
// safari.Write); package writeback runs them inside the safety sequence.
type Change struct {
	Delete []cookie.Cookie
	Update []Edit
}

// Edit changes one cookie: Old is the cookie as read from the store, New
// what it should become. Only the fields an edit may set are written
// (value, expiry, secure, httponly, samesite): the store's key (domain,
// name, path, partition, container) is Old's.
type Edit struct {
	Old, New cookie.Cookie
}

// Empty reports whether the change asks for nothing.
func (c Change) Empty() bool { return len(c.Delete) == 0 && len(c.Update) == 0 }
