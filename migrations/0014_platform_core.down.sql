drop trigger if exists sessions_revoked on auth.sessions;
drop function if exists auth.announce_session_end();
drop trigger if exists users_role_change on auth.users;
drop function if exists auth.stamp_role_change();
alter table auth.users drop column if exists role_changed_at;

drop table if exists app.job_schedules;
drop table if exists app.jobs;

drop trigger if exists circle_members_events on app.circle_members;
drop trigger if exists comment_reactions_events on app.comment_reactions;
drop trigger if exists post_reactions_events on app.post_reactions;
drop trigger if exists comments_events on app.comments;
drop trigger if exists posts_events on app.posts;
drop function if exists app.membership_events();
drop function if exists app.comment_reaction_events();
drop function if exists app.post_reaction_events();
drop function if exists app.comment_events();
drop function if exists app.post_events();
drop function if exists app.emit_event(text, bigint, bigint, bigint, uuid, uuid);
drop table if exists app.events;
