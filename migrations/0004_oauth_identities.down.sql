-- Policies and grants go with the table.
drop table auth.identities;
