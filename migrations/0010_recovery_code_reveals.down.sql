-- Policies and grants go with the table.
drop table auth.recovery_code_reveals;
