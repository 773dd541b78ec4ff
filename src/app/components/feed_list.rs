//! A page of posts with its pinned posts above and a link to older ones below. The link is
//! a plain `<a>`, so paging works without JavaScript.

use super::{empty_state::EmptyState, post_card::PostCard};
use crate::domain::community::FeedPage;
use leptos::prelude::*;

#[component]
pub fn FeedList(
    page: FeedPage,
    /// Where the next page is, given its cursor.
    older_href: Callback<String, String>,
    #[prop(into)] empty_title: String,
    #[prop(into)] empty_message: String,
) -> impl IntoView {
    if page.posts.is_empty() && page.pinned.is_empty() {
        return view! { <EmptyState title=empty_title message=empty_message/> }.into_any();
    }
    let older = page.next_cursor.map(|cursor| older_href.run(cursor));
    view! {
        <div class="space-y-4" data-testid="feed">
            {page.pinned.into_iter().map(|post| view! { <PostCard post/> }).collect_view()}
            {page.posts.into_iter().map(|post| view! { <PostCard post/> }).collect_view()}
            {older.map(|href| view! {
                <p class="pt-2 text-center">
                    <a href=href class="link font-medium" data-testid="older-posts">"Older posts →"</a>
                </p>
            })}
        </div>
    }
    .into_any()
}
