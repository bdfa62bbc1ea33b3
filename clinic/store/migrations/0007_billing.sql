-- Billing: the fee schedule, a bill per visit built from what was done in it, payments,
-- numbered receipts and the end of the day. Money is integer cents (_cents) everywhere.
-- Nothing here is deleted: a line the clerk takes off is marked removed with a reason, a bill
-- is voided, a receipt voided, a refund is a payment of its own.

-- The fee schedule. kind says what a fee is for and code which one:
--   consultation: code = visit type (consultation, follow_up, ...), per doctor or for all
--   procedure:    code = the procedure's local term code
--   certificate:  code = document kind (sick_leave, attendance, referral, visit_summary)
--   drug:         code = drugs.id; per 'unit' (dispensing unit) or 'course' (one charge per item)
--   package:      code = visit type; replaces the consultation fee and includes the medicine
--                 dispensed in that visit (name it: "Consultation with 3 days' medicine")
-- A change of price is a new row; the old one is retired (active = 0) so that old bills keep
-- meaning what they said.
CREATE TABLE fees (
    id            INTEGER PRIMARY KEY,
    kind          TEXT NOT NULL CHECK (kind IN ('consultation','procedure','certificate','drug','package')),
    code          TEXT NOT NULL,
    doctor_id     INTEGER REFERENCES users(id),   -- NULL: every doctor
    name_en       TEXT NOT NULL,
    name_zh       TEXT NOT NULL DEFAULT '',
    amount_cents  INTEGER NOT NULL CHECK (amount_cents >= 0),
    per           TEXT NOT NULL DEFAULT 'item' CHECK (per IN ('item','unit','course')),
    active        INTEGER NOT NULL DEFAULT 1,
    created_at    TEXT NOT NULL,
    created_by    TEXT NOT NULL DEFAULT '',
    retired_at    TEXT NOT NULL DEFAULT ''
) STRICT;
-- One active price per thing (and doctor): the lookup of a bill's line is one index probe.
CREATE UNIQUE INDEX fees_active ON fees(kind, code, COALESCE(doctor_id, 0)) WHERE active = 1;

-- Discounts the clinic offers, by name: a percentage (basis points) or a fixed amount.
CREATE TABLE discounts (
    id            INTEGER PRIMARY KEY,
    name_en       TEXT NOT NULL,
    name_zh       TEXT NOT NULL DEFAULT '',
    percent_bp    INTEGER NOT NULL DEFAULT 0 CHECK (percent_bp BETWEEN 0 AND 10000),
    amount_cents  INTEGER NOT NULL DEFAULT 0 CHECK (amount_cents >= 0),
    active        INTEGER NOT NULL DEFAULT 1,
    created_at    TEXT NOT NULL
) STRICT;

-- Numbers handed out: bills and receipts, one counter each.
CREATE TABLE billing_seq (
    name  TEXT PRIMARY KEY,
    last  INTEGER NOT NULL
) STRICT, WITHOUT ROWID;

CREATE TABLE bills (
    id                INTEGER PRIMARY KEY,
    number            TEXT NOT NULL UNIQUE,            -- B000123
    visit_id          INTEGER UNIQUE REFERENCES visits(id), -- NULL: a correction or a counter sale
    patient_id        INTEGER NOT NULL REFERENCES patients(id),
    doctor_id         INTEGER REFERENCES users(id),
    day               TEXT NOT NULL,                   -- YYYY-MM-DD, clinic time: the takings day it counts to
    status            TEXT NOT NULL DEFAULT 'open' CHECK (status IN ('open','settled','void')),
    total_cents       INTEGER NOT NULL DEFAULT 0,
    paid_cents        INTEGER NOT NULL DEFAULT 0,      -- net of refunds; bill-to-company counts as paid
    corrects_bill_id  INTEGER REFERENCES bills(id),    -- a correction of a bill of a closed day
    void_reason       TEXT NOT NULL DEFAULT '',
    voided_at         TEXT NOT NULL DEFAULT '',
    voided_by         TEXT NOT NULL DEFAULT '',
    version           INTEGER NOT NULL DEFAULT 1,      -- bumped on every change: a stale form is refused
    created_at        TEXT NOT NULL,
    updated_at        TEXT NOT NULL
) STRICT;
CREATE INDEX bills_day ON bills(day, doctor_id);
CREATE INDEX bills_patient ON bills(patient_id, day);

CREATE TABLE bill_lines (
    id              INTEGER PRIMARY KEY,
    bill_id         INTEGER NOT NULL REFERENCES bills(id),
    source          TEXT NOT NULL,                 -- consultation, package, drug, procedure, certificate, discount, manual
    source_ref      TEXT NOT NULL DEFAULT '',      -- what in the visit it charges for ("dispensing:12"): a rebuild finds its own line
    description_en  TEXT NOT NULL,
    description_zh  TEXT NOT NULL DEFAULT '',
    quantity        INTEGER NOT NULL DEFAULT 1,
    unit_cents      INTEGER NOT NULL,
    percent_bp      INTEGER NOT NULL DEFAULT 0,    -- a percentage discount, worked out again on each change
    amount_cents    INTEGER NOT NULL,              -- negative for a discount
    included        INTEGER NOT NULL DEFAULT 0,    -- covered by a package: shown, not charged
    adjusted        INTEGER NOT NULL DEFAULT 0,    -- changed by a clerk: a rebuild leaves it as it is
    removed         INTEGER NOT NULL DEFAULT 0,    -- taken off (reason kept); never deleted
    reason          TEXT NOT NULL DEFAULT '',
    created_at      TEXT NOT NULL,
    updated_at      TEXT NOT NULL
) STRICT;
CREATE INDEX bill_lines_bill ON bill_lines(bill_id, source_ref);

-- Money received or given back. A refund is a row with a negative amount and a reason.
-- day is the takings day it counts to: always an open day, never a closed one.
CREATE TABLE payments (
    id              INTEGER PRIMARY KEY,
    bill_id         INTEGER NOT NULL REFERENCES bills(id),
    method          TEXT NOT NULL CHECK (method IN ('cash','eps','card','fps','octopus','cheque','voucher','company')),
    amount_cents    INTEGER NOT NULL CHECK (amount_cents <> 0),
    tendered_cents  INTEGER NOT NULL DEFAULT 0,    -- cash handed over
    change_cents    INTEGER NOT NULL DEFAULT 0,    -- cash given back
    reference       TEXT NOT NULL DEFAULT '',      -- voucher transaction no., cheque no., approval code, FPS ref
    company         TEXT NOT NULL DEFAULT '',      -- bill-to-company: who owes it
    refund_of       INTEGER REFERENCES payments(id),
    reason          TEXT NOT NULL DEFAULT '',
    day             TEXT NOT NULL,
    doctor_id       INTEGER,                       -- the bill's doctor, for takings by doctor
    received_by     INTEGER REFERENCES users(id),
    received_by_name TEXT NOT NULL DEFAULT '',
    created_at      TEXT NOT NULL
) STRICT;
CREATE INDEX payments_bill ON payments(bill_id);
CREATE INDEX payments_day ON payments(day, method);
CREATE INDEX payments_company ON payments(company) WHERE company <> '';

-- What a company has paid of what it was billed.
CREATE TABLE company_settlements (
    id            INTEGER PRIMARY KEY,
    company       TEXT NOT NULL,
    amount_cents  INTEGER NOT NULL CHECK (amount_cents > 0),
    method        TEXT NOT NULL,
    reference     TEXT NOT NULL DEFAULT '',
    day           TEXT NOT NULL,
    received_by   TEXT NOT NULL DEFAULT '',
    created_at    TEXT NOT NULL
) STRICT;
CREATE INDEX company_settlements_company ON company_settlements(company);

-- A receipt keeps exactly what it printed (content, JSON), so that a reprint is the same
-- receipt, marked COPY.
CREATE TABLE receipts (
    id            INTEGER PRIMARY KEY,
    number        TEXT NOT NULL UNIQUE,            -- R000123
    bill_id       INTEGER NOT NULL REFERENCES bills(id),
    content       TEXT NOT NULL,
    issued_at     TEXT NOT NULL,
    issued_by     TEXT NOT NULL DEFAULT '',
    prints        INTEGER NOT NULL DEFAULT 1,
    void_reason   TEXT NOT NULL DEFAULT '',
    voided_at     TEXT NOT NULL DEFAULT '',
    voided_by     TEXT NOT NULL DEFAULT ''
) STRICT;
CREATE INDEX receipts_bill ON receipts(bill_id);

-- A closed day: its bills and takings are locked; a correction goes into a later day.
CREATE TABLE day_closes (
    day                  TEXT PRIMARY KEY,
    expected_cash_cents  INTEGER NOT NULL,
    counted_cash_cents   INTEGER NOT NULL,
    note                 TEXT NOT NULL DEFAULT '',
    closed_at            TEXT NOT NULL,
    closed_by            TEXT NOT NULL
) STRICT, WITHOUT ROWID;
