//! The gentle reactions under a post or comment: one small form whose four buttons each
//! submit their own `kind`, so a reaction works as a plain form post without JavaScript and as
//! an in-place toggle with it (ActionForm sends the pressed button's name and value). Only
//! the buttons are an island; readers who cannot react get plain counts and no code.

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
    /// The post it is on (itself, for a post): whose live channel tells of new reactions.
    post: i64,
    reactions: Reactions,
    can_react: bool,
    /// Where a browser without JavaScript comes back to.
    #[prop(into)]
    back: String,
) -> impl IntoView {
    let testid = format!("reactions-{target}-{id}");
    if can_react {
        view! { <ReactionButtons target=target.to_owned() id post reactions back testid/> }
            .into_any()
    } else {
        view! { <ReactionCounts reactions testid/> }.into_any()
    }
}

/// The four buttons, as an island: pressing one toggles it in place with JavaScript (the
/// counts come back from the server), and is a plain form post without it.
#[island]
fn ReactionButtons(
    target: String,
    id: i64,
    post: i64,
    reactions: Reactions,
    back: String,
    testid: String,
) -> impl IntoView {
    let action = ServerAction::<ToggleReaction>::new();
    let shown = RwSignal::new(reactions);
    Effect::new(move |_| {
        if let Some(Ok(counts)) = action.value().get() {
            shown.set(counts);
        }
    });
    // Someone else reacted: fetch the counts as this reader (the frame says only that it
    // happened, and to what).
    let on_comment = target == "comment";
    crate::app::live::follow(format!("post:{post}"), move |frame| {
        let about_this = frame.kind.starts_with("reaction.")
            && if on_comment {
                frame.comment == Some(id)
            } else {
                frame.comment.is_none()
            };
        if about_this {
            let target = if on_comment { "comment" } else { "post" }.to_owned();
            leptos::task::spawn_local(async move {
                if let Ok(counts) = crate::api::reactions::reaction_counts(target, id).await {
                    shown.set(counts);
                }
            });
        }
    });
    let failed = move || {
        action
            .value()
            .with(|value| match value {
                Some(Err(error)) => Some(error.to_string()),
                _ => None,
            })
            .map(|message| view! { <span class="text-sm text-danger-ink" role="status">{message}</span> })
    };
    let items = move || {
        let reactions = shown.get();
        ReactionKind::ALL
            .into_iter()
            .map(|kind| {
                let count = reactions.count(kind);
                let mine = reactions.is_mine(kind);
                let label = format!(
                    "{} ({count}){}",
                    kind.label(),
                    if mine { ", yours" } else { "" }
                );
                view! {
                    <button type="submit" name="kind" value=kind.as_str() class=if mine { "reaction mine" } else { "reaction" }
                        aria-pressed=if mine { "true" } else { "false" }
                        aria-label=label data-testid=format!("react-{}", kind.as_str())>
                        <span aria-hidden="true">{kind.emoji()}</span>
                        <span>{kind.label()}</span>
                        <span class="tabular-nums">{count}</span>
                    </button>
                }
            })
            .collect_view()
    };
    view! {
        <ActionForm action=action attr:class="reactions" attr:data-testid=testid>
            <input type="hidden" name="target" value=target/>
            <input type="hidden" name="id" value=id/>
            <input type="hidden" name="back" value=back/>
            {items}
            {failed}
        </ActionForm>
    }
}

/// For readers who cannot react (visitors, members outside the circle): only the reactions
/// something has, as quiet counts. Under a 100-reply thread that is most of the page's
/// markup saved, and nothing offered that could not be pressed.
#[component]
fn ReactionCounts(reactions: Reactions, testid: String) -> impl IntoView {
    let given: Vec<(ReactionKind, i32)> = ReactionKind::ALL
        .into_iter()
        .map(|kind| (kind, reactions.count(kind)))
        .filter(|(_, count)| *count > 0)
        .collect();
    (!given.is_empty()).then(|| {
        view! {
            <p class="reactions" data-testid=testid>
                {given.into_iter().map(|(kind, count)| view! {
                    <span class="reaction" aria-label=format!("{} ({count})", kind.label()) title=kind.label()>
                        {format!("{} {count}", kind.emoji())}
                    </span>
                }).collect_view()}
            </p>
        }
    })
}
