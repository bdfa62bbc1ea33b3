-- The practice: one row, written by first-run setup. Its presence means setup is done.
CREATE TABLE practice (
    id            INTEGER PRIMARY KEY CHECK (id = 1),
    name_en       TEXT NOT NULL,
    name_zh       TEXT NOT NULL DEFAULT '',
    address       TEXT NOT NULL DEFAULT '',
    phone         TEXT NOT NULL DEFAULT '',
    hcp_id        TEXT NOT NULL DEFAULT '',   -- eHealth healthcare-provider id, 10 digits or empty
    created_at    TEXT NOT NULL,
    updated_at    TEXT NOT NULL
) STRICT;

CREATE TABLE users (
    id               INTEGER PRIMARY KEY,
    username         TEXT NOT NULL UNIQUE COLLATE NOCASE,
    full_name        TEXT NOT NULL DEFAULT '',
    full_name_zh     TEXT NOT NULL DEFAULT '',
    password_hash    TEXT NOT NULL,
    language         TEXT NOT NULL DEFAULT 'en',   -- 'en' or 'zh-HK'
    mcr_no           TEXT NOT NULL DEFAULT '',     -- Medical Council registration number (doctors)
    disabled         INTEGER NOT NULL DEFAULT 0,
    failed_logins    INTEGER NOT NULL DEFAULT 0,
    locked_until     TEXT NOT NULL DEFAULT '',     -- UTC RFC 3339, empty when not locked
    created_at       TEXT NOT NULL,
    updated_at       TEXT NOT NULL
) STRICT;

CREATE TABLE user_roles (
    user_id  INTEGER NOT NULL REFERENCES users(id),
    role     TEXT NOT NULL CHECK (role IN ('admin','doctor','nurse','dispenser','clerk')),
    PRIMARY KEY (user_id, role)
) STRICT, WITHOUT ROWID;

-- Sessions live in the database so that a restart of the server does not log everybody out.
-- The cookie holds a random token; only its SHA-256 is stored.
CREATE TABLE sessions (
    token_hash   TEXT PRIMARY KEY,
    user_id      INTEGER NOT NULL REFERENCES users(id),
    created_at   TEXT NOT NULL,
    last_seen    TEXT NOT NULL,
    remote_addr  TEXT NOT NULL DEFAULT '',
    user_agent   TEXT NOT NULL DEFAULT ''
) STRICT, WITHOUT ROWID;
CREATE INDEX sessions_user ON sessions(user_id);

-- The audit log is append-only: triggers refuse UPDATE and DELETE, and each row carries the
-- SHA-256 of its content chained to the row before, so that an edit made behind the
-- application's back (with the triggers dropped) is found by `onramp audit verify`.
CREATE TABLE audit_log (
    id           INTEGER PRIMARY KEY,
    at           TEXT NOT NULL,                 -- UTC, RFC 3339 with nanoseconds
    user_id      INTEGER,                       -- NULL for a failed login of an unknown name
    username     TEXT NOT NULL DEFAULT '',
    roles        TEXT NOT NULL DEFAULT '',
    action       TEXT NOT NULL,                 -- view, create, change, print, export, login, ...
    entity       TEXT NOT NULL DEFAULT '',      -- patient, visit, user, backup, ...
    entity_id    TEXT NOT NULL DEFAULT '',
    patient_id   INTEGER,                       -- the patient whose record was touched, if any
    detail       TEXT NOT NULL DEFAULT '',
    remote_addr  TEXT NOT NULL DEFAULT '',
    prev_hash    TEXT NOT NULL,
    hash         TEXT NOT NULL
) STRICT;
CREATE INDEX audit_patient ON audit_log(patient_id, at) WHERE patient_id IS NOT NULL;
CREATE INDEX audit_user ON audit_log(user_id, at);
CREATE INDEX audit_at ON audit_log(at);

CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END;
CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END;

-- Small settings changed from the admin pages (board token, ...): key/value, audited.
CREATE TABLE settings (
    key    TEXT PRIMARY KEY,
    value  TEXT NOT NULL
) STRICT, WITHOUT ROWID;
