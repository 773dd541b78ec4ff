//! HTTP plumbing that is not a page: health, metrics, assets, caching, error statuses.

pub mod assets;
pub mod audit_csv;
pub mod client_ip;
pub mod database_gate;
pub mod dev_mailbox;
pub mod draining;
pub mod errors;
pub mod etag;
pub mod health;
pub mod html;
pub mod metrics;
pub mod oauth;
pub mod page_compression;
pub mod route_groups;
pub mod serve;
pub mod unsubscribe;
pub mod visitor_pages;
