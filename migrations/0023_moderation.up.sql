-- Moderation: reports, the review queue's decisions, content removal that keeps the text for
-- staff, and the moderation log.
--
-- Every moderator action is one call of `app.moderate(...)`, a function that runs guard →
-- change → log row → notices in the caller's transaction: if any step fails, nothing of it
-- stays (no change without its log row, no log row without its change). The guard is the
-- database's own: the caller must moderate the circle (`app.moderated_circle_ids()`, which
-- already asks circle moderators for a two-step session), and only an admin acts on an
-- admin's content.
--
-- Removing a post or a reply empties it the way its author's deletion does (so every page,
-- feed, count, search index and live thread already treats it as gone), and keeps its text
-- in `app.removed_texts`, which only the circle's moderators read; restoring puts it back.
--
-- Reports (`app.reports`) are written by members for what they can read. A member reads
-- their own; moderators read those in their circles; reports about members and "someone may
-- be at risk" reports go to site staff. A reporter's weight in the queue is their past
-- accuracy: (acted + 1) / (acted + dismissed + 2), so a newcomer counts one half and a
-- reporter whose reports are usually dismissed counts little.

-- ---------------------------------------------------------------------------------------
-- Removal state
-- ---------------------------------------------------------------------------------------

alter table app.posts add column removed_at timestamptz;
alter table app.comments add column removed_at timestamptz;
grant select (removed_at) on app.posts to anon, authenticated;
grant update (title, body, body_html, content_warning, deleted_at, removed_at, pinned, locked)
    on app.posts to community_steward;
grant update (body, body_html, deleted_at, removed_at) on app.comments to community_steward;

-- What a removed post or reply said, for its circle's moderators only.
create table app.removed_texts (
    id bigint generated always as identity primary key,
    post_id bigint references app.posts (id) on delete cascade,
    comment_id bigint references app.comments (id) on delete cascade,
    title text,
    body text not null,
    body_html text not null,
    content_warning text,
    removed_at timestamptz not null default now(),
    constraint removed_texts_one_target check ((post_id is null) <> (comment_id is null))
);
create unique index removed_texts_post_key on app.removed_texts (post_id) where post_id is not null;
create unique index removed_texts_comment_key on app.removed_texts (comment_id) where comment_id is not null;
alter table app.removed_texts enable row level security, force row level security;
grant select on app.removed_texts to authenticated;
create policy removed_texts_moderators on app.removed_texts for select to authenticated
    using (
        (post_id is not null and exists (
            select 1 from app.posts p where p.id = post_id
               and p.circle_id = any ((select app.moderated_circle_ids())::bigint[])))
        or (comment_id is not null and exists (
            select 1 from app.comments c join app.posts p on p.id = c.post_id
             where c.id = comment_id
               and p.circle_id = any ((select app.moderated_circle_ids())::bigint[])))
    );
grant select, insert, delete on app.removed_texts to community_steward;
create policy removed_texts_steward on app.removed_texts to community_steward
    using (true) with check (true);

-- The guards of 0006 and 0013 let a post's or reply's text change only by its author, and
-- never once deleted. A removal or a restore is the one other change: made by the circle's
-- moderators, it moves the removal mark, and keeps no revision (the text is kept whole in
-- `app.removed_texts`).
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

-- A restored post or reply counts again.
create or replace function app.count_circle_posts() returns trigger
    language plpgsql security definer
    set search_path = ''
as $$
begin
    if tg_op = 'INSERT' then
        update app.circles set post_count = post_count + 1 where id = new.circle_id;
    elsif old.deleted_at is null and new.deleted_at is not null then
        update app.circles set post_count = greatest(post_count - 1, 0) where id = new.circle_id;
    elsif old.deleted_at is not null and new.deleted_at is null then
        update app.circles set post_count = post_count + 1 where id = new.circle_id;
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
    elsif old.deleted_at is not null and new.deleted_at is null then
        update app.posts set comment_count = comment_count + 1 where id = new.post_id;
    end if;
    return null;
end
$$;

-- ---------------------------------------------------------------------------------------
-- Reports
-- ---------------------------------------------------------------------------------------

create table app.reports (
    id bigint generated always as identity primary key,
    reporter_id uuid not null references auth.users (id) on delete cascade,
    target text not null check (target in ('post', 'comment', 'member')),
    post_id bigint references app.posts (id) on delete cascade,
    comment_id bigint references app.comments (id) on delete cascade,
    member_id uuid references auth.users (id) on delete cascade,
    -- The circle of a reported post or reply, set on insert: whose moderators see it.
    circle_id bigint references app.circles (id) on delete cascade,
    reason text not null check (reason in
        ('spam', 'harassment', 'misinformation', 'off_topic', 'other', 'at_risk')),
    details text not null default '' check (char_length(details) <= 1000),
    status text not null default 'open' check (status in ('open', 'acted', 'dismissed', 'ignored')),
    created_at timestamptz not null default now(),
    resolved_at timestamptz,
    resolved_by uuid references auth.users (id) on delete set null,
    -- One name for what was reported, to group a target's reports in the queue.
    target_key text generated always as (
        target || ':' || coalesce(comment_id::text, case when target = 'post' then post_id::text end,
                                  member_id::text)) stored,
    constraint reports_target_shape check (
        (target = 'post' and post_id is not null and comment_id is null and member_id is null)
        or (target = 'comment' and post_id is not null and comment_id is not null and member_id is null)
        or (target = 'member' and post_id is null and comment_id is null and member_id is not null)),
    constraint reports_resolution check ((status = 'open') = (resolved_at is null))
);
-- Reporting the same thing twice while the first is open does nothing new.
create unique index reports_once on app.reports (reporter_id, target_key, (reason = 'at_risk'))
    where status = 'open';
create index reports_open_idx on app.reports (target_key, created_at) where status = 'open';
create index reports_circle_open_idx on app.reports (circle_id, created_at) where status = 'open';
-- A reporter's history, read whole from the index when the queue weighs its reporters.
create index reports_reporter_idx on app.reports (reporter_id) include (status, reason, circle_id);
alter table app.reports enable row level security, force row level security;

-- Fills the circle from the reported post, and checks a reply belongs to it.
create function app.place_report() returns trigger
    language plpgsql security definer
    set search_path = ''
as $$
begin
    if new.target = 'member' then
        new.circle_id := null;
        return new;
    end if;
    -- A reply's post is the one it is under, whatever the form said (and without an error
    -- that would tell a hidden reply from a missing one: the policy decides).
    if new.target = 'comment' then
        new.post_id := coalesce((select c.post_id from app.comments c where c.id = new.comment_id),
                                new.post_id);
    end if;
    new.circle_id := (select p.circle_id from app.posts p where p.id = new.post_id);
    return new;
end
$$;
alter function app.place_report() owner to community_steward;
create trigger reports_place before insert on app.reports
    for each row execute function app.place_report();

grant select, insert, update on app.reports to community_steward;
create policy reports_steward on app.reports to community_steward using (true) with check (true);
grant select on app.comments to community_steward;

-- Everything but who settled it: a reporter never learns which moderator decided.
grant select (id, reporter_id, target, post_id, comment_id, member_id, circle_id, reason, details,
              status, created_at, resolved_at, target_key) on app.reports to authenticated;
grant insert (reporter_id, target, post_id, comment_id, member_id, reason, details)
    on app.reports to authenticated;
-- Members report what they can read (the subqueries read through their own policies), never
-- their own content, and only as themselves.
create policy reports_file on app.reports for insert to authenticated
    with check (
        reporter_id = (select auth.uid())
        and status = 'open'
        and case target
            when 'post' then exists (
                select 1 from app.posts p where p.id = post_id and p.deleted_at is null
                   and not app.is_post_author(p.id))
            when 'comment' then exists (
                select 1 from app.comments c where c.id = comment_id and c.deleted_at is null
                   and not app.is_comment_author(c.id))
            else member_id <> (select auth.uid())
                 and exists (select 1 from app.profiles pr where pr.user_id = member_id)
        end
    );
-- A reporter reads their own; moderators the ones in their circles; site staff all, which
-- is the only way to see reports about members and at-risk reports (they name no circle to
-- a circle moderator: those are outreach, not removal).
create policy reports_read on app.reports for select to authenticated
    using (
        reporter_id = (select auth.uid())
        or (select app.is_site_staff())
        or (reason <> 'at_risk' and circle_id = any ((select app.moderated_circle_ids())::bigint[])
            -- A circle moderator never sees reports about what they wrote themselves (nor who
            -- filed them): those are for site staff.
            and not (target = 'post' and app.is_post_author(post_id))
            and not (target = 'comment' and app.is_comment_author(comment_id)))
    );

-- Reporters' weights: their past accuracy, counted from what the caller may see (site staff
-- everything, a circle moderator their circles' reports, never at-risk ones). One grouped
-- read for a whole set of reporters, with the caller's scope asked once: the queue weighs
-- thousands of reporters per page, and a function called per reporter (asking the scope per
-- row) took seconds for 10,000 open reports.
create function app.reporter_weights(p_reporters uuid[])
    returns table (reporter_id uuid, weight numeric)
    language sql stable security definer
    set search_path = ''
as $$
    -- The scope as sub-selects: evaluated once (init plans), not per report.
    select r.reporter_id,
           round((count(*) filter (where r.status = 'acted') + 1)::numeric
                 / (count(*) filter (where r.status in ('acted', 'dismissed')) + 2), 3)
      from (select distinct unnest(p_reporters) as id) asked
      join app.reports r on r.reporter_id = asked.id
     -- At-risk reports are never "acted on": they count neither for nor against.
     where r.reason <> 'at_risk'
       and ((select app.is_site_staff())
            or r.circle_id = any ((select app.moderated_circle_ids())::bigint[]))
     group by r.reporter_id
$$;
alter function app.reporter_weights(uuid[]) owner to community_steward;
revoke execute on function app.reporter_weights(uuid[]) from public;
grant execute on function app.reporter_weights(uuid[]) to authenticated;

-- ---------------------------------------------------------------------------------------
-- The moderation log
-- ---------------------------------------------------------------------------------------

create table app.moderation_log (
    id bigint generated always as identity primary key,
    at timestamptz not null default now(),
    -- Staff see who; the public log never does.
    actor_id uuid references auth.users (id) on delete set null,
    action text not null check (action in
        ('remove_post', 'hide_post', 'restore_post', 'remove_comment', 'hide_comment', 'restore_comment',
         'lock', 'unlock', 'pin', 'unpin', 'dismiss_reports', 'ignore_reports')),
    reason text not null check (char_length(reason) between 3 and 500),
    circle_id bigint references app.circles (id) on delete set null,
    post_id bigint references app.posts (id) on delete set null,
    comment_id bigint references app.comments (id) on delete set null,
    member_id uuid references auth.users (id) on delete set null,
    -- What was acted on, as staff read it: a post's title, the start of a reply.
    subject text not null default '',
    -- How many open reports the action resolved.
    reports_resolved integer not null default 0,
    -- Settling at-risk reports or reports about a member: site staff's business only, never
    -- a circle moderator's. (No settlement reaches the public log at all.)
    staff_only boolean not null default false
);
create index moderation_log_order_idx on app.moderation_log (id desc);
create index moderation_log_circle_idx on app.moderation_log (circle_id, id desc);
create index moderation_log_post_idx on app.moderation_log (post_id);

-- Nothing in a line ever changes, except that a deleted account, circle, post or reply
-- leaves a null behind (the foreign keys' `on delete set null`), so deleting them works.
create function app.moderation_log_is_append_only() returns trigger
    language plpgsql
    set search_path = ''
as $$
begin
    if tg_op = 'UPDATE'
       and (new.id, new.at, new.action, new.reason, new.subject, new.reports_resolved, new.staff_only)
           is not distinct from
           (old.id, old.at, old.action, old.reason, old.subject, old.reports_resolved, old.staff_only)
       and (new.actor_id is not distinct from old.actor_id or new.actor_id is null)
       and (new.circle_id is not distinct from old.circle_id or new.circle_id is null)
       and (new.post_id is not distinct from old.post_id or new.post_id is null)
       and (new.comment_id is not distinct from old.comment_id or new.comment_id is null)
       and (new.member_id is not distinct from old.member_id or new.member_id is null) then
        return new;
    end if;
    raise exception 'the moderation log is append-only' using errcode = '42501';
end
$$;
create trigger moderation_log_append_only before update or delete on app.moderation_log
    for each row execute function app.moderation_log_is_append_only();
create trigger moderation_log_no_truncate before truncate on app.moderation_log
    for each statement execute function app.moderation_log_is_append_only();

alter table app.moderation_log enable row level security, force row level security;
grant select, insert on app.moderation_log to community_steward;
create policy moderation_log_steward_write on app.moderation_log for insert to community_steward
    with check (true);
create policy moderation_log_steward_read on app.moderation_log for select to community_steward
    using (true);
grant select on app.moderation_log to authenticated;
create policy moderation_log_staff_read on app.moderation_log for select to authenticated
    using ((select app.is_site_staff())
           or (not staff_only and circle_id = any ((select app.moderated_circle_ids())::bigint[])
               -- Lines about a circle moderator's own writing are site staff's.
               and not (comment_id is null and post_id is not null and app.is_post_author(post_id))
               and not (comment_id is not null and app.is_comment_author(comment_id))));

-- The public log: every action in a circle the caller can read, with its reason, never the
-- moderator, and never the removed words (only the kind of thing and where).
create function app.public_moderation_log(p_before bigint, p_limit integer)
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
alter function app.public_moderation_log(bigint, integer) owner to community_steward;
grant select (id, name, slug) on app.circles to community_steward;
grant select on app.posts to community_steward;
revoke execute on function app.public_moderation_log(bigint, integer) from public;
grant execute on function app.public_moderation_log(bigint, integer) to anon, authenticated;

-- ---------------------------------------------------------------------------------------
-- Notices to the people concerned
-- ---------------------------------------------------------------------------------------

alter table app.notifications drop constraint notifications_kind_check;
alter table app.notifications add constraint notifications_kind_check check (kind in
    ('reply', 'comment_reply', 'mention', 'reaction', 'join_approved', 'join_declined',
     'activity', 'new_post', 'moderation', 'report_outcome'));
-- What a moderation notice says: the action, its reason, and what it was about (a removed
-- post's title is gone from the post itself).
alter table app.notifications
    add column moderation_action text,
    add column moderation_reason text,
    add column subject text;

-- ---------------------------------------------------------------------------------------
-- Acting
-- ---------------------------------------------------------------------------------------

-- One moderator action on a post (`p_comment` null) or a reply: guard, change, log row,
-- reports resolved and notices, in the caller's transaction. Returns the log row's id.
-- Errors: 42501 when the caller may not act here; P0002 when there is no such post or
-- reply; 22023 (with a sentence a person can read) when the action does not apply.
create function app.moderate(p_action text, p_post bigint, p_comment bigint, p_reason text)
    returns bigint
    language plpgsql security definer
    set search_path = ''
as $$
declare
    v_actor uuid := auth.uid();
    v_reason text := btrim(coalesce(p_reason, ''));
    v_circle bigint;
    v_post app.posts%rowtype;
    v_comment app.comments%rowtype;
    v_author uuid;
    v_author_role text;
    v_subject text;
    v_log bigint;
    v_resolved integer := 0;
    v_key text;
    v_kind text;
    v_saved app.removed_texts%rowtype;
    v_reporters uuid[] := '{}';
    v_logged text;
begin
    if v_actor is null then
        raise exception 'sign in first' using errcode = '42501';
    end if;
    if p_action not in ('remove', 'hide', 'restore', 'lock', 'unlock', 'pin', 'unpin') then
        raise exception 'That is not an action moderators take.' using errcode = '22023';
    end if;
    if char_length(v_reason) < 3 or char_length(v_reason) > 500 then
        raise exception 'Give a reason of 3 to 500 characters: the member is told it.' using errcode = '22023';
    end if;
    -- Locked, so the author cannot edit or delete it between this read and the change.
    select * into v_post from app.posts where id = p_post for update;
    if not found then
        if cardinality(app.moderated_circle_ids()) = 0 then
            raise exception 'only moderators act' using errcode = '42501';
        end if;
        raise exception 'no such post' using errcode = 'P0002';
    end if;
    v_circle := v_post.circle_id;
    if not (v_circle = any (app.moderated_circle_ids())) then
        raise exception 'only this circle''s moderators act here' using errcode = '42501';
    end if;
    if p_comment is not null then
        select * into v_comment from app.comments where id = p_comment and post_id = p_post for update;
        if not found then
            raise exception 'no such reply' using errcode = 'P0002';
        end if;
        if p_action in ('lock', 'unlock', 'pin', 'unpin') then
            raise exception 'Replies are not locked or pinned: the post is.' using errcode = '22023';
        end if;
        v_author := coalesce(v_comment.author_id,
            (select a.author_id from app.anonymous_comment_authors a where a.comment_id = p_comment));
        v_key := 'comment:' || p_comment;
        v_kind := 'comment';
    else
        v_author := coalesce(v_post.author_id,
            (select a.author_id from app.anonymous_authors a where a.post_id = p_post));
        v_key := 'post:' || p_post;
        v_kind := 'post';
    end if;

    -- Guard (the circle was checked above). Nobody but site staff handles their own content.
    if v_author = v_actor and not app.is_site_staff() then
        raise exception 'moderators do not act on their own posts' using errcode = '42501';
    end if;
    v_author_role := (select u.role from auth.users u where u.id = v_author);
    if v_author_role = 'admin' and not app.is_site_admin() then
        raise exception 'only an admin acts on an admin''s posts' using errcode = '42501';
    end if;

    -- Change.
    if p_action in ('remove', 'hide') then
        if v_kind = 'post' and v_post.deleted_at is not null
           or v_kind = 'comment' and v_comment.deleted_at is not null then
            raise exception 'This is already removed or deleted.' using errcode = '22023';
        end if;
        if v_kind = 'post' then
            v_subject := v_post.title;
            insert into app.removed_texts (post_id, title, body, body_html, content_warning)
            values (p_post, v_post.title, v_post.body, v_post.body_html, v_post.content_warning);
            update app.posts set title = 'Removed post', body = '', body_html = '', content_warning = null,
                   deleted_at = now(), removed_at = now()
             where id = p_post;
        else
            v_subject := left(v_comment.body, 120);
            insert into app.removed_texts (comment_id, body, body_html)
            values (p_comment, v_comment.body, v_comment.body_html);
            update app.comments set body = '', body_html = '', deleted_at = now(), removed_at = now()
             where id = p_comment;
        end if;
    elsif p_action = 'restore' then
        if v_kind = 'post' then
            select * into v_saved from app.removed_texts where post_id = p_post;
        else
            select * into v_saved from app.removed_texts where comment_id = p_comment;
        end if;
        if not found then
            raise exception 'Only content moderators removed can be restored.' using errcode = '22023';
        end if;
        delete from app.removed_texts where id = v_saved.id;
        if v_kind = 'post' then
            v_subject := v_saved.title;
            update app.posts set title = v_saved.title, body = v_saved.body, body_html = v_saved.body_html,
                   content_warning = v_saved.content_warning, deleted_at = null, removed_at = null
             where id = p_post;
        else
            v_subject := left(v_saved.body, 120);
            update app.comments set body = v_saved.body, body_html = v_saved.body_html,
                   deleted_at = null, removed_at = null
             where id = p_comment;
        end if;
    else
        if v_post.deleted_at is not null then
            raise exception 'This post is removed or deleted: restore it first.' using errcode = '22023';
        end if;
        v_subject := v_post.title;
        if p_action = 'lock' and v_post.locked or p_action = 'unlock' and not v_post.locked
           or p_action = 'pin' and v_post.pinned or p_action = 'unpin' and not v_post.pinned then
            raise exception 'The post is already %.',
                case p_action when 'lock' then 'locked' when 'unlock' then 'unlocked'
                              when 'pin' then 'pinned' else 'unpinned' end
                using errcode = '22023';
        end if;
        update app.posts set
               locked = case p_action when 'lock' then true when 'unlock' then false else locked end,
               pinned = case p_action when 'pin' then true when 'unpin' then false else pinned end
         where id = p_post;
    end if;

    -- Reports about it are settled by a removal (an at-risk report stays: outreach is not
    -- removal).
    if p_action in ('remove', 'hide') then
        with settled as (
            update app.reports set status = 'acted', resolved_at = now(), resolved_by = v_actor
             where target_key = v_key and status = 'open' and reason <> 'at_risk'
            returning reporter_id)
        select coalesce(array_agg(distinct reporter_id), '{}') into v_reporters from settled;
        v_resolved := cardinality(v_reporters);
    end if;

    -- Log, under the name the log and the author's notice share.
    v_logged := case when p_action in ('remove', 'hide', 'restore') then p_action || '_' || v_kind
                     else p_action end;
    insert into app.moderation_log (actor_id, action, reason, circle_id, post_id, comment_id,
                                    member_id, subject, reports_resolved)
    values (v_actor, v_logged, v_reason, v_circle, p_post, p_comment, v_author, coalesce(v_subject, ''), v_resolved)
    returning id into v_log;

    -- Notices: the author is told what and why (never who); reporters that it was acted on.
    if v_author is not null and v_author <> v_actor then
        insert into app.notifications (recipient_id, kind, circle_id, post_id, comment_id,
                                       moderation_action, moderation_reason, subject)
        values (v_author, 'moderation', v_circle, p_post, p_comment, v_logged,
                v_reason, coalesce(v_subject, ''));
        perform app.emit_event('notification.created', v_circle, p_post, p_comment, v_author, null);
    end if;
    insert into app.notifications (recipient_id, kind, circle_id, post_id, comment_id,
                                   moderation_action, subject)
    select r, 'report_outcome', v_circle, p_post, p_comment, 'acted', coalesce(v_subject, '')
      from unnest(v_reporters) r where r <> v_actor;
    perform app.emit_event('notification.created', v_circle, p_post, p_comment, r, null)
       from unnest(v_reporters) r where r <> v_actor;
    return v_log;
end
$$;
alter function app.moderate(text, bigint, bigint, text) owner to community_steward;
revoke execute on function app.moderate(text, bigint, bigint, text) from public;
grant execute on function app.moderate(text, bigint, bigint, text) to authenticated;

-- Settles a target's open reports without acting on it: `dismissed` (nothing wrong: counts
-- against the reporters' accuracy) or `ignored` (no decision: counts for nobody). Logged;
-- reporters of a dismissal are told it was looked at.
create function app.settle_reports(p_target_key text, p_outcome text, p_reason text)
    returns bigint
    language plpgsql security definer
    set search_path = ''
as $$
declare
    v_actor uuid := auth.uid();
    v_reason text := btrim(coalesce(p_reason, ''));
    v_report app.reports%rowtype;
    v_resolved integer;
    v_log bigint;
    v_subject text := '';
    v_reporters uuid[];
    v_staff_only boolean;
begin
    if v_actor is null then
        raise exception 'sign in first' using errcode = '42501';
    end if;
    if p_outcome not in ('dismissed', 'ignored') then
        raise exception 'Reports are dismissed or ignored.' using errcode = '22023';
    end if;
    if char_length(v_reason) < 3 or char_length(v_reason) > 500 then
        raise exception 'Give a reason of 3 to 500 characters.' using errcode = '22023';
    end if;
    if cardinality(app.moderated_circle_ids()) = 0 then
        raise exception 'only moderators settle reports' using errcode = '42501';
    end if;
    -- Only reports the caller may see: the answer is the same whether others exist or not.
    select * into v_report from app.reports
     where target_key = p_target_key and status = 'open'
       and (app.is_site_staff()
            or (reason <> 'at_risk' and circle_id = any (app.moderated_circle_ids())))
     order by id limit 1;
    if not found then
        raise exception 'There are no open reports about that any more.' using errcode = '22023';
    end if;
    if not app.is_site_staff()
       and (v_report.target = 'post' and app.is_post_author(v_report.post_id)
            or v_report.target = 'comment' and app.is_comment_author(v_report.comment_id)) then
        raise exception 'moderators do not settle reports about their own posts' using errcode = '42501';
    end if;
    if v_report.target = 'post' then
        v_subject := coalesce((select p.title from app.posts p where p.id = v_report.post_id), '');
    elsif v_report.target = 'comment' then
        v_subject := coalesce((select left(c.body, 120) from app.comments c where c.id = v_report.comment_id), '');
    else
        v_subject := coalesce((select '@' || pr.handle from app.profiles pr where pr.user_id = v_report.member_id), '');
    end if;
    with settled as (
        update app.reports set status = p_outcome, resolved_at = now(), resolved_by = v_actor
         where target_key = p_target_key and status = 'open'
           and (app.is_site_staff() or reason <> 'at_risk')
        returning reporter_id, reason, target)
    -- At-risk reporters are not told "left it up": outreach is not a verdict on their words.
    select coalesce(array_agg(distinct reporter_id) filter (where reason <> 'at_risk'), '{}'),
           count(*), coalesce(bool_or(reason = 'at_risk' or target = 'member'), false)
      into v_reporters, v_resolved, v_staff_only from settled;
    insert into app.moderation_log (actor_id, action, reason, circle_id, post_id, comment_id,
                                    member_id, subject, reports_resolved, staff_only)
    values (v_actor, case p_outcome when 'dismissed' then 'dismiss_reports' else 'ignore_reports' end,
            v_reason, v_report.circle_id, v_report.post_id, v_report.comment_id, v_report.member_id,
            v_subject, v_resolved, v_staff_only)
    returning id into v_log;
    if p_outcome = 'dismissed' then
        insert into app.notifications (recipient_id, kind, circle_id, post_id, comment_id,
                                       moderation_action, subject)
        select r, 'report_outcome', v_report.circle_id, v_report.post_id, v_report.comment_id,
               'dismissed', v_subject
          from unnest(v_reporters) r where r <> v_actor;
        perform app.emit_event('notification.created', v_report.circle_id, v_report.post_id,
                               v_report.comment_id, r, null)
           from unnest(v_reporters) r where r <> v_actor;
    end if;
    return v_log;
end
$$;
alter function app.settle_reports(text, text, text) owner to community_steward;
revoke execute on function app.settle_reports(text, text, text) from public;
grant execute on function app.settle_reports(text, text, text) to authenticated;

-- Pinning and locking go through `app.moderate` now (logged, with a reason, and an admin's
-- posts left to admins): members' sessions lose the direct column rights.
revoke update (pinned, locked) on app.posts from authenticated;

-- What the steward needs for the functions above.
grant select (id, role) on auth.users to community_steward;
grant select on app.anonymous_comment_authors, app.anonymous_authors to community_steward;
grant insert on app.notifications to community_steward;
