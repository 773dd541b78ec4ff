//! The confirmation a settings section shows: the action's own message when the form was
//! sent with JavaScript, or, after a plain form post's redirect, the message for the
//! address's `?done=` flag. Only known flags show anything, and only our own words.

use crate::domain::SettingsNotice;
use leptos::prelude::*;
use leptos_router::hooks::use_query_map;

/// The page's `?done=` flag, if it is one we know. A refused post that came back to the
/// same address (its error rides in `__err`) is not a success, whatever the flag says.
pub fn use_settings_notice() -> Memo<Option<SettingsNotice>> {
    let query = use_query_map();
    Memo::new(move |_| {
        query.with(|query| {
            if query.get_str("__err").is_some() {
                return None;
            }
            query
                .get_str(SettingsNotice::QUERY_KEY)
                .and_then(SettingsNotice::parse)
        })
    })
}

/// What a section's success banner says: its action's message, else the page's notice when
/// it is this section's.
pub fn confirmation(
    done: Signal<Option<String>>,
    notice: Memo<Option<SettingsNotice>>,
    this: SettingsNotice,
) -> Signal<Option<String>> {
    Signal::derive(move || {
        done.get()
            .or_else(|| (notice.get() == Some(this)).then(|| this.message().to_owned()))
    })
}
