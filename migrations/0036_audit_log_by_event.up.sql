-- no-transaction
-- The audit log read by event: the staff page's filter, and /metrics' "when was the last
-- backup" (`max(at) where event = 'backup_made'`, read on every scrape), as an index range
-- instead of a scan of a log that only grows. Built concurrently, so sign-ins keep writing
-- to the log meanwhile; that needs the file outside a transaction (the first line tells
-- sqlx) and alone in it (PostgreSQL runs several statements sent at once as one
-- transaction), so it cannot set timeouts first. Concurrently, it blocks no writer anyway.
-- squawk-ignore-file require-timeout-settings
create index concurrently if not exists audit_log_event_idx on auth.audit_log (event, at desc);
