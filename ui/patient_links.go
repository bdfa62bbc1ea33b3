package ui

// The links between a patient's pages, each shown only to those who may follow it: the
// templates ask the View for the permission of the page a link leads to.

// PatientLinks are the permissions of the patient's other pages, for the patient page's links.
type PatientLinks struct {
	Edit, Chart, Visits, Allergies, Immunisations, Copy, Book Perm
	// Bill and Medicines are a visit's bill and medicines: the visit list's way to them for
	// the counter, who may not open the visit itself.
	Bill, Medicines Perm
}

// Links names the permissions of the pages linked from a patient or a visit.
func (v *View) Links() PatientLinks {
	return PatientLinks{Edit: patientsWrite, Chart: visitsRead, Visits: visitsSeen, Allergies: allergiesRead, Immunisations: immuRead,
		Copy: patientCopy, Book: diaryWrite, Bill: billsRead, Medicines: rxRead}
}

// FollowUpURL is the booking form filled in for a follow-up of a visit.
func (v *View) FollowUpURL(patientID, doctorID, visitID int64) string {
	return FollowUpURL(patientID, doctorID, visitID)
}
