package ehrss

// eHealth's code tables, as printed in the guides' "Code Tables" and
// "Mapping Tables" sections. Check enforces them; the builders take the eHR
// descriptions from here so that callers only pass codes.

// sexToGender maps eHR [Sex] to FHIR administrative gender (every guide,
// "FHIR Administrative Gender" mapping table).
var sexToGender = map[string]string{"M": "male", "F": "female", "U": "unknown"}

// docTypes is "Type of identity document" (every guide's code table), plus
// "ECID", which the Patient tables permit: "For participants with
// Certificate of Exemption, if the HKIC exists, please use ECID".
var docTypes = map[string]string{
	"AR":   "Adoption Certificate",
	"BC":   "Birth Certificate - HK",
	"CD":   "Consular Corps ID Card",
	"DI":   "Document of Identity for Visa Purposes",
	"EC":   "Exemption Certificate",
	"ECID": "HKID Card of a Certificate of Exemption holder",
	"ED":   "eHR document",
	"ID":   "HKID Card",
	"MD":   "Macao ID Card",
	"OC":   "Travel documents - PRC",
	"OP":   "Travel document - overseas",
	"OW":   "One-way Permit",
	"RE":   "Recognizance Form",
	"RP":   "Re-entry Permit",
	"TW":   "Two-way Permit",
}

// docTypeAliases lets callers use everyday names. Provisional: ours, not
// eHealth's; a passport is an overseas travel document (OP).
var docTypeAliases = map[string]string{"PASSPORT": "OP"}

// hkidFormatDocs are the document types whose number is an HKID-format
// number with a check digit (lab guides §4.3.2; Patient tables of all guides).
var hkidFormatDocs = map[string]bool{"ID": true, "BC": true, "CD": true, "ECID": true}

// allergenTypes is "Type of allergen" (allergy guide §7).
var allergenTypes = map[string]string{
	"Drug":       "Drug allergen",
	"Non-drug":   "Non-drug allergen",
	"Unclassify": "Unclassify type of allergen",
}

// certainty is "Level of certainty code" (allergy guide §7).
var certainty = map[string]string{"S": "Suspected", "C": "Certain"}

// reactions is the allergic / adverse drug reaction table (allergy guide
// §7). The guide prints code 2 as "s2", a typo.
var reactions = map[string]string{
	"1": "Allergic contact dermatitis", "2": "Allergic rhinitis", "3": "Anaphylaxis",
	"4": "Angioedema", "5": "Aplastic anaemia", "6": "Asthma", "7": "Atopic dermatitis",
	"8": "Cholestasis", "9": "Eczema", "10": "Erythema multiforme", "11": "Erythema nodosum",
	"12": "Erythroderma", "13": "Exfoliative dermatitis", "14": "Fever",
	"15": "Fibrosing alveolitis", "16": "Fixed drug eruptions", "17": "Generalised liver damage",
	"18": "Haemolytic anaemia", "19": "Photosensitivity", "20": "Pruritus", "21": "Rash",
	"22": "Serum sickness", "23": "Stevens-Johnson syndrome", "24": "Toxic erythema",
	"25": "Urticaria", "26": "Other allergic reaction", "27": "Manifestation uncertain",
	"28": "Dyspnoea", "29": "Eyelid swelling", "30": "Facial swelling", "31": "Lip swelling",
	"32": "Other swelling", "33": "Stevens-Johnson syndrome, toxic epidermal necrolysis spectrum",
	"34": "Acute generalised exanthematous pustulosis", "35": "Blister", "36": "Cytopenia",
	"37": "Drug reaction with eosinophilia and systemic symptoms", "38": "Hypotension",
	"39": "Vasculitis",
}

// severity is the ADR severity mapping (allergy guide §6.2): eHR M and S to
// FHIR mild and severe; "Moderate" is not used by eHRSS. The guide prints no
// descriptions; ours are the FHIR codes' English names.
var severity = map[string]struct{ FHIR, Desc string }{
	"M": {"mild", "Mild"},
	"S": {"severe", "Severe"},
}

// diagnosisStatus is "Diagnosis Status" (problem guide §8).
var diagnosisStatus = map[string]string{
	"P": "Provisional", "A": "Active", "I": "Inactive", "R": "Resolved", "C": "Cancelled",
}

// sitesOfAdmin is "Site of drug administration" (immunisation guide §7).
var sitesOfAdmin = map[string]string{
	"LT": "Left thigh", "LA": "Left arm", "LD": "Left deltoid", "LG": "Left gluteus medius",
	"LVL": "Left vastus lateralis", "LLFA": "Left lower forearm", "RA": "Right arm",
	"RT": "Right thigh", "RVL": "Right vastus lateralis", "RG": "Right gluteus medius",
	"RD": "Right deltoid", "RLFA": "Right lower forearm",
}

// routesOfAdmin is "Route of drug administration" (immunisation guide §7).
var routesOfAdmin = map[string]string{
	"ID": "Intradermal", "IM": "Intramuscular", "IN": "Intranasal", "IV": "Intravenous",
	"PO": "Oral", "OTH": "Other/Miscellaneous", "SCH": "Subcutaneous", "TD": "Transdermal",
}

// vaccinationProviders is "Vaccination provider" (immunisation guide §7).
var vaccinationProviders = map[string]string{
	"HA": "HA hospital / clinic", "DH": "DH clinic", "Private": "Private hospital /clinic",
	"Other": "Other vaccination provider",
}

// labReportStatus maps eHR [Laboratory Report Status] to DiagnosticReport.status
// and the eHR description (lab guides §7.2 and §4.3.4 1003520).
var labReportStatus = map[string]struct{ FHIR, Desc string }{
	"P": {"preliminary", "Provisional/Preliminary report"},
	"F": {"final", "Final report"},
	"A": {"corrected", "Amended report"},
	"S": {"appended", "Supplementary report"},
	"U": {"unknown", "Unspecified report status"},
}

// abnormalIndicators: LABGEN §4.3.9 lists the permissible descriptions Low
// and High with the codes L and H; the full table is in the Self-Service Kit.
var abnormalIndicators = map[string]string{"L": "Low", "H": "High"}

// detectionLimits: LABGEN §4.3.9, permissible "Less than" and "Greater than".
var detectionLimits = map[string]string{"<": "Less than", ">": "Greater than"}

// LabResultType is "[Laboratory test result type]" (LABGEN §4.3.9).
type LabResultType int

// Result types.
const (
	ResultNumeric    LabResultType = 1
	ResultEnumerated LabResultType = 2
	ResultText       LabResultType = 3
)
