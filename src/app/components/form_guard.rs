//! One small island for every plain form on the page. Forms post to the server as they
//! would without JavaScript (the server answers with the next page, or with this page and
//! the error in its address), and this adds two things a person expects:
//!
//! - **Sent once.** A second submit of a form already on its way is ignored, and the form
//!   says it is busy (`aria-busy`); a double click or an impatient Enter creates one reply,
//!   not two. The button is not disabled: a disabled submitter drops its own `name=value`,
//!   which the reaction buttons carry.
//! - **Nothing typed is lost.** What was typed into a form's text fields (never passwords
//!   one-time codes or hidden fields) is kept in this tab's session storage while the post is on its way;
//!   when the server sends the page back with an error, the fields are filled again, and
//!   the copy is dropped on any other page load.
//!
//! Forms that islands send themselves (`ActionForm` in an island) stop the browser's own
//! submission, and are left to their island.

use leptos::prelude::*;

/// Placed once, at the end of the page.
#[island]
pub fn FormGuard() -> impl IntoView {
    #[cfg(feature = "hydrate")]
    browser::guard_forms();
}

/// Field types whose text is kept for a refused form; passwords and codes are not.
#[cfg_attr(not(feature = "hydrate"), allow(dead_code))]
fn keeps_text(input_type: &str) -> bool {
    matches!(input_type, "text" | "email" | "search" | "url" | "")
}

#[cfg(feature = "hydrate")]
mod browser {
    use super::keeps_text;
    use leptos::{
        ev,
        prelude::*,
        wasm_bindgen::JsCast,
        web_sys::{Element, HtmlFormElement, HtmlInputElement, HtmlTextAreaElement, Storage},
    };

    const SENDING: &str = "data-sending";
    const KEPT: &str = "wellspring:kept-form";

    pub fn guard_forms() {
        restore_refused_form();
        let submit = window_event_listener(ev::submit, |event| {
            let Some(form) = event
                .target()
                .and_then(|target| target.dyn_into::<HtmlFormElement>().ok())
            else {
                return;
            };
            if event.default_prevented() {
                return; // an island sends this one itself
            }
            if form.has_attribute(SENDING) {
                event.prevent_default();
                return;
            }
            let _ = form.set_attribute(SENDING, "");
            let _ = form.set_attribute("aria-busy", "true");
            if form.method().eq_ignore_ascii_case("post") {
                keep_typed_text(&form);
            }
        });
        // Back to a page from the browser's cache: its forms are not on their way any more.
        let shown = window_event_listener(ev::pageshow, |_| {
            if let Ok(sending) = document().query_selector_all(&format!("form[{SENDING}]")) {
                for index in 0..sending.length() {
                    if let Some(form) = sending
                        .get(index)
                        .and_then(|n| n.dyn_into::<Element>().ok())
                    {
                        let _ = form.remove_attribute(SENDING);
                        let _ = form.remove_attribute("aria-busy");
                    }
                }
            }
        });
        on_cleanup(move || {
            submit.remove();
            shown.remove();
        });
    }

    fn storage() -> Option<Storage> {
        window().session_storage().ok().flatten()
    }

    /// The form's address, the page's path and its text fields, as one line of JSON-free
    /// text: fields separated by NUL, name and value by SOH (neither can be typed).
    fn keep_typed_text(form: &HtmlFormElement) {
        let Some(storage) = storage() else { return };
        let mut kept = vec![
            form.get_attribute("action").unwrap_or_default(),
            window().location().pathname().unwrap_or_default(),
        ];
        for (name, value) in text_fields(form)
            .into_iter()
            .filter_map(|field| field.read())
        {
            kept.push(format!("{name}\u{1}{value}"));
        }
        let _ = storage.set_item(KEPT, &kept.join("\u{0}"));
    }

    /// After a refused post the server sends this page back with `__err` in its address:
    /// the form that was sent gets its text back. Any other page load drops the copy.
    fn restore_refused_form() {
        let Some(storage) = storage() else { return };
        let Ok(Some(kept)) = storage.get_item(KEPT) else {
            return;
        };
        let _ = storage.remove_item(KEPT);
        let refused = window()
            .location()
            .search()
            .is_ok_and(|search| search.contains("__err="));
        if !refused {
            return;
        }
        let mut parts = kept.split('\u{0}');
        let (Some(action), Some(path)) = (parts.next(), parts.next()) else {
            return;
        };
        if window().location().pathname().ok().as_deref() != Some(path) {
            return;
        }
        let Ok(forms) = document().query_selector_all("form") else {
            return;
        };
        let Some(form) = (0..forms.length())
            .filter_map(|i| {
                forms
                    .get(i)
                    .and_then(|n| n.dyn_into::<HtmlFormElement>().ok())
            })
            .find(|form| form.get_attribute("action").as_deref() == Some(action))
        else {
            return;
        };
        let fields = text_fields(&form);
        for pair in parts {
            let Some((name, value)) = pair.split_once('\u{1}') else {
                continue;
            };
            if let Some(field) = fields.iter().find(|field| field.name() == name) {
                field.fill(value);
            }
        }
    }

    enum TextField {
        Input(HtmlInputElement),
        Area(HtmlTextAreaElement),
    }

    impl TextField {
        fn name(&self) -> String {
            match self {
                TextField::Input(input) => input.name(),
                TextField::Area(area) => area.name(),
            }
        }

        fn read(&self) -> Option<(String, String)> {
            let value = match self {
                TextField::Input(input) => input.value(),
                TextField::Area(area) => area.value(),
            };
            (!value.is_empty()).then(|| (self.name(), value))
        }

        /// Fills an empty field only: what the server rendered into it wins.
        fn fill(&self, value: &str) {
            match self {
                TextField::Input(input) if input.value().is_empty() => input.set_value(value),
                TextField::Area(area) if area.value().is_empty() => area.set_value(value),
                _ => {}
            }
        }
    }

    fn text_fields(form: &HtmlFormElement) -> Vec<TextField> {
        let Ok(nodes) = form.query_selector_all("input[name], textarea[name]") else {
            return Vec::new();
        };
        (0..nodes.length())
            .filter_map(|i| nodes.get(i))
            .filter_map(|node| {
                if let Some(input) = node.dyn_ref::<HtmlInputElement>() {
                    let one_time_code = input.autocomplete() == "one-time-code";
                    (keeps_text(&input.type_()) && !one_time_code)
                        .then(|| TextField::Input(input.clone()))
                } else {
                    node.dyn_into::<HtmlTextAreaElement>()
                        .ok()
                        .map(TextField::Area)
                }
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::keeps_text;

    #[test]
    fn passwords_codes_and_hidden_fields_are_never_kept() {
        assert!(keeps_text("text"));
        assert!(keeps_text("email"));
        for kind in ["password", "hidden", "checkbox", "number", "tel"] {
            assert!(!keeps_text(kind), "{kind}");
        }
    }
}
