-- The schema migrations/ produces (auth and app): pg_dump output without comments,
-- settings or owners.
-- Generated: do not edit. tests/api/schema_file.rs checks it and says how to
-- regenerate it.

CREATE SCHEMA app;

CREATE SCHEMA auth;

CREATE FUNCTION app.acknowledge_warning(p_id bigint) RETURNS boolean
    LANGUAGE sql SECURITY DEFINER
    SET search_path TO ''
    AS $$
    with done as (
        update app.sanctions set acknowledged_at = now(), changed_at = now()
         where id = p_id and member_id = auth.uid() and kind = 'warn' and acknowledged_at is null
        returning 1)
    select exists (select 1 from done)
$$;

CREATE FUNCTION app.announce_standing() RETURNS trigger
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO ''
    AS $$
begin
    perform pg_notify('wellspring_revocations',
        json_build_object('user', new.member_id,
                          'standing', coalesce((select s.id from app.standing_of(new.member_id) s), 0),
                          'at', extract(epoch from now()))::text);
    return null;
end
$$;

CREATE FUNCTION app.cap_post_pictures() RETURNS trigger
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO ''
    AS $$
begin
    if new.post_id is not null then
        perform pg_advisory_xact_lock(hashtext('media_objects:post'), hashtext(new.post_id::text));
        if (select count(*) from app.media_objects where post_id = new.post_id) >= 4 then
            raise exception 'A post can hold up to 4 pictures. Remove one to add another.'
                using errcode = 'WS400';
        end if;
    end if;
    if new.comment_id is not null then
        perform pg_advisory_xact_lock(hashtext('media_objects:comment'), hashtext(new.comment_id::text));
        if (select count(*) from app.media_objects where comment_id = new.comment_id) >= 4 then
            raise exception 'A reply can hold up to 4 pictures. Remove one to add another.'
                using errcode = 'WS400';
        end if;
    end if;
    return new;
end
$$;

CREATE FUNCTION app.comment_author(p_comment bigint) RETURNS uuid
    LANGUAGE sql STABLE SECURITY DEFINER
    SET search_path TO ''
    AS $$
    select coalesce(c.author_id, a.author_id)
      from app.comments c left join app.anonymous_comment_authors a on a.comment_id = c.id
     where c.id = p_comment
$$;

CREATE FUNCTION app.comment_events() RETURNS trigger
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO ''
    AS $$
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

CREATE FUNCTION app.comment_notifications() RETURNS trigger
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO ''
    AS $$
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

CREATE FUNCTION app.comment_reaction_events() RETURNS trigger
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO ''
    AS $$
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

CREATE FUNCTION app.comment_reaction_notifications() RETURNS trigger
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO ''
    AS $$
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

CREATE FUNCTION app.count_circle_members() RETURNS trigger
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO ''
    AS $$
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

CREATE FUNCTION app.count_circle_posts() RETURNS trigger
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO ''
    AS $$
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

CREATE FUNCTION app.count_comment_reactions() RETURNS trigger
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO ''
    AS $$
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

CREATE TABLE app.dashboard_day_counts (
    day date NOT NULL,
    sign_ups bigint NOT NULL,
    active_members bigint NOT NULL,
    posts bigint NOT NULL,
    comments bigint NOT NULL,
    reports_filed bigint NOT NULL,
    reports_settled bigint NOT NULL,
    counted_at timestamp with time zone DEFAULT now() NOT NULL
);

ALTER TABLE ONLY app.dashboard_day_counts FORCE ROW LEVEL SECURITY;

CREATE FUNCTION app.count_dashboard_day(p_day date) RETURNS app.dashboard_day_counts
    LANGUAGE sql STABLE SECURITY DEFINER
    SET search_path TO ''
    AS $$
    with bounds as (
        select (p_day::timestamp at time zone 'utc') as lo,
               ((p_day + 1)::timestamp at time zone 'utc') as hi
    )
    select p_day,
           (select count(*) from auth.users u, bounds b
             where u.created_at >= b.lo and u.created_at < b.hi),
           (select count(distinct w.who) from bounds b, lateral (
                select p.author_id as who from app.posts p
                 where p.created_at >= b.lo and p.created_at < b.hi and p.deleted_at is null
                union all
                select c.author_id from app.comments c where c.created_at >= b.lo and c.created_at < b.hi
                union all
                select r.user_id from app.post_reactions r where r.created_at >= b.lo and r.created_at < b.hi
                union all
                select r.user_id from app.comment_reactions r where r.created_at >= b.lo and r.created_at < b.hi
            ) w),
           (select count(*) from app.posts p, bounds b
             where p.created_at >= b.lo and p.created_at < b.hi and p.deleted_at is null),
           (select count(*) from app.comments c, bounds b
             where c.created_at >= b.lo and c.created_at < b.hi),
           (select count(*) from app.reports r, bounds b
             where r.created_at >= b.lo and r.created_at < b.hi),
           (select count(*) from app.reports r, bounds b
             where r.resolved_at >= b.lo and r.resolved_at < b.hi),
           now()
$$;

CREATE FUNCTION app.count_post_comments() RETURNS trigger
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO ''
    AS $$
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

CREATE FUNCTION app.count_post_reactions() RETURNS trigger
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO ''
    AS $$
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

CREATE FUNCTION app.dashboard_backlog() RETURNS TABLE(open_targets bigint, open_reports bigint, settled_recently bigint, median_wait_secs double precision, p90_wait_secs double precision)
    LANGUAGE plpgsql STABLE SECURITY DEFINER
    SET search_path TO ''
    AS $$
begin
    if auth.uid() is null or not app.is_site_staff() then
        raise exception 'only site staff read the dashboard' using errcode = '42501';
    end if;
    return query
    select o.targets, o.reports, s.settled, s.median, s.p90
      from (select (select count(*) from app.review_targets) as targets,
                   (select count(*) from app.reports r where r.status = 'open') as reports) o,
           (select count(*) as settled,
                   percentile_cont(0.5) within group (
                       order by extract(epoch from r.resolved_at - r.created_at)) as median,
                   percentile_cont(0.9) within group (
                       order by extract(epoch from r.resolved_at - r.created_at)) as p90
              from app.reports r where r.resolved_at >= now() - interval '30 days') s;
end
$$;

CREATE FUNCTION app.dashboard_database() RETURNS jsonb
    LANGUAGE plpgsql STABLE SECURITY DEFINER
    SET search_path TO ''
    AS $$
declare
    v_result jsonb;
    v_slowest jsonb := '[]';
begin
    if auth.uid() is null or not app.is_site_admin() then
        raise exception 'only admins read the database''s health' using errcode = '42501';
    end if;
    select jsonb_build_object(
               'size_bytes', pg_catalog.pg_database_size(d.datid),
               'connections', d.numbackends,
               'max_connections', current_setting('max_connections')::integer,
               'cache_hit_ratio', case when d.blks_hit + d.blks_read > 0
                   then d.blks_hit::double precision / (d.blks_hit + d.blks_read) end,
               'commits', d.xact_commit,
               'rollbacks', d.xact_rollback,
               'deadlocks', d.deadlocks)
      into v_result
      from pg_catalog.pg_stat_database d where d.datname = current_database();
    v_result := v_result || jsonb_build_object('biggest_tables', (
        select coalesce(jsonb_agg(t order by t.bytes desc), '[]')
          from (select n.nspname || '.' || c.relname as name,
                       pg_catalog.pg_total_relation_size(c.oid) as bytes,
                       greatest(c.reltuples, 0)::bigint as rows
                  from pg_catalog.pg_class c
                  join pg_catalog.pg_namespace n on n.oid = c.relnamespace
                 where c.relkind in ('r', 'p') and n.nspname in ('app', 'auth')
                 order by pg_catalog.pg_total_relation_size(c.oid) desc
                 limit 8) t));
    if exists (select 1 from pg_catalog.pg_extension where extname = 'pg_stat_statements') then
        begin
            execute format(
                'select coalesce(jsonb_agg(s order by s.mean_ms desc), ''[]'')
                   from (select left(regexp_replace(query, ''\s+'', '' '', ''g''), 160) as query,
                                calls, round(mean_exec_time::numeric, 2) as mean_ms
                           from %I.pg_stat_statements
                          where dbid = (select oid from pg_catalog.pg_database
                                         where datname = current_database())
                          order by mean_exec_time desc limit 5) s',
                (select n.nspname from pg_catalog.pg_extension e
                   join pg_catalog.pg_namespace n on n.oid = e.extnamespace
                  where e.extname = 'pg_stat_statements'))
               into v_slowest;
        exception when others then
            v_slowest := '[]';
        end;
    end if;
    return v_result || jsonb_build_object(
        'statements_available',
        exists (select 1 from pg_catalog.pg_extension where extname = 'pg_stat_statements'),
        'slowest_statements', v_slowest);
end
$$;

CREATE FUNCTION app.dashboard_days(p_days integer) RETURNS TABLE(day date, sign_ups bigint, active_members bigint, posts bigint, comments bigint, reports_filed bigint, reports_settled bigint)
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO ''
    AS $$
declare
    v_today date := (now() at time zone 'utc')::date;
    v_day date;
begin
    if auth.uid() is null or not app.is_site_staff() then
        raise exception 'only site staff read the dashboard' using errcode = '42501';
    end if;
    if p_days is null or p_days < 1 or p_days > 92 then
        raise exception 'The dashboard shows between 1 and 92 days.' using errcode = '22023';
    end if;
    for v_day in
        select d::date from generate_series(v_today - (p_days - 1), v_today, interval '1 day') d
         where not exists (
             select 1 from app.dashboard_day_counts k
              where k.day = d::date
                and (k.counted_at >= ((d::date + 1)::timestamp at time zone 'utc')
                     or (d::date = v_today and k.counted_at > now() - interval '1 minute')))
    loop
        insert into app.dashboard_day_counts
        select * from app.count_dashboard_day(v_day)
        on conflict on constraint dashboard_day_counts_pkey do update
           set sign_ups = excluded.sign_ups, active_members = excluded.active_members,
               posts = excluded.posts, comments = excluded.comments,
               reports_filed = excluded.reports_filed, reports_settled = excluded.reports_settled,
               counted_at = excluded.counted_at;
    end loop;
    return query
    select k.day, k.sign_ups, k.active_members, k.posts, k.comments, k.reports_filed, k.reports_settled
      from app.dashboard_day_counts k
     where k.day between v_today - (p_days - 1) and v_today
     order by k.day;
end
$$;

CREATE FUNCTION app.decide_held(p_target_key text, p_approve boolean, p_reason text) RETURNS bigint
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO ''
    AS $$
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

CREATE FUNCTION app.delete_media_of_deleted() RETURNS trigger
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO ''
    AS $$
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

CREATE FUNCTION app.digest_period(p_frequency text) RETURNS interval
    LANGUAGE sql IMMUTABLE
    SET search_path TO ''
    AS $$
    select case p_frequency when 'daily' then interval '1 day'
                            when 'weekly' then interval '7 days' end
$$;

CREATE FUNCTION app.digest_schedule() RETURNS trigger
    LANGUAGE plpgsql
    SET search_path TO ''
    AS $$
begin
    new.updated_at := now();
    if tg_op = 'INSERT' or new.frequency is distinct from old.frequency then
        if new.frequency = 'off' then
            new.next_due_at := null;
        else
            if tg_op = 'INSERT' or old.frequency = 'off' then
                new.covered_until := now();
            end if;
            new.next_due_at := new.covered_until + app.digest_period(new.frequency);
        end if;
    end if;
    return new;
end
$$;

CREATE FUNCTION app.emit_event(p_kind text, p_circle_id bigint, p_post_id bigint, p_comment_id bigint, p_subject_user_id uuid, p_actor_id uuid) RETURNS void
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO ''
    AS $$
declare
    v_id bigint;
begin
    insert into app.events (kind, circle_id, post_id, comment_id, subject_user_id, actor_id)
    values (p_kind, p_circle_id, p_post_id, p_comment_id, p_subject_user_id, p_actor_id)
    returning id into v_id;
    perform pg_notify('wellspring_events', json_build_object(
        'id', v_id, 'kind', p_kind, 'circle', p_circle_id, 'post', p_post_id,
        'comment', p_comment_id, 'subject', p_subject_user_id)::text);
end
$$;

CREATE FUNCTION app.followers(p_circle bigint, p_post bigint) RETURNS SETOF uuid
    LANGUAGE sql STABLE SECURITY DEFINER
    SET search_path TO ''
    AS $$
    select l.user_id from app.notification_levels l
     where l.level = 'all' and (l.post_id = p_post
        or (l.circle_id = p_circle
            and not exists (select 1 from app.notification_levels o
                             where o.user_id = l.user_id and o.post_id = p_post)))
$$;

CREATE FUNCTION app.guard_avatar() RETURNS trigger
    LANGUAGE plpgsql
    SET search_path TO ''
    AS $$
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

CREATE FUNCTION app.guard_comment_update() RETURNS trigger
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO ''
    AS $$
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

CREATE FUNCTION app.guard_post_update() RETURNS trigger
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO ''
    AS $$
begin
    if new.id <> old.id or new.author_id is distinct from old.author_id
       or new.is_anonymous <> old.is_anonymous or new.created_at <> old.created_at then
        raise exception 'a post''s circle, author and date never change' using errcode = '42501';
    end if;
    if new.circle_id <> old.circle_id
       and not (coalesce(current_setting('app.moving_post', true), '') = old.id::text
                and old.circle_id = any (app.moderated_circle_ids())
                and new.circle_id = any (app.moderated_circle_ids())) then
        raise exception 'a post''s circle changes only when moderators move it' using errcode = '42501';
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

CREATE FUNCTION app.guard_sanction(p_member uuid) RETURNS text
    LANGUAGE plpgsql STABLE SECURITY DEFINER
    SET search_path TO ''
    AS $$
declare
    v_role text;
begin
    if auth.uid() is null or not app.is_site_staff() then
        raise exception 'only site staff sanction members' using errcode = '42501';
    end if;
    select u.role into v_role from auth.users u where u.id = p_member;
    if not found then
        raise exception 'no such member' using errcode = 'P0002';
    end if;
    if p_member = auth.uid() then
        raise exception 'Staff do not sanction themselves.' using errcode = '22023';
    end if;
    if v_role = 'admin' then
        raise exception 'An admin is not sanctioned: change their role first.' using errcode = '22023';
    end if;
    if v_role = 'moderator' and not app.is_site_admin() then
        raise exception 'Only an admin sanctions a moderator.' using errcode = '22023';
    end if;
    return (select p.handle from app.profiles p where p.user_id = p_member);
end
$$;

CREATE FUNCTION app.is_comment_author(p_comment_id bigint) RETURNS boolean
    LANGUAGE sql STABLE SECURITY DEFINER
    SET search_path TO ''
    AS $$
    select (select auth.uid()) is not null and (
        exists (select 1 from app.comments c
                 where c.id = p_comment_id and c.author_id = (select auth.uid()))
        or exists (select 1 from app.anonymous_comment_authors a
                    where a.comment_id = p_comment_id and a.author_id = (select auth.uid())))
$$;

CREATE FUNCTION app.is_post_author(p_post_id bigint) RETURNS boolean
    LANGUAGE sql STABLE SECURITY DEFINER
    SET search_path TO ''
    AS $$
    select auth.uid() is not null and (
        exists (select 1 from app.posts p where p.id = p_post_id and p.author_id = auth.uid())
        or exists (select 1 from app.anonymous_authors a
                    where a.post_id = p_post_id and a.author_id = auth.uid()))
$$;

CREATE FUNCTION app.is_site_admin() RETURNS boolean
    LANGUAGE plpgsql STABLE
    SET search_path TO ''
    AS $$
begin
    return coalesce(auth.jwt() ->> 'app_role', '') = 'admin';
end
$$;

CREATE FUNCTION app.is_site_staff() RETURNS boolean
    LANGUAGE plpgsql STABLE
    SET search_path TO ''
    AS $$
begin
    return coalesce(auth.jwt() ->> 'app_role', '') in ('moderator', 'admin');
end
$$;

CREATE FUNCTION app.joined_circle_ids() RETURNS bigint[]
    LANGUAGE plpgsql STABLE SECURITY DEFINER
    SET search_path TO ''
    AS $$
begin
    return (select coalesce(array_agg(m.circle_id), '{}')
              from app.circle_members m
             where m.user_id = auth.uid() and m.status = 'active');
end
$$;

CREATE FUNCTION app.keep_review_targets() RETURNS trigger
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO ''
    AS $$
begin
    if tg_op in ('UPDATE', 'DELETE') then
        perform app.summarize_review_target(old.target_key);
    end if;
    if tg_op in ('INSERT', 'UPDATE') and (tg_op = 'INSERT' or new.target_key <> old.target_key) then
        perform app.summarize_review_target(new.target_key);
    end if;
    return null;
end
$$;

CREATE FUNCTION app.keep_slow_mode() RETURNS trigger
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO ''
    AS $$
declare
    v_secs integer;
    v_last timestamptz;
begin
    if auth.uid() is null then
        return new;
    end if;
    select c.slow_mode_secs into v_secs from app.circles c where c.id = new.circle_id;
    if coalesce(v_secs, 0) = 0 or new.circle_id = any (app.moderated_circle_ids()) then
        return new;
    end if;
    select max(p.created_at) into v_last from app.posts p
     where p.circle_id = new.circle_id
       and (p.author_id = auth.uid()
            or p.id in (select a.post_id from app.anonymous_authors a where a.author_id = auth.uid()));
    if v_last > now() - make_interval(secs => v_secs) then
        raise exception '%', format(
            'This circle is in slow mode (%s). You can post here again in %s.',
            app.slow_mode_words(v_secs),
            case when extract(epoch from v_last + make_interval(secs => v_secs) - now()) > 90
                 then ceil(extract(epoch from v_last + make_interval(secs => v_secs) - now()) / 60)::int || ' minutes'
                 else ceil(extract(epoch from v_last + make_interval(secs => v_secs) - now()))::int || ' seconds' end)
            using errcode = 'WS429';
    end if;
    return new;
end
$$;

CREATE FUNCTION app.lift_sanction(p_id bigint, p_reason text) RETURNS bigint
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO ''
    AS $$
declare
    v_reason text := btrim(coalesce(p_reason, ''));
    v_row app.sanctions%rowtype;
    v_handle text;
begin
    select * into v_row from app.sanctions where id = p_id for update;
    if not found then
        if auth.uid() is null or not app.is_site_staff() then
            raise exception 'only site staff lift sanctions' using errcode = '42501';
        end if;
        raise exception 'no such sanction' using errcode = 'P0002';
    end if;
    v_handle := app.guard_sanction(v_row.member_id);
    if char_length(v_reason) < 3 or char_length(v_reason) > 500 then
        raise exception 'Give a reason of 3 to 500 characters: the member is told it.' using errcode = '22023';
    end if;
    if v_row.lifted_at is not null or (v_row.ends_at is not null and v_row.ends_at <= now()) then
        raise exception 'That sanction has already ended.' using errcode = '22023';
    end if;
    update app.sanctions set lifted_at = now(), lifted_by = auth.uid(), lift_reason = v_reason,
           changed_at = now()
     where id = p_id;
    insert into app.moderation_log (actor_id, action, reason, member_id, subject, staff_only)
    values (auth.uid(), 'lift', v_reason, v_row.member_id, '@' || coalesce(v_handle, '') || ': ' || v_row.kind, true);
    insert into app.notifications (recipient_id, kind, moderation_action, moderation_reason, subject)
    values (v_row.member_id, 'moderation', 'lift', v_reason, v_row.kind);
    perform app.emit_event('notification.created', null, null, null, v_row.member_id, null);
    return p_id;
end
$$;

CREATE FUNCTION app.member_reads_circle(p_user uuid, p_circle bigint) RETURNS boolean
    LANGUAGE sql STABLE SECURITY DEFINER
    SET search_path TO ''
    AS $$
    select exists (
        select 1 from app.circles c
         where c.id = p_circle
           and (c.visibility <> 'private'
                or exists (select 1 from app.circle_members m
                            where m.circle_id = c.id and m.user_id = p_user and m.status = 'active')))
        or exists (select 1 from auth.users u
                    where u.id = p_user and u.role in ('moderator', 'admin'))
$$;

CREATE FUNCTION app.membership_events() RETURNS trigger
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO ''
    AS $$
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

CREATE FUNCTION app.membership_notifications() RETURNS trigger
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO ''
    AS $$
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

CREATE FUNCTION app.mentioned_members(p_html text) RETURNS SETOF uuid
    LANGUAGE sql STABLE SECURITY DEFINER
    SET search_path TO ''
    AS $$
    select distinct pr.user_id
      from regexp_matches(p_html, '<a href="/u/([a-z0-9_]{3,30})" class="mention"', 'g') as m(handle)
      join app.profiles pr on pr.handle = m.handle[1]
$$;

CREATE FUNCTION app.moderate(p_action text, p_post bigint, p_comment bigint, p_reason text) RETURNS bigint
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO ''
    AS $$
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

CREATE FUNCTION app.moderated_circle_ids() RETURNS bigint[]
    LANGUAGE plpgsql STABLE SECURITY DEFINER
    SET search_path TO ''
    AS $$
begin
    return (select coalesce(array_agg(c.id), '{}')
              from app.circles c
             where app.is_site_staff()
                or (coalesce(auth.jwt() ->> 'aal', '') = 'aal2'
                    and exists (select 1 from app.circle_members m
                                 where m.circle_id = c.id and m.user_id = auth.uid()
                                   and m.status = 'active' and m.role = 'moderator')));
end
$$;

CREATE FUNCTION app.moderation_log_is_append_only() RETURNS trigger
    LANGUAGE plpgsql
    SET search_path TO ''
    AS $$
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

CREATE FUNCTION app.move_post(p_post bigint, p_circle text, p_reason text) RETURNS bigint
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO ''
    AS $$
declare
    v_actor uuid := auth.uid();
    v_reason text := btrim(coalesce(p_reason, ''));
    v_post app.posts%rowtype;
    v_from app.circles%rowtype;
    v_to app.circles%rowtype;
    v_author uuid;
    v_log bigint;
begin
    if v_actor is null or cardinality(app.moderated_circle_ids()) = 0 then
        raise exception 'only moderators move posts' using errcode = '42501';
    end if;
    if char_length(v_reason) < 3 or char_length(v_reason) > 500 then
        raise exception 'Give a reason of 3 to 500 characters: the author is told it.' using errcode = '22023';
    end if;
    select * into v_post from app.posts where id = p_post for update;
    if not found then
        raise exception 'no such post' using errcode = 'P0002';
    end if;
    if not (v_post.circle_id = any (app.moderated_circle_ids())) then
        raise exception 'only this circle''s moderators move its posts' using errcode = '42501';
    end if;
    select * into v_to from app.circles c
     where c.slug = lower(btrim(coalesce(p_circle, '')))
        or lower(c.name) = lower(btrim(coalesce(p_circle, '')))
     order by (c.slug = lower(btrim(coalesce(p_circle, '')))) desc
     limit 1;
    if not found then
        raise exception 'There is no circle called “%”: use its name or the last part of its address.',
            left(btrim(coalesce(p_circle, '')), 60) using errcode = '22023';
    end if;
    select * into v_from from app.circles where id = v_post.circle_id;
    if v_to.id = v_from.id then
        raise exception 'The post is already in %.', v_to.name using errcode = '22023';
    end if;
    if not (v_to.id = any (app.moderated_circle_ids())) then
        raise exception 'You can only move a post to a circle you moderate, and you do not moderate %.',
            v_to.name using errcode = '22023';
    end if;
    if v_post.deleted_at is not null then
        raise exception 'This post is removed or deleted: restore it first.' using errcode = '22023';
    end if;
    v_author := coalesce(v_post.author_id,
        (select a.author_id from app.anonymous_authors a where a.post_id = p_post));
    if v_author = v_actor and not app.is_site_staff() then
        raise exception 'moderators do not act on their own posts' using errcode = '42501';
    end if;
    if (select u.role from auth.users u where u.id = v_author) = 'admin' and not app.is_site_admin() then
        raise exception 'only an admin acts on an admin''s posts' using errcode = '42501';
    end if;
    if not v_to.is_support and (v_post.is_anonymous or exists (
            select 1 from app.comments c where c.post_id = p_post and c.author_id is null
               and exists (select 1 from app.anonymous_comment_authors a where a.comment_id = c.id))) then
        raise exception '% is not a support circle, so it cannot hold anonymous writing, and this post has some.',
            v_to.name using errcode = '22023';
    end if;
    if v_author is not null and not app.member_reads_circle(v_author, v_to.id) then
        raise exception 'The author cannot read %, so they would lose their own post: choose a circle they can read.',
            v_to.name using errcode = '22023';
    end if;

    perform set_config('app.moving_post', p_post::text, true);
    update app.posts set circle_id = v_to.id where id = p_post;
    perform set_config('app.moving_post', '', true);
    update app.circles set post_count = greatest(post_count - 1, 0) where id = v_from.id;
    update app.circles set post_count = post_count + 1 where id = v_to.id;
    -- Reports about the post and its replies go with it, to the new circle's moderators.
    update app.reports set circle_id = v_to.id where post_id = p_post;

    insert into app.moderation_log (actor_id, action, reason, circle_id, post_id, member_id, subject)
    values (v_actor, 'move_post', v_reason, v_to.id, p_post, v_author,
            v_post.title || ' (from ' || v_from.name || ')')
    returning id into v_log;
    if v_author is not null and v_author <> v_actor then
        insert into app.notifications (recipient_id, kind, circle_id, post_id,
                                       moderation_action, moderation_reason, subject)
        values (v_author, 'moderation', v_to.id, p_post, 'move_post', v_reason, v_post.title);
        perform app.emit_event('notification.created', v_to.id, p_post, null, v_author, null);
    end if;
    return v_log;
end
$$;

CREATE FUNCTION app.my_standing() RETURNS TABLE(id bigint, kind text, ends_at timestamp with time zone, reason text)
    LANGUAGE sql STABLE SECURITY DEFINER
    SET search_path TO ''
    AS $$
    select * from app.standing_of(auth.uid()) where auth.uid() is not null
$$;

CREATE FUNCTION app.notification_level(p_user uuid, p_circle bigint, p_post bigint) RETURNS text
    LANGUAGE sql STABLE SECURITY DEFINER
    SET search_path TO ''
    AS $$
    select coalesce(
        (select l.level from app.notification_levels l where l.user_id = p_user and l.post_id = p_post),
        (select l.level from app.notification_levels l where l.user_id = p_user and l.circle_id = p_circle),
        'normal')
$$;

CREATE FUNCTION app.notify(p_recipient uuid, p_kind text, p_circle bigint, p_post bigint, p_comment bigint, p_actor uuid, p_shown_actor uuid) RETURNS void
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO ''
    AS $$
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

CREATE FUNCTION app.original_poster_reply_ids(p_post_id bigint) RETURNS bigint[]
    LANGUAGE sql STABLE SECURITY DEFINER
    SET search_path TO ''
    AS $$
    select coalesce(array_agg(c.id), '{}')
      from app.posts p
      join app.anonymous_authors pa on pa.post_id = p.id
      join app.comments c on c.post_id = p.id and c.is_anonymous and c.deleted_at is null
      join app.anonymous_comment_authors ca on ca.comment_id = c.id and ca.author_id = pa.author_id
     where p.id = p_post_id and p.is_anonymous
       and p.circle_id = any ((select app.readable_circle_ids())::bigint[])
$$;

CREATE FUNCTION app.place_report() RETURNS trigger
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO ''
    AS $$
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

CREATE FUNCTION app.post_author(p_post bigint) RETURNS uuid
    LANGUAGE sql STABLE SECURITY DEFINER
    SET search_path TO ''
    AS $$
    select coalesce(p.author_id, a.author_id)
      from app.posts p left join app.anonymous_authors a on a.post_id = p.id
     where p.id = p_post
$$;

CREATE FUNCTION app.post_events() RETURNS trigger
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO ''
    AS $$
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

CREATE FUNCTION app.post_is_held(p_post bigint) RETURNS boolean
    LANGUAGE sql STABLE SECURITY DEFINER
    SET search_path TO ''
    AS $$
    select exists (select 1 from app.review_targets t
                    where t.target_key = 'post:' || p_post and t.held)
$$;

CREATE FUNCTION app.post_notifications() RETURNS trigger
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO ''
    AS $$
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

CREATE FUNCTION app.post_reaction_events() RETURNS trigger
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO ''
    AS $$
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

CREATE FUNCTION app.post_reaction_notifications() RETURNS trigger
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO ''
    AS $$
begin
    perform app.notify(app.post_author(new.post_id), 'reaction',
        (select p.circle_id from app.posts p where p.id = new.post_id),
        new.post_id, null, new.user_id, new.user_id);
    return null;
end
$$;

CREATE FUNCTION app.public_moderation_log(p_before bigint, p_limit integer) RETURNS TABLE(id bigint, at timestamp with time zone, action text, reason text, circle_name text, circle_slug text, post_id bigint, post_title text, comment_id bigint)
    LANGUAGE sql STABLE SECURITY DEFINER
    SET search_path TO ''
    AS $$
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

CREATE FUNCTION app.purge_member(p_member uuid, p_reason text) RETURNS bigint
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO ''
    AS $$
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

CREATE FUNCTION app.queue_media_deletion() RETURNS trigger
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO ''
    AS $$
begin
    insert into app.media_deletions (media_id, bucket, sizes)
    values (old.id, old.bucket, old.sizes);
    return old;
end
$$;

CREATE FUNCTION app.readable_circle_ids() RETURNS bigint[]
    LANGUAGE plpgsql STABLE SECURITY DEFINER
    SET search_path TO ''
    AS $$
begin
    return (select coalesce(array_agg(c.id), '{}')
              from app.circles c
             where c.visibility = 'public'
                or (c.visibility = 'members' and auth.uid() is not null)
                or app.is_site_staff()
                or exists (select 1 from app.circle_members m
                            where m.circle_id = c.id and m.user_id = auth.uid() and m.status = 'active'));
end
$$;

CREATE FUNCTION app.recent_reaction_scores(p_since timestamp with time zone) RETURNS TABLE(post_id bigint, score bigint)
    LANGUAGE sql STABLE SECURITY DEFINER
    SET search_path TO ''
    AS $$
    select r.post_id, count(*)
      from app.post_reactions r
      join app.posts p on p.id = r.post_id
     where r.created_at >= p_since
       and p.circle_id = any ((select app.readable_circle_ids())::bigint[])
     group by r.post_id
$$;

CREATE FUNCTION app.recent_standings(p_since timestamp with time zone) RETURNS TABLE(member_id uuid, standing bigint, changed_at timestamp with time zone)
    LANGUAGE sql STABLE SECURITY DEFINER
    SET search_path TO ''
    AS $$
    select m.member_id, coalesce((select s.id from app.standing_of(m.member_id) s), 0), m.changed_at
      from (select member_id, max(changed_at) as changed_at from app.sanctions
             where changed_at > p_since group by member_id) m
$$;

CREATE FUNCTION app.refuse_restricted_writer() RETURNS trigger
    LANGUAGE plpgsql
    SET search_path TO ''
    AS $$
declare
    v_kind text;
    v_ends timestamptz;
begin
    if current_user <> 'authenticated' or auth.uid() is null then
        return coalesce(new, old);
    end if;
    -- An edit that changes no words (a deletion, a counter) is not writing.
    -- (Each table's columns are read in its own branch: a trigger's row has only its own.)
    if tg_op = 'UPDATE' and tg_table_name = 'posts' then
        if (new.title, new.body) is not distinct from (old.title, old.body)
           or (new.deleted_at is not null and old.deleted_at is null) then
            return new;
        end if;
    elsif tg_op = 'UPDATE' and tg_table_name = 'comments' then
        if new.body is not distinct from old.body
           or (new.deleted_at is not null and old.deleted_at is null) then
            return new;
        end if;
    end if;
    select s.kind, s.ends_at into v_kind, v_ends
      from app.sanctions s
     where s.member_id = auth.uid() and s.lifted_at is null and s.kind <> 'warn'
       and s.starts_at <= now() and (s.ends_at is null or s.ends_at > now())
       and (s.kind <> 'silence' or tg_argv[0] = 'silence')
     order by case s.kind when 'ban' then 0 when 'suspend' then 1 else 2 end
     limit 1;
    if found then
        raise exception '%', format(
            'Your account is %s%s, so you can read but not %s. Your notifications say why.',
            case v_kind when 'silence' then 'silenced' when 'suspend' then 'suspended' else 'banned' end,
            case when v_ends is null then ''
                 else ' until ' || to_char(v_ends at time zone 'UTC', 'FMDD Mon YYYY, HH24:MI') || ' UTC' end,
            case when tg_argv[0] = 'silence' then 'post, reply or react' else 'make changes' end)
            using errcode = 'WS403';
    end if;
    return coalesce(new, old);
end
$$;

CREATE FUNCTION app.removed_texts_of(p_member uuid, p_kind text) RETURNS TABLE(id bigint)
    LANGUAGE sql STABLE
    SET search_path TO ''
    AS $$
    select p.id from app.posts p
     where p_kind = 'post' and p.removed_at is not null
       and (p.author_id = p_member
            or p.id in (select a.post_id from app.anonymous_authors a where a.author_id = p_member))
    union all
    select c.id from app.comments c
     where p_kind = 'comment' and c.removed_at is not null
       and (c.author_id = p_member
            or c.id in (select a.comment_id from app.anonymous_comment_authors a where a.author_id = p_member))
$$;

CREATE FUNCTION app.reply_depth(p_parent_id bigint, p_post_id bigint) RETURNS integer
    LANGUAGE sql STABLE SECURITY DEFINER
    SET search_path TO ''
    AS $$
    select case
             when not exists (select 1 from app.posts p
                               where p.id = p_post_id
                                 and p.circle_id = any ((select app.readable_circle_ids())::bigint[]))
               then null
             when p_parent_id is null then 0
             else (select c.depth + 1 from app.comments c
                    where c.id = p_parent_id and c.post_id = p_post_id)
           end
$$;

CREATE FUNCTION app.reporter_weights(p_reporters uuid[]) RETURNS TABLE(reporter_id uuid, weight numeric)
    LANGUAGE sql STABLE SECURITY DEFINER
    SET search_path TO ''
    AS $$
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

CREATE FUNCTION app.review_own(p_post bigint, p_comment bigint, p_hold boolean, p_word text) RETURNS void
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO ''
    AS $$
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

CREATE FUNCTION app.review_own_profile(p_word text) RETURNS void
    LANGUAGE sql SECURITY DEFINER
    SET search_path TO ''
    AS $$
    insert into app.reports (reporter_id, target, member_id, reason, details)
    select null, 'member', auth.uid(), 'watched', 'Watched word in their profile: ' || left(p_word, 200)
     where auth.uid() is not null
       and not exists (select 1 from app.reports r
                        where r.target_key = 'member:' || auth.uid() and r.status = 'open'
                          and r.reporter_id is null)
$$;

CREATE FUNCTION app.sanction(p_member uuid, p_kind text, p_reason text, p_days integer) RETURNS bigint
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO ''
    AS $$
declare
    v_reason text := btrim(coalesce(p_reason, ''));
    v_handle text;
    v_ends timestamptz;
    v_id bigint;
    v_resolved integer;
    v_subject text;
begin
    v_handle := app.guard_sanction(p_member);
    if p_kind not in ('warn', 'silence', 'suspend', 'ban') then
        raise exception 'Choose warn, silence, suspend or ban.' using errcode = '22023';
    end if;
    if char_length(v_reason) < 3 or char_length(v_reason) > 500 then
        raise exception 'Give a reason of 3 to 500 characters: the member is told it.' using errcode = '22023';
    end if;
    if p_kind in ('silence', 'suspend') and (p_days is null or p_days < 1 or p_days > 3650) then
        raise exception 'Give a period of 1 to 3650 days.' using errcode = '22023';
    end if;
    if p_kind = 'ban' and p_days is not null and (p_days < 1 or p_days > 3650) then
        raise exception 'Give a period of 1 to 3650 days, or none for a ban for good.' using errcode = '22023';
    end if;
    if p_kind <> 'warn' and p_days is not null then
        v_ends := now() + make_interval(days => p_days);
    end if;
    insert into app.sanctions (member_id, kind, reason, ends_at, actor_id)
    values (p_member, p_kind, v_reason, v_ends, auth.uid())
    returning id into v_id;

    if p_kind = 'ban' then
        update auth.sessions set revoked_at = now(), revoked_reason = 'banned'
         where user_id = p_member and revoked_at is null;
    end if;

    -- Reports about the member are settled by it (an at-risk report stays: outreach).
    with settled as (
        update app.reports set status = 'acted', resolved_at = now(), resolved_by = auth.uid()
         where target_key = 'member:' || p_member and status = 'open' and reason <> 'at_risk'
        returning 1)
    select count(*) into v_resolved from settled;

    v_subject := '@' || coalesce(v_handle, '') || case when v_ends is null then ''
        else ' until ' || to_char(v_ends at time zone 'UTC', 'FMDD Mon YYYY, HH24:MI') || ' UTC' end;
    insert into app.moderation_log (actor_id, action, reason, member_id, subject, reports_resolved, staff_only)
    values (auth.uid(), p_kind, v_reason, p_member, v_subject, v_resolved, true);

    -- The member is told what, why and until when (never who). A banned member cannot
    -- sign in to read it; the sign-in page tells them instead.
    insert into app.notifications (recipient_id, kind, moderation_action, moderation_reason, subject)
    values (p_member, 'moderation', p_kind, v_reason,
            case when v_ends is null then ''
                 else to_char(v_ends at time zone 'UTC', 'FMDD Mon YYYY, HH24:MI') || ' UTC' end);
    perform app.emit_event('notification.created', null, null, null, p_member, null);
    return v_id;
end
$$;

CREATE FUNCTION app.sanction_history(p_member uuid) RETURNS TABLE(id bigint, kind text, reason text, starts_at timestamp with time zone, ends_at timestamp with time zone, actor text, lifted_at timestamp with time zone, lifted_by text, lift_reason text, acknowledged_at timestamp with time zone)
    LANGUAGE sql STABLE SECURITY DEFINER
    SET search_path TO ''
    AS $$
    select s.id, s.kind, s.reason, s.starts_at, s.ends_at, a.handle, s.lifted_at, l.handle,
           s.lift_reason, s.acknowledged_at
      from app.sanctions s
      left join app.profiles a on a.user_id = s.actor_id
      left join app.profiles l on l.user_id = s.lifted_by
     where s.member_id = p_member and app.is_site_staff()
     order by s.id desc
     limit 100
$$;

CREATE FUNCTION app.search_post_ids(p_query tsquery, p_limit integer) RETURNS SETOF bigint
    LANGUAGE sql STABLE SECURITY DEFINER
    SET search_path TO ''
    AS $$
    select p.id from app.posts p
     where p.search @@ p_query and p.deleted_at is null
       and p.circle_id = any ((select app.readable_circle_ids())::bigint[])
     order by p.created_at desc
     limit least(greatest(p_limit, 0), 1000)
$$;

CREATE FUNCTION app.set_slow_mode(p_circle bigint, p_secs integer, p_reason text) RETURNS bigint
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO ''
    AS $$
declare
    v_reason text := btrim(coalesce(p_reason, ''));
    v_log bigint;
begin
    if auth.uid() is null or not (p_circle = any (app.moderated_circle_ids())) then
        raise exception 'only this circle''s moderators set its slow mode' using errcode = '42501';
    end if;
    if p_secs is null or p_secs < 0 or p_secs > 86400 then
        raise exception 'Slow mode is between off and one post a day.' using errcode = '22023';
    end if;
    if char_length(v_reason) < 3 or char_length(v_reason) > 500 then
        raise exception 'Give a reason of 3 to 500 characters: members read it in the log.' using errcode = '22023';
    end if;
    update app.circles set slow_mode_secs = p_secs where id = p_circle;
    insert into app.moderation_log (actor_id, action, reason, circle_id, subject)
    values (auth.uid(), 'slow_mode', v_reason, p_circle, 'Slow mode: ' || app.slow_mode_words(p_secs))
    returning id into v_log;
    return v_log;
end
$$;

CREATE FUNCTION app.settle_reports(p_target_key text, p_outcome text, p_reason text) RETURNS bigint
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO ''
    AS $$
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

CREATE FUNCTION app.slow_mode_words(p_secs integer) RETURNS text
    LANGUAGE sql IMMUTABLE
    SET search_path TO ''
    AS $$
    select case
        when p_secs <= 0 then 'off'
        when p_secs % 3600 = 0 then 'one post every ' || case p_secs / 3600 when 1 then 'hour' else (p_secs / 3600) || ' hours' end
        when p_secs % 60 = 0 then 'one post every ' || case p_secs / 60 when 1 then 'minute' else (p_secs / 60) || ' minutes' end
        else 'one post every ' || p_secs || ' seconds' end
$$;

CREATE FUNCTION app.standing_of(p_member uuid) RETURNS TABLE(id bigint, kind text, ends_at timestamp with time zone, reason text)
    LANGUAGE sql STABLE SECURITY DEFINER
    SET search_path TO ''
    AS $$
    select s.id, s.kind, s.ends_at, s.reason
      from app.sanctions s
     where s.member_id = p_member and s.lifted_at is null
       and ((s.kind <> 'warn' and s.starts_at <= now() and (s.ends_at is null or s.ends_at > now()))
            or (s.kind = 'warn' and s.acknowledged_at is null))
     order by case s.kind when 'ban' then 0 when 'suspend' then 1 when 'silence' then 2 else 3 end,
              s.ends_at desc nulls first, s.id desc
     limit 1
$$;

CREATE FUNCTION app.summarize_review_target(p_key text) RETURNS void
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO ''
    AS $$
declare
    v_nobody constant uuid := '00000000-0000-0000-0000-000000000000';
begin
    perform pg_advisory_xact_lock(hashtextextended('review_target:' || p_key, 0));
    delete from app.review_targets where target_key = p_key;
    insert into app.review_targets (target_key, target, post_id, comment_id, member_id, circle_id,
                                    reporters, score, at_risk, held, oldest,
                                    plain_reporters, plain_score, plain_oldest)
    select p_key, min(r.target), min(r.post_id), min(r.comment_id), (array_agg(r.member_id))[1],
           min(r.circle_id),
           count(distinct coalesce(r.reporter_id, v_nobody)), sum(r.weight)::float8,
           bool_or(r.reason = 'at_risk'), bool_or(r.reason = 'held'), min(r.created_at),
           count(distinct coalesce(r.reporter_id, v_nobody)) filter (where r.reason <> 'at_risk'),
           coalesce(sum(r.weight) filter (where r.reason <> 'at_risk'), 0)::float8,
           min(r.created_at) filter (where r.reason <> 'at_risk')
      from app.reports r
     where r.target_key = p_key and r.status = 'open'
    having count(*) > 0;
end
$$;

CREATE FUNCTION app.weigh_report() RETURNS trigger
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO ''
    AS $$
begin
    if new.reporter_id is null then
        new.weight := 1;
    else
        select round((count(*) filter (where r.status = 'acted') + 1)::numeric
                     / (count(*) filter (where r.status in ('acted', 'dismissed')) + 2), 3)
          into new.weight
          from app.reports r
         where r.reporter_id = new.reporter_id and r.reason <> 'at_risk';
    end if;
    return new;
end
$$;

CREATE FUNCTION auth.announce_session_end() RETURNS trigger
    LANGUAGE plpgsql
    SET search_path TO ''
    AS $$
begin
    if tg_op = 'DELETE' or (old.revoked_at is null and new.revoked_at is not null) then
        perform pg_notify('wellspring_revocations',
            json_build_object('session', old.id, 'at', extract(epoch from now()))::text);
    end if;
    return null;
end
$$;

CREATE FUNCTION auth.audit_log_is_append_only() RETURNS trigger
    LANGUAGE plpgsql
    SET search_path TO ''
    AS $$
begin
    raise exception 'the audit log is append-only';
end
$$;

CREATE FUNCTION auth.forget_reveals_of_ended_session() RETURNS trigger
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO ''
    AS $$
begin
    delete from auth.recovery_code_reveals where session_id = new.id;
    return null;
end
$$;

CREATE FUNCTION auth.jwt() RETURNS jsonb
    LANGUAGE sql STABLE
    SET search_path TO ''
    AS $$
    select coalesce(nullif(current_setting('request.jwt.claims', true), ''), '{}')::jsonb
$$;

CREATE FUNCTION auth.keep_an_admin() RETURNS trigger
    LANGUAGE plpgsql
    SET search_path TO ''
    AS $$
begin
    if old.role = 'admin' and new.role <> 'admin' then
        perform 1 from auth.users where role = 'admin' for update;
        if not exists (select 1 from auth.users where role = 'admin' and id <> old.id) then
            raise exception 'This is the last admin: make someone else an admin first.'
                using errcode = '22023';
        end if;
    end if;
    return new;
end
$$;

CREATE FUNCTION auth.role() RETURNS text
    LANGUAGE sql STABLE
    SET search_path TO ''
    AS $$
    select coalesce(nullif(auth.jwt() ->> 'role', ''), current_setting('role', true))
$$;

CREATE FUNCTION auth.stamp_role_change() RETURNS trigger
    LANGUAGE plpgsql
    SET search_path TO ''
    AS $$
begin
    if new.role is distinct from old.role then
        new.role_changed_at := now();
        perform pg_notify('wellspring_revocations',
            json_build_object('user', new.id, 'role', new.role, 'at', extract(epoch from now()))::text);
    end if;
    return new;
end
$$;

CREATE FUNCTION auth.uid() RETURNS uuid
    LANGUAGE sql STABLE
    SET search_path TO ''
    AS $$
    select nullif(auth.jwt() ->> 'sub', '')::uuid
$$;

CREATE TABLE app.anonymous_authors (
    post_id bigint NOT NULL,
    author_id uuid NOT NULL
);

ALTER TABLE ONLY app.anonymous_authors FORCE ROW LEVEL SECURITY;

CREATE TABLE app.anonymous_comment_authors (
    comment_id bigint NOT NULL,
    author_id uuid NOT NULL
);

ALTER TABLE ONLY app.anonymous_comment_authors FORCE ROW LEVEL SECURITY;

CREATE TABLE app.bookmarks (
    user_id uuid NOT NULL,
    post_id bigint NOT NULL,
    created_at timestamp with time zone DEFAULT now() NOT NULL
);

ALTER TABLE ONLY app.bookmarks FORCE ROW LEVEL SECURITY;

CREATE TABLE app.circle_follows (
    circle_id bigint NOT NULL,
    user_id uuid NOT NULL,
    created_at timestamp with time zone DEFAULT now() NOT NULL
);

ALTER TABLE ONLY app.circle_follows FORCE ROW LEVEL SECURITY;

CREATE TABLE app.circle_members (
    circle_id bigint NOT NULL,
    user_id uuid NOT NULL,
    role text DEFAULT 'member'::text NOT NULL,
    status text DEFAULT 'active'::text NOT NULL,
    created_at timestamp with time zone DEFAULT now() NOT NULL,
    CONSTRAINT circle_members_role_check CHECK ((role = ANY (ARRAY['member'::text, 'moderator'::text]))),
    CONSTRAINT circle_members_status_check CHECK ((status = ANY (ARRAY['active'::text, 'pending'::text])))
);

ALTER TABLE ONLY app.circle_members FORCE ROW LEVEL SECURITY;

CREATE TABLE app.circles (
    id bigint NOT NULL,
    slug text NOT NULL,
    name text NOT NULL,
    description text DEFAULT ''::text NOT NULL,
    visibility text DEFAULT 'public'::text NOT NULL,
    is_support boolean DEFAULT false NOT NULL,
    created_by uuid,
    created_at timestamp with time zone DEFAULT now() NOT NULL,
    member_count integer DEFAULT 0 NOT NULL,
    post_count integer DEFAULT 0 NOT NULL,
    slow_mode_secs integer DEFAULT 0 NOT NULL,
    CONSTRAINT circles_description_check CHECK ((char_length(description) <= 500)),
    CONSTRAINT circles_name_check CHECK (((char_length(name) >= 3) AND (char_length(name) <= 60))),
    CONSTRAINT circles_slow_mode_secs_check CHECK (((slow_mode_secs >= 0) AND (slow_mode_secs <= 86400))),
    CONSTRAINT circles_slug_check CHECK (((slug ~ '^[a-z0-9]+(-[a-z0-9]+)*$'::text) AND ((length(slug) >= 3) AND (length(slug) <= 40)))),
    CONSTRAINT circles_visibility_check CHECK ((visibility = ANY (ARRAY['public'::text, 'members'::text, 'private'::text])))
);

ALTER TABLE ONLY app.circles FORCE ROW LEVEL SECURITY;

ALTER TABLE app.circles ALTER COLUMN id ADD GENERATED ALWAYS AS IDENTITY (
    SEQUENCE NAME app.circles_id_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1
);

CREATE TABLE app.comment_reactions (
    comment_id bigint NOT NULL,
    user_id uuid NOT NULL,
    kind text NOT NULL,
    created_at timestamp with time zone DEFAULT now() NOT NULL,
    CONSTRAINT comment_reactions_kind_check CHECK ((kind = ANY (ARRAY['support'::text, 'grateful'::text, 'insightful'::text, 'hug'::text])))
);

ALTER TABLE ONLY app.comment_reactions FORCE ROW LEVEL SECURITY;

CREATE TABLE app.comment_revisions (
    id bigint NOT NULL,
    comment_id bigint NOT NULL,
    body text NOT NULL,
    written_at timestamp with time zone NOT NULL,
    replaced_at timestamp with time zone DEFAULT now() NOT NULL
);

ALTER TABLE ONLY app.comment_revisions FORCE ROW LEVEL SECURITY;

ALTER TABLE app.comment_revisions ALTER COLUMN id ADD GENERATED ALWAYS AS IDENTITY (
    SEQUENCE NAME app.comment_revisions_id_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1
);

CREATE TABLE app.comments (
    id bigint NOT NULL,
    post_id bigint NOT NULL,
    parent_id bigint,
    author_id uuid,
    body text NOT NULL,
    body_html text NOT NULL,
    depth integer DEFAULT 0 NOT NULL,
    created_at timestamp with time zone DEFAULT now() NOT NULL,
    edited_at timestamp with time zone,
    deleted_at timestamp with time zone,
    support_count integer DEFAULT 0 NOT NULL,
    grateful_count integer DEFAULT 0 NOT NULL,
    insightful_count integer DEFAULT 0 NOT NULL,
    hug_count integer DEFAULT 0 NOT NULL,
    is_anonymous boolean DEFAULT false NOT NULL,
    removed_at timestamp with time zone,
    CONSTRAINT comments_anonymous_has_no_author CHECK (((NOT is_anonymous) OR (author_id IS NULL))),
    CONSTRAINT comments_body_check CHECK ((char_length(body) <= 10000)),
    CONSTRAINT comments_body_present CHECK (((deleted_at IS NOT NULL) OR (char_length(body) >= 1))),
    CONSTRAINT comments_depth_check CHECK (((depth >= 0) AND (depth <= 1000)))
);

ALTER TABLE ONLY app.comments FORCE ROW LEVEL SECURITY;

ALTER TABLE app.comments ALTER COLUMN id ADD GENERATED ALWAYS AS IDENTITY (
    SEQUENCE NAME app.comments_id_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1
);

CREATE TABLE app.events (
    id bigint NOT NULL,
    kind text NOT NULL,
    circle_id bigint,
    post_id bigint,
    comment_id bigint,
    subject_user_id uuid,
    actor_id uuid,
    created_at timestamp with time zone DEFAULT now() NOT NULL,
    CONSTRAINT events_kind_check CHECK ((kind ~ '^[a-z_]+\.[a-z_]+$'::text))
);

ALTER TABLE ONLY app.events FORCE ROW LEVEL SECURITY;

ALTER TABLE app.events ALTER COLUMN id ADD GENERATED ALWAYS AS IDENTITY (
    SEQUENCE NAME app.events_id_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1
);

CREATE TABLE app.feature_flags (
    key text NOT NULL,
    enabled boolean DEFAULT true NOT NULL,
    updated_by uuid,
    updated_at timestamp with time zone DEFAULT now() NOT NULL,
    CONSTRAINT feature_flags_key_check CHECK ((key = ANY (ARRAY['sign_ups'::text, 'posting'::text, 'live_updates'::text])))
);

ALTER TABLE ONLY app.feature_flags FORCE ROW LEVEL SECURITY;

CREATE TABLE app.form_submissions (
    user_id uuid NOT NULL,
    key uuid NOT NULL,
    result text,
    created_at timestamp with time zone DEFAULT now() NOT NULL,
    CONSTRAINT form_submissions_result_check CHECK ((char_length(result) <= 500))
);

ALTER TABLE ONLY app.form_submissions FORCE ROW LEVEL SECURITY;

CREATE TABLE app.job_schedules (
    name text NOT NULL,
    last_period_at timestamp with time zone NOT NULL
);

ALTER TABLE ONLY app.job_schedules FORCE ROW LEVEL SECURITY;

CREATE TABLE app.jobs (
    id bigint NOT NULL,
    kind text NOT NULL,
    payload jsonb DEFAULT '{}'::jsonb NOT NULL,
    run_at timestamp with time zone DEFAULT now() NOT NULL,
    attempts integer DEFAULT 0 NOT NULL,
    max_attempts integer DEFAULT 10 NOT NULL,
    dedupe_key text,
    last_error text,
    created_at timestamp with time zone DEFAULT now() NOT NULL,
    failed_at timestamp with time zone,
    CONSTRAINT jobs_dedupe_key_check CHECK ((char_length(dedupe_key) <= 200)),
    CONSTRAINT jobs_kind_check CHECK ((kind ~ '^[a-z_.]+$'::text)),
    CONSTRAINT jobs_max_attempts_check CHECK (((max_attempts >= 1) AND (max_attempts <= 100)))
);

ALTER TABLE ONLY app.jobs FORCE ROW LEVEL SECURITY;

ALTER TABLE app.jobs ALTER COLUMN id ADD GENERATED ALWAYS AS IDENTITY (
    SEQUENCE NAME app.jobs_id_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1
);

CREATE TABLE app.media_deletions (
    media_id uuid NOT NULL,
    bucket text NOT NULL,
    sizes integer[] NOT NULL,
    queued_at timestamp with time zone DEFAULT now() NOT NULL
);

ALTER TABLE ONLY app.media_deletions FORCE ROW LEVEL SECURITY;

CREATE TABLE app.media_objects (
    id uuid DEFAULT gen_random_uuid() NOT NULL,
    bucket text NOT NULL,
    owner_id uuid NOT NULL,
    content_type text NOT NULL,
    width integer NOT NULL,
    height integer NOT NULL,
    bytes bigint NOT NULL,
    sizes integer[] NOT NULL,
    alt text DEFAULT ''::text NOT NULL,
    post_id bigint,
    comment_id bigint,
    created_at timestamp with time zone DEFAULT now() NOT NULL,
    CONSTRAINT media_objects_alt_check CHECK ((char_length(alt) <= 500)),
    CONSTRAINT media_objects_bucket_check CHECK ((bucket = ANY (ARRAY['avatars'::text, 'post-media'::text, 'private'::text]))),
    CONSTRAINT media_objects_bytes_check CHECK (((bytes >= 1) AND (bytes <= 100000000))),
    CONSTRAINT media_objects_content_type_check CHECK ((content_type = ANY (ARRAY['image/jpeg'::text, 'image/webp'::text]))),
    CONSTRAINT media_objects_height_check CHECK (((height >= 1) AND (height <= 20000))),
    CONSTRAINT media_objects_one_place CHECK (((post_id IS NULL) OR (comment_id IS NULL))),
    CONSTRAINT media_objects_only_post_media_attached CHECK (((bucket = 'post-media'::text) OR ((post_id IS NULL) AND (comment_id IS NULL)))),
    CONSTRAINT media_objects_sizes_check CHECK (((cardinality(sizes) >= 1) AND (cardinality(sizes) <= 8))),
    CONSTRAINT media_objects_width_check CHECK (((width >= 1) AND (width <= 20000)))
);

ALTER TABLE ONLY app.media_objects FORCE ROW LEVEL SECURITY;

CREATE TABLE app.moderation_log (
    id bigint NOT NULL,
    at timestamp with time zone DEFAULT now() NOT NULL,
    actor_id uuid,
    action text NOT NULL,
    reason text NOT NULL,
    circle_id bigint,
    post_id bigint,
    comment_id bigint,
    member_id uuid,
    subject text DEFAULT ''::text NOT NULL,
    reports_resolved integer DEFAULT 0 NOT NULL,
    staff_only boolean DEFAULT false NOT NULL,
    CONSTRAINT moderation_log_action_check CHECK ((action = ANY (ARRAY['remove_post'::text, 'hide_post'::text, 'restore_post'::text, 'remove_comment'::text, 'hide_comment'::text, 'restore_comment'::text, 'lock'::text, 'unlock'::text, 'pin'::text, 'unpin'::text, 'dismiss_reports'::text, 'ignore_reports'::text, 'warn'::text, 'silence'::text, 'suspend'::text, 'ban'::text, 'lift'::text, 'purge'::text, 'hold_post'::text, 'hold_comment'::text, 'slow_mode'::text, 'move_post'::text, 'approve_post'::text, 'approve_comment'::text]))),
    CONSTRAINT moderation_log_reason_check CHECK (((char_length(reason) >= 3) AND (char_length(reason) <= 500)))
);

ALTER TABLE ONLY app.moderation_log FORCE ROW LEVEL SECURITY;

ALTER TABLE app.moderation_log ALTER COLUMN id ADD GENERATED ALWAYS AS IDENTITY (
    SEQUENCE NAME app.moderation_log_id_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1
);

CREATE TABLE app.muted_members (
    user_id uuid NOT NULL,
    muted_id uuid NOT NULL,
    created_at timestamp with time zone DEFAULT now() NOT NULL,
    CONSTRAINT muted_members_not_self CHECK ((user_id <> muted_id))
);

ALTER TABLE ONLY app.muted_members FORCE ROW LEVEL SECURITY;

CREATE TABLE app.notification_digests (
    user_id uuid NOT NULL,
    frequency text DEFAULT 'off'::text NOT NULL,
    covered_until timestamp with time zone DEFAULT now() NOT NULL,
    next_due_at timestamp with time zone,
    last_sent_at timestamp with time zone,
    updated_at timestamp with time zone DEFAULT now() NOT NULL,
    CONSTRAINT notification_digests_frequency_check CHECK ((frequency = ANY (ARRAY['off'::text, 'daily'::text, 'weekly'::text])))
);

ALTER TABLE ONLY app.notification_digests FORCE ROW LEVEL SECURITY;

CREATE TABLE app.notification_levels (
    user_id uuid NOT NULL,
    circle_id bigint,
    post_id bigint,
    level text NOT NULL,
    updated_at timestamp with time zone DEFAULT now() NOT NULL,
    CONSTRAINT notification_levels_level_check CHECK ((level = ANY (ARRAY['all'::text, 'normal'::text, 'mute'::text]))),
    CONSTRAINT notification_levels_one_target CHECK (((circle_id IS NULL) <> (post_id IS NULL)))
);

ALTER TABLE ONLY app.notification_levels FORCE ROW LEVEL SECURITY;

CREATE TABLE app.notifications (
    id bigint NOT NULL,
    recipient_id uuid NOT NULL,
    kind text NOT NULL,
    circle_id bigint,
    post_id bigint,
    comment_id bigint,
    actor_id uuid,
    actor_ids uuid[] DEFAULT '{}'::uuid[] NOT NULL,
    sort_key bigint NOT NULL,
    created_at timestamp with time zone DEFAULT now() NOT NULL,
    updated_at timestamp with time zone DEFAULT now() NOT NULL,
    read_at timestamp with time zone,
    moderation_action text,
    moderation_reason text,
    subject text,
    CONSTRAINT notifications_kind_check CHECK ((kind = ANY (ARRAY['reply'::text, 'comment_reply'::text, 'mention'::text, 'reaction'::text, 'join_approved'::text, 'join_declined'::text, 'activity'::text, 'new_post'::text, 'moderation'::text, 'report_outcome'::text])))
);

ALTER TABLE ONLY app.notifications FORCE ROW LEVEL SECURITY;

CREATE SEQUENCE app.notification_order
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1;

ALTER SEQUENCE app.notification_order OWNED BY app.notifications.sort_key;

ALTER TABLE app.notifications ALTER COLUMN id ADD GENERATED ALWAYS AS IDENTITY (
    SEQUENCE NAME app.notifications_id_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1
);

CREATE TABLE app.outbox_emails (
    id bigint NOT NULL,
    to_address text NOT NULL,
    subject text NOT NULL,
    body_text text NOT NULL,
    created_at timestamp with time zone DEFAULT now() NOT NULL,
    attempts integer DEFAULT 0 NOT NULL,
    next_attempt_at timestamp with time zone DEFAULT now() NOT NULL,
    sent_at timestamp with time zone,
    last_error text,
    list_unsubscribe text
);

ALTER TABLE ONLY app.outbox_emails FORCE ROW LEVEL SECURITY;

ALTER TABLE app.outbox_emails ALTER COLUMN id ADD GENERATED ALWAYS AS IDENTITY (
    SEQUENCE NAME app.outbox_emails_id_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1
);

CREATE TABLE app.post_reactions (
    post_id bigint NOT NULL,
    user_id uuid NOT NULL,
    kind text NOT NULL,
    created_at timestamp with time zone DEFAULT now() NOT NULL,
    CONSTRAINT post_reactions_kind_check CHECK ((kind = ANY (ARRAY['support'::text, 'grateful'::text, 'insightful'::text, 'hug'::text])))
);

ALTER TABLE ONLY app.post_reactions FORCE ROW LEVEL SECURITY;

CREATE TABLE app.post_revisions (
    id bigint NOT NULL,
    post_id bigint NOT NULL,
    title text NOT NULL,
    body text NOT NULL,
    content_warning text,
    written_at timestamp with time zone NOT NULL,
    replaced_at timestamp with time zone DEFAULT now() NOT NULL
);

ALTER TABLE ONLY app.post_revisions FORCE ROW LEVEL SECURITY;

ALTER TABLE app.post_revisions ALTER COLUMN id ADD GENERATED ALWAYS AS IDENTITY (
    SEQUENCE NAME app.post_revisions_id_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1
);

CREATE TABLE app.posts (
    id bigint NOT NULL,
    circle_id bigint NOT NULL,
    author_id uuid,
    is_anonymous boolean DEFAULT false NOT NULL,
    title text NOT NULL,
    body text NOT NULL,
    body_html text NOT NULL,
    content_warning text,
    pinned boolean DEFAULT false NOT NULL,
    locked boolean DEFAULT false NOT NULL,
    created_at timestamp with time zone DEFAULT now() NOT NULL,
    edited_at timestamp with time zone,
    deleted_at timestamp with time zone,
    last_activity_at timestamp with time zone DEFAULT now() NOT NULL,
    comment_count integer DEFAULT 0 NOT NULL,
    support_count integer DEFAULT 0 NOT NULL,
    grateful_count integer DEFAULT 0 NOT NULL,
    insightful_count integer DEFAULT 0 NOT NULL,
    hug_count integer DEFAULT 0 NOT NULL,
    search tsvector GENERATED ALWAYS AS ((setweight(to_tsvector('english'::regconfig, title), 'A'::"char") || setweight(to_tsvector('english'::regconfig, body), 'B'::"char"))) STORED,
    removed_at timestamp with time zone,
    CONSTRAINT posts_anonymous_has_no_author CHECK (((NOT is_anonymous) OR (author_id IS NULL))),
    CONSTRAINT posts_body_check CHECK ((char_length(body) <= 20000)),
    CONSTRAINT posts_body_present CHECK (((deleted_at IS NOT NULL) OR (char_length(body) >= 1))),
    CONSTRAINT posts_content_warning_check CHECK (((char_length(content_warning) >= 1) AND (char_length(content_warning) <= 120))),
    CONSTRAINT posts_title_check CHECK (((char_length(title) >= 1) AND (char_length(title) <= 200)))
);

ALTER TABLE ONLY app.posts FORCE ROW LEVEL SECURITY;

ALTER TABLE app.posts ALTER COLUMN id ADD GENERATED ALWAYS AS IDENTITY (
    SEQUENCE NAME app.posts_id_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1
);

CREATE TABLE app.profiles (
    user_id uuid NOT NULL,
    handle text NOT NULL,
    display_name text NOT NULL,
    bio text DEFAULT ''::text NOT NULL,
    pronouns text DEFAULT ''::text NOT NULL,
    created_at timestamp with time zone DEFAULT now() NOT NULL,
    updated_at timestamp with time zone DEFAULT now() NOT NULL,
    interests text[] DEFAULT '{}'::text[] NOT NULL,
    modalities text[] DEFAULT '{}'::text[] NOT NULL,
    credentials text DEFAULT ''::text NOT NULL,
    booking_url text DEFAULT ''::text NOT NULL,
    is_verified boolean DEFAULT false NOT NULL,
    avatar_id uuid,
    CONSTRAINT profiles_bio_check CHECK ((length(bio) <= 2000)),
    CONSTRAINT profiles_booking_url_check CHECK ((char_length(booking_url) <= 300)),
    CONSTRAINT profiles_credentials_check CHECK ((char_length(credentials) <= 500)),
    CONSTRAINT profiles_display_name_check CHECK (((length(display_name) >= 1) AND (length(display_name) <= 60))),
    CONSTRAINT profiles_handle_check CHECK ((handle ~ '^[a-z0-9_]{3,30}$'::text)),
    CONSTRAINT profiles_interests_check CHECK ((cardinality(interests) <= 12)),
    CONSTRAINT profiles_modalities_check CHECK ((cardinality(modalities) <= 12)),
    CONSTRAINT profiles_pronouns_check CHECK ((length(pronouns) <= 40))
);

ALTER TABLE ONLY app.profiles FORCE ROW LEVEL SECURITY;

CREATE TABLE app.removed_texts (
    id bigint NOT NULL,
    post_id bigint,
    comment_id bigint,
    title text,
    body text NOT NULL,
    body_html text NOT NULL,
    content_warning text,
    removed_at timestamp with time zone DEFAULT now() NOT NULL,
    CONSTRAINT removed_texts_one_target CHECK (((post_id IS NULL) <> (comment_id IS NULL)))
);

ALTER TABLE ONLY app.removed_texts FORCE ROW LEVEL SECURITY;

ALTER TABLE app.removed_texts ALTER COLUMN id ADD GENERATED ALWAYS AS IDENTITY (
    SEQUENCE NAME app.removed_texts_id_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1
);

CREATE TABLE app.reports (
    id bigint NOT NULL,
    reporter_id uuid,
    target text NOT NULL,
    post_id bigint,
    comment_id bigint,
    member_id uuid,
    circle_id bigint,
    reason text NOT NULL,
    details text DEFAULT ''::text NOT NULL,
    status text DEFAULT 'open'::text NOT NULL,
    created_at timestamp with time zone DEFAULT now() NOT NULL,
    resolved_at timestamp with time zone,
    resolved_by uuid,
    target_key text GENERATED ALWAYS AS (((target || ':'::text) || COALESCE((comment_id)::text,
CASE
    WHEN (target = 'post'::text) THEN (post_id)::text
    ELSE NULL::text
END, (member_id)::text))) STORED,
    weight numeric(4,3) DEFAULT 0.5 NOT NULL,
    CONSTRAINT reports_automatic CHECK (((reporter_id IS NULL) = (reason = ANY (ARRAY['watched'::text, 'held'::text])))),
    CONSTRAINT reports_details_check CHECK ((char_length(details) <= 1000)),
    CONSTRAINT reports_reason_check CHECK ((reason = ANY (ARRAY['spam'::text, 'harassment'::text, 'misinformation'::text, 'off_topic'::text, 'other'::text, 'at_risk'::text, 'watched'::text, 'held'::text]))),
    CONSTRAINT reports_resolution CHECK (((status = 'open'::text) = (resolved_at IS NULL))),
    CONSTRAINT reports_status_check CHECK ((status = ANY (ARRAY['open'::text, 'acted'::text, 'dismissed'::text, 'ignored'::text]))),
    CONSTRAINT reports_target_check CHECK ((target = ANY (ARRAY['post'::text, 'comment'::text, 'member'::text]))),
    CONSTRAINT reports_target_shape CHECK ((((target = 'post'::text) AND (post_id IS NOT NULL) AND (comment_id IS NULL) AND (member_id IS NULL)) OR ((target = 'comment'::text) AND (post_id IS NOT NULL) AND (comment_id IS NOT NULL) AND (member_id IS NULL)) OR ((target = 'member'::text) AND (post_id IS NULL) AND (comment_id IS NULL) AND (member_id IS NOT NULL)))),
    CONSTRAINT reports_weight_check CHECK (((weight > (0)::numeric) AND (weight <= (1)::numeric)))
);

ALTER TABLE ONLY app.reports FORCE ROW LEVEL SECURITY;

ALTER TABLE app.reports ALTER COLUMN id ADD GENERATED ALWAYS AS IDENTITY (
    SEQUENCE NAME app.reports_id_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1
);

CREATE TABLE app.review_targets (
    target_key text NOT NULL,
    target text NOT NULL,
    post_id bigint,
    comment_id bigint,
    member_id uuid,
    circle_id bigint,
    reporters integer NOT NULL,
    score double precision NOT NULL,
    at_risk boolean NOT NULL,
    held boolean NOT NULL,
    oldest timestamp with time zone NOT NULL,
    plain_reporters integer NOT NULL,
    plain_score double precision NOT NULL,
    plain_oldest timestamp with time zone
);

ALTER TABLE ONLY app.review_targets FORCE ROW LEVEL SECURITY;

CREATE TABLE app.sanctions (
    id bigint NOT NULL,
    member_id uuid NOT NULL,
    kind text NOT NULL,
    reason text NOT NULL,
    starts_at timestamp with time zone DEFAULT now() NOT NULL,
    ends_at timestamp with time zone,
    actor_id uuid,
    created_at timestamp with time zone DEFAULT now() NOT NULL,
    lifted_at timestamp with time zone,
    lifted_by uuid,
    lift_reason text,
    acknowledged_at timestamp with time zone,
    changed_at timestamp with time zone DEFAULT now() NOT NULL,
    CONSTRAINT sanctions_acknowledged CHECK (((acknowledged_at IS NULL) OR (kind = 'warn'::text))),
    CONSTRAINT sanctions_kind_check CHECK ((kind = ANY (ARRAY['warn'::text, 'silence'::text, 'suspend'::text, 'ban'::text]))),
    CONSTRAINT sanctions_lift_reason_check CHECK (((char_length(lift_reason) >= 3) AND (char_length(lift_reason) <= 500))),
    CONSTRAINT sanctions_lifted CHECK (((lifted_at IS NULL) = (lift_reason IS NULL))),
    CONSTRAINT sanctions_period CHECK (((ends_at IS NULL) OR (ends_at > starts_at))),
    CONSTRAINT sanctions_reason_check CHECK (((char_length(reason) >= 3) AND (char_length(reason) <= 500))),
    CONSTRAINT sanctions_shape CHECK ((((kind = 'warn'::text) AND (ends_at IS NULL)) OR ((kind = ANY (ARRAY['silence'::text, 'suspend'::text])) AND (ends_at IS NOT NULL)) OR (kind = 'ban'::text)))
);

ALTER TABLE ONLY app.sanctions FORCE ROW LEVEL SECURITY;

ALTER TABLE app.sanctions ALTER COLUMN id ADD GENERATED ALWAYS AS IDENTITY (
    SEQUENCE NAME app.sanctions_id_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1
);

CREATE TABLE app.staff_notes (
    id bigint NOT NULL,
    member_id uuid NOT NULL,
    author_id uuid,
    body text NOT NULL,
    created_at timestamp with time zone DEFAULT now() NOT NULL,
    CONSTRAINT staff_notes_body_check CHECK (((char_length(btrim(body)) >= 1) AND (char_length(btrim(body)) <= 2000)))
);

ALTER TABLE ONLY app.staff_notes FORCE ROW LEVEL SECURITY;

ALTER TABLE app.staff_notes ALTER COLUMN id ADD GENERATED ALWAYS AS IDENTITY (
    SEQUENCE NAME app.staff_notes_id_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1
);

CREATE TABLE app.watched_words (
    id bigint NOT NULL,
    pattern text NOT NULL,
    is_regex boolean DEFAULT false NOT NULL,
    action text NOT NULL,
    created_by uuid,
    created_at timestamp with time zone DEFAULT now() NOT NULL,
    CONSTRAINT watched_words_action_check CHECK ((action = ANY (ARRAY['block'::text, 'censor'::text, 'flag'::text, 'hold'::text]))),
    CONSTRAINT watched_words_pattern_check CHECK (((char_length(btrim(pattern)) >= 1) AND (char_length(btrim(pattern)) <= 200)))
);

ALTER TABLE ONLY app.watched_words FORCE ROW LEVEL SECURITY;

ALTER TABLE app.watched_words ALTER COLUMN id ADD GENERATED ALWAYS AS IDENTITY (
    SEQUENCE NAME app.watched_words_id_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1
);

CREATE TABLE auth.audit_log (
    id bigint NOT NULL,
    at timestamp with time zone DEFAULT now() NOT NULL,
    actor uuid,
    subject uuid,
    event text NOT NULL,
    ip inet,
    request_id text,
    detail jsonb DEFAULT '{}'::jsonb NOT NULL
);

ALTER TABLE ONLY auth.audit_log FORCE ROW LEVEL SECURITY;

ALTER TABLE auth.audit_log ALTER COLUMN id ADD GENERATED ALWAYS AS IDENTITY (
    SEQUENCE NAME auth.audit_log_id_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1
);

CREATE TABLE auth.identities (
    id uuid DEFAULT gen_random_uuid() NOT NULL,
    user_id uuid NOT NULL,
    provider text NOT NULL,
    subject text NOT NULL,
    email text NOT NULL,
    created_at timestamp with time zone DEFAULT now() NOT NULL,
    CONSTRAINT identities_email_check CHECK (((length(email) >= 3) AND (length(email) <= 254))),
    CONSTRAINT identities_provider_check CHECK ((provider = ANY (ARRAY['google'::text, 'github'::text]))),
    CONSTRAINT identities_subject_check CHECK (((length(subject) >= 1) AND (length(subject) <= 255)))
);

ALTER TABLE ONLY auth.identities FORCE ROW LEVEL SECURITY;

CREATE TABLE auth.mfa_factors (
    id uuid DEFAULT gen_random_uuid() NOT NULL,
    user_id uuid NOT NULL,
    secret_ciphertext bytea NOT NULL,
    status text DEFAULT 'unverified'::text NOT NULL,
    last_used_step bigint,
    created_at timestamp with time zone DEFAULT now() NOT NULL,
    CONSTRAINT mfa_factors_status_check CHECK ((status = ANY (ARRAY['unverified'::text, 'verified'::text])))
);

ALTER TABLE ONLY auth.mfa_factors FORCE ROW LEVEL SECURITY;

CREATE TABLE auth.one_time_tokens (
    id bigint NOT NULL,
    user_id uuid NOT NULL,
    purpose text NOT NULL,
    token_hash bytea NOT NULL,
    new_email text,
    created_at timestamp with time zone DEFAULT now() NOT NULL,
    expires_at timestamp with time zone NOT NULL,
    used_at timestamp with time zone,
    binding_hash bytea,
    CONSTRAINT one_time_tokens_purpose_check CHECK ((purpose = ANY (ARRAY['confirm_email'::text, 'reset_password'::text, 'magic_link'::text, 'change_email'::text, 'cancel_email_change'::text])))
);

ALTER TABLE ONLY auth.one_time_tokens FORCE ROW LEVEL SECURITY;

ALTER TABLE auth.one_time_tokens ALTER COLUMN id ADD GENERATED ALWAYS AS IDENTITY (
    SEQUENCE NAME auth.one_time_tokens_id_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1
);

CREATE TABLE auth.rate_limits (
    bucket text NOT NULL,
    window_start timestamp with time zone NOT NULL,
    hits integer DEFAULT 0 NOT NULL
);

ALTER TABLE ONLY auth.rate_limits FORCE ROW LEVEL SECURITY;

CREATE TABLE auth.recovery_code_reveals (
    session_id uuid NOT NULL,
    user_id uuid NOT NULL,
    sealed_codes bytea NOT NULL,
    expires_at timestamp with time zone NOT NULL
);

ALTER TABLE ONLY auth.recovery_code_reveals FORCE ROW LEVEL SECURITY;

CREATE TABLE auth.recovery_codes (
    id bigint NOT NULL,
    user_id uuid NOT NULL,
    code_hash bytea NOT NULL,
    used_at timestamp with time zone
);

ALTER TABLE ONLY auth.recovery_codes FORCE ROW LEVEL SECURITY;

ALTER TABLE auth.recovery_codes ALTER COLUMN id ADD GENERATED ALWAYS AS IDENTITY (
    SEQUENCE NAME auth.recovery_codes_id_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1
);

CREATE TABLE auth.refresh_tokens (
    id bigint NOT NULL,
    session_id uuid NOT NULL,
    token_hash bytea NOT NULL,
    parent_id bigint,
    sealed_child bytea,
    created_at timestamp with time zone DEFAULT now() NOT NULL,
    used_at timestamp with time zone
);

ALTER TABLE ONLY auth.refresh_tokens FORCE ROW LEVEL SECURITY;

ALTER TABLE auth.refresh_tokens ALTER COLUMN id ADD GENERATED ALWAYS AS IDENTITY (
    SEQUENCE NAME auth.refresh_tokens_id_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1
);

CREATE TABLE auth.sessions (
    id uuid DEFAULT gen_random_uuid() NOT NULL,
    user_id uuid NOT NULL,
    aal text DEFAULT 'aal1'::text NOT NULL,
    amr text[] DEFAULT '{}'::text[] NOT NULL,
    user_agent text DEFAULT ''::text NOT NULL,
    ip inet,
    created_at timestamp with time zone DEFAULT now() NOT NULL,
    last_seen_at timestamp with time zone DEFAULT now() NOT NULL,
    revoked_at timestamp with time zone,
    revoked_reason text,
    proven_at timestamp with time zone DEFAULT now() NOT NULL,
    CONSTRAINT sessions_aal_check CHECK ((aal = ANY (ARRAY['aal1'::text, 'aal2'::text]))),
    CONSTRAINT sessions_user_agent_check CHECK ((length(user_agent) <= 512))
);

ALTER TABLE ONLY auth.sessions FORCE ROW LEVEL SECURITY;

CREATE TABLE auth.sign_in_failures (
    email_hash bytea NOT NULL,
    failures integer DEFAULT 0 NOT NULL,
    last_failed_at timestamp with time zone DEFAULT now() NOT NULL
);

ALTER TABLE ONLY auth.sign_in_failures FORCE ROW LEVEL SECURITY;

CREATE TABLE auth.users (
    id uuid DEFAULT gen_random_uuid() NOT NULL,
    email text NOT NULL,
    email_confirmed_at timestamp with time zone,
    password_hash text,
    role text DEFAULT 'member'::text NOT NULL,
    created_at timestamp with time zone DEFAULT now() NOT NULL,
    updated_at timestamp with time zone DEFAULT now() NOT NULL,
    role_changed_at timestamp with time zone,
    CONSTRAINT users_email_shape CHECK (((email = lower(email)) AND ((length(email) >= 3) AND (length(email) <= 254)))),
    CONSTRAINT users_role_check CHECK ((role = ANY (ARRAY['member'::text, 'moderator'::text, 'admin'::text])))
);

ALTER TABLE ONLY auth.users FORCE ROW LEVEL SECURITY;

ALTER TABLE ONLY app.notifications ALTER COLUMN sort_key SET DEFAULT nextval('app.notification_order'::regclass);

ALTER TABLE ONLY app.anonymous_authors
    ADD CONSTRAINT anonymous_authors_pkey PRIMARY KEY (post_id);

ALTER TABLE ONLY app.anonymous_comment_authors
    ADD CONSTRAINT anonymous_comment_authors_pkey PRIMARY KEY (comment_id);

ALTER TABLE ONLY app.bookmarks
    ADD CONSTRAINT bookmarks_pkey PRIMARY KEY (user_id, post_id);

ALTER TABLE ONLY app.circle_follows
    ADD CONSTRAINT circle_follows_pkey PRIMARY KEY (user_id, circle_id);

ALTER TABLE ONLY app.circle_members
    ADD CONSTRAINT circle_members_pkey PRIMARY KEY (circle_id, user_id);

ALTER TABLE ONLY app.circles
    ADD CONSTRAINT circles_pkey PRIMARY KEY (id);

ALTER TABLE ONLY app.comment_reactions
    ADD CONSTRAINT comment_reactions_pkey PRIMARY KEY (comment_id, user_id, kind);

ALTER TABLE ONLY app.comment_revisions
    ADD CONSTRAINT comment_revisions_pkey PRIMARY KEY (id);

ALTER TABLE ONLY app.comments
    ADD CONSTRAINT comments_pkey PRIMARY KEY (id);

ALTER TABLE ONLY app.dashboard_day_counts
    ADD CONSTRAINT dashboard_day_counts_pkey PRIMARY KEY (day);

ALTER TABLE ONLY app.events
    ADD CONSTRAINT events_pkey PRIMARY KEY (id);

ALTER TABLE ONLY app.feature_flags
    ADD CONSTRAINT feature_flags_pkey PRIMARY KEY (key);

ALTER TABLE ONLY app.form_submissions
    ADD CONSTRAINT form_submissions_pkey PRIMARY KEY (user_id, key);

ALTER TABLE ONLY app.job_schedules
    ADD CONSTRAINT job_schedules_pkey PRIMARY KEY (name);

ALTER TABLE ONLY app.jobs
    ADD CONSTRAINT jobs_pkey PRIMARY KEY (id);

ALTER TABLE ONLY app.media_deletions
    ADD CONSTRAINT media_deletions_pkey PRIMARY KEY (media_id);

ALTER TABLE ONLY app.media_objects
    ADD CONSTRAINT media_objects_pkey PRIMARY KEY (id);

ALTER TABLE ONLY app.moderation_log
    ADD CONSTRAINT moderation_log_pkey PRIMARY KEY (id);

ALTER TABLE ONLY app.muted_members
    ADD CONSTRAINT muted_members_pkey PRIMARY KEY (user_id, muted_id);

ALTER TABLE ONLY app.notification_digests
    ADD CONSTRAINT notification_digests_pkey PRIMARY KEY (user_id);

ALTER TABLE ONLY app.notifications
    ADD CONSTRAINT notifications_pkey PRIMARY KEY (id);

ALTER TABLE ONLY app.outbox_emails
    ADD CONSTRAINT outbox_emails_pkey PRIMARY KEY (id);

ALTER TABLE ONLY app.post_reactions
    ADD CONSTRAINT post_reactions_pkey PRIMARY KEY (post_id, user_id, kind);

ALTER TABLE ONLY app.post_revisions
    ADD CONSTRAINT post_revisions_pkey PRIMARY KEY (id);

ALTER TABLE ONLY app.posts
    ADD CONSTRAINT posts_pkey PRIMARY KEY (id);

ALTER TABLE ONLY app.profiles
    ADD CONSTRAINT profiles_pkey PRIMARY KEY (user_id);

ALTER TABLE ONLY app.removed_texts
    ADD CONSTRAINT removed_texts_pkey PRIMARY KEY (id);

ALTER TABLE ONLY app.reports
    ADD CONSTRAINT reports_pkey PRIMARY KEY (id);

ALTER TABLE ONLY app.review_targets
    ADD CONSTRAINT review_targets_pkey PRIMARY KEY (target_key);

ALTER TABLE ONLY app.sanctions
    ADD CONSTRAINT sanctions_pkey PRIMARY KEY (id);

ALTER TABLE ONLY app.staff_notes
    ADD CONSTRAINT staff_notes_pkey PRIMARY KEY (id);

ALTER TABLE ONLY app.watched_words
    ADD CONSTRAINT watched_words_pkey PRIMARY KEY (id);

ALTER TABLE ONLY auth.audit_log
    ADD CONSTRAINT audit_log_pkey PRIMARY KEY (id);

ALTER TABLE ONLY auth.identities
    ADD CONSTRAINT identities_pkey PRIMARY KEY (id);

ALTER TABLE ONLY auth.identities
    ADD CONSTRAINT identities_provider_subject_key UNIQUE (provider, subject);

ALTER TABLE ONLY auth.mfa_factors
    ADD CONSTRAINT mfa_factors_pkey PRIMARY KEY (id);

ALTER TABLE ONLY auth.one_time_tokens
    ADD CONSTRAINT one_time_tokens_pkey PRIMARY KEY (id);

ALTER TABLE ONLY auth.rate_limits
    ADD CONSTRAINT rate_limits_pkey PRIMARY KEY (bucket, window_start);

ALTER TABLE ONLY auth.recovery_code_reveals
    ADD CONSTRAINT recovery_code_reveals_pkey PRIMARY KEY (session_id);

ALTER TABLE ONLY auth.recovery_codes
    ADD CONSTRAINT recovery_codes_pkey PRIMARY KEY (id);

ALTER TABLE ONLY auth.refresh_tokens
    ADD CONSTRAINT refresh_tokens_pkey PRIMARY KEY (id);

ALTER TABLE ONLY auth.sessions
    ADD CONSTRAINT sessions_pkey PRIMARY KEY (id);

ALTER TABLE ONLY auth.sign_in_failures
    ADD CONSTRAINT sign_in_failures_pkey PRIMARY KEY (email_hash);

ALTER TABLE ONLY auth.users
    ADD CONSTRAINT users_pkey PRIMARY KEY (id);

CREATE INDEX anonymous_authors_author_idx ON app.anonymous_authors USING btree (author_id);

CREATE INDEX anonymous_comment_authors_author_idx ON app.anonymous_comment_authors USING btree (author_id);

CREATE INDEX bookmarks_list_idx ON app.bookmarks USING btree (user_id, created_at DESC, post_id DESC);

CREATE INDEX bookmarks_post_idx ON app.bookmarks USING btree (post_id);

CREATE INDEX circle_members_user_idx ON app.circle_members USING btree (user_id, status);

CREATE INDEX circles_name_trgm_idx ON app.circles USING gin (name public.gin_trgm_ops);

CREATE UNIQUE INDEX circles_slug_key ON app.circles USING btree (slug);

CREATE INDEX comment_reactions_created_idx ON app.comment_reactions USING btree (created_at);

CREATE INDEX comment_reactions_user_idx ON app.comment_reactions USING btree (user_id);

CREATE INDEX comment_revisions_comment_idx ON app.comment_revisions USING btree (comment_id, id);

CREATE INDEX comments_author_idx ON app.comments USING btree (author_id, created_at DESC);

CREATE INDEX comments_created_idx ON app.comments USING btree (created_at);

CREATE INDEX comments_parent_idx ON app.comments USING btree (parent_id) WHERE (parent_id IS NOT NULL);

CREATE INDEX comments_post_idx ON app.comments USING btree (post_id, created_at, id);

CREATE INDEX events_created_idx ON app.events USING btree (created_at);

CREATE INDEX form_submissions_created_idx ON app.form_submissions USING btree (created_at);

CREATE UNIQUE INDEX jobs_dedupe_key ON app.jobs USING btree (kind, dedupe_key) WHERE ((dedupe_key IS NOT NULL) AND (failed_at IS NULL));

CREATE INDEX jobs_due_idx ON app.jobs USING btree (run_at, id) WHERE (failed_at IS NULL);

CREATE INDEX media_objects_comment_idx ON app.media_objects USING btree (comment_id) WHERE (comment_id IS NOT NULL);

CREATE INDEX media_objects_created_idx ON app.media_objects USING btree (created_at DESC, id DESC);

CREATE INDEX media_objects_owner_idx ON app.media_objects USING btree (owner_id, created_at DESC);

CREATE INDEX media_objects_post_idx ON app.media_objects USING btree (post_id) WHERE (post_id IS NOT NULL);

CREATE INDEX media_objects_unattached_idx ON app.media_objects USING btree (created_at) WHERE ((bucket = 'post-media'::text) AND (post_id IS NULL) AND (comment_id IS NULL));

CREATE INDEX moderation_log_circle_idx ON app.moderation_log USING btree (circle_id, id DESC);

CREATE INDEX moderation_log_order_idx ON app.moderation_log USING btree (id DESC);

CREATE INDEX moderation_log_post_idx ON app.moderation_log USING btree (post_id);

CREATE INDEX notification_digests_due_idx ON app.notification_digests USING btree (next_due_at) WHERE (frequency <> 'off'::text);

CREATE INDEX notification_levels_circle_followers_idx ON app.notification_levels USING btree (circle_id) WHERE ((circle_id IS NOT NULL) AND (level = 'all'::text));

CREATE UNIQUE INDEX notification_levels_circle_key ON app.notification_levels USING btree (user_id, circle_id) WHERE (circle_id IS NOT NULL);

CREATE INDEX notification_levels_post_followers_idx ON app.notification_levels USING btree (post_id) WHERE ((post_id IS NOT NULL) AND (level = 'all'::text));

CREATE UNIQUE INDEX notification_levels_post_key ON app.notification_levels USING btree (user_id, post_id) WHERE (post_id IS NOT NULL);

CREATE INDEX notifications_comment_idx ON app.notifications USING btree (comment_id);

CREATE INDEX notifications_list_idx ON app.notifications USING btree (recipient_id, sort_key DESC);

CREATE INDEX notifications_post_idx ON app.notifications USING btree (post_id);

CREATE UNIQUE INDEX notifications_reaction_batch_key ON app.notifications USING btree (recipient_id, post_id, COALESCE(comment_id, (0)::bigint)) WHERE ((kind = 'reaction'::text) AND (read_at IS NULL));

CREATE INDEX notifications_unread_idx ON app.notifications USING btree (recipient_id) WHERE (read_at IS NULL);

CREATE INDEX outbox_emails_pending_idx ON app.outbox_emails USING btree (next_attempt_at) WHERE (sent_at IS NULL);

CREATE INDEX post_reactions_recent_idx ON app.post_reactions USING btree (created_at, post_id);

CREATE INDEX post_reactions_user_idx ON app.post_reactions USING btree (user_id);

CREATE INDEX post_revisions_post_idx ON app.post_revisions USING btree (post_id, id);

CREATE INDEX posts_active_idx ON app.posts USING btree (last_activity_at DESC, id DESC) WHERE (deleted_at IS NULL);

CREATE INDEX posts_author_idx ON app.posts USING btree (author_id, created_at DESC, id DESC) WHERE (deleted_at IS NULL);

CREATE INDEX posts_circle_feed_idx ON app.posts USING btree (circle_id, created_at DESC, id DESC) WHERE (deleted_at IS NULL);

CREATE INDEX posts_latest_idx ON app.posts USING btree (created_at DESC, id DESC) WHERE (deleted_at IS NULL);

CREATE INDEX posts_pinned_idx ON app.posts USING btree (circle_id) WHERE (pinned AND (deleted_at IS NULL));

CREATE INDEX posts_search_idx ON app.posts USING gin (search);

CREATE INDEX profiles_avatar_idx ON app.profiles USING btree (avatar_id) WHERE (avatar_id IS NOT NULL);

CREATE INDEX profiles_display_name_trgm_idx ON app.profiles USING gist (display_name public.gist_trgm_ops);

CREATE UNIQUE INDEX profiles_handle_key ON app.profiles USING btree (handle);

CREATE INDEX profiles_handle_trgm_idx ON app.profiles USING gist (handle public.gist_trgm_ops);

CREATE UNIQUE INDEX removed_texts_comment_key ON app.removed_texts USING btree (comment_id) WHERE (comment_id IS NOT NULL);

CREATE UNIQUE INDEX removed_texts_post_key ON app.removed_texts USING btree (post_id) WHERE (post_id IS NOT NULL);

CREATE INDEX reports_circle_open_idx ON app.reports USING btree (circle_id, created_at) WHERE (status = 'open'::text);

CREATE INDEX reports_created_idx ON app.reports USING btree (created_at);

CREATE UNIQUE INDEX reports_once ON app.reports USING btree (reporter_id, target_key, ((reason = 'at_risk'::text))) WHERE (status = 'open'::text);

CREATE INDEX reports_open_idx ON app.reports USING btree (target_key, created_at) WHERE (status = 'open'::text);

CREATE INDEX reports_reporter_idx ON app.reports USING btree (reporter_id) INCLUDE (status, reason, circle_id);

CREATE INDEX reports_resolved_idx ON app.reports USING btree (resolved_at) WHERE (resolved_at IS NOT NULL);

CREATE INDEX review_targets_circle_idx ON app.review_targets USING btree (circle_id, plain_score DESC, plain_oldest, target_key) WHERE (plain_reporters > 0);

CREATE INDEX review_targets_staff_idx ON app.review_targets USING btree (at_risk DESC, score DESC, oldest, target_key);

CREATE INDEX sanctions_changed_idx ON app.sanctions USING btree (changed_at);

CREATE INDEX sanctions_in_force_idx ON app.sanctions USING btree (member_id) WHERE (lifted_at IS NULL);

CREATE INDEX sanctions_member_idx ON app.sanctions USING btree (member_id, id DESC);

CREATE INDEX staff_notes_member_idx ON app.staff_notes USING btree (member_id, id DESC);

CREATE UNIQUE INDEX watched_words_once ON app.watched_words USING btree (lower(pattern), is_regex);

CREATE INDEX audit_log_actor_idx ON auth.audit_log USING btree (actor, at DESC);

CREATE INDEX audit_log_event_idx ON auth.audit_log USING btree (event, at DESC);

CREATE INDEX identities_user_id_idx ON auth.identities USING btree (user_id);

CREATE UNIQUE INDEX mfa_factors_one_verified ON auth.mfa_factors USING btree (user_id) WHERE (status = 'verified'::text);

CREATE UNIQUE INDEX one_time_tokens_hash_key ON auth.one_time_tokens USING btree (token_hash);

CREATE INDEX one_time_tokens_user_idx ON auth.one_time_tokens USING btree (user_id, purpose, created_at DESC);

CREATE INDEX recovery_code_reveals_expires_idx ON auth.recovery_code_reveals USING btree (expires_at);

CREATE INDEX recovery_codes_user_idx ON auth.recovery_codes USING btree (user_id);

CREATE UNIQUE INDEX refresh_tokens_hash_key ON auth.refresh_tokens USING btree (token_hash);

CREATE INDEX refresh_tokens_session_idx ON auth.refresh_tokens USING btree (session_id, id DESC);

CREATE INDEX sessions_user_id_idx ON auth.sessions USING btree (user_id) WHERE (revoked_at IS NULL);

CREATE INDEX users_created_idx ON auth.users USING btree (created_at);

CREATE UNIQUE INDEX users_email_key ON auth.users USING btree (email);

CREATE TRIGGER circle_members_count AFTER INSERT OR DELETE OR UPDATE ON app.circle_members FOR EACH ROW EXECUTE FUNCTION app.count_circle_members();

CREATE TRIGGER circle_members_events AFTER INSERT OR DELETE OR UPDATE ON app.circle_members FOR EACH ROW EXECUTE FUNCTION app.membership_events();

CREATE TRIGGER circle_members_notifications AFTER DELETE OR UPDATE OF status ON app.circle_members FOR EACH ROW EXECUTE FUNCTION app.membership_notifications();

CREATE TRIGGER circle_members_restricted BEFORE INSERT ON app.circle_members FOR EACH ROW EXECUTE FUNCTION app.refuse_restricted_writer('suspend');

CREATE TRIGGER circles_restricted BEFORE INSERT ON app.circles FOR EACH ROW EXECUTE FUNCTION app.refuse_restricted_writer('silence');

CREATE TRIGGER comment_reactions_count AFTER INSERT OR DELETE ON app.comment_reactions FOR EACH ROW EXECUTE FUNCTION app.count_comment_reactions();

CREATE TRIGGER comment_reactions_events AFTER INSERT OR DELETE ON app.comment_reactions FOR EACH ROW EXECUTE FUNCTION app.comment_reaction_events();

CREATE TRIGGER comment_reactions_notifications AFTER INSERT ON app.comment_reactions FOR EACH ROW EXECUTE FUNCTION app.comment_reaction_notifications();

CREATE TRIGGER comment_reactions_restricted BEFORE INSERT ON app.comment_reactions FOR EACH ROW EXECUTE FUNCTION app.refuse_restricted_writer('silence');

CREATE TRIGGER comments_count AFTER INSERT OR UPDATE OF deleted_at ON app.comments FOR EACH ROW EXECUTE FUNCTION app.count_post_comments();

CREATE TRIGGER comments_delete_media AFTER UPDATE OF deleted_at ON app.comments FOR EACH ROW EXECUTE FUNCTION app.delete_media_of_deleted();

CREATE TRIGGER comments_events AFTER INSERT OR UPDATE OF body, deleted_at ON app.comments FOR EACH ROW EXECUTE FUNCTION app.comment_events();

CREATE TRIGGER comments_guard BEFORE UPDATE ON app.comments FOR EACH ROW EXECUTE FUNCTION app.guard_comment_update();

CREATE TRIGGER comments_notifications AFTER INSERT OR UPDATE OF deleted_at ON app.comments FOR EACH ROW EXECUTE FUNCTION app.comment_notifications();

CREATE TRIGGER comments_restricted BEFORE INSERT OR UPDATE ON app.comments FOR EACH ROW EXECUTE FUNCTION app.refuse_restricted_writer('silence');

CREATE TRIGGER media_objects_cap_post BEFORE INSERT ON app.media_objects FOR EACH ROW EXECUTE FUNCTION app.cap_post_pictures();

CREATE TRIGGER media_objects_queue_deletion AFTER DELETE ON app.media_objects FOR EACH ROW EXECUTE FUNCTION app.queue_media_deletion();

CREATE TRIGGER media_objects_restricted BEFORE INSERT ON app.media_objects FOR EACH ROW EXECUTE FUNCTION app.refuse_restricted_writer('silence');

CREATE TRIGGER moderation_log_append_only BEFORE DELETE OR UPDATE ON app.moderation_log FOR EACH ROW EXECUTE FUNCTION app.moderation_log_is_append_only();

CREATE TRIGGER moderation_log_no_truncate BEFORE TRUNCATE ON app.moderation_log FOR EACH STATEMENT EXECUTE FUNCTION app.moderation_log_is_append_only();

CREATE TRIGGER notification_digests_schedule BEFORE INSERT OR UPDATE ON app.notification_digests FOR EACH ROW EXECUTE FUNCTION app.digest_schedule();

CREATE TRIGGER post_reactions_count AFTER INSERT OR DELETE ON app.post_reactions FOR EACH ROW EXECUTE FUNCTION app.count_post_reactions();

CREATE TRIGGER post_reactions_events AFTER INSERT OR DELETE ON app.post_reactions FOR EACH ROW EXECUTE FUNCTION app.post_reaction_events();

CREATE TRIGGER post_reactions_notifications AFTER INSERT ON app.post_reactions FOR EACH ROW EXECUTE FUNCTION app.post_reaction_notifications();

CREATE TRIGGER post_reactions_restricted BEFORE INSERT ON app.post_reactions FOR EACH ROW EXECUTE FUNCTION app.refuse_restricted_writer('silence');

CREATE TRIGGER posts_count AFTER INSERT OR UPDATE OF deleted_at ON app.posts FOR EACH ROW EXECUTE FUNCTION app.count_circle_posts();

CREATE TRIGGER posts_delete_media AFTER UPDATE OF deleted_at ON app.posts FOR EACH ROW EXECUTE FUNCTION app.delete_media_of_deleted();

CREATE TRIGGER posts_events AFTER INSERT OR UPDATE OF title, body, content_warning, deleted_at, pinned, locked ON app.posts FOR EACH ROW EXECUTE FUNCTION app.post_events();

CREATE TRIGGER posts_guard BEFORE UPDATE ON app.posts FOR EACH ROW EXECUTE FUNCTION app.guard_post_update();

CREATE TRIGGER posts_notifications AFTER INSERT OR UPDATE OF deleted_at ON app.posts FOR EACH ROW EXECUTE FUNCTION app.post_notifications();

CREATE TRIGGER posts_restricted BEFORE INSERT OR UPDATE ON app.posts FOR EACH ROW EXECUTE FUNCTION app.refuse_restricted_writer('silence');

CREATE TRIGGER posts_slow_mode BEFORE INSERT ON app.posts FOR EACH ROW EXECUTE FUNCTION app.keep_slow_mode();

CREATE TRIGGER profiles_guard_avatar BEFORE UPDATE OF avatar_id ON app.profiles FOR EACH ROW EXECUTE FUNCTION app.guard_avatar();

CREATE TRIGGER profiles_restricted BEFORE UPDATE ON app.profiles FOR EACH ROW EXECUTE FUNCTION app.refuse_restricted_writer('suspend');

CREATE TRIGGER reports_place BEFORE INSERT ON app.reports FOR EACH ROW EXECUTE FUNCTION app.place_report();

CREATE TRIGGER reports_restricted BEFORE INSERT ON app.reports FOR EACH ROW EXECUTE FUNCTION app.refuse_restricted_writer('suspend');

CREATE TRIGGER reports_review_targets AFTER INSERT OR DELETE OR UPDATE OF status, circle_id, weight, reason ON app.reports FOR EACH ROW EXECUTE FUNCTION app.keep_review_targets();

CREATE TRIGGER reports_weigh BEFORE INSERT ON app.reports FOR EACH ROW EXECUTE FUNCTION app.weigh_report();

CREATE TRIGGER sanctions_announce AFTER INSERT OR UPDATE ON app.sanctions FOR EACH ROW EXECUTE FUNCTION app.announce_standing();

CREATE TRIGGER audit_log_append_only BEFORE DELETE OR UPDATE ON auth.audit_log FOR EACH STATEMENT EXECUTE FUNCTION auth.audit_log_is_append_only();

CREATE TRIGGER audit_log_no_truncate BEFORE TRUNCATE ON auth.audit_log FOR EACH STATEMENT EXECUTE FUNCTION auth.audit_log_is_append_only();

CREATE TRIGGER sessions_forget_reveals AFTER UPDATE OF revoked_at ON auth.sessions FOR EACH ROW WHEN (((old.revoked_at IS NULL) AND (new.revoked_at IS NOT NULL))) EXECUTE FUNCTION auth.forget_reveals_of_ended_session();

CREATE TRIGGER sessions_revoked AFTER DELETE OR UPDATE OF revoked_at ON auth.sessions FOR EACH ROW EXECUTE FUNCTION auth.announce_session_end();

CREATE TRIGGER users_keep_an_admin BEFORE UPDATE OF role ON auth.users FOR EACH ROW EXECUTE FUNCTION auth.keep_an_admin();

CREATE TRIGGER users_role_change BEFORE UPDATE OF role ON auth.users FOR EACH ROW EXECUTE FUNCTION auth.stamp_role_change();

ALTER TABLE ONLY app.anonymous_authors
    ADD CONSTRAINT anonymous_authors_author_id_fkey FOREIGN KEY (author_id) REFERENCES auth.users(id) ON DELETE CASCADE;

ALTER TABLE ONLY app.anonymous_authors
    ADD CONSTRAINT anonymous_authors_post_id_fkey FOREIGN KEY (post_id) REFERENCES app.posts(id) ON DELETE CASCADE;

ALTER TABLE ONLY app.anonymous_comment_authors
    ADD CONSTRAINT anonymous_comment_authors_author_id_fkey FOREIGN KEY (author_id) REFERENCES auth.users(id) ON DELETE CASCADE;

ALTER TABLE ONLY app.anonymous_comment_authors
    ADD CONSTRAINT anonymous_comment_authors_comment_id_fkey FOREIGN KEY (comment_id) REFERENCES app.comments(id) ON DELETE CASCADE;

ALTER TABLE ONLY app.bookmarks
    ADD CONSTRAINT bookmarks_post_id_fkey FOREIGN KEY (post_id) REFERENCES app.posts(id) ON DELETE CASCADE;

ALTER TABLE ONLY app.bookmarks
    ADD CONSTRAINT bookmarks_user_id_fkey FOREIGN KEY (user_id) REFERENCES auth.users(id) ON DELETE CASCADE;

ALTER TABLE ONLY app.circle_follows
    ADD CONSTRAINT circle_follows_circle_id_fkey FOREIGN KEY (circle_id) REFERENCES app.circles(id) ON DELETE CASCADE;

ALTER TABLE ONLY app.circle_follows
    ADD CONSTRAINT circle_follows_user_id_fkey FOREIGN KEY (user_id) REFERENCES auth.users(id) ON DELETE CASCADE;

ALTER TABLE ONLY app.circle_members
    ADD CONSTRAINT circle_members_circle_id_fkey FOREIGN KEY (circle_id) REFERENCES app.circles(id) ON DELETE CASCADE;

ALTER TABLE ONLY app.circle_members
    ADD CONSTRAINT circle_members_user_id_fkey FOREIGN KEY (user_id) REFERENCES auth.users(id) ON DELETE CASCADE;

ALTER TABLE ONLY app.circles
    ADD CONSTRAINT circles_created_by_fkey FOREIGN KEY (created_by) REFERENCES auth.users(id) ON DELETE SET NULL;

ALTER TABLE ONLY app.comment_reactions
    ADD CONSTRAINT comment_reactions_comment_id_fkey FOREIGN KEY (comment_id) REFERENCES app.comments(id) ON DELETE CASCADE;

ALTER TABLE ONLY app.comment_reactions
    ADD CONSTRAINT comment_reactions_user_id_fkey FOREIGN KEY (user_id) REFERENCES auth.users(id) ON DELETE CASCADE;

ALTER TABLE ONLY app.comment_revisions
    ADD CONSTRAINT comment_revisions_comment_id_fkey FOREIGN KEY (comment_id) REFERENCES app.comments(id) ON DELETE CASCADE;

ALTER TABLE ONLY app.comments
    ADD CONSTRAINT comments_author_id_fkey FOREIGN KEY (author_id) REFERENCES auth.users(id) ON DELETE SET NULL;

ALTER TABLE ONLY app.comments
    ADD CONSTRAINT comments_parent_id_fkey FOREIGN KEY (parent_id) REFERENCES app.comments(id) ON DELETE CASCADE;

ALTER TABLE ONLY app.comments
    ADD CONSTRAINT comments_post_id_fkey FOREIGN KEY (post_id) REFERENCES app.posts(id) ON DELETE CASCADE;

ALTER TABLE ONLY app.feature_flags
    ADD CONSTRAINT feature_flags_updated_by_fkey FOREIGN KEY (updated_by) REFERENCES auth.users(id) ON DELETE SET NULL;

ALTER TABLE ONLY app.form_submissions
    ADD CONSTRAINT form_submissions_user_id_fkey FOREIGN KEY (user_id) REFERENCES auth.users(id) ON DELETE CASCADE;

ALTER TABLE ONLY app.media_objects
    ADD CONSTRAINT media_objects_comment_id_fkey FOREIGN KEY (comment_id) REFERENCES app.comments(id) ON DELETE CASCADE;

ALTER TABLE ONLY app.media_objects
    ADD CONSTRAINT media_objects_owner_id_fkey FOREIGN KEY (owner_id) REFERENCES auth.users(id) ON DELETE CASCADE;

ALTER TABLE ONLY app.media_objects
    ADD CONSTRAINT media_objects_post_id_fkey FOREIGN KEY (post_id) REFERENCES app.posts(id) ON DELETE CASCADE;

ALTER TABLE ONLY app.moderation_log
    ADD CONSTRAINT moderation_log_actor_id_fkey FOREIGN KEY (actor_id) REFERENCES auth.users(id) ON DELETE SET NULL;

ALTER TABLE ONLY app.moderation_log
    ADD CONSTRAINT moderation_log_circle_id_fkey FOREIGN KEY (circle_id) REFERENCES app.circles(id) ON DELETE SET NULL;

ALTER TABLE ONLY app.moderation_log
    ADD CONSTRAINT moderation_log_comment_id_fkey FOREIGN KEY (comment_id) REFERENCES app.comments(id) ON DELETE SET NULL;

ALTER TABLE ONLY app.moderation_log
    ADD CONSTRAINT moderation_log_member_id_fkey FOREIGN KEY (member_id) REFERENCES auth.users(id) ON DELETE SET NULL;

ALTER TABLE ONLY app.moderation_log
    ADD CONSTRAINT moderation_log_post_id_fkey FOREIGN KEY (post_id) REFERENCES app.posts(id) ON DELETE SET NULL;

ALTER TABLE ONLY app.muted_members
    ADD CONSTRAINT muted_members_muted_id_fkey FOREIGN KEY (muted_id) REFERENCES auth.users(id) ON DELETE CASCADE;

ALTER TABLE ONLY app.muted_members
    ADD CONSTRAINT muted_members_user_id_fkey FOREIGN KEY (user_id) REFERENCES auth.users(id) ON DELETE CASCADE;

ALTER TABLE ONLY app.notification_digests
    ADD CONSTRAINT notification_digests_user_id_fkey FOREIGN KEY (user_id) REFERENCES auth.users(id) ON DELETE CASCADE;

ALTER TABLE ONLY app.notification_levels
    ADD CONSTRAINT notification_levels_circle_id_fkey FOREIGN KEY (circle_id) REFERENCES app.circles(id) ON DELETE CASCADE;

ALTER TABLE ONLY app.notification_levels
    ADD CONSTRAINT notification_levels_post_id_fkey FOREIGN KEY (post_id) REFERENCES app.posts(id) ON DELETE CASCADE;

ALTER TABLE ONLY app.notification_levels
    ADD CONSTRAINT notification_levels_user_id_fkey FOREIGN KEY (user_id) REFERENCES auth.users(id) ON DELETE CASCADE;

ALTER TABLE ONLY app.notifications
    ADD CONSTRAINT notifications_actor_id_fkey FOREIGN KEY (actor_id) REFERENCES auth.users(id) ON DELETE SET NULL;

ALTER TABLE ONLY app.notifications
    ADD CONSTRAINT notifications_circle_id_fkey FOREIGN KEY (circle_id) REFERENCES app.circles(id) ON DELETE CASCADE;

ALTER TABLE ONLY app.notifications
    ADD CONSTRAINT notifications_comment_id_fkey FOREIGN KEY (comment_id) REFERENCES app.comments(id) ON DELETE CASCADE;

ALTER TABLE ONLY app.notifications
    ADD CONSTRAINT notifications_post_id_fkey FOREIGN KEY (post_id) REFERENCES app.posts(id) ON DELETE CASCADE;

ALTER TABLE ONLY app.notifications
    ADD CONSTRAINT notifications_recipient_id_fkey FOREIGN KEY (recipient_id) REFERENCES auth.users(id) ON DELETE CASCADE;

ALTER TABLE ONLY app.post_reactions
    ADD CONSTRAINT post_reactions_post_id_fkey FOREIGN KEY (post_id) REFERENCES app.posts(id) ON DELETE CASCADE;

ALTER TABLE ONLY app.post_reactions
    ADD CONSTRAINT post_reactions_user_id_fkey FOREIGN KEY (user_id) REFERENCES auth.users(id) ON DELETE CASCADE;

ALTER TABLE ONLY app.post_revisions
    ADD CONSTRAINT post_revisions_post_id_fkey FOREIGN KEY (post_id) REFERENCES app.posts(id) ON DELETE CASCADE;

ALTER TABLE ONLY app.posts
    ADD CONSTRAINT posts_author_id_fkey FOREIGN KEY (author_id) REFERENCES auth.users(id) ON DELETE SET NULL;

ALTER TABLE ONLY app.posts
    ADD CONSTRAINT posts_circle_id_fkey FOREIGN KEY (circle_id) REFERENCES app.circles(id) ON DELETE CASCADE;

ALTER TABLE ONLY app.profiles
    ADD CONSTRAINT profiles_avatar_id_fkey FOREIGN KEY (avatar_id) REFERENCES app.media_objects(id) ON DELETE SET NULL;

ALTER TABLE ONLY app.profiles
    ADD CONSTRAINT profiles_user_id_fkey FOREIGN KEY (user_id) REFERENCES auth.users(id) ON DELETE CASCADE;

ALTER TABLE ONLY app.removed_texts
    ADD CONSTRAINT removed_texts_comment_id_fkey FOREIGN KEY (comment_id) REFERENCES app.comments(id) ON DELETE CASCADE;

ALTER TABLE ONLY app.removed_texts
    ADD CONSTRAINT removed_texts_post_id_fkey FOREIGN KEY (post_id) REFERENCES app.posts(id) ON DELETE CASCADE;

ALTER TABLE ONLY app.reports
    ADD CONSTRAINT reports_circle_id_fkey FOREIGN KEY (circle_id) REFERENCES app.circles(id) ON DELETE CASCADE;

ALTER TABLE ONLY app.reports
    ADD CONSTRAINT reports_comment_id_fkey FOREIGN KEY (comment_id) REFERENCES app.comments(id) ON DELETE CASCADE;

ALTER TABLE ONLY app.reports
    ADD CONSTRAINT reports_member_id_fkey FOREIGN KEY (member_id) REFERENCES auth.users(id) ON DELETE CASCADE;

ALTER TABLE ONLY app.reports
    ADD CONSTRAINT reports_post_id_fkey FOREIGN KEY (post_id) REFERENCES app.posts(id) ON DELETE CASCADE;

ALTER TABLE ONLY app.reports
    ADD CONSTRAINT reports_reporter_id_fkey FOREIGN KEY (reporter_id) REFERENCES auth.users(id) ON DELETE CASCADE;

ALTER TABLE ONLY app.reports
    ADD CONSTRAINT reports_resolved_by_fkey FOREIGN KEY (resolved_by) REFERENCES auth.users(id) ON DELETE SET NULL;

ALTER TABLE ONLY app.sanctions
    ADD CONSTRAINT sanctions_actor_id_fkey FOREIGN KEY (actor_id) REFERENCES auth.users(id) ON DELETE SET NULL;

ALTER TABLE ONLY app.sanctions
    ADD CONSTRAINT sanctions_lifted_by_fkey FOREIGN KEY (lifted_by) REFERENCES auth.users(id) ON DELETE SET NULL;

ALTER TABLE ONLY app.sanctions
    ADD CONSTRAINT sanctions_member_id_fkey FOREIGN KEY (member_id) REFERENCES auth.users(id) ON DELETE CASCADE;

ALTER TABLE ONLY app.staff_notes
    ADD CONSTRAINT staff_notes_author_id_fkey FOREIGN KEY (author_id) REFERENCES auth.users(id) ON DELETE SET NULL;

ALTER TABLE ONLY app.staff_notes
    ADD CONSTRAINT staff_notes_member_id_fkey FOREIGN KEY (member_id) REFERENCES auth.users(id) ON DELETE CASCADE;

ALTER TABLE ONLY app.watched_words
    ADD CONSTRAINT watched_words_created_by_fkey FOREIGN KEY (created_by) REFERENCES auth.users(id) ON DELETE SET NULL;

ALTER TABLE ONLY auth.identities
    ADD CONSTRAINT identities_user_id_fkey FOREIGN KEY (user_id) REFERENCES auth.users(id) ON DELETE CASCADE;

ALTER TABLE ONLY auth.mfa_factors
    ADD CONSTRAINT mfa_factors_user_id_fkey FOREIGN KEY (user_id) REFERENCES auth.users(id) ON DELETE CASCADE;

ALTER TABLE ONLY auth.one_time_tokens
    ADD CONSTRAINT one_time_tokens_user_id_fkey FOREIGN KEY (user_id) REFERENCES auth.users(id) ON DELETE CASCADE;

ALTER TABLE ONLY auth.recovery_code_reveals
    ADD CONSTRAINT recovery_code_reveals_session_id_fkey FOREIGN KEY (session_id) REFERENCES auth.sessions(id) ON DELETE CASCADE;

ALTER TABLE ONLY auth.recovery_code_reveals
    ADD CONSTRAINT recovery_code_reveals_user_id_fkey FOREIGN KEY (user_id) REFERENCES auth.users(id) ON DELETE CASCADE;

ALTER TABLE ONLY auth.recovery_codes
    ADD CONSTRAINT recovery_codes_user_id_fkey FOREIGN KEY (user_id) REFERENCES auth.users(id) ON DELETE CASCADE;

ALTER TABLE ONLY auth.refresh_tokens
    ADD CONSTRAINT refresh_tokens_parent_id_fkey FOREIGN KEY (parent_id) REFERENCES auth.refresh_tokens(id) ON DELETE CASCADE;

ALTER TABLE ONLY auth.refresh_tokens
    ADD CONSTRAINT refresh_tokens_session_id_fkey FOREIGN KEY (session_id) REFERENCES auth.sessions(id) ON DELETE CASCADE;

ALTER TABLE ONLY auth.sessions
    ADD CONSTRAINT sessions_user_id_fkey FOREIGN KEY (user_id) REFERENCES auth.users(id) ON DELETE CASCADE;

ALTER TABLE app.anonymous_authors ENABLE ROW LEVEL SECURITY;

CREATE POLICY anonymous_authors_claim ON app.anonymous_authors FOR INSERT TO authenticated WITH CHECK (((author_id = ( SELECT auth.uid() AS uid)) AND (EXISTS ( SELECT 1
   FROM app.posts p
  WHERE ((p.id = anonymous_authors.post_id) AND p.is_anonymous AND (p.created_at = now()))))));

CREATE POLICY anonymous_authors_read ON app.anonymous_authors FOR SELECT TO authenticated USING (((author_id = ( SELECT auth.uid() AS uid)) OR (EXISTS ( SELECT 1
   FROM app.posts p
  WHERE ((p.id = anonymous_authors.post_id) AND (p.circle_id = ANY (( SELECT app.moderated_circle_ids() AS moderated_circle_ids)::bigint[])))))));

CREATE POLICY anonymous_authors_steward ON app.anonymous_authors FOR SELECT TO community_steward USING (true);

ALTER TABLE app.anonymous_comment_authors ENABLE ROW LEVEL SECURITY;

CREATE POLICY anonymous_comment_authors_claim ON app.anonymous_comment_authors FOR INSERT TO authenticated WITH CHECK (((author_id = ( SELECT auth.uid() AS uid)) AND (EXISTS ( SELECT 1
   FROM ((app.comments c
     JOIN app.posts p ON ((p.id = c.post_id)))
     JOIN app.circles ci ON ((ci.id = p.circle_id)))
  WHERE ((c.id = anonymous_comment_authors.comment_id) AND c.is_anonymous AND (c.created_at = now()) AND ci.is_support)))));

CREATE POLICY anonymous_comment_authors_read ON app.anonymous_comment_authors FOR SELECT TO authenticated USING (((author_id = ( SELECT auth.uid() AS uid)) OR (EXISTS ( SELECT 1
   FROM (app.comments c
     JOIN app.posts p ON ((p.id = c.post_id)))
  WHERE ((c.id = anonymous_comment_authors.comment_id) AND (p.circle_id = ANY (( SELECT app.moderated_circle_ids() AS moderated_circle_ids)::bigint[])))))));

CREATE POLICY anonymous_comment_authors_steward ON app.anonymous_comment_authors FOR SELECT TO community_steward USING (true);

ALTER TABLE app.bookmarks ENABLE ROW LEVEL SECURITY;

CREATE POLICY bookmarks_own ON app.bookmarks TO authenticated USING ((user_id = ( SELECT auth.uid() AS uid))) WITH CHECK (((user_id = ( SELECT auth.uid() AS uid)) AND (EXISTS ( SELECT 1
   FROM app.posts p
  WHERE ((p.id = bookmarks.post_id) AND (p.deleted_at IS NULL))))));

ALTER TABLE app.circle_follows ENABLE ROW LEVEL SECURITY;

CREATE POLICY circle_follows_own ON app.circle_follows TO authenticated USING ((user_id = ( SELECT auth.uid() AS uid))) WITH CHECK (((user_id = ( SELECT auth.uid() AS uid)) AND (circle_id = ANY (( SELECT app.readable_circle_ids() AS readable_circle_ids)::bigint[]))));

ALTER TABLE app.circle_members ENABLE ROW LEVEL SECURITY;

CREATE POLICY circle_members_join ON app.circle_members FOR INSERT TO authenticated WITH CHECK (((user_id = ( SELECT auth.uid() AS uid)) AND (role = 'member'::text) AND (EXISTS ( SELECT 1
   FROM app.circles c
  WHERE ((c.id = circle_members.circle_id) AND ((c.visibility = 'private'::text) = (circle_members.status = 'pending'::text)))))));

CREATE POLICY circle_members_leave ON app.circle_members FOR DELETE TO authenticated USING (((user_id = ( SELECT auth.uid() AS uid)) OR (circle_id = ANY (( SELECT app.moderated_circle_ids() AS moderated_circle_ids)::bigint[]))));

CREATE POLICY circle_members_moderate ON app.circle_members FOR UPDATE TO authenticated USING ((circle_id = ANY (( SELECT app.moderated_circle_ids() AS moderated_circle_ids)::bigint[]))) WITH CHECK ((circle_id = ANY (( SELECT app.moderated_circle_ids() AS moderated_circle_ids)::bigint[])));

CREATE POLICY circle_members_read ON app.circle_members FOR SELECT TO anon, authenticated USING (((user_id = ( SELECT auth.uid() AS uid)) OR ((status = 'active'::text) AND (circle_id = ANY (( SELECT app.readable_circle_ids() AS readable_circle_ids)::bigint[]))) OR (circle_id = ANY (( SELECT app.moderated_circle_ids() AS moderated_circle_ids)::bigint[]))));

CREATE POLICY circle_members_steward ON app.circle_members FOR SELECT TO community_steward USING (true);

ALTER TABLE app.circles ENABLE ROW LEVEL SECURITY;

CREATE POLICY circles_create_admin ON app.circles FOR INSERT TO authenticated WITH CHECK ((app.is_site_admin() AND (created_by = ( SELECT auth.uid() AS uid))));

CREATE POLICY circles_edit_moderators ON app.circles FOR UPDATE TO authenticated USING ((id = ANY (( SELECT app.moderated_circle_ids() AS moderated_circle_ids)::bigint[]))) WITH CHECK ((id = ANY (( SELECT app.moderated_circle_ids() AS moderated_circle_ids)::bigint[])));

CREATE POLICY circles_read_all ON app.circles FOR SELECT TO anon, authenticated USING (true);

CREATE POLICY circles_steward ON app.circles TO community_steward USING (true) WITH CHECK (true);

ALTER TABLE app.comment_reactions ENABLE ROW LEVEL SECURITY;

CREATE POLICY comment_reactions_add ON app.comment_reactions FOR INSERT TO authenticated WITH CHECK (((user_id = ( SELECT auth.uid() AS uid)) AND (EXISTS ( SELECT 1
   FROM (app.comments c
     JOIN app.posts p ON ((p.id = c.post_id)))
  WHERE ((c.id = comment_reactions.comment_id) AND (c.deleted_at IS NULL) AND (p.circle_id = ANY (( SELECT app.joined_circle_ids() AS joined_circle_ids)::bigint[])))))));

CREATE POLICY comment_reactions_read_own ON app.comment_reactions FOR SELECT TO authenticated USING ((user_id = ( SELECT auth.uid() AS uid)));

CREATE POLICY comment_reactions_remove ON app.comment_reactions FOR DELETE TO authenticated USING ((user_id = ( SELECT auth.uid() AS uid)));

ALTER TABLE app.comment_revisions ENABLE ROW LEVEL SECURITY;

CREATE POLICY comment_revisions_moderators ON app.comment_revisions FOR SELECT TO authenticated USING ((EXISTS ( SELECT 1
   FROM (app.comments c
     JOIN app.posts p ON ((p.id = c.post_id)))
  WHERE ((c.id = comment_revisions.comment_id) AND (p.circle_id = ANY (( SELECT app.moderated_circle_ids() AS moderated_circle_ids)::bigint[]))))));

CREATE POLICY comment_revisions_steward ON app.comment_revisions FOR INSERT TO community_steward WITH CHECK (true);

ALTER TABLE app.comments ENABLE ROW LEVEL SECURITY;

CREATE POLICY comments_change ON app.comments FOR UPDATE TO authenticated USING (((author_id = ( SELECT auth.uid() AS uid)) OR (is_anonymous AND app.is_comment_author(id)))) WITH CHECK (((author_id = ( SELECT auth.uid() AS uid)) OR (is_anonymous AND app.is_comment_author(id))));

CREATE POLICY comments_read ON app.comments FOR SELECT TO anon, authenticated USING ((EXISTS ( SELECT 1
   FROM app.posts p
  WHERE ((p.id = comments.post_id) AND (p.circle_id = ANY (( SELECT app.readable_circle_ids() AS readable_circle_ids)::bigint[]))))));

CREATE POLICY comments_steward ON app.comments TO community_steward USING (true) WITH CHECK (true);

CREATE POLICY comments_write ON app.comments FOR INSERT TO authenticated WITH CHECK (((((NOT is_anonymous) AND (author_id = ( SELECT auth.uid() AS uid))) OR (is_anonymous AND (author_id IS NULL) AND (EXISTS ( SELECT 1
   FROM (app.posts p
     JOIN app.circles ci ON ((ci.id = p.circle_id)))
  WHERE ((p.id = comments.post_id) AND ci.is_support))))) AND (EXISTS ( SELECT 1
   FROM app.posts p
  WHERE ((p.id = comments.post_id) AND (NOT p.locked) AND (p.deleted_at IS NULL) AND (p.circle_id = ANY (( SELECT app.joined_circle_ids() AS joined_circle_ids)::bigint[]))))) AND (depth = COALESCE(app.reply_depth(parent_id, post_id), '-1'::integer))));

ALTER TABLE app.dashboard_day_counts ENABLE ROW LEVEL SECURITY;

ALTER TABLE app.events ENABLE ROW LEVEL SECURITY;

CREATE POLICY events_service ON app.events FOR SELECT TO auth_admin USING (true);

CREATE POLICY events_service_prune ON app.events FOR DELETE TO auth_admin USING (true);

CREATE POLICY events_steward ON app.events FOR INSERT TO community_steward WITH CHECK (true);

CREATE POLICY events_steward_returning ON app.events FOR SELECT TO community_steward USING (true);

ALTER TABLE app.feature_flags ENABLE ROW LEVEL SECURITY;

CREATE POLICY feature_flags_admin_change ON app.feature_flags FOR UPDATE TO authenticated USING (( SELECT app.is_site_admin() AS is_site_admin)) WITH CHECK ((( SELECT app.is_site_admin() AS is_site_admin) AND (updated_by = ( SELECT auth.uid() AS uid))));

CREATE POLICY feature_flags_admin_read ON app.feature_flags FOR SELECT TO authenticated USING (( SELECT app.is_site_admin() AS is_site_admin));

CREATE POLICY feature_flags_service_read ON app.feature_flags FOR SELECT TO auth_admin USING (true);

ALTER TABLE app.form_submissions ENABLE ROW LEVEL SECURITY;

CREATE POLICY form_submissions_claim_own ON app.form_submissions FOR INSERT TO authenticated WITH CHECK ((user_id = ( SELECT auth.uid() AS uid)));

CREATE POLICY form_submissions_read_own ON app.form_submissions FOR SELECT TO authenticated USING ((user_id = ( SELECT auth.uid() AS uid)));

CREATE POLICY form_submissions_record_own ON app.form_submissions FOR UPDATE TO authenticated USING ((user_id = ( SELECT auth.uid() AS uid))) WITH CHECK ((user_id = ( SELECT auth.uid() AS uid)));

CREATE POLICY form_submissions_service_prune ON app.form_submissions FOR DELETE TO auth_admin USING (true);

CREATE POLICY form_submissions_service_read ON app.form_submissions FOR SELECT TO auth_admin USING (true);

ALTER TABLE app.job_schedules ENABLE ROW LEVEL SECURITY;

CREATE POLICY job_schedules_service ON app.job_schedules TO auth_admin USING (true) WITH CHECK (true);

ALTER TABLE app.jobs ENABLE ROW LEVEL SECURITY;

CREATE POLICY jobs_service ON app.jobs TO auth_admin USING (true) WITH CHECK (true);

ALTER TABLE app.media_deletions ENABLE ROW LEVEL SECURITY;

CREATE POLICY media_deletions_queue ON app.media_deletions FOR INSERT TO community_steward WITH CHECK (true);

CREATE POLICY media_deletions_sweep_done ON app.media_deletions FOR DELETE TO auth_admin USING (true);

CREATE POLICY media_deletions_sweep_read ON app.media_deletions FOR SELECT TO auth_admin USING (true);

ALTER TABLE app.media_objects ENABLE ROW LEVEL SECURITY;

CREATE POLICY media_objects_describe_own ON app.media_objects FOR UPDATE TO authenticated USING ((owner_id = ( SELECT auth.uid() AS uid))) WITH CHECK ((owner_id = ( SELECT auth.uid() AS uid)));

CREATE POLICY media_objects_read ON app.media_objects FOR SELECT TO anon, authenticated USING (((bucket = 'avatars'::text) OR (owner_id = ( SELECT auth.uid() AS uid)) OR ((bucket = 'post-media'::text) AND (post_id IS NOT NULL) AND (EXISTS ( SELECT 1
   FROM app.posts p
  WHERE ((p.id = media_objects.post_id) AND (p.deleted_at IS NULL))))) OR ((bucket = 'post-media'::text) AND (comment_id IS NOT NULL) AND (EXISTS ( SELECT 1
   FROM app.comments c
  WHERE ((c.id = media_objects.comment_id) AND (c.deleted_at IS NULL))))) OR ( SELECT app.is_site_admin() AS is_site_admin)));

CREATE POLICY media_objects_remove ON app.media_objects FOR DELETE TO authenticated USING (((owner_id = ( SELECT auth.uid() AS uid)) OR ( SELECT app.is_site_admin() AS is_site_admin)));

CREATE POLICY media_objects_steward_delete ON app.media_objects FOR DELETE TO community_steward USING (true);

CREATE POLICY media_objects_steward_read ON app.media_objects FOR SELECT TO community_steward USING (true);

CREATE POLICY media_objects_sweep_orphans ON app.media_objects FOR DELETE TO auth_admin USING (((bucket = 'post-media'::text) AND (post_id IS NULL) AND (comment_id IS NULL)));

CREATE POLICY media_objects_sweep_read ON app.media_objects FOR SELECT TO auth_admin USING (true);

CREATE POLICY media_objects_upload_own ON app.media_objects FOR INSERT TO authenticated WITH CHECK (((owner_id = ( SELECT auth.uid() AS uid)) AND ((post_id IS NULL) OR (EXISTS ( SELECT 1
   FROM app.posts p
  WHERE ((p.id = media_objects.post_id) AND (p.author_id = ( SELECT auth.uid() AS uid)) AND (p.deleted_at IS NULL) AND (NOT p.is_anonymous))))) AND ((comment_id IS NULL) OR (EXISTS ( SELECT 1
   FROM app.comments c
  WHERE ((c.id = media_objects.comment_id) AND (c.author_id = ( SELECT auth.uid() AS uid)) AND (c.deleted_at IS NULL) AND (NOT c.is_anonymous)))))));

ALTER TABLE app.moderation_log ENABLE ROW LEVEL SECURITY;

CREATE POLICY moderation_log_staff_read ON app.moderation_log FOR SELECT TO authenticated USING ((( SELECT app.is_site_staff() AS is_site_staff) OR ((NOT staff_only) AND (circle_id = ANY (( SELECT app.moderated_circle_ids() AS moderated_circle_ids)::bigint[])) AND (NOT ((comment_id IS NULL) AND (post_id IS NOT NULL) AND app.is_post_author(post_id))) AND (NOT ((comment_id IS NOT NULL) AND app.is_comment_author(comment_id))))));

CREATE POLICY moderation_log_steward_read ON app.moderation_log FOR SELECT TO community_steward USING (true);

CREATE POLICY moderation_log_steward_write ON app.moderation_log FOR INSERT TO community_steward WITH CHECK (true);

ALTER TABLE app.muted_members ENABLE ROW LEVEL SECURITY;

CREATE POLICY muted_members_own ON app.muted_members TO authenticated USING ((user_id = ( SELECT auth.uid() AS uid))) WITH CHECK ((user_id = ( SELECT auth.uid() AS uid)));

CREATE POLICY muted_members_steward ON app.muted_members FOR SELECT TO community_steward USING (true);

ALTER TABLE app.notification_digests ENABLE ROW LEVEL SECURITY;

CREATE POLICY notification_digests_own ON app.notification_digests TO authenticated USING ((user_id = ( SELECT auth.uid() AS uid))) WITH CHECK ((user_id = ( SELECT auth.uid() AS uid)));

CREATE POLICY notification_digests_service ON app.notification_digests TO auth_admin USING (true) WITH CHECK (true);

ALTER TABLE app.notification_levels ENABLE ROW LEVEL SECURITY;

CREATE POLICY notification_levels_own ON app.notification_levels TO authenticated USING ((user_id = ( SELECT auth.uid() AS uid))) WITH CHECK ((user_id = ( SELECT auth.uid() AS uid)));

CREATE POLICY notification_levels_steward ON app.notification_levels FOR SELECT TO community_steward USING (true);

ALTER TABLE app.notifications ENABLE ROW LEVEL SECURITY;

CREATE POLICY notifications_mark_own ON app.notifications FOR UPDATE TO authenticated USING ((recipient_id = ( SELECT auth.uid() AS uid))) WITH CHECK ((recipient_id = ( SELECT auth.uid() AS uid)));

CREATE POLICY notifications_read_own ON app.notifications FOR SELECT TO authenticated USING ((recipient_id = ( SELECT auth.uid() AS uid)));

CREATE POLICY notifications_steward ON app.notifications TO community_steward USING (true) WITH CHECK (true);

ALTER TABLE app.outbox_emails ENABLE ROW LEVEL SECURITY;

CREATE POLICY outbox_service ON app.outbox_emails TO auth_admin USING (true) WITH CHECK (true);

ALTER TABLE app.post_reactions ENABLE ROW LEVEL SECURITY;

CREATE POLICY post_reactions_add ON app.post_reactions FOR INSERT TO authenticated WITH CHECK (((user_id = ( SELECT auth.uid() AS uid)) AND (EXISTS ( SELECT 1
   FROM app.posts p
  WHERE ((p.id = post_reactions.post_id) AND (p.deleted_at IS NULL) AND (p.circle_id = ANY (( SELECT app.joined_circle_ids() AS joined_circle_ids)::bigint[])))))));

CREATE POLICY post_reactions_read_own ON app.post_reactions FOR SELECT TO authenticated USING ((user_id = ( SELECT auth.uid() AS uid)));

CREATE POLICY post_reactions_remove ON app.post_reactions FOR DELETE TO authenticated USING ((user_id = ( SELECT auth.uid() AS uid)));

CREATE POLICY post_reactions_steward ON app.post_reactions FOR SELECT TO community_steward USING (true);

ALTER TABLE app.post_revisions ENABLE ROW LEVEL SECURITY;

CREATE POLICY post_revisions_moderators ON app.post_revisions FOR SELECT TO authenticated USING ((EXISTS ( SELECT 1
   FROM app.posts p
  WHERE ((p.id = post_revisions.post_id) AND (p.circle_id = ANY (( SELECT app.moderated_circle_ids() AS moderated_circle_ids)::bigint[]))))));

CREATE POLICY post_revisions_steward ON app.post_revisions FOR INSERT TO community_steward WITH CHECK (true);

ALTER TABLE app.posts ENABLE ROW LEVEL SECURITY;

CREATE POLICY posts_change ON app.posts FOR UPDATE TO authenticated USING (((circle_id = ANY (( SELECT app.readable_circle_ids() AS readable_circle_ids)::bigint[])) AND (app.is_post_author(id) OR (circle_id = ANY (( SELECT app.moderated_circle_ids() AS moderated_circle_ids)::bigint[]))))) WITH CHECK ((circle_id = ANY (( SELECT app.readable_circle_ids() AS readable_circle_ids)::bigint[])));

CREATE POLICY posts_read ON app.posts FOR SELECT TO anon, authenticated USING ((circle_id = ANY (( SELECT app.readable_circle_ids() AS readable_circle_ids)::bigint[])));

CREATE POLICY posts_steward ON app.posts TO community_steward USING (true) WITH CHECK (true);

CREATE POLICY posts_write ON app.posts FOR INSERT TO authenticated WITH CHECK (((circle_id = ANY (( SELECT app.joined_circle_ids() AS joined_circle_ids)::bigint[])) AND (((NOT is_anonymous) AND (author_id = ( SELECT auth.uid() AS uid))) OR (is_anonymous AND (author_id IS NULL) AND (EXISTS ( SELECT 1
   FROM app.circles c
  WHERE ((c.id = posts.circle_id) AND c.is_support)))))));

ALTER TABLE app.profiles ENABLE ROW LEVEL SECURITY;

CREATE POLICY profiles_read_all ON app.profiles FOR SELECT TO anon, authenticated USING (true);

CREATE POLICY profiles_service ON app.profiles TO auth_admin USING (true) WITH CHECK (true);

CREATE POLICY profiles_steward ON app.profiles FOR SELECT TO community_steward USING (true);

CREATE POLICY profiles_update_own ON app.profiles FOR UPDATE TO authenticated USING ((user_id = ( SELECT auth.uid() AS uid))) WITH CHECK ((user_id = ( SELECT auth.uid() AS uid)));

ALTER TABLE app.removed_texts ENABLE ROW LEVEL SECURITY;

CREATE POLICY removed_texts_moderators ON app.removed_texts FOR SELECT TO authenticated USING ((((post_id IS NOT NULL) AND (EXISTS ( SELECT 1
   FROM app.posts p
  WHERE ((p.id = removed_texts.post_id) AND (p.circle_id = ANY (( SELECT app.moderated_circle_ids() AS moderated_circle_ids)::bigint[])))))) OR ((comment_id IS NOT NULL) AND (EXISTS ( SELECT 1
   FROM (app.comments c
     JOIN app.posts p ON ((p.id = c.post_id)))
  WHERE ((c.id = removed_texts.comment_id) AND (p.circle_id = ANY (( SELECT app.moderated_circle_ids() AS moderated_circle_ids)::bigint[]))))))));

CREATE POLICY removed_texts_steward ON app.removed_texts TO community_steward USING (true) WITH CHECK (true);

ALTER TABLE app.reports ENABLE ROW LEVEL SECURITY;

CREATE POLICY reports_file ON app.reports FOR INSERT TO authenticated WITH CHECK (((reporter_id = ( SELECT auth.uid() AS uid)) AND (status = 'open'::text) AND
CASE target
    WHEN 'post'::text THEN (EXISTS ( SELECT 1
       FROM app.posts p
      WHERE ((p.id = reports.post_id) AND (p.deleted_at IS NULL) AND (NOT app.is_post_author(p.id)))))
    WHEN 'comment'::text THEN (EXISTS ( SELECT 1
       FROM app.comments c
      WHERE ((c.id = reports.comment_id) AND (c.deleted_at IS NULL) AND (NOT app.is_comment_author(c.id)))))
    ELSE ((member_id <> ( SELECT auth.uid() AS uid)) AND (EXISTS ( SELECT 1
       FROM app.profiles pr
      WHERE (pr.user_id = reports.member_id))))
END));

CREATE POLICY reports_read ON app.reports FOR SELECT TO authenticated USING (((reporter_id = ( SELECT auth.uid() AS uid)) OR ( SELECT app.is_site_staff() AS is_site_staff) OR ((reason <> 'at_risk'::text) AND (circle_id = ANY (( SELECT app.moderated_circle_ids() AS moderated_circle_ids)::bigint[])) AND (NOT ((target = 'post'::text) AND app.is_post_author(post_id))) AND (NOT ((target = 'comment'::text) AND app.is_comment_author(comment_id))))));

CREATE POLICY reports_steward ON app.reports TO community_steward USING (true) WITH CHECK (true);

ALTER TABLE app.review_targets ENABLE ROW LEVEL SECURITY;

CREATE POLICY review_targets_read ON app.review_targets FOR SELECT TO authenticated USING ((( SELECT app.is_site_staff() AS is_site_staff) OR ((plain_reporters > 0) AND (circle_id = ANY (( SELECT app.moderated_circle_ids() AS moderated_circle_ids)::bigint[])) AND (NOT ((target = 'post'::text) AND app.is_post_author(post_id))) AND (NOT ((target = 'comment'::text) AND app.is_comment_author(comment_id))))));

CREATE POLICY review_targets_steward ON app.review_targets TO community_steward USING (true) WITH CHECK (true);

ALTER TABLE app.sanctions ENABLE ROW LEVEL SECURITY;

CREATE POLICY sanctions_read ON app.sanctions FOR SELECT TO authenticated USING (((member_id = ( SELECT auth.uid() AS uid)) OR ( SELECT app.is_site_staff() AS is_site_staff)));

CREATE POLICY sanctions_service_read ON app.sanctions FOR SELECT TO auth_admin USING (true);

CREATE POLICY sanctions_steward ON app.sanctions TO community_steward USING (true) WITH CHECK (true);

ALTER TABLE app.staff_notes ENABLE ROW LEVEL SECURITY;

CREATE POLICY staff_notes_read ON app.staff_notes FOR SELECT TO authenticated USING (( SELECT app.is_site_staff() AS is_site_staff));

CREATE POLICY staff_notes_write ON app.staff_notes FOR INSERT TO authenticated WITH CHECK ((( SELECT app.is_site_staff() AS is_site_staff) AND (author_id = ( SELECT auth.uid() AS uid))));

ALTER TABLE app.watched_words ENABLE ROW LEVEL SECURITY;

CREATE POLICY watched_words_service_read ON app.watched_words FOR SELECT TO auth_admin USING (true);

CREATE POLICY watched_words_staff_add ON app.watched_words FOR INSERT TO authenticated WITH CHECK ((( SELECT app.is_site_staff() AS is_site_staff) AND (created_by = ( SELECT auth.uid() AS uid))));

CREATE POLICY watched_words_staff_read ON app.watched_words FOR SELECT TO authenticated USING (( SELECT app.is_site_staff() AS is_site_staff));

CREATE POLICY watched_words_staff_remove ON app.watched_words FOR DELETE TO authenticated USING (( SELECT app.is_site_staff() AS is_site_staff));

ALTER TABLE auth.audit_log ENABLE ROW LEVEL SECURITY;

CREATE POLICY audit_log_service_insert ON auth.audit_log FOR INSERT TO auth_admin WITH CHECK (true);

CREATE POLICY audit_log_service_read ON auth.audit_log FOR SELECT TO auth_admin USING (true);

ALTER TABLE auth.identities ENABLE ROW LEVEL SECURITY;

CREATE POLICY identities_delete_own ON auth.identities FOR DELETE TO authenticated USING ((user_id = ( SELECT auth.uid() AS uid)));

CREATE POLICY identities_read_own ON auth.identities FOR SELECT TO authenticated USING ((user_id = ( SELECT auth.uid() AS uid)));

CREATE POLICY identities_service ON auth.identities TO auth_admin USING (true) WITH CHECK (true);

ALTER TABLE auth.mfa_factors ENABLE ROW LEVEL SECURITY;

CREATE POLICY mfa_factors_read_own ON auth.mfa_factors FOR SELECT TO authenticated USING ((user_id = ( SELECT auth.uid() AS uid)));

CREATE POLICY mfa_factors_service ON auth.mfa_factors TO auth_admin USING (true) WITH CHECK (true);

ALTER TABLE auth.one_time_tokens ENABLE ROW LEVEL SECURITY;

CREATE POLICY one_time_tokens_service ON auth.one_time_tokens TO auth_admin USING (true) WITH CHECK (true);

ALTER TABLE auth.rate_limits ENABLE ROW LEVEL SECURITY;

CREATE POLICY rate_limits_service ON auth.rate_limits TO auth_admin USING (true) WITH CHECK (true);

ALTER TABLE auth.recovery_code_reveals ENABLE ROW LEVEL SECURITY;

CREATE POLICY recovery_code_reveals_service ON auth.recovery_code_reveals TO auth_admin USING (true) WITH CHECK (true);

ALTER TABLE auth.recovery_codes ENABLE ROW LEVEL SECURITY;

CREATE POLICY recovery_codes_service ON auth.recovery_codes TO auth_admin USING (true) WITH CHECK (true);

ALTER TABLE auth.refresh_tokens ENABLE ROW LEVEL SECURITY;

CREATE POLICY refresh_tokens_service ON auth.refresh_tokens TO auth_admin USING (true) WITH CHECK (true);

ALTER TABLE auth.sessions ENABLE ROW LEVEL SECURITY;

CREATE POLICY sessions_read_own ON auth.sessions FOR SELECT TO authenticated USING ((user_id = ( SELECT auth.uid() AS uid)));

CREATE POLICY sessions_revoke_own ON auth.sessions FOR UPDATE TO authenticated USING (((user_id = ( SELECT auth.uid() AS uid)) AND (revoked_at IS NULL))) WITH CHECK (((user_id = ( SELECT auth.uid() AS uid)) AND (revoked_at IS NOT NULL)));

CREATE POLICY sessions_service ON auth.sessions TO auth_admin USING (true) WITH CHECK (true);

CREATE POLICY sessions_steward_end ON auth.sessions FOR UPDATE TO community_steward USING (true) WITH CHECK ((revoked_at IS NOT NULL));

CREATE POLICY sessions_steward_read ON auth.sessions FOR SELECT TO community_steward USING (true);

ALTER TABLE auth.sign_in_failures ENABLE ROW LEVEL SECURITY;

CREATE POLICY sign_in_failures_service ON auth.sign_in_failures TO auth_admin USING (true) WITH CHECK (true);

ALTER TABLE auth.users ENABLE ROW LEVEL SECURITY;

CREATE POLICY users_read_own ON auth.users FOR SELECT TO authenticated USING ((id = ( SELECT auth.uid() AS uid)));

CREATE POLICY users_service ON auth.users TO auth_admin USING (true) WITH CHECK (true);

CREATE POLICY users_steward ON auth.users FOR SELECT TO community_steward USING (true);

GRANT USAGE ON SCHEMA app TO anon;
GRANT USAGE ON SCHEMA app TO authenticated;
GRANT USAGE ON SCHEMA app TO auth_admin;
GRANT USAGE ON SCHEMA app TO community_steward;

GRANT USAGE ON SCHEMA auth TO anon;
GRANT USAGE ON SCHEMA auth TO authenticated;
GRANT USAGE ON SCHEMA auth TO auth_admin;
GRANT USAGE ON SCHEMA auth TO community_steward;

REVOKE ALL ON FUNCTION app.acknowledge_warning(p_id bigint) FROM PUBLIC;
GRANT ALL ON FUNCTION app.acknowledge_warning(p_id bigint) TO authenticated;

REVOKE ALL ON FUNCTION app.comment_author(p_comment bigint) FROM PUBLIC;

REVOKE ALL ON FUNCTION app.count_dashboard_day(p_day date) FROM PUBLIC;

REVOKE ALL ON FUNCTION app.dashboard_backlog() FROM PUBLIC;
GRANT ALL ON FUNCTION app.dashboard_backlog() TO authenticated;

REVOKE ALL ON FUNCTION app.dashboard_database() FROM PUBLIC;
GRANT ALL ON FUNCTION app.dashboard_database() TO authenticated;

REVOKE ALL ON FUNCTION app.dashboard_days(p_days integer) FROM PUBLIC;
GRANT ALL ON FUNCTION app.dashboard_days(p_days integer) TO authenticated;

REVOKE ALL ON FUNCTION app.decide_held(p_target_key text, p_approve boolean, p_reason text) FROM PUBLIC;
GRANT ALL ON FUNCTION app.decide_held(p_target_key text, p_approve boolean, p_reason text) TO authenticated;

REVOKE ALL ON FUNCTION app.emit_event(p_kind text, p_circle_id bigint, p_post_id bigint, p_comment_id bigint, p_subject_user_id uuid, p_actor_id uuid) FROM PUBLIC;

REVOKE ALL ON FUNCTION app.followers(p_circle bigint, p_post bigint) FROM PUBLIC;

REVOKE ALL ON FUNCTION app.guard_sanction(p_member uuid) FROM PUBLIC;

REVOKE ALL ON FUNCTION app.is_comment_author(p_comment_id bigint) FROM PUBLIC;
GRANT ALL ON FUNCTION app.is_comment_author(p_comment_id bigint) TO anon;
GRANT ALL ON FUNCTION app.is_comment_author(p_comment_id bigint) TO authenticated;

GRANT ALL ON FUNCTION app.is_post_author(p_post_id bigint) TO anon;
GRANT ALL ON FUNCTION app.is_post_author(p_post_id bigint) TO authenticated;
GRANT ALL ON FUNCTION app.is_post_author(p_post_id bigint) TO auth_admin;

GRANT ALL ON FUNCTION app.is_site_admin() TO anon;
GRANT ALL ON FUNCTION app.is_site_admin() TO authenticated;
GRANT ALL ON FUNCTION app.is_site_admin() TO community_steward;
GRANT ALL ON FUNCTION app.is_site_admin() TO auth_admin;

GRANT ALL ON FUNCTION app.is_site_staff() TO anon;
GRANT ALL ON FUNCTION app.is_site_staff() TO authenticated;
GRANT ALL ON FUNCTION app.is_site_staff() TO community_steward;
GRANT ALL ON FUNCTION app.is_site_staff() TO auth_admin;

GRANT ALL ON FUNCTION app.joined_circle_ids() TO anon;
GRANT ALL ON FUNCTION app.joined_circle_ids() TO authenticated;
GRANT ALL ON FUNCTION app.joined_circle_ids() TO auth_admin;

REVOKE ALL ON FUNCTION app.lift_sanction(p_id bigint, p_reason text) FROM PUBLIC;
GRANT ALL ON FUNCTION app.lift_sanction(p_id bigint, p_reason text) TO authenticated;

REVOKE ALL ON FUNCTION app.member_reads_circle(p_user uuid, p_circle bigint) FROM PUBLIC;

REVOKE ALL ON FUNCTION app.mentioned_members(p_html text) FROM PUBLIC;

REVOKE ALL ON FUNCTION app.moderate(p_action text, p_post bigint, p_comment bigint, p_reason text) FROM PUBLIC;
GRANT ALL ON FUNCTION app.moderate(p_action text, p_post bigint, p_comment bigint, p_reason text) TO authenticated;

GRANT ALL ON FUNCTION app.moderated_circle_ids() TO anon;
GRANT ALL ON FUNCTION app.moderated_circle_ids() TO authenticated;
GRANT ALL ON FUNCTION app.moderated_circle_ids() TO auth_admin;

REVOKE ALL ON FUNCTION app.move_post(p_post bigint, p_circle text, p_reason text) FROM PUBLIC;
GRANT ALL ON FUNCTION app.move_post(p_post bigint, p_circle text, p_reason text) TO authenticated;

REVOKE ALL ON FUNCTION app.my_standing() FROM PUBLIC;
GRANT ALL ON FUNCTION app.my_standing() TO authenticated;

REVOKE ALL ON FUNCTION app.notification_level(p_user uuid, p_circle bigint, p_post bigint) FROM PUBLIC;

REVOKE ALL ON FUNCTION app.notify(p_recipient uuid, p_kind text, p_circle bigint, p_post bigint, p_comment bigint, p_actor uuid, p_shown_actor uuid) FROM PUBLIC;

REVOKE ALL ON FUNCTION app.original_poster_reply_ids(p_post_id bigint) FROM PUBLIC;
GRANT ALL ON FUNCTION app.original_poster_reply_ids(p_post_id bigint) TO anon;
GRANT ALL ON FUNCTION app.original_poster_reply_ids(p_post_id bigint) TO authenticated;

REVOKE ALL ON FUNCTION app.post_author(p_post bigint) FROM PUBLIC;

GRANT ALL ON FUNCTION app.post_is_held(p_post bigint) TO anon;
GRANT ALL ON FUNCTION app.post_is_held(p_post bigint) TO authenticated;

REVOKE ALL ON FUNCTION app.public_moderation_log(p_before bigint, p_limit integer) FROM PUBLIC;
GRANT ALL ON FUNCTION app.public_moderation_log(p_before bigint, p_limit integer) TO anon;
GRANT ALL ON FUNCTION app.public_moderation_log(p_before bigint, p_limit integer) TO authenticated;

REVOKE ALL ON FUNCTION app.purge_member(p_member uuid, p_reason text) FROM PUBLIC;
GRANT ALL ON FUNCTION app.purge_member(p_member uuid, p_reason text) TO authenticated;

GRANT ALL ON FUNCTION app.readable_circle_ids() TO anon;
GRANT ALL ON FUNCTION app.readable_circle_ids() TO authenticated;
GRANT ALL ON FUNCTION app.readable_circle_ids() TO auth_admin;

GRANT ALL ON FUNCTION app.recent_reaction_scores(p_since timestamp with time zone) TO anon;
GRANT ALL ON FUNCTION app.recent_reaction_scores(p_since timestamp with time zone) TO authenticated;
GRANT ALL ON FUNCTION app.recent_reaction_scores(p_since timestamp with time zone) TO auth_admin;

REVOKE ALL ON FUNCTION app.recent_standings(p_since timestamp with time zone) FROM PUBLIC;
GRANT ALL ON FUNCTION app.recent_standings(p_since timestamp with time zone) TO auth_admin;

REVOKE ALL ON FUNCTION app.removed_texts_of(p_member uuid, p_kind text) FROM PUBLIC;

GRANT ALL ON FUNCTION app.reply_depth(p_parent_id bigint, p_post_id bigint) TO anon;
GRANT ALL ON FUNCTION app.reply_depth(p_parent_id bigint, p_post_id bigint) TO authenticated;
GRANT ALL ON FUNCTION app.reply_depth(p_parent_id bigint, p_post_id bigint) TO auth_admin;

REVOKE ALL ON FUNCTION app.reporter_weights(p_reporters uuid[]) FROM PUBLIC;
GRANT ALL ON FUNCTION app.reporter_weights(p_reporters uuid[]) TO authenticated;

REVOKE ALL ON FUNCTION app.review_own(p_post bigint, p_comment bigint, p_hold boolean, p_word text) FROM PUBLIC;
GRANT ALL ON FUNCTION app.review_own(p_post bigint, p_comment bigint, p_hold boolean, p_word text) TO authenticated;

REVOKE ALL ON FUNCTION app.review_own_profile(p_word text) FROM PUBLIC;
GRANT ALL ON FUNCTION app.review_own_profile(p_word text) TO authenticated;

REVOKE ALL ON FUNCTION app.sanction(p_member uuid, p_kind text, p_reason text, p_days integer) FROM PUBLIC;
GRANT ALL ON FUNCTION app.sanction(p_member uuid, p_kind text, p_reason text, p_days integer) TO authenticated;

REVOKE ALL ON FUNCTION app.sanction_history(p_member uuid) FROM PUBLIC;
GRANT ALL ON FUNCTION app.sanction_history(p_member uuid) TO authenticated;

REVOKE ALL ON FUNCTION app.search_post_ids(p_query tsquery, p_limit integer) FROM PUBLIC;
GRANT ALL ON FUNCTION app.search_post_ids(p_query tsquery, p_limit integer) TO anon;
GRANT ALL ON FUNCTION app.search_post_ids(p_query tsquery, p_limit integer) TO authenticated;

REVOKE ALL ON FUNCTION app.set_slow_mode(p_circle bigint, p_secs integer, p_reason text) FROM PUBLIC;
GRANT ALL ON FUNCTION app.set_slow_mode(p_circle bigint, p_secs integer, p_reason text) TO authenticated;

REVOKE ALL ON FUNCTION app.settle_reports(p_target_key text, p_outcome text, p_reason text) FROM PUBLIC;
GRANT ALL ON FUNCTION app.settle_reports(p_target_key text, p_outcome text, p_reason text) TO authenticated;

REVOKE ALL ON FUNCTION app.standing_of(p_member uuid) FROM PUBLIC;
GRANT ALL ON FUNCTION app.standing_of(p_member uuid) TO auth_admin;

REVOKE ALL ON FUNCTION app.summarize_review_target(p_key text) FROM PUBLIC;

REVOKE ALL ON FUNCTION auth.forget_reveals_of_ended_session() FROM PUBLIC;

GRANT ALL ON FUNCTION auth.jwt() TO anon;
GRANT ALL ON FUNCTION auth.jwt() TO authenticated;
GRANT ALL ON FUNCTION auth.jwt() TO auth_admin;
GRANT ALL ON FUNCTION auth.jwt() TO community_steward;

GRANT ALL ON FUNCTION auth.role() TO anon;
GRANT ALL ON FUNCTION auth.role() TO authenticated;
GRANT ALL ON FUNCTION auth.role() TO auth_admin;
GRANT ALL ON FUNCTION auth.role() TO community_steward;

GRANT ALL ON FUNCTION auth.uid() TO anon;
GRANT ALL ON FUNCTION auth.uid() TO authenticated;
GRANT ALL ON FUNCTION auth.uid() TO auth_admin;
GRANT ALL ON FUNCTION auth.uid() TO community_steward;

GRANT SELECT ON TABLE app.anonymous_authors TO community_steward;
GRANT SELECT,INSERT ON TABLE app.anonymous_authors TO authenticated;

GRANT SELECT ON TABLE app.anonymous_comment_authors TO community_steward;
GRANT SELECT,INSERT ON TABLE app.anonymous_comment_authors TO authenticated;

GRANT SELECT,INSERT,DELETE ON TABLE app.bookmarks TO authenticated;
GRANT SELECT ON TABLE app.bookmarks TO anon;

GRANT SELECT,INSERT,DELETE ON TABLE app.circle_follows TO authenticated;
GRANT SELECT ON TABLE app.circle_follows TO anon;

GRANT SELECT ON TABLE app.circle_members TO community_steward;
GRANT SELECT ON TABLE app.circle_members TO anon;
GRANT SELECT,DELETE ON TABLE app.circle_members TO authenticated;

GRANT INSERT(circle_id) ON TABLE app.circle_members TO authenticated;

GRANT INSERT(user_id) ON TABLE app.circle_members TO authenticated;

GRANT UPDATE(role) ON TABLE app.circle_members TO authenticated;

GRANT INSERT(status),UPDATE(status) ON TABLE app.circle_members TO authenticated;

GRANT SELECT ON TABLE app.circles TO community_steward;
GRANT SELECT ON TABLE app.circles TO anon;
GRANT SELECT ON TABLE app.circles TO authenticated;

GRANT SELECT(id) ON TABLE app.circles TO community_steward;

GRANT INSERT(slug) ON TABLE app.circles TO authenticated;
GRANT SELECT(slug) ON TABLE app.circles TO community_steward;

GRANT INSERT(name),UPDATE(name) ON TABLE app.circles TO authenticated;
GRANT SELECT(name) ON TABLE app.circles TO community_steward;

GRANT INSERT(description),UPDATE(description) ON TABLE app.circles TO authenticated;

GRANT INSERT(visibility) ON TABLE app.circles TO authenticated;

GRANT INSERT(is_support) ON TABLE app.circles TO authenticated;

GRANT INSERT(created_by) ON TABLE app.circles TO authenticated;

GRANT UPDATE(member_count) ON TABLE app.circles TO community_steward;

GRANT UPDATE(post_count) ON TABLE app.circles TO community_steward;

GRANT UPDATE(slow_mode_secs) ON TABLE app.circles TO community_steward;

GRANT SELECT,INSERT,DELETE ON TABLE app.comment_reactions TO authenticated;
GRANT SELECT ON TABLE app.comment_reactions TO anon;

GRANT INSERT ON TABLE app.comment_revisions TO community_steward;
GRANT SELECT ON TABLE app.comment_revisions TO authenticated;

GRANT SELECT ON TABLE app.comments TO community_steward;
GRANT SELECT ON TABLE app.comments TO anon;
GRANT SELECT ON TABLE app.comments TO authenticated;

GRANT INSERT(post_id) ON TABLE app.comments TO authenticated;

GRANT INSERT(parent_id) ON TABLE app.comments TO authenticated;

GRANT INSERT(author_id) ON TABLE app.comments TO authenticated;

GRANT INSERT(body),UPDATE(body) ON TABLE app.comments TO authenticated;
GRANT UPDATE(body) ON TABLE app.comments TO community_steward;

GRANT INSERT(body_html),UPDATE(body_html) ON TABLE app.comments TO authenticated;
GRANT UPDATE(body_html) ON TABLE app.comments TO community_steward;

GRANT INSERT(depth) ON TABLE app.comments TO authenticated;

GRANT UPDATE(edited_at) ON TABLE app.comments TO authenticated;

GRANT UPDATE(deleted_at) ON TABLE app.comments TO authenticated;
GRANT UPDATE(deleted_at) ON TABLE app.comments TO community_steward;

GRANT UPDATE(support_count) ON TABLE app.comments TO community_steward;

GRANT UPDATE(grateful_count) ON TABLE app.comments TO community_steward;

GRANT UPDATE(insightful_count) ON TABLE app.comments TO community_steward;

GRANT UPDATE(hug_count) ON TABLE app.comments TO community_steward;

GRANT INSERT(is_anonymous) ON TABLE app.comments TO authenticated;

GRANT UPDATE(removed_at) ON TABLE app.comments TO community_steward;

GRANT SELECT,DELETE ON TABLE app.events TO auth_admin;
GRANT INSERT ON TABLE app.events TO community_steward;

GRANT SELECT(id) ON TABLE app.events TO community_steward;

GRANT SELECT ON TABLE app.feature_flags TO authenticated;
GRANT SELECT ON TABLE app.feature_flags TO auth_admin;

GRANT UPDATE(enabled) ON TABLE app.feature_flags TO authenticated;

GRANT UPDATE(updated_by) ON TABLE app.feature_flags TO authenticated;

GRANT UPDATE(updated_at) ON TABLE app.feature_flags TO authenticated;

GRANT SELECT ON TABLE app.form_submissions TO authenticated;
GRANT SELECT,DELETE ON TABLE app.form_submissions TO auth_admin;

GRANT INSERT(user_id) ON TABLE app.form_submissions TO authenticated;

GRANT INSERT(key) ON TABLE app.form_submissions TO authenticated;

GRANT UPDATE(result) ON TABLE app.form_submissions TO authenticated;

GRANT SELECT,INSERT,DELETE,UPDATE ON TABLE app.job_schedules TO auth_admin;

GRANT SELECT,INSERT,DELETE,UPDATE ON TABLE app.jobs TO auth_admin;

GRANT SELECT,DELETE ON TABLE app.media_deletions TO auth_admin;
GRANT INSERT ON TABLE app.media_deletions TO community_steward;

GRANT SELECT ON TABLE app.media_objects TO anon;
GRANT SELECT,DELETE ON TABLE app.media_objects TO authenticated;
GRANT SELECT,DELETE ON TABLE app.media_objects TO community_steward;
GRANT SELECT,DELETE ON TABLE app.media_objects TO auth_admin;

GRANT INSERT(id) ON TABLE app.media_objects TO authenticated;

GRANT INSERT(bucket) ON TABLE app.media_objects TO authenticated;

GRANT INSERT(owner_id) ON TABLE app.media_objects TO authenticated;

GRANT INSERT(content_type) ON TABLE app.media_objects TO authenticated;

GRANT INSERT(width) ON TABLE app.media_objects TO authenticated;

GRANT INSERT(height) ON TABLE app.media_objects TO authenticated;

GRANT INSERT(bytes) ON TABLE app.media_objects TO authenticated;

GRANT INSERT(sizes) ON TABLE app.media_objects TO authenticated;

GRANT INSERT(alt),UPDATE(alt) ON TABLE app.media_objects TO authenticated;

GRANT INSERT(post_id) ON TABLE app.media_objects TO authenticated;

GRANT INSERT(comment_id) ON TABLE app.media_objects TO authenticated;

GRANT SELECT,INSERT ON TABLE app.moderation_log TO community_steward;
GRANT SELECT ON TABLE app.moderation_log TO authenticated;

GRANT SELECT,INSERT,DELETE,UPDATE ON TABLE app.muted_members TO authenticated;
GRANT SELECT ON TABLE app.muted_members TO community_steward;

GRANT SELECT ON TABLE app.notification_digests TO authenticated;
GRANT SELECT,INSERT,UPDATE ON TABLE app.notification_digests TO auth_admin;

GRANT INSERT(user_id) ON TABLE app.notification_digests TO authenticated;

GRANT INSERT(frequency),UPDATE(frequency) ON TABLE app.notification_digests TO authenticated;

GRANT SELECT,INSERT,DELETE,UPDATE ON TABLE app.notification_levels TO authenticated;
GRANT SELECT ON TABLE app.notification_levels TO community_steward;

GRANT SELECT ON TABLE app.notifications TO authenticated;
GRANT SELECT,INSERT,DELETE,UPDATE ON TABLE app.notifications TO community_steward;

GRANT UPDATE(read_at) ON TABLE app.notifications TO authenticated;

GRANT USAGE ON SEQUENCE app.notification_order TO community_steward;

GRANT SELECT,INSERT,DELETE,UPDATE ON TABLE app.outbox_emails TO auth_admin;

GRANT SELECT ON TABLE app.post_reactions TO community_steward;
GRANT SELECT,INSERT,DELETE ON TABLE app.post_reactions TO authenticated;
GRANT SELECT ON TABLE app.post_reactions TO anon;

GRANT INSERT ON TABLE app.post_revisions TO community_steward;
GRANT SELECT ON TABLE app.post_revisions TO authenticated;

GRANT SELECT ON TABLE app.posts TO community_steward;

GRANT SELECT(id) ON TABLE app.posts TO anon;
GRANT SELECT(id) ON TABLE app.posts TO authenticated;

GRANT SELECT(circle_id) ON TABLE app.posts TO anon;
GRANT SELECT(circle_id),INSERT(circle_id) ON TABLE app.posts TO authenticated;
GRANT UPDATE(circle_id) ON TABLE app.posts TO community_steward;

GRANT SELECT(author_id) ON TABLE app.posts TO anon;
GRANT SELECT(author_id),INSERT(author_id) ON TABLE app.posts TO authenticated;

GRANT SELECT(is_anonymous) ON TABLE app.posts TO anon;
GRANT SELECT(is_anonymous),INSERT(is_anonymous) ON TABLE app.posts TO authenticated;

GRANT SELECT(title) ON TABLE app.posts TO anon;
GRANT SELECT(title),INSERT(title),UPDATE(title) ON TABLE app.posts TO authenticated;
GRANT UPDATE(title) ON TABLE app.posts TO community_steward;

GRANT SELECT(body) ON TABLE app.posts TO anon;
GRANT SELECT(body),INSERT(body),UPDATE(body) ON TABLE app.posts TO authenticated;
GRANT UPDATE(body) ON TABLE app.posts TO community_steward;

GRANT SELECT(body_html) ON TABLE app.posts TO anon;
GRANT SELECT(body_html),INSERT(body_html),UPDATE(body_html) ON TABLE app.posts TO authenticated;
GRANT UPDATE(body_html) ON TABLE app.posts TO community_steward;

GRANT SELECT(content_warning) ON TABLE app.posts TO anon;
GRANT SELECT(content_warning),INSERT(content_warning),UPDATE(content_warning) ON TABLE app.posts TO authenticated;
GRANT UPDATE(content_warning) ON TABLE app.posts TO community_steward;

GRANT SELECT(pinned) ON TABLE app.posts TO anon;
GRANT SELECT(pinned) ON TABLE app.posts TO authenticated;
GRANT UPDATE(pinned) ON TABLE app.posts TO community_steward;

GRANT SELECT(locked) ON TABLE app.posts TO anon;
GRANT SELECT(locked) ON TABLE app.posts TO authenticated;
GRANT UPDATE(locked) ON TABLE app.posts TO community_steward;

GRANT SELECT(created_at) ON TABLE app.posts TO anon;
GRANT SELECT(created_at) ON TABLE app.posts TO authenticated;

GRANT SELECT(edited_at) ON TABLE app.posts TO anon;
GRANT SELECT(edited_at),UPDATE(edited_at) ON TABLE app.posts TO authenticated;

GRANT SELECT(deleted_at) ON TABLE app.posts TO anon;
GRANT SELECT(deleted_at),UPDATE(deleted_at) ON TABLE app.posts TO authenticated;
GRANT UPDATE(deleted_at) ON TABLE app.posts TO community_steward;

GRANT UPDATE(last_activity_at) ON TABLE app.posts TO community_steward;
GRANT SELECT(last_activity_at) ON TABLE app.posts TO anon;
GRANT SELECT(last_activity_at) ON TABLE app.posts TO authenticated;

GRANT UPDATE(comment_count) ON TABLE app.posts TO community_steward;
GRANT SELECT(comment_count) ON TABLE app.posts TO anon;
GRANT SELECT(comment_count) ON TABLE app.posts TO authenticated;

GRANT UPDATE(support_count) ON TABLE app.posts TO community_steward;
GRANT SELECT(support_count) ON TABLE app.posts TO anon;
GRANT SELECT(support_count) ON TABLE app.posts TO authenticated;

GRANT UPDATE(grateful_count) ON TABLE app.posts TO community_steward;
GRANT SELECT(grateful_count) ON TABLE app.posts TO anon;
GRANT SELECT(grateful_count) ON TABLE app.posts TO authenticated;

GRANT UPDATE(insightful_count) ON TABLE app.posts TO community_steward;
GRANT SELECT(insightful_count) ON TABLE app.posts TO anon;
GRANT SELECT(insightful_count) ON TABLE app.posts TO authenticated;

GRANT UPDATE(hug_count) ON TABLE app.posts TO community_steward;
GRANT SELECT(hug_count) ON TABLE app.posts TO anon;
GRANT SELECT(hug_count) ON TABLE app.posts TO authenticated;

GRANT SELECT(search) ON TABLE app.posts TO anon;
GRANT SELECT(search) ON TABLE app.posts TO authenticated;

GRANT SELECT(removed_at) ON TABLE app.posts TO anon;
GRANT SELECT(removed_at) ON TABLE app.posts TO authenticated;
GRANT UPDATE(removed_at) ON TABLE app.posts TO community_steward;

GRANT SELECT,INSERT,DELETE,UPDATE ON TABLE app.profiles TO auth_admin;
GRANT SELECT ON TABLE app.profiles TO anon;
GRANT SELECT ON TABLE app.profiles TO authenticated;

GRANT SELECT(user_id) ON TABLE app.profiles TO community_steward;

GRANT SELECT(handle) ON TABLE app.profiles TO community_steward;

GRANT UPDATE(display_name) ON TABLE app.profiles TO authenticated;

GRANT UPDATE(bio) ON TABLE app.profiles TO authenticated;

GRANT UPDATE(pronouns) ON TABLE app.profiles TO authenticated;

GRANT UPDATE(updated_at) ON TABLE app.profiles TO authenticated;

GRANT UPDATE(interests) ON TABLE app.profiles TO authenticated;

GRANT UPDATE(modalities) ON TABLE app.profiles TO authenticated;

GRANT UPDATE(credentials) ON TABLE app.profiles TO authenticated;

GRANT UPDATE(booking_url) ON TABLE app.profiles TO authenticated;

GRANT UPDATE(avatar_id) ON TABLE app.profiles TO authenticated;

GRANT SELECT ON TABLE app.removed_texts TO authenticated;
GRANT SELECT,INSERT,DELETE ON TABLE app.removed_texts TO community_steward;

GRANT SELECT,INSERT,UPDATE ON TABLE app.reports TO community_steward;

GRANT SELECT(id) ON TABLE app.reports TO authenticated;

GRANT SELECT(reporter_id),INSERT(reporter_id) ON TABLE app.reports TO authenticated;

GRANT SELECT(target),INSERT(target) ON TABLE app.reports TO authenticated;

GRANT SELECT(post_id),INSERT(post_id) ON TABLE app.reports TO authenticated;

GRANT SELECT(comment_id),INSERT(comment_id) ON TABLE app.reports TO authenticated;

GRANT SELECT(member_id),INSERT(member_id) ON TABLE app.reports TO authenticated;

GRANT SELECT(circle_id) ON TABLE app.reports TO authenticated;

GRANT SELECT(reason),INSERT(reason) ON TABLE app.reports TO authenticated;

GRANT SELECT(details),INSERT(details) ON TABLE app.reports TO authenticated;

GRANT SELECT(status) ON TABLE app.reports TO authenticated;

GRANT SELECT(created_at) ON TABLE app.reports TO authenticated;

GRANT SELECT(resolved_at) ON TABLE app.reports TO authenticated;

GRANT SELECT(target_key) ON TABLE app.reports TO authenticated;

GRANT SELECT ON TABLE app.review_targets TO authenticated;
GRANT SELECT,INSERT,DELETE,UPDATE ON TABLE app.review_targets TO community_steward;

GRANT SELECT,INSERT,UPDATE ON TABLE app.sanctions TO community_steward;
GRANT SELECT ON TABLE app.sanctions TO auth_admin;

GRANT SELECT(id) ON TABLE app.sanctions TO authenticated;

GRANT SELECT(member_id) ON TABLE app.sanctions TO authenticated;

GRANT SELECT(kind) ON TABLE app.sanctions TO authenticated;

GRANT SELECT(reason) ON TABLE app.sanctions TO authenticated;

GRANT SELECT(starts_at) ON TABLE app.sanctions TO authenticated;

GRANT SELECT(ends_at) ON TABLE app.sanctions TO authenticated;

GRANT SELECT(created_at) ON TABLE app.sanctions TO authenticated;

GRANT SELECT(lifted_at) ON TABLE app.sanctions TO authenticated;

GRANT SELECT(lift_reason) ON TABLE app.sanctions TO authenticated;

GRANT SELECT(acknowledged_at) ON TABLE app.sanctions TO authenticated;

GRANT SELECT ON TABLE app.staff_notes TO authenticated;

GRANT INSERT(member_id) ON TABLE app.staff_notes TO authenticated;

GRANT INSERT(author_id) ON TABLE app.staff_notes TO authenticated;

GRANT INSERT(body) ON TABLE app.staff_notes TO authenticated;

GRANT SELECT,DELETE ON TABLE app.watched_words TO authenticated;
GRANT SELECT ON TABLE app.watched_words TO auth_admin;

GRANT INSERT(pattern) ON TABLE app.watched_words TO authenticated;

GRANT INSERT(is_regex) ON TABLE app.watched_words TO authenticated;

GRANT INSERT(action) ON TABLE app.watched_words TO authenticated;

GRANT INSERT(created_by) ON TABLE app.watched_words TO authenticated;

GRANT SELECT,INSERT ON TABLE auth.audit_log TO auth_admin;

GRANT SELECT,INSERT,DELETE,UPDATE ON TABLE auth.identities TO auth_admin;
GRANT DELETE ON TABLE auth.identities TO authenticated;

GRANT SELECT(id) ON TABLE auth.identities TO authenticated;

GRANT SELECT(user_id) ON TABLE auth.identities TO authenticated;

GRANT SELECT(provider) ON TABLE auth.identities TO authenticated;

GRANT SELECT(email) ON TABLE auth.identities TO authenticated;

GRANT SELECT(created_at) ON TABLE auth.identities TO authenticated;

GRANT SELECT,INSERT,DELETE,UPDATE ON TABLE auth.mfa_factors TO auth_admin;

GRANT SELECT(id) ON TABLE auth.mfa_factors TO authenticated;

GRANT SELECT(user_id) ON TABLE auth.mfa_factors TO authenticated;

GRANT SELECT(status) ON TABLE auth.mfa_factors TO authenticated;

GRANT SELECT(created_at) ON TABLE auth.mfa_factors TO authenticated;

GRANT SELECT,INSERT,DELETE,UPDATE ON TABLE auth.one_time_tokens TO auth_admin;

GRANT SELECT,INSERT,DELETE,UPDATE ON TABLE auth.rate_limits TO auth_admin;

GRANT SELECT,INSERT,DELETE,UPDATE ON TABLE auth.recovery_code_reveals TO auth_admin;

GRANT SELECT,INSERT,DELETE,UPDATE ON TABLE auth.recovery_codes TO auth_admin;

GRANT SELECT,INSERT,DELETE,UPDATE ON TABLE auth.refresh_tokens TO auth_admin;

GRANT SELECT,INSERT,DELETE,UPDATE ON TABLE auth.sessions TO auth_admin;

GRANT SELECT(id) ON TABLE auth.sessions TO authenticated;
GRANT SELECT(id) ON TABLE auth.sessions TO community_steward;

GRANT SELECT(user_id) ON TABLE auth.sessions TO authenticated;
GRANT SELECT(user_id) ON TABLE auth.sessions TO community_steward;

GRANT SELECT(aal) ON TABLE auth.sessions TO authenticated;

GRANT SELECT(amr) ON TABLE auth.sessions TO authenticated;

GRANT SELECT(user_agent) ON TABLE auth.sessions TO authenticated;

GRANT SELECT(ip) ON TABLE auth.sessions TO authenticated;

GRANT SELECT(created_at) ON TABLE auth.sessions TO authenticated;

GRANT SELECT(last_seen_at) ON TABLE auth.sessions TO authenticated;

GRANT SELECT(revoked_at),UPDATE(revoked_at) ON TABLE auth.sessions TO authenticated;
GRANT SELECT(revoked_at),UPDATE(revoked_at) ON TABLE auth.sessions TO community_steward;

GRANT UPDATE(revoked_reason) ON TABLE auth.sessions TO authenticated;
GRANT UPDATE(revoked_reason) ON TABLE auth.sessions TO community_steward;

GRANT SELECT,INSERT,DELETE,UPDATE ON TABLE auth.sign_in_failures TO auth_admin;

GRANT SELECT,INSERT,DELETE,UPDATE ON TABLE auth.users TO auth_admin;

GRANT SELECT(id) ON TABLE auth.users TO authenticated;
GRANT SELECT(id) ON TABLE auth.users TO community_steward;

GRANT SELECT(email) ON TABLE auth.users TO authenticated;

GRANT SELECT(email_confirmed_at) ON TABLE auth.users TO authenticated;

GRANT SELECT(role) ON TABLE auth.users TO authenticated;
GRANT SELECT(role) ON TABLE auth.users TO community_steward;

GRANT SELECT(created_at) ON TABLE auth.users TO authenticated;
