//! The staff's members pages (`/admin/members`): who is here, in what role and standing,
//! and, for admins, their email and signed-in devices.

use crate::domain::{
    AccountRole, SessionSummary,
    sanction::{SanctionKind, SanctionRecord},
};
use serde::{Deserialize, Serialize};

/// Members per page of the list.
pub const MEMBERS_PAGE_SIZE: i64 = 50;

/// Which members the list shows, by standing.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum StandingFilter {
    #[default]
    Everyone,
    /// Any sanction in force (or an unread warning).
    Sanctioned,
    Only(SanctionKind),
}

impl StandingFilter {
    pub fn parse(value: &str) -> Self {
        match value {
            "sanctioned" => Self::Sanctioned,
            other => SanctionKind::parse(other).map_or(Self::Everyone, Self::Only),
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Everyone => "",
            Self::Sanctioned => "sanctioned",
            Self::Only(kind) => kind.as_str(),
        }
    }
}

/// One member in the list.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct MemberListing {
    pub handle: String,
    pub display_name: String,
    /// Admins only.
    pub email: Option<String>,
    pub role: AccountRole,
    pub joined_label: String,
    /// "silenced until 10 Dec 2026, 14:00 UTC", "warned", or empty.
    pub standing_label: String,
}

/// A page of the list, in handle order; `next` is the handle to continue after.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct MemberPage {
    pub members: Vec<MemberListing>,
    pub next: Option<String>,
    /// Whether the caller is an admin (roles, emails and devices are theirs to see).
    pub admin: bool,
}

/// One member, as the staff page about them shows it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct MemberDetail {
    pub member: MemberListing,
    pub posts: i64,
    pub replies: i64,
    pub sanctions: Vec<SanctionRecord>,
    /// Signed-in devices: admins only.
    pub sessions: Option<Vec<SessionSummary>>,
    /// Whether the caller is an admin.
    pub admin: bool,
    /// Whether the caller may sanction this member (not themselves, not an admin, a
    /// moderator only as an admin).
    pub can_sanction: bool,
}

/// Lines per page of the audit log.
pub const AUDIT_PAGE_SIZE: i64 = 100;

/// One line of the audit log (sign-ins, role changes, sessions ended, …), for admins.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuditEntry {
    pub id: i64,
    /// RFC 3339, for `<time datetime>`.
    pub at: String,
    /// "5 Dec 2026, 03:39 UTC".
    pub at_label: String,
    pub event: String,
    /// Handles, when the account still exists.
    pub actor: Option<String>,
    pub subject: Option<String>,
    pub ip: String,
    pub request_id: String,
    /// The event's details as JSON text.
    pub detail: String,
}

/// A page of the audit log, newest first; `older` is the id to continue before.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuditPage {
    pub entries: Vec<AuditEntry>,
    pub older: Option<i64>,
}
