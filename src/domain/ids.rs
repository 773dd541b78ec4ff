//! Typed ids for what members see by number: a post id cannot be passed where a comment id
//! is expected, in the pages, the server functions or the services. Each is the database's
//! `bigint` underneath, written as a bare number in URLs, forms and JSON (`serde(transparent)`),
//! and bound and read by sqlx as that number on the server.

use serde::{Deserialize, Serialize};
use std::fmt;
use std::str::FromStr;

/// Text that is not a positive whole number, where an id was expected.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct InvalidId;

impl fmt::Display for InvalidId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("not an id")
    }
}

macro_rules! id {
    ($(#[$doc:meta])* $name:ident) => {
        $(#[$doc])*
        #[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
        #[serde(transparent)]
        #[cfg_attr(feature = "ssr", derive(sqlx::Type), sqlx(transparent))]
        pub struct $name(pub i64);

        impl $name {
            /// The number as the database and URLs carry it.
            pub const fn get(self) -> i64 {
                self.0
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                self.0.fmt(f)
            }
        }

        /// Only positive numbers are ids; anything else in a URL is refused before it
        /// reaches a query.
        impl FromStr for $name {
            type Err = InvalidId;
            fn from_str(value: &str) -> Result<Self, Self::Err> {
                match value.parse::<i64>() {
                    Ok(n) if n > 0 => Ok(Self(n)),
                    _ => Err(InvalidId),
                }
            }
        }
    };
}

id!(
    /// A post (`app.posts.id`).
    PostId
);
id!(
    /// A comment, that is a reply to a post or to another comment (`app.comments.id`).
    CommentId
);
id!(
    /// A circle (`app.circles.id`).
    CircleId
);

#[cfg(all(test, feature = "ssr"))]
mod tests {
    use super::*;

    #[test]
    fn ids_read_as_positive_numbers_only_and_serialise_bare() {
        assert_eq!("42".parse::<PostId>(), Ok(PostId(42)));
        for bad in ["0", "-3", "x", "", "4.2"] {
            assert!(bad.parse::<CommentId>().is_err(), "{bad} should be refused");
        }
        assert_eq!(serde_json::to_string(&CircleId(7)).unwrap(), "7");
        assert_eq!(PostId(9).to_string(), "9");
    }
}
