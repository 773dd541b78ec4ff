-- Announce the id alone again, as 0014 did.
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
    perform pg_notify('wellspring_events', v_id::text);
end
$$;
