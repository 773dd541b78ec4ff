//! `/c/<slug>/p/<id>-<title>`: a post, its reactions, and the conversation under it. Every
//! control is a small form, so reading, replying, reacting and saving all work without
//! JavaScript; with it, they update in place.
//!
//! `/c/<slug>/p/<id>/thread/<comment>` shows one comment's replies when the thread runs
//! deeper than the main page renders.

use crate::{
    api::{
        bookmarks::ToggleBookmark,
        comments::{CreateComment, DeleteComment, EditComment},
        moderation::{ModerateContent, MovePost},
        posts::{DeletePost, get_post_page},
        reactions::ToggleReaction,
    },
    app::{
        components::{
            avatar::Avatar,
            button::{ButtonLink, ButtonVariant, button_classes},
            card::Card,
            error_panel::ErrorPanel,
            form::{FormError, SubmissionKey, SubmitButton, action_error, fresh_submission_key},
            live_banner::{LiveBanner, Watched},
            moderate_form::ModerateForm,
            notify_level_form::NotifyLevelForm,
            picture_adder::{PictureAdder, PictureNotice, ReplyPictureAdder},
            post_gallery::PostGallery,
            reaction_bar::ReactionBar,
            reading_now::ReadingNow,
            reply_anonymously::ReplyAnonymously,
            skeleton::Skeleton,
            text_area::escape_text,
        },
        viewer::login_href,
    },
    domain::{
        AppError, CommentId,
        community::{
            CommentThread, CommentView, PostDetail, PostPageData, slug::post_id_from_segment,
        },
        notification::NotifyLevel,
    },
};
use leptos::{form::ActionForm, prelude::*, server_fn::ServerFn};
use leptos_meta::{Meta, Title};
use leptos_router::hooks::{use_location, use_params_map, use_query_map};

/// The actions on this page: each is a plain form post; on the server they read a refused
/// post's error back from the address so the page can show it.
#[derive(Clone, Copy)]
struct PostActions {
    react: ServerAction<ToggleReaction>,
    bookmark: ServerAction<ToggleBookmark>,
    comment: ServerAction<CreateComment>,
    edit_comment: ServerAction<EditComment>,
    delete_comment: ServerAction<DeleteComment>,
    delete_post: ServerAction<DeletePost>,
    moderate: ServerAction<ModerateContent>,
    move_post: ServerAction<MovePost>,
}

impl PostActions {
    fn new() -> Self {
        Self {
            react: ServerAction::new(),
            bookmark: ServerAction::new(),
            comment: ServerAction::new(),
            edit_comment: ServerAction::new(),
            delete_comment: ServerAction::new(),
            delete_post: ServerAction::new(),
            moderate: ServerAction::new(),
            move_post: ServerAction::new(),
        }
    }

    fn error(&self) -> Signal<Option<AppError>> {
        let this = *self;
        Signal::derive(move || {
            action_error(this.react.value())
                .get()
                .or_else(|| action_error(this.bookmark.value()).get())
                .or_else(|| action_error(this.edit_comment.value()).get())
                .or_else(|| action_error(this.delete_comment.value()).get())
                .or_else(|| action_error(this.delete_post.value()).get())
                .or_else(|| action_error(this.moderate.value()).get())
                .or_else(|| action_error(this.move_post.value()).get())
        })
    }
}

#[component]
pub fn PostPage() -> impl IntoView {
    let params = use_params_map();
    let post_id = Memo::new(move |_| {
        params
            .read()
            .get("post")
            .and_then(|segment| post_id_from_segment(&segment))
    });
    let root = Memo::new(move |_| {
        params
            .read()
            .get("comment")
            .and_then(|c| c.parse::<CommentId>().ok())
    });
    // `?after=<reply id>`: a later page of a long thread.
    let query = use_query_map();
    let after = Memo::new(move |_| {
        query
            .read()
            .get("after")
            .and_then(|a| a.parse::<CommentId>().ok())
    });
    let actions = PostActions::new();
    // Rendered on the server only: nothing of it is written into the page for the browser.
    let page = Resource::new_blocking(
        move || (post_id.get(), root.get(), after.get()),
        |(id, root, after)| async move {
            match id {
                Some(id) => get_post_page(id, root, after).await,
                None => Err(AppError::NotFound),
            }
        },
    );
    view! {
        <Transition fallback=|| view! { <Card><Skeleton lines=8/></Card> }>
            {move || Suspend::new(async move {
                match page.await {
                    Ok(PostPageData { post, thread, notify_level }) => view! { <PostView post comments=thread actions notify_level/> }.into_any(),
                    Err(AppError::NotFound) => view! {
                        <Title text="Post not found"/>
                        <ErrorPanel
                            title="We couldn't find that post"
                            message="It may have been removed, or it's in a circle you're not a member of."
                        />
                    }.into_any(),
                    Err(error) => view! { <ErrorPanel title="We couldn't load this post" message=error.to_string()/> }.into_any(),
                }
            })}
        </Transition>
    }
}

#[component]
fn PostView(
    post: PostDetail,
    comments: Result<CommentThread, AppError>,
    actions: PostActions,
    notify_level: NotifyLevel,
) -> impl IntoView {
    let summary = post.summary.clone();
    let path = summary.path();
    let circle_href = format!("/c/{}", summary.circle_slug);
    let author = if summary.is_anonymous {
        view! { <span data-testid="post-author">"Anonymous member"</span> }.into_any()
    } else if let Some(author) = summary.author.clone() {
        view! {
            <a href=format!("/u/{}", author.handle) class="inline-flex items-center gap-2 font-medium hover:underline" data-testid="post-author">
                <Avatar picture=author.avatar.clone() initials=author.initials.clone() handle=author.handle.clone() size=32 />
                {author.display_name.clone()}
            </a>
            {author.is_verified.then_some(view! { <span class="badge">"Verified practitioner"</span> })}
        }
        .into_any()
    } else {
        view! { <span data-testid="post-author">"A former member"</span> }.into_any()
    };
    let body = if post.held {
        view! {
            <p class="italic text-muted" data-testid="post-held">
                {if post.viewer_is_author {
                    "Your post is waiting for a moderator's approval: it contains a word they look at first. Others will see it once it is approved."
                } else {
                    "This post is waiting for a moderator's approval."
                }}
            </p>
        }.into_any()
    } else if post.removed {
        view! {
            <p class="italic text-muted" data-testid="post-removed">
                "This post was removed by the moderators. The "
                <a href="/modlog" class="link">"moderation log"</a>
                " says why."
            </p>
        }
        .into_any()
    } else if post.deleted {
        view! { <p class="italic text-muted" data-testid="post-deleted">"This post was deleted by its author."</p> }.into_any()
    } else {
        let html = post.body_html.clone();
        let pictures = post.pictures.clone();
        // Pictures sit behind a content warning with the words.
        match summary.content_warning.clone() {
            Some(warning) => view! {
                <details class="rounded-xl border border-line p-4" data-testid="content-warning">
                    <summary class="cursor-pointer font-medium">
                        {format!("Content warning: {warning}")}
                        <span class="ml-2 text-sm font-normal text-muted">"Show post"</span>
                    </summary>
                    <div class="post-body mt-4" data-testid="post-body" inner_html=html></div>
                    <div class="mt-4"><PostGallery pictures/></div>
                </details>
            }
            .into_any(),
            None => view! {
                <div class="post-body" data-testid="post-body" inner_html=html></div>
                <PostGallery pictures/>
            }
            .into_any(),
        }
    };
    let error = actions.error();
    let bookmark_label = if post.bookmarked { "Saved ✓" } else { "Save" };
    let back = path.clone();
    let report_href = format!("/report?target=post&id={}&back={path}", summary.id.get());
    let edit_href = format!("{path}/edit");
    view! {
        <Title text=summary.title.clone()/>
        {post.is_support_circle.then(|| view! { <Meta name="robots" content="noindex, nofollow"/> })}
        <article class="space-y-6">
            <header class="space-y-2">
                <p class="text-sm"><a href=circle_href class="link font-medium">{summary.circle_name.clone()}</a></p>
                <h1 class="text-3xl font-semibold leading-tight tracking-tight" data-testid="post-heading">{summary.title.clone()}</h1>
                <p class="byline">
                    {author}
                    <span aria-hidden="true">"·"</span>
                    <time datetime=summary.created_at.clone()>{summary.created_label.clone()}</time>
                    {post.edited.then_some(view! { <span>"(edited)"</span> })}
                    {summary.pinned.then_some(view! { <span class="badge">"Pinned"</span> })}
                    {summary.locked.then_some(view! { <span class="badge-quiet">"Locked"</span> })}
                </p>
                {post.sealed_author.clone().map(|sealed| view! {
                    <p class="text-sm text-muted" data-testid="sealed-author">
                        {format!("Posted anonymously by @{} (visible to moderators only)", sealed.handle)}
                    </p>
                })}
            </header>
            {body}
            {if post.viewer_is_author && !post.deleted && !summary.is_anonymous {
                view! { <PictureAdder post=summary.id pictures=post.pictures.clone()/> }.into_any()
            } else {
                // A reply's author adding a picture is sent back here too.
                view! { <PictureNotice/> }.into_any()
            }}
            {(!post.revisions.is_empty()).then(|| {
                let count = post.revisions.len();
                view! {
                    <details class="rounded-xl border border-line p-4 text-sm" data-testid="post-history">
                        <summary class="cursor-pointer font-medium">
                            {format!("Edit history: {count} earlier version{} (moderators only)", if count == 1 { "" } else { "s" })}
                        </summary>
                        <ol class="mt-3 space-y-4">
                            {post.revisions.iter().map(|revision| view! {
                                <li class="border-t border-line pt-3">
                                    <p class="text-muted">{format!("Written {}", revision.written_label)}</p>
                                    <p class="font-medium">{revision.title.clone()}</p>
                                    {revision.content_warning.clone().map(|w| view! { <p class="text-muted">{format!("Content warning: {w}")}</p> })}
                                    <p class="whitespace-pre-wrap">{revision.body.clone()}</p>
                                </li>
                            }).collect_view()}
                        </ol>
                    </details>
                }
            })}
            <FormError error/>
            {(!post.deleted).then(|| view! {
                <div class="flex flex-wrap items-center justify-between gap-3">
                    <ReactionBar target="post" id=summary.id.get() post=summary.id.get() reactions=post.reactions.clone() can_react=post.can_react back=back.clone()/>
                    <div class="flex flex-wrap items-center gap-2">
                        {post.can_react.then(|| view! {
                            <ActionForm action=actions.bookmark>
                                <input type="hidden" name="post_id" value=summary.id.get()/>
                                <input type="hidden" name="back" value=back.clone()/>
                                <button type="submit" class=button_classes(ButtonVariant::Quiet, "") data-testid="bookmark">{bookmark_label}</button>
                            </ActionForm>
                        })}
                        {post.viewer_is_author.then(|| view! {
                            <ButtonLink href=edit_href.clone() variant=ButtonVariant::Quiet attr:data-testid="edit-post">"Edit"</ButtonLink>
                            <ActionForm action=actions.delete_post>
                                <input type="hidden" name="id" value=summary.id.get()/>
                                <button type="submit" class=button_classes(ButtonVariant::Quiet, "") data-testid="delete-post">"Delete"</button>
                            </ActionForm>
                        })}
                        {(post.signed_in && !post.viewer_is_author).then(|| view! {
                            <a href=report_href.clone()
                                class=button_classes(ButtonVariant::Quiet, "") data-testid="report-post">"Report"</a>
                        })}
                    </div>
                </div>
            })}
            {(post.can_moderate && (!post.deleted || post.removed)).then(|| view! {
                <ModerateForm post=summary.id.get() comment=None removed=post.removed
                    pinned=summary.pinned locked=summary.locked back=path.clone()/>
            })}
        </article>
        <section aria-labelledby="replies" class="mt-10 space-y-4">
            <div class="flex flex-wrap items-baseline justify-between gap-2">
                <h2 id="replies" class="text-xl font-semibold">{replies_heading(summary.comment_count)}</h2>
                <ReadingNow channel=format!("post:{}", summary.id.get())/>
            </div>
            {(post.can_react && !post.deleted).then(|| view! {
                <NotifyLevelForm target="post" id=summary.id.get() current=notify_level back=path.clone()/>
            })}
            {match comments {
                Ok(thread) => {
                    let newest = thread.comments.iter().map(|c| c.id.get()).max().unwrap_or(0);
                    view! {
                        <LiveBanner
                            channel=format!("post:{}", summary.id.get())
                            watched=Watched::Replies
                            newest
                            href=summary.path()
                        />
                        <Thread thread post=post.clone() actions/>
                    }.into_any()
                }
                Err(error) => view! { <ErrorPanel title="We couldn't load the replies" message=error.to_string()/> }.into_any(),
            }}
        </section>
    }
}

/// The viewer's own anonymous post: their replies under it start anonymous, so answering
/// does not unmask it.
fn replies_anonymously_by_default(post: &PostDetail) -> bool {
    post.summary.is_anonymous && post.viewer_is_author
}

fn replies_heading(count: i32) -> String {
    match count {
        0 => "Replies".into(),
        1 => "1 reply".into(),
        n => format!("{n} replies"),
    }
}

#[component]
fn Thread(thread: CommentThread, post: PostDetail, actions: PostActions) -> impl IntoView {
    let path = post.summary.path();
    let comment_error = action_error(actions.comment.value());
    let anonymous_by_default = replies_anonymously_by_default(&post);
    let new_comment = if post.can_comment && thread.focus.is_none() {
        view! {
            <Card>
                <ActionForm action=actions.comment>
                    <div class="space-y-3">
                        <FormError error=comment_error/>
                        <input type="hidden" name="post_id" value=post.summary.id.get()/>
                        <SubmissionKey/>
                        <label for="new-comment" class="block text-sm font-medium">"Add a reply"</label>
                        <textarea id="new-comment" name="body" rows="4" required
                            class="block w-full rounded-xl border border-line bg-surface px-4 py-3"
                            data-testid="comment-body"></textarea>
                        {post.is_support_circle.then(|| view! {
                            <ReplyAnonymously id="new-comment-anonymous" checked=anonymous_by_default/>
                        })}
                        <SubmitButton pending=actions.comment.pending() attr:data-testid="comment-submit">"Reply"</SubmitButton>
                    </div>
                </ActionForm>
            </Card>
        }
        .into_any()
    } else if post.deleted || post.summary.locked {
        view! { <p class="text-sm text-muted" data-testid="comments-closed">"This conversation is closed to new replies."</p> }.into_any()
    } else if thread.focus.is_some() {
        view! { <p class="text-sm"><a class="link" href=path.clone()>"← Back to the whole conversation"</a></p> }.into_any()
    } else {
        view! {
            <p class="text-sm text-muted" data-testid="comment-join-hint">
                "Members of this circle can reply. "
                <a class="link" href=login_href(&path)>"Sign in"</a>
                " or join the circle to take part."
            </p>
        }
        .into_any()
    };
    // The shallowest reply shown: on a later page it may answer one on an earlier page.
    let base_depth = thread.comments.iter().map(|c| c.depth).min().unwrap_or(0);
    // `?reply=<id>` opens that comment's reply form: how "Reply" works without JavaScript.
    let reply_to: Option<CommentId> =
        use_query_map().with_untracked(|query| query.get("reply").and_then(|id| id.parse().ok()));
    let path_here = use_location().pathname.get_untracked();
    // Links back to this page keep its place in a long thread.
    let here = match thread.after {
        Some(after) => format!("{path_here}?after={after}&"),
        None => format!("{path_here}?"),
    };
    let earlier = thread.after.map(|_| {
        view! {
            <p class="text-sm" data-testid="earlier-replies">
                <a class="link" href=path_here.clone()>"← Back to the first replies"</a>
            </p>
        }
    });
    let later = thread.next_after.map(|next| {
        view! {
            <p class="text-sm" data-testid="more-replies">
                <a class="link" href=format!("{path_here}?after={next}")>"More replies →"</a>
            </p>
        }
    });
    let empty = thread.comments.is_empty() && thread.after.is_none();
    view! {
        {new_comment}
        {empty.then_some(view! { <p class="text-muted" data-testid="no-replies">"No replies yet."</p> })}
        {earlier}
        // The depth this page indents from: where live replies place themselves.
        <ol class="space-y-3" data-testid="comments" data-base-depth=base_depth
            data-focus=thread.focus.map(|focus| focus.get())>
            {thread.comments.into_iter().map(|comment| {
                let indent = (comment.depth - base_depth).clamp(0, 6);
                let reply_open = reply_to == Some(comment.id);
                view! { <CommentItem comment indent post=post.clone() actions reply_open here=here.clone()/> }
            }).collect_view()}
        </ol>
        {later}
    }
}

/// Indentation steps by reply depth (`.depth-N` in style/tailwind.css).
const INDENTS: [&str; 7] = [
    "comment",
    "comment depth-1",
    "comment depth-2",
    "comment depth-3",
    "comment depth-4",
    "comment depth-5",
    "comment depth-6",
];

#[component]
fn CommentItem(
    comment: CommentView,
    indent: i32,
    post: PostDetail,
    actions: PostActions,
    /// The reply form starts open (the page was asked for `?reply=<this id>`).
    reply_open: bool,
    /// This page's address up to its query (ending in `?` or `&`), for the no-JavaScript
    /// reply link.
    here: String,
) -> impl IntoView {
    let path = post.summary.path();
    let indent_class = INDENTS[usize::try_from(indent).unwrap_or(0).min(6)];
    let anchor = format!("comment-{}", comment.id);
    let author = match &comment.author {
        Some(author) => view! {
            <a href=format!("/u/{}", author.handle) class="name-link inline-flex items-center gap-1.5">
                <Avatar picture=author.avatar.clone() initials=author.initials.clone() handle=author.handle.clone() size=24 />
                {author.display_name.clone()}
            </a>
        }.into_any(),
        None if comment.deleted => view! { <span class="text-muted">"Deleted"</span> }.into_any(),
        None if comment.is_anonymous => view! {
            <span data-testid="comment-author">
                {if comment.by_original_poster { "Anonymous member · original poster" } else { "Anonymous member" }}
            </span>
        }.into_any(),
        None => view! { <span>"A former member"</span> }.into_any(),
    };
    let sealed_author = comment.sealed_author.clone().map(|sealed| {
        view! {
            <p class="text-sm text-muted" data-testid="comment-sealed-author">
                {format!("Replied anonymously by @{} (visible to moderators only)", sealed.handle)}
            </p>
        }
    });
    let continue_href = format!("{path}/thread/{}", comment.id);
    let body = if comment.removed {
        view! { <p class="mt-2 italic text-muted" data-testid="comment-removed">"This reply was removed by the moderators."</p> }.into_any()
    } else if comment.deleted {
        view! { <p class="mt-2 italic text-muted" data-testid="comment-deleted">"This reply was deleted."</p> }.into_any()
    } else {
        view! { <div class="comment-body post-body" data-testid="comment-body-html" inner_html=comment.body_html.clone()></div> }.into_any()
    };
    let can_reply = post.can_comment && !comment.deleted;
    let can_report = post.signed_in && !comment.viewer_is_author && !comment.deleted;
    let can_moderate = post.can_moderate && (!comment.deleted || comment.removed);
    let has_tools = can_reply
        || comment.viewer_is_author
        || comment.hidden_replies > 0
        || can_report
        || can_moderate;
    view! {
        <li id=anchor class=indent_class data-testid="comment"
            data-depth=comment.depth data-parent=comment.parent_id.map(|parent| parent.get())>
            <p class="byline">
                {author}
                <span aria-hidden="true">"·"</span>
                <time datetime=comment.created_at.clone()>{comment.created_label.clone()}</time>
                {comment.edited.then_some(view! { <span>"(edited)"</span> })}
            </p>
            {sealed_author}
            {body}
            {(!comment.deleted && !comment.pictures.is_empty()).then(|| view! {
                <div class="mt-2 max-w-md"><PostGallery pictures=comment.pictures.clone()/></div>
            })}
            {(!comment.deleted).then(|| view! {
                <ReactionBar target="comment" id=comment.id.get() post=post.summary.id.get() reactions=comment.reactions.clone() can_react=post.can_react back=path.clone()/>
            })}
            {has_tools.then(|| view! {
            <div class="comment-tools">
                {can_reply.then(|| {
                    let id = comment.id;
                    view! {
                        <ReplyToggle
                            href=format!("{here}reply={id}#comment-{id}")
                            post_id=post.summary.id.get()
                            parent_id=id.get()
                            support=post.is_support_circle
                            anonymous_by_default=replies_anonymously_by_default(&post)
                            open=reply_open
                        />
                    }
                })}
                {comment.viewer_is_author.then(|| {
                    let source = comment.body_source.clone();
                    view! {
                        <details class="w-full">
                            <summary class="cursor-pointer text-muted">"Edit"</summary>
                            <ActionForm action=actions.edit_comment attr:class="mt-2 space-y-2">
                                <input type="hidden" name="id" value=comment.id.get()/>
                                <label class="sr-only" for=format!("edit-{}", comment.id)>"Edit your reply"</label>
                                <textarea id=format!("edit-{}", comment.id) name="body" rows="3" required
                                    class="field"
                                    inner_html=escape_text(&source)></textarea>
                                <button type="submit" class=button_classes(ButtonVariant::Primary, "")>"Save"</button>
                            </ActionForm>
                        </details>
                        <ActionForm action=actions.delete_comment>
                            <input type="hidden" name="id" value=comment.id.get()/>
                            <button type="submit" class="text-muted hover:underline" data-testid="delete-comment">"Delete"</button>
                        </ActionForm>
                        {(!comment.deleted && !comment.is_anonymous).then(|| view! {
                            <ReplyPictureAdder post=post.summary.id reply=comment.id.get() pictures=comment.pictures.clone()/>
                        })}
                    }
                })}
                {can_report.then(|| view! {
                    <a href=format!("/report?target=comment&id={}", comment.id.get())
                        class="text-muted hover:underline" data-testid="report-comment">"Report"</a>
                })}
                {can_moderate.then(|| view! {
                    <ModerateForm post=post.summary.id.get() comment=Some(comment.id.get()) removed=comment.removed
                        pinned=false locked=false back=path.clone()/>
                })}
                {(comment.hidden_replies > 0).then(|| view! {
                    <a href=continue_href class="link" data-testid="continue-thread">
                        {format!("Continue this thread ({} more) →", comment.hidden_replies)}
                    </a>
                })}
                        </div>
            })}
        </li>
    }
}

/// "Reply" under a comment and the form it opens. The form is rendered only where it is
/// wanted: a hundred replies used to carry a hundred hidden forms. Without JavaScript the
/// link asks the server for this page with this comment's form open (`open`); with it, the
/// click opens the form in place. The form itself is a plain post either way: the server
/// answers with the page at the new reply.
#[island]
fn ReplyToggle(
    /// This page with `?reply=<comment>`: the link without JavaScript.
    href: String,
    post_id: i64,
    parent_id: i64,
    /// A support circle offers replying anonymously.
    support: bool,
    anonymous_by_default: bool,
    open: bool,
) -> impl IntoView {
    let open = RwSignal::new(open);
    view! {
        <div class="w-full" data-testid="reply-toggle">
            <a href=href class="text-accent-ink" aria-expanded=move || open.get().to_string()
                on:click=move |ev| {
                    ev.prevent_default();
                    open.update(|open| *open = !*open);
                }>"Reply"</a>
            {move || open.get().then(|| view! {
                <form method="post" action=CreateComment::url() class="mt-2 space-y-2">
                    <input type="hidden" name="post_id" value=post_id/>
                    <input type="hidden" name="parent_id" value=parent_id/>
                    <input type="hidden" name="submission" value=fresh_submission_key()/>
                    <label class="sr-only" for=format!("reply-{parent_id}")>"Your reply"</label>
                    <textarea id=format!("reply-{parent_id}") name="body" rows="3" required
                        class="field" data-testid="reply-body"></textarea>
                    {support.then(|| view! {
                        <ReplyAnonymously id=format!("reply-{parent_id}-anonymous")
                            checked=anonymous_by_default/>
                    })}
                    <button type="submit" class=button_classes(ButtonVariant::Primary, "") data-testid="reply-submit">"Send reply"</button>
                </form>
            })}
        </div>
    }
}
