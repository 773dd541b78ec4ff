//! What a members-only page shows a visitor: a kind word and the way in, coming back after.

use super::{button::ButtonLink, empty_state::EmptyState};
use crate::app::viewer::login_href;
use leptos::prelude::*;

#[component]
pub fn SignInPrompt(
    /// This page's path, to return to after signing in.
    #[prop(into)]
    next: String,
) -> impl IntoView {
    view! {
        <div data-testid="sign-in-prompt">
            <EmptyState
                title="Please sign in to see this page"
                message="Your settings are private to you. Sign in and we'll bring you straight back here."
            >
                <ButtonLink href=login_href(&next)>"Sign in"</ButtonLink>
            </EmptyState>
        </div>
    }
}
