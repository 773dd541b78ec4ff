//! Short-lived access tokens: HS256 JSON Web Tokens, signed and checked here.
//!
//! The format is small enough to write by hand, and doing so keeps the dangerous choices in
//! view: only `HS256` is ever accepted (no `none`, no algorithm picked by the token), the
//! signature is checked in constant time before a single byte of the payload is trusted, and
//! tokens are size-limited before any decoding happens. The issuer, audience and clock are
//! passed in by the caller so tests can build their own.

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use hmac::{Hmac, Mac};
use serde::{Deserialize, Serialize};
use sha2::Sha256;

type HmacSha256 = Hmac<Sha256>;

/// Tokens longer than this are refused before decoding, so a hostile header cannot make the
/// server decode and parse megabytes of JSON.
pub const MAX_TOKEN_LEN: usize = 4096;

/// How far a token's `iat` may lie in the future: tolerates small clock differences between
/// servers, while refusing tokens minted for later use.
pub const CLOCK_SKEW_SECS: i64 = 60;

/// The only header we ever produce. Fixed bytes, so signing needs no serialisation step.
const HEADER_JSON: &str = r#"{"alg":"HS256","typ":"JWT"}"#;

/// What an access token says about its bearer.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, Eq)]
pub struct AccessClaims {
    /// The user's id (a UUID).
    pub sub: String,
    /// Database role the token grants; always `"authenticated"`.
    pub role: String,
    /// Authenticator assurance level: `"aal1"` (password) or `"aal2"` (second factor done).
    pub aal: String,
    /// Methods used to sign in, e.g. `["password"]` or `["password", "totp"]`.
    pub amr: Vec<String>,
    /// The server-side session this token belongs to (a UUID), so it can be revoked.
    pub session_id: String,
    pub iss: String,
    pub aud: String,
    /// Issued at, in Unix seconds.
    pub iat: i64,
    /// Expires at, in Unix seconds; the token is valid while `exp > now`.
    pub exp: i64,
    /// Role in the product: `"member"`, `"moderator"` or `"admin"`.
    pub app_role: String,
    /// The member's handle and display name, so the header of a signed-in page needs no
    /// database read. Written whenever a token is issued (sign-in, refresh, profile update);
    /// absent from tokens issued before they were added, which then read the database.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub handle: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub display_name: Option<String>,
    /// Their profile picture's id, for the header's picture (migration 0034).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub avatar: Option<String>,
    /// The sanction the member is told about on every page (migration 0025), read when the
    /// token is issued; a change is announced so the next request asks for a fresh token.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub standing: Option<crate::domain::sanction::Standing>,
}

/// Why a token was refused.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum JwtError {
    /// Not three base64url segments of JSON in the expected shape, or too long.
    #[error("access token is malformed")]
    Malformed,
    /// The header names any algorithm other than exactly `HS256`.
    #[error("access token uses an algorithm other than HS256")]
    WrongAlgorithm,
    /// The signature does not match the header and payload under our key.
    #[error("access token signature is invalid")]
    BadSignature,
    #[error("access token has the wrong issuer or audience")]
    WrongIssuerOrAudience,
    /// Genuine but expired. Carries the claims so a caller can find the session to refresh.
    #[error("access token has expired")]
    Expired(Box<AccessClaims>),
    /// `iat` lies further in the future than the allowed clock skew.
    #[error("access token was issued in the future")]
    IssuedInFuture,
}

#[derive(Deserialize)]
struct Header {
    alg: Option<String>,
}

/// The HMAC key that signs and verifies access tokens.
#[derive(Clone)]
pub struct JwtKey {
    /// Keyed once; each use clones it, which is cheaper than re-deriving the HMAC pads.
    mac: HmacSha256,
}

impl std::fmt::Debug for JwtKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("JwtKey(..)")
    }
}

impl JwtKey {
    /// Builds a key from the raw secret bytes (use at least 32 random bytes).
    pub fn new(secret: &[u8]) -> Self {
        // HMAC accepts keys of any length (RFC 2104 hashes or pads them), so this cannot fail.
        let Ok(mac) = HmacSha256::new_from_slice(secret) else {
            unreachable!("HMAC-SHA256 accepts keys of any length")
        };
        Self { mac }
    }

    /// Signs `claims` into a compact `header.payload.signature` token.
    pub fn sign(&self, claims: &AccessClaims) -> String {
        // A struct of strings and integers always serialises; an error here is impossible.
        let payload = serde_json::to_vec(claims).unwrap_or_default();
        let signing_input = format!(
            "{}.{}",
            URL_SAFE_NO_PAD.encode(HEADER_JSON),
            URL_SAFE_NO_PAD.encode(payload)
        );
        let signature = self
            .mac_over(signing_input.as_bytes())
            .finalize()
            .into_bytes();
        format!("{signing_input}.{}", URL_SAFE_NO_PAD.encode(signature))
    }

    /// Checks `token` and returns its claims if it is genuine, addressed to `iss`/`aud`, and
    /// current at `now_unix`.
    ///
    /// Order matters: size, shape and algorithm first, then the signature, and only then is
    /// the payload parsed and its times compared.
    pub fn verify(
        &self,
        token: &str,
        now_unix: i64,
        iss: &str,
        aud: &str,
    ) -> Result<AccessClaims, JwtError> {
        if token.len() > MAX_TOKEN_LEN {
            return Err(JwtError::Malformed);
        }
        // Exactly three segments: `header.payload.signature`.
        let Some((signing_input, signature_b64)) = token.rsplit_once('.') else {
            return Err(JwtError::Malformed);
        };
        let Some((header_b64, payload_b64)) = signing_input.split_once('.') else {
            return Err(JwtError::Malformed);
        };
        if payload_b64.contains('.') {
            return Err(JwtError::Malformed);
        }

        let header_json = decode_segment(header_b64)?;
        let header: Header =
            serde_json::from_slice(&header_json).map_err(|_| JwtError::Malformed)?;
        if header.alg.as_deref() != Some("HS256") {
            return Err(JwtError::WrongAlgorithm);
        }

        let signature = decode_segment(signature_b64)?;
        self.mac_over(signing_input.as_bytes())
            .verify_slice(&signature)
            .map_err(|_| JwtError::BadSignature)?;

        let payload_json = decode_segment(payload_b64)?;
        let claims: AccessClaims =
            serde_json::from_slice(&payload_json).map_err(|_| JwtError::Malformed)?;
        if claims.iss != iss || claims.aud != aud {
            return Err(JwtError::WrongIssuerOrAudience);
        }
        if claims.exp <= now_unix {
            return Err(JwtError::Expired(Box::new(claims)));
        }
        if claims.iat > now_unix.saturating_add(CLOCK_SKEW_SECS) {
            return Err(JwtError::IssuedInFuture);
        }
        Ok(claims)
    }

    fn mac_over(&self, signing_input: &[u8]) -> HmacSha256 {
        let mut mac = self.mac.clone();
        mac.update(signing_input);
        mac
    }
}

/// Decodes one segment: base64url without padding. The engine also refuses non-zero trailing
/// bits, so each token has exactly one spelling.
fn decode_segment(segment: &str) -> Result<Vec<u8>, JwtError> {
    URL_SAFE_NO_PAD
        .decode(segment)
        .map_err(|_| JwtError::Malformed)
}

#[cfg(test)]
mod tests {
    use super::*;

    const NOW: i64 = 1_700_000_000;
    const ISS: &str = "https://wellspring.test";
    const AUD: &str = "wellspring";

    fn key() -> JwtKey {
        JwtKey::new(b"an-access-token-secret-of-32-bytes!!")
    }

    fn claims() -> AccessClaims {
        AccessClaims {
            sub: "2f0b9a6e-4a51-4c1e-9a3e-0d5f3c1b2a77".into(),
            role: "authenticated".into(),
            aal: "aal2".into(),
            amr: vec!["password".into(), "totp".into()],
            session_id: "8d3c4b1a-0f2e-4d6c-8b7a-1e2f3a4b5c6d".into(),
            iss: ISS.into(),
            aud: AUD.into(),
            iat: NOW - 10,
            exp: NOW + 900,
            app_role: "member".into(),
            handle: Some("rowan".into()),
            display_name: Some("Rowan Ash".into()),
            avatar: None,
            standing: None,
        }
    }

    /// Builds a token from raw header and payload JSON, signed with `key`'s HMAC.
    fn hand_made(header: &str, payload: &str, key: &JwtKey) -> String {
        let input = format!(
            "{}.{}",
            URL_SAFE_NO_PAD.encode(header),
            URL_SAFE_NO_PAD.encode(payload)
        );
        let sig = key.mac_over(input.as_bytes()).finalize().into_bytes();
        format!("{input}.{}", URL_SAFE_NO_PAD.encode(sig))
    }

    fn payload_json() -> String {
        serde_json::to_string(&claims()).unwrap()
    }

    #[test]
    fn signed_token_verifies_to_the_same_claims() {
        let token = key().sign(&claims());
        assert_eq!(token.split('.').count(), 3);
        assert!(!token.contains('='));
        assert_eq!(key().verify(&token, NOW, ISS, AUD), Ok(claims()));
    }

    #[test]
    fn token_without_names_from_before_they_were_carried_still_verifies() {
        let mut old = claims();
        old.handle = None;
        old.display_name = None;
        let mut payload = serde_json::to_value(&old).unwrap();
        payload
            .as_object_mut()
            .unwrap()
            .retain(|k, _| k != "handle" && k != "display_name");
        let token = hand_made(
            r#"{"alg":"HS256","typ":"JWT"}"#,
            &payload.to_string(),
            &key(),
        );
        assert_eq!(key().verify(&token, NOW, ISS, AUD), Ok(old));
    }

    #[test]
    fn header_is_hs256_jwt() {
        let token = key().sign(&claims());
        let header = token.split('.').next().unwrap();
        let json = URL_SAFE_NO_PAD.decode(header).unwrap();
        assert_eq!(json, br#"{"alg":"HS256","typ":"JWT"}"#);
    }

    #[test]
    fn alg_none_with_empty_signature_is_rejected() {
        let token = format!(
            "{}.{}.",
            URL_SAFE_NO_PAD.encode(r#"{"alg":"none","typ":"JWT"}"#),
            URL_SAFE_NO_PAD.encode(payload_json())
        );
        assert_eq!(
            key().verify(&token, NOW, ISS, AUD),
            Err(JwtError::WrongAlgorithm)
        );
    }

    #[test]
    fn other_algorithms_and_case_variants_are_rejected_even_when_signed_with_our_key() {
        for header in [
            r#"{"alg":"HS512","typ":"JWT"}"#,
            r#"{"alg":"RS256","typ":"JWT"}"#,
            r#"{"alg":"hs256","typ":"JWT"}"#,
            r#"{"alg":"Hs256","typ":"JWT"}"#,
            r#"{"alg":"HS256 ","typ":"JWT"}"#,
            r#"{"alg":"NONE"}"#,
            r#"{"alg":null,"typ":"JWT"}"#,
            r#"{"typ":"JWT"}"#,
        ] {
            let token = hand_made(header, &payload_json(), &key());
            assert_eq!(
                key().verify(&token, NOW, ISS, AUD),
                Err(JwtError::WrongAlgorithm),
                "header {header} was not rejected"
            );
        }
    }

    #[test]
    fn hand_made_hs256_token_with_our_key_is_accepted() {
        // Proves the rejection test above fails only because of the header.
        let token = hand_made(r#"{"alg":"HS256"}"#, &payload_json(), &key());
        assert_eq!(key().verify(&token, NOW, ISS, AUD), Ok(claims()));
    }

    #[test]
    fn token_signed_with_a_different_key_is_rejected() {
        let token = JwtKey::new(b"some-other-secret-entirely-000000").sign(&claims());
        assert_eq!(
            key().verify(&token, NOW, ISS, AUD),
            Err(JwtError::BadSignature)
        );
    }

    #[test]
    fn tampered_payload_is_rejected() {
        let token = key().sign(&claims());
        let parts: Vec<&str> = token.split('.').collect();
        let mut promoted = claims();
        promoted.app_role = "admin".into();
        let forged_payload = URL_SAFE_NO_PAD.encode(serde_json::to_vec(&promoted).unwrap());
        let forged = format!("{}.{}.{}", parts[0], forged_payload, parts[2]);
        assert_eq!(
            key().verify(&forged, NOW, ISS, AUD),
            Err(JwtError::BadSignature)
        );
    }

    #[test]
    fn tampered_or_truncated_signature_is_rejected() {
        let token = key().sign(&claims());
        let (input, sig) = token.rsplit_once('.').unwrap();
        let mut sig_bytes = URL_SAFE_NO_PAD.decode(sig).unwrap();
        sig_bytes[0] ^= 1;
        let flipped = format!("{input}.{}", URL_SAFE_NO_PAD.encode(&sig_bytes));
        assert_eq!(
            key().verify(&flipped, NOW, ISS, AUD),
            Err(JwtError::BadSignature)
        );
        let truncated = format!("{input}.{}", URL_SAFE_NO_PAD.encode(&sig_bytes[..16]));
        assert_eq!(
            key().verify(&truncated, NOW, ISS, AUD),
            Err(JwtError::BadSignature)
        );
    }

    #[test]
    fn expired_token_reports_its_claims() {
        let token = key().sign(&claims());
        let exp = claims().exp;
        assert_eq!(
            key().verify(&token, exp, ISS, AUD),
            Err(JwtError::Expired(Box::new(claims())))
        );
        assert!(key().verify(&token, exp - 1, ISS, AUD).is_ok());
    }

    #[test]
    fn expired_token_with_a_bad_signature_is_bad_signature_not_expired() {
        let token = JwtKey::new(b"attacker").sign(&claims());
        assert_eq!(
            key().verify(&token, claims().exp + 1, ISS, AUD),
            Err(JwtError::BadSignature)
        );
    }

    #[test]
    fn token_issued_beyond_the_clock_skew_is_rejected() {
        let mut future = claims();
        future.iat = NOW + CLOCK_SKEW_SECS + 1;
        future.exp = NOW + 10_000;
        let token = key().sign(&future);
        assert_eq!(
            key().verify(&token, NOW, ISS, AUD),
            Err(JwtError::IssuedInFuture)
        );

        future.iat = NOW + CLOCK_SKEW_SECS;
        assert!(key().verify(&key().sign(&future), NOW, ISS, AUD).is_ok());
    }

    #[test]
    fn wrong_audience_or_issuer_is_rejected() {
        let token = key().sign(&claims());
        assert_eq!(
            key().verify(&token, NOW, ISS, "another-app"),
            Err(JwtError::WrongIssuerOrAudience)
        );
        assert_eq!(
            key().verify(&token, NOW, "https://evil.test", AUD),
            Err(JwtError::WrongIssuerOrAudience)
        );
    }

    #[test]
    fn garbage_and_wrong_segment_counts_are_malformed() {
        let token = key().sign(&claims());
        let (header, rest) = token.split_once('.').unwrap();
        let (payload, _) = rest.split_once('.').unwrap();
        for bad in [
            "",
            "garbage",
            "a.b",
            &format!("{header}.{payload}"),
            &format!("{token}.extra"),
            "!!!.@@@.###",
            &format!("{header}=.{payload}.x"),
        ] {
            assert_eq!(
                key().verify(bad, NOW, ISS, AUD),
                Err(JwtError::Malformed),
                "{bad:?} was not malformed"
            );
        }
    }

    #[test]
    fn padded_signature_is_malformed() {
        let token = key().sign(&claims());
        assert_eq!(
            key().verify(&format!("{token}="), NOW, ISS, AUD),
            Err(JwtError::Malformed)
        );
    }

    #[test]
    fn signed_payload_that_is_not_claims_is_malformed() {
        let token = hand_made(r#"{"alg":"HS256"}"#, r#"{"sub":"x"}"#, &key());
        assert_eq!(
            key().verify(&token, NOW, ISS, AUD),
            Err(JwtError::Malformed)
        );
    }

    #[test]
    fn oversized_token_is_rejected_before_decoding() {
        let mut big = claims();
        big.amr = vec!["x".repeat(MAX_TOKEN_LEN)];
        let token = key().sign(&big);
        assert!(token.len() > MAX_TOKEN_LEN);
        assert_eq!(
            key().verify(&token, NOW, ISS, AUD),
            Err(JwtError::Malformed)
        );
    }

    #[test]
    fn debug_does_not_reveal_the_secret() {
        assert_eq!(format!("{:?}", key()), "JwtKey(..)");
    }
}
