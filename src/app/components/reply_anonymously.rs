//! The "Reply anonymously" choice under a reply in a support circle: a plain checkbox, so it
//! travels with the form with or without JavaScript (absent from the form when unticked).

use leptos::prelude::*;

#[component]
pub fn ReplyAnonymously(
    /// Unique on the page: the top reply form and every comment's reply form carry one.
    #[prop(into)]
    id: String,
    /// Ticked at first: on the viewer's own anonymous post, answering under their own name
    /// would unmask it.
    checked: bool,
) -> impl IntoView {
    view! {
        <div class="flex items-start gap-3">
            <input id=id.clone() type="checkbox" name="anonymous" value="true" checked=checked
                class="mt-1 h-4 w-4" data-testid="reply-anonymously"/>
            <label for=id class="text-sm">
                <span class="font-medium">"Reply anonymously"</span>
                <span class="block text-muted">"Members see “Anonymous member”. Only this circle's moderators can see it was you."</span>
            </label>
        </div>
    }
}
