-- The patient master index. One row per registered person; a duplicate found later is merged
-- into its survivor (merged_into), never deleted, so that its old number and documents still
-- find the survivor and the merge can be undone.

-- Patient numbers are handed out by the system, one counter per prefix ("P" -> P000123).
CREATE TABLE patient_number_seq (
    prefix  TEXT PRIMARY KEY,
    last    INTEGER NOT NULL
) STRICT, WITHOUT ROWID;

CREATE TABLE patients (
    id                  INTEGER PRIMARY KEY,
    number              TEXT NOT NULL,
    surname_en          TEXT NOT NULL DEFAULT '',      -- as typed; eHealth gets it upper case
    given_name_en       TEXT NOT NULL DEFAULT '',
    name_zh             TEXT NOT NULL DEFAULT '',
    name_key            TEXT NOT NULL DEFAULT '',      -- "CHAN|TAIMAN": English name folded for duplicate checks
    sex                 TEXT NOT NULL CHECK (sex IN ('M','F','U')),
    dob                 TEXT NOT NULL,                 -- "1980", "1980-05" or "1980-05-17": never an invented day
    dob_precision       TEXT NOT NULL CHECK (dob_precision IN ('Y','M','D')),
    doc_type            TEXT NOT NULL DEFAULT '',      -- ID, BC, PASSPORT, EEP, CD, ECID, OTHER; '' none
    doc_number          TEXT,                          -- normalised (A1234563); NULL when none
    doc_country         TEXT NOT NULL DEFAULT '',      -- issuing country, ISO 3166 alpha-3, for passports
    doc_key             TEXT,                          -- what makes a document unique: "HK|A1234563" for HKID and BC alike
    mobile              TEXT,                          -- digits, "91234567" or "+447700900123"; NULL when none
    phone_other         TEXT,
    address             TEXT NOT NULL DEFAULT '',
    email               TEXT NOT NULL DEFAULT '',
    emergency_name      TEXT NOT NULL DEFAULT '',
    emergency_phone     TEXT NOT NULL DEFAULT '',
    emergency_relation  TEXT NOT NULL DEFAULT '',
    language            TEXT NOT NULL DEFAULT 'both' CHECK (language IN ('en','zh','both')), -- printed matter
    remarks             TEXT NOT NULL DEFAULT '',
    -- eHealth: the current state; every change is also a row of patient_consents.
    ehr_no              TEXT,                          -- 12 digits; NULL when unknown
    ehealth_joined      INTEGER NOT NULL DEFAULT 0,
    consent             TEXT NOT NULL DEFAULT 'none' CHECK (consent IN ('none','given','revoked')),
    consent_date        TEXT NOT NULL DEFAULT '',      -- YYYY-MM-DD
    consent_method      TEXT NOT NULL DEFAULT '',      -- smart_id, access_key, signed_form, phone
    consent_by          INTEGER,                       -- user who recorded it
    consent_by_name     TEXT NOT NULL DEFAULT '',
    merged_into         INTEGER REFERENCES patients(id),
    merged_at           TEXT NOT NULL DEFAULT '',
    last_visit_at       TEXT,                          -- UTC RFC 3339, kept up to date by visits
    version             INTEGER NOT NULL DEFAULT 1,    -- bumped on every change: a stale form is refused
    created_at          TEXT NOT NULL,
    updated_at          TEXT NOT NULL
) STRICT;

-- Identifiers: merged-away rows stay in these indexes so that their numbers find the survivor.
CREATE UNIQUE INDEX patients_number ON patients(number);
CREATE INDEX patients_doc_number ON patients(doc_number) WHERE doc_number IS NOT NULL;
CREATE INDEX patients_mobile ON patients(mobile, dob) WHERE mobile IS NOT NULL;
CREATE INDEX patients_phone_other ON patients(phone_other) WHERE phone_other IS NOT NULL;
-- One living patient per identity document. A merged row leaves the rule.
CREATE UNIQUE INDEX patients_doc_key ON patients(doc_key) WHERE doc_key IS NOT NULL AND merged_into IS NULL;
-- Date of birth search, and "same name, same date of birth" for duplicate warnings and review.
-- merged_into is always NULL here; having it in the index lets queries that say
-- "merged_into IS NULL" be answered from the index alone, without a read of each row.
CREATE INDEX patients_dob_name ON patients(dob, name_key, merged_into) WHERE merged_into IS NULL;

-- Name search. patient_names holds the lower-case words of the English name and the one- and
-- two-character pieces of the Chinese name ("chan tai man 陳 大 文 陳大 大文"), so any English word
-- or any one or two characters of the Chinese name is one index lookup (two-letter prefixes have
-- their own prefix index). patient_names_zh is a trigram index of the Chinese name, for three
-- characters and more. Both are contentless (the text is in patients), detail=none (no phrase
-- queries are needed, and the index is a third of the size), and keyed by patients.id; the Go
-- code keeps them in step.
CREATE VIRTUAL TABLE patient_names USING fts5(
    keys, content='', contentless_delete=1, detail=none,
    tokenize="unicode61 remove_diacritics 2", prefix='2');
CREATE VIRTUAL TABLE patient_names_zh USING fts5(
    name, content='', contentless_delete=1, detail=none, tokenize='trigram');

-- Every distinct English word of patient_names, so that a word typed in part is looked up as the
-- few whole words it can be ("chan" -> chan, chang): FTS5 answers a prefix query ("chan"*) by
-- first building the list of every row with any matching word, but an OR of whole words one row
-- at a time, which the LIMIT of a search then cuts short.
CREATE TABLE patient_name_terms (
    term  TEXT PRIMARY KEY
) STRICT, WITHOUT ROWID;

-- Demographic history: every changed field of every change, with who and when.
CREATE TABLE patient_changes (
    id          INTEGER PRIMARY KEY,
    patient_id  INTEGER NOT NULL REFERENCES patients(id),
    at          TEXT NOT NULL,
    user_id     INTEGER,
    username    TEXT NOT NULL DEFAULT '',
    field       TEXT NOT NULL,
    old_value   TEXT NOT NULL,
    new_value   TEXT NOT NULL
) STRICT;
CREATE INDEX patient_changes_patient ON patient_changes(patient_id, id);

-- eHealth joining and sharing-consent history: one row per recorded state.
CREATE TABLE patient_consents (
    id                INTEGER PRIMARY KEY,
    patient_id        INTEGER NOT NULL REFERENCES patients(id),
    at                TEXT NOT NULL,
    ehr_no            TEXT NOT NULL DEFAULT '',
    joined            INTEGER NOT NULL,
    consent           TEXT NOT NULL CHECK (consent IN ('none','given','revoked')),
    consent_date      TEXT NOT NULL DEFAULT '',
    method            TEXT NOT NULL DEFAULT '',
    recorded_by       INTEGER,
    recorded_by_name  TEXT NOT NULL DEFAULT '',
    note              TEXT NOT NULL DEFAULT ''
) STRICT;
CREATE INDEX patient_consents_patient ON patient_consents(patient_id, id);

-- Merges: which record was folded into which, by whom and why, and (for un-merge) exactly which
-- rows of which tables moved.
CREATE TABLE patient_merges (
    id              INTEGER PRIMARY KEY,
    survivor_id     INTEGER NOT NULL REFERENCES patients(id),
    merged_id       INTEGER NOT NULL REFERENCES patients(id),
    reason          TEXT NOT NULL,
    merged_at       TEXT NOT NULL,
    merged_by       INTEGER,
    merged_by_name  TEXT NOT NULL DEFAULT '',
    undone_at       TEXT NOT NULL DEFAULT '',
    undone_by       INTEGER,
    undone_by_name  TEXT NOT NULL DEFAULT ''
) STRICT;
CREATE INDEX patient_merges_survivor ON patient_merges(survivor_id);
CREATE INDEX patient_merges_merged ON patient_merges(merged_id);

CREATE TABLE patient_merge_moves (
    merge_id  INTEGER NOT NULL REFERENCES patient_merges(id),
    tbl       TEXT NOT NULL,
    row_id    INTEGER NOT NULL,
    PRIMARY KEY (merge_id, tbl, row_id)
) STRICT, WITHOUT ROWID;

-- Pairs a person has looked at on the review page and found to be two different people.
CREATE TABLE patient_not_duplicates (
    a_id    INTEGER NOT NULL REFERENCES patients(id),   -- the lower id
    b_id    INTEGER NOT NULL REFERENCES patients(id),
    at      TEXT NOT NULL,
    by_id   INTEGER,
    by_name TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (a_id, b_id)
) STRICT, WITHOUT ROWID;
