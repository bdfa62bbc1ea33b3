-- The consultation: visits (encounters) with their four-part note, signing and amendments,
-- vitals, diagnoses and procedures from the clinic's terminology, the problem list, results and
-- report files, note templates and favourites, and the documents printed from a visit.
-- Clinical rows are never updated in place once they count: a signed note changes only by a new
-- version in visit_note_versions, and a wrong entry is marked entered_in_error with a reason.

-- Episode numbers are handed out by the system, one counter per year ("2026-000123").
CREATE TABLE visit_number_seq (
    year  INTEGER PRIMARY KEY,
    last  INTEGER NOT NULL
) STRICT, WITHOUT ROWID;

CREATE TABLE visits (
    id                INTEGER PRIMARY KEY,
    patient_id        INTEGER NOT NULL REFERENCES patients(id),
    doctor_id         INTEGER REFERENCES users(id),
    attendance_id     INTEGER,                       -- the queue ticket it was opened from; NULL when opened directly
    episode_no        TEXT NOT NULL UNIQUE,
    visit_date        TEXT NOT NULL,                 -- YYYY-MM-DD, clinic time zone
    type              TEXT NOT NULL,                 -- consultation, follow_up, vaccination, procedure, ...
    status            TEXT NOT NULL CHECK (status IN ('draft','signed','entered_in_error')),
    -- The note as it stands now: the draft while status = 'draft', else the latest version.
    history           TEXT NOT NULL DEFAULT '',      -- history / presenting complaint
    examination       TEXT NOT NULL DEFAULT '',
    assessment        TEXT NOT NULL DEFAULT '',
    plan              TEXT NOT NULL DEFAULT '',
    note_version      INTEGER NOT NULL DEFAULT 0,    -- 0 draft; 1 signed; 2.. amendments
    signed_at         TEXT NOT NULL DEFAULT '',
    signed_by         INTEGER REFERENCES users(id),
    error_reason      TEXT NOT NULL DEFAULT '',      -- why it was marked entered in error
    error_at          TEXT NOT NULL DEFAULT '',
    error_by          INTEGER REFERENCES users(id),
    created_at        TEXT NOT NULL,
    created_by        INTEGER REFERENCES users(id),
    updated_at        TEXT NOT NULL,
    version           INTEGER NOT NULL DEFAULT 1     -- bumped on every change: a stale form is refused
) STRICT;
CREATE INDEX visits_patient ON visits(patient_id, visit_date DESC, id DESC);
CREATE INDEX visits_doctor_day ON visits(doctor_id, visit_date);
-- One visit per queue ticket: opening the consultation twice finds the first one.
CREATE UNIQUE INDEX visits_attendance ON visits(attendance_id) WHERE attendance_id IS NOT NULL;

-- Every signed version of every note, the first signature included; never changed.
CREATE TABLE visit_note_versions (
    id           INTEGER PRIMARY KEY,
    visit_id     INTEGER NOT NULL REFERENCES visits(id),
    version      INTEGER NOT NULL,
    history      TEXT NOT NULL,
    examination  TEXT NOT NULL,
    assessment   TEXT NOT NULL,
    plan         TEXT NOT NULL,
    reason       TEXT NOT NULL DEFAULT '',          -- '' for the first signature; the amendment's reason after
    at           TEXT NOT NULL,
    by_id        INTEGER REFERENCES users(id),
    by_name      TEXT NOT NULL DEFAULT '',
    UNIQUE (visit_id, version)
) STRICT;
CREATE TRIGGER visit_note_versions_no_update BEFORE UPDATE ON visit_note_versions
BEGIN SELECT RAISE(ABORT, 'signed note versions are never changed'); END;
CREATE TRIGGER visit_note_versions_no_delete BEFORE DELETE ON visit_note_versions
BEGIN SELECT RAISE(ABORT, 'signed note versions are never deleted'); END;

-- Vitals. Each measurement NULL when not taken. Stored in the units the clinic reads them in.
CREATE TABLE vitals (
    id             INTEGER PRIMARY KEY,
    visit_id       INTEGER REFERENCES visits(id),
    patient_id     INTEGER NOT NULL REFERENCES patients(id),
    taken_at       TEXT NOT NULL,                    -- UTC RFC 3339
    systolic       INTEGER,                          -- mmHg
    diastolic      INTEGER,
    pulse          INTEGER,                          -- beats per minute
    temperature    REAL,                             -- °C
    resp_rate      INTEGER,                          -- breaths per minute
    spo2           INTEGER,                          -- %
    weight_kg      REAL,
    height_cm      REAL,
    bmi            REAL,                             -- worked out from weight and height when both given
    glucose        REAL,                             -- mmol/L
    pain           INTEGER,                          -- 0-10
    status         TEXT NOT NULL DEFAULT 'ok' CHECK (status IN ('ok','entered_in_error')),
    error_reason   TEXT NOT NULL DEFAULT '',
    recorded_by    INTEGER REFERENCES users(id),
    recorded_name  TEXT NOT NULL DEFAULT ''
) STRICT;
CREATE INDEX vitals_patient ON vitals(patient_id, taken_at DESC);
CREATE INDEX vitals_visit ON vitals(visit_id);

-- The clinic's terminology: diagnoses and procedures, each a local code with English and
-- Chinese descriptions and, where the clinic has them, HKCTT and ICD-10 codes.
CREATE TABLE terms (
    id          INTEGER PRIMARY KEY,
    kind        TEXT NOT NULL CHECK (kind IN ('diagnosis','procedure')),
    code        TEXT NOT NULL,                       -- local code, unique per kind
    name_en     TEXT NOT NULL,
    name_zh     TEXT NOT NULL DEFAULT '',
    icd10       TEXT NOT NULL DEFAULT '',
    hkctt_id    TEXT NOT NULL DEFAULT '',
    search      TEXT NOT NULL DEFAULT '',            -- lower-case code, names and codes, for "chosen as you type"
    active      INTEGER NOT NULL DEFAULT 1,
    updated_at  TEXT NOT NULL,
    UNIQUE (kind, code)
) STRICT;

-- Per doctor: the terms offered first.
CREATE TABLE term_favourites (
    user_id  INTEGER NOT NULL REFERENCES users(id),
    term_id  INTEGER NOT NULL REFERENCES terms(id),
    PRIMARY KEY (user_id, term_id)
) STRICT, WITHOUT ROWID;

CREATE TABLE visit_diagnoses (
    id            INTEGER PRIMARY KEY,
    visit_id      INTEGER NOT NULL REFERENCES visits(id),
    patient_id    INTEGER NOT NULL REFERENCES patients(id),
    term_id       INTEGER REFERENCES terms(id),      -- NULL for free text
    code          TEXT NOT NULL DEFAULT '',          -- local term code at the time; '' for free text
    icd10         TEXT NOT NULL DEFAULT '',
    text_en       TEXT NOT NULL,
    text_zh       TEXT NOT NULL DEFAULT '',
    principal     INTEGER NOT NULL DEFAULT 0,
    status        TEXT NOT NULL DEFAULT 'ok' CHECK (status IN ('ok','entered_in_error')),
    error_reason  TEXT NOT NULL DEFAULT '',
    created_at    TEXT NOT NULL,
    created_by    INTEGER REFERENCES users(id)
) STRICT;
CREATE INDEX visit_diagnoses_visit ON visit_diagnoses(visit_id);
CREATE INDEX visit_diagnoses_patient ON visit_diagnoses(patient_id, code);

CREATE TABLE visit_procedures (
    id            INTEGER PRIMARY KEY,
    visit_id      INTEGER NOT NULL REFERENCES visits(id),
    patient_id    INTEGER NOT NULL REFERENCES patients(id),
    term_id       INTEGER REFERENCES terms(id),
    code          TEXT NOT NULL DEFAULT '',          -- local term code; '' for free text
    text_en       TEXT NOT NULL,
    text_zh       TEXT NOT NULL DEFAULT '',
    status        TEXT NOT NULL DEFAULT 'ok' CHECK (status IN ('ok','entered_in_error')),
    error_reason  TEXT NOT NULL DEFAULT '',
    created_at    TEXT NOT NULL,
    created_by    INTEGER REFERENCES users(id)
) STRICT;
CREATE INDEX visit_procedures_visit ON visit_procedures(visit_id);
CREATE INDEX visit_procedures_patient ON visit_procedures(patient_id);

-- Long-term conditions carried from visit to visit.
CREATE TABLE problems (
    id            INTEGER PRIMARY KEY,
    patient_id    INTEGER NOT NULL REFERENCES patients(id),
    term_id       INTEGER REFERENCES terms(id),
    code          TEXT NOT NULL DEFAULT '',
    text_en       TEXT NOT NULL,
    text_zh       TEXT NOT NULL DEFAULT '',
    status        TEXT NOT NULL CHECK (status IN ('active','resolved','entered_in_error')),
    since         TEXT NOT NULL DEFAULT '',          -- YYYY-MM-DD or '' when unknown
    resolved_on   TEXT NOT NULL DEFAULT '',
    visit_id      INTEGER REFERENCES visits(id),     -- where it was first recorded
    error_reason  TEXT NOT NULL DEFAULT '',
    created_at    TEXT NOT NULL,
    created_by    INTEGER REFERENCES users(id),
    updated_at    TEXT NOT NULL
) STRICT;
CREATE INDEX problems_patient ON problems(patient_id, status);

-- Report files (PDF, JPEG, PNG) stored in the data folder under their SHA-256.
CREATE TABLE result_files (
    id             INTEGER PRIMARY KEY,
    sha256         TEXT NOT NULL UNIQUE,
    mime           TEXT NOT NULL,
    size           INTEGER NOT NULL,
    original_name  TEXT NOT NULL DEFAULT '',
    created_at     TEXT NOT NULL
) STRICT;

-- Investigation results, entered by hand or attached as a report file (or both).
CREATE TABLE results (
    id            INTEGER PRIMARY KEY,
    patient_id    INTEGER NOT NULL REFERENCES patients(id),
    visit_id      INTEGER REFERENCES visits(id),
    test          TEXT NOT NULL,                     -- as the laboratory names it: "HbA1c"
    value         TEXT NOT NULL DEFAULT '',          -- as reported ("7.2", "positive")
    value_num     REAL,                              -- the number, when the value is one: trends
    unit          TEXT NOT NULL DEFAULT '',
    ref_range     TEXT NOT NULL DEFAULT '',
    abnormal      TEXT NOT NULL DEFAULT '' CHECK (abnormal IN ('','H','L','A')),
    taken_on      TEXT NOT NULL,                     -- YYYY-MM-DD
    laboratory    TEXT NOT NULL DEFAULT '',
    file_id       INTEGER REFERENCES result_files(id),
    status        TEXT NOT NULL DEFAULT 'ok' CHECK (status IN ('ok','entered_in_error')),
    error_reason  TEXT NOT NULL DEFAULT '',
    created_at    TEXT NOT NULL,
    created_by    INTEGER REFERENCES users(id)
) STRICT;
CREATE INDEX results_patient ON results(patient_id, taken_on DESC, id DESC);
CREATE INDEX results_patient_test ON results(patient_id, test, taken_on);
CREATE INDEX results_file ON results(file_id) WHERE file_id IS NOT NULL;

-- Clinic-defined note templates; user_id set for a doctor's own favourite, NULL for the clinic's.
CREATE TABLE note_templates (
    id           INTEGER PRIMARY KEY,
    user_id      INTEGER REFERENCES users(id),
    name         TEXT NOT NULL,
    history      TEXT NOT NULL DEFAULT '',
    examination  TEXT NOT NULL DEFAULT '',
    assessment   TEXT NOT NULL DEFAULT '',
    plan         TEXT NOT NULL DEFAULT '',
    active       INTEGER NOT NULL DEFAULT 1,
    updated_at   TEXT NOT NULL
) STRICT;
CREATE INDEX note_templates_user ON note_templates(user_id);
INSERT INTO note_templates (user_id, name, history, examination, assessment, plan, updated_at) VALUES
    (NULL, 'URI / 上呼吸道感染', 'Sore throat / runny nose / cough for _ days. Fever: _. No shortness of breath.',
     'T _ °C. Throat: _. Ears: _. Chest: clear.', 'Acute upper respiratory tract infection.',
     'Symptomatic treatment. Fluids and rest. Return if fever > 3 days or breathing difficulty.', '2026-01-01T00:00:00Z'),
    (NULL, 'Hypertension review / 高血壓覆診', 'Home BP readings: _. Medication adherence: _. Side effects: _.',
     'BP _/_ mmHg, pulse _. Weight _ kg.', 'Essential hypertension, _ controlled.',
     'Continue medication. Low-salt diet and exercise. Review in _ weeks.', '2026-01-01T00:00:00Z'),
    (NULL, 'Gastroenteritis / 腸胃炎', 'Diarrhoea _ times/day and vomiting for _ days. Blood in stool: no.',
     'Hydration: _. Abdomen: soft, non-tender.', 'Acute gastroenteritis.',
     'Oral rehydration. Light diet. Return if unable to keep fluids down or blood in stool.', '2026-01-01T00:00:00Z');

-- Documents issued from a visit: certificates, letters, summaries. The PDF is kept as first
-- printed so that a reprint is identical (stamped COPY); details holds what was asked for.
CREATE TABLE document_number_seq (
    kind  TEXT NOT NULL,
    year  INTEGER NOT NULL,
    last  INTEGER NOT NULL,
    PRIMARY KEY (kind, year)
) STRICT, WITHOUT ROWID;

CREATE TABLE documents (
    id          INTEGER PRIMARY KEY,
    visit_id    INTEGER REFERENCES visits(id),
    patient_id  INTEGER NOT NULL REFERENCES patients(id),
    kind        TEXT NOT NULL,                       -- sick_leave, attendance, referral, visit_summary
    number      TEXT NOT NULL UNIQUE,                -- "SL-2026-000012"
    language    TEXT NOT NULL CHECK (language IN ('en','zh','both')),
    details     TEXT NOT NULL DEFAULT '{}',          -- JSON: dates, days, diagnosis shown, addressee, ...
    pdf         BLOB NOT NULL,                       -- the original, as first printed
    pdf_copy    BLOB NOT NULL,                       -- the same stamped COPY, for every reprint
    prints      INTEGER NOT NULL DEFAULT 1,
    created_at  TEXT NOT NULL,
    created_by  INTEGER REFERENCES users(id),
    created_name TEXT NOT NULL DEFAULT ''
) STRICT;
CREATE INDEX documents_visit ON documents(visit_id);
CREATE INDEX documents_patient ON documents(patient_id, id);

-- eHealth: diagnoses (PROB) and procedures (PX) reach the outbox from clinic/visits in the
-- change's own transaction. A merge moves them to the survivor by changing patient_id behind
-- that code's back, so these triggers tell eHealth of the move.
CREATE TRIGGER visit_diagnoses_outbox_move AFTER UPDATE OF patient_id ON visit_diagnoses
WHEN OLD.patient_id IS NOT NEW.patient_id
BEGIN
    INSERT INTO outbox (record_key, domain, tx_type, patient_id, at)
    VALUES ('OR-PROB-visit_diagnoses-' || NEW.id, 'PROB', 'U', NEW.patient_id, strftime('%Y-%m-%dT%H:%M:%fZ', 'now'));
END;
CREATE TRIGGER visit_procedures_outbox_move AFTER UPDATE OF patient_id ON visit_procedures
WHEN OLD.patient_id IS NOT NEW.patient_id
BEGIN
    INSERT INTO outbox (record_key, domain, tx_type, patient_id, at)
    VALUES ('OR-PX-visit_procedures-' || NEW.id, 'PX', 'U', NEW.patient_id, strftime('%Y-%m-%dT%H:%M:%fZ', 'now'));
END;
