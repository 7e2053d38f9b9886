package jar

import (
	"context"
	"time"

	"github.com/crumbs-dev/crumbs/jar/cookie"
)

// Trashed is a cookie in the trash. Cookie.ID is the trash entry id, not
// the id the cookie had while live.
type Trashed struct {
	cookie.Cookie
	DeletedAt time.Time
}

// Trash lists the trash, most recently deleted first.
func (j *Jar) Trash(ctx context.Context) ([]Trashed, error) { return j.trash(ctx) }

// Restore puts trash entries back among the live cookies (nil ids = the
// whole trash). A live cookie with the same identity is replaced and moves to
// the trash in its place. One undo step.
func (j *Jar) Restore(ctx context.Context, ids []int64) (int, error) { return j.restore(ctx, ids) }

// EmptyTrash removes the trash. It is one undo step like every other change;
// the removed cookies leave the file once that step drops out of the
// history (HistoryLimit changes later).
func (j *Jar) EmptyTrash(ctx context.Context) (int, error) { return j.emptyTrash(ctx) }
