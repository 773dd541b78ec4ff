//! The two session cookies. `__Host-` pins them to this exact origin over TLS with
//! `Path=/` and no `Domain`, so a sibling subdomain cannot set or read them; development on
//! plain http drops `Secure` and with it the prefix (production refuses to start that way).

use http::{HeaderMap, HeaderValue, header};

pub const ACCESS: &str = "ws_access";
pub const REFRESH: &str = "ws_refresh";
/// A random value the browser that signed up (or asked for a confirmation mail again)
/// holds; the confirmation link is bound to its hash. See `proof_of_address`.
pub const CONFIRM: &str = "ws_confirm";

/// Names and attributes for this deployment.
#[derive(Clone, Copy, Debug)]
pub struct CookiePolicy {
    pub secure: bool,
}

impl CookiePolicy {
    pub fn name(self, base: &str) -> String {
        if self.secure {
            format!("__Host-{base}")
        } else {
            base.to_owned()
        }
    }

    /// `Set-Cookie` for a value living `max_age_secs`.
    pub fn set(self, base: &str, value: &str, max_age_secs: i64) -> HeaderValue {
        let secure = if self.secure { "; Secure" } else { "" };
        let cookie = format!(
            "{}={value}; Path=/; HttpOnly; SameSite=Lax; Max-Age={max_age_secs}{secure}",
            self.name(base)
        );
        // Values are base64url tokens and JWTs: always valid header bytes.
        HeaderValue::from_str(&cookie).unwrap_or_else(|_| HeaderValue::from_static(""))
    }

    /// `Set-Cookie` that deletes the cookie.
    pub fn clear(self, base: &str) -> HeaderValue {
        self.set(base, "", 0)
    }

    /// The value of cookie `base` in the request, if present.
    pub fn read(self, headers: &HeaderMap, base: &str) -> Option<String> {
        let name = self.name(base);
        headers
            .get_all(header::COOKIE)
            .iter()
            .filter_map(|value| value.to_str().ok())
            .flat_map(|value| value.split(';'))
            .filter_map(|pair| pair.trim().split_once('='))
            .find(|(key, _)| *key == name)
            .map(|(_, value)| value.trim_matches('"').to_owned())
            .filter(|value| !value.is_empty())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn secure_cookies_carry_the_host_prefix_and_every_attribute() {
        let policy = CookiePolicy { secure: true };
        let cookie = policy.set(ACCESS, "abc", 900);
        assert_eq!(
            cookie.to_str().unwrap(),
            "__Host-ws_access=abc; Path=/; HttpOnly; SameSite=Lax; Max-Age=900; Secure"
        );
    }

    #[test]
    fn development_cookies_drop_secure_and_the_prefix() {
        let cookie = CookiePolicy { secure: false }.set(REFRESH, "r", 10);
        assert_eq!(
            cookie.to_str().unwrap(),
            "ws_refresh=r; Path=/; HttpOnly; SameSite=Lax; Max-Age=10"
        );
    }

    #[test]
    fn reading_finds_only_the_exact_name() {
        let policy = CookiePolicy { secure: true };
        let mut headers = HeaderMap::new();
        headers.insert(
            header::COOKIE,
            HeaderValue::from_static("ws_access=plain; __Host-ws_access=right; other=1"),
        );
        assert_eq!(policy.read(&headers, ACCESS).as_deref(), Some("right"));
        assert_eq!(policy.read(&headers, REFRESH), None);
        // Without the prefix a cookie set by a sibling subdomain would be read; it is not.
        let mut only_plain = HeaderMap::new();
        only_plain.insert(header::COOKIE, HeaderValue::from_static("ws_access=evil"));
        assert_eq!(policy.read(&only_plain, ACCESS), None);
    }
}
