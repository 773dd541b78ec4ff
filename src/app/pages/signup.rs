//! Joining Wellspring: email, password, handle and display name. The account waits for its
//! email to be confirmed.

use crate::{
    api::auth::Register,
    app::{
        components::{
            alert::{Alert, AlertTone},
            form::{FormError, SubmitButton, account_done, action_error, field_error},
            form_page::{FormPage, TEXT_LINK},
            oauth_buttons::OAuthButtons,
            text_field::TextField,
        },
        pages::login::use_next,
    },
};
use leptos::{form::ActionForm, prelude::*};
use leptos_meta::Title;

pub const PASSWORD_HINT: &str = "8 to 128 characters; long phrases are great.";

#[component]
pub fn SignupPage() -> impl IntoView {
    let register = ServerAction::<Register>::new();
    let error = action_error(register.value());
    let welcome = account_done("/signup");
    view! {
        <Title text="Join"/>
        <FormPage
            title="Join Wellspring"
            intro="A calm, private place to look after your whole self, with people who care. It takes a minute."
            footer=Box::new(|| view! {
                <p>"Already a member? " <a href="/login" class=TEXT_LINK>"Sign in"</a></p>
            }.into_any())
        >
            <Show
                when=move || welcome.get().is_none()
                fallback=move || view! {
                    <div data-testid="signup-done">
                        <Alert tone=AlertTone::Success title="Almost there">
                            {move || welcome.get().unwrap_or_default()}
                        </Alert>
                    </div>
                }
            >
                <OAuthButtons next=use_next()/>
                <ActionForm action=register>
                    <div class="space-y-5">
                        <FormError error fields=&["email", "password", "handle", "display_name"]/>
                        <TextField
                            name="email"
                            label="Email"
                            input_type="email"
                            autocomplete="email"
                            required=true
                            error=field_error(error, "email")
                        />
                        <TextField
                            name="password"
                            label="Password"
                            input_type="password"
                            autocomplete="new-password"
                            hint=PASSWORD_HINT
                            required=true
                            error=field_error(error, "password")
                        />
                        <TextField
                            name="handle"
                            label="Handle"
                            autocomplete="username"
                            hint="How others @mention you: 3 to 30 letters, digits or underscores."
                            required=true
                            error=field_error(error, "handle")
                        />
                        <TextField
                            name="display_name"
                            label="Display name"
                            autocomplete="nickname"
                            hint="The name people see beside what you share. You can change it later."
                            required=true
                            error=field_error(error, "display_name")
                        />
                        <SubmitButton pending=register.pending() class="w-full" attr:data-testid="signup-submit">
                            "Create my account"
                        </SubmitButton>
                    </div>
                </ActionForm>
            </Show>
        </FormPage>
    }
}
