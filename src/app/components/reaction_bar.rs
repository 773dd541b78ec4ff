//! The gentle reactions under a post or comment: one small form per kind, so each works as a
//! plain form post without JavaScript and as an in-place toggle with it.

use crate::{
    api::reactions::ToggleReaction,
    domain::community::{ReactionKind, Reactions},
};
use leptos::{form::ActionForm, prelude::*};

#[component]
pub fn ReactionBar(
    /// "post" or "comment".
    target: &'static str,
    id: i64,
    reactions: Reactions,
    can_react: bool,
    /// Where a browser without JavaScript comes back to.
    #[prop(into)]
    back: String,
    action: ServerAction<ToggleReaction>,
) -> impl IntoView {
    let items = ReactionKind::ALL.into_iter().map(|kind| {
        let count = reactions.count(kind);
        let mine = reactions.is_mine(kind);
        let label = format!(
            "{} ({count}){}",
            kind.label(),
            if mine { ", yours" } else { "" }
        );
        let class = if mine {
            "inline-flex items-center gap-1 rounded-full border border-accent bg-accent-soft px-3 py-1 text-sm text-accent-ink"
        } else {
            "inline-flex items-center gap-1 rounded-full border border-line px-3 py-1 text-sm text-muted hover:border-accent"
        };
        let content = view! {
            <span aria-hidden="true">{kind.emoji()}</span>
            <span>{kind.label()}</span>
            <span class="tabular-nums">{count}</span>
        };
        if can_react {
            let back = back.clone();
            view! {
                <ActionForm action=action attr:class="inline">
                    <input type="hidden" name="target" value=target/>
                    <input type="hidden" name="id" value=id/>
                    <input type="hidden" name="kind" value=kind.as_str()/>
                    <input type="hidden" name="back" value=back/>
                    <button type="submit" class=class aria-pressed=if mine { "true" } else { "false" }
                        aria-label=label data-testid=format!("react-{}", kind.as_str())>
                        {content}
                    </button>
                </ActionForm>
            }
            .into_any()
        } else {
            view! { <span class=class aria-label=label>{content}</span> }.into_any()
        }
    });
    view! {
        <div class="flex flex-wrap gap-2" data-testid=format!("reactions-{target}-{id}")>
            {items.collect_view()}
        </div>
    }
}
