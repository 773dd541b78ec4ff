-- Feature flags and kill switches: what admins can turn off at once, without a deploy, when
-- something goes wrong (a spam wave of new accounts, a flood of posts, live updates
-- misbehaving). One row per known flag; admins read and change them under RLS (aal2, as the
-- claims say); the identity service reads them where they gate something. A configuration
-- override (`[flags]`, or WELLSPRING__FLAGS__<NAME>) wins over the row, for operators.

create table app.feature_flags (
    key text primary key check (key in ('sign_ups', 'posting', 'live_updates')),
    enabled boolean not null default true,
    updated_by uuid references auth.users (id) on delete set null,
    updated_at timestamptz not null default now()
);
insert into app.feature_flags (key) values ('sign_ups'), ('posting'), ('live_updates');
alter table app.feature_flags enable row level security, force row level security;

grant select, update (enabled, updated_by, updated_at) on app.feature_flags to authenticated;
create policy feature_flags_admin_read on app.feature_flags for select to authenticated
    using ((select app.is_site_admin()));
create policy feature_flags_admin_change on app.feature_flags for update to authenticated
    using ((select app.is_site_admin()))
    with check ((select app.is_site_admin()) and updated_by = (select auth.uid()));
grant select on app.feature_flags to auth_admin;
create policy feature_flags_service_read on app.feature_flags for select to auth_admin using (true);
