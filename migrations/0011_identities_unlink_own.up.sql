-- A member unlinks a provider sign-in from the security page. The delete runs as
-- `authenticated`, so this policy, not a WHERE clause, keeps it to the member's own rows.
-- Whether another way to sign in remains is the service's check, made under a lock on the
-- account row in the same transaction.

grant delete on auth.identities to authenticated;
create policy identities_delete_own on auth.identities for delete to authenticated
    using (user_id = (select auth.uid()));
