-- Moving a post to another circle: a moderator of both circles (site staff moderate every
-- circle) moves a post that was started in the wrong place, with a reason the author is told
-- and the public log shows. One call of `app.move_post(...)`: guard, change, log and notice
-- in the caller's transaction. A post's circle otherwise never changes: the post guard lets
-- the circle change only inside this function (it marks the transaction with the post's id)
-- and only for a moderator of both circles.

alter table app.moderation_log drop constraint moderation_log_action_check;
alter table app.moderation_log add constraint moderation_log_action_check check (action in
    ('remove_post', 'hide_post', 'restore_post', 'remove_comment', 'hide_comment', 'restore_comment',
     'lock', 'unlock', 'pin', 'unpin', 'dismiss_reports', 'ignore_reports',
     'warn', 'silence', 'suspend', 'ban', 'lift', 'purge', 'hold_post', 'hold_comment',
     'slow_mode', 'move_post'));

create or replace function app.guard_post_update() returns trigger
    language plpgsql security definer
    set search_path = ''
as $$
begin
    if new.id <> old.id or new.author_id is distinct from old.author_id
       or new.is_anonymous <> old.is_anonymous or new.created_at <> old.created_at then
        raise exception 'a post''s circle, author and date never change' using errcode = '42501';
    end if;
    if new.circle_id <> old.circle_id
       and not (coalesce(current_setting('app.moving_post', true), '') = old.id::text
                and old.circle_id = any (app.moderated_circle_ids())
                and new.circle_id = any (app.moderated_circle_ids())) then
        raise exception 'a post''s circle changes only when moderators move it' using errcode = '42501';
    end if;
    if (new.pinned <> old.pinned or new.locked <> old.locked)
       and not (old.circle_id = any (app.moderated_circle_ids())) then
        raise exception 'only moderators pin or lock posts' using errcode = '42501';
    end if;
    if new.removed_at is distinct from old.removed_at then
        if not (old.circle_id = any (app.moderated_circle_ids()))
           and not (old.removed_at is null and app.is_post_author(old.id)) then
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

-- Moves post `p_post` to the circle `p_circle` (its slug, or its name in any case).
create function app.move_post(p_post bigint, p_circle text, p_reason text)
    returns bigint
    language plpgsql security definer
    set search_path = ''
as $$
declare
    v_actor uuid := auth.uid();
    v_reason text := btrim(coalesce(p_reason, ''));
    v_post app.posts%rowtype;
    v_from app.circles%rowtype;
    v_to app.circles%rowtype;
    v_author uuid;
    v_log bigint;
begin
    if v_actor is null or cardinality(app.moderated_circle_ids()) = 0 then
        raise exception 'only moderators move posts' using errcode = '42501';
    end if;
    if char_length(v_reason) < 3 or char_length(v_reason) > 500 then
        raise exception 'Give a reason of 3 to 500 characters: the author is told it.' using errcode = '22023';
    end if;
    select * into v_post from app.posts where id = p_post for update;
    if not found then
        raise exception 'no such post' using errcode = 'P0002';
    end if;
    if not (v_post.circle_id = any (app.moderated_circle_ids())) then
        raise exception 'only this circle''s moderators move its posts' using errcode = '42501';
    end if;
    select * into v_to from app.circles c
     where c.slug = lower(btrim(coalesce(p_circle, '')))
        or lower(c.name) = lower(btrim(coalesce(p_circle, '')))
     order by (c.slug = lower(btrim(coalesce(p_circle, '')))) desc
     limit 1;
    if not found then
        raise exception 'There is no circle called “%”: use its name or the last part of its address.',
            left(btrim(coalesce(p_circle, '')), 60) using errcode = '22023';
    end if;
    select * into v_from from app.circles where id = v_post.circle_id;
    if v_to.id = v_from.id then
        raise exception 'The post is already in %.', v_to.name using errcode = '22023';
    end if;
    if not (v_to.id = any (app.moderated_circle_ids())) then
        raise exception 'You can only move a post to a circle you moderate, and you do not moderate %.',
            v_to.name using errcode = '22023';
    end if;
    if v_post.deleted_at is not null then
        raise exception 'This post is removed or deleted: restore it first.' using errcode = '22023';
    end if;
    v_author := coalesce(v_post.author_id,
        (select a.author_id from app.anonymous_authors a where a.post_id = p_post));
    if v_author = v_actor and not app.is_site_staff() then
        raise exception 'moderators do not act on their own posts' using errcode = '42501';
    end if;
    if (select u.role from auth.users u where u.id = v_author) = 'admin' and not app.is_site_admin() then
        raise exception 'only an admin acts on an admin''s posts' using errcode = '42501';
    end if;
    if not v_to.is_support and (v_post.is_anonymous or exists (
            select 1 from app.comments c where c.post_id = p_post and c.author_id is null
               and exists (select 1 from app.anonymous_comment_authors a where a.comment_id = c.id))) then
        raise exception '% is not a support circle, so it cannot hold anonymous writing, and this post has some.',
            v_to.name using errcode = '22023';
    end if;
    if v_author is not null and not app.member_reads_circle(v_author, v_to.id) then
        raise exception 'The author cannot read %, so they would lose their own post: choose a circle they can read.',
            v_to.name using errcode = '22023';
    end if;

    perform set_config('app.moving_post', p_post::text, true);
    update app.posts set circle_id = v_to.id where id = p_post;
    perform set_config('app.moving_post', '', true);
    update app.circles set post_count = greatest(post_count - 1, 0) where id = v_from.id;
    update app.circles set post_count = post_count + 1 where id = v_to.id;
    -- Reports about the post and its replies go with it, to the new circle's moderators.
    update app.reports set circle_id = v_to.id where post_id = p_post;

    insert into app.moderation_log (actor_id, action, reason, circle_id, post_id, member_id, subject)
    values (v_actor, 'move_post', v_reason, v_to.id, p_post, v_author,
            v_post.title || ' (from ' || v_from.name || ')')
    returning id into v_log;
    if v_author is not null and v_author <> v_actor then
        insert into app.notifications (recipient_id, kind, circle_id, post_id,
                                       moderation_action, moderation_reason, subject)
        values (v_author, 'moderation', v_to.id, p_post, 'move_post', v_reason, v_post.title);
        perform app.emit_event('notification.created', v_to.id, p_post, null, v_author, null);
    end if;
    return v_log;
end
$$;
alter function app.move_post(bigint, text, text) owner to community_steward;
revoke execute on function app.move_post(bigint, text, text) from public;
grant execute on function app.move_post(bigint, text, text) to authenticated;
grant update (circle_id) on app.posts to community_steward;
