package jar

import (
	"context"
	"errors"
	"time"

	"github.com/crumbs-dev/crumbs/jar/cookie"
)

var (
	// ErrNothingToUndo is returned by Undo when the history is empty.
	ErrNothingToUndo = errors.New("nothing to undo")
	// ErrNotFound is returned for an id that names no cookie.
	ErrNotFound = errors.New("cookie not found")
)

// Change is one entry of the undo history.
type Change struct {
	ID      int64
	Kind    string // import, edit, delete, purge, verdict, restore, empty-trash
	Summary string // for people: "import firefox:default-release: 12 added, 3 updated"
	Count   int    // cookies affected
	At      time.Time
}

// Change kinds.
const (
	KindImport     = "import"
	KindEdit       = "edit"
	KindDelete     = "delete"
	KindPurge      = "purge"
	KindVerdict    = "verdict"
	KindRestore    = "restore"
	KindEmptyTrash = "empty-trash"
)

// HistoryLimit is how many changes the undo history keeps; older ones are
// forgotten (and can no longer be undone).
const HistoryLimit = 50

// Update replaces the live cookie c.ID with c after validating it. The
// identity may change unless it collides with another live cookie. A
// cookie whose VerdictBy is EvidenceUser keeps its purpose as the user's
// verdict; any other is re-classified. One undo step.
func (j *Jar) Update(ctx context.Context, c cookie.Cookie) error { return j.update(ctx, c) }

// Delete moves the live cookies with these ids to the trash. One undo step.
func (j *Jar) Delete(ctx context.Context, ids []int64) (int, error) {
	return j.deleteIDs(ctx, ids, KindDelete, "")
}

// Purge moves every live cookie matching f to the trash (all of them if f
// is empty). One undo step.
func (j *Jar) Purge(ctx context.Context, f cookie.Filter) (int, error) { return j.purge(ctx, f) }

// SetPurpose records the user's verdict p for these cookies (EvidenceUser).
// The verdict is kept by identity, so it survives re-import, prune and
// re-import, and knowledge updates. One undo step.
func (j *Jar) SetPurpose(ctx context.Context, ids []int64, p cookie.Purpose) (int, error) {
	return j.setPurpose(ctx, ids, p)
}

// ClearVerdict forgets the user's verdict for these cookies and classifies
// them again. One undo step.
func (j *Jar) ClearVerdict(ctx context.Context, ids []int64) (int, error) {
	return j.clearVerdict(ctx, ids)
}

// LastChange is the change Undo would revert, if any.
func (j *Jar) LastChange(ctx context.Context) (Change, bool, error) { return j.lastChange(ctx) }

// Undo reverts the last change exactly, whoever made it. It is not itself
// recorded: there is no redo.
func (j *Jar) Undo(ctx context.Context) (Change, error) { return j.undo(ctx) }
