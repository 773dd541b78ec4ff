-- Undoes 0023: the moderation tables and functions go; the guards and counters return to
-- their earlier versions (0006, 0013, 0005). Removed posts and replies stay emptied.
drop function if exists app.settle_reports(text, text, text);
drop function if exists app.moderate(text, bigint, bigint, text);
delete from app.notifications where kind in ('moderation', 'report_outcome');
alter table app.notifications drop constraint notifications_kind_check;
alter table app.notifications add constraint notifications_kind_check check (kind in
    ('reply', 'comment_reply', 'mention', 'reaction', 'join_approved', 'join_declined',
     'activity', 'new_post'));
alter table app.notifications
    drop column if exists moderation_action,
    drop column if exists moderation_reason,
    drop column if exists subject;
drop function if exists app.public_moderation_log(bigint, integer);
drop table if exists app.moderation_log;
drop function if exists app.moderation_log_is_append_only();
drop function if exists app.reporter_weights(uuid[]);
drop table if exists app.reports;
drop function if exists app.place_report();
drop table if exists app.removed_texts;

create or replace function app.guard_post_update() returns trigger
    language plpgsql security definer
    set search_path = ''
as $$
begin
    if new.id <> old.id or new.circle_id <> old.circle_id or new.author_id is distinct from old.author_id
       or new.is_anonymous <> old.is_anonymous or new.created_at <> old.created_at then
        raise exception 'a post''s circle, author and date never change' using errcode = '42501';
    end if;
    if (new.pinned <> old.pinned or new.locked <> old.locked)
       and not (old.circle_id = any (app.moderated_circle_ids())) then
        raise exception 'only moderators pin or lock posts' using errcode = '42501';
    end if;
    if (new.title, new.body, new.body_html, new.content_warning, new.edited_at, new.deleted_at)
           is distinct from
       (old.title, old.body, old.body_html, old.content_warning, old.edited_at, old.deleted_at) then
        if not app.is_post_author(old.id) then
            raise exception 'only the author edits or deletes a post' using errcode = '42501';
        end if;
        if old.deleted_at is not null then
            raise exception 'a deleted post cannot change' using errcode = '42501';
        end if;
        insert into app.post_revisions (post_id, title, body, content_warning, written_at)
        values (old.id, old.title, old.body, old.content_warning, coalesce(old.edited_at, old.created_at));
    end if;
    return new;
end
$$;

create or replace function app.guard_comment_update() returns trigger
    language plpgsql security definer
    set search_path = ''
as $$
begin
    if new.id <> old.id or new.post_id <> old.post_id or new.parent_id is distinct from old.parent_id
       or new.author_id is distinct from old.author_id or new.is_anonymous <> old.is_anonymous
       or new.depth <> old.depth or new.created_at <> old.created_at then
        raise exception 'a comment''s place, author and date never change' using errcode = '42501';
    end if;
    if (new.body, new.deleted_at) is distinct from (old.body, old.deleted_at) then
        if not app.is_comment_author(old.id) then
            raise exception 'only the author edits or deletes a comment' using errcode = '42501';
        end if;
        if old.deleted_at is not null then
            raise exception 'a deleted comment cannot change' using errcode = '42501';
        end if;
        insert into app.comment_revisions (comment_id, body, written_at)
        values (old.id, old.body, coalesce(old.edited_at, old.created_at));
    end if;
    return new;
end
$$;

create or replace function app.count_circle_posts() returns trigger
    language plpgsql security definer
    set search_path = ''
as $$
begin
    if tg_op = 'INSERT' then
        update app.circles set post_count = post_count + 1 where id = new.circle_id;
    elsif old.deleted_at is null and new.deleted_at is not null then
        update app.circles set post_count = greatest(post_count - 1, 0) where id = new.circle_id;
    end if;
    return null;
end
$$;

create or replace function app.count_post_comments() returns trigger
    language plpgsql security definer
    set search_path = ''
as $$
begin
    if tg_op = 'INSERT' then
        update app.posts set comment_count = comment_count + 1, last_activity_at = new.created_at
         where id = new.post_id;
    elsif old.deleted_at is null and new.deleted_at is not null then
        update app.posts set comment_count = greatest(comment_count - 1, 0) where id = new.post_id;
    end if;
    return null;
end
$$;

revoke update (title, body, body_html, content_warning, deleted_at, pinned, locked) on app.posts from community_steward;
revoke update (body, body_html, deleted_at) on app.comments from community_steward;
grant update (pinned, locked) on app.posts to authenticated;
alter table app.posts drop column if exists removed_at;
alter table app.comments drop column if exists removed_at;
