-- Back to the SQL functions of migrations 0005 and 0017 (same bodies).
set local lock_timeout = '5s';
set local statement_timeout = '30s';

create or replace function app.is_site_staff() returns boolean
    language sql stable
    set search_path to ''
as $$
    select coalesce(auth.jwt() ->> 'app_role', '') in ('moderator', 'admin')
$$;

create or replace function app.is_site_admin() returns boolean
    language sql stable
    set search_path to ''
as $$
    select coalesce(auth.jwt() ->> 'app_role', '') = 'admin'
$$;

create or replace function app.readable_circle_ids() returns bigint[]
    language sql stable security definer
    set search_path to ''
as $$
    select coalesce(array_agg(c.id), '{}')
      from app.circles c
     where c.visibility = 'public'
        or (c.visibility = 'members' and auth.uid() is not null)
        or app.is_site_staff()
        or exists (select 1 from app.circle_members m
                    where m.circle_id = c.id and m.user_id = auth.uid() and m.status = 'active')
$$;

create or replace function app.joined_circle_ids() returns bigint[]
    language sql stable security definer
    set search_path to ''
as $$
    select coalesce(array_agg(m.circle_id), '{}')
      from app.circle_members m
     where m.user_id = auth.uid() and m.status = 'active'
$$;

create or replace function app.moderated_circle_ids() returns bigint[]
    language sql stable security definer
    set search_path to ''
as $$
    select coalesce(array_agg(c.id), '{}')
      from app.circles c
     where app.is_site_staff()
        or (coalesce(auth.jwt() ->> 'aal', '') = 'aal2'
            and exists (select 1 from app.circle_members m
                         where m.circle_id = c.id and m.user_id = auth.uid()
                           and m.status = 'active' and m.role = 'moderator'))
$$;
