-- Policies asked `auth.uid()` once per row they checked. It is a SQL function with its own
-- search_path, so PostgreSQL cannot inline it: every call saved and restored settings and
-- parsed the request's JWT claims again. Reading a member's reactions under 100 replies, or
-- their bookmarks and follows, paid that per row. Written as `(select auth.uid())`, the
-- planner evaluates it once per statement (an init plan) and compares a constant, as
-- Supabase's guidance for RLS recommends. What each policy allows is unchanged.
alter policy anonymous_authors_claim on app.anonymous_authors
    with check (((author_id = (select auth.uid())) AND (EXISTS ( SELECT 1
   FROM app.posts p
  WHERE ((p.id = anonymous_authors.post_id) AND p.is_anonymous AND (p.created_at = now()))))));
alter policy anonymous_authors_read on app.anonymous_authors
    using (((author_id = (select auth.uid())) OR (EXISTS ( SELECT 1
   FROM app.posts p
  WHERE ((p.id = anonymous_authors.post_id) AND (p.circle_id = ANY (( SELECT app.moderated_circle_ids() AS moderated_circle_ids)::bigint[])))))));
alter policy bookmarks_own on app.bookmarks
    using ((user_id = (select auth.uid())))
    with check (((user_id = (select auth.uid())) AND (EXISTS ( SELECT 1
   FROM app.posts p
  WHERE ((p.id = bookmarks.post_id) AND (p.deleted_at IS NULL))))));
alter policy circle_follows_own on app.circle_follows
    using ((user_id = (select auth.uid())))
    with check (((user_id = (select auth.uid())) AND (circle_id = ANY (( SELECT app.readable_circle_ids() AS readable_circle_ids)::bigint[]))));
alter policy circle_members_join on app.circle_members
    with check (((user_id = (select auth.uid())) AND (role = 'member'::text) AND (EXISTS ( SELECT 1
   FROM app.circles c
  WHERE ((c.id = circle_members.circle_id) AND ((c.visibility = 'private'::text) = (circle_members.status = 'pending'::text)))))));
alter policy circle_members_leave on app.circle_members
    using (((user_id = (select auth.uid())) OR (circle_id = ANY (( SELECT app.moderated_circle_ids() AS moderated_circle_ids)::bigint[]))));
alter policy circle_members_read on app.circle_members
    using (((user_id = (select auth.uid())) OR ((status = 'active'::text) AND (circle_id = ANY (( SELECT app.readable_circle_ids() AS readable_circle_ids)::bigint[]))) OR (circle_id = ANY (( SELECT app.moderated_circle_ids() AS moderated_circle_ids)::bigint[]))));
alter policy circles_create_admin on app.circles
    with check ((app.is_site_admin() AND (created_by = (select auth.uid()))));
alter policy comment_reactions_add on app.comment_reactions
    with check (((user_id = (select auth.uid())) AND (EXISTS ( SELECT 1
   FROM (app.comments c
     JOIN app.posts p ON ((p.id = c.post_id)))
  WHERE ((c.id = comment_reactions.comment_id) AND (c.deleted_at IS NULL) AND (p.circle_id = ANY (( SELECT app.joined_circle_ids() AS joined_circle_ids)::bigint[])))))));
alter policy comment_reactions_read_own on app.comment_reactions
    using ((user_id = (select auth.uid())));
alter policy comment_reactions_remove on app.comment_reactions
    using ((user_id = (select auth.uid())));
alter policy comments_change on app.comments
    using ((author_id = (select auth.uid())))
    with check ((author_id = (select auth.uid())));
alter policy comments_write on app.comments
    with check (((author_id = (select auth.uid())) AND (EXISTS ( SELECT 1
   FROM app.posts p
  WHERE ((p.id = comments.post_id) AND (NOT p.locked) AND (p.deleted_at IS NULL) AND (p.circle_id = ANY (( SELECT app.joined_circle_ids() AS joined_circle_ids)::bigint[]))))) AND (depth = COALESCE(app.reply_depth(parent_id, post_id), '-1'::integer))));
alter policy post_reactions_add on app.post_reactions
    with check (((user_id = (select auth.uid())) AND (EXISTS ( SELECT 1
   FROM app.posts p
  WHERE ((p.id = post_reactions.post_id) AND (p.deleted_at IS NULL) AND (p.circle_id = ANY (( SELECT app.joined_circle_ids() AS joined_circle_ids)::bigint[])))))));
alter policy post_reactions_read_own on app.post_reactions
    using ((user_id = (select auth.uid())));
alter policy post_reactions_remove on app.post_reactions
    using ((user_id = (select auth.uid())));
alter policy posts_write on app.posts
    with check (((circle_id = ANY (( SELECT app.joined_circle_ids() AS joined_circle_ids)::bigint[])) AND (((NOT is_anonymous) AND (author_id = (select auth.uid()))) OR (is_anonymous AND (author_id IS NULL) AND (EXISTS ( SELECT 1
   FROM app.circles c
  WHERE ((c.id = posts.circle_id) AND c.is_support)))))));
alter policy profiles_update_own on app.profiles
    using ((user_id = (select auth.uid())))
    with check ((user_id = (select auth.uid())));
alter policy audit_log_read_own on auth.audit_log
    using (((actor = (select auth.uid())) OR (subject = (select auth.uid()))));
alter policy identities_read_own on auth.identities
    using ((user_id = (select auth.uid())));
alter policy mfa_factors_read_own on auth.mfa_factors
    using ((user_id = (select auth.uid())));
alter policy sessions_read_own on auth.sessions
    using ((user_id = (select auth.uid())));
alter policy sessions_revoke_own on auth.sessions
    using ((user_id = (select auth.uid())))
    with check ((user_id = (select auth.uid())));
alter policy users_read_own on auth.users
    using ((id = (select auth.uid())));
