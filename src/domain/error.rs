//! The one error type that crosses from server to browser.

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
    /// A failure in the server-function plumbing itself (bad request encoding, network).
    #[error("We couldn't reach Wellspring: {0}")]
    Transport(String),
}

impl AppError {
    /// The HTTP status a page showing this error should carry.
    pub fn status_code(&self) -> u16 {
        match self {
            AppError::NotFound => 404,
            AppError::Unavailable => 503,
            AppError::Internal | AppError::Transport(_) => 500,
        }
    }
}

impl leptos::server_fn::error::FromServerFnError for AppError {
    type Encoder = leptos::server_fn::codec::JsonEncoding;

    fn from_server_fn_error(value: leptos::server_fn::error::ServerFnErrorErr) -> Self {
        AppError::Transport(value.to_string())
    }
}
