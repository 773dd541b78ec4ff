//! `/c/<slug>/new`: writing a post. Markdown, an optional content warning, and in support
//! circles the choice to post anonymously.

use crate::{
    api::{circles::get_circle, posts::CreatePost},
    app::components::{
        card::Card,
        error_panel::ErrorPanel,
        form::{FormError, SubmissionKey, SubmitButton, action_error, field_error},
        sign_in_prompt::SignInPrompt,
        skeleton::Skeleton,
        text_area::TextArea,
        text_field::TextField,
    },
    domain::AppError,
};
use leptos::{form::ActionForm, prelude::*};
use leptos_meta::Title;
use leptos_router::hooks::use_params_map;

#[component]
pub fn NewPostPage() -> impl IntoView {
    let params = use_params_map();
    let slug = Memo::new(move |_| params.read().get("slug").unwrap_or_default());
    let info = Resource::new_blocking(move || slug.get(), get_circle);
    let create = ServerAction::<CreatePost>::new();
    let error = action_error(create.value());
    view! {
        <Title text="New post"/>
        <Suspense fallback=|| view! { <Card><Skeleton lines=6/></Card> }>
            {move || Suspend::new(async move {
                match info.await {
                    Ok(info) if !info.signed_in => view! {
                        <SignInPrompt next=format!("/c/{}/new", info.circle.slug)/>
                    }.into_any(),
                    Ok(info) if !info.can_post => view! {
                        <ErrorPanel
                            title="Join this circle to post in it"
                            message=format!("Posting in {} is for its members. You can join from the circle's page.", info.circle.name)
                        />
                        <p class="mt-4"><a class="text-accent-ink hover:underline" href=format!("/c/{}", info.circle.slug)>{format!("Go to {}", info.circle.name)}</a></p>
                    }.into_any(),
                    Ok(info) => {
                        let circle = info.circle;
                        view! {
                            <header class="mb-6">
                                <p class="text-sm text-muted"><a class="hover:underline" href=format!("/c/{}", circle.slug)>{circle.name.clone()}</a></p>
                                <h1 class="text-3xl font-semibold tracking-tight">"New post"</h1>
                            </header>
                            <Card class="max-w-3xl">
                                <ActionForm action=create>
                                    <div class="space-y-5">
                                        <input type="hidden" name="circle" value=circle.slug.clone()/>
                                        <SubmissionKey/>
                                        <FormError error fields=&["title", "body", "content_warning", "anonymous"]/>
                                        <TextField name="title" label="Title" required=true error=field_error(error, "title")/>
                                        <TextArea
                                            name="body"
                                            label="What would you like to share?"
                                            rows=10
                                            hint="Markdown works: **bold**, _italic_, lists, > quotes and [links](https://example.org). Mention someone with @handle."
                                            error=field_error(error, "body")
                                        />
                                        <TextField
                                            name="content_warning"
                                            label="Content warning (optional)"
                                            hint="For example: grief, self-harm, eating disorders. Readers see only this until they choose to open your post."
                                            error=field_error(error, "content_warning")
                                        />
                                        {circle.is_support.then(|| view! {
                                            <div class="flex items-start gap-3">
                                                <input id="field-anonymous" type="checkbox" name="anonymous" value="true" class="mt-1 h-4 w-4"/>
                                                <label for="field-anonymous" class="text-sm">
                                                    <span class="font-medium">"Post anonymously"</span>
                                                    <span class="block text-muted">"Members see “Anonymous member”. Only this circle's moderators can see it was you."</span>
                                                </label>
                                            </div>
                                        })}
                                        <SubmitButton pending=create.pending() attr:data-testid="post-submit">"Share post"</SubmitButton>
                                    </div>
                                </ActionForm>
                            </Card>
                        }.into_any()
                    }
                    Err(AppError::NotFound) => view! { <ErrorPanel title="We couldn't find that circle" message="It may have been renamed."/> }.into_any(),
                    Err(error) => view! { <ErrorPanel title="We couldn't open the editor" message=error.to_string()/> }.into_any(),
                }
            })}
        </Suspense>
    }
}
