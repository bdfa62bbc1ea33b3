-- Anatomical pathology results to eHealth (LABAP). Its guide makes the report's authorisation
-- time and the pathology test name mandatory; both are printed on a pathology report, so the
-- clinic copies them from it onto the request. '' when not given: such a request stays in the
-- clinic (nothing is made up to fill them).
ALTER TABLE lab_requests ADD COLUMN authorised_at TEXT NOT NULL DEFAULT ''; -- Hong Kong time "YYYY-MM-DDTHH:MM"
ALTER TABLE lab_requests ADD COLUMN ap_test_name TEXT NOT NULL DEFAULT '';  -- e.g. "Surgical Biopsy"

-- A merge moves pathology rows like any other (0008's trigger tells LABGEN); eHealth holds them
-- as a LABAP record, so it is told under that key too.
CREATE TRIGGER results_outbox_move_ap AFTER UPDATE OF patient_id ON results
WHEN OLD.patient_id IS NOT NEW.patient_id AND NEW.request_id IS NOT NULL AND NEW.category = 'PATH'
BEGIN
    INSERT INTO outbox (record_key, domain, tx_type, patient_id, at)
    VALUES ('OR-LABAP-lab_requests-' || NEW.request_id, 'LABAP', 'U', NEW.patient_id, strftime('%Y-%m-%dT%H:%M:%fZ', 'now'));
END;
