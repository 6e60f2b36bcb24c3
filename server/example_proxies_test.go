package server_test

import (
	"fmt"
	"log"
	"net/http"

	"github.com/gdprkit/gdpr/server"
)

// Behind a load balancer at 10.0.0.2, a request's address is the one the
// balancer appended to X-Forwarded-For; what the client wrote itself
// further left is not believed.
func ExampleProxies_ClientAddr() {
	lbs, err := server.ParseProxies("10.0.0.0/8")
	if err != nil {
		log.Fatal(err)
	}
	r, _ := http.NewRequest(http.MethodPost, "https://gdpr.example/oauth/token", nil)
	r.RemoteAddr = "10.0.0.2:41234"
	r.Header.Set("X-Forwarded-For", "203.0.113.9, 198.51.100.7")
	fmt.Println(lbs.ClientAddr(r))

	var none server.Proxies // trusting nobody: the connection's peer
	fmt.Println(none.ClientAddr(r))
	// Output:
	// 198.51.100.7
	// 10.0.0.2
}

// Behind a proxy that terminates TLS, the scheme and host of the URLs the
// server hands out come from the proxy's headers; from anyone else, the
// headers are not believed.
func ExampleProxies_Scheme() {
	lbs, err := server.ParseProxies("10.0.0.0/8")
	if err != nil {
		log.Fatal(err)
	}
	r, _ := http.NewRequest(http.MethodGet, "http://gdpr.example/api/v2/gdpr/requests", nil)
	r.RemoteAddr = "10.0.0.2:41234"
	r.Header.Set("X-Forwarded-Proto", "https")
	fmt.Println(lbs.Scheme(r), lbs.PublicHost(r))

	r.RemoteAddr = "203.0.113.9:5555" // a client, not the proxy
	fmt.Println(lbs.Scheme(r))
	// Output:
	// https gdpr.example
	// http
}
