// Package adapterconfig reads the adapters file of gdpr serve, gdpr
// inventory and gdpr scan (--adapters, GDPR_ADAPTERS) and the YAML data
// maps it names, and opens the adapters it lists. It is the command's:
// it links the three SQL drivers and the YAML library, so that package
// sqladapter, which takes a *sql.DB its caller opened, links neither.
//
// # The adapters file
//
// YAML (or JSON, which is YAML); unknown fields are refused, and relative
// paths are read from the file's directory:
//
//	adapters:                          # SQL databases, see package sqladapter
//	  - name: crm
//	    dialect: postgres              # postgres, mysql or sqlite
//	    dsnEnv: CRM_DATABASE_URL       # or dsn: "postgres://..."
//	    map: crm.yaml                  # the data map
//	  - name: shop
//	    dialect: mysql
//	    dsn: "shop@tcp(db:3306)/shop"
//	    map: shop.yaml
//	    region: DE                     # optional: overrides the map's region
//	remote:                            # services serving the httpadapter protocol
//	  - name: billing
//	    url: https://billing.internal/gdpr
//	    secretEnv: BILLING_GDPR_SECRET # or secretFile: /run/secrets/billing (read again every second)
//	    timeout: 30s                   # optional: each attempt of a call
//	    retries: 3                     # optional: tries again per call (0: never)
//	    concurrency: 8                 # optional: calls in flight at once
//	    tenantScoped: true             # optional: the service keeps organizations apart by the call's organization
//	api:                               # GDPR APIs, see package apiadapter
//	  - name: genesys
//	    region: eu-west-1              # a Genesys Cloud region, or url: https://gdpr.eu.example (another gdpr serve)
//	    clientId: 7de3af06-...         # the OAuth client (client credentials)
//	    secretEnv: GENESYS_SECRET      # or secretFile: /run/secrets/genesys
//	    rate: 5                        # the remote's limit, requests per second
//	    burst: 5                       # optional: default the rate
//	    kinds: [EMAIL, PHONE, NAME]    # optional: term kinds sent (region: NAME, ADDRESS, PHONE, EMAIL; url: all)
//	    inlineWait: 10s                # optional: wait for remote requests before parking the step (region: 0, url: 10s)
//	    lookup: false                  # optional: the remote ignores Idempotency-Key; look requests up instead
//	    organization: acme             # with clients of several organizations: whose remote data it reaches
//
// # Organizations
//
// When the server has clients of several organizations, every adapter
// must say how it keeps them apart ([Tenancy]): its data map names tenant
// columns (tenant-scoped; see package sqladapter), or a remote entry says
// tenantScoped: true; or the entry is listed under the one organization
// whose data it holds (organization: acme); or it is marked shared
// (shared: true) because no organization owns its data. An api entry is
// never tenant-scoped (its credentials reach one organization of the
// remote): list it under an organization, or mark it shared. gdpr serve
// refuses to start otherwise, naming the adapter.
//
// Secrets are never written in the file: a DSN may come from an
// environment variable, a remote adapter's shared secret and an API
// adapter's client secret must. Errors
// name the entry (its position and name) and the field to fix, never a
// DSN or a secret.
//
// # Data maps
//
// A data map ([sqladapter.Map]) is YAML or JSON as package sqladapter
// documents it; [ReadMap] and [ParseMap] read it, refusing unknown
// fields, and check it on its own.
package adapterconfig
