//! Server-only code (feature `ssr`): configuration, start-up, HTTP plumbing, database.

pub mod auth;
pub mod backup;
pub mod charts;
pub mod cli;
pub mod config;
pub mod db;
pub mod events;
pub mod http;
pub mod jobs;
pub mod mail;
pub mod markdown;
pub mod media;
pub mod page_routes;
pub mod realtime;
pub mod security;
pub mod seed;
pub mod services;
pub mod startup;
pub mod state;
pub mod supervisor;
pub mod telemetry;
