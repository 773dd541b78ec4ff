drop trigger if exists posts_slow_mode on app.posts;
drop function if exists app.keep_slow_mode();
drop function if exists app.set_slow_mode(bigint, integer, text);
drop function if exists app.slow_mode_words(integer);
alter table app.moderation_log disable trigger moderation_log_append_only;
delete from app.moderation_log where action = 'slow_mode';
alter table app.moderation_log enable trigger moderation_log_append_only;
alter table app.moderation_log drop constraint moderation_log_action_check;
alter table app.moderation_log add constraint moderation_log_action_check check (action in
    ('remove_post', 'hide_post', 'restore_post', 'remove_comment', 'hide_comment', 'restore_comment',
     'lock', 'unlock', 'pin', 'unpin', 'dismiss_reports', 'ignore_reports',
     'warn', 'silence', 'suspend', 'ban', 'lift', 'purge', 'hold_post', 'hold_comment'));
alter table app.circles drop column if exists slow_mode_secs;
