//! Every server function, one file per feature, with stable endpoint names under `/api`.
//! Bodies reach `server` only inside `#[server]` functions, which compile for `ssr` alone.

pub mod account;
pub mod admin;
pub mod auth;
pub mod bookmarks;
pub mod circles;
pub mod comments;
pub mod feeds;
pub mod moderation;
pub mod notifications;
pub mod posts;
pub mod profiles;
pub mod reactions;
pub mod sanctions;
pub mod search;
pub mod status;

use leptos::server_fn::ServerFn;

/// Server functions that only read, and so skip the session-row check every other POST pays
/// (`server::auth::session`): the revocation set, asked on every request, already refuses a
/// revoked session's token. Account settings reads (sessions, linked sign-ins, two-step,
/// profile settings and details) are left out on purpose: they show what an idle session
/// past its timeout must not, and that is only known from the session row; so are the staff
/// reads of members' personal details (members, notes, the audit log, uploads). The staff
/// reads listed here show what their own pages (`GET /admin/...`, which never pay the check)
/// already show to the same token; the review queue's check was a fifth of its reads'
/// round trips.
pub const READ_ONLY: &[&str] = &[
    <feeds::SiteFeed as ServerFn>::PATH,
    <feeds::CircleFeed as ServerFn>::PATH,
    <feeds::AuthorFeed as ServerFn>::PATH,
    <circles::ListCircles as ServerFn>::PATH,
    <circles::GetCircle as ServerFn>::PATH,
    <circles::GetCirclePage as ServerFn>::PATH,
    <posts::GetPost as ServerFn>::PATH,
    <posts::GetPostPage as ServerFn>::PATH,
    <posts::PostPath as ServerFn>::PATH,
    <comments::GetComments as ServerFn>::PATH,
    <profiles::GetProfile as ServerFn>::PATH,
    <profiles::GetProfilePage as ServerFn>::PATH,
    <search::Search as ServerFn>::PATH,
    <bookmarks::ListBookmarks as ServerFn>::PATH,
    <reactions::ReactionCounts as ServerFn>::PATH,
    <status::GetServiceStatus as ServerFn>::PATH,
    <account::GetViewerSummary as ServerFn>::PATH,
    <account::GetViewer as ServerFn>::PATH,
    <auth::OauthProviders as ServerFn>::PATH,
    <moderation::ReviewQueue as ServerFn>::PATH,
    <moderation::ReviewWaiting as ServerFn>::PATH,
    <moderation::PublicModlog as ServerFn>::PATH,
    <moderation::StaffModlog as ServerFn>::PATH,
    <moderation::WatchedWords as ServerFn>::PATH,
    <admin::FeatureFlags as ServerFn>::PATH,
    <admin::StaffDashboard as ServerFn>::PATH,
];
