//! Messages that need a person's attention.

use leptos::prelude::*;

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum AlertTone {
    #[default]
    Info,
    Success,
    Warning,
    Danger,
}

impl AlertTone {
    fn classes(self) -> &'static str {
        match self {
            AlertTone::Info => "border-info-line bg-info-soft text-info-ink",
            AlertTone::Success => "border-success-line bg-success-soft text-success-ink",
            AlertTone::Warning => "border-warning-line bg-warning-soft text-warning-ink",
            AlertTone::Danger => "border-danger-line bg-danger-soft text-danger-ink",
        }
    }
}

/// Errors are announced to screen readers at once (`role="alert"`); the rest politely.
#[component]
pub fn Alert(
    #[prop(optional)] tone: AlertTone,
    #[prop(optional, into)] title: Option<String>,
    children: Children,
) -> impl IntoView {
    let role = if tone == AlertTone::Danger {
        "alert"
    } else {
        "status"
    };
    view! {
        <div role=role class=format!("rounded-xl border px-4 py-3 text-sm {}", tone.classes())>
            {title.map(|t| view! { <p class="font-semibold">{t}</p> })}
            <div>{children()}</div>
        </div>
    }
}
