//! Types both the server and the browser understand. Imports nothing of ours.

pub mod community;
pub mod dashboard;
pub mod digest;
pub mod error;
pub mod feature_flag;
pub mod field_errors;
pub mod identity;
pub mod ids;
pub mod media;
pub mod moderation;
pub mod notification;
pub mod realtime;
pub mod request_id;
pub mod sanction;
pub mod service_status;
pub mod staff_members;
pub mod text_rules;

pub use error::AppError;
pub use field_errors::FieldErrors;
pub use identity::{
    AccountNotice, AccountRole, LinkedSignIn, OAuthProviders, ProfileSettings, RecoveryCodes,
    SessionSummary, SettingsNotice, SignInOutcome, TotpEnrollment, TwoStep, Viewer, ViewerSummary,
};
pub use ids::{CircleId, CommentId, PostId};
pub use request_id::RequestId;
pub use service_status::ServiceStatus;
