// Package archtest holds no code, only tests of the repository's shape: the
// direction of imports (which packages may link SQLite), the size of files
// and functions, and that every citation in a comment names a document that
// exists. The rules are described in docs/architecture.md.
package archtest
