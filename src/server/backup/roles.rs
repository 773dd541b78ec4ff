//! The cluster-wide roles a Wellspring database refers to. A dump holds its tables' grants
//! and policies but not roles, which belong to the server: restoring onto a new server
//! needs them first, or every `grant ... to authenticated` and policy fails. The same roles
//! and memberships migrations 0001, 0002, 0003 and 0005 create, each only when missing.

pub const ENSURE: &str = "
do $$
declare
    role_name text;
begin
    foreach role_name in array array['anon', 'authenticated', 'auth_admin', 'community_steward'] loop
        if not exists (select from pg_roles where rolname = role_name) then
            execute format('create role %I nologin noinherit nobypassrls', role_name);
        end if;
    end loop;
    if not exists (select from pg_roles where rolname = 'authenticator') then
        create role authenticator login noinherit nobypassrls;
    end if;
end
$$;
grant anon, authenticated, auth_admin to authenticator;
grant anon, authenticated, auth_admin, community_steward to current_user;
";
