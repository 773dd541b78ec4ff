-- Reverts the schemas and helpers. The cluster-wide roles `anon` and `authenticated` stay:
-- other databases on the same cluster may depend on them.
drop schema app cascade;
drop schema auth cascade;
