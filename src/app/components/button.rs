//! Buttons and button-styled links.

use leptos::prelude::*;

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum ButtonVariant {
    /// The one main action of a view.
    #[default]
    Primary,
    /// Other actions.
    Secondary,
    /// Low-emphasis actions inside text or toolbars.
    Quiet,
}

impl ButtonVariant {
    /// The stylesheet's classes for this variant (`.btn` and friends in style/tailwind.css).
    fn classes(self) -> &'static str {
        match self {
            ButtonVariant::Primary => "btn btn-primary",
            ButtonVariant::Secondary => "btn btn-secondary",
            ButtonVariant::Quiet => "btn btn-quiet",
        }
    }
}

/// The button's classes plus any caller utilities. Utilities live in a later cascade layer
/// than `.btn`, so a caller's `px-8` beats the button's padding without merging strings.
pub fn button_classes(variant: ButtonVariant, extra: &str) -> String {
    if extra.is_empty() {
        variant.classes().to_owned()
    } else {
        format!("{} {extra}", variant.classes())
    }
}

#[component]
pub fn Button(
    #[prop(optional)] variant: ButtonVariant,
    #[prop(optional, into)] class: String,
    #[prop(optional, into)] button_type: Option<&'static str>,
    #[prop(optional, into)] disabled: Signal<bool>,
    #[prop(optional)] on_click: Option<Callback<()>>,
    children: Children,
) -> impl IntoView {
    view! {
        <button
            type=button_type.unwrap_or("button")
            class=button_classes(variant, &class)
            disabled=move || disabled.get()
            on:click=move |_| {
                if let Some(on_click) = on_click {
                    on_click.run(());
                }
            }
        >
            {children()}
        </button>
    }
}

/// A link that looks like a button, for navigation rather than actions.
#[component]
pub fn ButtonLink(
    #[prop(into)] href: String,
    #[prop(optional)] variant: ButtonVariant,
    #[prop(optional, into)] class: String,
    children: Children,
) -> impl IntoView {
    view! { <a href=href class=button_classes(variant, &class)>{children()}</a> }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn caller_classes_come_after_the_button_classes() {
        assert_eq!(button_classes(ButtonVariant::Quiet, ""), "btn btn-quiet");
        assert_eq!(
            button_classes(ButtonVariant::Primary, "px-8"),
            "btn btn-primary px-8"
        );
    }
}
