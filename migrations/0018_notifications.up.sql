-- Notifications: what a member is told about (replies, mentions, reactions, join decisions).
--
-- They are rows, written by triggers in the same transaction as the change that causes
-- them, so nothing is lost while a member is away and nothing is told about a change that
-- rolled back. Each one is announced as a `notification.created` event (subject: the
-- recipient), which realtime turns into a live bell.
--
-- Rules kept here, once, for every write path:
--   * never to the member who acted (an anonymous author included: the trigger compares the
--     caller, not the sealed row);
--   * never about a circle the recipient cannot read (private circles need an active
--     membership; site staff read everything, as in 0005);
--   * the actor of anonymous content is never stored (`actor_id` is null), so no query
--     over a member's own notifications can unmask it; the moderator who decided a join
--     request is not named either;
--   * reactions are batched: one unread row per post or comment gathers every member who
--     reacted ("Ana and 4 others"), and a new row starts once it is read;
--   * deleting a post or a reply withdraws what was said about it, and leaving a private
--     circle withdraws what was said about that circle, so the unread count never counts
--     what the page cannot show.
-- Members read and mark read their own rows only; nobody else has a policy on them.

create sequence app.notification_order;

create table app.notifications (
    id bigint generated always as identity primary key,
    recipient_id uuid not null references auth.users (id) on delete cascade,
    kind text not null check (kind in
        ('reply', 'comment_reply', 'mention', 'reaction', 'join_approved', 'join_declined')),
    circle_id bigint references app.circles (id) on delete cascade,
    post_id bigint references app.posts (id) on delete cascade,
    comment_id bigint references app.comments (id) on delete cascade,
    -- Who acted, as the recipient may learn it: null when anonymous, a moderator, or gone.
    actor_id uuid references auth.users (id) on delete set null,
    -- Everyone gathered into a batched reaction, newest last.
    actor_ids uuid[] not null default '{}',
    -- List order: a batch that gathers another reaction moves back to the top.
    sort_key bigint not null default nextval('app.notification_order'),
    created_at timestamptz not null default now(),
    updated_at timestamptz not null default now(),
    read_at timestamptz
);
alter sequence app.notification_order owned by app.notifications.sort_key;
create index notifications_list_idx on app.notifications (recipient_id, sort_key desc);
create index notifications_unread_idx on app.notifications (recipient_id) where read_at is null;
create index notifications_post_idx on app.notifications (post_id);
create index notifications_comment_idx on app.notifications (comment_id);
create unique index notifications_reaction_batch_key
    on app.notifications (recipient_id, post_id, (coalesce(comment_id, 0)))
    where kind = 'reaction' and read_at is null;

alter table app.notifications enable row level security, force row level security;

-- Members: their own rows; the only change they make is marking them read.
grant select on app.notifications to authenticated;
grant update (read_at) on app.notifications to authenticated;
create policy notifications_read_own on app.notifications for select to authenticated
    using (recipient_id = (select auth.uid()));
create policy notifications_mark_own on app.notifications for update to authenticated
    using (recipient_id = (select auth.uid()))
    with check (recipient_id = (select auth.uid()));

-- The steward writes them from its triggers and withdraws them.
grant select, insert, update, delete on app.notifications to community_steward;
grant usage on sequence app.notification_order to community_steward;
create policy notifications_steward on app.notifications to community_steward
    using (true) with check (true);
-- What the steward asks about: handles for mentions, site roles for "may read".
grant select (user_id, handle) on app.profiles to community_steward;
create policy profiles_steward on app.profiles for select to community_steward using (true);
grant select (id, role) on auth.users to community_steward;
create policy users_steward on auth.users for select to community_steward using (true);

-- ---------------------------------------------------------------------------------------
-- Helpers
-- ---------------------------------------------------------------------------------------

-- Whether `p_user` may read the circle's posts: the policies of 0005 asked for another
-- member than the caller.
create function app.member_reads_circle(p_user uuid, p_circle bigint) returns boolean
    language sql stable security definer
    set search_path = ''
as $$
    select exists (
        select 1 from app.circles c
         where c.id = p_circle
           and (c.visibility <> 'private'
                or exists (select 1 from app.circle_members m
                            where m.circle_id = c.id and m.user_id = p_user and m.status = 'active')))
        or exists (select 1 from auth.users u
                    where u.id = p_user and u.role in ('moderator', 'admin'))
$$;

-- The real author of a post or a reply, sealed or not: they are told about answers to
-- what they wrote anonymously, and nobody else learns who they are.
create function app.post_author(p_post bigint) returns uuid
    language sql stable security definer
    set search_path = ''
as $$
    select coalesce(p.author_id, a.author_id)
      from app.posts p left join app.anonymous_authors a on a.post_id = p.id
     where p.id = p_post
$$;

create function app.comment_author(p_comment bigint) returns uuid
    language sql stable security definer
    set search_path = ''
as $$
    select coalesce(c.author_id, a.author_id)
      from app.comments c left join app.anonymous_comment_authors a on a.comment_id = c.id
     where c.id = p_comment
$$;

-- Tells one member, unless it is the one who acted, or they cannot read the circle, or
-- they were already told about this very reply or post. Announces it as an event.
create function app.notify(
    p_recipient uuid, p_kind text, p_circle bigint, p_post bigint, p_comment bigint,
    p_actor uuid, p_shown_actor uuid
) returns void
    language plpgsql security definer
    set search_path = ''
as $$
begin
    if p_recipient is null or p_recipient is not distinct from p_actor
       or not app.member_reads_circle(p_recipient, p_circle) then
        return;
    end if;
    if p_kind = 'reaction' then
        insert into app.notifications (recipient_id, kind, circle_id, post_id, comment_id, actor_id, actor_ids)
        values (p_recipient, 'reaction', p_circle, p_post, p_comment, p_shown_actor,
                case when p_shown_actor is null then '{}'::uuid[] else array[p_shown_actor] end)
        on conflict (recipient_id, post_id, (coalesce(comment_id, 0)))
            where kind = 'reaction' and read_at is null
        do update set
            actor_id = excluded.actor_id,
            actor_ids = array_remove(app.notifications.actor_ids, excluded.actor_id) || excluded.actor_ids,
            sort_key = nextval('app.notification_order'),
            updated_at = now();
    else
        if exists (select 1 from app.notifications n
                    where n.recipient_id = p_recipient and n.kind <> 'reaction'
                      and n.post_id is not distinct from p_post
                      and n.comment_id is not distinct from p_comment
                      and p_post is not null) then
            return;
        end if;
        insert into app.notifications (recipient_id, kind, circle_id, post_id, comment_id, actor_id)
        values (p_recipient, p_kind, p_circle, p_post, p_comment, p_shown_actor);
    end if;
    perform app.emit_event('notification.created', p_circle, p_post, p_comment, p_recipient, null);
end
$$;

-- Members mentioned in rendered HTML: the renderer links only handles that exist
-- (`<a href="/u/handle" class="mention">`), and sanitising keeps no other class.
create function app.mentioned_members(p_html text) returns setof uuid
    language sql stable security definer
    set search_path = ''
as $$
    select distinct pr.user_id
      from regexp_matches(p_html, '<a href="/u/([a-z0-9_]{3,30})" class="mention"', 'g') as m(handle)
      join app.profiles pr on pr.handle = m.handle[1]
$$;

-- ---------------------------------------------------------------------------------------
-- Triggers
-- ---------------------------------------------------------------------------------------

create function app.post_notifications() returns trigger
    language plpgsql security definer
    set search_path = ''
as $$
declare
    v_actor uuid := coalesce((select auth.uid()), new.author_id);
    v_shown uuid := case when new.is_anonymous then null else v_actor end;
    v_member uuid;
begin
    if tg_op = 'INSERT' then
        for v_member in select app.mentioned_members(new.body_html) loop
            perform app.notify(v_member, 'mention', new.circle_id, new.id, null, v_actor, v_shown);
        end loop;
    elsif old.deleted_at is null and new.deleted_at is not null then
        delete from app.notifications where post_id = new.id;
    end if;
    return null;
end
$$;
create trigger posts_notifications after insert or update of deleted_at on app.posts
    for each row execute function app.post_notifications();

create function app.comment_notifications() returns trigger
    language plpgsql security definer
    set search_path = ''
as $$
declare
    v_actor uuid := coalesce((select auth.uid()), new.author_id);
    v_shown uuid := case when new.is_anonymous then null else v_actor end;
    v_circle bigint;
    v_post_author uuid;
    v_parent_author uuid;
    v_member uuid;
begin
    if tg_op = 'UPDATE' then
        if old.deleted_at is null and new.deleted_at is not null then
            delete from app.notifications where comment_id = new.id;
        end if;
        return null;
    end if;
    select p.circle_id into v_circle from app.posts p where p.id = new.post_id;
    v_post_author := app.post_author(new.post_id);
    if new.parent_id is not null then
        v_parent_author := app.comment_author(new.parent_id);
    end if;
    if v_parent_author is not null and v_parent_author is distinct from v_post_author then
        perform app.notify(v_parent_author, 'comment_reply', v_circle, new.post_id, new.id, v_actor, v_shown);
    end if;
    perform app.notify(v_post_author, 'reply', v_circle, new.post_id, new.id, v_actor, v_shown);
    for v_member in select app.mentioned_members(new.body_html) loop
        perform app.notify(v_member, 'mention', v_circle, new.post_id, new.id, v_actor, v_shown);
    end loop;
    return null;
end
$$;
create trigger comments_notifications after insert or update of deleted_at on app.comments
    for each row execute function app.comment_notifications();

create function app.post_reaction_notifications() returns trigger
    language plpgsql security definer
    set search_path = ''
as $$
begin
    perform app.notify(app.post_author(new.post_id), 'reaction',
        (select p.circle_id from app.posts p where p.id = new.post_id),
        new.post_id, null, new.user_id, new.user_id);
    return null;
end
$$;
create trigger post_reactions_notifications after insert on app.post_reactions
    for each row execute function app.post_reaction_notifications();

create function app.comment_reaction_notifications() returns trigger
    language plpgsql security definer
    set search_path = ''
as $$
declare
    v_post bigint;
    v_circle bigint;
begin
    select c.post_id, p.circle_id into v_post, v_circle
      from app.comments c join app.posts p on p.id = c.post_id where c.id = new.comment_id;
    perform app.notify(app.comment_author(new.comment_id), 'reaction', v_circle,
        v_post, new.comment_id, new.user_id, new.user_id);
    return null;
end
$$;
create trigger comment_reactions_notifications after insert on app.comment_reactions
    for each row execute function app.comment_reaction_notifications();

-- A join request decided by someone else: approved (pending → active) or declined (the
-- pending row deleted by a moderator, not withdrawn by the asker). Leaving a private circle
-- withdraws what was said about it.
create function app.membership_notifications() returns trigger
    language plpgsql security definer
    set search_path = ''
as $$
declare
    v_caller uuid := (select auth.uid());
begin
    if tg_op = 'UPDATE' then
        if old.status = 'pending' and new.status = 'active' and v_caller is distinct from new.user_id then
            perform app.notify(new.user_id, 'join_approved', new.circle_id, null, null, v_caller, null);
        end if;
    elsif old.status = 'pending' then
        if v_caller is distinct from old.user_id then
            -- The asker cannot read a private circle they were refused; tell them anyway,
            -- naming only the circle (whose row everyone may read).
            insert into app.notifications (recipient_id, kind, circle_id)
            values (old.user_id, 'join_declined', old.circle_id);
            perform app.emit_event('notification.created', old.circle_id, null, null, old.user_id, null);
        end if;
    elsif exists (select 1 from app.circles c where c.id = old.circle_id and c.visibility = 'private') then
        delete from app.notifications
         where recipient_id = old.user_id and circle_id = old.circle_id
           and not app.member_reads_circle(old.user_id, old.circle_id);
    end if;
    return null;
end
$$;
create trigger circle_members_notifications after update of status or delete on app.circle_members
    for each row execute function app.membership_notifications();

alter function app.member_reads_circle(uuid, bigint) owner to community_steward;
alter function app.post_author(bigint) owner to community_steward;
alter function app.comment_author(bigint) owner to community_steward;
alter function app.notify(uuid, text, bigint, bigint, bigint, uuid, uuid) owner to community_steward;
alter function app.mentioned_members(text) owner to community_steward;
alter function app.post_notifications() owner to community_steward;
alter function app.comment_notifications() owner to community_steward;
alter function app.post_reaction_notifications() owner to community_steward;
alter function app.comment_reaction_notifications() owner to community_steward;
alter function app.membership_notifications() owner to community_steward;
revoke execute on function
    app.member_reads_circle(uuid, bigint), app.post_author(bigint), app.comment_author(bigint),
    app.notify(uuid, text, bigint, bigint, bigint, uuid, uuid), app.mentioned_members(text)
    from public;
