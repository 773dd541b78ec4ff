-- Undoes 0027: watched words, automatic reports and holds go; the guards, the public log and
-- the reports' reasons return to 0023's. Held writing stays hidden (as a removal).
drop function if exists app.decide_held(text, boolean, text);
drop function if exists app.review_own(bigint, bigint, boolean, text);
drop function if exists app.review_own_profile(text);
delete from app.reports where reporter_id is null;
alter table app.reports drop constraint if exists reports_automatic;
alter table app.reports drop constraint reports_reason_check;
alter table app.reports add constraint reports_reason_check check (reason in
    ('spam', 'harassment', 'misinformation', 'off_topic', 'other', 'at_risk'));
alter table app.reports alter column reporter_id set not null;
alter table app.moderation_log disable trigger moderation_log_append_only;
delete from app.moderation_log where action in ('hold_post', 'hold_comment');
alter table app.moderation_log enable trigger moderation_log_append_only;
alter table app.moderation_log drop constraint moderation_log_action_check;
alter table app.moderation_log add constraint moderation_log_action_check check (action in
    ('remove_post', 'hide_post', 'restore_post', 'remove_comment', 'hide_comment', 'restore_comment',
     'lock', 'unlock', 'pin', 'unpin', 'dismiss_reports', 'ignore_reports',
     'warn', 'silence', 'suspend', 'ban', 'lift', 'purge'));
drop table if exists app.watched_words;
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
    if new.removed_at is distinct from old.removed_at then
        if not (old.circle_id = any (app.moderated_circle_ids())) then
            raise exception 'only moderators remove or restore posts' using errcode = '42501';
        end if;
        return new;
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
    if new.removed_at is distinct from old.removed_at then
        if not exists (select 1 from app.posts p where p.id = old.post_id
                         and p.circle_id = any (app.moderated_circle_ids())) then
            raise exception 'only moderators remove or restore replies' using errcode = '42501';
        end if;
        return new;
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
create or replace function app.public_moderation_log(p_before bigint, p_limit integer)
    returns table (id bigint, at timestamptz, action text, reason text, circle_name text,
                   circle_slug text, post_id bigint, post_title text, comment_id bigint)
    language sql stable security definer
    set search_path = ''
as $$
    select l.id, l.at, l.action, l.reason, c.name, c.slug,
           case when p.deleted_at is null then p.id end,
           case when p.deleted_at is null then p.title end,
           case when p.deleted_at is null then l.comment_id end
      from app.moderation_log l
      left join app.circles c on c.id = l.circle_id
      left join app.posts p on p.id = l.post_id
     where l.id < coalesce(p_before, 9223372036854775807)
       and not l.staff_only
       -- Settling reports is the queue's own business: a public line would tell everyone,
       -- the author included, that the post was reported.
       and l.action not in ('dismiss_reports', 'ignore_reports')
       and l.circle_id = any (app.readable_circle_ids())
     order by l.id desc
     limit least(greatest(p_limit, 1), 100)
$$;
