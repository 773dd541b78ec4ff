//! The member's profile: how they appear to others. Rendered on the server with the saved
//! values (`SsrMode::Async`), so the form works without JavaScript and says it was saved
//! after the redirect (`?done=profile`).

use super::{
    SettingsHeader,
    notice::{confirmation, use_settings_notice},
};
use crate::{
    api::account::{UpdateProfile, get_profile_settings},
    app::components::{
        card::Card,
        error_panel::ErrorPanel,
        form::{FormError, FormSuccess, SubmitButton, action_error, action_output, field_error},
        sign_in_prompt::SignInPrompt,
        skeleton::Skeleton,
        text_area::TextArea,
        text_field::TextField,
    },
    domain::{AppError, ProfileSettings, SettingsNotice},
};
use leptos::{form::ActionForm, prelude::*};
use leptos_meta::Title;

#[component]
pub fn ProfileSettingsPage() -> impl IntoView {
    let profile = Resource::new_blocking(|| (), |()| get_profile_settings());
    // Made here, outside the `Suspense`, with the page's own: a blocking resource made in
    // children the server may render twice belongs to a render that is thrown away, and
    // the response waits for it forever (the page intermittently never answered under load).
    let details = super::profile_details::details_resource();
    view! {
        <Title text="Your profile"/>
        <SettingsHeader title="Your profile" current="/settings/profile"/>
        <Suspense fallback=|| view! { <Card><Skeleton lines=5/></Card> }>
            {move || Suspend::new(async move {
                match profile.await {
                    Ok(profile) => view! {
                        <super::profile_picture::ProfilePictureSection profile=profile.clone()/>
                        <ProfileForm profile/>
                        <super::profile_details::ProfileDetailsSection details/>
                    }.into_any(),
                    Err(AppError::Unauthorized) => {
                        view! { <SignInPrompt next="/settings/profile"/> }.into_any()
                    }
                    Err(error) => {
                        view! { <ErrorPanel title="We couldn't load your profile" message=error.to_string()/> }
                            .into_any()
                    }
                }
            })}
        </Suspense>
    }
}

#[component]
fn ProfileForm(profile: ProfileSettings) -> impl IntoView {
    let update = ServerAction::<UpdateProfile>::new();
    // A new display name shows in the header.
    let error = action_error(update.value());
    let saved = confirmation(
        action_output(update.value()),
        use_settings_notice(),
        SettingsNotice::ProfileSaved,
    );
    view! {
        <div id="profile">
        <Card class="max-w-2xl">
            <ActionForm action=update>
                <div class="space-y-5">
                    <FormError error fields=&["display_name", "bio", "pronouns"]/>
                    <FormSuccess message=saved/>
                    <div class="space-y-1.5">
                        <p class="text-sm font-medium">"Handle"</p>
                        <p class="font-mono text-ink" data-testid="profile-handle">{format!("@{}", profile.handle)}</p>
                        <p class="text-sm text-muted">"Your handle is how people @mention you. It stays the same."</p>
                    </div>
                    <TextField
                        name="display_name"
                        label="Display name"
                        autocomplete="nickname"
                        value=profile.display_name
                        hint="The name people see beside what you share."
                        required=true
                        error=field_error(error, "display_name")
                    />
                    <TextField
                        name="pronouns"
                        label="Pronouns"
                        value=profile.pronouns
                        hint="Optional, for example she/her, he/him or they/them."
                        error=field_error(error, "pronouns")
                    />
                    <TextArea
                        name="bio"
                        label="About you"
                        value=profile.bio
                        rows=5
                        hint="Optional. A few lines about you and what brings you here, up to 2,000 characters."
                        error=field_error(error, "bio")
                    />
                    <SubmitButton pending=update.pending() attr:data-testid="profile-submit">
                        "Save profile"
                    </SubmitButton>
                </div>
            </ActionForm>
        </Card>
        </div>
    }
}
