package testshared

import (
	"net"
	"net/http"
	"net/http/httptest"
	"testing"
)

// CookieEcho starts an HTTP server on 127.0.0.1 that answers every request
// with the Cookie header it received, so a test can see what a real client
// (curl) sends from a cookies.txt. With tls it speaks HTTPS with
// httptest's self-signed certificate (clients need -k). The server closes
// when the test ends; CookieEcho returns its port.
func CookieEcho(t testing.TB, tls bool) (port string) {
	t.Helper()
	echo := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Write([]byte(r.Header.Get("Cookie")))
	})
	var srv *httptest.Server
	if tls {
		srv = httptest.NewTLSServer(echo)
	} else {
		srv = httptest.NewServer(echo)
	}
	t.Cleanup(srv.Close)
	_, port, err := net.SplitHostPort(srv.Listener.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	return port
}
