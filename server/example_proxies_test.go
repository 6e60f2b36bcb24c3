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
