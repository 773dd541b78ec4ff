-- The dashboard's backlog as migration 0030 wrote it.
create or replace function app.dashboard_backlog()
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
drop function if exists app.post_is_held(bigint);
drop trigger if exists reports_review_targets on app.reports;
drop function if exists app.keep_review_targets();
drop function if exists app.summarize_review_target(text);
drop table if exists app.review_targets;
drop trigger if exists reports_weigh on app.reports;
drop function if exists app.weigh_report();
alter table app.reports drop column if exists weight;
