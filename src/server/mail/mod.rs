//! Mail: requests write to the outbox inside their own transaction; a background drainer
//! sends over SMTP and retries, so a mail outage never loses a request.

pub mod drainer;
pub mod outbox;
