//! Choosing a new password from the link in a reset mail (`/reset?token=...`).

use crate::{
    api::auth::ResetPassword,
    app::{
        components::{
            button::ButtonLink,
            form::{FormError, FormSuccess, SubmitButton, account_done, action_error, field_error},
            form_page::{FormPage, TEXT_LINK},
            text_field::TextField,
        },
        pages::signup::PASSWORD_HINT,
    },
    domain::AppError,
};
use leptos::{form::ActionForm, prelude::*};
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

#[component]
pub fn ResetPage() -> impl IntoView {
    let query = use_query_map();
    let token = Memo::new(move |_| query.read().get("token").unwrap_or_default());
    let reset = ServerAction::<ResetPassword>::new();
    let error = action_error(reset.value());
    let done = account_done("/reset");
    let link_used_up = move || matches!(error.get(), Some(AppError::TokenInvalid));
    view! {
        <Title text="Choose a new password"/>
        <FormPage
            title="Choose a new password"
            intro="Pick something you haven't used here before. Once it's saved, every device signs out, so you start fresh."
        >
            <Show
                when=move || done.get().is_none()
                fallback=move || view! {
                    <div class="space-y-5">
                        <FormSuccess message=done/>
                        <ButtonLink href="/login" class="w-full">"Sign in"</ButtonLink>
                    </div>
                }
            >
                <Show when=move || !token.get().is_empty() fallback=|| view! { <MissingToken/> }>
                    <ActionForm action=reset>
                        <div class="space-y-5">
                            <FormError error fields=&["password"]/>
                            <Show when=link_used_up>
                                <p class="text-sm">
                                    <a href="/forgot" class=TEXT_LINK>"Ask for a new reset link"</a>
                                </p>
                            </Show>
                            <input type="hidden" name="token" value=token/>
                            <TextField
                                name="password"
                                label="New password"
                                input_type="password"
                                autocomplete="new-password"
                                hint=PASSWORD_HINT
                                required=true
                                error=field_error(error, "password")
                            />
                            <SubmitButton pending=reset.pending() class="w-full" attr:data-testid="reset-submit">
                                "Save my new password"
                            </SubmitButton>
                        </div>
                    </ActionForm>
                </Show>
            </Show>
        </FormPage>
    }
}

/// Reached without the link's token, perhaps by copying only part of the address.
#[component]
fn MissingToken() -> impl IntoView {
    view! {
        <p class="text-muted">
            "This page needs the whole link from your email. If the link doesn't work any more, "
            <a href="/forgot" class=TEXT_LINK>"ask for a new one"</a>
            "."
        </p>
    }
}
