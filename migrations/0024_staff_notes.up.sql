-- Staff notes on a member: what site staff want each other to know ("warned twice about
-- selling", "reached out after an at-risk report, doing better"), with author and time.
-- Only site staff (aal2: the app hands the database a staff role only then) read or write
-- them; nobody edits or deletes one (a correction is a new note), so the trail stays honest.

create table app.staff_notes (
    id bigint generated always as identity primary key,
    member_id uuid not null references auth.users (id) on delete cascade,
    author_id uuid references auth.users (id) on delete set null,
    body text not null check (char_length(btrim(body)) between 1 and 2000),
    created_at timestamptz not null default now()
);
create index staff_notes_member_idx on app.staff_notes (member_id, id desc);
alter table app.staff_notes enable row level security, force row level security;

grant select, insert (member_id, author_id, body) on app.staff_notes to authenticated;
create policy staff_notes_read on app.staff_notes for select to authenticated
    using ((select app.is_site_staff()));
create policy staff_notes_write on app.staff_notes for insert to authenticated
    with check ((select app.is_site_staff()) and author_id = (select auth.uid()));
