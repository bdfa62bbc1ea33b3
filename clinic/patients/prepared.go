package patients

import (
	"context"
	"database/sql"
	"sync"
)

// Search runs the same few dozen statements on every key press at the front desk. Preparing a
// statement each time cost about a fifth of a search at a million patients, so search keeps its
// statements prepared, per database (database/sql prepares each again on every connection of
// the pool that runs it, once).

type preparedDB struct {
	db    *sql.DB
	mu    sync.Mutex
	stmts map[string]*sql.Stmt
}

// preparedMax bounds the statements kept for one database: search's own are a few dozen (the
// IN lists vary with the number of patients found); anything past the bound runs unprepared.
const preparedMax = 200

var (
	preparedMu  sync.Mutex
	preparedDBs = map[*sql.DB]*preparedDB{}
)

// preparedFor is the statement cache of db. A cache whose database was closed is replaced,
// so that tests opening many databases do not keep them alive.
func preparedFor(db *sql.DB) *preparedDB {
	preparedMu.Lock()
	defer preparedMu.Unlock()
	p, ok := preparedDBs[db]
	if !ok {
		for other, op := range preparedDBs {
			if other.Ping() != nil { // closed
				op.close()
				delete(preparedDBs, other)
			}
		}
		p = &preparedDB{db: db, stmts: map[string]*sql.Stmt{}}
		preparedDBs[db] = p
	}
	return p
}

func (p *preparedDB) stmt(ctx context.Context, query string) *sql.Stmt {
	p.mu.Lock()
	defer p.mu.Unlock()
	if st, ok := p.stmts[query]; ok {
		return st
	}
	if len(p.stmts) >= preparedMax {
		return nil
	}
	// Prepared without the request's context: the statement outlives the request.
	st, err := p.db.PrepareContext(context.WithoutCancel(ctx), query)
	if err != nil {
		return nil // the query itself will report the error
	}
	p.stmts[query] = st
	return st
}

func (p *preparedDB) close() {
	p.mu.Lock()
	defer p.mu.Unlock()
	for _, st := range p.stmts {
		st.Close()
	}
	p.stmts = nil
}

// QueryContext runs query through its prepared statement.
func (p *preparedDB) QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error) {
	if st := p.stmt(ctx, query); st != nil {
		return st.QueryContext(ctx, args...)
	}
	return p.db.QueryContext(ctx, query, args...)
}

// QueryRowContext runs query through its prepared statement.
func (p *preparedDB) QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row {
	if st := p.stmt(ctx, query); st != nil {
		return st.QueryRowContext(ctx, args...)
	}
	return p.db.QueryRowContext(ctx, query, args...)
}
