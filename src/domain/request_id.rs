//! The correlation id that ties a response, its log lines and its error page together.

use serde::{Deserialize, Serialize};
use std::fmt;

/// The longest id we accept from a client; longer ones are replaced, not truncated.
pub const MAX_REQUEST_ID_LEN: usize = 64;

/// A request id: either one the client (or a proxy) sent that is short and made of safe
/// characters, or one we generated. Built only through [`RequestId::parse`] or by the server.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct RequestId(String);

impl RequestId {
    /// Accepts 1–64 characters of `[A-Za-z0-9._-]`. Anything else could smuggle text into
    /// logs or headers, so the caller generates a fresh id instead.
    pub fn parse(candidate: &str) -> Option<Self> {
        let ok = !candidate.is_empty()
            && candidate.len() <= MAX_REQUEST_ID_LEN
            && candidate
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.'));
        ok.then(|| Self(candidate.to_owned()))
    }

    /// A fresh id from 128 random bits, as 32 hex digits (always valid).
    pub fn from_random(bits: u128) -> Self {
        Self(format!("{bits:032x}"))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for RequestId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accepts_short_safe_ids() {
        assert_eq!(
            RequestId::parse("abc-123_X.y").map(|id| id.to_string()),
            Some("abc-123_X.y".to_owned())
        );
    }

    #[test]
    fn refuses_empty_long_or_unsafe_ids() {
        assert!(RequestId::parse("").is_none());
        assert!(RequestId::parse(&"a".repeat(MAX_REQUEST_ID_LEN + 1)).is_none());
        assert!(RequestId::parse(&"a".repeat(MAX_REQUEST_ID_LEN)).is_some());
        for bad in ["a b", "a\nb", "<script>", "é", "a/b", "a\"b"] {
            assert!(RequestId::parse(bad).is_none(), "{bad:?} should be refused");
        }
    }
}
