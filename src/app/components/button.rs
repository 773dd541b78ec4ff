//! Buttons and button-styled links.

use leptos::prelude::*;
use tailwind_fuse::tw_merge;

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

const BASE: &str = "inline-flex min-h-11 items-center justify-center gap-2 rounded-full px-5 py-2 text-sm font-semibold transition-colors focus-visible:outline-none focus-visible:ring-2 focus-visible:ring-focus focus-visible:ring-offset-2 focus-visible:ring-offset-canvas disabled:cursor-not-allowed disabled:opacity-60";

impl ButtonVariant {
    fn classes(self) -> &'static str {
        match self {
            ButtonVariant::Primary => "bg-accent text-on-accent hover:bg-accent-strong",
            ButtonVariant::Secondary => {
                "border border-line bg-surface text-ink hover:bg-surface-raised"
            }
            ButtonVariant::Quiet => "px-3 text-accent-ink hover:bg-surface-raised",
        }
    }
}

/// Merges the base, the variant and any caller classes, later ones winning conflicts.
pub fn button_classes(variant: ButtonVariant, extra: &str) -> String {
    tw_merge!(BASE, variant.classes(), extra)
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
    fn caller_classes_override_conflicting_base_classes() {
        let classes = button_classes(ButtonVariant::Primary, "px-8");
        assert!(classes.contains("px-8"));
        assert!(!classes.split_whitespace().any(|c| c == "px-5"));
    }
}
