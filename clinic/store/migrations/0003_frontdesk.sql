-- The front desk: the day's queue (attendances and their ticket numbers), the appointment diary,
-- clinic hours, public holidays and slot types, and the rooms shown on the waiting-room board.

-- Bumped by every front-desk write in the same transaction, so that the live screens notice a
-- change made anywhere (another feature, another process) with one cheap read.
CREATE TABLE frontdesk_stamp (
    id  INTEGER PRIMARY KEY CHECK (id = 1),
    n   INTEGER NOT NULL
) STRICT;
INSERT INTO frontdesk_stamp (id, n) VALUES (1, 0);

-- Per doctor: the room the board sends patients to, and the letter before the doctor's ticket
-- numbers when each doctor has a sequence of their own ("A12").
CREATE TABLE doctor_rooms (
    user_id  INTEGER PRIMARY KEY REFERENCES users(id),
    room_en  TEXT NOT NULL DEFAULT '',
    room_zh  TEXT NOT NULL DEFAULT '',
    prefix   TEXT NOT NULL DEFAULT ''
) STRICT;

-- Opening hours per weekday (0 Sunday ... 6 Saturday, as Go's time.Weekday), local time "HH:MM".
-- opens = '' means closed all day; lunch_from = '' means no lunch break.
CREATE TABLE clinic_hours (
    weekday     INTEGER PRIMARY KEY CHECK (weekday BETWEEN 0 AND 6),
    opens       TEXT NOT NULL DEFAULT '',
    closes      TEXT NOT NULL DEFAULT '',
    lunch_from  TEXT NOT NULL DEFAULT '',
    lunch_to    TEXT NOT NULL DEFAULT ''
) STRICT;
INSERT INTO clinic_hours (weekday, opens, closes, lunch_from, lunch_to) VALUES
    (0, '', '', '', ''),
    (1, '09:00', '19:00', '13:00', '14:30'),
    (2, '09:00', '19:00', '13:00', '14:30'),
    (3, '09:00', '19:00', '13:00', '14:30'),
    (4, '09:00', '19:00', '13:00', '14:30'),
    (5, '09:00', '19:00', '13:00', '14:30'),
    (6, '09:00', '13:00', '', '');

-- Days the clinic is closed. seeded = 1 marks Hong Kong general holidays that OnRamp ships: the
-- clinic checks them against the Government Gazette and edits them like its own.
CREATE TABLE holidays (
    day      TEXT PRIMARY KEY,            -- YYYY-MM-DD
    name_en  TEXT NOT NULL DEFAULT '',
    name_zh  TEXT NOT NULL DEFAULT '',
    seeded   INTEGER NOT NULL DEFAULT 0
) STRICT, WITHOUT ROWID;
INSERT INTO holidays (day, name_en, name_zh, seeded) VALUES
    ('2026-01-01', 'The first day of January', '一月一日', 1),
    ('2026-02-17', 'Lunar New Year''s Day', '農曆年初一', 1),
    ('2026-02-18', 'The second day of Lunar New Year', '農曆年初二', 1),
    ('2026-02-19', 'The third day of Lunar New Year', '農曆年初三', 1),
    ('2026-04-03', 'Good Friday', '耶穌受難節', 1),
    ('2026-04-04', 'The day following Good Friday', '耶穌受難節翌日', 1),
    ('2026-04-06', 'The day following Ching Ming Festival', '清明節翌日', 1),
    ('2026-04-07', 'The day following Easter Monday', '復活節星期一翌日', 1),
    ('2026-05-01', 'Labour Day', '勞動節', 1),
    ('2026-05-25', 'The day following the Birthday of the Buddha', '佛誕翌日', 1),
    ('2026-06-19', 'Tuen Ng Festival', '端午節', 1),
    ('2026-07-01', 'Hong Kong Special Administrative Region Establishment Day', '香港特別行政區成立紀念日', 1),
    ('2026-09-26', 'The day following the Chinese Mid-Autumn Festival', '中秋節翌日', 1),
    ('2026-10-01', 'National Day', '國慶日', 1),
    ('2026-10-19', 'The day following Chung Yeung Festival', '重陽節翌日', 1),
    ('2026-12-25', 'Christmas Day', '聖誕節', 1),
    ('2026-12-26', 'The first weekday after Christmas Day', '聖誕節後第一個周日', 1),
    ('2027-01-01', 'The first day of January', '一月一日', 1),
    ('2027-02-06', 'Lunar New Year''s Day', '農曆年初一', 1),
    ('2027-02-08', 'The third day of Lunar New Year', '農曆年初三', 1),
    ('2027-02-09', 'The fourth day of Lunar New Year', '農曆年初四', 1),
    ('2027-03-26', 'Good Friday', '耶穌受難節', 1),
    ('2027-03-27', 'The day following Good Friday', '耶穌受難節翌日', 1),
    ('2027-03-29', 'Easter Monday', '復活節星期一', 1),
    ('2027-04-05', 'Ching Ming Festival', '清明節', 1),
    ('2027-05-01', 'Labour Day', '勞動節', 1),
    ('2027-05-13', 'The Birthday of the Buddha', '佛誕', 1),
    ('2027-06-09', 'Tuen Ng Festival', '端午節', 1),
    ('2027-07-01', 'Hong Kong Special Administrative Region Establishment Day', '香港特別行政區成立紀念日', 1),
    ('2027-09-16', 'The day following the Chinese Mid-Autumn Festival', '中秋節翌日', 1),
    ('2027-10-01', 'National Day', '國慶日', 1),
    ('2027-10-08', 'Chung Yeung Festival', '重陽節', 1),
    ('2027-12-25', 'Christmas Day', '聖誕節', 1),
    ('2027-12-27', 'The first weekday after Christmas Day', '聖誕節後第一個周日', 1);

-- Kinds of appointment: how many slots one takes, and whether it may share a slot with another
-- booking (an "extra" squeezed in, a quick injection).
CREATE TABLE slot_types (
    code      TEXT PRIMARY KEY,
    name_en   TEXT NOT NULL,
    name_zh   TEXT NOT NULL,
    slots     INTEGER NOT NULL DEFAULT 1 CHECK (slots BETWEEN 1 AND 16),
    overbook  INTEGER NOT NULL DEFAULT 0,
    sort      INTEGER NOT NULL DEFAULT 0
) STRICT, WITHOUT ROWID;
INSERT INTO slot_types (code, name_en, name_zh, slots, overbook, sort) VALUES
    ('standard', 'Consultation', '診症', 1, 0, 1),
    ('long', 'Long consultation', '長診症', 2, 0, 2),
    ('extra', 'Extra (may share a slot)', '加診（可重疊）', 1, 1, 3);

CREATE TABLE appointments (
    id             INTEGER PRIMARY KEY,
    patient_id     INTEGER NOT NULL REFERENCES patients(id),
    doctor_id      INTEGER NOT NULL REFERENCES users(id),
    day            TEXT NOT NULL,              -- the clinic's local day, YYYY-MM-DD
    starts_at      TEXT NOT NULL,              -- UTC RFC 3339
    ends_at        TEXT NOT NULL,
    slot_type      TEXT NOT NULL REFERENCES slot_types(code),
    overbook       INTEGER NOT NULL DEFAULT 0, -- copied from the slot type when booked
    status         TEXT NOT NULL DEFAULT 'booked' CHECK (status IN ('booked','arrived','cancelled','no_show')),
    reason         TEXT NOT NULL DEFAULT '',
    from_visit_id  INTEGER,                    -- a follow-up of this visit (the visits table is another feature's)
    cancel_reason  TEXT NOT NULL DEFAULT '',
    created_by     INTEGER REFERENCES users(id),
    created_at     TEXT NOT NULL,
    updated_at     TEXT NOT NULL,
    version        INTEGER NOT NULL DEFAULT 1
) STRICT;
CREATE INDEX appointments_doctor_day ON appointments(doctor_id, day, starts_at);
CREATE INDEX appointments_day ON appointments(day, starts_at);
CREATE INDEX appointments_patient ON appointments(patient_id, status);
-- The last guard against double booking (the booking transaction checks overlaps first).
CREATE UNIQUE INDEX appointments_one_per_slot ON appointments(doctor_id, starts_at)
    WHERE status IN ('booked','arrived') AND overbook = 0;

-- One patient's attendance on one day: a ticket number and where they are in the day.
CREATE TABLE attendances (
    id              INTEGER PRIMARY KEY,
    day             TEXT NOT NULL,             -- the clinic's local day, YYYY-MM-DD
    seq             TEXT NOT NULL,             -- the ticket sequence: 'clinic', or 'doctor:ID' ('doctor:0' unassigned)
    ticket          INTEGER NOT NULL,
    ticket_label    TEXT NOT NULL,             -- as handed out and called: "12", "A12"
    patient_id      INTEGER NOT NULL REFERENCES patients(id),
    doctor_id       INTEGER REFERENCES users(id),
    appointment_id  INTEGER UNIQUE REFERENCES appointments(id),
    state           TEXT NOT NULL CHECK (state IN ('waiting','with_doctor','awaiting_medicine_payment','done',
                                                   'skipped','no_show','cancelled')),
    urgent          INTEGER NOT NULL DEFAULT 0,
    position        INTEGER NOT NULL,          -- order among the waiting; urgent ones go first anyway
    arrived_at      TEXT NOT NULL,
    called_at       TEXT NOT NULL DEFAULT '',
    calls           INTEGER NOT NULL DEFAULT 0,
    room_en         TEXT NOT NULL DEFAULT '',  -- where the last call sent the patient
    room_zh         TEXT NOT NULL DEFAULT '',
    finished_at     TEXT NOT NULL DEFAULT '',
    updated_at      TEXT NOT NULL,
    version         INTEGER NOT NULL DEFAULT 1,
    UNIQUE (day, seq, ticket)
) STRICT;
CREATE INDEX attendances_day ON attendances(day, state, urgent, position);
CREATE INDEX attendances_patient ON attendances(patient_id, day);
