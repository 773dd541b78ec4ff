//! Signing in with email and password. On success the server sends the browser on to `next`
//! (or to the second step, for accounts with two-step sign-in), so there is nothing to show.

use crate::{
    api::auth::Login,
    app::components::{
        form::{FormError, SubmitButton, action_error, field_error},
        form_page::{FormPage, TEXT_LINK},
        oauth_buttons::OAuthButtons,
        text_field::TextField,
    },
};
use leptos::{form::ActionForm, prelude::*};
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

/// Where to go after signing in: the `?next=` of this page's address, or home.
pub fn use_next() -> Signal<String> {
    let query = use_query_map();
    Signal::derive(move || {
        query
            .read()
            .get("next")
            .filter(|next| !next.is_empty())
            .unwrap_or_else(|| "/".to_owned())
    })
}

#[component]
pub fn LoginPage() -> impl IntoView {
    let next = use_next();
    let login = ServerAction::<Login>::new();
    let error = action_error(login.value());
    view! {
        <Title text="Sign in"/>
        <FormPage
            title="Welcome back"
            intro="Sign in to join your circles and pick up where you left off."
            footer=Box::new(|| view! {
                <p>
                    "Rather not type a password? "
                    <a href="/magic" class=TEXT_LINK data-testid="magic-link">"Email me a sign-in link"</a>
                </p>
                <p>"New here? " <a href="/signup" class=TEXT_LINK>"Join Wellspring"</a></p>
            }.into_any())
        >
            <OAuthButtons next/>
            <ActionForm action=login>
                <div class="space-y-5">
                    <FormError error fields=&["email", "password"]/>
                    <input type="hidden" name="next" value=next/>
                    <TextField
                        name="email"
                        label="Email"
                        input_type="email"
                        autocomplete="email"
                        required=true
                        error=field_error(error, "email")
                    />
                    <div class="space-y-2">
                        <TextField
                            name="password"
                            label="Password"
                            input_type="password"
                            autocomplete="current-password"
                            required=true
                            error=field_error(error, "password")
                        />
                        <p class="text-sm">
                            <a href="/forgot" class=TEXT_LINK data-testid="forgot-link">"Forgot your password?"</a>
                        </p>
                    </div>
                    <SubmitButton pending=login.pending() class="w-full" attr:data-testid="login-submit">
                        "Sign in"
                    </SubmitButton>
                </div>
            </ActionForm>
        </FormPage>
    }
}
