//! Asking for a password-reset link. The answer is the same whether or not the address has
//! an account, so the form cannot be used to find out who is a member.

use crate::{
    api::auth::ForgotPassword,
    app::components::{
        form::{FormError, FormSuccess, SubmitButton, account_done, action_error, field_error},
        form_page::{FormPage, TEXT_LINK},
        text_field::TextField,
    },
};
use leptos::{form::ActionForm, prelude::*};
use leptos_meta::Title;

#[component]
pub fn ForgotPage() -> impl IntoView {
    let forgot = ServerAction::<ForgotPassword>::new();
    let error = action_error(forgot.value());
    let sent = account_done("/forgot");
    view! {
        <Title text="Forgot your password"/>
        <FormPage
            title="Forgot your password?"
            intro="It happens to everyone. Enter the email you signed up with and we'll send a link to choose a new one."
            footer=Box::new(|| view! {
                <p>"Remembered it? " <a href="/login" class=TEXT_LINK>"Back to sign in"</a></p>
            }.into_any())
        >
            <Show
                when=move || sent.get().is_none()
                fallback=move || view! { <FormSuccess message=sent/> }
            >
                <ActionForm action=forgot>
                    <div class="space-y-5">
                        <FormError error fields=&["email"]/>
                        <TextField
                            name="email"
                            label="Email"
                            input_type="email"
                            autocomplete="email"
                            required=true
                            error=field_error(error, "email")
                        />
                        <SubmitButton pending=forgot.pending() class="w-full" attr:data-testid="forgot-submit">
                            "Send me a reset link"
                        </SubmitButton>
                    </div>
                </ActionForm>
            </Show>
        </FormPage>
    }
}
