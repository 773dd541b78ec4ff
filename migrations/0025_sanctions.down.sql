-- Undoes 0025: sanctions and their functions go; the log's actions return to 0023's list
-- (lines about sanctions go with them: the log is otherwise append-only).
drop trigger if exists posts_restricted on app.posts;
drop trigger if exists comments_restricted on app.comments;
drop trigger if exists post_reactions_restricted on app.post_reactions;
drop trigger if exists comment_reactions_restricted on app.comment_reactions;
drop trigger if exists circles_restricted on app.circles;
drop trigger if exists circle_members_restricted on app.circle_members;
drop trigger if exists reports_restricted on app.reports;
drop trigger if exists profiles_restricted on app.profiles;
drop function if exists app.refuse_restricted_writer();
drop function if exists app.sanction_history(uuid);
drop function if exists app.purge_member(uuid, text);
drop function if exists app.removed_texts_of(uuid, text);
drop function if exists app.acknowledge_warning(bigint);
drop function if exists app.lift_sanction(bigint, text);
drop function if exists app.sanction(uuid, text, text, integer);
drop function if exists app.guard_sanction(uuid);
drop policy if exists sessions_steward_end on auth.sessions;
drop policy if exists sessions_steward_read on auth.sessions;
revoke update (revoked_at, revoked_reason) on auth.sessions from community_steward;
revoke select (id, user_id, revoked_at) on auth.sessions from community_steward;
delete from app.notifications
 where kind = 'moderation' and moderation_action in ('warn', 'silence', 'suspend', 'ban', 'lift');
alter table app.moderation_log disable trigger moderation_log_append_only;
delete from app.moderation_log where action in ('warn', 'silence', 'suspend', 'ban', 'lift', 'purge');
alter table app.moderation_log enable trigger moderation_log_append_only;
alter table app.moderation_log drop constraint moderation_log_action_check;
alter table app.moderation_log add constraint moderation_log_action_check check (action in
    ('remove_post', 'hide_post', 'restore_post', 'remove_comment', 'hide_comment', 'restore_comment',
     'lock', 'unlock', 'pin', 'unpin', 'dismiss_reports', 'ignore_reports'));
drop trigger if exists sanctions_announce on app.sanctions;
drop function if exists app.announce_standing();
drop function if exists app.recent_standings(timestamptz);
drop function if exists app.my_standing();
drop function if exists app.standing_of(uuid);
drop table if exists app.sanctions;
