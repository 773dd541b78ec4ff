-- no-transaction
-- Alone and outside a transaction, as the up migration is.
-- squawk-ignore-file require-timeout-settings
drop index concurrently if exists auth.audit_log_event_idx;
