-- Every open report about the targets on the queue's page ($1: their keys), oldest first.
select r.target_key, r.reason, r.details,
coalesce(pr.display_name || ' (@' || pr.handle || ')',
         case when r.reporter_id is null then 'Watched words' else 'A former member' end) as reporter,
r.created_at
from app.reports r left join app.profiles pr on pr.user_id = r.reporter_id
where r.status = 'open' and r.target_key = any($1)
and ((select app.is_site_staff())
     or (r.reason <> 'at_risk' and r.circle_id = any ((select app.moderated_circle_ids())::bigint[])))
order by r.created_at, r.id
