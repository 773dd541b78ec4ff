drop trigger if exists posts_delete_media on app.posts;
drop trigger if exists comments_delete_media on app.comments;
drop function if exists app.delete_media_of_deleted();
drop trigger if exists profiles_guard_avatar on app.profiles;
drop function if exists app.guard_avatar();
alter table app.profiles drop column if exists avatar_id;
drop table if exists app.media_objects;
drop function if exists app.queue_media_deletion();
drop table if exists app.media_deletions;
