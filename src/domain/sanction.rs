//! Sanctions on a member (migration 0025) as the member and staff read them: what was
//! decided, why, and until when. The database decides who may sanction whom and refuses a
//! restricted member's writes; this names it and words it.

use serde::{Deserialize, Serialize};

/// What staff may decide about a member, mildest first.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SanctionKind {
    /// Nothing is restricted: the member is told, until they say they have read it.
    Warn,
    /// Reading only (no posts, replies, reactions or new circles) for a period.
    Silence,
    /// Silence, and no joining, reporting or profile changes, for a period. The member still
    /// signs in, reads, exports their data and can delete their account.
    Suspend,
    /// No sign-in at all, for a period or for good.
    Ban,
}

impl SanctionKind {
    pub const ALL: [SanctionKind; 4] = [Self::Warn, Self::Silence, Self::Suspend, Self::Ban];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Warn => "warn",
            Self::Silence => "silence",
            Self::Suspend => "suspend",
            Self::Ban => "ban",
        }
    }

    pub fn parse(value: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|kind| kind.as_str() == value)
    }

    /// The choice as a staff form names it.
    pub fn label(self) -> &'static str {
        match self {
            Self::Warn => "Warn (nothing is restricted)",
            Self::Silence => "Silence (read only) for a period",
            Self::Suspend => {
                "Suspend (sign in and read only: no joining, reporting or profile changes) for a period"
            }
            Self::Ban => "Ban (no sign-in)",
        }
    }

    /// Whether a period is required (silence, suspend), optional (ban) or meaningless (warn).
    pub fn needs_period(self) -> bool {
        matches!(self, Self::Silence | Self::Suspend)
    }

    /// "silenced", for sentences about the member.
    pub fn past_tense(self) -> &'static str {
        match self {
            Self::Warn => "warned",
            Self::Silence => "silenced",
            Self::Suspend => "suspended",
            Self::Ban => "banned",
        }
    }
}

/// The one sanction a member is told about on every page: carried in their access token
/// (so telling them costs no database read) and refreshed whenever it changes.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Standing {
    /// The sanction's id: what acknowledging a warning names.
    pub id: i64,
    pub kind: SanctionKind,
    /// When it ends, in Unix seconds; `None` for a warning or a ban for good.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub until: Option<i64>,
    /// The staff's reason, as they wrote it for the member.
    pub reason: String,
}

impl Standing {
    /// Whether the member should still be told about it at `now` (Unix seconds): a period
    /// that has ended is over even before the token is refreshed.
    pub fn in_force(&self, now: i64) -> bool {
        self.until.is_none_or(|until| until > now)
    }

    /// What the member reads at the top of every page.
    pub fn headline(&self) -> String {
        let until = self
            .until
            .map(|until| format!(" until {}", utc_label(until)))
            .unwrap_or_default();
        match self.kind {
            SanctionKind::Warn => "The moderators have sent you a warning.".to_owned(),
            SanctionKind::Silence => format!(
                "Your account is silenced{until}: you can read, but not post, reply or react."
            ),
            SanctionKind::Suspend => format!(
                "Your account is suspended{until}: you can read, export your data or delete your account, but not make changes."
            ),
            SanctionKind::Ban => format!("Your account is banned{until}."),
        }
    }
}

/// One sanction as staff read it on a member's page.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SanctionRecord {
    pub id: i64,
    pub kind: SanctionKind,
    pub reason: String,
    pub starts_label: String,
    /// "until 10 Dec 2026, 14:00 UTC", "for good", or empty for a warning.
    pub period_label: String,
    /// The staff member who decided (staff only).
    pub actor: Option<String>,
    /// "in force", "ended", "lifted by @ana: appeal accepted", "read by the member".
    pub state_label: String,
    /// Whether staff can still lift it.
    pub liftable: bool,
}

/// A date and time in UTC for people: "10 Dec 2026, 14:00 UTC".
pub fn utc_label(unix_secs: i64) -> String {
    const MONTHS: [&str; 12] = [
        "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
    ];
    let days = unix_secs.div_euclid(86_400);
    let secs = unix_secs.rem_euclid(86_400);
    let (year, month, day) = civil_from_days(days);
    format!(
        "{day} {} {year}, {:02}:{:02} UTC",
        MONTHS[(month - 1) as usize],
        secs / 3600,
        secs % 3600 / 60
    )
}

/// Days since 1970-01-01 to (year, month, day), Howard Hinnant's algorithm: the browser
/// bundle has no date library, and this is twelve lines.
fn civil_from_days(days: i64) -> (i64, i64, i64) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    (year, month, day)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_read_as_people_write_them() {
        assert_eq!(utc_label(0), "1 Jan 1970, 00:00 UTC");
        // 2026-12-10T14:05:00Z
        assert_eq!(utc_label(1_796_911_500), "10 Dec 2026, 14:05 UTC");
        // A leap day.
        assert_eq!(utc_label(1_709_164_800), "29 Feb 2024, 00:00 UTC");
    }

    #[test]
    fn a_period_that_ended_is_not_shown() {
        let standing = Standing {
            id: 1,
            kind: SanctionKind::Silence,
            until: Some(1_000),
            reason: "Spam links".into(),
        };
        assert!(standing.in_force(999));
        assert!(!standing.in_force(1_000));
        let ban = Standing {
            until: None,
            kind: SanctionKind::Ban,
            ..standing
        };
        assert!(ban.in_force(i64::MAX));
    }

    #[test]
    fn headlines_say_what_and_until_when() {
        let standing = Standing {
            id: 1,
            kind: SanctionKind::Silence,
            until: Some(1_796_911_500),
            reason: "Spam links".into(),
        };
        assert_eq!(
            standing.headline(),
            "Your account is silenced until 10 Dec 2026, 14:05 UTC: you can read, but not post, reply or react."
        );
        assert_eq!(SanctionKind::parse("suspend"), Some(SanctionKind::Suspend));
        assert_eq!(SanctionKind::parse("purge"), None);
    }
}
