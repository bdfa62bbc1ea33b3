-- eHealth sharing: the outbox that the clinic writes in the same transaction as a change, and
-- the adapter's own state (what eHealth holds of each record, what is in flight, what is held
-- back and why, and the history shown on the sharing page).

-- One row per create, change or delete of a sharable record, written by the change's own
-- transaction (clinic/outbox.Record, or the triggers below). The adapter takes rows over in
-- id order into sharing_records and deletes them in the same transaction.
CREATE TABLE outbox (
    id          INTEGER PRIMARY KEY,
    record_key  TEXT NOT NULL,                 -- "OR-AL1-allergies-17": stable for the record's life
    domain      TEXT NOT NULL,                 -- eHealth data domain: AL1, PROB, ..., PID (provisional)
    tx_type     TEXT NOT NULL CHECK (tx_type IN ('I','U','D')),
    patient_id  INTEGER NOT NULL,
    at          TEXT NOT NULL,                 -- UTC RFC 3339
    reason      TEXT NOT NULL DEFAULT ''       -- why deleted, when given
) STRICT;

-- The patient master index writes its outbox rows by trigger, so that no path that writes a
-- patient (registration, edit, eHealth joining and consent, merge, un-merge, import) can forget
-- one. Only the fields eHealth sees or the consent gate reads count: a visit touching
-- last_visit_at is not a change to share.
CREATE TRIGGER patients_outbox_insert AFTER INSERT ON patients
BEGIN
    INSERT INTO outbox (record_key, domain, tx_type, patient_id, at)
    VALUES ('OR-PID-patients-' || NEW.id, 'PID', 'I', NEW.id, strftime('%Y-%m-%dT%H:%M:%fZ', 'now'));
END;

CREATE TRIGGER patients_outbox_update AFTER UPDATE ON patients
WHEN OLD.surname_en IS NOT NEW.surname_en OR OLD.given_name_en IS NOT NEW.given_name_en
  OR OLD.name_zh IS NOT NEW.name_zh OR OLD.sex IS NOT NEW.sex OR OLD.dob IS NOT NEW.dob
  OR OLD.dob_precision IS NOT NEW.dob_precision OR OLD.doc_type IS NOT NEW.doc_type
  OR OLD.doc_number IS NOT NEW.doc_number OR OLD.doc_country IS NOT NEW.doc_country
  OR OLD.ehr_no IS NOT NEW.ehr_no OR OLD.ehealth_joined IS NOT NEW.ehealth_joined
  OR OLD.consent IS NOT NEW.consent OR OLD.merged_into IS NOT NEW.merged_into
BEGIN
    INSERT INTO outbox (record_key, domain, tx_type, patient_id, at)
    VALUES ('OR-PID-patients-' || NEW.id, 'PID', 'U', NEW.id, strftime('%Y-%m-%dT%H:%M:%fZ', 'now'));
END;

CREATE TRIGGER patients_outbox_delete AFTER DELETE ON patients
BEGIN
    INSERT INTO outbox (record_key, domain, tx_type, patient_id, at)
    VALUES ('OR-PID-patients-' || OLD.id, 'PID', 'D', OLD.id, strftime('%Y-%m-%dT%H:%M:%fZ', 'now'));
END;

-- The appointment diary's bookings are encounter records (ENC, provisional), by trigger for the
-- same reason: booking, rescheduling, cancelling, arrival and no-show all write appointments.
-- A merge that moves bookings to the survivor changes patient_id, which is a change too.
CREATE TRIGGER appointments_outbox_insert AFTER INSERT ON appointments
BEGIN
    INSERT INTO outbox (record_key, domain, tx_type, patient_id, at)
    VALUES ('OR-ENC-appointments-' || NEW.id, 'ENC', 'I', NEW.patient_id, strftime('%Y-%m-%dT%H:%M:%fZ', 'now'));
END;

CREATE TRIGGER appointments_outbox_update AFTER UPDATE ON appointments
WHEN OLD.patient_id IS NOT NEW.patient_id OR OLD.status IS NOT NEW.status
  OR OLD.starts_at IS NOT NEW.starts_at OR OLD.ends_at IS NOT NEW.ends_at
BEGIN
    INSERT INTO outbox (record_key, domain, tx_type, patient_id, at)
    VALUES ('OR-ENC-appointments-' || NEW.id, 'ENC', 'U', NEW.patient_id, strftime('%Y-%m-%dT%H:%M:%fZ', 'now'));
END;

CREATE TRIGGER appointments_outbox_delete AFTER DELETE ON appointments
BEGIN
    INSERT INTO outbox (record_key, domain, tx_type, patient_id, at)
    VALUES ('OR-ENC-appointments-' || OLD.id, 'ENC', 'D', OLD.patient_id, strftime('%Y-%m-%dT%H:%M:%fZ', 'now'));
END;

-- Patients who had joined eHealth before this migration: the first run weighs each of them at
-- the consent gate (and materialises their records when they may be shared).
INSERT INTO outbox (record_key, domain, tx_type, patient_id, at)
SELECT 'OR-PID-patients-' || id, 'PID', 'U', id, strftime('%Y-%m-%dT%H:%M:%fZ', 'now')
FROM patients WHERE ehealth_joined = 1 AND merged_into IS NULL;

-- One row per record of a patient who is (or was) shared: what eHealth holds of it, and what
-- is to be done. A record never sent whose patient is not shared has no row.
CREATE TABLE sharing_records (
    record_key       TEXT PRIMARY KEY,
    domain           TEXT NOT NULL,
    patient_id       INTEGER NOT NULL,          -- the patient it belongs to now (a merge's survivor)
    state            TEXT NOT NULL CHECK (state IN ('pending','inflight','sent','held','rejected','waiting')),
    materialise      INTEGER NOT NULL DEFAULT 0, -- due in the patient's data materialisation (BL-M)
    dirty            INTEGER NOT NULL DEFAULT 0, -- changed again while in flight: due again after the answer
    changed_at       TEXT NOT NULL,              -- the latest change taken from the outbox
    delete_reason    TEXT NOT NULL DEFAULT '',
    -- What eHealth holds, as acknowledged by it.
    central          TEXT NOT NULL DEFAULT 'none' CHECK (central IN ('none','present','deleted')),
    central_patient  INTEGER,                    -- the patient it was accepted under
    central_hash     TEXT NOT NULL DEFAULT '',   -- SHA-256 of the content accepted
    central_at       TEXT NOT NULL DEFAULT '',
    central_tx       TEXT NOT NULL DEFAULT '',   -- the last transaction type accepted
    -- Why it is held back (our checks) or was rejected (by eHealth).
    field            TEXT NOT NULL DEFAULT '',
    reason_en        TEXT NOT NULL DEFAULT '',
    reason_zh        TEXT NOT NULL DEFAULT '',
    fix_url          TEXT NOT NULL DEFAULT '',
    bundle_id        TEXT,                       -- the bundle it is in flight in
    checked_run      INTEGER NOT NULL DEFAULT 0, -- the run that last held it (held records are checked once a run)
    updated_at       TEXT NOT NULL
) STRICT, WITHOUT ROWID;
CREATE INDEX sharing_records_state ON sharing_records(state, domain, patient_id);
CREATE INDEX sharing_records_patient ON sharing_records(patient_id);
CREATE INDEX sharing_records_central_patient ON sharing_records(central_patient) WHERE central_patient IS NOT NULL;
CREATE INDEX sharing_records_domain_state ON sharing_records(domain, state);

-- The consent gate's last word on each patient it has weighed.
CREATE TABLE sharing_patients (
    patient_id       INTEGER PRIMARY KEY,
    shareable        INTEGER NOT NULL,
    merged_into      INTEGER,                    -- as last seen, to notice a merge or un-merge
    since            TEXT NOT NULL,              -- when the current answer began
    materialised_at  TEXT NOT NULL DEFAULT ''    -- when the latest data materialisation began
) STRICT;

-- Each document bundle handed to eHealth (or to the connector's folder). A bundle is written
-- here with its exact bytes before it is sent, so that after a crash the same bundle, with the
-- same id, is sent again rather than its records in a new one.
CREATE TABLE sharing_bundles (
    id               TEXT PRIMARY KEY,           -- Bundle.id, also the Idempotency-Key
    run_id           INTEGER NOT NULL,
    domain           TEXT NOT NULL,
    mode             TEXT NOT NULL,              -- BL-M, BL, NBL
    patient_id       INTEGER NOT NULL,           -- the patient it is about
    records          INTEGER NOT NULL,
    state            TEXT NOT NULL CHECK (state IN ('inflight','accepted','rejected')),
    body             BLOB,                       -- kept while in flight (and when rejected)
    attempts         INTEGER NOT NULL DEFAULT 0,
    next_attempt_at  TEXT NOT NULL DEFAULT '',
    last_error       TEXT NOT NULL DEFAULT '',
    created_at       TEXT NOT NULL,
    answered_at      TEXT NOT NULL DEFAULT ''
) STRICT, WITHOUT ROWID;
CREATE INDEX sharing_bundles_inflight ON sharing_bundles(created_at) WHERE state = 'inflight';
CREATE INDEX sharing_bundles_patient ON sharing_bundles(patient_id, created_at);

CREATE TABLE sharing_bundle_items (
    bundle_id   TEXT NOT NULL REFERENCES sharing_bundles(id),
    record_key  TEXT NOT NULL,
    tx_type     TEXT NOT NULL CHECK (tx_type IN ('I','U','D')),
    hash        TEXT NOT NULL,
    patient_id  INTEGER NOT NULL,                -- the patient it is sent under
    PRIMARY KEY (bundle_id, record_key)
) STRICT, WITHOUT ROWID;
CREATE INDEX sharing_bundle_items_key ON sharing_bundle_items(record_key);

-- Runs, for the sharing page's "last run" and for support.
CREATE TABLE sharing_runs (
    id           INTEGER PRIMARY KEY,
    trigger      TEXT NOT NULL,                  -- schedule, button, command, export
    started_at   TEXT NOT NULL,
    finished_at  TEXT NOT NULL DEFAULT '',
    taken        INTEGER NOT NULL DEFAULT 0,     -- outbox rows taken over
    bundles      INTEGER NOT NULL DEFAULT 0,
    accepted     INTEGER NOT NULL DEFAULT 0,     -- records
    rejected     INTEGER NOT NULL DEFAULT 0,
    held         INTEGER NOT NULL DEFAULT 0,
    retries      INTEGER NOT NULL DEFAULT 0,
    error        TEXT NOT NULL DEFAULT ''
) STRICT;

-- The per-patient sharing history: the gate's decisions, uploads and their answers, holds.
CREATE TABLE sharing_events (
    id          INTEGER PRIMARY KEY,
    patient_id  INTEGER NOT NULL,
    at          TEXT NOT NULL,
    kind        TEXT NOT NULL,                   -- shareable, stopped, accepted, rejected, held, retry
    domain      TEXT NOT NULL DEFAULT '',
    record_key  TEXT NOT NULL DEFAULT '',
    bundle_id   TEXT NOT NULL DEFAULT '',
    detail_en   TEXT NOT NULL DEFAULT '',
    detail_zh   TEXT NOT NULL DEFAULT ''
) STRICT;
CREATE INDEX sharing_events_patient ON sharing_events(patient_id, id);

-- Small facts the adapter keeps between runs (the consent rule in force, ...).
CREATE TABLE sharing_state (
    key    TEXT PRIMARY KEY,
    value  TEXT NOT NULL
) STRICT, WITHOUT ROWID;
