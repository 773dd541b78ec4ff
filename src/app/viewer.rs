//! Who is signed in, as the header shows it. Signing in or out happens without a page load
//! once the app has hydrated, so forms that change it tell the header to ask again.

use crate::domain::AppError;
use leptos::prelude::*;

/// Counts changes to who is signed in; the header's viewer resource is keyed on it.
#[derive(Clone, Copy, Debug)]
pub struct ViewerEpoch(RwSignal<u32>);

/// Called once, by the app, above the router.
pub fn provide_viewer_epoch() {
    provide_context(ViewerEpoch(RwSignal::new(0)));
}

/// The current count, tracked: a resource keyed on it refetches when it moves.
pub fn viewer_epoch() -> u32 {
    use_context::<ViewerEpoch>().map_or(0, |epoch| epoch.0.get())
}

/// After each successful run of an action (signing in or out, renaming oneself), asks the
/// header to look again at who is signed in. Runs in the browser only; without JavaScript
/// every form post is a page load anyway.
pub fn refresh_viewer_after<T>(result: MappedSignal<Option<Result<T, AppError>>>)
where
    T: Send + Sync + 'static,
{
    let epoch = use_context::<ViewerEpoch>();
    Effect::new(move |_| {
        let succeeded = result.with(|result| matches!(result, Some(Ok(_))));
        if let (true, Some(epoch)) = (succeeded, epoch) {
            epoch.0.update(|n| *n = n.wrapping_add(1));
        }
    });
}

/// `/login`, coming back to `next` afterwards (the server only follows local paths).
pub fn login_href(next: &str) -> String {
    if next.is_empty() || next == "/" {
        "/login".to_owned()
    } else {
        format!("/login?next={}", encode_query_value(next))
    }
}

/// Percent-encodes a value for a query string, leaving only unreserved characters and `/`.
pub fn encode_query_value(value: &str) -> String {
    let mut encoded = String::with_capacity(value.len());
    for byte in value.bytes() {
        if byte.is_ascii_alphanumeric() || b"/-_.~".contains(&byte) {
            encoded.push(char::from(byte));
        } else {
            encoded.push_str(&format!("%{byte:02X}"));
        }
    }
    encoded
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn login_link_carries_where_to_return() {
        assert_eq!(login_href("/"), "/login");
        assert_eq!(login_href(""), "/login");
        assert_eq!(
            login_href("/settings/profile"),
            "/login?next=/settings/profile"
        );
        assert_eq!(
            login_href("/circles?sort=new&page=2"),
            "/login?next=/circles%3Fsort%3Dnew%26page%3D2"
        );
    }

    #[test]
    fn query_values_encode_utf8_bytes() {
        assert_eq!(encode_query_value("é #"), "%C3%A9%20%23");
    }
}
