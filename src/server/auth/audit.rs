//! The append-only audit trail of account events. Written in the same transaction as the
//! change it records, so there is never a change without its row (or a row without its change).

use serde_json::Value;
use sqlx::PgConnection;
use std::net::IpAddr;
use uuid::Uuid;

/// What happened, named as the audit log stores it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum AuthEvent {
    SignUp,
    EmailConfirmed,
    SignIn,
    SignInFailed,
    SignOut,
    TokenRefreshed,
    RefreshTokenReuse,
    SessionRevoked,
    PasswordChanged,
    PasswordReset,
    EmailChangeRequested,
    EmailChanged,
    MagicLinkRequested,
    MfaEnrolled,
    MfaVerified,
    MfaUnenrolled,
    MfaFailed,
    /// A session confirmed it's its member (password or code) before a sensitive change.
    Reauthenticated,
    /// The old address's owner cancelled an email change from the notice sent there.
    EmailChangeCancelled,
    RecoveryCodeUsed,
    /// New recovery codes replaced the old ones.
    RecoveryCodesReplaced,
    RoleChanged,
    OAuthLinked,
    OAuthUnlinked,
    ProfileUpdated,
    /// An admin turned a feature flag on or off.
    FlagChanged,
    /// An admin removed a member's picture (`/admin/uploads`).
    UploadRemoved,
    /// The operator made a backup (`wellspring backup`), proved one (`verify-backup`) or
    /// restored one into this database (`restore`, recorded in the restored database).
    BackupMade,
    BackupVerified,
    BackupRestored,
}

impl AuthEvent {
    pub fn as_str(self) -> &'static str {
        match self {
            AuthEvent::SignUp => "sign_up",
            AuthEvent::EmailConfirmed => "email_confirmed",
            AuthEvent::SignIn => "sign_in",
            AuthEvent::SignInFailed => "sign_in_failed",
            AuthEvent::SignOut => "sign_out",
            AuthEvent::TokenRefreshed => "token_refreshed",
            AuthEvent::RefreshTokenReuse => "refresh_token_reuse",
            AuthEvent::SessionRevoked => "session_revoked",
            AuthEvent::PasswordChanged => "password_changed",
            AuthEvent::PasswordReset => "password_reset",
            AuthEvent::EmailChangeRequested => "email_change_requested",
            AuthEvent::EmailChanged => "email_changed",
            AuthEvent::MagicLinkRequested => "magic_link_requested",
            AuthEvent::MfaEnrolled => "mfa_enrolled",
            AuthEvent::MfaVerified => "mfa_verified",
            AuthEvent::MfaUnenrolled => "mfa_unenrolled",
            AuthEvent::MfaFailed => "mfa_failed",
            AuthEvent::Reauthenticated => "reauthenticated",
            AuthEvent::EmailChangeCancelled => "email_change_cancelled",
            AuthEvent::RecoveryCodeUsed => "recovery_code_used",
            AuthEvent::RecoveryCodesReplaced => "recovery_codes_replaced",
            AuthEvent::RoleChanged => "role_changed",
            AuthEvent::OAuthLinked => "oauth_linked",
            AuthEvent::OAuthUnlinked => "oauth_unlinked",
            AuthEvent::ProfileUpdated => "profile_updated",
            AuthEvent::FlagChanged => "flag_changed",
            AuthEvent::UploadRemoved => "upload_removed",
            AuthEvent::BackupMade => "backup_made",
            AuthEvent::BackupVerified => "backup_verified",
            AuthEvent::BackupRestored => "backup_restored",
        }
    }
}

/// Where a request came from, for the audit row.
#[derive(Clone, Debug, Default)]
pub struct Origin {
    pub ip: Option<IpAddr>,
    pub request_id: Option<String>,
    pub user_agent: String,
}

/// Appends one event. `actor` did it; `subject` is the account it was done to (often the same).
#[tracing::instrument(skip(conn, detail, origin))]
pub async fn record(
    conn: &mut PgConnection,
    event: AuthEvent,
    actor: Option<Uuid>,
    subject: Option<Uuid>,
    origin: &Origin,
    detail: Value,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "insert into auth.audit_log (actor, subject, event, ip, request_id, detail)
         values ($1, $2, $3, $4::text::inet, $5, $6)",
    )
    .bind(actor)
    .bind(subject)
    .bind(event.as_str())
    .bind(origin.ip.map(|ip| ip.to_string()))
    .bind(origin.request_id.as_deref())
    .bind(detail)
    .execute(&mut *conn)
    .await?;
    Ok(())
}
