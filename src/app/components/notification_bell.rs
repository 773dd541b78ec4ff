//! The bell in the header: a link to `/notifications` for every signed-in member, and, with
//! JavaScript, the live unread count beside it. The count comes over the page's socket once
//! the page is in the browser, so a signed-in page costs the server what a visitor's does.

use super::icon::{Icon, IconName};
use leptos::prelude::*;

#[component]
pub fn NotificationBell(#[prop(into)] class: String) -> impl IntoView {
    view! {
        <a href="/notifications" class=format!("{class} inline-flex items-center gap-1.5") data-testid="header-notifications">
            <Icon name=IconName::Bell class="h-5 w-5"/>
            <span class="sr-only">"Notifications"</span>
            <UnreadCount/>
        </a>
    }
}

/// The unread count, live: the page's socket follows `notifications`, which answers with
/// the count at once and again whenever it changes. Hidden at zero; read out as "3 unread".
#[island]
fn UnreadCount() -> impl IntoView {
    let count = RwSignal::new(0_i64);
    crate::app::live::follow("notifications".to_owned(), move |frame| {
        if frame.frame == "unread" {
            count.set(frame.count);
        }
    });
    view! {
        <span
            class=move || {
                if count.get() > 0 {
                    "min-w-5 rounded-full bg-accent px-1.5 text-center text-xs font-semibold leading-5 text-white"
                } else {
                    "hidden"
                }
            }
            data-testid="unread-count"
            data-count=move || count.get().to_string()
        >
            {move || count.get().to_string()}
            <span class="sr-only">" unread"</span>
        </span>
    }
}
