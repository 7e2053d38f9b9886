package jar

import (
	"context"
	"errors"
	"time"
)

var errTODO = errors.New("jar: not implemented yet")

type snapshot struct{}

func open(ctx context.Context, path string, o options) (*Jar, error) { return nil, errTODO }
func (j *Jar) importBatches(ctx context.Context, batches []Batch, opt ImportOptions) (ImportStats, error) {
	return ImportStats{}, errTODO
}
func (j *Jar) all(ctx context.Context) ([]Cookie, error)                 { return nil, errTODO }
func (j *Jar) get(ctx context.Context, id int64) (Cookie, error)         { return Cookie{}, errTODO }
func (j *Jar) query(ctx context.Context, q Query) ([]Cookie, int, error) { return nil, 0, errTODO }
func (j *Jar) counts(ctx context.Context) (Counts, error)                { return Counts{}, errTODO }
func (j *Jar) sources(ctx context.Context) ([]SourceInfo, error)         { return nil, errTODO }
func Site(domain string) string                                          { return domain }
func (j *Jar) update(ctx context.Context, c Cookie) error                { return errTODO }
func (j *Jar) deleteIDs(ctx context.Context, ids []int64, kind, summary string) (int, error) {
	return 0, errTODO
}
func (j *Jar) purge(ctx context.Context, f Filter) (int, error) { return 0, errTODO }
func (j *Jar) setPurpose(ctx context.Context, ids []int64, p Purpose) (int, error) {
	return 0, errTODO
}
func (j *Jar) clearVerdict(ctx context.Context, ids []int64) (int, error) { return 0, errTODO }
func (j *Jar) lastChange(ctx context.Context) (Change, bool, error)       { return Change{}, false, errTODO }
func (j *Jar) undo(ctx context.Context) (Change, error)                   { return Change{}, errTODO }
func (j *Jar) trash(ctx context.Context) ([]Trashed, error)               { return nil, errTODO }
func (j *Jar) restore(ctx context.Context, ids []int64) (int, error)      { return 0, errTODO }
func (j *Jar) emptyTrash(ctx context.Context) (int, error)                { return 0, errTODO }
func Validate(c *Cookie, now time.Time) error                             { return nil }
func parseFilter(terms []string) (Filter, error)                          { return Filter{}, errTODO }
func (f Filter) match(c *Cookie, now time.Time) bool                      { return true }
func (f Filter) String() string                                           { return "" }
