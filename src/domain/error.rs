//! The one error type that crosses from server to browser.

use crate::domain::field_errors::FieldErrors;
use serde::{Deserialize, Serialize};

/// What a person may be told when something goes wrong. Internal causes stay in the
/// server log beside the request id; only these kind, specific messages travel.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
pub enum AppError {
    #[error("We couldn't find that page.")]
    NotFound,
    #[error("Wellspring is briefly unavailable. Please try again in a moment.")]
    Unavailable,
    #[error("Something went wrong on our side. We've logged it and will look into it.")]
    Internal,
    /// Input that fails validation; each field carries its own message for the form.
    #[error("Please check the highlighted fields.")]
    Invalid(FieldErrors),
    /// A plain, kind explanation of why a request cannot be done as asked.
    #[error("{0}")]
    BadRequest(String),
    #[error("Please sign in to continue.")]
    Unauthorized,
    #[error("You don't have access to that.")]
    Forbidden,
    /// A member under a sanction (silenced, suspended, banned) trying what it rules out:
    /// the sentence says what, until when, and where to read why.
    #[error("{0}")]
    Restricted(String),
    /// Sign-in failed. Deliberately the same whether or not the email has an account.
    #[error("That email and password don't match. Please try again, or reset your password.")]
    SignInFailed,
    /// A mailed link or code that is unknown, expired or already used.
    #[error("That link or code has expired or was already used. You can ask for a new one.")]
    TokenInvalid,
    #[error("Too many attempts. Please wait {retry_after_secs} seconds and try again.")]
    RateLimited { retry_after_secs: u64 },
    /// A member (or a visitor's address) writing, reacting or searching faster than the
    /// configured limits: spam protection, said kindly.
    #[error(
        "You're doing that a lot. To keep the circles calm and free of spam, please wait {} and try again.",
        wait_words(*retry_after_secs)
    )]
    SlowDown { retry_after_secs: u64 },
    /// Too many wrong second-factor codes for this account lately; even a right one waits.
    #[error(
        "Too many wrong codes for this account. For its safety, please wait {} minutes and try again.",
        retry_after_secs.div_ceil(60)
    )]
    TooManyCodes { retry_after_secs: u64 },
    /// A sensitive change from a session that has not proven who it is lately: confirm the
    /// password or a code first (at `/settings/confirm`).
    #[error(
        "For your safety, please confirm it's you first: enter your password or a code from your authenticator app."
    )]
    ProofNeeded,
    /// A state-changing request sent from another site (CSRF).
    #[error("This request came from another site, so we didn't act on it.")]
    CrossSite,
    /// A failure in the server-function plumbing itself (bad request encoding, network).
    #[error("We couldn't reach Wellspring: {0}")]
    Transport(String),
}

impl AppError {
    /// The HTTP status a page showing this error should carry.
    pub fn status_code(&self) -> u16 {
        match self {
            AppError::NotFound => 404,
            AppError::Invalid(_) | AppError::BadRequest(_) | AppError::TokenInvalid => 400,
            AppError::Unauthorized | AppError::SignInFailed => 401,
            AppError::Forbidden
            | AppError::Restricted(_)
            | AppError::CrossSite
            | AppError::ProofNeeded => 403,
            AppError::RateLimited { .. }
            | AppError::TooManyCodes { .. }
            | AppError::SlowDown { .. } => 429,
            AppError::Unavailable => 503,
            AppError::Internal | AppError::Transport(_) => 500,
        }
    }

    /// Seconds the client should wait before trying again, for a 429.
    pub fn retry_after_secs(&self) -> Option<u64> {
        match self {
            AppError::RateLimited { retry_after_secs }
            | AppError::TooManyCodes { retry_after_secs }
            | AppError::SlowDown { retry_after_secs } => Some(*retry_after_secs),
            _ => None,
        }
    }

    /// The message for one form field, when this is a validation error.
    pub fn field(&self, name: &str) -> Option<String> {
        match self {
            AppError::Invalid(errors) => errors.get(name).map(str::to_owned),
            _ => None,
        }
    }
}

/// "45 seconds", "a minute", "12 minutes": how long to wait, in words.
fn wait_words(secs: u64) -> String {
    match secs {
        0..=1 => "a second".to_owned(),
        2..=90 => format!("{secs} seconds"),
        _ => format!("{} minutes", secs.div_ceil(60)),
    }
}

impl leptos::server_fn::error::FromServerFnError for AppError {
    type Encoder = leptos::server_fn::codec::JsonEncoding;

    /// A form field that could not be read (a word where a number belongs, a missing field)
    /// is the sender's mistake: a kind 400, not a 500.
    fn from_server_fn_error(value: leptos::server_fn::error::ServerFnErrorErr) -> Self {
        use leptos::server_fn::error::ServerFnErrorErr;
        match value {
            ServerFnErrorErr::Args(_) | ServerFnErrorErr::MissingArg(_) => AppError::BadRequest(
                "Some of what was sent could not be read. Please reload the page and try again."
                    .into(),
            ),
            other => AppError::Transport(other.to_string()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::AppError;

    #[test]
    fn waits_are_said_in_words_a_person_uses() {
        assert!(
            AppError::SlowDown {
                retry_after_secs: 45
            }
            .to_string()
            .contains("wait 45 seconds")
        );
        assert!(
            AppError::SlowDown {
                retry_after_secs: 700
            }
            .to_string()
            .contains("wait 12 minutes")
        );
        assert!(
            AppError::TooManyCodes {
                retry_after_secs: 154
            }
            .to_string()
            .contains("wait 3 minutes")
        );
        assert_eq!(
            AppError::SlowDown {
                retry_after_secs: 9
            }
            .status_code(),
            429
        );
    }
}
