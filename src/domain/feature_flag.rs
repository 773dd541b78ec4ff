//! Feature flags and kill switches (migration 0029): what admins can turn off at once.

use serde::{Deserialize, Serialize};

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FeatureFlag {
    /// New accounts by email sign-up (a first sign-in with a provider is not gated yet).
    SignUps,
    /// New posts and replies (reading, reacting and everything else go on).
    Posting,
    /// The live updates socket (pages still work without it).
    LiveUpdates,
}

impl FeatureFlag {
    pub const ALL: [FeatureFlag; 3] = [Self::SignUps, Self::Posting, Self::LiveUpdates];

    pub fn key(self) -> &'static str {
        match self {
            Self::SignUps => "sign_ups",
            Self::Posting => "posting",
            Self::LiveUpdates => "live_updates",
        }
    }

    pub fn parse(key: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|flag| flag.key() == key)
    }

    pub fn label(self) -> &'static str {
        match self {
            Self::SignUps => "New accounts",
            Self::Posting => "New posts and replies",
            Self::LiveUpdates => "Live updates",
        }
    }

    /// What members are told while it is off.
    pub fn paused_sentence(self) -> &'static str {
        match self {
            Self::SignUps => "New accounts are paused for a little while. Please try again later.",
            Self::Posting => {
                "Posting is paused for a little while. You can still read and react; please try again later."
            }
            Self::LiveUpdates => "Live updates are paused for a little while; pages still work.",
        }
    }
}

/// One flag as the admin page shows it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct FlagState {
    pub flag: FeatureFlag,
    pub enabled: bool,
    /// Set in the configuration: the page cannot change it.
    pub overridden: bool,
    /// "@ana · 5 Dec 2026", or empty when never changed.
    pub changed: String,
}
