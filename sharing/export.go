package sharing

import (
	"bytes"
	"context"
	"encoding/json"
	"path/filepath"
)

// Export writes the bundles a run would send now, one JSON file each, into dir, and changes
// nothing: the whole run happens in one transaction that is rolled back, with a transport that
// only writes files. Bundles left in flight by an earlier run are among them, as they would be
// sent again first. It holds the database's write lock while it works, so that the state it
// reads cannot change under it.
func (e *Engine) Export(ctx context.Context, dir string) (RunReport, error) {
	if !e.mu.TryLock() {
		return RunReport{Trigger: TriggerExport}, ErrBusy
	}
	defer e.mu.Unlock()
	tx, err := e.db.W.BeginTx(ctx, nil)
	if err != nil {
		return RunReport{Trigger: TriggerExport}, err
	}
	defer tx.Rollback() //nolint:errcheck // rolling back is the point
	exp := &exportTransport{dir: dir}
	rep, err := e.run(ctx, TriggerExport, oneTx{tx}, exp)
	rep.Files = exp.files
	if err == nil {
		err = exp.err
	}
	return rep, err
}

// exportTransport writes each bundle, indented for a person to read, and takes it as accepted.
type exportTransport struct {
	dir   string
	files []string
	err   error
}

func (t *exportTransport) Describe() string { return "export to " + t.dir }

func (t *exportTransport) Destination() Destination {
	return Destination{Kind: DestinationExport, Place: t.dir}
}

func (t *exportTransport) Send(_ context.Context, u Upload) Result {
	var buf bytes.Buffer
	if err := json.Indent(&buf, u.Body, "", "  "); err != nil {
		buf.Reset()
		buf.Write(u.Body)
	}
	buf.WriteByte('\n')
	path := filepath.Join(t.dir, FileName(u))
	if err := writeFileAtomic(path, buf.Bytes()); err != nil {
		// Taken as accepted so that the run goes on; the export reports the error at the end.
		if t.err == nil {
			t.err = err
		}
		return Result{Outcome: Accepted}
	}
	t.files = append(t.files, path)
	return Result{Outcome: Accepted}
}
