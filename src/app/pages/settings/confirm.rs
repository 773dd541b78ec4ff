//! "Confirm it's you" (`/settings/confirm?next=...`): the current password or a code from
//! the authenticator app, asked before a new email, two-step sign-in on or off, or unlinking
//! a sign-in, when this device has not proven who it is in the last few minutes. A plain form
//! post comes back to the settings page it was opened from.

use crate::{
    api::account::ConfirmItIsYou,
    app::components::{
        button::ButtonLink,
        form::{FormError, FormSuccess, SubmitButton, action_error, action_output, field_error},
        form_page::FormPage,
        text_field::TextField,
    },
    domain::identity::redirect::after_proof,
};
use leptos::{form::ActionForm, prelude::*};
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

#[component]
pub fn ConfirmItIsYouPage() -> impl IntoView {
    let query = use_query_map();
    let next = Memo::new(move |_| after_proof(&query.read().get("next").unwrap_or_default()));
    let confirm = ServerAction::<ConfirmItIsYou>::new();
    let error = action_error(confirm.value());
    let done = action_output(confirm.value());
    view! {
        <Title text="Confirm it's you"/>
        <FormPage
            title="Confirm it's you"
            intro="Before changing how you sign in, we'd like to be sure it's you and not someone using a device you left signed in."
        >
            <Show
                when=move || done.get().is_none()
                fallback=move || view! {
                    <div class="space-y-5">
                        <FormSuccess message=done/>
                        <ButtonLink href=next.get()>"Back to your settings"</ButtonLink>
                    </div>
                }
            >
                <ActionForm action=confirm>
                    <div class="space-y-5" data-testid="confirm-it-is-you">
                        <FormError error fields=&["password", "code"]/>
                        <input type="hidden" name="next" value=next/>
                        <TextField
                            name="password"
                            label="Your password"
                            input_type="password"
                            autocomplete="current-password"
                            error=field_error(error, "password")
                        />
                        <TextField
                            name="code"
                            label="Or a code from your authenticator app"
                            autocomplete="one-time-code"
                            hint="If you use two-step sign-in: six digits, or one of your recovery codes. Signed in with Google or GitHub and no password? Sign out and in again, then come back within ten minutes."
                            error=field_error(error, "code")
                        />
                        <SubmitButton pending=confirm.pending() class="w-full" attr:data-testid="confirm-submit">
                            "Confirm"
                        </SubmitButton>
                    </div>
                </ActionForm>
            </Show>
        </FormPage>
    }
}
