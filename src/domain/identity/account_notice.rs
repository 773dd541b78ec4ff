//! What the signed-out account pages say once their form went through: joined, link sent,
//! password reset, address confirmed, change cancelled. A plain form post (and, since the
//! browser bundle became islands, every post) comes back to its page with `?done=<flag>`;
//! only our own flags are recognised and only our own words are shown, so an address cannot
//! make a page say anything else.

use serde::{Deserialize, Serialize};

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum AccountNotice {
    SignedUp,
    ResetLinkSent,
    SignInLinkSent,
    PasswordReset,
    EmailConfirmed,
    /// Confirmed in another browser than the one that signed up: the sign-up password was
    /// cleared (pre-registration takeover guard).
    EmailConfirmedPasswordCleared,
    NewEmailConfirmed,
    EmailChangeCancelled,
    /// The email digest was turned off from the link in one.
    DigestStopped,
}

/// "Please check your inbox", in words that do not say whether the address has an account.
pub const CHECK_INBOX: &str =
    "If that address can receive mail from us, a message is on its way. Please check your inbox.";

impl AccountNotice {
    /// The query parameter that carries the flag.
    pub const QUERY_KEY: &'static str = "done";

    const ALL: [AccountNotice; 9] = [
        AccountNotice::SignedUp,
        AccountNotice::ResetLinkSent,
        AccountNotice::SignInLinkSent,
        AccountNotice::PasswordReset,
        AccountNotice::EmailConfirmed,
        AccountNotice::EmailConfirmedPasswordCleared,
        AccountNotice::NewEmailConfirmed,
        AccountNotice::EmailChangeCancelled,
        AccountNotice::DigestStopped,
    ];

    /// The flag as it appears in the address.
    pub fn flag(self) -> &'static str {
        match self {
            AccountNotice::SignedUp => "joined",
            AccountNotice::ResetLinkSent => "reset-sent",
            AccountNotice::SignInLinkSent => "link-sent",
            AccountNotice::PasswordReset => "reset",
            AccountNotice::EmailConfirmed => "confirmed",
            AccountNotice::EmailConfirmedPasswordCleared => "confirmed-cleared",
            AccountNotice::NewEmailConfirmed => "new-email",
            AccountNotice::EmailChangeCancelled => "cancelled",
            AccountNotice::DigestStopped => "digest-off",
        }
    }

    /// A flag from the address, if it is one of ours.
    pub fn parse(flag: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|notice| notice.flag() == flag)
    }

    /// The page that shows it.
    pub fn page(self) -> &'static str {
        match self {
            AccountNotice::SignedUp => "/signup",
            AccountNotice::ResetLinkSent => "/forgot",
            AccountNotice::SignInLinkSent => "/magic",
            AccountNotice::PasswordReset => "/reset",
            AccountNotice::EmailConfirmed
            | AccountNotice::EmailConfirmedPasswordCleared
            | AccountNotice::NewEmailConfirmed => "/verify",
            AccountNotice::EmailChangeCancelled => "/email-cancel",
            AccountNotice::DigestStopped => "/unsubscribe/digest",
        }
    }

    pub fn message(self) -> &'static str {
        match self {
            AccountNotice::SignedUp => {
                "Welcome! We've sent a confirmation link to your email address. Please open it \
                 to finish signing up."
            }
            AccountNotice::ResetLinkSent | AccountNotice::SignInLinkSent => CHECK_INBOX,
            AccountNotice::PasswordReset => {
                "Your password is changed, and every device was signed out. You can sign in now."
            }
            AccountNotice::EmailConfirmed => {
                "Thank you: your email address is confirmed. You can sign in now."
            }
            AccountNotice::EmailConfirmedPasswordCleared => {
                "Thank you: your email address is confirmed. This link was opened in a different \
                 browser from the one that signed up, so, to keep your account yours alone, the \
                 password chosen at sign-up no longer works. Sign in with an email link, or \
                 choose a new password with \"Forgot your password?\"."
            }
            AccountNotice::NewEmailConfirmed => {
                "Your new email address is confirmed. Other devices were signed out to keep your \
                 account safe."
            }
            AccountNotice::EmailChangeCancelled => {
                "The change is cancelled: your account keeps this address, and every device is \
                 signed out. Please choose a new password now with \"Forgot your password?\", in \
                 case someone else knows it."
            }
            AccountNotice::DigestStopped => {
                "Done: we won't send you the email digest any more. You can turn it back on \
                 from your notifications page whenever you like."
            }
        }
    }

    /// Where a plain form post returns: the page with the flag (and nothing else: a token
    /// in the address it came from is not carried on).
    pub fn return_path(self) -> String {
        format!("{}?{}={}", self.page(), Self::QUERY_KEY, self.flag())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_flag_reads_back_as_itself_and_nothing_else_is_a_flag() {
        for notice in AccountNotice::ALL {
            assert_eq!(AccountNotice::parse(notice.flag()), Some(notice));
            assert!(notice.return_path().starts_with(notice.page()));
        }
        for unknown in ["", "Joined", "<script>", "joined ", "profile"] {
            assert_eq!(AccountNotice::parse(unknown), None, "{unknown:?}");
        }
    }
}
