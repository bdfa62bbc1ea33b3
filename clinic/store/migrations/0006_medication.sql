-- Medication: allergies and adverse drug reactions, the formulary and its stock by batch,
-- prescribing in a visit, dispensing and returns, and immunisations.
-- Clinical rows are not erased: an allergy is inactivated with a reason, a prescription item is
-- cancelled with a reason, a return is a row of its own, an immunisation entered in error keeps
-- its row with the reason.

-- The formulary. One row per item the clinic prescribes or dispenses.
CREATE TABLE drugs (
    id                   INTEGER PRIMARY KEY,
    local_code           TEXT NOT NULL,                 -- the clinic's own code, unique
    name                 TEXT NOT NULL,                 -- brand or generic name as printed on the label
    name_zh              TEXT NOT NULL DEFAULT '',
    strength             TEXT NOT NULL DEFAULT '',      -- "500 mg", "125 mg/5 ml"
    form                 TEXT NOT NULL DEFAULT '',      -- tablet, capsule, syrup, cream, injection, ...
    route                TEXT NOT NULL DEFAULT 'PO',    -- PO, TOP, IM, SC, INH, ...
    dispensing_unit      TEXT NOT NULL,                 -- what quantity counts: tab, cap, bottle, tube, ...
    dose_unit            TEXT NOT NULL,                 -- what a dose counts: tab, ml, puff, ...
    -- How many dose units one dispensing unit holds, in thousandths: a tablet is 1000 (one tab),
    -- a 100 ml bottle dosed in ml is 100000. Quantity = doses over the course / this, rounded up.
    units_per_dispensing_milli INTEGER NOT NULL DEFAULT 1000 CHECK (units_per_dispensing_milli > 0),
    pack_size            INTEGER NOT NULL DEFAULT 0,    -- dispensing units in a supplier's pack; 0 unknown
    rpp_no               TEXT NOT NULL DEFAULT '',      -- Registered Pharmaceutical Products number HK-12345
    term_code            TEXT NOT NULL DEFAULT '',      -- other recognised code (HKCTT), when the clinic has it
    cost_cents           INTEGER NOT NULL DEFAULT 0 CHECK (cost_cents >= 0),           -- per dispensing unit
    selling_price_cents  INTEGER NOT NULL DEFAULT 0 CHECK (selling_price_cents >= 0),  -- per dispensing unit
    default_dose_milli   INTEGER NOT NULL DEFAULT 0,    -- in dose units, thousandths; 0 none
    default_frequency    TEXT NOT NULL DEFAULT '',      -- QD, BD, TDS, ...
    default_days         INTEGER NOT NULL DEFAULT 0,
    instructions_en      TEXT NOT NULL DEFAULT '',      -- extra instructions printed on the label
    instructions_zh      TEXT NOT NULL DEFAULT '',
    max_daily_milli      INTEGER NOT NULL DEFAULT 0,    -- configured maximum per day in dose units; 0 none
    reorder_level        INTEGER NOT NULL DEFAULT 0,    -- low-stock threshold in dispensing units
    is_vaccine           INTEGER NOT NULL DEFAULT 0,
    active               INTEGER NOT NULL DEFAULT 1,
    version              INTEGER NOT NULL DEFAULT 1,
    created_at           TEXT NOT NULL,
    updated_at           TEXT NOT NULL
) STRICT;
CREATE UNIQUE INDEX drugs_local_code ON drugs(local_code);
CREATE INDEX drugs_name ON drugs(name COLLATE NOCASE);

-- Active ingredients, lower case, one row each: the allergy and duplicate checks compare these,
-- so a brand the patient never took is still caught by what is in it.
CREATE TABLE drug_ingredients (
    drug_id     INTEGER NOT NULL REFERENCES drugs(id),
    ingredient  TEXT NOT NULL,
    strength    TEXT NOT NULL DEFAULT '',
    position    INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (drug_id, ingredient)
) STRICT, WITHOUT ROWID;
CREATE INDEX drug_ingredients_ingredient ON drug_ingredients(ingredient);

-- The cautionary texts, written by the clinic's team in both languages.
CREATE TABLE cautions (
    id       INTEGER PRIMARY KEY,
    code     TEXT NOT NULL UNIQUE,
    text_en  TEXT NOT NULL,
    text_zh  TEXT NOT NULL,
    active   INTEGER NOT NULL DEFAULT 1
) STRICT;

CREATE TABLE drug_cautions (
    drug_id     INTEGER NOT NULL REFERENCES drugs(id),
    caution_id  INTEGER NOT NULL REFERENCES cautions(id),
    position    INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (drug_id, caution_id)
) STRICT, WITHOUT ROWID;

-- Stock by batch. quantity never goes below zero: the CHECK is the last guard behind the code.
CREATE TABLE stock_batches (
    id             INTEGER PRIMARY KEY,
    drug_id        INTEGER NOT NULL REFERENCES drugs(id),
    batch_no       TEXT NOT NULL,
    expiry         TEXT NOT NULL,                  -- YYYY-MM-DD
    quantity       INTEGER NOT NULL CHECK (quantity >= 0),
    cost_cents     INTEGER NOT NULL DEFAULT 0,     -- per dispensing unit as received
    supplier       TEXT NOT NULL DEFAULT '',
    received_at    TEXT NOT NULL
) STRICT;
CREATE INDEX stock_batches_drug ON stock_batches(drug_id, expiry, id);
CREATE INDEX stock_batches_expiry ON stock_batches(expiry) WHERE quantity > 0;

-- Every change of stock, signed: receive +, dispense -, return +, adjust and stock-take either.
CREATE TABLE stock_movements (
    id             INTEGER PRIMARY KEY,
    drug_id        INTEGER NOT NULL REFERENCES drugs(id),
    batch_id       INTEGER NOT NULL REFERENCES stock_batches(id),
    kind           TEXT NOT NULL CHECK (kind IN ('receive','dispense','return','adjust','stocktake')),
    quantity       INTEGER NOT NULL,
    reason         TEXT NOT NULL DEFAULT '',
    dispensing_id  INTEGER,
    at             TEXT NOT NULL,
    by_id          INTEGER,
    by_name        TEXT NOT NULL DEFAULT ''
) STRICT;
CREATE INDEX stock_movements_batch ON stock_movements(batch_id, id);
CREATE INDEX stock_movements_drug ON stock_movements(drug_id, id);

-- Allergies (eHealth AL1) and adverse drug reactions (ADR). The allergen is a drug of the
-- formulary (its ingredients count), an ingredient, or free text.
CREATE TABLE allergies (
    id                INTEGER PRIMARY KEY,
    patient_id        INTEGER NOT NULL REFERENCES patients(id),
    kind              TEXT NOT NULL CHECK (kind IN ('allergy','adr')),
    allergen_type     TEXT NOT NULL CHECK (allergen_type IN ('drug','non_drug','unclassified')),
    drug_id           INTEGER REFERENCES drugs(id),
    ingredient        TEXT NOT NULL DEFAULT '',     -- lower case, when the allergen is an ingredient
    allergen          TEXT NOT NULL,                -- as shown: "Amoxicillin", "Peanut"
    reaction_code     TEXT NOT NULL DEFAULT '',     -- eHealth's reaction table, "1".."39"
    reaction          TEXT NOT NULL DEFAULT '',     -- local text
    severity          TEXT NOT NULL DEFAULT '' CHECK (severity IN ('','M','S')),
    certainty         TEXT NOT NULL DEFAULT '' CHECK (certainty IN ('','C','S')),
    onset             TEXT NOT NULL DEFAULT '',     -- YYYY[-MM[-DD]]
    remarks           TEXT NOT NULL DEFAULT '',
    status            TEXT NOT NULL DEFAULT 'active' CHECK (status IN ('active','inactive')),
    inactive_reason   TEXT NOT NULL DEFAULT '',
    inactive_at       TEXT NOT NULL DEFAULT '',
    inactive_by_name  TEXT NOT NULL DEFAULT '',
    created_at        TEXT NOT NULL,
    created_by        INTEGER,
    created_by_name   TEXT NOT NULL DEFAULT '',
    updated_at        TEXT NOT NULL
) STRICT;
CREATE INDEX allergies_patient ON allergies(patient_id, status);

-- "No known drug allergy" as a recorded statement, with who said so and when. It stands until
-- withdrawn (an allergy recorded later withdraws it).
CREATE TABLE allergy_nkda (
    id              INTEGER PRIMARY KEY,
    patient_id      INTEGER NOT NULL REFERENCES patients(id),
    recorded_at     TEXT NOT NULL,
    recorded_by     INTEGER,
    recorded_by_name TEXT NOT NULL DEFAULT '',
    withdrawn_at    TEXT NOT NULL DEFAULT ''
) STRICT;
CREATE INDEX allergy_nkda_patient ON allergy_nkda(patient_id, withdrawn_at);

-- Prescribed items of a visit. quantity is in the drug's dispensing units.
CREATE TABLE prescription_items (
    id                 INTEGER PRIMARY KEY,
    visit_id           INTEGER NOT NULL REFERENCES visits(id),
    patient_id         INTEGER NOT NULL REFERENCES patients(id),
    drug_id            INTEGER NOT NULL REFERENCES drugs(id),
    dose_milli         INTEGER NOT NULL,              -- dose in dose units, thousandths
    dose_unit          TEXT NOT NULL,
    frequency          TEXT NOT NULL,                 -- QD, BD, TDS, QID, Q4H, PRN, NOCTE, ...
    prn_max_per_day    INTEGER NOT NULL DEFAULT 0,
    route              TEXT NOT NULL DEFAULT '',
    days               INTEGER NOT NULL DEFAULT 0,
    quantity           INTEGER NOT NULL CHECK (quantity > 0),
    quantity_worked    INTEGER NOT NULL DEFAULT 0,    -- what the rule gave, when the prescriber changed it
    instructions_en    TEXT NOT NULL DEFAULT '',
    instructions_zh    TEXT NOT NULL DEFAULT '',
    unit_price_cents   INTEGER NOT NULL DEFAULT 0,    -- selling price per dispensing unit when prescribed
    warnings           TEXT NOT NULL DEFAULT '',      -- the checks' findings, as shown
    override_reason    TEXT NOT NULL DEFAULT '',      -- why a hard stop was overridden
    status             TEXT NOT NULL DEFAULT 'prescribed' CHECK (status IN ('prescribed','dispensed','cancelled')),
    cancel_reason      TEXT NOT NULL DEFAULT '',
    prescribed_by      INTEGER,
    prescribed_by_name TEXT NOT NULL DEFAULT '',
    created_at         TEXT NOT NULL,
    updated_at         TEXT NOT NULL
) STRICT;
CREATE INDEX prescription_items_visit ON prescription_items(visit_id, id);
CREATE INDEX prescription_items_patient ON prescription_items(patient_id, id);

-- Dispensings, one row per batch taken from; a return is its own row with a negative quantity.
CREATE TABLE dispensings (
    id                    INTEGER PRIMARY KEY,
    prescription_item_id  INTEGER NOT NULL REFERENCES prescription_items(id),
    visit_id              INTEGER NOT NULL REFERENCES visits(id),
    patient_id            INTEGER NOT NULL REFERENCES patients(id),
    drug_id               INTEGER NOT NULL REFERENCES drugs(id),
    batch_id              INTEGER NOT NULL REFERENCES stock_batches(id),
    kind                  TEXT NOT NULL CHECK (kind IN ('dispense','return')),
    quantity              INTEGER NOT NULL,          -- dispensing units; negative for a return
    reason                TEXT NOT NULL DEFAULT '',
    at                    TEXT NOT NULL,
    by_id                 INTEGER,
    by_name               TEXT NOT NULL DEFAULT ''
) STRICT;
CREATE INDEX dispensings_item ON dispensings(prescription_item_id, id);
CREATE INDEX dispensings_visit ON dispensings(visit_id);

-- Immunisations (eHealth IMMU), given here or elsewhere (historical).
CREATE TABLE immunisations (
    id              INTEGER PRIMARY KEY,
    patient_id      INTEGER NOT NULL REFERENCES patients(id),
    visit_id        INTEGER REFERENCES visits(id),
    drug_id         INTEGER REFERENCES drugs(id),
    vaccine         TEXT NOT NULL,
    dose_number     TEXT NOT NULL DEFAULT '',
    given_on        TEXT NOT NULL,                  -- YYYY-MM-DD
    batch_no        TEXT NOT NULL DEFAULT '',
    site            TEXT NOT NULL DEFAULT '',       -- eHealth site code, LD, RD, ...
    route           TEXT NOT NULL DEFAULT '',       -- eHealth route code, IM, SCH, ...
    given_by        TEXT NOT NULL DEFAULT '',
    historical      INTEGER NOT NULL DEFAULT 0,
    provider        TEXT NOT NULL DEFAULT '',       -- for historical doses: HA, DH, Private, Other
    premises        TEXT NOT NULL DEFAULT '',
    remarks         TEXT NOT NULL DEFAULT '',
    status          TEXT NOT NULL DEFAULT 'active' CHECK (status IN ('active','entered_in_error')),
    error_reason    TEXT NOT NULL DEFAULT '',
    created_at      TEXT NOT NULL,
    created_by      INTEGER,
    created_by_name TEXT NOT NULL DEFAULT '',
    updated_at      TEXT NOT NULL
) STRICT;
CREATE INDEX immunisations_patient ON immunisations(patient_id, given_on);
