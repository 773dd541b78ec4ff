-- Approving writing held by a watched word is its own action, not a restoration: the public
-- log never shows it (a "restored" line there, after a hold it never showed, told everyone the
-- writing had been held), the circle's moderators still read it in the staff log, and the
-- author is told their writing was approved. And a purge tells the members who reported the
-- purged account's writing that it was acted on, as a removal does.

alter table app.moderation_log drop constraint moderation_log_action_check;
alter table app.moderation_log add constraint moderation_log_action_check check (action in
    ('remove_post', 'hide_post', 'restore_post', 'remove_comment', 'hide_comment', 'restore_comment',
     'lock', 'unlock', 'pin', 'unpin', 'dismiss_reports', 'ignore_reports',
     'warn', 'silence', 'suspend', 'ban', 'lift', 'purge', 'hold_post', 'hold_comment',
     'slow_mode', 'move_post', 'approve_post', 'approve_comment'));

create or replace function app.decide_held(p_target_key text, p_approve boolean, p_reason text)
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
    -- Both ways: the guard `app.moderate` applies.
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
    if p_approve then
        -- Restored as `app.moderate` restores, but logged as an approval: the public log
        -- never shows it (it would tell everyone the writing was held), and the author is
        -- told it was approved rather than "restored".
        if v_kind = 'post' then
            update app.posts p set title = r.title, body = r.body, body_html = r.body_html,
                   content_warning = r.content_warning, deleted_at = null, removed_at = null
              from app.removed_texts r
             where r.post_id = v_report.post_id and p.id = v_report.post_id;
            delete from app.removed_texts where post_id = v_report.post_id;
            v_subject := coalesce((select p.title from app.posts p where p.id = v_report.post_id), '');
        else
            update app.comments c set body = r.body, body_html = r.body_html,
                   deleted_at = null, removed_at = null
              from app.removed_texts r
             where r.comment_id = v_report.comment_id and c.id = v_report.comment_id;
            delete from app.removed_texts where comment_id = v_report.comment_id;
            v_subject := coalesce((select left(c.body, 120) from app.comments c where c.id = v_report.comment_id), '');
        end if;
        insert into app.moderation_log (actor_id, action, reason, circle_id, post_id, comment_id,
                                        member_id, subject)
        values (v_actor, 'approve_' || v_kind, v_reason, v_report.circle_id, v_report.post_id,
                v_report.comment_id, v_author, v_subject)
        returning id into v_log;
        if v_author is not null and v_author <> v_actor then
            insert into app.notifications (recipient_id, kind, circle_id, post_id, comment_id,
                                           moderation_action, moderation_reason, subject)
            values (v_author, 'moderation', v_report.circle_id, v_report.post_id, v_report.comment_id,
                    'approve_' || v_kind, v_reason, v_subject);
            perform app.emit_event('notification.created', v_report.circle_id, v_report.post_id,
                                   v_report.comment_id, v_author, null);
        end if;
        if exists (select 1 from app.reports where target_key = p_target_key and status = 'open'
                     and reason <> 'at_risk') then
            perform app.settle_reports(p_target_key, 'dismissed', v_reason);
        end if;
        return v_log;
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
       and l.action not in ('dismiss_reports', 'ignore_reports', 'hold_post', 'hold_comment',
                            'approve_post', 'approve_comment')
       and l.circle_id = any (app.readable_circle_ids())
     order by l.id desc
     limit least(greatest(p_limit, 1), 100)
$$;

create or replace function app.purge_member(p_member uuid, p_reason text)
    returns bigint
    language plpgsql security definer
    set search_path = ''
as $$
declare
    v_reason text := btrim(coalesce(p_reason, ''));
    v_posts integer;
    v_comments integer;
    v_resolved integer;
    v_ban bigint;
    v_reporters uuid[];
begin
    perform app.guard_sanction(p_member);
    if char_length(v_reason) < 3 or char_length(v_reason) > 500 then
        raise exception 'Give a reason of 3 to 500 characters: the member is told it.' using errcode = '22023';
    end if;

    with mine as (
        select p.id from app.posts p
         where (p.author_id = p_member
                or p.id in (select a.post_id from app.anonymous_authors a where a.author_id = p_member))
           and p.deleted_at is null
           for update),
    kept as (
        insert into app.removed_texts (post_id, title, body, body_html, content_warning)
        select p.id, p.title, p.body, p.body_html, p.content_warning
          from app.posts p where p.id in (select id from mine)
        returning post_id),
    emptied as (
        update app.posts set title = 'Removed post', body = '', body_html = '', content_warning = null,
               deleted_at = now(), removed_at = now()
         where id in (select post_id from kept)
        returning id)
    select count(*) into v_posts from emptied;

    with mine as (
        select c.id from app.comments c
         where (c.author_id = p_member
                or c.id in (select a.comment_id from app.anonymous_comment_authors a where a.author_id = p_member))
           and c.deleted_at is null
           for update),
    kept as (
        insert into app.removed_texts (comment_id, body, body_html)
        select c.id, c.body, c.body_html from app.comments c where c.id in (select id from mine)
        returning comment_id),
    emptied as (
        update app.comments set body = '', body_html = '', deleted_at = now(), removed_at = now()
         where id in (select comment_id from kept)
        returning id)
    select count(*) into v_comments from emptied;

    with settled as (
        update app.reports r set status = 'acted', resolved_at = now(), resolved_by = auth.uid()
         where r.status = 'open' and r.reason <> 'at_risk'
           and (r.target_key = 'member:' || p_member
                or (r.target = 'post' and r.post_id in (select id from app.removed_texts_of(p_member, 'post')))
                or (r.target = 'comment' and r.comment_id in (select id from app.removed_texts_of(p_member, 'comment'))))
        returning r.reporter_id)
    select count(*), coalesce(array_agg(distinct reporter_id) filter (where reporter_id is not null), '{}')
      into v_resolved, v_reporters from settled;
    -- Each reporter hears, once, that what they reported was acted on (never what or who:
    -- the writing is gone, and the member's standing is their own business).
    insert into app.notifications (recipient_id, kind, moderation_action, subject)
    select r, 'report_outcome', 'acted', '' from unnest(v_reporters) r where r <> auth.uid();
    perform app.emit_event('notification.created', null, null, null, r, null)
       from unnest(v_reporters) r where r <> auth.uid();

    insert into app.moderation_log (actor_id, action, reason, member_id, subject, reports_resolved, staff_only)
    values (auth.uid(), 'purge', v_reason, p_member,
            format('@%s: %s posts and %s replies removed',
                   (select p.handle from app.profiles p where p.user_id = p_member), v_posts, v_comments),
            v_resolved, true);
    v_ban := app.sanction(p_member, 'ban', v_reason, null);
    return v_ban;
end
$$;
