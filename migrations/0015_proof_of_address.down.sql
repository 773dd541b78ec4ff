alter table auth.one_time_tokens drop column if exists binding_hash;
