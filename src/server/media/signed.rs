//! Short-lived addresses for private pictures: `?expires=<unix seconds>&sig=<HMAC>`, the
//! signature over the bucket, the picture, the size and the expiry, so an address shared or
//! leaked opens that one size of that one picture, and only until it expires. The key is
//! derived from the JWT secret under its own label: no address ever verifies as a token.

use crate::domain::media::Bucket;
use base64::{Engine as _, engine::general_purpose::URL_SAFE_NO_PAD};
use hmac::{Hmac, Mac};
use sha2::Sha256;

type HmacSha256 = Hmac<Sha256>;

#[derive(Clone)]
pub struct UrlSigner {
    mac: HmacSha256,
}

impl UrlSigner {
    pub fn new(secret: &[u8]) -> Self {
        // HMAC accepts keys of any length (RFC 2104 hashes or pads them), so neither fails.
        let Ok(mut derive) = HmacSha256::new_from_slice(secret) else {
            unreachable!("HMAC-SHA256 accepts keys of any length")
        };
        derive.update(b"wellspring media url v1");
        let Ok(mac) = HmacSha256::new_from_slice(&derive.finalize().into_bytes()) else {
            unreachable!("HMAC-SHA256 accepts keys of any length")
        };
        Self { mac }
    }

    fn signature(&self, bucket: Bucket, id: uuid::Uuid, size: u32, expires: i64) -> Vec<u8> {
        let mut mac = self.mac.clone();
        mac.update(format!("{}/{id}/{size}/{expires}", bucket.as_str()).as_bytes());
        mac.finalize().into_bytes().to_vec()
    }

    /// The query string that opens `bucket/id/size` until `expires` (Unix seconds).
    pub fn query(&self, bucket: Bucket, id: uuid::Uuid, size: u32, expires: i64) -> String {
        let sig = URL_SAFE_NO_PAD.encode(self.signature(bucket, id, size, expires));
        format!("expires={expires}&sig={sig}")
    }

    /// Whether `sig` opens `bucket/id/size` at `now` (Unix seconds).
    pub fn verify(
        &self,
        bucket: Bucket,
        id: uuid::Uuid,
        size: u32,
        expires: i64,
        sig: &str,
        now: i64,
    ) -> bool {
        if expires < now {
            return false;
        }
        let Ok(given) = URL_SAFE_NO_PAD.decode(sig) else {
            return false;
        };
        let mut mac = self.mac.clone();
        mac.update(format!("{}/{id}/{size}/{expires}", bucket.as_str()).as_bytes());
        mac.verify_slice(&given).is_ok()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parts(query: &str) -> (i64, String) {
        let mut expires = 0;
        let mut sig = String::new();
        for pair in query.split('&') {
            match pair.split_once('=') {
                Some(("expires", v)) => expires = v.parse().expect("number"),
                Some(("sig", v)) => sig = v.to_owned(),
                _ => {}
            }
        }
        (expires, sig)
    }

    #[test]
    fn an_address_opens_one_size_of_one_picture_until_it_expires() {
        let signer = UrlSigner::new(b"secret");
        let id = uuid::Uuid::new_v4();
        let (expires, sig) = parts(&signer.query(Bucket::Private, id, 480, 1_000));
        assert!(signer.verify(Bucket::Private, id, 480, expires, &sig, 999));
        assert!(
            !signer.verify(Bucket::Private, id, 480, expires, &sig, 1_001),
            "expired"
        );
        assert!(
            !signer.verify(Bucket::Private, id, 1024, expires, &sig, 999),
            "other size"
        );
        assert!(
            !signer.verify(
                Bucket::Private,
                uuid::Uuid::new_v4(),
                480,
                expires,
                &sig,
                999
            ),
            "other picture"
        );
        assert!(
            !signer.verify(Bucket::Private, id, 480, expires + 60, &sig, 999),
            "extended"
        );
        assert!(
            !UrlSigner::new(b"other").verify(Bucket::Private, id, 480, expires, &sig, 999),
            "other key"
        );
    }
}
