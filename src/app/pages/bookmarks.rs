//! `/bookmarks`: the posts I saved, most recently saved first. Private to me.

use crate::{
    api::bookmarks::list_bookmarks,
    app::components::{
        card::Card,
        error_panel::ErrorPanel,
        feed_list::{FeedList, FeedSource},
        sign_in_prompt::SignInPrompt,
        skeleton::Skeleton,
    },
    domain::AppError,
};
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

#[component]
pub fn BookmarksPage() -> impl IntoView {
    let query = use_query_map();
    let after = Memo::new(move |_| query.read().get("after").unwrap_or_default());
    let page = Resource::new_blocking(move || after.get(), list_bookmarks);
    view! {
        <Title text="Saved posts"/>
        <h1 class="mb-6 text-3xl font-semibold tracking-tight">"Saved posts"</h1>
        <Suspense fallback=|| view! { <Card><Skeleton lines=5/></Card> }>
            {move || Suspend::new(async move {
                match page.await {
                    Ok(page) => view! {
                        <FeedList
                            page
                            source=FeedSource::Bookmarks
                            empty_title="Nothing saved yet"
                            empty_message="Press “Save” on a post to keep it here for later. Only you can see this list."
                        />
                    }.into_any(),
                    Err(AppError::Unauthorized) => view! { <SignInPrompt next="/bookmarks"/> }.into_any(),
                    Err(error) => view! { <ErrorPanel title="We couldn't load your saved posts" message=error.to_string()/> }.into_any(),
                }
            })}
        </Suspense>
    }
}
