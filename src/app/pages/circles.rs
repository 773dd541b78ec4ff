//! `/circles`: every circle, with a way in to each.

use crate::{
    api::circles::list_circles,
    app::components::{card::Card, error_panel::ErrorPanel, skeleton::Skeleton},
    domain::community::{CircleSummary, Membership, Visibility},
};
use leptos::prelude::*;
use leptos_meta::Title;

#[component]
pub fn CirclesPage() -> impl IntoView {
    let circles = Resource::new_blocking(|| (), |()| list_circles());
    view! {
        <Title text="Circles"/>
        <header class="mb-8">
            <h1 class="text-3xl font-semibold tracking-tight">"Circles"</h1>
            <p class="mt-2 max-w-prose text-muted">
                "Small topic spaces where people share what helps. Join the ones that fit you; "
                "their posts fill your home page."
            </p>
        </header>
        <Suspense fallback=|| view! { <Card><Skeleton lines=6/></Card> }>
            {move || Suspend::new(async move {
                match circles.await {
                    Ok(list) => view! {
                        <ul class="grid gap-4 sm:grid-cols-2" data-testid="circle-list">
                            {list.into_iter().map(|circle| view! { <li><CircleTile circle/></li> }).collect_view()}
                        </ul>
                    }.into_any(),
                    Err(error) => view! { <ErrorPanel title="We couldn't load the circles" message=error.to_string()/> }.into_any(),
                }
            })}
        </Suspense>
    }
}

#[component]
fn CircleTile(circle: CircleSummary) -> impl IntoView {
    let href = format!("/c/{}", circle.slug);
    let badge = match circle.membership {
        Membership::Moderator => Some("You moderate"),
        Membership::Member => Some("Joined"),
        Membership::Pending => Some("Request sent"),
        Membership::None => None,
    };
    view! {
        <a href=href class="block h-full rounded-2xl border border-line bg-surface p-5 hover:border-accent" data-testid="circle-tile">
            <div class="flex items-start justify-between gap-3">
                <h2 class="text-lg font-semibold">{circle.name.clone()}</h2>
                {badge.map(|b| view! { <span class="shrink-0 rounded-full bg-accent-soft px-2 py-0.5 text-xs text-accent-ink">{b}</span> })}
            </div>
            <p class="mt-1 text-sm text-muted">{circle.description.clone()}</p>
            <p class="mt-3 flex flex-wrap gap-x-3 text-xs text-muted">
                <span>{circle.visibility.label()}</span>
                {circle.is_support.then_some(view! { <span>"Support circle"</span> })}
                <span>{members_label(circle.member_count)}</span>
                <span>{posts_label(circle.post_count)}</span>
            </p>
            {(circle.visibility == Visibility::Private && !circle.can_read).then_some(view! {
                <p class="mt-2 text-xs text-muted">"Posts are visible to members only. Ask to join from its page."</p>
            })}
        </a>
    }
}

pub fn members_label(count: i32) -> String {
    if count == 1 {
        "1 member".into()
    } else {
        format!("{count} members")
    }
}

pub fn posts_label(count: i32) -> String {
    if count == 1 {
        "1 post".into()
    } else {
        format!("{count} posts")
    }
}
