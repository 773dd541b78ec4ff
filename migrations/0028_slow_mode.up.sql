-- Slow mode: a circle's moderators set a minimum time between one member's posts there (a
-- heated circle cools down). Set through `app.set_slow_mode` (guarded and logged); kept by a
-- trigger on new posts, so no path around the form posts faster. The circle's moderators
-- and site staff are exempt.

alter table app.circles add column slow_mode_secs integer not null default 0
    check (slow_mode_secs between 0 and 86400);

alter table app.moderation_log drop constraint moderation_log_action_check;
alter table app.moderation_log add constraint moderation_log_action_check check (action in
    ('remove_post', 'hide_post', 'restore_post', 'remove_comment', 'hide_comment', 'restore_comment',
     'lock', 'unlock', 'pin', 'unpin', 'dismiss_reports', 'ignore_reports',
     'warn', 'silence', 'suspend', 'ban', 'lift', 'purge', 'hold_post', 'hold_comment',
     'slow_mode'));

-- "one post every 10 minutes", for the log and the refusal.
create function app.slow_mode_words(p_secs integer) returns text
    language sql immutable
    set search_path = ''
as $$
    select case
        when p_secs <= 0 then 'off'
        when p_secs % 3600 = 0 then 'one post every ' || case p_secs / 3600 when 1 then 'hour' else (p_secs / 3600) || ' hours' end
        when p_secs % 60 = 0 then 'one post every ' || case p_secs / 60 when 1 then 'minute' else (p_secs / 60) || ' minutes' end
        else 'one post every ' || p_secs || ' seconds' end
$$;

create function app.set_slow_mode(p_circle bigint, p_secs integer, p_reason text)
    returns bigint
    language plpgsql security definer
    set search_path = ''
as $$
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
alter function app.set_slow_mode(bigint, integer, text) owner to community_steward;
revoke execute on function app.set_slow_mode(bigint, integer, text) from public;
grant execute on function app.set_slow_mode(bigint, integer, text) to authenticated;
grant update (slow_mode_secs) on app.circles to community_steward;

create function app.keep_slow_mode() returns trigger
    language plpgsql security definer
    set search_path = ''
as $$
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
alter function app.keep_slow_mode() owner to community_steward;
create trigger posts_slow_mode before insert on app.posts
    for each row execute function app.keep_slow_mode();
