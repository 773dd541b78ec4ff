-- One write per form: every form that creates a post or a reply carries a key the server
-- made when it drew the form. The first submission with a key claims it in the same
-- transaction as the write and records where it led; a second one (a double click, a retry
-- after a network error, a plain form sent again with the back button) finds the claim and
-- is sent to the same place without writing anything. Two at once are ordered by the
-- primary key: the second waits for the first to commit (then finds its result) or roll
-- back (then claims the key itself).
--
-- Keys are private to their member and kept for a day (the `submissions.prune` job).

create table app.form_submissions (
    user_id uuid not null references auth.users (id) on delete cascade,
    key uuid not null,
    -- Where the first submission led; set in the same transaction as the claim.
    result text check (char_length(result) <= 500),
    created_at timestamptz not null default now(),
    primary key (user_id, key)
);
create index form_submissions_created_idx on app.form_submissions (created_at);

alter table app.form_submissions enable row level security, force row level security;

grant select, insert (user_id, key), update (result) on app.form_submissions to authenticated;
create policy form_submissions_read_own on app.form_submissions for select to authenticated
    using (user_id = (select auth.uid()));
create policy form_submissions_claim_own on app.form_submissions for insert to authenticated
    with check (user_id = (select auth.uid()));
create policy form_submissions_record_own on app.form_submissions for update to authenticated
    using (user_id = (select auth.uid())) with check (user_id = (select auth.uid()));

grant select, delete on app.form_submissions to auth_admin;
create policy form_submissions_service_read on app.form_submissions for select to auth_admin using (true);
create policy form_submissions_service_prune on app.form_submissions for delete to auth_admin using (true);
