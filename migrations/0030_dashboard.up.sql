-- The staff dashboard's figures: what happened each day (sign-ups, members who wrote,
-- posts, replies, reports filed and settled), the review backlog and how fast it is settled,
-- and the database's health for admins. Counts cross every circle, private ones too, so they
-- are read through security-definer functions that refuse anyone but site staff (aal2, as
-- the claims say) and hand back numbers only, never a row a member wrote.
--
-- Every per-day count is a range scan on an index over its timestamp, and a day is counted
-- once (bench/moderation.sh prints the plans and the figures beside the bare SQL).

create index users_created_idx on auth.users (created_at);
create index comments_created_idx on app.comments (created_at);
create index comment_reactions_created_idx on app.comment_reactions (created_at);
create index reports_created_idx on app.reports (created_at);
create index reports_resolved_idx on app.reports (resolved_at) where resolved_at is not null;

-- One row per UTC day, kept once counted: a day that has ended is counted once, after it
-- ended, and never again; today is counted again when its row is over a minute old. Reading
-- 30 days is then 30 primary-key reads and at most one day's range scans, instead of
-- counting a month of writing on every view (3.7 s on the 200,000-post data set). Only
-- `app.dashboard_days` writes it.
create table app.dashboard_day_counts (
    day date primary key,
    sign_ups bigint not null,
    active_members bigint not null,
    posts bigint not null,
    comments bigint not null,
    reports_filed bigint not null,
    reports_settled bigint not null,
    counted_at timestamptz not null default now()
);
alter table app.dashboard_day_counts enable row level security, force row level security;

-- Counts one UTC day. Each count is a range scan on an index over its timestamp.
create function app.count_dashboard_day(p_day date)
returns app.dashboard_day_counts
language sql stable security definer set search_path = '' as $$
    with bounds as (
        select (p_day::timestamp at time zone 'utc') as lo,
               ((p_day + 1)::timestamp at time zone 'utc') as hi
    )
    select p_day,
           (select count(*) from auth.users u, bounds b
             where u.created_at >= b.lo and u.created_at < b.hi),
           (select count(distinct w.who) from bounds b, lateral (
                select p.author_id as who from app.posts p
                 where p.created_at >= b.lo and p.created_at < b.hi and p.deleted_at is null
                union all
                select c.author_id from app.comments c where c.created_at >= b.lo and c.created_at < b.hi
                union all
                select r.user_id from app.post_reactions r where r.created_at >= b.lo and r.created_at < b.hi
                union all
                select r.user_id from app.comment_reactions r where r.created_at >= b.lo and r.created_at < b.hi
            ) w),
           (select count(*) from app.posts p, bounds b
             where p.created_at >= b.lo and p.created_at < b.hi and p.deleted_at is null),
           (select count(*) from app.comments c, bounds b
             where c.created_at >= b.lo and c.created_at < b.hi),
           (select count(*) from app.reports r, bounds b
             where r.created_at >= b.lo and r.created_at < b.hi),
           (select count(*) from app.reports r, bounds b
             where r.resolved_at >= b.lo and r.resolved_at < b.hi),
           now()
$$;
revoke all on function app.count_dashboard_day(date) from public;

-- The last `p_days` UTC days (today included), oldest first. Counts the days it has no
-- final row for (the first view after a day ends counts that day; the first view ever
-- counts them all once), and today when its row is over a minute old.
create function app.dashboard_days(p_days integer)
returns table (
    day date,
    sign_ups bigint,
    active_members bigint,
    posts bigint,
    comments bigint,
    reports_filed bigint,
    reports_settled bigint
)
language plpgsql volatile security definer set search_path = '' as $$
declare
    v_today date := (now() at time zone 'utc')::date;
    v_day date;
begin
    if auth.uid() is null or not app.is_site_staff() then
        raise exception 'only site staff read the dashboard' using errcode = '42501';
    end if;
    if p_days is null or p_days < 1 or p_days > 92 then
        raise exception 'The dashboard shows between 1 and 92 days.' using errcode = '22023';
    end if;
    for v_day in
        select d::date from generate_series(v_today - (p_days - 1), v_today, interval '1 day') d
         where not exists (
             select 1 from app.dashboard_day_counts k
              where k.day = d::date
                and (k.counted_at >= ((d::date + 1)::timestamp at time zone 'utc')
                     or (d::date = v_today and k.counted_at > now() - interval '1 minute')))
    loop
        insert into app.dashboard_day_counts
        select * from app.count_dashboard_day(v_day)
        on conflict on constraint dashboard_day_counts_pkey do update
           set sign_ups = excluded.sign_ups, active_members = excluded.active_members,
               posts = excluded.posts, comments = excluded.comments,
               reports_filed = excluded.reports_filed, reports_settled = excluded.reports_settled,
               counted_at = excluded.counted_at;
    end loop;
    return query
    select k.day, k.sign_ups, k.active_members, k.posts, k.comments, k.reports_filed, k.reports_settled
      from app.dashboard_day_counts k
     where k.day between v_today - (p_days - 1) and v_today
     order by k.day;
end
$$;
revoke all on function app.dashboard_days(integer) from public;
grant execute on function app.dashboard_days(integer) to authenticated;

-- The review backlog now, and how long reports settled in the last 30 days waited (median
-- and 90th percentile, in seconds; null when none were settled).
create function app.dashboard_backlog()
returns table (
    open_targets bigint,
    open_reports bigint,
    settled_recently bigint,
    median_wait_secs double precision,
    p90_wait_secs double precision
)
language plpgsql stable security definer set search_path = '' as $$
begin
    if auth.uid() is null or not app.is_site_staff() then
        raise exception 'only site staff read the dashboard' using errcode = '42501';
    end if;
    return query
    select o.targets, o.reports, s.settled, s.median, s.p90
      from (select count(distinct r.target_key) as targets, count(*) as reports
              from app.reports r where r.status = 'open') o,
           (select count(*) as settled,
                   percentile_cont(0.5) within group (
                       order by extract(epoch from r.resolved_at - r.created_at)) as median,
                   percentile_cont(0.9) within group (
                       order by extract(epoch from r.resolved_at - r.created_at)) as p90
              from app.reports r where r.resolved_at >= now() - interval '30 days') s;
end
$$;
revoke all on function app.dashboard_backlog() from public;
grant execute on function app.dashboard_backlog() to authenticated;

-- The database's health, for admins: its size, the server's connections, the cache hit
-- ratio since the statistics were last reset, the biggest tables, and (when the
-- pg_stat_statements extension is installed and readable) the slowest statements by mean
-- time. Figures the function's owner may not read come back null or empty.
create function app.dashboard_database()
returns jsonb
language plpgsql stable security definer set search_path = '' as $$
declare
    v_result jsonb;
    v_slowest jsonb := '[]';
begin
    if auth.uid() is null or not app.is_site_admin() then
        raise exception 'only admins read the database''s health' using errcode = '42501';
    end if;
    select jsonb_build_object(
               'size_bytes', pg_catalog.pg_database_size(d.datid),
               'connections', d.numbackends,
               'max_connections', current_setting('max_connections')::integer,
               'cache_hit_ratio', case when d.blks_hit + d.blks_read > 0
                   then d.blks_hit::double precision / (d.blks_hit + d.blks_read) end,
               'commits', d.xact_commit,
               'rollbacks', d.xact_rollback,
               'deadlocks', d.deadlocks)
      into v_result
      from pg_catalog.pg_stat_database d where d.datname = current_database();
    v_result := v_result || jsonb_build_object('biggest_tables', (
        select coalesce(jsonb_agg(t order by t.bytes desc), '[]')
          from (select n.nspname || '.' || c.relname as name,
                       pg_catalog.pg_total_relation_size(c.oid) as bytes,
                       greatest(c.reltuples, 0)::bigint as rows
                  from pg_catalog.pg_class c
                  join pg_catalog.pg_namespace n on n.oid = c.relnamespace
                 where c.relkind in ('r', 'p') and n.nspname in ('app', 'auth')
                 order by pg_catalog.pg_total_relation_size(c.oid) desc
                 limit 8) t));
    if exists (select 1 from pg_catalog.pg_extension where extname = 'pg_stat_statements') then
        begin
            execute format(
                'select coalesce(jsonb_agg(s order by s.mean_ms desc), ''[]'')
                   from (select left(regexp_replace(query, ''\s+'', '' '', ''g''), 160) as query,
                                calls, round(mean_exec_time::numeric, 2) as mean_ms
                           from %I.pg_stat_statements
                          where dbid = (select oid from pg_catalog.pg_database
                                         where datname = current_database())
                          order by mean_exec_time desc limit 5) s',
                (select n.nspname from pg_catalog.pg_extension e
                   join pg_catalog.pg_namespace n on n.oid = e.extnamespace
                  where e.extname = 'pg_stat_statements'))
               into v_slowest;
        exception when others then
            v_slowest := '[]';
        end;
    end if;
    return v_result || jsonb_build_object(
        'statements_available',
        exists (select 1 from pg_catalog.pg_extension where extname = 'pg_stat_statements'),
        'slowest_statements', v_slowest);
end
$$;
revoke all on function app.dashboard_database() from public;
grant execute on function app.dashboard_database() to authenticated;
