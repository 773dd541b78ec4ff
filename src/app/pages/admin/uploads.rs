//! `/admin/uploads`: every picture members have uploaded, newest first, with who uploaded it
//! and where it is used; an admin can remove any (written to the audit log). Private
//! pictures are listed but never shown here.

use crate::{
    api::admin::{RemoveUpload, uploads_list},
    app::components::{
        alert::{Alert, AlertTone},
        button::{ButtonVariant, button_classes},
        card::Card,
        error_panel::ErrorPanel,
        form::{FormError, action_error},
        sign_in_prompt::SignInPrompt,
        skeleton::Skeleton,
    },
    domain::{AppError, media::UploadRow},
};
use leptos::{form::ActionForm, prelude::*};
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

#[component]
pub fn UploadsPage() -> impl IntoView {
    let query = use_query_map();
    let older = query.with_untracked(|q| q.get("older").unwrap_or_default());
    let removed_notice = query.with_untracked(|q| q.get("removed").is_some());
    let page = Resource::new_blocking(move || older.clone(), uploads_list);
    let remove = ServerAction::<RemoveUpload>::new();
    let refused = action_error(remove.value());
    view! {
        <Title text="Uploads (admins)"/>
        <h1 class="text-3xl font-semibold tracking-tight">"Uploads"</h1>
        <p class="mt-2 text-muted">"Every picture members have uploaded, newest first. Removing one takes it down at once; its files leave storage within a minute, and the removal is in the audit log."</p>
        {removed_notice.then(|| view! { <div class="mt-4"><Alert tone=AlertTone::Success>"The upload is removed."</Alert></div> })}
        <FormError error=refused/>
        <Suspense fallback=|| view! { <Card><Skeleton lines=4/></Card> }>
            {move || Suspend::new(async move {
                match page.await {
                    Ok(page) if page.rows.is_empty() => view! {
                        <p class="mt-6 text-muted" data-testid="uploads-empty">"No uploads yet."</p>
                    }.into_any(),
                    Ok(page) => view! {
                        <ul class="mt-6 divide-y divide-line rounded-2xl border border-line bg-surface" data-testid="uploads">
                            {page.rows.into_iter().map(|row| view! { <UploadItem row remove/> }).collect_view()}
                        </ul>
                        {page.older.map(|older| view! {
                            <p class="mt-4"><a class="link" href=format!("/admin/uploads?older={older}") data-testid="uploads-older">"Older uploads"</a></p>
                        })}
                    }.into_any(),
                    Err(AppError::Unauthorized) => view! { <SignInPrompt next="/admin/uploads"/> }.into_any(),
                    Err(AppError::Forbidden) => view! { <ErrorPanel title="This page is for admins" message="Only admins can see every upload."/> }.into_any(),
                    Err(error) => view! { <ErrorPanel title="We couldn't load the uploads" message=error.to_string()/> }.into_any(),
                }
            })}
        </Suspense>
    }
}

#[component]
fn UploadItem(row: UploadRow, remove: ServerAction<RemoveUpload>) -> impl IntoView {
    view! {
        <li class="flex flex-wrap items-center gap-4 px-4 py-3" data-testid="upload" data-bucket=row.bucket.clone()>
            {match row.thumbnail.clone() {
                Some(src) => view! { <img src=src alt="" width="56" height="56" loading="lazy" class="h-14 w-14 rounded-lg object-cover"/> }.into_any(),
                None => view! { <span class="flex h-14 w-14 items-center justify-center rounded-lg border border-line text-xs text-muted">"private"</span> }.into_any(),
            }}
            <div class="min-w-0 flex-1 text-sm">
                <p class="font-medium">
                    <span data-testid="upload-uploader">{row.uploader.clone()}</span>
                    " · " {row.bucket.clone()} " · " {row.size_label.clone()} " · " {row.dimensions.clone()}
                </p>
                <p class="text-muted">
                    {format!("Uploaded {}", row.uploaded_label)}
                    {row.post_path.clone().map(|path| view! { " · in " <a class="link" href=path>"a post"</a> })}
                    {(!row.alt.is_empty()).then(|| format!(" · “{}”", row.alt))}
                </p>
            </div>
            <ActionForm action=remove>
                <input type="hidden" name="id" value=row.id.clone()/>
                <button type="submit" class=button_classes(ButtonVariant::Secondary, "") data-testid="upload-remove">"Remove"</button>
            </ActionForm>
        </li>
    }
}
