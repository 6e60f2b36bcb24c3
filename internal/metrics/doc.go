// Package metrics holds the Prometheus metrics of gdpr serve: requests
// created and finished, how long they took, step attempts and failures
// and adapter latency by adapter, 429s by organization, refused tokens,
// and, read from the Store at each scrape, the requests overdue or due
// within 24 hours, the queue of unclaimed requests and the age of its
// oldest.
//
// It observes the engine through processor.WithObserver and the HTTP
// layer through server.WithObserver, so that neither the root package
// nor the server depends on Prometheus. No label carries personal data:
// request types and statuses, adapter names and organization ids only.
package metrics
