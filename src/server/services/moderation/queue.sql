-- The review queue's page: reported targets (one summary row each, kept by triggers:
-- migration 0032), at-risk first, then by the sum of the reports' weights, then oldest; with
-- what each target is. {site_staff} says whether the caller is site staff (who read every row
-- and every report; a circle moderator reads their circles' rows through Row Level Security,
-- scored without at-risk reports, which are never theirs). It, {limit} and {offset} are
-- written in by the service (never bound: see services::moderation::queue). Each branch is an
-- index scan that stops at the page; the other is planned away.
-- Read by services::moderation::queue and, as the same text, by bench/moderation.sh.
with page as (
    (select t.target_key, t.target, t.post_id, t.comment_id, t.member_id, t.circle_id,
            t.reporters::bigint as reporters, t.score, t.at_risk, t.held, t.oldest
       from app.review_targets t
      where {site_staff}
      order by t.at_risk desc, t.score desc, t.oldest, t.target_key
      limit {limit} offset {offset})
    union all
    (select t.target_key, t.target, t.post_id, t.comment_id, t.member_id, t.circle_id,
            t.plain_reporters::bigint, t.plain_score, false, t.held, t.plain_oldest
       from app.review_targets t
      where not {site_staff} and t.plain_reporters > 0
        and t.circle_id = any ((select app.moderated_circle_ids())::bigint[])
      order by t.plain_score desc, t.plain_oldest, t.target_key
      limit {limit} offset {offset})
)
select pg.target_key, pg.target, pg.post_id, pg.comment_id, pg.reporters, pg.score, pg.at_risk, pg.held,
       pg.oldest, (select count(*) from app.review_targets) as open_targets,
       ci.name as circle_name, ci.slug as circle_slug,
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
