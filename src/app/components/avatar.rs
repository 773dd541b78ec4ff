//! A member's picture beside their name: their profile picture at the size asked for (with
//! the double size for sharp screens), or, when they have none, their initials on a soft
//! colour chosen from their handle, so a thread stays easy to scan either way. The name is
//! always written beside it, so the picture is decorative (`alt=""`).
//!
//! Feeds render this inside an island (`FeedList`), so it is kept small: the initials come
//! made from the server (`domain::community::initials`: finding letters and upper-casing
//! them needs Unicode's tables, which the browser bundle need not carry), and every class
//! string is a constant. Tests find it by its class (`img.avatar`, `span.avatar`) rather than
//! a test id, which would cost the bundle two more attributes.

use leptos::prelude::*;

/// Soft backgrounds for initials, each with ink that keeps contrast.
const FALLBACK_TONES: [&str; 6] = [
    "bg-sky-100 text-sky-900",
    "bg-emerald-100 text-emerald-900",
    "bg-amber-100 text-amber-900",
    "bg-rose-100 text-rose-900",
    "bg-violet-100 text-violet-900",
    "bg-teal-100 text-teal-900",
];

#[component]
pub fn Avatar(
    /// The picture's address without a size (`/media/avatars/<id>`), if the member has one.
    picture: Option<String>,
    /// Their initials, the fallback (`domain::community::initials`).
    initials: String,
    /// Picks the fallback's colour, the same on every page.
    handle: String,
    /// The displayed side in CSS pixels: 24, 32 or 128.
    #[prop(default = 32)]
    size: u32,
) -> impl IntoView {
    // The kept sizes are 64, 128 and 256 (domain::media::AVATAR_SIZES).
    let (box_class, one, two) = match size {
        0..=24 => ("avatar h-6 w-6 text-xs", 64, 64),
        25..=32 => ("avatar h-8 w-8 text-xs", 64, 64),
        _ => ("avatar h-32 w-32 text-4xl", 128, 256),
    };
    match picture {
        Some(prefix) => view! {
            <img
                src=format!("{prefix}/{one}")
                srcset=format!("{prefix}/{two} 2x")
                width=size
                height=size
                alt=""
                loading="lazy"
                class=box_class
            />
        }
        .into_any(),
        None => {
            let tone = FALLBACK_TONES[handle.len() % FALLBACK_TONES.len()];
            view! {
                <span aria-hidden="true" class=format!("{box_class} {tone}")>
                    {initials}
                </span>
            }
            .into_any()
        }
    }
}
