//! What a kind of job does, and the table of kinds a worker knows.

use serde_json::Value;
use sqlx::PgConnection;
use std::{collections::HashMap, future::Future, pin::Pin, sync::Arc};

/// A claimed job, as its handler sees it.
#[derive(Clone, Debug, PartialEq, sqlx::FromRow)]
pub struct Job {
    pub id: i64,
    pub kind: String,
    pub payload: Value,
    /// Attempts before this one.
    pub attempts: i32,
    pub max_attempts: i32,
}

pub type JobResult<'a> = Pin<Box<dyn Future<Output = anyhow::Result<()>> + Send + 'a>>;

/// One kind of job. `run` gets the job and the worker's open transaction (as the service
/// role): writes made there commit together with the job's completion, so they happen
/// exactly once. An error undoes them and schedules a retry.
pub trait JobHandler: Send + Sync + 'static {
    fn run<'a>(&'a self, job: &'a Job, conn: &'a mut PgConnection) -> JobResult<'a>;
}

/// Handlers by job kind.
#[derive(Clone, Default)]
pub struct JobHandlers {
    by_kind: HashMap<String, Arc<dyn JobHandler>>,
}

impl JobHandlers {
    pub fn new() -> Self {
        Self::default()
    }

    pub fn register(mut self, kind: impl Into<String>, handler: impl JobHandler) -> Self {
        self.by_kind.insert(kind.into(), Arc::new(handler));
        self
    }

    pub fn get(&self, kind: &str) -> Option<&Arc<dyn JobHandler>> {
        self.by_kind.get(kind)
    }

    pub fn kinds(&self) -> impl Iterator<Item = &str> {
        self.by_kind.keys().map(String::as_str)
    }
}
