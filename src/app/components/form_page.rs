//! The narrow, centred column the sign-in and account-link pages share: a heading, a kind
//! sentence about what happens here, and the form on a card.

use super::card::Card;
use leptos::prelude::*;

#[component]
pub fn FormPage(
    #[prop(into)] title: String,
    #[prop(optional, into)] intro: Option<String>,
    /// Links under the card, such as "New here? Join Wellspring".
    #[prop(optional)]
    footer: Option<Children>,
    children: Children,
) -> impl IntoView {
    view! {
        <div class="mx-auto max-w-md">
            <h1 class="text-3xl font-semibold tracking-tight">{title}</h1>
            {intro.map(|intro| view! { <p class="mt-2 text-muted">{intro}</p> })}
            <Card class="mt-6">{children()}</Card>
            {footer.map(|footer| view! {
                <div class="mt-6 space-y-2 text-center text-sm text-muted">{footer()}</div>
            })}
        </div>
    }
}

/// Classes for a link inside running text: underlined, in the accent ink that keeps contrast.
pub const TEXT_LINK: &str = "font-medium text-accent-ink underline underline-offset-4 hover:no-underline focus-visible:outline-none focus-visible:ring-2 focus-visible:ring-focus rounded-sm";
