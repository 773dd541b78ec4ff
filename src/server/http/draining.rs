//! Shutdown in two steps. On SIGTERM the instance first says it is going (`/readyz` answers
//! 503 "draining", and every HTTP/1.1 answer carries `Connection: close`, so kept-alive
//! clients and proxies open their next connection elsewhere) while it still serves every
//! request for `server.drain_delay_ms`; only then does it stop accepting and drain what is
//! in flight. A proxy or Kubernetes needs that moment to take the instance out of rotation:
//! without it, a request can land on a connection the instance is already closing.

use std::sync::atomic::{AtomicBool, Ordering};

/// Whether this instance has been asked to stop and is serving its last moments.
#[derive(Debug, Default)]
pub struct Draining(AtomicBool);

impl Draining {
    pub fn begin(&self) {
        self.0.store(true, Ordering::Relaxed);
    }

    pub fn is_draining(&self) -> bool {
        self.0.load(Ordering::Relaxed)
    }
}
