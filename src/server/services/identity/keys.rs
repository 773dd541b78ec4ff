//! The keys identity needs, built once at start-up from configuration.

use crate::server::{
    auth::{jwt::JwtKey, secretbox::SecretBox, signed_link::LinkKey},
    config::AuthSettings,
};
use anyhow::Context;
use secrecy::ExposeSecret;

pub struct AuthKeys {
    /// Signs and verifies access tokens (HS256).
    pub jwt: JwtKey,
    /// Encrypts TOTP secrets at rest.
    pub secrets: SecretBox,
    /// Signs links that act without signing in (the digest's unsubscribe link).
    pub links: LinkKey,
}

impl AuthKeys {
    pub fn from_settings(auth: &AuthSettings) -> anyhow::Result<Self> {
        Ok(Self {
            jwt: JwtKey::new(auth.jwt_secret.expose_secret().as_bytes()),
            links: LinkKey::new(auth.jwt_secret.expose_secret().as_bytes()),
            secrets: SecretBox::from_base64(auth.encryption_key.expose_secret())
                .map_err(|e| anyhow::anyhow!("{e}"))
                .context("WELLSPRING__AUTH__ENCRYPTION_KEY must be 32 bytes in base64")?,
        })
    }
}
