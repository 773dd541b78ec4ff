-- Sign-in identities at OAuth providers (Google, GitHub): which provider account signs in
-- as which Wellspring account. The subject is the provider's stable id for the person
-- (OIDC `sub`, GitHub's numeric user id), never their email, which can change hands.

create table auth.identities (
    id uuid primary key default gen_random_uuid(),
    user_id uuid not null references auth.users (id) on delete cascade,
    provider text not null check (provider in ('google', 'github')),
    subject text not null check (length(subject) between 1 and 255),
    -- The verified address the provider reported when the identity was linked.
    email text not null check (length(email) between 3 and 254),
    created_at timestamptz not null default now(),
    constraint identities_provider_subject_key unique (provider, subject)
);
create index identities_user_id_idx on auth.identities (user_id);

alter table auth.identities enable row level security, force row level security;

-- The identity service links and reads them.
grant select, insert, update, delete on auth.identities to auth_admin;
create policy identities_service on auth.identities to auth_admin using (true) with check (true);

-- A member sees which providers their account can sign in with; not the provider's key.
grant select (id, user_id, provider, email, created_at) on auth.identities to authenticated;
create policy identities_read_own on auth.identities for select to authenticated
    using (user_id = auth.uid());
