// Package sqlscan is the engine of gdpr scan: it looks, read-only, for
// personal data that a data map does not cover. Personal data the API
// cannot search is personal data no request can erase.
//
// [Scan] samples the text columns of one database that an
// [sqladapter.Map] leaves out and reports values that look like emails,
// phone numbers valid in their country, IBANs, card numbers and, on
// request, the full names of known subjects — with masked examples only —
// and suggests data-map entries for them. It also reports the mapped
// tables no search term can reach ([sqladapter.Map.Unreachable]).
//
// It takes a *sql.DB its caller opened, like package sqladapter, and
// shares its reading of the live schema (internal/sqlschema); cmd/gdpr
// opens the databases of the adapters file and prints the reports.
package sqlscan
