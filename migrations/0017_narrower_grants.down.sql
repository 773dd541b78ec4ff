create or replace function app.recent_reaction_scores(p_since timestamptz)
    returns table (post_id bigint, score bigint)
    language sql stable security definer
    set search_path = ''
as $$
    select r.post_id, count(*) from app.post_reactions r
     where r.created_at >= p_since
     group by r.post_id
$$;
create or replace function app.reply_depth(p_parent_id bigint, p_post_id bigint) returns integer
    language sql stable security definer
    set search_path = ''
as $$
    select case when p_parent_id is null then 0
                else (select c.depth + 1 from app.comments c
                       where c.id = p_parent_id and c.post_id = p_post_id)
           end
$$;
drop trigger if exists sessions_forget_reveals on auth.sessions;
drop function if exists auth.forget_reveals_of_ended_session();
alter policy sessions_revoke_own on auth.sessions
    using ((user_id = (select auth.uid())))
    with check ((user_id = (select auth.uid())));
grant select on auth.audit_log to authenticated;
create policy audit_log_read_own on auth.audit_log for select to authenticated
    using (((actor = (select auth.uid())) OR (subject = (select auth.uid()))));
create or replace function app.moderated_circle_ids() returns bigint[]
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
