-- The review queue as rows kept up to date: one summary row per reported target with open
-- reports (`app.review_targets`), rewritten by a trigger whenever one of its reports is
-- filed, settled, moved or deleted, so reading a page of the queue is an index scan over
-- targets instead of grouping every open report and weighing every reporter on each read
-- (0.25 s at 10,000 open reports before this).
--
-- A report's weight is fixed when it is filed: the reporter's accuracy then, counted over
-- all their decided reports ((acted + 1) / (decided + 2); at-risk reports count neither
-- way; an automatic report from watched words weighs 1). Discourse scores a flag the same
-- way, when it is made. A circle moderator sees the score of the reports they may read
-- (never at-risk ones), kept in the row's `plain_*` columns.

alter table app.reports add column weight numeric(4, 3) not null default 0.5
    check (weight > 0 and weight <= 1);

create function app.weigh_report() returns trigger
    language plpgsql security definer
    set search_path = ''
as $$
begin
    if new.reporter_id is null then
        new.weight := 1;
    else
        select round((count(*) filter (where r.status = 'acted') + 1)::numeric
                     / (count(*) filter (where r.status in ('acted', 'dismissed')) + 2), 3)
          into new.weight
          from app.reports r
         where r.reporter_id = new.reporter_id and r.reason <> 'at_risk';
    end if;
    return new;
end
$$;
alter function app.weigh_report() owner to community_steward;
create trigger reports_weigh before insert on app.reports
    for each row execute function app.weigh_report();

-- The open reports filed before this migration: weighed as they would have been now.
update app.reports r set weight = coalesce((
    select round((count(*) filter (where h.status = 'acted') + 1)::numeric
                 / (count(*) filter (where h.status in ('acted', 'dismissed')) + 2), 3)
      from app.reports h where h.reporter_id = r.reporter_id and h.reason <> 'at_risk'), 0.5)
 where r.status = 'open' and r.reporter_id is not null;
update app.reports set weight = 1 where status = 'open' and reporter_id is null;

create table app.review_targets (
    target_key text primary key,
    target text not null,
    post_id bigint,
    comment_id bigint,
    member_id uuid,
    circle_id bigint,
    -- Every open report (site staff's view).
    reporters integer not null,
    score double precision not null,
    at_risk boolean not null,
    held boolean not null,
    oldest timestamptz not null,
    -- Without at-risk reports (a circle moderator's view); `plain_reporters` 0 when the
    -- target has only at-risk reports.
    plain_reporters integer not null,
    plain_score double precision not null,
    plain_oldest timestamptz
);
create index review_targets_staff_idx on app.review_targets
    (at_risk desc, score desc, oldest, target_key);
create index review_targets_circle_idx on app.review_targets
    (circle_id, plain_score desc, plain_oldest, target_key) where plain_reporters > 0;
alter table app.review_targets enable row level security, force row level security;

-- Site staff read every row; a circle's moderators the rows of their circles that hold
-- reports they may read (not at-risk ones, and never about what they wrote themselves).
-- Nobody writes a row but the trigger.
grant select on app.review_targets to authenticated;
create policy review_targets_read on app.review_targets for select to authenticated
    using (
        (select app.is_site_staff())
        or (plain_reporters > 0
            and circle_id = any ((select app.moderated_circle_ids())::bigint[])
            and not (target = 'post' and app.is_post_author(post_id))
            and not (target = 'comment' and app.is_comment_author(comment_id)))
    );
grant select, insert, update, delete on app.review_targets to community_steward;
create policy review_targets_steward on app.review_targets to community_steward
    using (true) with check (true);

-- Rewrites one target's row from its open reports (or removes it when none is left). The
-- advisory lock makes two reports on one target, filed at once, summarise in turn: the
-- second rewrite reads (in a fresh snapshot) what the first committed.
create function app.summarize_review_target(p_key text) returns void
    language plpgsql security definer
    set search_path = ''
as $$
declare
    v_nobody constant uuid := '00000000-0000-0000-0000-000000000000';
begin
    perform pg_advisory_xact_lock(hashtextextended('review_target:' || p_key, 0));
    delete from app.review_targets where target_key = p_key;
    insert into app.review_targets (target_key, target, post_id, comment_id, member_id, circle_id,
                                    reporters, score, at_risk, held, oldest,
                                    plain_reporters, plain_score, plain_oldest)
    select p_key, min(r.target), min(r.post_id), min(r.comment_id), (array_agg(r.member_id))[1],
           min(r.circle_id),
           count(distinct coalesce(r.reporter_id, v_nobody)), sum(r.weight)::float8,
           bool_or(r.reason = 'at_risk'), bool_or(r.reason = 'held'), min(r.created_at),
           count(distinct coalesce(r.reporter_id, v_nobody)) filter (where r.reason <> 'at_risk'),
           coalesce(sum(r.weight) filter (where r.reason <> 'at_risk'), 0)::float8,
           min(r.created_at) filter (where r.reason <> 'at_risk')
      from app.reports r
     where r.target_key = p_key and r.status = 'open'
    having count(*) > 0;
end
$$;
alter function app.summarize_review_target(text) owner to community_steward;
revoke execute on function app.summarize_review_target(text) from public;

create function app.keep_review_targets() returns trigger
    language plpgsql security definer
    set search_path = ''
as $$
begin
    if tg_op in ('UPDATE', 'DELETE') then
        perform app.summarize_review_target(old.target_key);
    end if;
    if tg_op in ('INSERT', 'UPDATE') and (tg_op = 'INSERT' or new.target_key <> old.target_key) then
        perform app.summarize_review_target(new.target_key);
    end if;
    return null;
end
$$;
alter function app.keep_review_targets() owner to community_steward;
create trigger reports_review_targets after insert or delete or update of status, circle_id, weight, reason
    on app.reports for each row execute function app.keep_review_targets();

-- Whether a post is held by a watched word until a moderator approves it, for its page to
-- say "waiting for approval" rather than "removed" (its title already says it waits, so
-- this tells no one anything new).
create function app.post_is_held(p_post bigint) returns boolean
    language sql stable security definer
    set search_path = ''
as $$
    select exists (select 1 from app.review_targets t
                    where t.target_key = 'post:' || p_post and t.held)
$$;
alter function app.post_is_held(bigint) owner to community_steward;
grant execute on function app.post_is_held(bigint) to anon, authenticated;

-- The reports open now.
insert into app.review_targets (target_key, target, post_id, comment_id, member_id, circle_id,
                                reporters, score, at_risk, held, oldest,
                                plain_reporters, plain_score, plain_oldest)
select r.target_key, min(r.target), min(r.post_id), min(r.comment_id), (array_agg(r.member_id))[1],
       min(r.circle_id),
       count(distinct coalesce(r.reporter_id, '00000000-0000-0000-0000-000000000000')),
       sum(r.weight)::float8, bool_or(r.reason = 'at_risk'), bool_or(r.reason = 'held'),
       min(r.created_at),
       count(distinct coalesce(r.reporter_id, '00000000-0000-0000-0000-000000000000'))
           filter (where r.reason <> 'at_risk'),
       coalesce(sum(r.weight) filter (where r.reason <> 'at_risk'), 0)::float8,
       min(r.created_at) filter (where r.reason <> 'at_risk')
  from app.reports r
 where r.status = 'open'
 group by r.target_key;

-- The dashboard's backlog counts targets from the summary.
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
      from (select (select count(*) from app.review_targets) as targets,
                   (select count(*) from app.reports r where r.status = 'open') as reports) o,
           (select count(*) as settled,
                   percentile_cont(0.5) within group (
                       order by extract(epoch from r.resolved_at - r.created_at)) as median,
                   percentile_cont(0.9) within group (
                       order by extract(epoch from r.resolved_at - r.created_at)) as p90
              from app.reports r where r.resolved_at >= now() - interval '30 days') s;
end
$$;
