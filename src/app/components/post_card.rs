//! A post in a feed: title, where and by whom, the start of it (or its content warning), and
//! how much it has been answered.

use super::avatar::Avatar;
use crate::domain::community::PostSummary;
use leptos::prelude::*;

#[component]
pub fn PostCard(post: PostSummary) -> impl IntoView {
    let path = post.path();
    let author = match (&post.author, post.is_anonymous) {
        (_, true) => view! { <span data-testid="post-author">"Anonymous member"</span> }.into_any(),
        (Some(author), false) => {
            let href = format!("/u/{}", author.handle);
            let name = author.display_name.clone();
            view! {
                <a href=href class="inline-flex items-center gap-1.5 hover:underline" data-testid="post-author">
                    <Avatar picture=author.avatar.clone() initials=author.initials.clone() handle=author.handle.clone() size=24 />
                    {name}
                </a>
            }
            .into_any()
        }
        (None, false) => {
            view! { <span data-testid="post-author">"A former member"</span> }.into_any()
        }
    };
    let circle_href = format!("/c/{}", post.circle_slug);
    view! {
        <article class="post-card" data-testid="post-card">
            <div class="byline">
                <a href=circle_href class="link font-medium">{post.circle_name.clone()}</a>
                <span aria-hidden="true">"·"</span>
                {author}
                <span aria-hidden="true">"·"</span>
                <time datetime=post.created_at.clone()>{post.created_label.clone()}</time>
                {post.pinned.then(|| view! { <span class="badge">"Pinned"</span> })}
                {post.locked.then(|| view! { <span class="badge-quiet">"Locked"</span> })}
            </div>
            <h3 class="mt-2 text-lg font-semibold leading-snug">
                <a href=path class="hover:underline" data-testid="post-title">{post.title.clone()}</a>
            </h3>
            {match post.content_warning.clone() {
                Some(warning) => view! {
                    <p class="mt-2 text-sm text-muted" data-testid="post-warning">
                        <span class="font-medium">"Content warning: "</span>{warning}
                    </p>
                }.into_any(),
                None => view! { <p class="mt-2 text-muted">{post.excerpt.clone()}</p> }.into_any(),
            }}
            <p class="mt-3 text-sm text-muted">
                {comment_label(post.comment_count)} " · " {reaction_label(post.reaction_total)}
            </p>
        </article>
    }
}

fn comment_label(count: i32) -> String {
    match count {
        0 => "No replies yet".into(),
        1 => "1 reply".into(),
        n => format!("{n} replies"),
    }
}

fn reaction_label(count: i32) -> String {
    match count {
        0 => "no reactions".into(),
        1 => "1 reaction".into(),
        n => format!("{n} reactions"),
    }
}
