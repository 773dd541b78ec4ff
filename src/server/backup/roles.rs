//! The cluster-wide roles a Wellspring database refers to. A dump holds its tables' grants
//! and policies but not roles, which belong to the server: restoring onto a new server
//! needs them first, or every `grant ... to authenticated` and policy fails. The same roles
//! and memberships migrations 0001, 0002, 0003 and 0005 create, each only when missing.

pub const ENSURE: &str = "
do $$
begin
    if not exists (select from pg_roles where rolname = 'anon') then
        create role anon nologin noinherit nobypassrls;
    end if;
    if not exists (select from pg_roles where rolname = 'authenticated') then
        create role authenticated nologin noinherit nobypassrls;
    end if;
    if not exists (select from pg_roles where rolname = 'authenticator') then
        create role authenticator login noinherit nobypassrls;
    end if;
    if not exists (select from pg_roles where rolname = 'auth_admin') then
        create role auth_admin nologin noinherit nobypassrls;
    end if;
    if not exists (select from pg_roles where rolname = 'community_steward') then
        create role community_steward nologin noinherit nobypassrls;
    end if;
end
$$;
grant anon, authenticated, auth_admin to authenticator;
grant anon, authenticated, auth_admin, community_steward to current_user;
";
