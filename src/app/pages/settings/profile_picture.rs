//! The member's profile picture on their profile settings page: the picture (or their
//! initials), a plain multipart form that uploads a new one (no JavaScript needed; the
//! server answers with a redirect back here carrying `?avatar=saved` or a short refusal
//! code, which this section turns into a sentence), and a button that takes it down.

use crate::{
    api::account::RemoveAvatar,
    app::components::{
        alert::{Alert, AlertTone},
        avatar::Avatar,
        button::{ButtonVariant, button_classes},
        card::Card,
        form::{FormError, action_error},
        upload_progress::UploadProgress,
    },
    domain::{ProfileSettings, media::upload_problem},
};
use leptos::{form::ActionForm, prelude::*};
use leptos_router::hooks::use_query_map;

#[component]
pub fn ProfilePictureSection(profile: ProfileSettings) -> impl IntoView {
    let query = use_query_map();
    let (done, problem) = query.with_untracked(|q| {
        (
            q.get("avatar"),
            q.get("avatar_error").and_then(|code| upload_problem(&code)),
        )
    });
    let remove = ServerAction::<RemoveAvatar>::new();
    let remove_error = action_error(remove.value());
    let has_picture = profile.avatar.is_some();
    let done = done.and_then(|done| match done.as_str() {
        "saved" => Some("Your new profile picture is saved."),
        "removed" => Some("Your profile picture is removed."),
        _ => None,
    });
    view! {
        <div id="picture" class="mb-6">
        <Card class="max-w-2xl">
            <h2 class="text-lg font-semibold">"Profile picture"</h2>
            <div class="mt-4 flex flex-wrap items-start gap-6">
                <Avatar picture=profile.avatar.clone() initials=profile.initials.clone() handle=profile.handle.clone() size=128 />
                <div class="min-w-0 flex-1 space-y-4">
                    {done.map(|message| view! {
                        <Alert tone=AlertTone::Success><span data-testid="avatar-saved">{message}</span></Alert>
                    })}
                    {problem.map(|message| view! {
                        <Alert tone=AlertTone::Danger><span data-testid="avatar-error">{message}</span></Alert>
                    })}
                    <form method="post" action="/uploads/avatar" enctype="multipart/form-data" class="space-y-3" data-upload-progress="">
                        <label for="avatar-file" class="block text-sm font-medium">"Choose a photo"</label>
                        <input
                            id="avatar-file"
                            name="avatar"
                            type="file"
                            accept="image/jpeg,image/png,image/gif,image/webp"
                            required
                            class="block w-full text-sm file:mr-3 file:rounded-lg file:border-0 file:bg-accent file:px-3 file:py-2 file:font-medium file:text-white"
                            aria-describedby="avatar-hint"
                            data-testid="avatar-file"
                        />
                        <p id="avatar-hint" class="text-sm text-muted">
                            "A JPEG, PNG, GIF or WebP photo, up to 10 MB. We crop it to a circle, and remove its hidden details (such as where it was taken) before anyone sees it."
                        </p>
                        <UploadProgress/>
                        <button type="submit" class=button_classes(ButtonVariant::Primary, "") data-testid="avatar-submit">
                            "Upload picture"
                        </button>
                    </form>
                    {has_picture.then(|| view! {
                        <ActionForm action=remove>
                            <FormError error=remove_error fields=&[]/>
                            <button type="submit" class=button_classes(ButtonVariant::Secondary, "") data-testid="avatar-remove">
                                "Remove picture"
                            </button>
                        </ActionForm>
                    })}
                </div>
            </div>
        </Card>
        </div>
    }
}
