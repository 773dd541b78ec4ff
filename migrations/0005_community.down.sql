-- Roles are cluster-wide and may serve other databases: community_steward stays (see 0001).
-- pg_trgm stays too: it may have existed before 0005 and other code may use it.
revoke update (bio_html, interests, modalities, credentials, booking_url) on app.profiles from authenticated;
drop index app.profiles_handle_trgm_idx;
drop index app.profiles_display_name_trgm_idx;
alter table app.profiles
    drop column bio_html,
    drop column interests,
    drop column modalities,
    drop column credentials,
    drop column booking_url,
    drop column is_verified;
drop table app.bookmarks;
drop table app.comment_reactions;
drop table app.post_reactions;
drop table app.comment_revisions;
drop table app.comments;
drop table app.post_revisions;
drop table app.anonymous_authors;
drop table app.posts;
drop table app.circle_follows;
drop table app.circle_members;
drop table app.circles;
drop function app.count_comment_reactions();
drop function app.count_post_reactions();
drop function app.count_post_comments();
drop function app.guard_comment_update();
drop function app.guard_post_update();
drop function app.count_circle_posts();
drop function app.count_circle_members();
drop function app.recent_reaction_scores(timestamptz);
drop function app.reply_depth(bigint, bigint);
drop function app.is_post_author(bigint);
drop function app.moderated_circle_ids();
drop function app.joined_circle_ids();
drop function app.readable_circle_ids();
drop function app.is_site_admin();
drop function app.is_site_staff();
revoke execute on function auth.jwt(), auth.uid(), auth.role() from community_steward;
revoke usage on schema auth, app from community_steward;
