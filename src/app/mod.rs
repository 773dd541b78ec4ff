//! The user interface: the HTML shell, the router and its pages. Rendered on the server,
//! hydrated in the browser. Never names `server`.

pub mod components;
pub mod live;
pub mod live_thread;
pub mod pages;
pub mod viewer;

use components::{
    form_guard::FormGuard, site_footer::SiteFooter, site_header::SiteHeader,
    standing_notice::StandingNotice,
};
use leptos::prelude::*;
use leptos_meta::{HashedStylesheet, Link, Meta, MetaTags, Title, provide_meta_context};
use leptos_router::{
    SsrMode,
    components::{Route, Router, Routes},
    path,
};
use pages::{
    about::AboutPage,
    admin::{
        audit::AuditLogPage, dashboard::AdminDashboardPage, flags::FeatureFlagsPage,
        member::StaffMemberPage, members::StaffMembersPage, modlog::StaffModlogPage,
        queue::ReviewQueuePage, uploads::UploadsPage, words::WatchedWordsPage,
    },
    bookmarks::BookmarksPage,
    circle::CirclePage,
    circle_new::NewCirclePage,
    circles::CirclesPage,
    email_cancel::EmailCancelPage,
    forgot::ForgotPage,
    home::HomePage,
    login::LoginPage,
    login_mfa::LoginMfaPage,
    logout::LogoutPage,
    magic::{MagicPage, MagicRequestPage},
    modlog::ModlogPage,
    not_found::NotFoundPage,
    notifications::NotificationsPage,
    post::PostPage,
    post_edit::EditPostPage,
    post_link::PostLinkPage,
    post_new::NewPostPage,
    profile::MemberProfilePage,
    report::ReportPage,
    report_thanks::ReportThanksPage,
    reset::ResetPage,
    search::SearchPage,
    settings::{
        confirm::ConfirmItIsYouPage, profile::ProfileSettingsPage, security::SecuritySettingsPage,
    },
    signup::SignupPage,
    status::StatusPage,
    unsubscribe::UnsubscribeDigestPage,
    verify::VerifyPage,
};

/// The document around the app: rendered once per request on the server.
pub fn shell(options: LeptosOptions) -> impl IntoView {
    view! {
        <!DOCTYPE html>
        <html lang="en">
            <head>
                <meta charset="utf-8"/>
                <meta name="viewport" content="width=device-width, initial-scale=1"/>
                <meta name="color-scheme" content="light dark"/>
                <AutoReload options=options.clone()/>
                <HydrationScripts options=options.clone() islands=true/>
                <HashedStylesheet options id="leptos"/>
                <MetaTags/>
            </head>
            <body class="min-h-screen bg-canvas text-ink antialiased">
                <App/>
            </body>
        </html>
    }
}

/// The document title as the page head needs it. leptos_meta writes the server-rendered
/// `<title>` into the page as it is, and titles carry members' words (post titles, display
/// names), so on the server they are escaped: a title holding `</title>` would otherwise end
/// the element and inject markup. In the browser the title is set as plain text.
fn head_title(title: String) -> String {
    #[cfg(feature = "ssr")]
    {
        components::text_area::escape_text(&title)
    }
    #[cfg(not(feature = "ssr"))]
    {
        title
    }
}

#[component]
pub fn App() -> impl IntoView {
    // First, so its hydration id is the same on both sides whatever the page.
    components::oauth_buttons::provide_oauth_providers();
    provide_meta_context();
    view! {
        <Title formatter=|title: String| {
            head_title(if title.is_empty() { "Wellspring".to_owned() } else { format!("{title} · Wellspring") })
        }/>
        <Meta name="description" content="Wellspring is a calm, private community for holistic wellness: circles, events and practitioners, kept safe by people who care."/>
        <Link rel="icon" href="/favicon.svg" type_="image/svg+xml"/>
        <Router>
            <a href="#main" rel="external" class="skip-link">"Skip to content"</a>
            <div class="flex min-h-screen flex-col">
                <SiteHeader/>
                <main id="main" tabindex="-1" class="mx-auto w-full max-w-5xl flex-1 px-4 py-8 sm:px-6 sm:py-12 focus:outline-none">
                    <StandingNotice/>
                    <Routes fallback=NotFoundPage>
                        <Route path=path!("/") view=HomePage ssr=SsrMode::Async/>
                        <Route path=path!("/circles") view=CirclesPage ssr=SsrMode::Async/>
                        <Route path=path!("/circles/new") view=NewCirclePage/>
                        <Route path=path!("/c/:slug") view=CirclePage ssr=SsrMode::Async/>
                        <Route path=path!("/c/:slug/new") view=NewPostPage ssr=SsrMode::Async/>
                        <Route path=path!("/c/:slug/p/:post") view=PostPage ssr=SsrMode::Async/>
                        <Route path=path!("/c/:slug/p/:post/edit") view=EditPostPage ssr=SsrMode::Async/>
                        <Route path=path!("/c/:slug/p/:post/thread/:comment") view=PostPage ssr=SsrMode::Async/>
                        <Route path=path!("/p/:id") view=PostLinkPage ssr=SsrMode::Async/>
                        <Route path=path!("/u/:handle") view=MemberProfilePage ssr=SsrMode::Async/>
                        <Route path=path!("/search") view=SearchPage ssr=SsrMode::Async/>
                        <Route path=path!("/bookmarks") view=BookmarksPage ssr=SsrMode::Async/>
                        <Route path=path!("/notifications") view=NotificationsPage ssr=SsrMode::Async/>
                        <Route path=path!("/report") view=ReportPage ssr=SsrMode::Async/>
                        <Route path=path!("/report/thanks") view=ReportThanksPage ssr=SsrMode::Async/>
                        <Route path=path!("/modlog") view=ModlogPage ssr=SsrMode::Async/>
                        <Route path=path!("/admin") view=AdminDashboardPage ssr=SsrMode::Async/>
                        <Route path=path!("/admin/queue") view=ReviewQueuePage ssr=SsrMode::Async/>
                        <Route path=path!("/admin/modlog") view=StaffModlogPage ssr=SsrMode::Async/>
                        <Route path=path!("/admin/members") view=StaffMembersPage ssr=SsrMode::Async/>
                        <Route path=path!("/admin/members/:handle") view=StaffMemberPage ssr=SsrMode::Async/>
                        <Route path=path!("/admin/words") view=WatchedWordsPage ssr=SsrMode::Async/>
                        <Route path=path!("/admin/audit") view=AuditLogPage ssr=SsrMode::Async/>
                        <Route path=path!("/admin/flags") view=FeatureFlagsPage ssr=SsrMode::Async/>
                        <Route path=path!("/admin/uploads") view=UploadsPage ssr=SsrMode::Async/>
                        <Route path=path!("/about") view=AboutPage/>
                        <Route path=path!("/status") view=StatusPage ssr=SsrMode::Async/>
                        <Route path=path!("/signup") view=SignupPage/>
                        <Route path=path!("/login") view=LoginPage/>
                        <Route path=path!("/login/mfa") view=LoginMfaPage/>
                        // Async, so the header shows who is signing out even without JavaScript.
                        <Route path=path!("/logout") view=LogoutPage ssr=SsrMode::Async/>
                        <Route path=path!("/forgot") view=ForgotPage/>
                        <Route path=path!("/reset") view=ResetPage/>
                        <Route path=path!("/verify") view=VerifyPage/>
                        <Route path=path!("/email-cancel") view=EmailCancelPage/>
                        <Route path=path!("/unsubscribe/digest") view=UnsubscribeDigestPage/>
                        <Route path=path!("/magic") view=MagicPage/>
                        <Route path=path!("/magic-request") view=MagicRequestPage/>
                        <Route path=path!("/settings/profile") view=ProfileSettingsPage ssr=SsrMode::Async/>
                        <Route path=path!("/settings/security") view=SecuritySettingsPage ssr=SsrMode::Async/>
                        <Route path=path!("/settings/confirm") view=ConfirmItIsYouPage/>
                    </Routes>
                </main>
                <SiteFooter/>
            </div>
            <FormGuard/>
        </Router>
    }
}
