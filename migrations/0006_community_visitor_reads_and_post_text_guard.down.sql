revoke select on app.post_reactions, app.comment_reactions, app.bookmarks, app.circle_follows from anon;

-- The guard as 0005 wrote it.
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
    if (new.title, new.body, new.content_warning, new.deleted_at)
           is distinct from (old.title, old.body, old.content_warning, old.deleted_at) then
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
