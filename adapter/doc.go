// Package adapter is the contract between the engine and the places where
// personal data lives, as database/sql/driver is between database/sql and
// a database: an [Adapter] searches, resolves, exports, rectifies and
// erases one store's records of a data subject, and reports what it did.
//
// An adapter writer reads this package alone. Adapters speak the module's
// one term vocabulary, [gdpr.Term] and [gdpr.Kind]: the processor hands
// them terms already put in normal form by a [Normalizer], so that an
// adapter compares values byte for byte with its own data normalized the
// same way. An adapter may also say what it holds ([Describer]), for the
// Art. 30 inventory.
//
// # Organizations
//
// Every call acts for the organization on its context
// ([gdpr.OrganizationFromContext]). An adapter over data of several
// organizations is tenant-scoped: it touches only the records of the
// organization on the context, and a call without one is refused with
// [ErrNoOrganization] rather than read as "every organization". An
// adapter over one organization's data (a database per customer, say) is
// listed under that organization by whoever builds the engine, and one
// whose data no organization owns (a shared reference list) is marked
// shared there; such adapters ignore the organization. An adapter says
// which it is by implementing [TenantScoped].
//
// Package adaptertest beside this one is the conformance suite every
// Adapter runs; memadapter, sqladapter and httpadapter are the adapters of
// the module. The engine (package processor) depends on this package,
// never the other way round.
package adapter
