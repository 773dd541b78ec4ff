//! A few line icons drawn inline, so they look the same on every device (emoji depend on
//! the fonts a reader happens to have) and cost no request.

use leptos::prelude::*;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum IconName {
    Leaf,
    People,
    Calendar,
    Shield,
    Sprout,
    Bell,
}

impl IconName {
    fn paths(self) -> &'static [&'static str] {
        match self {
            IconName::Leaf => &["M5 19c0-8 5-14 14-14 0 9-6 14-14 14Z", "M5 19c3-4 6-7 10-9"],
            IconName::People => &[
                "M9 11a3 3 0 1 0 0-6 3 3 0 0 0 0 6Z",
                "M3 19c0-3 3-5 6-5s6 2 6 5",
                "M16 11a2.5 2.5 0 1 0 0-5",
                "M17 14c2.5.4 4 2.2 4 5",
            ],
            IconName::Calendar => &["M4 6h16v14H4Z", "M4 10h16", "M8 3v4", "M16 3v4", "M8 14h3"],
            IconName::Shield => &[
                "M12 3 5 6v5c0 4.5 3 8 7 10 4-2 7-5.5 7-10V6Z",
                "m9 12 2 2 4-4",
            ],
            IconName::Sprout => &[
                "M12 21v-9",
                "M12 12c0-4-3-6-7-6 0 4 3 6 7 6Z",
                "M12 10c0-3 2-5 6-5 0 3-2 5-6 5Z",
            ],
            IconName::Bell => &[
                "M6 16V11a6 6 0 1 1 12 0v5l1.5 2h-15Z",
                "M10 20a2 2 0 0 0 4 0",
            ],
        }
    }
}

/// Decorative by default (`aria-hidden`): pair it with visible text.
#[component]
pub fn Icon(name: IconName, #[prop(optional, into)] class: Option<String>) -> impl IntoView {
    view! {
        <svg
            aria-hidden="true"
            viewBox="0 0 24 24"
            class=class.unwrap_or_else(|| "h-6 w-6".to_owned())
            fill="none"
            stroke="currentColor"
            stroke-width="1.8"
            stroke-linecap="round"
            stroke-linejoin="round"
        >
            {name.paths().iter().map(|d| view! { <path d=*d/> }).collect_view()}
        </svg>
    }
}
