//! A member's picture beside their name: their profile picture at the size asked for (with
//! the double size for sharp screens), or, when they have none, their initials on a soft
//! colour chosen from their handle, so a thread stays easy to scan either way. The name is
//! always written beside it, so the picture is decorative (`alt=""`).

use leptos::prelude::*;

/// Soft backgrounds for initials, each with ink that keeps contrast in both themes.
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
    /// Whose picture: their initials are the fallback.
    #[prop(into)]
    name: String,
    /// Picks the fallback's colour, the same on every page.
    #[prop(into)]
    handle: String,
    /// The displayed side in CSS pixels: 24, 32, 40 or 128.
    #[prop(default = 32)]
    size: u32,
) -> impl IntoView {
    let side = format!("{size}px");
    let class = format!(
        "inline-block shrink-0 rounded-full object-cover align-middle {}",
        match size {
            0..=24 => "h-6 w-6",
            25..=32 => "h-8 w-8",
            33..=40 => "h-10 w-10",
            _ => "h-32 w-32",
        }
    );
    match picture {
        Some(prefix) => {
            // The kept sizes are 64, 128 and 256 (domain::media::AVATAR_SIZES).
            let (one, two) = match size {
                0..=32 => (64, 64),
                33..=64 => (64, 128),
                _ => (128, 256),
            };
            view! {
                <img
                    src=format!("{prefix}/{one}")
                    srcset=format!("{prefix}/{one} 1x, {prefix}/{two} 2x")
                    width=size.to_string()
                    height=size.to_string()
                    alt=""
                    loading="lazy"
                    decoding="async"
                    class=class
                    data-testid="avatar"
                />
            }
            .into_any()
        }
        None => {
            let tone = FALLBACK_TONES
                [handle.bytes().map(usize::from).sum::<usize>() % FALLBACK_TONES.len()];
            let text = match size {
                0..=32 => "text-xs",
                33..=64 => "text-sm",
                _ => "text-4xl",
            };
            view! {
                <span
                    aria-hidden="true"
                    class=format!("{class} {tone} {text} inline-flex items-center justify-center font-semibold select-none")
                    style=format!("width:{side};height:{side}")
                    data-testid="avatar-initials"
                >
                    {initials(&name)}
                </span>
            }
            .into_any()
        }
    }
}

/// The first letters of the first two words: "Ana María López" → "AM".
pub fn initials(name: &str) -> String {
    let letters: String = name
        .split_whitespace()
        .filter_map(|word| word.chars().find(|c| c.is_alphanumeric()))
        .take(2)
        .flat_map(char::to_uppercase)
        .collect();
    if letters.is_empty() {
        "?".to_owned()
    } else {
        letters
    }
}

#[cfg(test)]
mod tests {
    use super::initials;

    #[test]
    fn initials_take_the_first_two_words() {
        assert_eq!(initials("Ana María López"), "AM");
        assert_eq!(initials("ñandú"), "Ñ");
        assert_eq!(initials("  (Sam) Lee "), "SL");
        assert_eq!(initials("🙂"), "?");
    }
}
