//! Time-based one-time passwords (RFC 6238): the second factor members add from an
//! authenticator app.
//!
//! We use the parameters every authenticator app supports — HMAC-SHA1, 6 digits, 30-second
//! steps — because anything else silently produces wrong codes in some apps. A code is
//! accepted one step either side of now (phones drift), and the caller stores the step that
//! matched so the same code cannot be replayed.

use hmac::{Hmac, Mac};
use rand::Rng as _;
use sha1::Sha1;

type HmacSha1 = Hmac<Sha1>;

/// Length of a TOTP step, in seconds.
pub const STEP_SECS: u64 = 30;
/// Number of digits in a code.
pub const DIGITS: usize = 6;
/// Size of a generated secret: 160 bits, the HMAC-SHA1 output size RFC 4226 recommends.
pub const SECRET_LEN: usize = 20;

const BASE32_ALPHABET: &[u8; 32] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";

/// A fresh random secret for a member's authenticator.
pub fn generate_secret() -> [u8; SECRET_LEN] {
    let mut bytes = [0u8; SECRET_LEN];
    rand::rng().fill(&mut bytes);
    bytes
}

/// Base32 (RFC 4648 alphabet, no padding): the form authenticator apps accept for secrets.
pub fn base32_encode(bytes: &[u8]) -> String {
    let mut out = String::with_capacity(bytes.len().div_ceil(5) * 8);
    let mut buffer: u32 = 0;
    let mut bits: u32 = 0;
    for &byte in bytes {
        buffer = (buffer << 8) | u32::from(byte);
        bits += 8;
        while bits >= 5 {
            bits -= 5;
            out.push(base32_char(buffer >> bits));
        }
    }
    if bits > 0 {
        out.push(base32_char(buffer << (5 - bits)));
    }
    out
}

fn base32_char(index: u32) -> char {
    char::from(BASE32_ALPHABET[(index & 0x1f) as usize])
}

/// Decodes base32 as people type it: any case, spaces anywhere, optional trailing `=` padding.
/// Returns `None` for other characters or a length no encoder could produce.
pub fn base32_decode(s: &str) -> Option<Vec<u8>> {
    let compact: Vec<u8> = s.bytes().filter(|b| !b.is_ascii_whitespace()).collect();
    let end = compact
        .iter()
        .rposition(|&b| b != b'=')
        .map_or(0, |last| last + 1);
    let symbols = &compact[..end];
    // 8 symbols carry 5 bytes; a final group of 1, 3 or 6 symbols is never produced.
    if matches!(symbols.len() % 8, 1 | 3 | 6) {
        return None;
    }

    let mut out = Vec::with_capacity(symbols.len() * 5 / 8);
    let mut buffer: u32 = 0;
    let mut bits: u32 = 0;
    for &symbol in symbols {
        let value = match symbol.to_ascii_uppercase() {
            c @ b'A'..=b'Z' => c - b'A',
            c @ b'2'..=b'7' => c - b'2' + 26,
            _ => return None,
        };
        buffer = (buffer << 5) | u32::from(value);
        bits += 5;
        if bits >= 8 {
            bits -= 8;
            out.push(((buffer >> bits) & 0xff) as u8);
        }
    }
    Some(out)
}

/// The time step containing `unix_secs`. Times before 1970 count as step 0.
pub fn step_at(unix_secs: i64) -> u64 {
    u64::try_from(unix_secs).unwrap_or(0) / STEP_SECS
}

/// The 6-digit code (zero padded) for `secret` at `step` — RFC 4226 HOTP with the step as the
/// counter.
pub fn code_at(secret: &[u8], step: u64) -> String {
    // HMAC accepts keys of any length (RFC 2104 hashes or pads them), so this cannot fail.
    let Ok(mut mac) = HmacSha1::new_from_slice(secret) else {
        unreachable!("HMAC-SHA1 accepts keys of any length")
    };
    mac.update(&step.to_be_bytes());
    let digest: [u8; 20] = mac.finalize().into_bytes().into();

    // Dynamic truncation (RFC 4226 §5.3): the low nibble of the last byte picks 4 bytes.
    let offset = usize::from(digest[19] & 0x0f);
    let word = [
        digest[offset] & 0x7f,
        digest[offset + 1],
        digest[offset + 2],
        digest[offset + 3],
    ];
    let value = u32::from_be_bytes(word) % 1_000_000;
    format!("{value:06}")
}

/// Checks a code typed by the member at `now_unix`.
///
/// Accepts the code for the current step or one step either side, but only for steps strictly
/// after `last_used_step`, so each code works once. Spaces are ignored ("123 456"); anything
/// but six ASCII digits is refused. Returns the matched step, which the caller must store as
/// the new `last_used_step`.
pub fn verify(
    secret: &[u8],
    code: &str,
    now_unix: i64,
    last_used_step: Option<u64>,
) -> Option<u64> {
    let typed: Vec<u8> = code.bytes().filter(|b| !b.is_ascii_whitespace()).collect();
    if typed.len() != DIGITS || !typed.iter().all(u8::is_ascii_digit) {
        return None;
    }

    let now = step_at(now_unix);
    let candidates = [now.checked_sub(1), Some(now), now.checked_add(1)];
    let mut matched = None;
    // Check every candidate without stopping early, so timing says nothing about which
    // step (if any) matched. The latest matching step wins, burning the most codes.
    for step in candidates.into_iter().flatten() {
        if last_used_step.is_some_and(|used| step <= used) {
            continue;
        }
        if constant_time_eq(code_at(secret, step).as_bytes(), &typed) {
            matched = Some(step);
        }
    }
    matched
}

/// Compares two byte strings in time that depends only on their lengths.
fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    if a.len() != b.len() {
        return false;
    }
    let diff = a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y));
    std::hint::black_box(diff) == 0
}

/// The `otpauth://` URI shown as a QR code when a member adds Wellspring to their
/// authenticator app (Key Uri Format, as understood by Google Authenticator and others).
pub fn otpauth_uri(secret: &[u8], account: &str, issuer: &str) -> String {
    let issuer = percent_encode(issuer);
    format!(
        "otpauth://totp/{issuer}:{account}?secret={secret}&issuer={issuer}\
         &algorithm=SHA1&digits={DIGITS}&period={STEP_SECS}",
        account = percent_encode(account),
        secret = base32_encode(secret),
    )
}

/// Percent-encodes everything except RFC 3986 unreserved characters, so `:`, `@`, `&`, `?`,
/// spaces and non-ASCII text in a label or issuer cannot break the URI's structure.
fn percent_encode(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for byte in s.bytes() {
        if byte.is_ascii_alphanumeric() || matches!(byte, b'-' | b'.' | b'_' | b'~') {
            out.push(char::from(byte));
        } else {
            out.push_str(&format!("%{byte:02X}"));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The SHA1 secret from RFC 6238 appendix B.
    const RFC_SECRET: &[u8] = b"12345678901234567890";

    #[test]
    fn codes_match_rfc_6238_sha1_vectors() {
        // (time, 8-digit value from the RFC); our 6-digit code is its last six digits.
        let vectors = [
            (59, "94287082"),
            (1_111_111_109, "07081804"),
            (1_111_111_111, "14050471"),
            (1_234_567_890, "89005924"),
            (2_000_000_000, "69279037"),
        ];
        for (time, eight_digits) in vectors {
            assert_eq!(
                code_at(RFC_SECRET, step_at(time)),
                &eight_digits[2..],
                "time {time}"
            );
        }
    }

    #[test]
    fn codes_are_zero_padded_to_six_digits() {
        // RFC vector 1111111109 → 07081804 → "081804" keeps its leading zero.
        let code = code_at(RFC_SECRET, step_at(1_111_111_109));
        assert_eq!(code, "081804");
        for step in 0..200 {
            let code = code_at(RFC_SECRET, step);
            assert_eq!(code.len(), 6);
            assert!(code.bytes().all(|b| b.is_ascii_digit()));
        }
    }

    #[test]
    fn step_at_divides_by_thirty_and_clamps_negative_times() {
        assert_eq!(step_at(0), 0);
        assert_eq!(step_at(29), 0);
        assert_eq!(step_at(30), 1);
        assert_eq!(step_at(1_111_111_111), 37_037_037);
        assert_eq!(step_at(-5), 0);
    }

    #[test]
    fn current_code_is_accepted_and_returns_its_step() {
        let now = 1_111_111_111;
        assert_eq!(verify(RFC_SECRET, "050471", now, None), Some(step_at(now)));
    }

    #[test]
    fn codes_one_step_either_side_are_accepted() {
        let now = 1_111_111_111;
        let step = step_at(now);
        for neighbour in [step - 1, step + 1] {
            let code = code_at(RFC_SECRET, neighbour);
            assert_eq!(verify(RFC_SECRET, &code, now, None), Some(neighbour));
        }
    }

    #[test]
    fn codes_two_steps_away_are_rejected() {
        let now = 1_111_111_111;
        let step = step_at(now);
        for far in [step - 2, step + 2] {
            let code = code_at(RFC_SECRET, far);
            // Guard against a chance collision with an accepted step making the test vacuous.
            assert!((step - 1..=step + 1).all(|s| code_at(RFC_SECRET, s) != code));
            assert_eq!(verify(RFC_SECRET, &code, now, None), None);
        }
    }

    #[test]
    fn a_code_cannot_be_used_twice() {
        let now = 1_111_111_111;
        let code = code_at(RFC_SECRET, step_at(now));
        let used = verify(RFC_SECRET, &code, now, None);
        assert_eq!(used, Some(step_at(now)));
        assert_eq!(verify(RFC_SECRET, &code, now, used), None);
        // Nor an older code, once a newer one has been used.
        let previous = code_at(RFC_SECRET, step_at(now) - 1);
        assert_eq!(verify(RFC_SECRET, &previous, now, used), None);
        // The next step's code still works.
        let next = code_at(RFC_SECRET, step_at(now) + 1);
        assert_eq!(verify(RFC_SECRET, &next, now, used), Some(step_at(now) + 1));
    }

    #[test]
    fn spaces_in_the_code_are_ignored() {
        let now = 1_111_111_111;
        assert!(verify(RFC_SECRET, " 050 471 ", now, None).is_some());
    }

    #[test]
    fn input_that_is_not_six_digits_is_rejected() {
        let now = 1_111_111_111;
        for bad in [
            "",
            "05047",
            "0504710",
            "05047a",
            "+50471",
            "-50471",
            "٠٥٠٤٧١",
            "050471\0",
        ] {
            assert_eq!(verify(RFC_SECRET, bad, now, None), None, "{bad:?}");
        }
    }

    #[test]
    fn wrong_code_is_rejected() {
        let now = 1_111_111_111;
        assert_eq!(verify(RFC_SECRET, "050472", now, None), None);
    }

    #[test]
    fn base32_matches_rfc_4648_vectors() {
        let vectors = [
            ("", ""),
            ("f", "MY"),
            ("fo", "MZXQ"),
            ("foo", "MZXW6"),
            ("foob", "MZXW6YQ"),
            ("fooba", "MZXW6YTB"),
            ("foobar", "MZXW6YTBOI"),
        ];
        for (plain, encoded) in vectors {
            assert_eq!(base32_encode(plain.as_bytes()), encoded);
            assert_eq!(
                base32_decode(encoded).as_deref(),
                Some(plain.as_bytes()),
                "{encoded}"
            );
        }
    }

    #[test]
    fn base32_decode_accepts_lowercase_spaces_and_padding() {
        assert_eq!(
            base32_decode("mzxw 6ytb oi======").as_deref(),
            Some(&b"foobar"[..])
        );
        assert_eq!(base32_decode("MZXQ====").as_deref(), Some(&b"fo"[..]));
    }

    #[test]
    fn base32_decode_rejects_foreign_characters_and_impossible_lengths() {
        for bad in ["MZXW1", "MZ=XW", "MZXW6YTB!", "M", "MZX", "MZXW6Y"] {
            assert_eq!(base32_decode(bad), None, "{bad:?}");
        }
    }

    #[test]
    fn base32_round_trips_generated_secrets() {
        for _ in 0..50 {
            let secret = generate_secret();
            let encoded = base32_encode(&secret);
            assert_eq!(encoded.len(), 32);
            assert_eq!(base32_decode(&encoded).as_deref(), Some(&secret[..]));
        }
    }

    #[test]
    fn generated_secrets_differ() {
        assert_ne!(generate_secret(), generate_secret());
    }

    #[test]
    fn otpauth_uri_has_encoded_label_and_parameters() {
        let uri = otpauth_uri(b"foobar", "ada lovelace@example.org", "Wellspring & Co");
        assert_eq!(
            uri,
            "otpauth://totp/Wellspring%20%26%20Co:ada%20lovelace%40example.org\
             ?secret=MZXW6YTBOI&issuer=Wellspring%20%26%20Co\
             &algorithm=SHA1&digits=6&period=30"
        );
    }

    #[test]
    fn otpauth_uri_encodes_colons_in_the_account() {
        let uri = otpauth_uri(b"x", "a:b", "Wellspring");
        assert!(uri.starts_with("otpauth://totp/Wellspring:a%3Ab?"));
    }
}
