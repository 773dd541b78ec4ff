drop function if exists app.dashboard_database();
drop function if exists app.dashboard_backlog();
drop function if exists app.dashboard_days(integer);
drop index if exists app.reports_resolved_idx;
drop index if exists app.reports_created_idx;
drop index if exists app.comment_reactions_created_idx;
drop index if exists app.comments_created_idx;
drop index if exists auth.users_created_idx;
