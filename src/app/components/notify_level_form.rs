//! "Notify me about: every reply / replies to me and mentions / nothing": how much a member
//! hears about a post or a circle. A plain form (it works without JavaScript); the choice
//! shown is the one saved.

use super::button::{ButtonVariant, button_classes};
use crate::{api::notifications::SetNotifyLevel, domain::notification::NotifyLevel};
use leptos::{prelude::*, server_fn::ServerFn};

#[component]
pub fn NotifyLevelForm(
    /// "post" or "circle".
    target: &'static str,
    id: i64,
    current: NotifyLevel,
    /// This page, to come back to.
    #[prop(into)]
    back: String,
) -> impl IntoView {
    let of_circle = target == "circle";
    let field = format!("notify-{target}-{id}");
    view! {
        <form method="post" action=SetNotifyLevel::url() class="flex flex-wrap items-center gap-2 text-sm" data-testid="notify-level">
            <input type="hidden" name="target" value=target/>
            <input type="hidden" name="id" value=id/>
            <input type="hidden" name="back" value=back/>
            <label for=field.clone() class="text-muted">"Notify me about"</label>
            <select id=field name="level" class="field w-auto py-1.5">
                {NotifyLevel::ALL
                    .into_iter()
                    .map(|level| view! {
                        <option value=level.as_str() selected=level == current>{level.label(of_circle)}</option>
                    })
                    .collect_view()}
            </select>
            <button type="submit" class=button_classes(ButtonVariant::Quiet, "") data-testid="notify-level-save">"Save"</button>
        </form>
    }
}
