-- Every open report about the targets on the queue's page ($1: their keys), oldest first.
select r.target_key, r.reason, r.details,
coalesce(pr.display_name || ' (@' || pr.handle || ')', 'A former member') as reporter,
r.created_at
from app.reports r left join app.profiles pr on pr.user_id = r.reporter_id
where r.status = 'open' and r.target_key = any($1)
order by r.created_at, r.id
