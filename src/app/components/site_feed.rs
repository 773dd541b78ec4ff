//! The home page's feeds: my circles, latest, active and top this week, as tabs that are
//! plain links (so they work without JavaScript) with keyset "older" links below.

use super::{
    card::Card,
    error_panel::ErrorPanel,
    feed_list::{FeedList, FeedSource},
    live_banner::{LiveBanner, Watched},
    skeleton::Skeleton,
};
use crate::{
    api::feeds::site_feed,
    app::viewer::login_href,
    domain::{AppError, community::FeedKind},
};
use leptos::prelude::*;
use leptos_router::hooks::use_query_map;

#[component]
pub fn SiteFeed() -> impl IntoView {
    let query = use_query_map();
    let kind = Memo::new(move |_| query.read().get("feed").unwrap_or_default());
    let after = Memo::new(move |_| query.read().get("after").unwrap_or_default());
    let page = Resource::new_blocking(move || (kind.get(), after.get()), |(k, a)| site_feed(k, a));
    view! {
        <section aria-labelledby="feed-heading" class="mt-12">
            <Suspense fallback=|| view! { <Card><Skeleton lines=6/></Card> }>
                {move || Suspend::new(async move {
                    match page.await {
                        Ok(page) => {
                            let current = page.kind;
                            let tabs: Vec<FeedKind> = if page.signed_in {
                                vec![FeedKind::Home, FeedKind::Latest, FeedKind::Active, FeedKind::Top]
                            } else {
                                vec![FeedKind::Latest, FeedKind::Active, FeedKind::Top]
                            };
                            let empty_message = if current == FeedKind::Home {
                                "Join or follow a few circles and their newest posts will gather here."
                            } else {
                                "When members share something, it will show here."
                            };
                            view! {
                                <div class="mb-5 flex flex-wrap items-end justify-between gap-3">
                                    <h2 id="feed-heading" class="text-2xl font-semibold">{current.label()}</h2>
                                    <nav aria-label="Feeds" class="flex flex-wrap gap-1 text-sm">
                                        {tabs.into_iter().map(|tab| {
                                            let active = tab == current;
                                            let class = if active {
                                                "rounded-full bg-accent-soft px-3 py-1 font-medium text-accent-ink"
                                            } else {
                                                "rounded-full px-3 py-1 text-muted hover:text-ink"
                                            };
                                            view! {
                                                <a href=format!("/?feed={}", tab.as_str()) class=class
                                                    aria-current=active.then_some("page") data-testid=format!("feed-tab-{}", tab.as_str())>
                                                    {tab.label()}
                                                </a>
                                            }
                                        }).collect_view()}
                                    </nav>
                                </div>
                                {(current == FeedKind::Latest && !page.posts.is_empty()).then(|| view! {
                                    <LiveBanner
                                        channel="site".to_owned()
                                        watched=Watched::Posts
                                        newest=page.posts.iter().map(|p| p.id.get()).max().unwrap_or(0)
                                        href="/?feed=latest".to_owned()
                                    />
                                })}
                                <FeedList
                                    page
                                    source=FeedSource::Site(current.as_str().to_owned())
                                    empty_title="Nothing here yet"
                                    empty_message=empty_message
                                />
                            }.into_any()
                        }
                        Err(AppError::Unauthorized) => view! {
                            <p class="text-muted">
                                <a class="link" href=login_href("/?feed=home")>"Sign in"</a>
                                " to see the circles you follow."
                            </p>
                        }.into_any(),
                        Err(error) => view! { <ErrorPanel title="We couldn't load the feed" message=error.to_string()/> }.into_any(),
                    }
                })}
            </Suspense>
        </section>
    }
}
