// Package jar is crumbs' persistent cookie store: one SQLite file that every
// importer writes into and the UI and command line read from. The cookie
// model and the filter language are package jar/cookie.
//
// The store (Jar) upserts by identity, keeps an undo history and a trash
// inside the same file, and takes its clock from the caller so that tests
// are deterministic (docs/jar.md).
//
// Protections (docs/jar.md §Protections) are filters whose
// cookies no bulk removal takes: Protect and Unprotect store and remove one
// (one undo step each), Protections lists them (the rules file's, given
// with WithFileProtections, first), and a Protector tells for any cookie —
// in the jar or read straight from a browser store — whether it is
// protected and by which protection (Match, Mark, Covers). Purge and Delete
// keep protected cookies; PurgeWith and DeleteWith count what they kept
// (Removal.Kept) and, with RemoveOptions.IncludeProtected, take them too.
// Every cookie the jar hands out carries ProtectedBy, which the filter term
// is:protected tests.
package jar
