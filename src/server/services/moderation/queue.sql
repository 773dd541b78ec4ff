-- The review queue's page: open reports grouped by target, at-risk first, then by the sum of
-- the reporters' weights, then oldest; with what each target is. $1 limit, $2 offset.
-- Read by services::moderation::queue and, as the same text, by bench/moderation.sh.
with open_reports as (
    select r.target_key, r.target, r.post_id, r.comment_id, r.member_id, r.circle_id,
           -- Automatic reports (watched words) have no reporter: one shared stand-in.
           coalesce(r.reporter_id, '00000000-0000-0000-0000-000000000000') as reporter_id,
           r.reason, r.created_at
      from app.reports r
     where r.status = 'open'
       -- What the caller moderates (RLS also lets a reporter read their own reports).
       and ((select app.is_site_staff())
            or (r.reason <> 'at_risk'
                and r.circle_id = any ((select app.moderated_circle_ids())::bigint[])))
), weights as (
    -- A reporter with nothing settled that the caller may see weighs one half; watched
    -- words weigh one.
    select d.reporter_id,
           case when d.reporter_id = '00000000-0000-0000-0000-000000000000' then 1.0
                else coalesce(w.weight, 0.5) end as weight
      from (select distinct reporter_id from open_reports) d
      left join app.reporter_weights(array(select distinct reporter_id from open_reports)) w
        on w.reporter_id = d.reporter_id
), targets as (
    select o.target_key, min(o.target) as target, min(o.post_id) as post_id,
           min(o.comment_id) as comment_id, (array_agg(o.member_id))[1] as member_id,
           min(o.circle_id) as circle_id, count(distinct o.reporter_id) as reporters,
           coalesce(sum(w.weight), 0)::float8 as score, bool_or(o.reason = 'at_risk') as at_risk,
           bool_or(o.reason = 'held') as held,
           min(o.created_at) as oldest
      from open_reports o join weights w on w.reporter_id = o.reporter_id
     group by o.target_key
), page as (
    select t.*, count(*) over () as open_targets
      from targets t
     order by t.at_risk desc, t.score desc, t.oldest, t.target_key
     limit $1 offset $2
)
select pg.target_key, pg.target, pg.post_id, pg.comment_id, pg.reporters, pg.score, pg.at_risk, pg.held,
       pg.oldest, pg.open_targets, ci.name as circle_name, ci.slug as circle_slug,
       coalesce(case when pg.target = 'member' then pm.display_name || ' (@' || pm.handle || ')' end,
                rtp.title, p.title, '') as title,
       coalesce(case pg.target when 'comment' then coalesce(rtc.body, c.body)
                               when 'post' then coalesce(rtp.body, p.body)
                               else pm.bio end, '') as text,
       coalesce(case pg.target
           when 'comment' then case when c.is_anonymous then 'Anonymous' else ca.display_name || ' (@' || ca.handle || ')' end
           when 'post' then case when p.is_anonymous then 'Anonymous' else pa.display_name || ' (@' || pa.handle || ')' end
           else '@' || pm.handle end, 'A former member') as author,
       case pg.target when 'comment' then c.deleted_at is not null
                      when 'post' then p.deleted_at is not null
                      else false end as gone
  from page pg
  left join app.circles ci on ci.id = pg.circle_id
  left join app.posts p on p.id = pg.post_id
  left join app.removed_texts rtp on rtp.post_id = pg.post_id
  left join app.comments c on c.id = pg.comment_id
  left join app.removed_texts rtc on rtc.comment_id = pg.comment_id
  left join app.profiles pa on pa.user_id = p.author_id
  left join app.profiles ca on ca.user_id = c.author_id
  left join app.profiles pm on pm.user_id = pg.member_id
 order by pg.at_risk desc, pg.score desc, pg.oldest, pg.target_key
