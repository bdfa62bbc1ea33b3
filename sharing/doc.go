// Package sharing is OnRamp's eHealth adapter: it takes the clinic's outbox over, weighs each
// patient at the consent gate, packages what is due with the eHRSS mapping (sharing/ehrss),
// checks it before sending, hands the bundles to a transport (HTTPS or a folder), and keeps
// what eHealth has acknowledged, so that every sharable record is uploaded once and correctly
// whatever the network does.
//
// How a record travels:
//
//  1. The clinic writes the change and its outbox row in one transaction (clinic/outbox).
//  2. A run (on the schedule, the sharing page's "send now", or `onramp share run --once`)
//     takes outbox rows over into sharing_records in id order. Several changes to one record
//     collapse into one row; the transaction type is decided when it is packaged, from what
//     eHealth already holds: insert if never accepted, update if the content differs from what
//     was accepted, delete if the record is gone and eHealth has it, nothing otherwise.
//  3. The consent gate: only a patient who has joined eHealth (and, when share.require_consent
//     is set, gave sharing consent) is shared. When a patient becomes shareable all their
//     records are queued for a data materialisation (BL-M, inserts only); later changes go in
//     incremental uploads (BL). When a patient stops being shareable their queue waits.
//  4. Packaging: one domain at a time, up to share.bundle_max_patients patients per package,
//     checked by ehrss.BuildChecked; a record that fails is held with the reason in English
//     and Chinese and a link to fix it, and checked again on every run.
//  5. Before a bundle is sent, it is written with its exact bytes and its records to
//     sharing_bundles ("in flight"). After a crash the same bundle, same id, is sent again, so
//     eHealth (which takes the bundle id as an idempotency key) never sees a record twice.
//  6. The answer: 2xx accepted (eHealth now holds the record: it is never inserted again);
//     4xx rejected and held with eHealth's reason; 5xx, timeouts and broken connections tried
//     again with exponential backoff and jitter, within the run and then on later runs.
package sharing
