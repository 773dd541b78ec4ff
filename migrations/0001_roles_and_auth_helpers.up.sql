-- The groundwork Row Level Security stands on (ARCHITECTURE.md, Data).
--
-- Requests never run as the owner: each request's transaction switches to `anon` (signed
-- out) or `authenticated` and sets `request.jwt.claims`. The helpers below read those
-- claims the way Supabase's do, so policies read the same.

-- Roles belong to the whole cluster, not this database: create them only when missing, and
-- never drop them in the down migration (other databases on the cluster may use them).
do $$
begin
    if not exists (select from pg_roles where rolname = 'anon') then
        create role anon nologin noinherit nobypassrls;
    end if;
    if not exists (select from pg_roles where rolname = 'authenticated') then
        create role authenticated nologin noinherit nobypassrls;
    end if;
end
$$;

-- The owner (whoever runs migrations) must be allowed to switch into both roles.
grant anon, authenticated to current_user;

-- `auth` holds identity data and the claim helpers; `app` holds community data.
create schema auth;
create schema app;
revoke all on schema auth, app from public;
grant usage on schema auth, app to anon, authenticated;

-- Functions are executable by PUBLIC unless revoked; new ones in our schemas are not.
alter default privileges in schema auth, app revoke execute on functions from public;

-- The request's JWT claims as jsonb; an empty object when none were set.
create function auth.jwt() returns jsonb
    language sql stable
    set search_path = ''
as $$
    select coalesce(nullif(current_setting('request.jwt.claims', true), ''), '{}')::jsonb
$$;

-- The signed-in member's id (claim `sub`), or null for visitors.
create function auth.uid() returns uuid
    language sql stable
    set search_path = ''
as $$
    select nullif(auth.jwt() ->> 'sub', '')::uuid
$$;

-- `anon` or `authenticated` (claim `role`), falling back to the session role.
create function auth.role() returns text
    language sql stable
    set search_path = ''
as $$
    select coalesce(nullif(auth.jwt() ->> 'role', ''), current_setting('role', true))
$$;

grant execute on function auth.jwt(), auth.uid(), auth.role() to anon, authenticated;
