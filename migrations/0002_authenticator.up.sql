-- The role requests log in as. `SET ROLE` is checked against the login role, so requests
-- must not log in as the owner: `authenticator` owns nothing, inherits nothing, and may only
-- switch to `anon` or `authenticated`. Cluster-wide, like them: created only when missing.
do $$
begin
    if not exists (select from pg_roles where rolname = 'authenticator') then
        create role authenticator login noinherit nobypassrls;
    end if;
end
$$;

grant anon, authenticated to authenticator;
