//! How often a member is mailed a digest of their unread notifications.

use serde::{Deserialize, Serialize};

/// Off unless the member chooses otherwise: mail about a health community is something a
/// member asks for, never something they must find a way to stop.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DigestFrequency {
    #[default]
    Off,
    Daily,
    Weekly,
}

impl DigestFrequency {
    pub const ALL: [Self; 3] = [Self::Off, Self::Daily, Self::Weekly];

    pub fn parse(value: &str) -> Option<Self> {
        match value {
            "off" => Some(Self::Off),
            "daily" => Some(Self::Daily),
            "weekly" => Some(Self::Weekly),
            _ => None,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Off => "off",
            Self::Daily => "daily",
            Self::Weekly => "weekly",
        }
    }

    /// The choice as a member reads it.
    pub fn label(self) -> &'static str {
        match self {
            Self::Off => "Never",
            Self::Daily => "Once a day",
            Self::Weekly => "Once a week",
        }
    }

    /// "daily", "weekly": how the mail names its own rhythm.
    pub fn adverb(self) -> &'static str {
        match self {
            Self::Off => "never",
            Self::Daily => "daily",
            Self::Weekly => "weekly",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_frequency_reads_back_as_itself_and_nothing_else_is_one() {
        for frequency in DigestFrequency::ALL {
            assert_eq!(DigestFrequency::parse(frequency.as_str()), Some(frequency));
        }
        assert_eq!(DigestFrequency::parse("hourly"), None);
        assert_eq!(DigestFrequency::parse(""), None);
        assert_eq!(DigestFrequency::default(), DigestFrequency::Off);
    }
}
