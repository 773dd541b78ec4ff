-- Watched words: words or patterns site staff list, each with what happens when a member's
-- writing (posts, replies, profiles, display names) contains one:
--
--   block   the write is refused, saying which word;
--   censor  the word is masked (••••) and the rest is kept;
--   flag    the write goes through and an automatic report puts it in the review queue;
--   hold    the write is kept but hidden until a moderator approves it (in the queue).
--
-- Matching is the server's (case- and accent-insensitive, whole words, or a size-bounded
-- regular expression: `services::moderation::watched`); the list is read by the identity
-- service for each write, and staff edit it under RLS. Automatic reports have no reporter
-- (`reporter_id` null: "Watched words"), and a member can only ever put their own writing
-- up for review (`app.review_own`), so nothing here lets anyone report or hide someone
-- else's words.

create table app.watched_words (
    id bigint generated always as identity primary key,
    pattern text not null check (char_length(btrim(pattern)) between 1 and 200),
    is_regex boolean not null default false,
    action text not null check (action in ('block', 'censor', 'flag', 'hold')),
    created_by uuid references auth.users (id) on delete set null,
    created_at timestamptz not null default now()
);
create unique index watched_words_once on app.watched_words (lower(pattern), is_regex);
alter table app.watched_words enable row level security, force row level security;

grant select, insert (pattern, is_regex, action, created_by), delete on app.watched_words to authenticated;
create policy watched_words_staff_read on app.watched_words for select to authenticated
    using ((select app.is_site_staff()));
create policy watched_words_staff_add on app.watched_words for insert to authenticated
    with check ((select app.is_site_staff()) and created_by = (select auth.uid()));
create policy watched_words_staff_remove on app.watched_words for delete to authenticated
    using ((select app.is_site_staff()));
grant select on app.watched_words to auth_admin;
create policy watched_words_service_read on app.watched_words for select to auth_admin using (true);

-- Automatic reports: no reporter, and two more reasons.
alter table app.reports alter column reporter_id drop not null;
alter table app.reports drop constraint reports_reason_check;
alter table app.reports add constraint reports_reason_check check (reason in
    ('spam', 'harassment', 'misinformation', 'off_topic', 'other', 'at_risk', 'watched', 'held'));
alter table app.reports add constraint reports_automatic check
    ((reporter_id is null) = (reason in ('watched', 'held')));

-- The log names holds by watched words (no moderator: `actor_id` null).
alter table app.moderation_log drop constraint moderation_log_action_check;
alter table app.moderation_log add constraint moderation_log_action_check check (action in
    ('remove_post', 'hide_post', 'restore_post', 'remove_comment', 'hide_comment', 'restore_comment',
     'lock', 'unlock', 'pin', 'unpin', 'dismiss_reports', 'ignore_reports',
     'warn', 'silence', 'suspend', 'ban', 'lift', 'purge', 'hold_post', 'hold_comment'));

-- The author may set the removal mark on their own writing (a hold); only moderators clear
-- it (restore). Otherwise as 0023.
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
                         and p.circle_id = any (app.moderated_circle_ids()))
           and not (old.removed_at is null and app.is_comment_author(old.id)) then
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

-- The caller puts their own post (`p_comment` null) or reply up for review because it
-- contains watched word `p_word`: `p_hold` hides it until a moderator restores it (its words
-- kept for moderators, as a removal keeps them); either way an automatic report puts it in
-- the queue. Only ever the caller's own writing.
create function app.review_own(p_post bigint, p_comment bigint, p_hold boolean, p_word text)
    returns void
    language plpgsql security definer
    set search_path = ''
as $$
declare
    v_post app.posts%rowtype;
    v_comment app.comments%rowtype;
    v_author uuid;
begin
    select * into v_post from app.posts where id = p_post for update;
    if not found then
        raise exception 'no such post' using errcode = 'P0002';
    end if;
    if p_comment is null then
        if not app.is_post_author(p_post) then
            raise exception 'only the author puts their own post up for review' using errcode = '42501';
        end if;
        v_author := coalesce(v_post.author_id,
            (select a.author_id from app.anonymous_authors a where a.post_id = p_post));
        if p_hold and v_post.deleted_at is null then
            insert into app.removed_texts (post_id, title, body, body_html, content_warning)
            values (p_post, v_post.title, v_post.body, v_post.body_html, v_post.content_warning);
            update app.posts set title = 'Post waiting for review', body = '', body_html = '',
                   content_warning = null, deleted_at = now(), removed_at = now()
             where id = p_post;
            insert into app.moderation_log (action, reason, circle_id, post_id, member_id, subject)
            values ('hold_post', 'Held by a watched word: ' || left(p_word, 200), v_post.circle_id,
                    p_post, v_author, v_post.title);
        end if;
        -- One open automatic report per target and reason: edits do not pile them up.
        insert into app.reports (reporter_id, target, post_id, reason, details)
        select null, 'post', p_post, case when p_hold then 'held' else 'watched' end,
               'Watched word: ' || left(p_word, 200)
         where not exists (select 1 from app.reports r
                            where r.target_key = 'post:' || p_post and r.status = 'open'
                              and r.reporter_id is null
                              and r.reason = case when p_hold then 'held' else 'watched' end);
    else
        select * into v_comment from app.comments where id = p_comment and post_id = p_post for update;
        if not found then
            raise exception 'no such reply' using errcode = 'P0002';
        end if;
        if not app.is_comment_author(p_comment) then
            raise exception 'only the author puts their own reply up for review' using errcode = '42501';
        end if;
        v_author := coalesce(v_comment.author_id,
            (select a.author_id from app.anonymous_comment_authors a where a.comment_id = p_comment));
        if p_hold and v_comment.deleted_at is null then
            insert into app.removed_texts (comment_id, body, body_html)
            values (p_comment, v_comment.body, v_comment.body_html);
            update app.comments set body = '', body_html = '', deleted_at = now(), removed_at = now()
             where id = p_comment;
            insert into app.moderation_log (action, reason, circle_id, post_id, comment_id, member_id, subject)
            values ('hold_comment', 'Held by a watched word: ' || left(p_word, 200), v_post.circle_id,
                    p_post, p_comment, v_author, left(v_comment.body, 120));
        end if;
        insert into app.reports (reporter_id, target, post_id, comment_id, reason, details)
        select null, 'comment', p_post, p_comment, case when p_hold then 'held' else 'watched' end,
               'Watched word: ' || left(p_word, 200)
         where not exists (select 1 from app.reports r
                            where r.target_key = 'comment:' || p_comment and r.status = 'open'
                              and r.reporter_id is null
                              and r.reason = case when p_hold then 'held' else 'watched' end);
    end if;
end
$$;
alter function app.review_own(bigint, bigint, boolean, text) owner to community_steward;
revoke execute on function app.review_own(bigint, bigint, boolean, text) from public;
grant execute on function app.review_own(bigint, bigint, boolean, text) to authenticated;

-- A moderator decides about writing held by a watched word: approve (it is restored, told
-- to the author, and its reports dismissed) or reject (it stays hidden as a removal, its
-- reports acted on, the author told why). One call, one transaction, as `app.moderate`.
create function app.decide_held(p_target_key text, p_approve boolean, p_reason text)
    returns bigint
    language plpgsql security definer
    set search_path = ''
as $$
declare
    v_actor uuid := auth.uid();
    v_reason text := btrim(coalesce(p_reason, ''));
    v_report app.reports%rowtype;
    v_author uuid;
    v_subject text;
    v_kind text;
    v_log bigint;
    v_resolved integer;
begin
    if v_actor is null or cardinality(app.moderated_circle_ids()) = 0 then
        raise exception 'only moderators decide about held writing' using errcode = '42501';
    end if;
    if char_length(v_reason) < 3 or char_length(v_reason) > 500 then
        raise exception 'Give a reason of 3 to 500 characters: the member is told it.' using errcode = '22023';
    end if;
    select * into v_report from app.reports
     where target_key = p_target_key and status = 'open' and reason = 'held'
       and circle_id = any (app.moderated_circle_ids())
     order by id limit 1;
    if not found then
        raise exception 'Nothing is held there any more.' using errcode = '22023';
    end if;
    -- Restored some other way (from its page) since it was held: approving only settles
    -- what is left; rejecting is a removal, made from its page.
    if not exists (select 1 from app.removed_texts rt
                    where (v_report.target = 'post' and rt.post_id = v_report.post_id)
                       or (v_report.target = 'comment' and rt.comment_id = v_report.comment_id)) then
        if p_approve then
            return app.settle_reports(p_target_key, 'dismissed', v_reason);
        end if;
        raise exception 'This was already restored from its page: remove it there if it should go.'
            using errcode = '22023';
    end if;
    if p_approve then
        perform app.moderate('restore', v_report.post_id, v_report.comment_id, v_reason);
        if exists (select 1 from app.reports where target_key = p_target_key and status = 'open'
                     and reason <> 'at_risk') then
            perform app.settle_reports(p_target_key, 'dismissed', v_reason);
        end if;
        return v_report.id;
    end if;

    -- Reject: the guard `app.moderate` applies.
    if v_report.target = 'post' then
        v_kind := 'post';
        v_author := coalesce((select p.author_id from app.posts p where p.id = v_report.post_id),
            (select a.author_id from app.anonymous_authors a where a.post_id = v_report.post_id));
        v_subject := coalesce((select r.title from app.removed_texts r where r.post_id = v_report.post_id), '');
    else
        v_kind := 'comment';
        v_author := coalesce((select c.author_id from app.comments c where c.id = v_report.comment_id),
            (select a.author_id from app.anonymous_comment_authors a where a.comment_id = v_report.comment_id));
        v_subject := coalesce((select left(r.body, 120) from app.removed_texts r where r.comment_id = v_report.comment_id), '');
    end if;
    if v_author = v_actor and not app.is_site_staff() then
        raise exception 'moderators do not act on their own posts' using errcode = '42501';
    end if;
    if (select u.role from auth.users u where u.id = v_author) = 'admin' and not app.is_site_admin() then
        raise exception 'only an admin acts on an admin''s posts' using errcode = '42501';
    end if;
    if v_kind = 'post' then
        update app.posts set title = 'Removed post' where id = v_report.post_id;
    end if;
    with settled as (
        update app.reports set status = 'acted', resolved_at = now(), resolved_by = v_actor
         where target_key = p_target_key and status = 'open' and reason <> 'at_risk'
        returning 1)
    select count(*) into v_resolved from settled;
    insert into app.moderation_log (actor_id, action, reason, circle_id, post_id, comment_id,
                                    member_id, subject, reports_resolved)
    values (v_actor, 'remove_' || v_kind, v_reason, v_report.circle_id, v_report.post_id,
            v_report.comment_id, v_author, v_subject, v_resolved)
    returning id into v_log;
    if v_author is not null and v_author <> v_actor then
        insert into app.notifications (recipient_id, kind, circle_id, post_id, comment_id,
                                       moderation_action, moderation_reason, subject)
        values (v_author, 'moderation', v_report.circle_id, v_report.post_id, v_report.comment_id,
                'remove_' || v_kind, v_reason, v_subject);
        perform app.emit_event('notification.created', v_report.circle_id, v_report.post_id,
                               v_report.comment_id, v_author, null);
    end if;
    return v_log;
end
$$;
alter function app.decide_held(text, boolean, text) owner to community_steward;
revoke execute on function app.decide_held(text, boolean, text) from public;
grant execute on function app.decide_held(text, boolean, text) to authenticated;

-- Holds are the queue's business, like settlements: never in the public log (a line there
-- would name the watched word and tell everyone the writing was held).
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
       and l.action not in ('dismiss_reports', 'ignore_reports', 'hold_post', 'hold_comment')
       and l.circle_id = any (app.readable_circle_ids())
     order by l.id desc
     limit least(greatest(p_limit, 1), 100)
$$;

-- The caller's own profile contains a flagged (or held: a profile cannot wait hidden, so it
-- is flagged) watched word: an automatic report about the member puts it in the queue.
create function app.review_own_profile(p_word text)
    returns void
    language sql security definer
    set search_path = ''
as $$
    insert into app.reports (reporter_id, target, member_id, reason, details)
    select null, 'member', auth.uid(), 'watched', 'Watched word in their profile: ' || left(p_word, 200)
     where auth.uid() is not null
       and not exists (select 1 from app.reports r
                        where r.target_key = 'member:' || auth.uid() and r.status = 'open'
                          and r.reporter_id is null)
$$;
alter function app.review_own_profile(text) owner to community_steward;
revoke execute on function app.review_own_profile(text) from public;
grant execute on function app.review_own_profile(text) to authenticated;
