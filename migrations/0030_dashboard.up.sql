-- The staff dashboard's figures: what happened each day (sign-ups, members who wrote,
-- posts, replies, reports filed and settled), the review backlog and how fast it is settled,
-- and the database's health for admins. Counts cross every circle, private ones too, so they
-- are read through security-definer functions that refuse anyone but site staff (aal2, as
-- the claims say) and hand back numbers only, never a row a member wrote.
--
-- Every per-day count is a range scan on an index over its timestamp (bench/dashboard.sh
-- prints the plans), so the dashboard costs the same whether a site holds a thousand posts or
-- a million.

create index users_created_idx on auth.users (created_at);
create index comments_created_idx on app.comments (created_at);
create index comment_reactions_created_idx on app.comment_reactions (created_at);
create index reports_created_idx on app.reports (created_at);
create index reports_resolved_idx on app.reports (resolved_at) where resolved_at is not null;

-- One row per UTC day, oldest first, for the last `p_days` days (today included).
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
language plpgsql stable security definer set search_path = '' as $$
declare
    v_from timestamptz;
begin
    if auth.uid() is null or not app.is_site_staff() then
        raise exception 'only site staff read the dashboard' using errcode = '42501';
    end if;
    if p_days is null or p_days < 1 or p_days > 92 then
        raise exception 'The dashboard shows between 1 and 92 days.' using errcode = '22023';
    end if;
    v_from := (date_trunc('day', now() at time zone 'utc') - make_interval(days => p_days - 1))
        at time zone 'utc';
    return query
    with days as (
        select d::date as day
          from generate_series(v_from at time zone 'utc', now() at time zone 'utc', interval '1 day') d
    ),
    new_users as (
        select (u.created_at at time zone 'utc')::date as day, count(*) as n
          from auth.users u where u.created_at >= v_from group by 1
    ),
    new_posts as (
        select (p.created_at at time zone 'utc')::date as day, count(*) as n
          from app.posts p where p.created_at >= v_from and p.deleted_at is null group by 1
    ),
    new_comments as (
        select (c.created_at at time zone 'utc')::date as day, count(*) as n
          from app.comments c where c.created_at >= v_from group by 1
    ),
    writers as (
        select (w.at at time zone 'utc')::date as day, count(distinct w.who) as n
          from (
              select p.author_id as who, p.created_at as at
                from app.posts p where p.created_at >= v_from and p.deleted_at is null
              union all
              select c.author_id, c.created_at from app.comments c where c.created_at >= v_from
              union all
              select r.user_id, r.created_at from app.post_reactions r where r.created_at >= v_from
              union all
              select r.user_id, r.created_at from app.comment_reactions r where r.created_at >= v_from
          ) w
         group by 1
    ),
    filed as (
        select (r.created_at at time zone 'utc')::date as day, count(*) as n
          from app.reports r where r.created_at >= v_from group by 1
    ),
    settled as (
        select (r.resolved_at at time zone 'utc')::date as day, count(*) as n
          from app.reports r where r.resolved_at >= v_from group by 1
    )
    select d.day,
           coalesce(nu.n, 0), coalesce(w.n, 0), coalesce(np.n, 0), coalesce(nc.n, 0),
           coalesce(f.n, 0), coalesce(s.n, 0)
      from days d
      left join new_users nu on nu.day = d.day
      left join writers w on w.day = d.day
      left join new_posts np on np.day = d.day
      left join new_comments nc on nc.day = d.day
      left join filed f on f.day = d.day
      left join settled s on s.day = d.day
     order by d.day;
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
