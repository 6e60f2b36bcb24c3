// Package sqlschema reads what the SQL adapter and the personal-data
// scanner need to know about a live schema: the columns of a table, their
// types, nullability and whether they are generated, and how the dialect
// quotes identifiers. It speaks database/sql only and links no driver:
// the program that opens the database chooses it.
package sqlschema
