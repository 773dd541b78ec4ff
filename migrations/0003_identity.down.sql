-- Roles are cluster-wide and may serve other databases: auth_admin stays (see 0001).
drop table app.outbox_emails;
drop table auth.audit_log;
drop function auth.audit_log_is_append_only();
drop table auth.sign_in_failures;
drop table auth.rate_limits;
drop table auth.recovery_codes;
drop table auth.mfa_factors;
drop table auth.one_time_tokens;
drop table auth.refresh_tokens;
drop table auth.sessions;
drop table app.profiles;
drop table auth.users;
revoke usage on schema auth, app from auth_admin;
revoke execute on function auth.jwt(), auth.uid(), auth.role() from auth_admin;
