-- Nothing to undo in this database: the role and its memberships belong to the cluster and
-- other databases on it may rely on them.
select 1;
