-- Laboratory results to eHealth (LABGEN). eHealth takes one record per laboratory request with
-- all its tests, while the clinic keeps one row per test: lab_requests gives each request (the
-- number on the laboratory's slip, per patient) the id its record key is built from, so the key
-- stays the same for the life of the request whatever rows are added or withdrawn.
-- The new result columns are optional for the clinic's own use; a result lacking any of them is
-- simply not shared (nothing is ever made up to fill them).
CREATE TABLE lab_requests (
    id          INTEGER PRIMARY KEY,
    patient_id  INTEGER NOT NULL REFERENCES patients(id),
    request_no  TEXT NOT NULL,                  -- as printed on the laboratory's request slip
    created_at  TEXT NOT NULL,
    UNIQUE (patient_id, request_no)
) STRICT;

ALTER TABLE results ADD COLUMN request_id INTEGER REFERENCES lab_requests(id);
-- eHealth "Laboratory Category" code ("CHEM"); '' when not given.
ALTER TABLE results ADD COLUMN category TEXT NOT NULL DEFAULT '';
-- eHealth laboratory report status: F final, P preliminary, A amended; '' when not given.
ALTER TABLE results ADD COLUMN report_status TEXT NOT NULL DEFAULT '' CHECK (report_status IN ('','F','P','A'));
-- Specimen collection, Hong Kong time "YYYY-MM-DDTHH:MM"; '' when not given.
ALTER TABLE results ADD COLUMN collected_at TEXT NOT NULL DEFAULT '';
CREATE INDEX results_request ON results(request_id) WHERE request_id IS NOT NULL;

-- A merge moves results to the survivor by changing patient_id behind clinic/results' back:
-- the request follows its rows and eHealth is told.
CREATE TRIGGER results_outbox_move AFTER UPDATE OF patient_id ON results
WHEN OLD.patient_id IS NOT NEW.patient_id AND NEW.request_id IS NOT NULL
BEGIN
    UPDATE lab_requests SET patient_id = NEW.patient_id WHERE id = NEW.request_id
        AND NOT EXISTS (SELECT 1 FROM lab_requests o WHERE o.patient_id = NEW.patient_id AND o.request_no = lab_requests.request_no);
    INSERT INTO outbox (record_key, domain, tx_type, patient_id, at)
    VALUES ('OR-LABGEN-lab_requests-' || NEW.request_id, 'LABGEN', 'U', NEW.patient_id, strftime('%Y-%m-%dT%H:%M:%fZ', 'now'));
END;
