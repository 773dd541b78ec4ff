//! Interests and practitioner details, below the profile form: what people see on `/u/<handle>`.

use super::notice::{confirmation, use_settings_notice};
use crate::{
    api::profiles::{UpdateProfileDetails, get_profile_details},
    app::components::{
        card::Card,
        form::{FormError, FormSuccess, SubmitButton, action_error, action_output, field_error},
        text_area::TextArea,
        text_field::TextField,
    },
    domain::{AppError, SettingsNotice, community::ProfileDetails},
};
use leptos::{form::ActionForm, prelude::*};

/// The section's data, made by the page outside its `Suspense` (see `ProfileSettingsPage`).
pub fn details_resource() -> Resource<Result<ProfileDetails, AppError>> {
    Resource::new_blocking(|| (), |()| get_profile_details())
}

#[component]
pub fn ProfileDetailsSection(details: Resource<Result<ProfileDetails, AppError>>) -> impl IntoView {
    view! {
        <Suspense fallback=|| ()>
            {move || Suspend::new(async move {
                details.await.ok().map(|details| view! { <DetailsForm details/> })
            })}
        </Suspense>
    }
}

#[component]
fn DetailsForm(details: ProfileDetails) -> impl IntoView {
    let update = ServerAction::<UpdateProfileDetails>::new();
    let error = action_error(update.value());
    let saved = confirmation(
        action_output(update.value()),
        use_settings_notice(),
        SettingsNotice::DetailsSaved,
    );
    view! {
        <div id="details">
        <Card class="mt-6 max-w-2xl">
            <h2 class="mb-1 text-lg font-semibold">"Interests and practice"</h2>
            <p class="mb-5 text-sm text-muted">
                "Shown on your public profile. Practitioners can add what they offer; an admin checks "
                "credentials before the verified badge appears."
                {details.is_verified.then_some(" Your credentials are verified.")}
            </p>
            <ActionForm action=update>
                <div class="space-y-5">
                    <FormError error fields=&["interests", "modalities", "credentials", "booking_url"]/>
                    <FormSuccess message=saved/>
                    <TextField name="interests" label="Interests" value=details.interests
                        hint="Separated by commas, for example: yoga, sleep, plant-based cooking." error=field_error(error, "interests")/>
                    <TextField name="modalities" label="What you practise (practitioners)" value=details.modalities
                        hint="Separated by commas, for example: breathwork, somatic therapy." error=field_error(error, "modalities")/>
                    <TextArea name="credentials" label="Credentials" rows=3 value=details.credentials
                        hint="Training and registrations, up to 500 characters." error=field_error(error, "credentials")/>
                    <TextField name="booking_url" label="Booking link" input_type="url" value=details.booking_url
                        hint="An https:// address where people can book with you." error=field_error(error, "booking_url")/>
                    <SubmitButton pending=update.pending() attr:data-testid="details-submit">"Save details"</SubmitButton>
                </div>
            </ActionForm>
        </Card>
        </div>
    }
}
