//! The confirmation a settings page shows after a plain form post (no JavaScript).
//!
//! With JavaScript the form shows the server function's own message in place. Without it,
//! the browser follows a redirect back to the page, so the server function names what it
//! did in the address (`/settings/security?done=password#password`) and the page shows the
//! message for that flag. Only the flags below exist and every message is ours: nothing
//! typed into the address ever reaches the page.

/// Something a settings form just did.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SettingsNotice {
    ProfileSaved,
    DetailsSaved,
    PasswordChanged,
    EmailLinkSent,
    DevicesSignedOut,
    TwoStepOff,
    SignInUnlinked,
}

impl SettingsNotice {
    /// The query parameter that carries the flag.
    pub const QUERY_KEY: &'static str = "done";

    const ALL: [SettingsNotice; 7] = [
        SettingsNotice::ProfileSaved,
        SettingsNotice::DetailsSaved,
        SettingsNotice::PasswordChanged,
        SettingsNotice::EmailLinkSent,
        SettingsNotice::DevicesSignedOut,
        SettingsNotice::TwoStepOff,
        SettingsNotice::SignInUnlinked,
    ];

    /// The flag as it appears in the address.
    pub fn flag(self) -> &'static str {
        match self {
            SettingsNotice::ProfileSaved => "profile",
            SettingsNotice::DetailsSaved => "details",
            SettingsNotice::PasswordChanged => "password",
            SettingsNotice::EmailLinkSent => "email",
            SettingsNotice::DevicesSignedOut => "devices",
            SettingsNotice::TwoStepOff => "two-step-off",
            SettingsNotice::SignInUnlinked => "unlinked",
        }
    }

    /// A flag from the address, if it is one of ours.
    pub fn parse(flag: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|notice| notice.flag() == flag)
    }

    pub fn message(self) -> &'static str {
        match self {
            SettingsNotice::ProfileSaved => "Your profile is saved.",
            SettingsNotice::DetailsSaved => "Your details are saved.",
            SettingsNotice::PasswordChanged => {
                "Your password is changed, and any other devices are signed out."
            }
            SettingsNotice::EmailLinkSent => {
                "We've sent a link to the new address. Your email changes when you open it."
            }
            SettingsNotice::DevicesSignedOut => "Those devices are signed out.",
            SettingsNotice::TwoStepOff => "Two-step sign-in is off.",
            SettingsNotice::SignInUnlinked => "That sign-in is unlinked from your account.",
        }
    }

    /// The settings page this confirmation belongs on.
    pub fn page(self) -> &'static str {
        match self {
            SettingsNotice::ProfileSaved | SettingsNotice::DetailsSaved => SETTINGS_PROFILE,
            _ => SETTINGS_SECURITY,
        }
    }

    /// The section of the page it belongs to, by its element id.
    pub fn section(self) -> &'static str {
        match self {
            SettingsNotice::ProfileSaved => "profile",
            SettingsNotice::DetailsSaved => "details",
            SettingsNotice::PasswordChanged => "password",
            SettingsNotice::EmailLinkSent => "email",
            SettingsNotice::DevicesSignedOut => "devices",
            SettingsNotice::TwoStepOff => "two-step",
            SettingsNotice::SignInUnlinked => "sign-ins",
        }
    }

    /// Where a plain form post returns: the page, the flag, and the section to scroll to.
    pub fn return_path(self) -> String {
        format!(
            "{}?{}={}#{}",
            self.page(),
            Self::QUERY_KEY,
            self.flag(),
            self.section()
        )
    }
}

pub const SETTINGS_PROFILE: &str = "/settings/profile";
pub const SETTINGS_SECURITY: &str = "/settings/security";

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_flag_reads_back_as_itself_and_nothing_else_is_a_flag() {
        for notice in SettingsNotice::ALL {
            assert_eq!(SettingsNotice::parse(notice.flag()), Some(notice));
        }
        for unknown in ["", "Password", "<script>", "password ", "done"] {
            assert_eq!(SettingsNotice::parse(unknown), None, "{unknown:?}");
        }
    }

    #[test]
    fn a_notice_returns_to_its_page_and_section() {
        assert_eq!(
            SettingsNotice::PasswordChanged.return_path(),
            "/settings/security?done=password#password"
        );
        assert_eq!(
            SettingsNotice::ProfileSaved.return_path(),
            "/settings/profile?done=profile#profile"
        );
    }
}
