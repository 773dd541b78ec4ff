-- Members' pictures (server::media). The bytes live in object storage (a local directory or
-- any S3-compatible store) under keys the server makes, `<bucket>/<id>/<size>`; this table
-- says who owns each picture and who may read it, so Row Level Security decides here as
-- everywhere:
--   avatars     everyone, like the name beside them;
--   post-media  whoever may read the post or reply it is attached to (its own policies,
--               asked through a subquery as the reader), and its uploader before that;
--   private     its owner alone (served only through short-lived signed addresses).
-- Site admins see every row (the uploads list) and may remove any.
--
-- Deleting a row (directly, with its post or reply, with its account, or by the orphan
-- sweep) queues its store keys in `app.media_deletions` in the same transaction; the
-- `media.sweep` job deletes them from the store and then the queue row. A store that is
-- briefly away loses nothing: the queue row waits for the next run.

create table app.media_objects (
    id uuid primary key default gen_random_uuid(),
    bucket text not null check (bucket in ('avatars', 'post-media', 'private')),
    owner_id uuid not null references auth.users (id) on delete cascade,
    content_type text not null check (content_type in ('image/jpeg', 'image/webp')),
    -- The largest variant's size, after rotation.
    width integer not null check (width between 1 and 20000),
    height integer not null check (height between 1 and 20000),
    -- Every variant's bytes together: what counts against the owner's quota.
    bytes bigint not null check (bytes between 1 and 100000000),
    -- The sizes kept (the longest side, or the square's side for avatars).
    sizes integer[] not null check (cardinality(sizes) between 1 and 8),
    alt text not null default '' check (char_length(alt) <= 500),
    post_id bigint references app.posts (id) on delete cascade,
    comment_id bigint references app.comments (id) on delete cascade,
    created_at timestamptz not null default now(),
    constraint media_objects_one_place check (post_id is null or comment_id is null),
    constraint media_objects_only_post_media_attached
        check (bucket = 'post-media' or (post_id is null and comment_id is null))
);
create index media_objects_owner_idx on app.media_objects (owner_id, created_at desc);
create index media_objects_created_idx on app.media_objects (created_at desc, id desc);
create index media_objects_post_idx on app.media_objects (post_id) where post_id is not null;
create index media_objects_comment_idx on app.media_objects (comment_id) where comment_id is not null;
create index media_objects_unattached_idx on app.media_objects (created_at)
    where bucket = 'post-media' and post_id is null and comment_id is null;

alter table app.media_objects enable row level security, force row level security;

grant select on app.media_objects to anon, authenticated;
grant insert (id, bucket, owner_id, content_type, width, height, bytes, sizes, alt, post_id)
    on app.media_objects to authenticated;
grant update (alt) on app.media_objects to authenticated;
grant delete on app.media_objects to authenticated;

create policy media_objects_read on app.media_objects for select to anon, authenticated
    using (
        bucket = 'avatars'
        or owner_id = (select auth.uid())
        or (bucket = 'post-media' and post_id is not null
            and exists (select 1 from app.posts p where p.id = post_id and p.deleted_at is null))
        or (bucket = 'post-media' and comment_id is not null
            and exists (select 1 from app.comments c where c.id = comment_id and c.deleted_at is null))
        or (select app.is_site_admin())
    );
-- A picture is attached to a post as it is uploaded, by the post's named author only: never
-- to an anonymous post (a picture can say who took it, and its row names its uploader).
create policy media_objects_upload_own on app.media_objects for insert to authenticated
    with check (
        owner_id = (select auth.uid())
        and (post_id is null
             or exists (select 1 from app.posts p
                         where p.id = post_id and p.author_id = (select auth.uid())
                           and p.deleted_at is null and not p.is_anonymous))
    );
create policy media_objects_describe_own on app.media_objects for update to authenticated
    using (owner_id = (select auth.uid())) with check (owner_id = (select auth.uid()));
create policy media_objects_remove on app.media_objects for delete to authenticated
    using (owner_id = (select auth.uid()) or (select app.is_site_admin()));

-- At most four pictures on a post, said in words (SQLSTATE WS400). Uploads to one post are
-- counted one at a time (an advisory lock per post), so two at once cannot make five.
create function app.cap_post_pictures() returns trigger
    language plpgsql security definer
    set search_path = ''
as $$
begin
    if new.post_id is not null then
        perform pg_advisory_xact_lock(hashtext('media_objects:post'), hashtext(new.post_id::text));
        if (select count(*) from app.media_objects where post_id = new.post_id) >= 4 then
            raise exception 'A post can hold up to 4 pictures. Remove one to add another.'
                using errcode = 'WS400';
        end if;
    end if;
    return new;
end
$$;
alter function app.cap_post_pictures() owner to community_steward;
create trigger media_objects_cap_post before insert on app.media_objects
    for each row execute function app.cap_post_pictures();

-- A silenced, suspended or banned member cannot upload (the same sentence as for posting).
create trigger media_objects_restricted before insert on app.media_objects
    for each row execute function app.refuse_restricted_writer('silence');

-- Store keys waiting to be deleted. Nobody but the sweep (auth_admin) and the queueing
-- trigger (community_steward) reads or writes it.
create table app.media_deletions (
    media_id uuid primary key,
    bucket text not null,
    sizes integer[] not null,
    queued_at timestamptz not null default now()
);
alter table app.media_deletions enable row level security, force row level security;
grant select, delete on app.media_deletions to auth_admin;
create policy media_deletions_sweep_read on app.media_deletions for select to auth_admin using (true);
create policy media_deletions_sweep_done on app.media_deletions for delete to auth_admin using (true);
grant insert on app.media_deletions to community_steward;
create policy media_deletions_queue on app.media_deletions for insert to community_steward
    with check (true);

create function app.queue_media_deletion() returns trigger
    language plpgsql security definer
    set search_path = ''
as $$
begin
    insert into app.media_deletions (media_id, bucket, sizes)
    values (old.id, old.bucket, old.sizes);
    return old;
end
$$;
alter function app.queue_media_deletion() owner to community_steward;
create trigger media_objects_queue_deletion after delete on app.media_objects
    for each row execute function app.queue_media_deletion();

-- A post or reply deleted by its author takes its pictures with it (a moderator's removal
-- does not: removed content stays for staff, and the pictures' policy follows the post's).
grant select, delete on app.media_objects to community_steward;
create policy media_objects_steward_read on app.media_objects for select to community_steward
    using (true);
create policy media_objects_steward_delete on app.media_objects for delete to community_steward
    using (true);

create function app.delete_media_of_deleted() returns trigger
    language plpgsql security definer
    set search_path = ''
as $$
begin
    if new.deleted_at is not null and old.deleted_at is null then
        if tg_table_name = 'posts' then
            delete from app.media_objects where post_id = new.id;
        else
            delete from app.media_objects where comment_id = new.id;
        end if;
    end if;
    return new;
end
$$;
alter function app.delete_media_of_deleted() owner to community_steward;
create trigger posts_delete_media after update of deleted_at on app.posts
    for each row execute function app.delete_media_of_deleted();
create trigger comments_delete_media after update of deleted_at on app.comments
    for each row execute function app.delete_media_of_deleted();

-- The sweep also removes post pictures never attached within a day (an upload abandoned
-- with its unsent post).
grant select, delete on app.media_objects to auth_admin;
create policy media_objects_sweep_read on app.media_objects for select to auth_admin using (true);
create policy media_objects_sweep_orphans on app.media_objects for delete to auth_admin
    using (bucket = 'post-media' and post_id is null and comment_id is null);

-- A member's profile picture: one of their own avatars, or none.
alter table app.profiles add column avatar_id uuid references app.media_objects (id) on delete set null;
create index profiles_avatar_idx on app.profiles (avatar_id) where avatar_id is not null;
grant update (avatar_id) on app.profiles to authenticated;

create function app.guard_avatar() returns trigger
    language plpgsql
    set search_path = ''
as $$
begin
    if new.avatar_id is not null and new.avatar_id is distinct from old.avatar_id
       and not exists (select 1 from app.media_objects m
                        where m.id = new.avatar_id and m.owner_id = new.user_id
                          and m.bucket = 'avatars') then
        raise exception 'a profile picture must be one of the member''s own avatars'
            using errcode = '42501';
    end if;
    return new;
end
$$;
create trigger profiles_guard_avatar before update of avatar_id on app.profiles
    for each row execute function app.guard_avatar();
