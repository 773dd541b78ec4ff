//! Member-written Markdown (posts, comments, profile bios) turned into HTML that is safe to
//! insert into any member's page, plus the two things derived from the same text: who it
//! mentions and a plain-text preview.
//!
//! The pipeline is deliberately two-layered. The Markdown stage never lets source HTML through
//! (it is shown as text), drops links with schemes we do not allow and turns images into links;
//! then ammonia sanitises the result with a small explicit allowlist. Either layer alone should
//! be enough; both together mean a parser quirk in one does not become an XSS hole.
//!
//! `mentioned_handles`, `render` and `excerpt` all read the same event stream
//! ([`rewrite::display_events`]), so a mention is notified exactly when it is rendered as one.

mod excerpt;
mod handle_syntax;
mod links;
mod mentions;
mod parse;
mod render;
mod rewrite;
mod sanitize;

#[cfg(test)]
mod xss_tests;

pub use excerpt::excerpt;
pub use mentions::mentioned_handles;
pub use render::render;
