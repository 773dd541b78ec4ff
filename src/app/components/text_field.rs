//! A labelled text input with an optional hint and an inline error, wired for screen
//! readers (`aria-describedby`, `aria-invalid`). Works inside plain forms without JS.

use leptos::prelude::*;
use tailwind_fuse::tw_merge;

const INPUT: &str = "block w-full min-h-11 rounded-xl border border-line bg-surface px-4 py-2 text-ink placeholder:text-muted focus-visible:outline-none focus-visible:ring-2 focus-visible:ring-focus";

#[component]
pub fn TextField(
    /// The form field name, also used to derive element ids.
    #[prop(into)]
    name: String,
    #[prop(into)] label: String,
    #[prop(optional, into)] input_type: Option<&'static str>,
    #[prop(optional, into)] value: Option<String>,
    #[prop(optional, into)] hint: Option<String>,
    /// A kind, specific message shown under the field when its value was refused.
    #[prop(optional, into)]
    error: Signal<Option<String>>,
    #[prop(optional, into)] autocomplete: Option<&'static str>,
    /// The on-screen keyboard to offer, such as `numeric` for one-time codes.
    #[prop(optional, into)]
    inputmode: Option<&'static str>,
    #[prop(optional)] required: bool,
) -> impl IntoView {
    let id = format!("field-{name}");
    let hint_id = format!("{id}-hint");
    let error_id = format!("{id}-error");
    let described_by = {
        let (hint_id, error_id, has_hint) = (hint_id.clone(), error_id.clone(), hint.is_some());
        move || {
            let mut ids = Vec::new();
            if has_hint {
                ids.push(hint_id.clone());
            }
            if error.get().is_some() {
                ids.push(error_id.clone());
            }
            (!ids.is_empty()).then(|| ids.join(" "))
        }
    };
    let input_classes = move || {
        let invalid = if error.get().is_some() {
            "border-danger-line ring-1 ring-danger-line"
        } else {
            ""
        };
        tw_merge!(INPUT, invalid)
    };
    view! {
        <div class="space-y-1.5">
            <label for=id.clone() class="block text-sm font-medium">{label}</label>
            <input
                id=id
                name=name
                type=input_type.unwrap_or("text")
                value=value
                autocomplete=autocomplete
                inputmode=inputmode
                required=required
                aria-invalid=move || error.get().is_some().then_some("true")
                aria-describedby=described_by
                class=input_classes
            />
            {hint.map(|hint| view! { <p id=hint_id class="text-sm text-muted">{hint}</p> })}
            {move || error.get().map(|message| view! {
                <p id=error_id.clone() class="text-sm font-medium text-danger-ink">{message}</p>
            })}
        </div>
    }
}
