-- Anonymous replies in support circles, sealed as anonymous posts are (0005).
--
-- A member who posted anonymously could not answer the replies to their post without
-- signing the answer with their name. A comment may now be anonymous in a support circle:
-- `author_id` is null, and the real author sits in `app.anonymous_comment_authors`, readable
-- only by that author and the circle's moderators (site staff included, as for posts), and
-- written only in the transaction that created the comment. Every response builds a
-- comment's author from `author_id`, so an anonymous reply names nobody.

alter table app.comments
    add column is_anonymous boolean not null default false,
    add constraint comments_anonymous_has_no_author check (not is_anonymous or author_id is null);

-- The real author of an anonymous reply.
create table app.anonymous_comment_authors (
    comment_id bigint primary key references app.comments (id) on delete cascade,
    author_id uuid not null references auth.users (id) on delete cascade
);
create index anonymous_comment_authors_author_idx on app.anonymous_comment_authors (author_id);
alter table app.anonymous_comment_authors enable row level security, force row level security;

-- ---------------------------------------------------------------------------------------
-- Helpers (run as community_steward, like those of 0005)
-- ---------------------------------------------------------------------------------------

-- Whether the caller wrote this comment, anonymously or not: the author edits and deletes
-- an anonymous reply without unsealing it.
create function app.is_comment_author(p_comment_id bigint) returns boolean
    language sql stable security definer
    set search_path = ''
as $$
    select (select auth.uid()) is not null and (
        exists (select 1 from app.comments c
                 where c.id = p_comment_id and c.author_id = (select auth.uid()))
        or exists (select 1 from app.anonymous_comment_authors a
                    where a.comment_id = p_comment_id and a.author_id = (select auth.uid())))
$$;

-- The anonymous replies under an anonymous post that its own (sealed) author wrote, so the
-- thread can say "original poster". That one bit is all it tells: nothing for a post that
-- names its author (it would unmask the reply), for a post the caller cannot read, or for
-- deleted replies.
create function app.original_poster_reply_ids(p_post_id bigint) returns bigint[]
    language sql stable security definer
    set search_path = ''
as $$
    select coalesce(array_agg(c.id), '{}')
      from app.posts p
      join app.anonymous_authors pa on pa.post_id = p.id
      join app.comments c on c.post_id = p.id and c.is_anonymous and c.deleted_at is null
      join app.anonymous_comment_authors ca on ca.comment_id = c.id and ca.author_id = pa.author_id
     where p.id = p_post_id and p.is_anonymous
       and p.circle_id = any ((select app.readable_circle_ids())::bigint[])
$$;

alter function app.is_comment_author(bigint) owner to community_steward;
alter function app.original_poster_reply_ids(bigint) owner to community_steward;
revoke execute on function app.is_comment_author(bigint), app.original_poster_reply_ids(bigint)
    from public;
grant execute on function app.is_comment_author(bigint), app.original_poster_reply_ids(bigint)
    to anon, authenticated, community_steward;

-- The steward reads sealed reply authors for the helpers above.
grant select on app.anonymous_comment_authors to community_steward;
create policy anonymous_comment_authors_steward on app.anonymous_comment_authors
    for select to community_steward using (true);

-- ---------------------------------------------------------------------------------------
-- Who may write and read what
-- ---------------------------------------------------------------------------------------

-- A comment is written as its author, or as nobody when anonymous in a support circle.
grant insert (is_anonymous) on app.comments to authenticated;
alter policy comments_write on app.comments
    with check (
        (
            (not is_anonymous and author_id = (select auth.uid()))
            or (is_anonymous and author_id is null
                and exists (select 1 from app.posts p join app.circles ci on ci.id = p.circle_id
                             where p.id = post_id and ci.is_support))
        )
        and exists (select 1 from app.posts p where p.id = post_id and not p.locked
                      and p.deleted_at is null
                      and p.circle_id = any ((select app.joined_circle_ids())::bigint[]))
        and depth = coalesce(app.reply_depth(parent_id, post_id), -1)
    );

-- The author changes their comment, signed or sealed (the guard below says which columns).
-- The helper runs only for anonymous rows, which have no author id to compare.
alter policy comments_change on app.comments
    using (author_id = (select auth.uid()) or (is_anonymous and app.is_comment_author(id)))
    with check (author_id = (select auth.uid()) or (is_anonymous and app.is_comment_author(id)));

-- Sealed authorship: the author themselves and the circle's moderators only. Written once,
-- with the comment, by its author, in a support circle.
grant select, insert on app.anonymous_comment_authors to authenticated;
create policy anonymous_comment_authors_read on app.anonymous_comment_authors
    for select to authenticated
    using (
        author_id = (select auth.uid())
        or exists (select 1 from app.comments c join app.posts p on p.id = c.post_id
                    where c.id = comment_id
                      and p.circle_id = any ((select app.moderated_circle_ids())::bigint[]))
    );
create policy anonymous_comment_authors_claim on app.anonymous_comment_authors
    for insert to authenticated
    with check (
        author_id = (select auth.uid())
        and exists (select 1 from app.comments c
                      join app.posts p on p.id = c.post_id
                      join app.circles ci on ci.id = p.circle_id
                     where c.id = comment_id and c.is_anonymous and c.created_at = now()
                       and ci.is_support)
    );

-- The guard of 0005, with the sealed author recognised and anonymity fixed at writing.
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
