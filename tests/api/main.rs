//! Integration tests: the real server on port 0 against a real PostgreSQL, one fresh
//! database per test cloned from a migrated template. One binary for all of them.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod helpers;

mod abuse;
mod anonymous_replies;
mod community;
mod digests;
mod embedded;
mod events;
mod header;
mod headers;
mod health;
mod identity;
mod identity_client_ip;
mod identity_no_js;
mod identity_sign_ins;
mod jobs;
mod long_threads;
mod mail;
mod metrics;
mod migrations;
mod moderation;
mod notifications;
mod oauth;
mod oauth_provider;
mod pages;
mod pre_registration;
mod realtime;
mod request_id;
mod revocation;
mod rls;
mod rls_community;
mod rls_identity;
mod route_groups;
mod sanctions;
mod schema_file;
mod seed;
mod shutdown;
mod smtp_sink;
mod step_up;
mod submissions;
mod text_rules;
mod unavailable;
mod visitor_pages;
mod watched_words;
