-- Sanctions on a member: warn, silence, suspend, ban, and purging a spam account.
--
-- Site staff (aal2) decide; the member is told what, why and until when: on their next page
-- view (the access token carries their standing, see `app.standing_of`; a change is
-- announced on `wellspring_revocations` so every instance asks for a fresh token at once)
-- and as a notification. Lemmy's lesson: the member is told why and until when, and never
-- who; only staff see the moderator's name.
--
--   warn     nothing is restricted; shown until the member says they have read it.
--   silence  reading only: no posts, replies, reactions or new circles, until a date.
--   suspend  silence, and no joining, reporting or profile changes, until a date. The member
--            still signs in, reads, exports their data and deletes their account.
--   ban      no sign-in at all (every session ends now), until a date or for good.
--
-- Every decision is one call of `app.sanction(...)`, `app.lift_sanction(...)` or
-- `app.purge_member(...)`: guard → change → moderation-log row → notice in the caller's
-- transaction. Restrictions are enforced here too (`app.refuse_restricted_writer`), not only
-- by the pages, so no path around the forms writes for a silenced member.

create table app.sanctions (
    id bigint generated always as identity primary key,
    member_id uuid not null references auth.users (id) on delete cascade,
    kind text not null check (kind in ('warn', 'silence', 'suspend', 'ban')),
    reason text not null check (char_length(reason) between 3 and 500),
    starts_at timestamptz not null default now(),
    -- Null: a warning (no period) or a ban for good.
    ends_at timestamptz,
    -- Staff only (not granted to members): who decided.
    actor_id uuid references auth.users (id) on delete set null,
    created_at timestamptz not null default now(),
    lifted_at timestamptz,
    lifted_by uuid references auth.users (id) on delete set null,
    lift_reason text check (char_length(lift_reason) between 3 and 500),
    -- A warning the member has read.
    acknowledged_at timestamptz,
    -- Last time this row changed what the member's standing is: what the revocation set
    -- reloads after a gap.
    changed_at timestamptz not null default now(),
    constraint sanctions_period check (ends_at is null or ends_at > starts_at),
    constraint sanctions_shape check (
        (kind = 'warn' and ends_at is null)
        or (kind in ('silence', 'suspend') and ends_at is not null)
        or kind = 'ban'),
    constraint sanctions_lifted check ((lifted_at is null) = (lift_reason is null)),
    constraint sanctions_acknowledged check (acknowledged_at is null or kind = 'warn')
);
create index sanctions_member_idx on app.sanctions (member_id, id desc);
create index sanctions_in_force_idx on app.sanctions (member_id) where lifted_at is null;
create index sanctions_changed_idx on app.sanctions (changed_at);
alter table app.sanctions enable row level security, force row level security;

grant select, insert, update on app.sanctions to community_steward;
create policy sanctions_steward on app.sanctions to community_steward using (true) with check (true);
-- A member reads their own (never who decided or lifted); site staff read everyone's, and
-- read the names through `app.sanction_history`. Nobody writes except through the functions.
grant select (id, member_id, kind, reason, starts_at, ends_at, created_at, lifted_at, lift_reason,
              acknowledged_at) on app.sanctions to authenticated;
create policy sanctions_read on app.sanctions for select to authenticated
    using (member_id = (select auth.uid()) or (select app.is_site_staff()));
-- The identity service lists members for staff pages (filtering by standing).
grant select on app.sanctions to auth_admin;
create policy sanctions_service_read on app.sanctions for select to auth_admin using (true);

-- What a sanction is called in the log and the notice.
alter table app.moderation_log drop constraint moderation_log_action_check;
alter table app.moderation_log add constraint moderation_log_action_check check (action in
    ('remove_post', 'hide_post', 'restore_post', 'remove_comment', 'hide_comment', 'restore_comment',
     'lock', 'unlock', 'pin', 'unpin', 'dismiss_reports', 'ignore_reports',
     'warn', 'silence', 'suspend', 'ban', 'lift', 'purge'));

-- ---------------------------------------------------------------------------------------
-- Standing: what a member is told on every page, and what the access token carries
-- ---------------------------------------------------------------------------------------

-- The one sanction a member is told about now: the strongest in force, else an unread
-- warning. Read when an access token is issued (sign-in, refresh).
create function app.standing_of(p_member uuid)
    returns table (id bigint, kind text, ends_at timestamptz, reason text)
    language sql stable security definer
    set search_path = ''
as $$
    select s.id, s.kind, s.ends_at, s.reason
      from app.sanctions s
     where s.member_id = p_member and s.lifted_at is null
       and ((s.kind <> 'warn' and s.starts_at <= now() and (s.ends_at is null or s.ends_at > now()))
            or (s.kind = 'warn' and s.acknowledged_at is null))
     order by case s.kind when 'ban' then 0 when 'suspend' then 1 when 'silence' then 2 else 3 end,
              s.ends_at desc nulls first, s.id desc
     limit 1
$$;
alter function app.standing_of(uuid) owner to community_steward;
revoke execute on function app.standing_of(uuid) from public;
grant execute on function app.standing_of(uuid) to auth_admin, community_steward;

-- Every change of a member's standing is announced like a role change, so each instance asks
-- the member's next request for a fresh token (which carries the new standing).
create function app.announce_standing() returns trigger
    language plpgsql security definer
    set search_path = ''
as $$
begin
    perform pg_notify('wellspring_revocations',
        json_build_object('user', new.member_id,
                          'standing', coalesce((select s.id from app.standing_of(new.member_id) s), 0),
                          'at', extract(epoch from now()))::text);
    return null;
end
$$;
alter function app.announce_standing() owner to community_steward;
create trigger sanctions_announce after insert or update on app.sanctions
    for each row execute function app.announce_standing();

-- The members whose standing changed lately and what it is now: what an instance reloads
-- after its listener reconnects.
create function app.recent_standings(p_since timestamptz)
    returns table (member_id uuid, standing bigint, changed_at timestamptz)
    language sql stable security definer
    set search_path = ''
as $$
    select m.member_id, coalesce((select s.id from app.standing_of(m.member_id) s), 0), m.changed_at
      from (select member_id, max(changed_at) as changed_at from app.sanctions
             where changed_at > p_since group by member_id) m
$$;
alter function app.recent_standings(timestamptz) owner to community_steward;
revoke execute on function app.recent_standings(timestamptz) from public;
grant execute on function app.recent_standings(timestamptz) to auth_admin;

-- ---------------------------------------------------------------------------------------
-- Enforcement
-- ---------------------------------------------------------------------------------------

-- Refuses a write by a silenced, suspended or banned member, with a sentence for them
-- (SQLSTATE WS403). Runs as the writer (not security definer): writes made inside the
-- moderation functions (as community_steward) are staff decisions and pass. TG_ARGV[0] is
-- the weakest sanction that refuses this write: 'silence' or 'suspend'.
create function app.refuse_restricted_writer() returns trigger
    language plpgsql
    set search_path = ''
as $$
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
create trigger posts_restricted before insert or update on app.posts
    for each row execute function app.refuse_restricted_writer('silence');
create trigger comments_restricted before insert or update on app.comments
    for each row execute function app.refuse_restricted_writer('silence');
create trigger post_reactions_restricted before insert on app.post_reactions
    for each row execute function app.refuse_restricted_writer('silence');
create trigger comment_reactions_restricted before insert on app.comment_reactions
    for each row execute function app.refuse_restricted_writer('silence');
create trigger circles_restricted before insert on app.circles
    for each row execute function app.refuse_restricted_writer('silence');
create trigger circle_members_restricted before insert on app.circle_members
    for each row execute function app.refuse_restricted_writer('suspend');
create trigger reports_restricted before insert on app.reports
    for each row execute function app.refuse_restricted_writer('suspend');
create trigger profiles_restricted before update on app.profiles
    for each row execute function app.refuse_restricted_writer('suspend');

-- ---------------------------------------------------------------------------------------
-- Deciding
-- ---------------------------------------------------------------------------------------

-- Whom the caller may sanction: site staff only (aal2, as the claims say), never themselves;
-- a moderator sanctions members, an admin members and moderators; an admin is demoted first.
create function app.guard_sanction(p_member uuid) returns text
    language plpgsql stable security definer
    set search_path = ''
as $$
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
alter function app.guard_sanction(uuid) owner to community_steward;
revoke execute on function app.guard_sanction(uuid) from public;
grant select (id, role) on auth.users to community_steward;

-- Ends every session of a banned member (announced by the sessions' own trigger).
grant update (revoked_at, revoked_reason) on auth.sessions to community_steward;
grant select (id, user_id, revoked_at) on auth.sessions to community_steward;
create policy sessions_steward_end on auth.sessions for update to community_steward
    using (true) with check (revoked_at is not null);
create policy sessions_steward_read on auth.sessions for select to community_steward using (true);

-- One sanction: guard, record, log, settle the member's open reports, tell them.
-- `p_days` is the period for silence and suspend (required) and ban (null: for good).
create function app.sanction(p_member uuid, p_kind text, p_reason text, p_days integer)
    returns bigint
    language plpgsql security definer
    set search_path = ''
as $$
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
alter function app.sanction(uuid, text, text, integer) owner to community_steward;
revoke execute on function app.sanction(uuid, text, text, integer) from public;
grant execute on function app.sanction(uuid, text, text, integer) to authenticated;

-- Lifts a sanction early (or withdraws a warning), with a reason; logged and told.
create function app.lift_sanction(p_id bigint, p_reason text)
    returns bigint
    language plpgsql security definer
    set search_path = ''
as $$
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
alter function app.lift_sanction(bigint, text) owner to community_steward;
revoke execute on function app.lift_sanction(bigint, text) from public;
grant execute on function app.lift_sanction(bigint, text) to authenticated;

-- The member says they have read a warning: it stops showing on every page.
create function app.acknowledge_warning(p_id bigint)
    returns boolean
    language sql security definer
    set search_path = ''
as $$
    with done as (
        update app.sanctions set acknowledged_at = now(), changed_at = now()
         where id = p_id and member_id = auth.uid() and kind = 'warn' and acknowledged_at is null
        returning 1)
    select exists (select 1 from done)
$$;
alter function app.acknowledge_warning(bigint) owner to community_steward;
revoke execute on function app.acknowledge_warning(bigint) from public;
grant execute on function app.acknowledge_warning(bigint) to authenticated;

-- Purges a spam account in one decision: every post and reply it wrote (anonymous ones too)
-- is removed the way `app.moderate` removes one (text kept for staff, reports settled), and
-- the account is banned for good. One log line counts what went.
create function app.purge_member(p_member uuid, p_reason text)
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
        returning 1)
    select count(*) into v_resolved from settled;

    insert into app.moderation_log (actor_id, action, reason, member_id, subject, reports_resolved, staff_only)
    values (auth.uid(), 'purge', v_reason, p_member,
            format('@%s: %s posts and %s replies removed',
                   (select p.handle from app.profiles p where p.user_id = p_member), v_posts, v_comments),
            v_resolved, true);
    v_ban := app.sanction(p_member, 'ban', v_reason, null);
    return v_ban;
end
$$;

-- The posts or replies of a member that moderators removed (for settling their reports).
create function app.removed_texts_of(p_member uuid, p_kind text)
    returns table (id bigint)
    language sql stable
    set search_path = ''
as $$
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
alter function app.removed_texts_of(uuid, text) owner to community_steward;
revoke execute on function app.removed_texts_of(uuid, text) from public;
alter function app.purge_member(uuid, text) owner to community_steward;
revoke execute on function app.purge_member(uuid, text) from public;
grant execute on function app.purge_member(uuid, text) to authenticated;

-- A member's sanctions as staff read them, with who decided and who lifted.
create function app.sanction_history(p_member uuid)
    returns table (id bigint, kind text, reason text, starts_at timestamptz, ends_at timestamptz,
                   actor text, lifted_at timestamptz, lifted_by text, lift_reason text,
                   acknowledged_at timestamptz)
    language sql stable security definer
    set search_path = ''
as $$
    select s.id, s.kind, s.reason, s.starts_at, s.ends_at, a.handle, s.lifted_at, l.handle,
           s.lift_reason, s.acknowledged_at
      from app.sanctions s
      left join app.profiles a on a.user_id = s.actor_id
      left join app.profiles l on l.user_id = s.lifted_by
     where s.member_id = p_member and app.is_site_staff()
     order by s.id desc
     limit 100
$$;
alter function app.sanction_history(uuid) owner to community_steward;
revoke execute on function app.sanction_history(uuid) from public;
grant execute on function app.sanction_history(uuid) to authenticated;

-- The caller's own standing: what a member's page reads after acknowledging a warning.
create function app.my_standing()
    returns table (id bigint, kind text, ends_at timestamptz, reason text)
    language sql stable security definer
    set search_path = ''
as $$
    select * from app.standing_of(auth.uid()) where auth.uid() is not null
$$;
alter function app.my_standing() owner to community_steward;
revoke execute on function app.my_standing() from public;
grant execute on function app.my_standing() to authenticated;
