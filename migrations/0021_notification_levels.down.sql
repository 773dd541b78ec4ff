-- Back to 0018's notify and triggers (no levels, no followers, no muted members).
drop function if exists app.followers(bigint, bigint);
drop function if exists app.notification_level(uuid, bigint, bigint);
delete from app.notifications where kind in ('activity', 'new_post');
alter table app.notifications drop constraint notifications_kind_check;
alter table app.notifications add constraint notifications_kind_check check (kind in
    ('reply', 'comment_reply', 'mention', 'reaction', 'join_approved', 'join_declined'));
drop table if exists app.muted_members;
drop table if exists app.notification_levels;
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
    return null;
end
$$;
