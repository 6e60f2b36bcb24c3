// Command genesys answers an access request through the hosted Genesys
// Cloud GDPR API: it searches the subjects an email matches and, with
// -export, exports them and saves the archive.
//
//	GDPR_API_REGION=eu-west-1 GDPR_CLIENT_ID=... GDPR_CLIENT_SECRET=... \
//	  go run ./examples/genesys -export jane@example.com
//
// The OAuth client needs the gdpr scope (gdpr:readonly to only search).
package main

import (
	"context"
	"flag"
	"fmt"
	"log"
	"os"
	"os/signal"
	"time"

	"github.com/gdprkit/gdpr"
)

func main() {
	export := flag.Bool("export", false, "create a GDPR_EXPORT request and download its archive")
	flag.Parse()
	if flag.NArg() != 1 {
		log.Fatal("usage: genesys [-export] EMAIL")
	}
	email := flag.Arg(0)
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()

	c, err := gdpr.New(
		gdpr.WithRegion(os.Getenv("GDPR_API_REGION")),
		gdpr.WithClientCredentials(os.Getenv("GDPR_CLIENT_ID"), os.Getenv("GDPR_CLIENT_SECRET")),
		gdpr.WithRate(1, 1), // the hosted GDPR API is strictly rate-limited
	)
	if err != nil {
		log.Fatal(err)
	}
	subjects, err := c.SearchSubjects(ctx, gdpr.KindEmail, email)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Printf("%d subjects match\n", len(subjects))
	for _, s := range subjects {
		fmt.Printf("  user %q, external contact %q\n", s.UserID, s.ExternalContactID)
	}
	if !*export || len(subjects) == 0 {
		return
	}
	req, err := c.CreateRequest(ctx, gdpr.RequestSpec{
		Type:    gdpr.RequestExport,
		Subject: gdpr.Subject{EmailAddresses: []string{email}},
	})
	if err != nil {
		log.Fatal(err)
	}
	req, err = c.Wait(ctx, req.ID, func(r *gdpr.Request) { fmt.Println("status:", r.Status) })
	if err != nil {
		log.Fatal(err)
	}
	name := fmt.Sprintf("export-%s.zip", time.Now().Format("20060102-150405"))
	f, err := os.OpenFile(name, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		log.Fatal(err)
	}
	defer f.Close()
	n, err := c.DownloadResults(ctx, req, f)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Printf("saved %d bytes to %s\n", n, name)
}
