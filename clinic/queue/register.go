package queue

import "github.com/onramp-hk/onramp/clinic/patients"

// A merge of two patient records moves their attendances to the survivor.
func init() { patients.RegisterOwnedTable("attendances", "patient_id") }
