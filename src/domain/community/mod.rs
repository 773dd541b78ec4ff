//! Community types shared by the pages and the server: circles, posts, comments, reactions,
//! feeds, profiles and search results, and the rules members' input must meet.

pub mod circle;
pub mod comment;
pub mod cursor;
pub mod feed;
pub mod post;
pub mod profile;
pub mod reaction;
pub mod search;
pub mod slug;
pub mod validate;

pub use circle::*;
pub use comment::*;
pub use cursor::Cursor;
pub use feed::*;
pub use post::*;
pub use profile::*;
pub use reaction::*;
pub use search::*;
