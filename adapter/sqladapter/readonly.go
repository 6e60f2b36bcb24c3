package sqladapter

// WithReadOnly opens the adapter for reading only, as an inventory does:
// Open checks the map against the live schema but writes nothing — it
// does not create the table of remembered operations. Search and
// Describe work; Erase and Rectify fail unless that table already exists.
func WithReadOnly() Option {
	return func(c *config) error {
		c.readOnly = true
		return nil
	}
}
