// Package clinic holds the records of a practice and their rules. Its sub-packages keep one
// aggregate each (patients, users, audit, ...); this file holds the errors they share so that
// the web layer can map every one of them to a status and a message in the user's language.
package clinic

import (
	"errors"
	"fmt"
)

// ErrNotFound means the record asked for does not exist (or is not visible to the caller).
var ErrNotFound = errors.New("not found")

// ErrConflict means the change lost a race or breaks a uniqueness rule; the user should reload.
var ErrConflict = errors.New("conflict")

// ValidationError names the form field at fault and a translation key for the message, never
// an English sentence: the web layer renders it in the user's language beside the field.
type ValidationError struct {
	Field string // form field name, e.g. "hkid"
	Key   string // translation key, e.g. "error.hkid.check_digit"
	Args  []any  // values for the message, e.g. the suggested correct spelling
}

func (e *ValidationError) Error() string {
	return fmt.Sprintf("invalid %s: %s %v", e.Field, e.Key, e.Args)
}

// Invalid builds a ValidationError.
func Invalid(field, key string, args ...any) *ValidationError {
	return &ValidationError{Field: field, Key: key, Args: args}
}

// ValidationErrors gathers every fault of one form so the user fixes them in one go.
type ValidationErrors []*ValidationError

func (v ValidationErrors) Error() string {
	if len(v) == 0 {
		return "no validation errors"
	}
	return fmt.Sprintf("%d invalid fields, first: %s", len(v), v[0].Error())
}

// Err returns nil when nothing was gathered, so callers can `return errs.Err()`.
func (v ValidationErrors) Err() error {
	if len(v) == 0 {
		return nil
	}
	return v
}

// Field returns the first error for a field, or nil.
func (v ValidationErrors) Field(name string) *ValidationError {
	for _, e := range v {
		if e.Field == name {
			return e
		}
	}
	return nil
}
