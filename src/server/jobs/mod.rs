//! The durable job queue, in PostgreSQL (`app.jobs`, migration 0014).
//!
//! - [`queue::enqueue`] adds a job inside the caller's transaction: it exists if and only if
//!   the change that caused it committed.
//! - [`worker`] claims due jobs with `for update skip locked` and runs each inside one
//!   transaction that also deletes it on success: exactly once across instances for
//!   database effects, a dead worker's job free again the moment its connection drops.
//! - Failures retry with doubling backoff; a job out of attempts is parked (`failed_at`)
//!   and listed by [`queue::parked`] for admins.
//! - A dedupe key keeps one unfinished job per (kind, key).
//! - [`schedule`] fires periodic jobs once per period across instances.
//! - Workers and the scheduler run under the application's supervisor and stop between
//!   jobs on shutdown.
//!
//! Why our own and not `graphile_worker` (the Rust port of Graphile Worker, 0.13, sqlx 0.8):
//! its crashed-worker recovery waits for a 4-hour lock expiry, it installs its own schema
//! whose tables sit outside our Row Level Security rule and must be created by the owner at
//! run time, and it adds a dozen crates (chrono, a cron parser, its own migrations). The
//! queue we need is one table, one schedule table and about 300 lines that fit the
//! request-role model the rest of the data follows.

pub mod handler;
pub mod queue;
pub mod schedule;
pub mod worker;

pub use handler::{Job, JobHandler, JobHandlers, JobResult};
pub use queue::{NewJob, enqueue};
pub use schedule::Schedule;
pub use worker::WorkerOptions;
