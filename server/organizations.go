package server

import (
	"slices"
)

// Organizations returns the organizations of the clients, each once, in
// order; the default organization "" is among them when a client has
// none.
func (c *Clients) Organizations() []string {
	c.mu.RLock()
	defer c.mu.RUnlock()
	var orgs []string
	for _, cl := range c.byID {
		if !slices.Contains(orgs, cl.Organization) {
			orgs = append(orgs, cl.Organization)
		}
	}
	slices.Sort(orgs)
	return orgs
}
