//! `/search?q=`: one box for posts, circles and members. The form is a plain GET, so it
//! works without JavaScript; results are what the reader is allowed to see.

use crate::{
    api::search::search,
    app::components::{
        card::Card, error_panel::ErrorPanel, post_card::PostCard, skeleton::Skeleton,
    },
    domain::community::SearchResults,
};
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

#[component]
pub fn SearchPage() -> impl IntoView {
    let query = use_query_map();
    let q = Memo::new(move |_| query.read().get("q").unwrap_or_default());
    let results = Resource::new_blocking(move || q.get(), search);
    view! {
        <Title text="Search"/>
        <h1 class="text-3xl font-semibold tracking-tight">"Search"</h1>
        <form method="get" action="/search" role="search" class="mt-4 flex gap-2">
            <label for="search-q" class="sr-only">"Search posts, circles and members"</label>
            <input id="search-q" type="search" name="q" value=move || q.get() maxlength="200"
                placeholder="Search posts, circles and members"
                class="block w-full rounded-xl border border-line bg-surface px-4 py-2" data-testid="search-input"/>
            <button type="submit" class="rounded-xl bg-accent px-4 py-2 font-medium text-white" data-testid="search-submit">"Search"</button>
        </form>
        <Suspense fallback=|| view! { <Card class="mt-6"><Skeleton lines=5/></Card> }>
            {move || Suspend::new(async move {
                match results.await {
                    Ok(results) if results.query.is_empty() => view! {
                        <p class="mt-6 text-muted">"Try a word like “sleep”, a circle's name, or someone's @handle."</p>
                    }.into_any(),
                    Ok(results) => view! { <Results results/> }.into_any(),
                    Err(error) => view! { <ErrorPanel title="We couldn't search just now" message=error.to_string()/> }.into_any(),
                }
            })}
        </Suspense>
    }
}

#[component]
fn Results(results: SearchResults) -> impl IntoView {
    let nothing =
        results.posts.is_empty() && results.circles.is_empty() && results.members.is_empty();
    view! {
        <div class="mt-8 space-y-10" data-testid="search-results">
            {nothing.then(|| view! { <p class="text-muted" data-testid="search-empty">{format!("Nothing matched “{}”.", results.query)}</p> })}
            {(!results.circles.is_empty()).then(|| view! {
                <section>
                    <h2 class="mb-3 text-lg font-semibold">"Circles"</h2>
                    <ul class="flex flex-wrap gap-2">
                        {results.circles.iter().map(|c| view! {
                            <li><a href=format!("/c/{}", c.slug) class="rounded-full border border-line px-3 py-1 hover:border-accent">{c.name.clone()}</a></li>
                        }).collect_view()}
                    </ul>
                </section>
            })}
            {(!results.members.is_empty()).then(|| view! {
                <section>
                    <h2 class="mb-3 text-lg font-semibold">"Members"</h2>
                    <ul class="flex flex-wrap gap-2">
                        {results.members.iter().map(|m| view! {
                            <li><a href=format!("/u/{}", m.handle) class="rounded-full border border-line px-3 py-1 hover:border-accent">
                                {m.display_name.clone()} <span class="text-muted">{format!(" @{}", m.handle)}</span>
                            </a></li>
                        }).collect_view()}
                    </ul>
                </section>
            })}
            {(!results.posts.is_empty()).then(|| view! {
                <section>
                    <h2 class="mb-3 text-lg font-semibold">"Posts"</h2>
                    <ol class="space-y-4">
                        {results.posts.into_iter().map(|hit| view! {
                            <li data-testid="search-hit">
                                <PostCard post=hit.post/>
                                {(!hit.snippet_html.is_empty()).then(|| view! {
                                    <p class="mt-1 px-5 text-sm text-muted" inner_html=hit.snippet_html></p>
                                })}
                            </li>
                        }).collect_view()}
                    </ol>
                </section>
            })}
        </div>
    }
}
