//! "Moderate": what a circle's moderator can do to a post or a reply where they read it —
//! remove, hide, restore, and for a post pin and lock — always with a reason, which the
//! author is told and the public log shows. A plain form inside a disclosure, so it works
//! without JavaScript and costs members nothing (only moderators get it).

use super::button::{ButtonVariant, button_classes};
use crate::api::moderation::{ModerateContent, MovePost};
use leptos::{prelude::*, server_fn::ServerFn};

#[component]
pub fn ModerateForm(
    post: i64,
    /// A reply under `post`; `None` for the post itself.
    comment: Option<i64>,
    /// Removed by moderators: only "restore" applies.
    removed: bool,
    pinned: bool,
    locked: bool,
    /// This page, to come back to.
    #[prop(into)]
    back: String,
) -> impl IntoView {
    let field = match comment {
        Some(id) => format!("moderate-reason-c{id}"),
        None => format!("moderate-reason-p{post}"),
    };
    let button = |action: &'static str, label: &'static str| {
        view! {
            <button type="submit" name="action" value=action class=button_classes(ButtonVariant::Quiet, "")
                data-testid=format!("moderate-{action}")>{label}</button>
        }
    };
    let actions = if removed {
        vec![button("restore", "Restore")]
    } else {
        let mut actions = vec![
            button("remove", "Remove"),
            button("hide", "Hide for review"),
        ];
        if comment.is_none() {
            actions.push(if pinned {
                button("unpin", "Unpin")
            } else {
                button("pin", "Pin")
            });
            actions.push(if locked {
                button("unlock", "Unlock")
            } else {
                button("lock", "Lock")
            });
        }
        actions
    };
    view! {
        <details class="w-full text-sm" data-testid="moderate">
            <summary class="cursor-pointer text-muted">"Moderate"</summary>
            <form method="post" action=ModerateContent::url() class="mt-2 space-y-2">
                <input type="hidden" name="post" value=post/>
                {comment.map(|id| view! { <input type="hidden" name="comment" value=id/> })}
                <input type="hidden" name="back" value=back/>
                <label for=field.clone() class="block font-medium">"Reason (the author is told it; the public log shows it)"</label>
                <input id=field type="text" name="reason" required minlength="3" maxlength="500"
                    class="field" data-testid="moderate-reason"/>
                <div class="flex flex-wrap gap-2">{actions}</div>
            </form>
            {(comment.is_none() && !removed).then(|| {
                let circle_field = format!("move-circle-p{post}");
                let reason_field = format!("move-reason-p{post}");
                view! {
                    <form method="post" action=MovePost::url() class="mt-4 space-y-2 border-t border-line pt-3"
                        data-testid="move-post">
                        <input type="hidden" name="post" value=post/>
                        <p class="font-medium">"Move to another circle you moderate"</p>
                        <label for=circle_field.clone() class="block">"Circle (its name, or the last part of its address)"</label>
                        <input id=circle_field type="text" name="circle" required maxlength="60"
                            class="field" data-testid="move-circle"/>
                        <label for=reason_field.clone() class="block">"Reason (the author is told it; the public log shows it)"</label>
                        <input id=reason_field type="text" name="reason" required minlength="3" maxlength="500"
                            class="field" data-testid="move-reason"/>
                        <button type="submit" class=button_classes(ButtonVariant::Quiet, "") data-testid="move-submit">"Move post"</button>
                    </form>
                }
            })}
        </details>
    }
}
