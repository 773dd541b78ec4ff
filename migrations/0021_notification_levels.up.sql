-- Notification levels and muted members.
--
-- A member chooses, per circle and per post, how much they hear: `all` (every new post in
-- the circle, every reply on the post: "following"), `normal` (the default: replies to what
-- they wrote, mentions, reactions) or `mute` (nothing about it). A post's level wins over
-- its circle's. A member may also mute another member: nothing that member does is
-- announced to them. Muting never applies to anonymous content, since whether a muted
-- member was behind an anonymous reply would show in what is not announced.
--
-- The rules are applied once, in `app.notify`, for every kind but join decisions (which a
-- member asked for).

create table app.notification_levels (
    user_id uuid not null references auth.users (id) on delete cascade,
    circle_id bigint references app.circles (id) on delete cascade,
    post_id bigint references app.posts (id) on delete cascade,
    level text not null check (level in ('all', 'normal', 'mute')),
    updated_at timestamptz not null default now(),
    constraint notification_levels_one_target check ((circle_id is null) <> (post_id is null))
);
create unique index notification_levels_circle_key on app.notification_levels (user_id, circle_id)
    where circle_id is not null;
create unique index notification_levels_post_key on app.notification_levels (user_id, post_id)
    where post_id is not null;
create index notification_levels_post_followers_idx on app.notification_levels (post_id)
    where post_id is not null and level = 'all';
create index notification_levels_circle_followers_idx on app.notification_levels (circle_id)
    where circle_id is not null and level = 'all';

create table app.muted_members (
    user_id uuid not null references auth.users (id) on delete cascade,
    muted_id uuid not null references auth.users (id) on delete cascade,
    created_at timestamptz not null default now(),
    primary key (user_id, muted_id),
    constraint muted_members_not_self check (user_id <> muted_id)
);

alter table app.notification_levels enable row level security, force row level security;
alter table app.muted_members enable row level security, force row level security;

-- Members: their own choices only, entirely.
grant select, insert, update, delete on app.notification_levels, app.muted_members to authenticated;
create policy notification_levels_own on app.notification_levels to authenticated
    using (user_id = (select auth.uid())) with check (user_id = (select auth.uid()));
create policy muted_members_own on app.muted_members to authenticated
    using (user_id = (select auth.uid())) with check (user_id = (select auth.uid()));
-- The steward reads them when deciding who is told.
grant select on app.notification_levels, app.muted_members to community_steward;
create policy notification_levels_steward on app.notification_levels for select to community_steward
    using (true);
create policy muted_members_steward on app.muted_members for select to community_steward
    using (true);

alter table app.notifications drop constraint notifications_kind_check;
alter table app.notifications add constraint notifications_kind_check check (kind in
    ('reply', 'comment_reply', 'mention', 'reaction', 'join_approved', 'join_declined',
     'activity', 'new_post'));

-- The level that applies to `p_user` for a post (its own, else its circle's, else normal).
create function app.notification_level(p_user uuid, p_circle bigint, p_post bigint) returns text
    language sql stable security definer
    set search_path = ''
as $$
    select coalesce(
        (select l.level from app.notification_levels l where l.user_id = p_user and l.post_id = p_post),
        (select l.level from app.notification_levels l where l.user_id = p_user and l.circle_id = p_circle),
        'normal')
$$;

create or replace function app.notify(
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
    if p_kind not in ('join_approved', 'join_declined') then
        if app.notification_level(p_recipient, p_circle, p_post) = 'mute' then
            return;
        end if;
        -- Muting a member applies to what they sign, never to anonymous content.
        if p_shown_actor is not null and exists (
            select 1 from app.muted_members m where m.user_id = p_recipient and m.muted_id = p_shown_actor) then
            return;
        end if;
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

-- Followers ("all activity") of a post or of its circle, as a post's level would have it.
create function app.followers(p_circle bigint, p_post bigint) returns setof uuid
    language sql stable security definer
    set search_path = ''
as $$
    select l.user_id from app.notification_levels l
     where l.level = 'all' and (l.post_id = p_post
        or (l.circle_id = p_circle
            and not exists (select 1 from app.notification_levels o
                             where o.user_id = l.user_id and o.post_id = p_post)))
$$;

create or replace function app.post_notifications() returns trigger
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
        for v_member in select app.followers(new.circle_id, null) loop
            perform app.notify(v_member, 'new_post', new.circle_id, new.id, null, v_actor, v_shown);
        end loop;
    elsif old.deleted_at is null and new.deleted_at is not null then
        delete from app.notifications where post_id = new.id;
    end if;
    return null;
end
$$;

create or replace function app.comment_notifications() returns trigger
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
    for v_member in select app.followers(v_circle, new.post_id) loop
        perform app.notify(v_member, 'activity', v_circle, new.post_id, new.id, v_actor, v_shown);
    end loop;
    return null;
end
$$;

alter function app.notification_level(uuid, bigint, bigint) owner to community_steward;
alter function app.followers(bigint, bigint) owner to community_steward;
revoke execute on function app.notification_level(uuid, bigint, bigint), app.followers(bigint, bigint)
    from public;
