//! What the pages are told about the signed-in member and their account.

use serde::{Deserialize, Serialize};

/// Held server-side; a member cannot change their own.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum AccountRole {
    Member,
    Moderator,
    Admin,
}

impl AccountRole {
    pub fn as_str(self) -> &'static str {
        match self {
            AccountRole::Member => "member",
            AccountRole::Moderator => "moderator",
            AccountRole::Admin => "admin",
        }
    }

    pub fn parse(value: &str) -> Option<Self> {
        match value {
            "member" => Some(AccountRole::Member),
            "moderator" => Some(AccountRole::Moderator),
            "admin" => Some(AccountRole::Admin),
            _ => None,
        }
    }

    pub fn is_staff(self) -> bool {
        matches!(self, AccountRole::Moderator | AccountRole::Admin)
    }
}

/// The signed-in member as the header and settings pages show them.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Viewer {
    pub user_id: String,
    pub email: String,
    pub handle: String,
    pub display_name: String,
    pub role: AccountRole,
    /// `aal2` once this session passed a second factor.
    pub aal: String,
    pub has_mfa: bool,
    pub email_confirmed: bool,
}

/// Who is signed in, as the site header shows them: read from the verified access token, so
/// a signed-in page costs no database round trip. Settings pages use the fuller [`Viewer`].
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ViewerSummary {
    pub user_id: String,
    pub handle: String,
    pub display_name: String,
    pub role: AccountRole,
    /// `aal2` once this session passed a second factor.
    pub aal: String,
    /// A sanction the member is told about on every page (from their access token).
    #[serde(default)]
    pub standing: Option<crate::domain::sanction::Standing>,
    /// Their profile picture's address without the size (`/media/avatars/<id>`), if any.
    #[serde(default)]
    pub avatar: Option<String>,
    #[serde(default)]
    pub initials: String,
}

impl From<Viewer> for ViewerSummary {
    fn from(viewer: Viewer) -> Self {
        Self {
            avatar: None,
            initials: crate::domain::community::initials(&viewer.display_name),
            user_id: viewer.user_id,
            handle: viewer.handle,
            display_name: viewer.display_name,
            role: viewer.role,
            aal: viewer.aal,
            standing: None,
        }
    }
}

/// The sign-in providers this deployment has configured (`"google"`, `"github"`), in the
/// order the sign-in page shows them. The server provides it to every render; the app
/// hands it to the browser once, so hydration sees the same list the server rendered.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct OAuthProviders(pub Vec<String>);

/// One signed-in device on the security page.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SessionSummary {
    pub id: String,
    pub device: String,
    pub ip: String,
    pub created_at: String,
    pub last_seen_at: String,
    pub current: bool,
}

/// What a correct password leads to.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum SignInOutcome {
    /// Cookies are set; go here.
    SignedIn { redirect_to: String },
    /// The account has TOTP: ask for a code, then call the MFA step with this ticket.
    NeedsSecondFactor { ticket: String, redirect_to: String },
}

/// Shown once while enrolling TOTP.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct TotpEnrollment {
    pub factor_id: String,
    /// Base32, for typing into an authenticator app.
    pub secret: String,
    /// `otpauth://` URI, for apps that import it.
    pub uri: String,
}

/// Shown once after a factor is verified: the member must store them.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct RecoveryCodes(pub Vec<String>);

/// Where the member's two-step sign-in stands, as the security page renders it on the
/// server, so each step works as a plain form post without JavaScript.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum TwoStep {
    Off,
    /// Set-up started and not yet confirmed with a first code.
    SettingUp(TotpEnrollment),
    /// Turned on from this device a moment ago: the recovery codes, this once.
    JustTurnedOn(RecoveryCodes),
    On,
}

/// A sign-in through a provider (Google, GitHub) linked to the member's account.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct LinkedSignIn {
    pub id: String,
    /// `google` or `github`.
    pub provider: String,
    /// The address the provider reported when it was linked.
    pub email: String,
    /// RFC 3339, UTC.
    pub linked_at: String,
}

impl LinkedSignIn {
    /// The provider as people know it.
    pub fn provider_name(&self) -> &str {
        match self.provider.as_str() {
            "google" => "Google",
            "github" => "GitHub",
            other => other,
        }
    }
}

/// The member's own editable profile fields.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProfileSettings {
    pub handle: String,
    pub display_name: String,
    pub bio: String,
    pub pronouns: String,
    /// Their profile picture's address without the size (`/media/avatars/<id>`), if any.
    #[serde(default)]
    pub avatar: Option<String>,
    #[serde(default)]
    pub initials: String,
}
