-- Identity: accounts, profiles, sessions, rotating refresh tokens, single-use mail tokens,
-- TOTP factors and recovery codes, rate limits, the audit trail and the mail outbox.
--
-- Three request-side roles touch these tables, all without BYPASSRLS:
--   anon           a signed-out visitor: reads public profile fields, nothing else.
--   authenticated  a signed-in member: reads and changes only their own private rows.
--   auth_admin     the identity service itself (sign-up, sign-in, refresh, mail tokens,
--                  the outbox drainer), as Supabase's GoTrue runs as supabase_auth_admin.
--                  Member requests never run as it: only `server::auth` switches to it.
-- Every policy names its role, so a role without a policy sees nothing.

do $$
begin
    if not exists (select from pg_roles where rolname = 'auth_admin') then
        create role auth_admin nologin noinherit nobypassrls;
    end if;
end
$$;
grant auth_admin to current_user;
grant auth_admin to authenticator;
grant usage on schema auth, app to auth_admin;
grant execute on function auth.jwt(), auth.uid(), auth.role() to auth_admin;

-- Accounts. Emails are stored lower-cased and trimmed by the service; unique here.
create table auth.users (
    id uuid primary key default gen_random_uuid(),
    email text not null,
    email_confirmed_at timestamptz,
    -- Null for accounts that only sign in through OAuth or magic links.
    password_hash text,
    role text not null default 'member' check (role in ('member', 'moderator', 'admin')),
    created_at timestamptz not null default now(),
    updated_at timestamptz not null default now(),
    constraint users_email_shape check (email = lower(email) and length(email) between 3 and 254)
);
create unique index users_email_key on auth.users (email);

-- Public face of an account. Everything here is readable by everyone.
create table app.profiles (
    user_id uuid primary key references auth.users (id) on delete cascade,
    handle text not null check (handle ~ '^[a-z0-9_]{3,30}$'),
    display_name text not null check (length(display_name) between 1 and 60),
    bio text not null default '' check (length(bio) <= 2000),
    pronouns text not null default '' check (length(pronouns) <= 40),
    created_at timestamptz not null default now(),
    updated_at timestamptz not null default now()
);
create unique index profiles_handle_key on app.profiles (handle);

-- One row per signed-in device. Revoking it ends the session everywhere at once.
create table auth.sessions (
    id uuid primary key default gen_random_uuid(),
    user_id uuid not null references auth.users (id) on delete cascade,
    aal text not null default 'aal1' check (aal in ('aal1', 'aal2')),
    amr text[] not null default '{}',
    user_agent text not null default '' check (length(user_agent) <= 512),
    ip inet,
    created_at timestamptz not null default now(),
    last_seen_at timestamptz not null default now(),
    revoked_at timestamptz,
    revoked_reason text
);
create index sessions_user_id_idx on auth.sessions (user_id) where revoked_at is null;

-- Opaque refresh tokens, stored as SHA-256. Single use: each refresh marks its token used
-- and issues a child. A used token replayed within the grace window returns the newest one.
create table auth.refresh_tokens (
    id bigint generated always as identity primary key,
    session_id uuid not null references auth.sessions (id) on delete cascade,
    token_hash bytea not null,
    parent_id bigint references auth.refresh_tokens (id) on delete cascade,
    -- The child token, sealed with a key derived from this token, so that a client replaying
    -- this token inside the grace window (parallel tabs) can be handed the current one while
    -- the database never holds a usable token.
    sealed_child bytea,
    created_at timestamptz not null default now(),
    used_at timestamptz
);
create unique index refresh_tokens_hash_key on auth.refresh_tokens (token_hash);
create index refresh_tokens_session_idx on auth.refresh_tokens (session_id, id desc);

-- Single-use tokens mailed to a member: confirm email, reset password, magic link, change email.
create table auth.one_time_tokens (
    id bigint generated always as identity primary key,
    user_id uuid not null references auth.users (id) on delete cascade,
    purpose text not null check (purpose in ('confirm_email', 'reset_password', 'magic_link', 'change_email')),
    token_hash bytea not null,
    -- For change_email: the address the link confirms.
    new_email text,
    created_at timestamptz not null default now(),
    expires_at timestamptz not null,
    used_at timestamptz
);
create unique index one_time_tokens_hash_key on auth.one_time_tokens (token_hash);
create index one_time_tokens_user_idx on auth.one_time_tokens (user_id, purpose, created_at desc);

-- TOTP factors. The secret is encrypted with a key from configuration (XChaCha20-Poly1305).
create table auth.mfa_factors (
    id uuid primary key default gen_random_uuid(),
    user_id uuid not null references auth.users (id) on delete cascade,
    secret_ciphertext bytea not null,
    status text not null default 'unverified' check (status in ('unverified', 'verified')),
    -- The newest 30-second step accepted: a code is usable once.
    last_used_step bigint,
    created_at timestamptz not null default now()
);
create unique index mfa_factors_one_verified on auth.mfa_factors (user_id) where status = 'verified';

create table auth.recovery_codes (
    id bigint generated always as identity primary key,
    user_id uuid not null references auth.users (id) on delete cascade,
    code_hash bytea not null,
    used_at timestamptz
);
create index recovery_codes_user_idx on auth.recovery_codes (user_id);

-- Fixed-window counters, shared by every app instance.
create table auth.rate_limits (
    bucket text not null,
    window_start timestamptz not null,
    hits integer not null default 0,
    primary key (bucket, window_start)
);

-- Consecutive failed sign-ins per email (hashed, so typed-in unknown addresses are not
-- kept), known or not: the growing delay then says nothing about which emails exist.
create table auth.sign_in_failures (
    email_hash bytea primary key,
    failures integer not null default 0,
    last_failed_at timestamptz not null default now()
);

-- Append-only: who did what to an account, from where, in which request.
create table auth.audit_log (
    id bigint generated always as identity primary key,
    at timestamptz not null default now(),
    actor uuid,
    subject uuid,
    event text not null,
    ip inet,
    request_id text,
    detail jsonb not null default '{}'
);
create index audit_log_actor_idx on auth.audit_log (actor, at desc);

create function auth.audit_log_is_append_only() returns trigger
    language plpgsql
    set search_path = ''
as $$
begin
    raise exception 'the audit log is append-only';
end
$$;
create trigger audit_log_append_only before update or delete on auth.audit_log
    for each statement execute function auth.audit_log_is_append_only();
create trigger audit_log_no_truncate before truncate on auth.audit_log
    for each statement execute function auth.audit_log_is_append_only();

-- Mail waiting to go out. A request only inserts here; the drainer sends over SMTP and
-- retries with backoff, so a mail server outage never loses a request.
create table app.outbox_emails (
    id bigint generated always as identity primary key,
    to_address text not null,
    subject text not null,
    body_text text not null,
    created_at timestamptz not null default now(),
    attempts integer not null default 0,
    next_attempt_at timestamptz not null default now(),
    sent_at timestamptz,
    last_error text
);
create index outbox_emails_pending_idx on app.outbox_emails (next_attempt_at) where sent_at is null;

alter table auth.users enable row level security, force row level security;
alter table app.profiles enable row level security, force row level security;
alter table auth.sessions enable row level security, force row level security;
alter table auth.refresh_tokens enable row level security, force row level security;
alter table auth.one_time_tokens enable row level security, force row level security;
alter table auth.mfa_factors enable row level security, force row level security;
alter table auth.recovery_codes enable row level security, force row level security;
alter table auth.sign_in_failures enable row level security, force row level security;
alter table auth.rate_limits enable row level security, force row level security;
alter table auth.audit_log enable row level security, force row level security;
alter table app.outbox_emails enable row level security, force row level security;

-- The identity service: full use of its tables, append-only on the audit log.
grant select, insert, update, delete on auth.users, app.profiles, auth.sessions,
    auth.refresh_tokens, auth.one_time_tokens, auth.mfa_factors, auth.recovery_codes,
    auth.rate_limits, auth.sign_in_failures, app.outbox_emails to auth_admin;
grant select, insert on auth.audit_log to auth_admin;
create policy users_service on auth.users to auth_admin using (true) with check (true);
create policy profiles_service on app.profiles to auth_admin using (true) with check (true);
create policy sessions_service on auth.sessions to auth_admin using (true) with check (true);
create policy refresh_tokens_service on auth.refresh_tokens to auth_admin using (true) with check (true);
create policy one_time_tokens_service on auth.one_time_tokens to auth_admin using (true) with check (true);
create policy mfa_factors_service on auth.mfa_factors to auth_admin using (true) with check (true);
create policy recovery_codes_service on auth.recovery_codes to auth_admin using (true) with check (true);
create policy rate_limits_service on auth.rate_limits to auth_admin using (true) with check (true);
create policy sign_in_failures_service on auth.sign_in_failures to auth_admin using (true) with check (true);
create policy audit_log_service_insert on auth.audit_log for insert to auth_admin with check (true);
create policy audit_log_service_read on auth.audit_log for select to auth_admin using (true);
create policy outbox_service on app.outbox_emails to auth_admin using (true) with check (true);

-- Members: their own account row, read-only (email, role, confirmation). The role column can
-- only change through the service, never from a member's request.
grant select (id, email, email_confirmed_at, role, created_at) on auth.users to authenticated;
create policy users_read_own on auth.users for select to authenticated
    using (id = auth.uid());

-- Profiles: public to all; a member edits only their own, and not its handle's owner.
grant select on app.profiles to anon, authenticated;
grant update (display_name, bio, pronouns, updated_at) on app.profiles to authenticated;
create policy profiles_read_all on app.profiles for select to anon, authenticated using (true);
create policy profiles_update_own on app.profiles for update to authenticated
    using (user_id = auth.uid()) with check (user_id = auth.uid());

-- Sessions: a member lists and revokes their own devices.
grant select (id, user_id, aal, amr, user_agent, ip, created_at, last_seen_at, revoked_at)
    on auth.sessions to authenticated;
grant update (revoked_at, revoked_reason) on auth.sessions to authenticated;
create policy sessions_read_own on auth.sessions for select to authenticated
    using (user_id = auth.uid());
create policy sessions_revoke_own on auth.sessions for update to authenticated
    using (user_id = auth.uid()) with check (user_id = auth.uid());

-- Factors: a member sees that they have one, never its secret (no column grant).
grant select (id, user_id, status, created_at) on auth.mfa_factors to authenticated;
create policy mfa_factors_read_own on auth.mfa_factors for select to authenticated
    using (user_id = auth.uid());

-- The audit trail about one's own account is one's own to read.
grant select on auth.audit_log to authenticated;
create policy audit_log_read_own on auth.audit_log for select to authenticated
    using (actor = auth.uid() or subject = auth.uid());
