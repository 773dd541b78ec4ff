//! A labelled multi-line input, the sibling of `TextField`: same hint, inline error and
//! screen-reader wiring. Works inside plain forms without JS.
//!
//! The starting text goes in as escaped inner HTML rather than a text child: a text child
//! renders an empty value as a single space (which would then be submitted) and needs
//! hydration markers that a `<textarea>` cannot hold.

use leptos::prelude::*;
use tailwind_fuse::tw_merge;

const TEXTAREA: &str = "block w-full rounded-xl border border-line bg-surface px-4 py-3 text-ink placeholder:text-muted focus-visible:outline-none focus-visible:ring-2 focus-visible:ring-focus";

#[component]
pub fn TextArea(
    /// The form field name, also used to derive element ids.
    #[prop(into)]
    name: String,
    #[prop(into)] label: String,
    #[prop(optional, into)] value: Option<String>,
    #[prop(optional, into)] hint: Option<String>,
    /// A kind, specific message shown under the field when its value was refused.
    #[prop(optional, into)]
    error: Signal<Option<String>>,
    #[prop(default = 4)] rows: u32,
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
    let classes = move || {
        let invalid = if error.get().is_some() {
            "border-danger-line ring-1 ring-danger-line"
        } else {
            ""
        };
        tw_merge!(TEXTAREA, invalid)
    };
    view! {
        <div class="space-y-1.5">
            <label for=id.clone() class="block text-sm font-medium">{label}</label>
            <textarea
                id=id
                name=name
                rows=rows
                aria-invalid=move || error.get().is_some().then_some("true")
                aria-describedby=described_by
                class=classes
                inner_html=escape_text(&value.unwrap_or_default())
            ></textarea>
            {hint.map(|hint| view! { <p id=hint_id class="text-sm text-muted">{hint}</p> })}
            {move || error.get().map(|message| view! {
                <p id=error_id.clone() class="text-sm font-medium text-danger-ink">{message}</p>
            })}
        </div>
    }
}

/// Escapes text for the inside of a `<textarea>`, whose content the browser reads as text
/// with character references decoded.
pub fn escape_text(text: &str) -> String {
    let mut escaped = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => escaped.push_str("&amp;"),
            '<' => escaped.push_str("&lt;"),
            '>' => escaped.push_str("&gt;"),
            _ => escaped.push(c),
        }
    }
    escaped
}

#[cfg(test)]
mod tests {
    use super::escape_text;

    #[test]
    fn markup_in_a_bio_stays_text() {
        assert_eq!(
            escape_text("</textarea><script>x</script> & more"),
            "&lt;/textarea&gt;&lt;script&gt;x&lt;/script&gt; &amp; more"
        );
    }
}
