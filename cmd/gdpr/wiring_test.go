package main

import (
	"github.com/gdprkit/gdpr/processor"
	"github.com/gdprkit/gdpr/server"
)

// gdpr serve hands a processor to the server, which finds these by type
// assertion: a processor that lost one would silently lose its route.
var (
	_ server.Inventorier   = (*processor.Processor)(nil)
	_ server.ResultsOpener = (*processor.Processor)(nil)
)
