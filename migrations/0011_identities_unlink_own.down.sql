drop policy identities_delete_own on auth.identities;
revoke delete on auth.identities from authenticated;
