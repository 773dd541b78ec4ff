//! "3 reading now" beside a post's replies, with JavaScript: how many pages have the post
//! open right now, on every instance (the reader's own included). Shown from two readers
//! up; a number, never who.

use leptos::prelude::*;

#[island]
pub fn ReadingNow(channel: String) -> impl IntoView {
    let readers = RwSignal::new(0_i64);
    crate::app::live::follow(channel, move |frame| {
        if frame.frame == "presence" {
            readers.set(frame.count);
        }
    });
    view! {
        <span class="text-sm text-muted" data-testid="reading-now" data-count=move || readers.get().to_string()>
            {move || (readers.get() >= 2).then(|| format!("{} reading now", readers.get()))}
        </span>
    }
}
