package jar

import (
	"context"
	"database/sql"
)

// knowledgeDef is the changes column (schema 7) that records the classifier
// knowledge (Classifier.Version) a change ran with, so that undo classifies
// the rows it puts back only when the knowledge changed since. Steps
// recorded before schema 7 say "" (unknown): their undo classifies again,
// as every undo did before.
const knowledgeDef = `knowledge TEXT NOT NULL DEFAULT ''`

// migrateV6toV7 adds the changes' knowledge column (unless a jar that was
// at schema 7 once already has it).
func migrateV6toV7(ctx context.Context, tx *sql.Tx) error {
	var n int
	if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM pragma_table_info('changes') WHERE name = 'knowledge'`).Scan(&n); err != nil {
		return err
	}
	if n > 0 {
		return nil
	}
	_, err := tx.ExecContext(ctx, `ALTER TABLE changes ADD COLUMN `+knowledgeDef)
	return err
}
