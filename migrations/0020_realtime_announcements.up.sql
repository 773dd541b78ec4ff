-- Realtime: each event is announced with its fields, not only its id, so every instance's
-- listener fans it out without reading it back (one NOTIFY, no query per event). The
-- payload carries kinds and ids only, never content and never who acted: the actor stays in
-- the table, for the service role alone. `app.events` remains the record a reconnecting
-- listener or page replays from.

create or replace function app.emit_event(
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
    perform pg_notify('wellspring_events', json_build_object(
        'id', v_id, 'kind', p_kind, 'circle', p_circle_id, 'post', p_post_id,
        'comment', p_comment_id, 'subject', p_subject_user_id)::text);
end
$$;
