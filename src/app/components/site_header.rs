//! The site header: name, main navigation, the member's account links, and a menu that
//! folds away on small screens.

use super::{
    avatar::Avatar,
    button::{ButtonVariant, button_classes},
    icon::{Icon, IconName},
    notification_bell::NotificationBell,
};
use crate::{
    api::{account::get_viewer_summary, auth::Logout},
    app::viewer::login_href,
    domain::ViewerSummary,
};
use leptos::{form::ActionForm, prelude::*};
use leptos_router::hooks::use_location;

const NAV: [(&str, &str); 5] = [
    ("/", "Home"),
    ("/circles", "Circles"),
    ("/search", "Search"),
    ("/about", "About"),
    ("/status", "Status"),
];

const NAV_LINK: &str = "rounded-full px-3 py-2 text-sm font-medium text-muted hover:bg-surface-raised hover:text-ink focus-visible:outline-none focus-visible:ring-2 focus-visible:ring-focus aria-[current=page]:text-ink aria-[current=page]:bg-surface-raised";

#[component]
pub fn SiteHeader() -> impl IntoView {
    view! {
        <header class="border-b border-line bg-surface/80 backdrop-blur">
            <div class="mx-auto flex max-w-5xl items-center justify-between px-4 py-3 sm:px-6">
                <a href="/" class="flex items-center gap-2 rounded-lg text-lg font-semibold tracking-tight focus-visible:outline-none focus-visible:ring-2 focus-visible:ring-focus">
                    <Icon name=IconName::Leaf class="h-7 w-7 text-accent"/>
                    "Wellspring"
                </a>
                <div class="flex items-center gap-2">
                    <SiteMenu>
                        <nav id="site-nav" aria-label="Main" class="flex flex-col gap-1 sm:flex-row">
                            {NAV
                                .into_iter()
                                .map(|(href, label)| view! { <a href=href class=NAV_LINK>{label}</a> })
                                .collect_view()}
                        </nav>
                        <AccountLinks/>
                    </SiteMenu>
                    <HeaderBell/>
                </div>
            </div>
        </header>
    }
}

/// The menu that folds away on small screens: the one part of the header that runs in the
/// browser. Its links (`children`) are the server's HTML, passed through untouched.
#[island]
fn SiteMenu(children: Children) -> impl IntoView {
    let (menu_open, set_menu_open) = signal(false);
    view! {
        <button
            type="button"
            class="inline-flex min-h-11 min-w-11 items-center justify-center rounded-full border border-line sm:hidden focus-visible:outline-none focus-visible:ring-2 focus-visible:ring-focus"
            aria-controls="site-menu"
            aria-expanded=move || menu_open.get().to_string()
            data-testid="menu-toggle"
            on:click=move |_| set_menu_open.update(|open| *open = !*open)
        >
            <span class="sr-only">{move || if menu_open.get() { "Close menu" } else { "Open menu" }}</span>
            <span aria-hidden="true">{move || if menu_open.get() { "✕" } else { "☰" }}</span>
        </button>
        <div
            id="site-menu"
            class=move || {
                let shown = if menu_open.get() { "flex" } else { "hidden" };
                format!("{shown} absolute inset-x-0 top-16 z-10 flex-col gap-3 border-b border-line bg-surface p-4 sm:static sm:flex sm:flex-row sm:items-center sm:gap-4 sm:border-0 sm:bg-transparent sm:p-0")
            }
        >
            {children()}
        </div>
    }
}

/// "Sign in" and "Join" for a visitor; the member's name, security and sign-out otherwise.
#[component]
fn AccountLinks() -> impl IntoView {
    // From the access token, not the database: a signed-in page costs what an anonymous one does.
    let viewer = Resource::new(|| (), |()| get_viewer_summary());
    let logout = ServerAction::<Logout>::new();
    view! {
        <nav
            aria-label="Account"
            class="flex flex-col gap-1 border-t border-line pt-3 sm:flex-row sm:items-center sm:border-0 sm:pt-0"
            data-testid="account-nav"
        >
            <Transition fallback=|| view! {
                // Shown until the server says who this is (and for good without JavaScript on
                // streamed pages): the settings page works for both members and visitors.
                <a href="/settings/profile" class=NAV_LINK>"Your account"</a>
            }>
                {move || Suspend::new(async move {
                    match viewer.await {
                        Ok(Some(viewer)) => view! { <SignedIn viewer logout/> }.into_any(),
                        Ok(None) | Err(_) => view! { <SignedOut/> }.into_any(),
                    }
                })}
            </Transition>
        </nav>
    }
}

/// The bell, outside the folding menu so a phone shows the unread count too; members only.
#[component]
fn HeaderBell() -> impl IntoView {
    let viewer = Resource::new(|| (), |()| get_viewer_summary());
    view! {
        <Transition fallback=|| ()>
            {move || Suspend::new(async move {
                matches!(viewer.await, Ok(Some(_)))
                    .then(|| view! { <NotificationBell class="rounded-full px-2 py-2 text-sm font-medium text-muted hover:bg-surface-raised hover:text-ink focus-visible:outline-none focus-visible:ring-2 focus-visible:ring-focus min-h-11 min-w-11 justify-center"/> })
            })}
        </Transition>
    }
}

#[component]
fn SignedIn(viewer: ViewerSummary, logout: ServerAction<Logout>) -> impl IntoView {
    view! {
        <a href="/settings/profile" class=format!("{NAV_LINK} inline-flex max-w-56 items-center gap-2")>
            <Avatar picture=viewer.avatar initials=viewer.initials handle=viewer.handle size=24/>
            <span class="truncate" data-testid="viewer-name">{viewer.display_name}</span>
        </a>
        <a href="/bookmarks" class=NAV_LINK data-testid="header-saved">"Saved"</a>
        {viewer.role.is_staff().then(|| view! {
            <a href="/admin" class=NAV_LINK data-testid="header-staff">"Staff"</a>
        })}
        <ActionForm action=logout>
            <button
                type="submit"
                class=button_classes(ButtonVariant::Secondary, "min-h-9 w-full px-4 py-1.5 sm:w-auto")
                disabled=move || logout.pending().get()
                data-testid="header-signout"
            >
                "Sign out"
            </button>
        </ActionForm>
    }
}

#[component]
fn SignedOut() -> impl IntoView {
    let location = use_location();
    // Come back to this page after signing in, unless this page is itself about signing in.
    let sign_in_href = move || {
        let path = location.pathname.get();
        let about_signing_in = [
            "/login", "/logout", "/signup", "/forgot", "/reset", "/verify", "/magic",
        ]
        .iter()
        .any(|prefix| path.starts_with(prefix));
        if about_signing_in {
            "/login".to_owned()
        } else {
            login_href(&path)
        }
    };
    view! {
        <a href=sign_in_href class=NAV_LINK data-testid="header-signin">"Sign in"</a>
        <a
            href="/signup"
            class=button_classes(ButtonVariant::Primary, "min-h-9 px-4 py-1.5")
            data-testid="header-join"
        >
            "Join"
        </a>
    }
}
