//! `/circles/new`: admins open a new circle.

use crate::{
    api::circles::CreateCircle,
    app::components::{
        card::Card,
        form::{FormError, SubmitButton, action_error, field_error},
        text_area::TextArea,
        text_field::TextField,
    },
};
use leptos::{form::ActionForm, prelude::*};
use leptos_meta::Title;

#[component]
pub fn NewCirclePage() -> impl IntoView {
    let create = ServerAction::<CreateCircle>::new();
    let error = action_error(create.value());
    view! {
        <Title text="New circle"/>
        <h1 class="mb-2 text-3xl font-semibold tracking-tight">"New circle"</h1>
        <p class="mb-6 text-muted">"Circles are opened by admins. You'll be its first moderator."</p>
        <Card class="max-w-2xl">
            <ActionForm action=create>
                <div class="space-y-5">
                    <FormError error fields=&["slug", "name", "description", "visibility"]/>
                    <TextField name="name" label="Name" required=true error=field_error(error, "name")/>
                    <TextField name="slug" label="Address" hint="Lower-case letters, digits and hyphens: /c/your-address." required=true error=field_error(error, "slug")/>
                    <TextArea name="description" label="Who it's for" rows=3 error=field_error(error, "description")/>
                    <fieldset class="space-y-2">
                        <legend class="text-sm font-medium">"Who can read it"</legend>
                        <label class="flex items-center gap-2"><input type="radio" name="visibility" value="public" checked/>"Everyone"</label>
                        <label class="flex items-center gap-2"><input type="radio" name="visibility" value="members"/>"Signed-in members"</label>
                        <label class="flex items-center gap-2"><input type="radio" name="visibility" value="private"/>"Only its members (join by approval)"</label>
                    </fieldset>
                    <label class="flex items-start gap-2">
                        <input type="checkbox" name="is_support" value="true" class="mt-1"/>
                        <span>"Support circle" <span class="block text-sm text-muted">"Anonymous posts allowed; hidden from search engines."</span></span>
                    </label>
                    <SubmitButton pending=create.pending()>"Open circle"</SubmitButton>
                </div>
            </ActionForm>
        </Card>
    }
}
