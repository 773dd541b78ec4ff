-- Grants no wider than the app needs (issue 12, section 7).

-- The audit trail is for staff and the identity service: a member's request never reads it
-- (it records IPs, devices and failed attempts, some of them an attacker's).
drop policy audit_log_read_own on auth.audit_log;
revoke select on auth.audit_log from authenticated;

-- A member may end their own live sessions, and nothing else: a revoked session stays
-- revoked (before, clearing revoked_at through the same policy brought it back).
alter policy sessions_revoke_own on auth.sessions
    using (user_id = (select auth.uid()) and revoked_at is null)
    with check (user_id = (select auth.uid()) and revoked_at is not null);

-- Recovery codes waiting to be shown belong to one session: they go when it ends, however
-- it ends (sign-out, revoked from another device, a password or email change).
create function auth.forget_reveals_of_ended_session() returns trigger
    language plpgsql security definer
    set search_path = ''
as $$
begin
    delete from auth.recovery_code_reveals where session_id = new.id;
    return null;
end
$$;
alter function auth.forget_reveals_of_ended_session() owner to auth_admin;
revoke execute on function auth.forget_reveals_of_ended_session() from public;
create trigger sessions_forget_reveals after update of revoked_at on auth.sessions
    for each row when (old.revoked_at is null and new.revoked_at is not null)
    execute function auth.forget_reveals_of_ended_session();

-- The steward's helpers answer only about posts the caller may read: a depth for a reply
-- on a post in a circle the caller cannot see is null (so the insert is refused), and the
-- week's reaction totals count only readable posts.
create or replace function app.reply_depth(p_parent_id bigint, p_post_id bigint) returns integer
    language sql stable security definer
    set search_path = ''
as $$
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

create or replace function app.recent_reaction_scores(p_since timestamptz)
    returns table (post_id bigint, score bigint)
    language sql stable security definer
    set search_path = ''
as $$
    select r.post_id, count(*)
      from app.post_reactions r
      join app.posts p on p.id = r.post_id
     where r.created_at >= p_since
       and p.circle_id = any ((select app.readable_circle_ids())::bigint[])
     group by r.post_id
$$;

-- Staff powers need two-step sign-in (issue 12, section 6): a circle's moderator acts as a
-- moderator only from a session that passed a second factor. (Site staff get the same rule
-- in the application, which hands the database a member's role for an aal1 session.)
create or replace function app.moderated_circle_ids() returns bigint[]
    language sql stable security definer
    set search_path = ''
as $$
    select coalesce(array_agg(c.id), '{}')
      from app.circles c
     where app.is_site_staff()
        or (coalesce(auth.jwt() ->> 'aal', '') = 'aal2'
            and exists (select 1 from app.circle_members m
                         where m.circle_id = c.id and m.user_id = auth.uid()
                           and m.status = 'active' and m.role = 'moderator'))
$$;
