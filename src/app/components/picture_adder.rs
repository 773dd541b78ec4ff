//! Under a post (and a reply), for its author: add a picture (up to four) with the words
//! that describe it, as a plain multipart form to `/uploads/post-media` (no JavaScript needed: the server
//! sends the browser back here with `?picture=added` or a short refusal code), and take any
//! of them off again.

use crate::{
    api::posts::RemovePostPicture,
    app::components::{
        alert::{Alert, AlertTone},
        button::{ButtonVariant, button_classes},
        upload_progress::UploadProgress,
    },
    domain::{
        PostId,
        community::PostPicture,
        media::{MAX_DESCRIPTION, upload_problem},
    },
};
use leptos::{form::ActionForm, prelude::*};
use leptos_router::hooks::use_query_map;

/// The most pictures a post or a reply holds (the database says so too, migrations 0034/0035).
pub const MAX_PICTURES: usize = 4;

/// How the last picture upload or removal went, from the address a plain form was sent
/// back to (`?picture=added` or `?picture_error=<code>`); nothing otherwise.
#[component]
pub fn PictureNotice() -> impl IntoView {
    let query = use_query_map();
    let (done, problem) = query.with_untracked(|q| {
        (
            q.get("picture"),
            q.get("picture_error")
                .and_then(|code| upload_problem(&code)),
        )
    });
    let done = done.and_then(|done| match done.as_str() {
        "added" => Some("Your picture is added."),
        "removed" => Some("The picture is removed."),
        _ => None,
    });
    view! {
        {done.map(|message| view! {
            <Alert tone=AlertTone::Success><span data-testid="picture-saved">{message}</span></Alert>
        })}
        {problem.map(|message| view! {
            <Alert tone=AlertTone::Danger><span data-testid="picture-error">{message}</span></Alert>
        })}
    }
}

/// Under a reply, for its author: add a picture (folded away until asked for), and take one
/// off again.
#[component]
pub fn ReplyPictureAdder(post: PostId, reply: i64, pictures: Vec<PostPicture>) -> impl IntoView {
    let room = MAX_PICTURES.saturating_sub(pictures.len());
    let remove = ServerAction::<RemovePostPicture>::new();
    view! {
        {pictures.into_iter().map(|picture| view! {
            <ActionForm action=remove>
                <input type="hidden" name="post" value=post.to_string()/>
                <input type="hidden" name="picture" value=picture.id/>
                <button type="submit" class="text-muted hover:underline" data-testid="reply-picture-remove">
                    {format!("Remove “{}”", picture.alt)}
                </button>
            </ActionForm>
        }).collect_view()}
        {(room > 0).then(|| view! {
            <details class="w-full">
                <summary class="cursor-pointer text-muted" data-testid="reply-picture-open">"Add a picture"</summary>
                <form method="post" action=format!("/uploads/post-media?comment={reply}") enctype="multipart/form-data" class="mt-2 space-y-2" data-upload-progress="">
                    <label for=format!("reply-picture-alt-{reply}") class="block text-sm font-medium">"Describe the picture"</label>
                    <input id=format!("reply-picture-alt-{reply}") name="alt" type="text" required maxlength=MAX_DESCRIPTION.to_string()
                        class="block w-full rounded-lg border border-line bg-surface px-3 py-2" data-testid="reply-picture-alt"/>
                    <label for=format!("reply-picture-file-{reply}") class="block text-sm font-medium">"Choose a photo"</label>
                    <input id=format!("reply-picture-file-{reply}") name="picture" type="file" required
                        accept="image/jpeg,image/png,image/gif,image/webp" class="block w-full text-sm" data-testid="reply-picture-file"/>
                    <UploadProgress/>
                    <button type="submit" class=button_classes(ButtonVariant::Secondary, "") data-testid="reply-picture-submit">"Add picture"</button>
                </form>
            </details>
        })}
    }
}

#[component]
pub fn PictureAdder(post: PostId, pictures: Vec<PostPicture>) -> impl IntoView {
    let room = MAX_PICTURES.saturating_sub(pictures.len());
    let remove = ServerAction::<RemovePostPicture>::new();
    view! {
        <section id="pictures" class="space-y-3 rounded-xl border border-dashed border-line p-4" aria-labelledby="pictures-heading">
            <h2 id="pictures-heading" class="text-sm font-semibold">"Pictures in your post"</h2>
            <PictureNotice/>
            {(!pictures.is_empty()).then(move || view! {
                <ul class="flex flex-wrap gap-3">
                    {pictures.into_iter().map(|picture| view! {
                        <li class="flex items-center gap-2 text-sm">
                            <img src=format!("{}/480", picture.path) alt="" width="48" height="48" class="h-12 w-12 rounded-lg object-cover"/>
                            <ActionForm action=remove>
                                <input type="hidden" name="post" value=post.to_string()/>
                                <input type="hidden" name="picture" value=picture.id/>
                                <button type="submit" class=button_classes(ButtonVariant::Quiet, "text-sm") data-testid="picture-remove">
                                    {format!("Remove “{}”", picture.alt)}
                                </button>
                            </ActionForm>
                        </li>
                    }).collect_view()}
                </ul>
            })}
            {if room == 0 {
                view! { <p class="text-sm text-muted">"A post can hold up to 4 pictures."</p> }.into_any()
            } else {
                view! {
                    <form method="post" action=format!("/uploads/post-media?post={post}") enctype="multipart/form-data" class="space-y-3" data-upload-progress="">
                        <div class="space-y-1.5">
                            <label for="picture-alt" class="block text-sm font-medium">"Describe the picture"</label>
                            <input
                                id="picture-alt" name="alt" type="text" required maxlength=MAX_DESCRIPTION.to_string()
                                class="block w-full rounded-lg border border-line bg-surface px-3 py-2"
                                aria-describedby="picture-alt-hint" data-testid="picture-alt"
                            />
                            <p id="picture-alt-hint" class="text-sm text-muted">
                                "A few words for members who use a screen reader, for example “Morning mist over the lake”."
                            </p>
                        </div>
                        <div class="space-y-1.5">
                            <label for="picture-file" class="block text-sm font-medium">"Choose a photo"</label>
                            <input
                                id="picture-file" name="picture" type="file" required
                                accept="image/jpeg,image/png,image/gif,image/webp"
                                class="block w-full text-sm" data-testid="picture-file"
                                aria-describedby="picture-file-hint"
                            />
                            <p id="picture-file-hint" class="text-sm text-muted">
                                {format!("JPEG, PNG, GIF or WebP, up to 20 MB; {room} more can be added. Hidden details such as where a photo was taken are removed.")}
                            </p>
                        </div>
                        <UploadProgress/>
                        <button type="submit" class=button_classes(ButtonVariant::Secondary, "") data-testid="picture-submit">
                            "Add picture"
                        </button>
                    </form>
                }.into_any()
            }}
        </section>
    }
}
