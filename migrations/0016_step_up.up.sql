-- Sensitive changes need a recent proof of who is at the keyboard (issue 12, section 2).
-- The proof belongs to the session (one device) and is the time it last signed in or
-- confirmed its password or a second-factor code. Sessions from before this migration
-- count as proven when they signed in.
alter table auth.sessions add column proven_at timestamptz;
update auth.sessions set proven_at = created_at;
alter table auth.sessions alter column proven_at set default now(),
                          alter column proven_at set not null;

-- A change of address is announced to the old address, with a link that cancels it and
-- signs every session out.
alter table auth.one_time_tokens drop constraint one_time_tokens_purpose_check;
alter table auth.one_time_tokens add constraint one_time_tokens_purpose_check
  check (purpose in ('confirm_email', 'reset_password', 'magic_link', 'change_email',
                     'cancel_email_change'));
