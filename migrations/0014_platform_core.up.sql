-- Platform core: domain events, the job queue and its schedules, and revocation notices.
--
-- Events. Every community write records what happened (kind and ids, never content) in
-- `app.events`, in the same transaction as the change, and announces the event's id with
-- NOTIFY on channel `wellspring_events`. NOTIFY is transactional, so a rolled-back change
-- announces nothing. The rows are written by triggers (run as `community_steward`), so no
-- service can forget to emit one. Only the service role reads them: whoever receives an
-- event re-reads its subject as themselves, so Row Level Security stays the only authority
-- over content. The author of anonymous content is never recorded as the actor.
--
-- Jobs. `app.jobs` holds background work: enqueued inside the caller's transaction (as
-- `auth_admin`), claimed with `for update skip locked` inside a transaction that stays open
-- while the job runs, and deleted in that same transaction when it succeeds. A worker that
-- dies loses its connection, PostgreSQL rolls its transaction back, and the job is free for
-- another worker at once. Failures are retried with backoff; a job out of attempts is
-- parked (`failed_at`) where admins can see it. `app.job_schedules` makes a periodic job
-- fire once per period across any number of instances.
--
-- Revocation. Revoking or deleting a session, and changing a member's role, is announced on
-- channel `wellspring_revocations`, so every instance refuses the old access token at once.

-- ---------------------------------------------------------------------------------------
-- Events
-- ---------------------------------------------------------------------------------------

create table app.events (
    id bigint generated always as identity primary key,
    kind text not null check (kind ~ '^[a-z_]+\.[a-z_]+$'),
    circle_id bigint,
    post_id bigint,
    comment_id bigint,
    -- The member the event is about (a membership, a join request), when not the actor.
    subject_user_id uuid,
    -- Who did it; null for anonymous content and for work done by the service itself.
    actor_id uuid,
    created_at timestamptz not null default now()
);
create index events_created_idx on app.events (created_at);
alter table app.events enable row level security, force row level security;

grant select, delete on app.events to auth_admin;
-- The steward inserts (its triggers are the only writers); `returning id` needs the id.
grant insert, select (id) on app.events to community_steward;
create policy events_service on app.events for select to auth_admin using (true);
create policy events_service_prune on app.events for delete to auth_admin using (true);
create policy events_steward on app.events for insert to community_steward with check (true);
create policy events_steward_returning on app.events for select to community_steward using (true);

create function app.emit_event(
    p_kind text, p_circle_id bigint, p_post_id bigint, p_comment_id bigint,
    p_subject_user_id uuid, p_actor_id uuid
) returns void
    language plpgsql security definer
    set search_path = ''
as $$
declare
    v_id bigint;
begin
    insert into app.events (kind, circle_id, post_id, comment_id, subject_user_id, actor_id)
    values (p_kind, p_circle_id, p_post_id, p_comment_id, p_subject_user_id, p_actor_id)
    returning id into v_id;
    perform pg_notify('wellspring_events', v_id::text);
end
$$;
alter function app.emit_event(text, bigint, bigint, bigint, uuid, uuid) owner to community_steward;
revoke execute on function app.emit_event(text, bigint, bigint, bigint, uuid, uuid) from public;

create function app.post_events() returns trigger
    language plpgsql security definer
    set search_path = ''
as $$
declare
    v_actor uuid := case when new.is_anonymous then null else (select auth.uid()) end;
begin
    if tg_op = 'INSERT' then
        perform app.emit_event('post.created', new.circle_id, new.id, null, null, v_actor);
        return null;
    end if;
    if old.deleted_at is null and new.deleted_at is not null then
        perform app.emit_event('post.deleted', new.circle_id, new.id, null, null, v_actor);
    elsif (new.title, new.body, new.content_warning) is distinct from (old.title, old.body, old.content_warning) then
        perform app.emit_event('post.edited', new.circle_id, new.id, null, null, v_actor);
    end if;
    if new.pinned <> old.pinned then
        perform app.emit_event(case when new.pinned then 'post.pinned' else 'post.unpinned' end,
            new.circle_id, new.id, null, null, (select auth.uid()));
    end if;
    if new.locked <> old.locked then
        perform app.emit_event(case when new.locked then 'post.locked' else 'post.unlocked' end,
            new.circle_id, new.id, null, null, (select auth.uid()));
    end if;
    return null;
end
$$;
create trigger posts_events after insert or update of title, body, content_warning, deleted_at, pinned, locked
    on app.posts for each row execute function app.post_events();

create function app.comment_events() returns trigger
    language plpgsql security definer
    set search_path = ''
as $$
declare
    v_actor uuid := case when new.is_anonymous then null else (select auth.uid()) end;
    v_circle bigint := (select p.circle_id from app.posts p where p.id = new.post_id);
begin
    if tg_op = 'INSERT' then
        perform app.emit_event('comment.created', v_circle, new.post_id, new.id, null, v_actor);
    elsif old.deleted_at is null and new.deleted_at is not null then
        perform app.emit_event('comment.deleted', v_circle, new.post_id, new.id, null, v_actor);
    elsif new.body is distinct from old.body then
        perform app.emit_event('comment.edited', v_circle, new.post_id, new.id, null, v_actor);
    end if;
    return null;
end
$$;
create trigger comments_events after insert or update of body, deleted_at
    on app.comments for each row execute function app.comment_events();

create function app.post_reaction_events() returns trigger
    language plpgsql security definer
    set search_path = ''
as $$
declare
    r record;
begin
    if tg_op = 'INSERT' then r := new; else r := old; end if;
    perform app.emit_event(
        case when tg_op = 'INSERT' then 'reaction.added' else 'reaction.removed' end,
        (select p.circle_id from app.posts p where p.id = r.post_id), r.post_id, null, null, r.user_id);
    return null;
end
$$;
create trigger post_reactions_events after insert or delete on app.post_reactions
    for each row execute function app.post_reaction_events();

create function app.comment_reaction_events() returns trigger
    language plpgsql security definer
    set search_path = ''
as $$
declare
    r record;
    v_post bigint;
    v_circle bigint;
begin
    if tg_op = 'INSERT' then r := new; else r := old; end if;
    select c.post_id, p.circle_id into v_post, v_circle
      from app.comments c join app.posts p on p.id = c.post_id where c.id = r.comment_id;
    perform app.emit_event(
        case when tg_op = 'INSERT' then 'reaction.added' else 'reaction.removed' end,
        v_circle, v_post, r.comment_id, null, r.user_id);
    return null;
end
$$;
create trigger comment_reactions_events after insert or delete on app.comment_reactions
    for each row execute function app.comment_reaction_events();

create function app.membership_events() returns trigger
    language plpgsql security definer
    set search_path = ''
as $$
declare
    v_kind text;
    v_circle bigint;
    v_user uuid;
begin
    if tg_op = 'INSERT' then
        v_kind := case when new.status = 'pending' then 'join_request.created' else 'membership.joined' end;
        v_circle := new.circle_id; v_user := new.user_id;
    elsif tg_op = 'DELETE' then
        v_kind := case when old.status = 'pending' then 'join_request.withdrawn' else 'membership.left' end;
        v_circle := old.circle_id; v_user := old.user_id;
    elsif old.status = 'pending' and new.status = 'active' then
        v_kind := 'join_request.approved'; v_circle := new.circle_id; v_user := new.user_id;
    elsif new.role <> old.role then
        v_kind := 'membership.role_changed'; v_circle := new.circle_id; v_user := new.user_id;
    else
        return null;
    end if;
    perform app.emit_event(v_kind, v_circle, null, null, v_user, (select auth.uid()));
    return null;
end
$$;
create trigger circle_members_events after insert or update or delete on app.circle_members
    for each row execute function app.membership_events();

alter function app.post_events() owner to community_steward;
alter function app.comment_events() owner to community_steward;
alter function app.post_reaction_events() owner to community_steward;
alter function app.comment_reaction_events() owner to community_steward;
alter function app.membership_events() owner to community_steward;

-- ---------------------------------------------------------------------------------------
-- Jobs
-- ---------------------------------------------------------------------------------------

create table app.jobs (
    id bigint generated always as identity primary key,
    kind text not null check (kind ~ '^[a-z_.]+$'),
    payload jsonb not null default '{}',
    run_at timestamptz not null default now(),
    attempts integer not null default 0,
    max_attempts integer not null default 10 check (max_attempts between 1 and 100),
    -- At most one unfinished job per (kind, dedupe_key).
    dedupe_key text check (char_length(dedupe_key) <= 200),
    last_error text,
    created_at timestamptz not null default now(),
    -- Set when the job ran out of attempts: parked for an admin, never run again.
    failed_at timestamptz
);
create index jobs_due_idx on app.jobs (run_at, id) where failed_at is null;
create unique index jobs_dedupe_key on app.jobs (kind, dedupe_key)
    where dedupe_key is not null and failed_at is null;

create table app.job_schedules (
    name text primary key,
    -- The start of the last period a job was enqueued for.
    last_period_at timestamptz not null
);

alter table app.jobs enable row level security, force row level security;
alter table app.job_schedules enable row level security, force row level security;
grant select, insert, update, delete on app.jobs, app.job_schedules to auth_admin;
create policy jobs_service on app.jobs to auth_admin using (true) with check (true);
create policy job_schedules_service on app.job_schedules to auth_admin using (true) with check (true);

-- ---------------------------------------------------------------------------------------
-- Revocation notices
-- ---------------------------------------------------------------------------------------

-- When a member's role last changed: tokens issued before it may carry the old role.
alter table auth.users add column role_changed_at timestamptz;

create function auth.stamp_role_change() returns trigger
    language plpgsql
    set search_path = ''
as $$
begin
    if new.role is distinct from old.role then
        new.role_changed_at := now();
        perform pg_notify('wellspring_revocations',
            json_build_object('user', new.id, 'role', new.role, 'at', extract(epoch from now()))::text);
    end if;
    return new;
end
$$;
create trigger users_role_change before update of role on auth.users
    for each row execute function auth.stamp_role_change();

create function auth.announce_session_end() returns trigger
    language plpgsql
    set search_path = ''
as $$
begin
    if tg_op = 'DELETE' or (old.revoked_at is null and new.revoked_at is not null) then
        perform pg_notify('wellspring_revocations',
            json_build_object('session', old.id, 'at', extract(epoch from now()))::text);
    end if;
    return null;
end
$$;
create trigger sessions_revoked after update of revoked_at or delete on auth.sessions
    for each row execute function auth.announce_session_end();
