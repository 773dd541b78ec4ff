//! What the public status page reports.

use serde::{Deserialize, Serialize};

/// The health of the parts a visitor depends on, as measured for one request.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ServiceStatus {
    /// Round trip of a query through the request-scoped, row-level-secured path, in ms.
    pub database_latency_ms: f64,
    /// The role the query ran as: proves requests never run as the owner.
    pub database_role: String,
}
