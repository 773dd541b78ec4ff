-- Recovery codes waiting to be shown once, to the device that just turned two-step sign-in
-- on without JavaScript. A plain form post cannot carry the codes back in its response (the
-- browser follows a redirect) and they must never travel in an address, so the confirming
-- request seals them here (XChaCha20-Poly1305 under the configured key, bound to the
-- session) and the security page reads them with a delete: one view, within ten minutes,
-- from that session only. Signing out ends the session and takes the row with it.

create table auth.recovery_code_reveals (
    session_id uuid primary key references auth.sessions (id) on delete cascade,
    user_id uuid not null references auth.users (id) on delete cascade,
    sealed_codes bytea not null,
    expires_at timestamptz not null
);
create index recovery_code_reveals_expires_idx on auth.recovery_code_reveals (expires_at);

alter table auth.recovery_code_reveals enable row level security, force row level security;

-- Only the identity service touches them; members have no grant at all.
grant select, insert, update, delete on auth.recovery_code_reveals to auth_admin;
create policy recovery_code_reveals_service on auth.recovery_code_reveals to auth_admin
    using (true) with check (true);
