//! `/modlog`: the public moderation log — every action moderators took in the circles the
//! reader can see, with the reason they gave, never who took it (Lemmy's lesson: names draw
//! grudges, reasons draw trust). Staff read the full log at `/admin/modlog`.

use crate::{
    api::moderation::public_modlog,
    app::components::{
        card::Card, empty_state::EmptyState, error_panel::ErrorPanel, moderate_form::ModerateForm,
        skeleton::Skeleton,
    },
    domain::moderation::{ModlogEntry, ModlogPage},
};
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

#[component]
pub fn ModlogPage() -> impl IntoView {
    let query = use_query_map();
    let before = Memo::new(move |_| {
        query
            .read()
            .get("before")
            .and_then(|b| b.parse::<i64>().ok())
    });
    let page = Resource::new_blocking(move || before.get(), public_modlog);
    view! {
        <Title text="Moderation log"/>
        <h1 class="text-3xl font-semibold tracking-tight">"Moderation log"</h1>
        <p class="mt-2 mb-6 text-muted">
            "What the moderators did and why. Moderators' names are kept to staff; every action has a reason."
        </p>
        <Suspense fallback=|| view! { <Card><Skeleton lines=5/></Card> }>
            {move || Suspend::new(async move {
                match page.await {
                    Ok(page) => view! { <ModlogList page base="/modlog".to_owned()/> }.into_any(),
                    Err(error) => view! { <ErrorPanel title="We couldn't load the moderation log" message=error.to_string()/> }.into_any(),
                }
            })}
        </Suspense>
    }
}

/// The log's lines and the link to older ones; staff lines also name the moderator and the
/// subject.
#[component]
pub fn ModlogList(
    page: ModlogPage,
    /// The page's address (with any search), for the "older" link.
    base: String,
) -> impl IntoView {
    if page.entries.is_empty() {
        return view! {
            <EmptyState title="Nothing logged yet" message="When moderators act, each action and its reason appears here."/>
        }
        .into_any();
    }
    let older = page.older.map(|id| {
        let join = if base.contains('?') { '&' } else { '?' };
        format!("{base}{join}before={id}")
    });
    view! {
        <ul class="divide-y divide-line rounded-2xl border border-line bg-surface" data-testid="modlog">
            {page.entries.into_iter().map(|entry| view! { <ModlogLine entry/> }).collect_view()}
        </ul>
        {older.map(|href| view! {
            <p class="mt-6 text-center">
                <a href=href class="text-sm font-medium text-accent-ink hover:underline" data-testid="modlog-older">"Older actions →"</a>
            </p>
        })}
    }
    .into_any()
}

#[component]
fn ModlogLine(entry: ModlogEntry) -> impl IntoView {
    let who = entry
        .moderator
        .clone()
        .unwrap_or_else(|| "A moderator".to_owned());
    let place = entry.circle_name.clone().map(|name| format!(" in {name}"));
    let href = entry.href();
    let title = entry.post_title.clone();
    view! {
        <li class="px-4 py-3" data-testid="modlog-entry" data-action=entry.action.clone()>
            <p>
                <span class="font-medium" data-testid="modlog-who">{who}</span>
                " "
                <span data-testid="modlog-what">{entry.phrase()}</span>
                {place}
                {match (href, title) {
                    (Some(href), Some(title)) => Some(view! { ": " <a href=href class="link">{title}</a> }),
                    _ => None,
                }}
            </p>
            {entry.subject.clone().filter(|s| !s.is_empty()).map(|subject| view! {
                <p class="mt-0.5 text-sm text-muted" data-testid="modlog-subject">{format!("“{subject}”")}</p>
            })}
            <p class="mt-1 text-sm" data-testid="modlog-reason">{format!("Reason: {}", entry.reason)}</p>
            {entry.restorable.map(|(post, comment)| view! {
                <ModerateForm post=post.get() comment=comment.map(|c| c.get()) removed=true
                    pinned=false locked=false back="/admin/modlog"/>
            })}
            <time class="mt-1 block text-xs text-muted" datetime=entry.at.clone()>{entry.at_label.clone()}</time>
        </li>
    }
}
