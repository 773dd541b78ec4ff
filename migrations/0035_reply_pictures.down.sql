create or replace function app.cap_post_pictures() returns trigger
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

drop policy media_objects_upload_own on app.media_objects;
create policy media_objects_upload_own on app.media_objects for insert to authenticated
    with check (
        owner_id = (select auth.uid())
        and (post_id is null
             or exists (select 1 from app.posts p
                         where p.id = post_id and p.author_id = (select auth.uid())
                           and p.deleted_at is null and not p.is_anonymous))
    );

revoke insert (comment_id) on app.media_objects from authenticated;
