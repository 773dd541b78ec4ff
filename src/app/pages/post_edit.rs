//! `/c/<slug>/p/<id>/edit`: the author changes their post. The earlier version is kept for
//! the circle's moderators.

use crate::{
    api::posts::{EditPost, get_post},
    app::components::{
        card::Card,
        error_panel::ErrorPanel,
        form::{FormError, SubmitButton, action_error, field_error},
        skeleton::Skeleton,
        text_area::TextArea,
        text_field::TextField,
    },
    domain::{AppError, community::slug::post_id_from_segment},
};
use leptos::{form::ActionForm, prelude::*};
use leptos_meta::Title;
use leptos_router::hooks::use_params_map;

#[component]
pub fn EditPostPage() -> impl IntoView {
    let params = use_params_map();
    let post_id = Memo::new(move |_| {
        params
            .read()
            .get("post")
            .and_then(|s| post_id_from_segment(&s))
    });
    let post = Resource::new_blocking(
        move || post_id.get(),
        |id| async move {
            match id {
                Some(id) => get_post(id).await,
                None => Err(AppError::NotFound),
            }
        },
    );
    let edit = ServerAction::<EditPost>::new();
    let error = action_error(edit.value());
    view! {
        <Title text="Edit post"/>
        <Suspense fallback=|| view! { <Card><Skeleton lines=6/></Card> }>
            {move || Suspend::new(async move {
                match post.await {
                    Ok(post) if post.viewer_is_author && !post.deleted => {
                        let summary = post.summary.clone();
                        view! {
                            <header class="mb-6">
                                <p class="text-sm text-muted"><a class="hover:underline" href=summary.path()>{summary.title.clone()}</a></p>
                                <h1 class="text-3xl font-semibold tracking-tight">"Edit post"</h1>
                            </header>
                            <Card class="max-w-3xl">
                                <ActionForm action=edit>
                                    <div class="space-y-5">
                                        <input type="hidden" name="id" value=summary.id.get()/>
                                        <FormError error fields=&["title", "body", "content_warning"]/>
                                        <TextField name="title" label="Title" value=summary.title.clone() required=true error=field_error(error, "title")/>
                                        <TextArea name="body" label="Post" rows=12 value=post.body_source.clone() error=field_error(error, "body")/>
                                        <TextField name="content_warning" label="Content warning (optional)"
                                            value=summary.content_warning.clone().unwrap_or_default()
                                            error=field_error(error, "content_warning")/>
                                        <SubmitButton pending=edit.pending() attr:data-testid="edit-submit">"Save changes"</SubmitButton>
                                    </div>
                                </ActionForm>
                            </Card>
                        }.into_any()
                    }
                    Ok(_) => view! { <ErrorPanel title="Only the author can edit this post" message="You can reply to it instead."/> }.into_any(),
                    Err(AppError::NotFound) => view! { <ErrorPanel title="We couldn't find that post" message="It may have been removed."/> }.into_any(),
                    Err(error) => view! { <ErrorPanel title="We couldn't open the editor" message=error.to_string()/> }.into_any(),
                }
            })}
        </Suspense>
    }
}
