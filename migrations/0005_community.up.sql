-- Community core: circles, memberships, follows, posts (with edit history and sealed
-- anonymous authorship), threaded comments, reactions and bookmarks; practitioner fields on
-- profiles; full-text and trigram search.
--
-- Who may read what is decided here, not in the services:
--   * A circle's row (name, description, visibility) is readable by everyone, so a visitor
--     can find a private circle and ask to join it.
--   * Posts, comments and reactions follow their circle: public circles are readable by
--     everyone, members-only circles by any signed-in member, private circles only by their
--     active members. Site staff (claim `app_role` moderator/admin) read everything.
--   * Taking part (posting, commenting, reacting) needs an active membership of the circle.
--
-- The policies ask two questions many times per query: "which circles may the caller read"
-- and "which have they joined". Both are answered once per statement by SECURITY DEFINER
-- functions returning an array, wrapped in `(select ...)` so PostgreSQL evaluates them as an
-- init plan instead of per row. They run as `community_steward`: a NOLOGIN role without
-- BYPASSRLS that owns them and the counter triggers, with its own narrow policies.

do $$
begin
    if not exists (select from pg_roles where rolname = 'community_steward') then
        create role community_steward nologin noinherit nobypassrls;
    end if;
end
$$;
grant community_steward to current_user;
grant usage on schema auth, app to community_steward;
grant execute on function auth.jwt(), auth.uid(), auth.role() to community_steward;

-- Trigram similarity for names and handles. Trusted since PostgreSQL 13: a database owner
-- may create it without being a superuser.
create extension if not exists pg_trgm;

-- ---------------------------------------------------------------------------------------
-- Tables
-- ---------------------------------------------------------------------------------------

create table app.circles (
    id bigint generated always as identity primary key,
    slug text not null check (slug ~ '^[a-z0-9]+(-[a-z0-9]+)*$' and length(slug) between 3 and 40),
    name text not null check (char_length(name) between 3 and 60),
    description text not null default '' check (char_length(description) <= 500),
    visibility text not null default 'public' check (visibility in ('public', 'members', 'private')),
    -- Support circles allow anonymous posts and are kept out of search engines.
    is_support boolean not null default false,
    created_by uuid references auth.users (id) on delete set null,
    created_at timestamptz not null default now(),
    member_count integer not null default 0,
    post_count integer not null default 0
);
create unique index circles_slug_key on app.circles (slug);
create index circles_name_trgm_idx on app.circles using gin (name gin_trgm_ops);

-- Who belongs to a circle. `pending` rows are join requests to private circles.
create table app.circle_members (
    circle_id bigint not null references app.circles (id) on delete cascade,
    user_id uuid not null references auth.users (id) on delete cascade,
    role text not null default 'member' check (role in ('member', 'moderator')),
    status text not null default 'active' check (status in ('active', 'pending')),
    created_at timestamptz not null default now(),
    primary key (circle_id, user_id)
);
create index circle_members_user_idx on app.circle_members (user_id, status);

-- Which circles feed a member's home page. Joining follows; a visitor can follow a public
-- circle without joining it.
create table app.circle_follows (
    circle_id bigint not null references app.circles (id) on delete cascade,
    user_id uuid not null references auth.users (id) on delete cascade,
    created_at timestamptz not null default now(),
    primary key (user_id, circle_id)
);

create table app.posts (
    id bigint generated always as identity primary key,
    circle_id bigint not null references app.circles (id) on delete cascade,
    -- Null when the post is anonymous (the author is sealed in app.anonymous_authors) or
    -- when the account was deleted.
    author_id uuid references auth.users (id) on delete set null,
    is_anonymous boolean not null default false,
    title text not null check (char_length(title) between 1 and 200),
    body text not null check (char_length(body) <= 20000),
    -- Rendered and sanitised once, on write (server::markdown).
    body_html text not null,
    content_warning text check (char_length(content_warning) between 1 and 120),
    pinned boolean not null default false,
    locked boolean not null default false,
    created_at timestamptz not null default now(),
    edited_at timestamptz,
    deleted_at timestamptz,
    last_activity_at timestamptz not null default now(),
    comment_count integer not null default 0,
    support_count integer not null default 0,
    grateful_count integer not null default 0,
    insightful_count integer not null default 0,
    hug_count integer not null default 0,
    search tsvector generated always as (
        setweight(to_tsvector('english', title), 'A') || setweight(to_tsvector('english', body), 'B')
    ) stored,
    constraint posts_anonymous_has_no_author check (not is_anonymous or author_id is null),
    constraint posts_body_present check (deleted_at is not null or char_length(body) >= 1)
);
create index posts_circle_feed_idx on app.posts (circle_id, created_at desc, id desc) where deleted_at is null;
create index posts_latest_idx on app.posts (created_at desc, id desc) where deleted_at is null;
create index posts_active_idx on app.posts (last_activity_at desc, id desc) where deleted_at is null;
create index posts_author_idx on app.posts (author_id, created_at desc, id desc) where deleted_at is null;
create index posts_pinned_idx on app.posts (circle_id) where pinned and deleted_at is null;
create index posts_search_idx on app.posts using gin (search);

-- The real author of an anonymous post: readable only by that author and the circle's
-- moderators, so members never learn it from any page or response.
create table app.anonymous_authors (
    post_id bigint primary key references app.posts (id) on delete cascade,
    author_id uuid not null references auth.users (id) on delete cascade
);
create index anonymous_authors_author_idx on app.anonymous_authors (author_id);

-- Every earlier version of an edited post, for moderators.
create table app.post_revisions (
    id bigint generated always as identity primary key,
    post_id bigint not null references app.posts (id) on delete cascade,
    title text not null,
    body text not null,
    content_warning text,
    written_at timestamptz not null,
    replaced_at timestamptz not null default now()
);
create index post_revisions_post_idx on app.post_revisions (post_id, id);

create table app.comments (
    id bigint generated always as identity primary key,
    post_id bigint not null references app.posts (id) on delete cascade,
    parent_id bigint references app.comments (id) on delete cascade,
    author_id uuid references auth.users (id) on delete set null,
    body text not null check (char_length(body) <= 10000),
    body_html text not null,
    -- 0 for a reply to the post; set by the service from the parent's depth.
    depth integer not null default 0 check (depth between 0 and 1000),
    created_at timestamptz not null default now(),
    edited_at timestamptz,
    deleted_at timestamptz,
    support_count integer not null default 0,
    grateful_count integer not null default 0,
    insightful_count integer not null default 0,
    hug_count integer not null default 0,
    constraint comments_body_present check (deleted_at is not null or char_length(body) >= 1)
);
create index comments_post_idx on app.comments (post_id, created_at, id);
create index comments_parent_idx on app.comments (parent_id) where parent_id is not null;
create index comments_author_idx on app.comments (author_id, created_at desc);

create table app.comment_revisions (
    id bigint generated always as identity primary key,
    comment_id bigint not null references app.comments (id) on delete cascade,
    body text not null,
    written_at timestamptz not null,
    replaced_at timestamptz not null default now()
);
create index comment_revisions_comment_idx on app.comment_revisions (comment_id, id);

-- One of each gentle reaction per member per post or comment; no downvotes exist.
create table app.post_reactions (
    post_id bigint not null references app.posts (id) on delete cascade,
    user_id uuid not null references auth.users (id) on delete cascade,
    kind text not null check (kind in ('support', 'grateful', 'insightful', 'hug')),
    created_at timestamptz not null default now(),
    primary key (post_id, user_id, kind)
);
create index post_reactions_recent_idx on app.post_reactions (created_at, post_id);
create index post_reactions_user_idx on app.post_reactions (user_id);

create table app.comment_reactions (
    comment_id bigint not null references app.comments (id) on delete cascade,
    user_id uuid not null references auth.users (id) on delete cascade,
    kind text not null check (kind in ('support', 'grateful', 'insightful', 'hug')),
    created_at timestamptz not null default now(),
    primary key (comment_id, user_id, kind)
);
create index comment_reactions_user_idx on app.comment_reactions (user_id);

create table app.bookmarks (
    user_id uuid not null references auth.users (id) on delete cascade,
    post_id bigint not null references app.posts (id) on delete cascade,
    created_at timestamptz not null default now(),
    primary key (user_id, post_id)
);
create index bookmarks_list_idx on app.bookmarks (user_id, created_at desc, post_id desc);
create index bookmarks_post_idx on app.bookmarks (post_id);

-- Practitioner and interest fields on the public profile. `is_verified` is set only by
-- admins (no member has a grant on it).
alter table app.profiles
    add column bio_html text not null default '',
    add column interests text[] not null default '{}' check (cardinality(interests) <= 12),
    add column modalities text[] not null default '{}' check (cardinality(modalities) <= 12),
    add column credentials text not null default '' check (char_length(credentials) <= 500),
    add column booking_url text not null default '' check (char_length(booking_url) <= 300),
    add column is_verified boolean not null default false;
create index profiles_handle_trgm_idx on app.profiles using gin (handle gin_trgm_ops);
create index profiles_display_name_trgm_idx on app.profiles using gin (display_name gin_trgm_ops);

-- ---------------------------------------------------------------------------------------
-- Helpers for policies (run as community_steward; see the header)
-- ---------------------------------------------------------------------------------------

-- Site staff by the signed claim. A demotion takes effect at the next token refresh.
create function app.is_site_staff() returns boolean
    language sql stable
    set search_path = ''
as $$
    select coalesce(auth.jwt() ->> 'app_role', '') in ('moderator', 'admin')
$$;

create function app.is_site_admin() returns boolean
    language sql stable
    set search_path = ''
as $$
    select coalesce(auth.jwt() ->> 'app_role', '') = 'admin'
$$;

-- Circles whose posts the caller may read.
create function app.readable_circle_ids() returns bigint[]
    language sql stable security definer
    set search_path = ''
as $$
    select coalesce(array_agg(c.id), '{}')
      from app.circles c
     where c.visibility = 'public'
        or (c.visibility = 'members' and auth.uid() is not null)
        or app.is_site_staff()
        or exists (select 1 from app.circle_members m
                    where m.circle_id = c.id and m.user_id = auth.uid() and m.status = 'active')
$$;

-- Circles the caller has joined (active membership): where they may take part.
create function app.joined_circle_ids() returns bigint[]
    language sql stable security definer
    set search_path = ''
as $$
    select coalesce(array_agg(m.circle_id), '{}')
      from app.circle_members m
     where m.user_id = auth.uid() and m.status = 'active'
$$;

-- Circles the caller moderates: as a circle moderator, or all of them as site staff.
create function app.moderated_circle_ids() returns bigint[]
    language sql stable security definer
    set search_path = ''
as $$
    select coalesce(array_agg(c.id), '{}')
      from app.circles c
     where app.is_site_staff()
        or exists (select 1 from app.circle_members m
                    where m.circle_id = c.id and m.user_id = auth.uid()
                      and m.status = 'active' and m.role = 'moderator')
$$;

-- Whether the caller wrote this post, anonymously or not.
create function app.is_post_author(p_post_id bigint) returns boolean
    language sql stable security definer
    set search_path = ''
as $$
    select auth.uid() is not null and (
        exists (select 1 from app.posts p where p.id = p_post_id and p.author_id = auth.uid())
        or exists (select 1 from app.anonymous_authors a
                    where a.post_id = p_post_id and a.author_id = auth.uid()))
$$;

-- The depth a new comment must have: 0 for a reply to the post, or one more than its parent's
-- when that parent is a comment on the same post (null otherwise). A policy on comments
-- cannot read comments itself, so this runs as the steward.
create function app.reply_depth(p_parent_id bigint, p_post_id bigint) returns integer
    language sql stable security definer
    set search_path = ''
as $$
    select case when p_parent_id is null then 0
                else (select c.depth + 1 from app.comments c
                       where c.id = p_parent_id and c.post_id = p_post_id)
           end
$$;

-- Reactions per post since a moment, for the "top this week" feed. Members may read only
-- their own reaction rows; the totals are public anyway (they show on every post), and the
-- feed still reads the posts through their own policy.
create function app.recent_reaction_scores(p_since timestamptz)
    returns table (post_id bigint, score bigint)
    language sql stable security definer
    set search_path = ''
as $$
    select r.post_id, count(*) from app.post_reactions r
     where r.created_at >= p_since
     group by r.post_id
$$;

alter function app.recent_reaction_scores(timestamptz) owner to community_steward;
alter function app.reply_depth(bigint, bigint) owner to community_steward;
alter function app.readable_circle_ids() owner to community_steward;
alter function app.joined_circle_ids() owner to community_steward;
alter function app.moderated_circle_ids() owner to community_steward;
alter function app.is_post_author(bigint) owner to community_steward;
grant execute on function app.is_site_staff(), app.is_site_admin(), app.readable_circle_ids(),
    app.joined_circle_ids(), app.moderated_circle_ids(), app.is_post_author(bigint),
    app.reply_depth(bigint, bigint), app.recent_reaction_scores(timestamptz)
    to anon, authenticated, community_steward, auth_admin;

-- ---------------------------------------------------------------------------------------
-- Counters and history (triggers, run as community_steward)
-- ---------------------------------------------------------------------------------------

create function app.count_circle_members() returns trigger
    language plpgsql security definer
    set search_path = ''
as $$
begin
    if tg_op in ('INSERT', 'UPDATE') and new.status = 'active'
       and (tg_op = 'INSERT' or old.status <> 'active') then
        update app.circles set member_count = member_count + 1 where id = new.circle_id;
    end if;
    if tg_op in ('DELETE', 'UPDATE') and old.status = 'active'
       and (tg_op = 'DELETE' or new.status <> 'active') then
        update app.circles set member_count = greatest(member_count - 1, 0) where id = old.circle_id;
    end if;
    return null;
end
$$;
create trigger circle_members_count after insert or update or delete on app.circle_members
    for each row execute function app.count_circle_members();

create function app.count_circle_posts() returns trigger
    language plpgsql security definer
    set search_path = ''
as $$
begin
    if tg_op = 'INSERT' then
        update app.circles set post_count = post_count + 1 where id = new.circle_id;
    elsif old.deleted_at is null and new.deleted_at is not null then
        update app.circles set post_count = greatest(post_count - 1, 0) where id = new.circle_id;
    end if;
    return null;
end
$$;
create trigger posts_count after insert or update of deleted_at on app.posts
    for each row execute function app.count_circle_posts();

-- Keeps the edit history and guards columns that belong to different people: the text is the
-- author's alone; pinned and locked are the circle moderators'.
create function app.guard_post_update() returns trigger
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
create trigger posts_guard before update on app.posts
    for each row execute function app.guard_post_update();

create function app.guard_comment_update() returns trigger
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
create trigger comments_guard before update on app.comments
    for each row execute function app.guard_comment_update();

create function app.count_post_comments() returns trigger
    language plpgsql security definer
    set search_path = ''
as $$
begin
    if tg_op = 'INSERT' then
        update app.posts set comment_count = comment_count + 1, last_activity_at = new.created_at
         where id = new.post_id;
    elsif old.deleted_at is null and new.deleted_at is not null then
        update app.posts set comment_count = greatest(comment_count - 1, 0) where id = new.post_id;
    end if;
    return null;
end
$$;
create trigger comments_count after insert or update of deleted_at on app.comments
    for each row execute function app.count_post_comments();

-- Reaction counters: one column per kind, so feeds never count rows.
create function app.count_post_reactions() returns trigger
    language plpgsql security definer
    set search_path = ''
as $$
declare
    r record;
    delta integer;
begin
    if tg_op = 'INSERT' then r := new; delta := 1; else r := old; delta := -1; end if;
    update app.posts set
        support_count = support_count + case when r.kind = 'support' then delta else 0 end,
        grateful_count = grateful_count + case when r.kind = 'grateful' then delta else 0 end,
        insightful_count = insightful_count + case when r.kind = 'insightful' then delta else 0 end,
        hug_count = hug_count + case when r.kind = 'hug' then delta else 0 end
     where id = r.post_id;
    return null;
end
$$;
create trigger post_reactions_count after insert or delete on app.post_reactions
    for each row execute function app.count_post_reactions();

create function app.count_comment_reactions() returns trigger
    language plpgsql security definer
    set search_path = ''
as $$
declare
    r record;
    delta integer;
begin
    if tg_op = 'INSERT' then r := new; delta := 1; else r := old; delta := -1; end if;
    update app.comments set
        support_count = support_count + case when r.kind = 'support' then delta else 0 end,
        grateful_count = grateful_count + case when r.kind = 'grateful' then delta else 0 end,
        insightful_count = insightful_count + case when r.kind = 'insightful' then delta else 0 end,
        hug_count = hug_count + case when r.kind = 'hug' then delta else 0 end
     where id = r.comment_id;
    return null;
end
$$;
create trigger comment_reactions_count after insert or delete on app.comment_reactions
    for each row execute function app.count_comment_reactions();

-- Counter updates run as the steward but must not fire the guard's author checks: they
-- touch only counters, which the guard ignores. Column counters are reset only here.
alter function app.count_circle_members() owner to community_steward;
alter function app.count_circle_posts() owner to community_steward;
alter function app.guard_post_update() owner to community_steward;
alter function app.guard_comment_update() owner to community_steward;
alter function app.count_post_comments() owner to community_steward;
alter function app.count_post_reactions() owner to community_steward;
alter function app.count_comment_reactions() owner to community_steward;

-- ---------------------------------------------------------------------------------------
-- Row Level Security
-- ---------------------------------------------------------------------------------------

alter table app.circles enable row level security, force row level security;
alter table app.circle_members enable row level security, force row level security;
alter table app.circle_follows enable row level security, force row level security;
alter table app.posts enable row level security, force row level security;
alter table app.anonymous_authors enable row level security, force row level security;
alter table app.post_revisions enable row level security, force row level security;
alter table app.comments enable row level security, force row level security;
alter table app.comment_revisions enable row level security, force row level security;
alter table app.post_reactions enable row level security, force row level security;
alter table app.comment_reactions enable row level security, force row level security;
alter table app.bookmarks enable row level security, force row level security;

-- The steward: reads what the helpers ask about, writes counters and history.
grant select on app.circles, app.circle_members, app.posts, app.anonymous_authors, app.comments,
    app.post_reactions to community_steward;
grant update (member_count, post_count) on app.circles to community_steward;
grant update (comment_count, last_activity_at, support_count, grateful_count, insightful_count, hug_count)
    on app.posts to community_steward;
grant update (support_count, grateful_count, insightful_count, hug_count) on app.comments to community_steward;
grant insert on app.post_revisions, app.comment_revisions to community_steward;
create policy circles_steward on app.circles to community_steward using (true) with check (true);
create policy circle_members_steward on app.circle_members for select to community_steward using (true);
create policy posts_steward on app.posts to community_steward using (true) with check (true);
create policy anonymous_authors_steward on app.anonymous_authors for select to community_steward using (true);
create policy comments_steward on app.comments to community_steward using (true) with check (true);
create policy post_reactions_steward on app.post_reactions for select to community_steward using (true);
create policy post_revisions_steward on app.post_revisions for insert to community_steward with check (true);
create policy comment_revisions_steward on app.comment_revisions for insert to community_steward with check (true);

-- Circles: everyone reads them; admins create them; admins and the circle's moderators
-- edit the description.
grant select on app.circles to anon, authenticated;
grant insert (slug, name, description, visibility, is_support, created_by) on app.circles to authenticated;
grant update (name, description) on app.circles to authenticated;
create policy circles_read_all on app.circles for select to anon, authenticated using (true);
create policy circles_create_admin on app.circles for insert to authenticated
    with check (app.is_site_admin() and created_by = auth.uid());
create policy circles_edit_moderators on app.circles for update to authenticated
    using (id = any ((select app.moderated_circle_ids())::bigint[]))
    with check (id = any ((select app.moderated_circle_ids())::bigint[]));

-- Memberships: a member joins open circles or asks to join private ones, and leaves; the
-- circle's moderators approve, promote and remove. Active members of a readable circle are
-- visible to those who can read it; pending requests only to the asker and moderators.
grant select on app.circle_members to anon, authenticated;
grant insert (circle_id, user_id, status) on app.circle_members to authenticated;
grant update (role, status) on app.circle_members to authenticated;
grant delete on app.circle_members to authenticated;
create policy circle_members_read on app.circle_members for select to anon, authenticated
    using (
        user_id = auth.uid()
        or (status = 'active' and circle_id = any ((select app.readable_circle_ids())::bigint[]))
        or circle_id = any ((select app.moderated_circle_ids())::bigint[])
    );
create policy circle_members_join on app.circle_members for insert to authenticated
    with check (
        user_id = auth.uid() and role = 'member'
        and exists (select 1 from app.circles c where c.id = circle_id
                      and (c.visibility = 'private') = (status = 'pending'))
    );
create policy circle_members_moderate on app.circle_members for update to authenticated
    using (circle_id = any ((select app.moderated_circle_ids())::bigint[]))
    with check (circle_id = any ((select app.moderated_circle_ids())::bigint[]));
create policy circle_members_leave on app.circle_members for delete to authenticated
    using (user_id = auth.uid() or circle_id = any ((select app.moderated_circle_ids())::bigint[]));

-- Follows are private to their member.
grant select, insert, delete on app.circle_follows to authenticated;
create policy circle_follows_own on app.circle_follows to authenticated
    using (user_id = auth.uid())
    with check (user_id = auth.uid() and circle_id = any ((select app.readable_circle_ids())::bigint[]));

-- Posts: read as their circle allows; written by active members as themselves (or as nobody,
-- when anonymous in a support circle); changed by their author or the circle's moderators
-- (the guard trigger splits which columns each may touch).
grant select (id, circle_id, author_id, is_anonymous, title, body, body_html, content_warning, pinned,
              locked, created_at, edited_at, deleted_at, last_activity_at, comment_count,
              support_count, grateful_count, insightful_count, hug_count, search)
    on app.posts to anon, authenticated;
grant insert (circle_id, author_id, is_anonymous, title, body, body_html, content_warning)
    on app.posts to authenticated;
grant update (title, body, body_html, content_warning, edited_at, deleted_at, pinned, locked)
    on app.posts to authenticated;
create policy posts_read on app.posts for select to anon, authenticated
    using (circle_id = any ((select app.readable_circle_ids())::bigint[]));
create policy posts_write on app.posts for insert to authenticated
    with check (
        circle_id = any ((select app.joined_circle_ids())::bigint[])
        and (
            (not is_anonymous and author_id = auth.uid())
            or (is_anonymous and author_id is null
                and exists (select 1 from app.circles c where c.id = circle_id and c.is_support))
        )
    );
create policy posts_change on app.posts for update to authenticated
    using (
        circle_id = any ((select app.readable_circle_ids())::bigint[])
        and (app.is_post_author(id) or circle_id = any ((select app.moderated_circle_ids())::bigint[]))
    )
    with check (circle_id = any ((select app.readable_circle_ids())::bigint[]));

-- Sealed authorship: the author themselves and the circle's moderators only. Written once,
-- with the post, by its author.
grant select, insert on app.anonymous_authors to authenticated;
create policy anonymous_authors_read on app.anonymous_authors for select to authenticated
    using (
        author_id = auth.uid()
        or exists (select 1 from app.posts p where p.id = post_id
                     and p.circle_id = any ((select app.moderated_circle_ids())::bigint[]))
    );
create policy anonymous_authors_claim on app.anonymous_authors for insert to authenticated
    with check (
        author_id = auth.uid()
        and exists (select 1 from app.posts p where p.id = post_id and p.is_anonymous
                      and p.created_at = now())
    );

-- Edit history: the circle's moderators.
grant select on app.post_revisions, app.comment_revisions to authenticated;
create policy post_revisions_moderators on app.post_revisions for select to authenticated
    using (exists (select 1 from app.posts p where p.id = post_id
                     and p.circle_id = any ((select app.moderated_circle_ids())::bigint[])));
create policy comment_revisions_moderators on app.comment_revisions for select to authenticated
    using (exists (select 1 from app.comments c join app.posts p on p.id = c.post_id
                    where c.id = comment_id and p.circle_id = any ((select app.moderated_circle_ids())::bigint[])));

-- Comments follow their post's circle; written by active members on unlocked, undeleted
-- posts; changed by their author (guard trigger).
grant select on app.comments to anon, authenticated;
grant insert (post_id, parent_id, author_id, body, body_html, depth) on app.comments to authenticated;
grant update (body, body_html, edited_at, deleted_at) on app.comments to authenticated;
create policy comments_read on app.comments for select to anon, authenticated
    using (exists (select 1 from app.posts p where p.id = post_id
                     and p.circle_id = any ((select app.readable_circle_ids())::bigint[])));
create policy comments_write on app.comments for insert to authenticated
    with check (
        author_id = auth.uid()
        and exists (select 1 from app.posts p where p.id = post_id and not p.locked
                      and p.deleted_at is null
                      and p.circle_id = any ((select app.joined_circle_ids())::bigint[]))
        and depth = coalesce(app.reply_depth(parent_id, post_id), -1)
    );
create policy comments_change on app.comments for update to authenticated
    using (author_id = auth.uid()) with check (author_id = auth.uid());

-- Reactions: members see their own (counts live on the post/comment); active members of the
-- circle add and remove their own.
grant select, insert, delete on app.post_reactions, app.comment_reactions to authenticated;
create policy post_reactions_read_own on app.post_reactions for select to authenticated
    using (user_id = auth.uid());
create policy post_reactions_add on app.post_reactions for insert to authenticated
    with check (
        user_id = auth.uid()
        and exists (select 1 from app.posts p where p.id = post_id and p.deleted_at is null
                      and p.circle_id = any ((select app.joined_circle_ids())::bigint[]))
    );
create policy post_reactions_remove on app.post_reactions for delete to authenticated
    using (user_id = auth.uid());
create policy comment_reactions_read_own on app.comment_reactions for select to authenticated
    using (user_id = auth.uid());
create policy comment_reactions_add on app.comment_reactions for insert to authenticated
    with check (
        user_id = auth.uid()
        and exists (select 1 from app.comments c join app.posts p on p.id = c.post_id
                     where c.id = comment_id and c.deleted_at is null
                       and p.circle_id = any ((select app.joined_circle_ids())::bigint[]))
    );
create policy comment_reactions_remove on app.comment_reactions for delete to authenticated
    using (user_id = auth.uid());

-- Bookmarks are private to their member, and only of posts they can read.
grant select, insert, delete on app.bookmarks to authenticated;
create policy bookmarks_own on app.bookmarks to authenticated
    using (user_id = auth.uid())
    with check (
        user_id = auth.uid()
        and exists (select 1 from app.posts p where p.id = post_id and p.deleted_at is null)
    );

-- Profiles: members edit their own new fields; `is_verified` stays admin-only.
grant update (bio_html, interests, modalities, credentials, booking_url) on app.profiles to authenticated;
