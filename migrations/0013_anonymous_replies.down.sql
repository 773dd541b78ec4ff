-- Restores 0005's comment guard and 0008's comment policies, and removes anonymous replies.
-- Replies written anonymously stay, with no author: they read as a former member's, which
-- reveals nobody (deleting them would take their answers with them).
create or replace function app.guard_comment_update() returns trigger
    language plpgsql security definer
    set search_path = ''
as $$
begin
    if new.id <> old.id or new.post_id <> old.post_id or new.parent_id is distinct from old.parent_id
       or new.author_id is distinct from old.author_id or new.depth <> old.depth
       or new.created_at <> old.created_at then
        raise exception 'a comment''s place, author and date never change' using errcode = '42501';
    end if;
    if (new.body, new.deleted_at) is distinct from (old.body, old.deleted_at) then
        if old.author_id is null or old.author_id <> auth.uid() then
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
alter policy comments_change on app.comments
    using ((author_id = (select auth.uid())))
    with check ((author_id = (select auth.uid())));
alter policy comments_write on app.comments
    with check (((author_id = (select auth.uid())) AND (EXISTS ( SELECT 1
   FROM app.posts p
  WHERE ((p.id = comments.post_id) AND (NOT p.locked) AND (p.deleted_at IS NULL) AND (p.circle_id = ANY (( SELECT app.joined_circle_ids() AS joined_circle_ids)::bigint[]))))) AND (depth = COALESCE(app.reply_depth(parent_id, post_id), '-1'::integer))));
revoke insert (is_anonymous) on app.comments from authenticated;
drop table app.anonymous_comment_authors;
drop function app.original_poster_reply_ids(bigint);
drop function app.is_comment_author(bigint);
alter table app.comments
    drop constraint comments_anonymous_has_no_author,
    drop column is_anonymous;
