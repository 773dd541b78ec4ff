//! The gentle reactions under a post or comment: one small form whose four buttons each
//! submit their own `kind`, so a reaction works as a plain form post without JavaScript and as
//! an in-place toggle with it (ActionForm sends the pressed button's name and value).

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
    let testid = format!("reactions-{target}-{id}");
    let items = ReactionKind::ALL.into_iter().map(move |kind| {
        let count = reactions.count(kind);
        let mine = reactions.is_mine(kind);
        let label = format!(
            "{} ({count}){}",
            kind.label(),
            if mine { ", yours" } else { "" }
        );
        let class = if mine { "reaction mine" } else { "reaction" };
        let content = view! {
            <span aria-hidden="true">{kind.emoji()}</span>
            <span>{kind.label()}</span>
            <span class="tabular-nums">{count}</span>
        };
        if can_react {
            view! {
                <button type="submit" name="kind" value=kind.as_str() class=class
                    aria-pressed=if mine { "true" } else { "false" }
                    aria-label=label data-testid=format!("react-{}", kind.as_str())>
                    {content}
                </button>
            }
            .into_any()
        } else {
            view! { <span class=class aria-label=label>{content}</span> }.into_any()
        }
    });
    if can_react {
        view! {
            <ActionForm action=action attr:class="reactions" attr:data-testid=testid>
                <input type="hidden" name="target" value=target/>
                <input type="hidden" name="id" value=id/>
                <input type="hidden" name="back" value=back/>
                {items.collect_view()}
            </ActionForm>
        }
        .into_any()
    } else {
        view! { <div class="reactions" data-testid=testid>{items.collect_view()}</div> }.into_any()
    }
}
