//! Links about who is signed in: where "Sign in" leads and how it comes back.

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
