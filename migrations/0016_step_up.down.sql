delete from auth.one_time_tokens where purpose = 'cancel_email_change';
alter table auth.one_time_tokens drop constraint one_time_tokens_purpose_check;
alter table auth.one_time_tokens add constraint one_time_tokens_purpose_check
  check (purpose in ('confirm_email', 'reset_password', 'magic_link', 'change_email'));
alter table auth.sessions drop column if exists proven_at;
