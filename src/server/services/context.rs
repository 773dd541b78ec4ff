//! What a service may use, and nothing more: the requests' pool (which logs in as
//! `authenticator` and can only become `anon` or `authenticated`), who is calling, and a
//! clock. Never the owner's pool, which bypasses Row Level Security, and never the rest of
//! the application state. Events need no sink here: the database records them in the same
//! transaction as the change (migration 0014), so no service can announce a change that did
//! not commit, or forget one that did.
//!
//! Readers are written once, as functions of an open transaction; [`as_caller!`] runs one or
//! several of them in one transaction as the caller, so a page composes its readers without
//! a second pool checkout.

use crate::{
    domain::AppError,
    server::{
        auth::session::CurrentSession,
        db::scoped::{self, RequestClaims},
        state::AppState,
    },
};
use sqlx::{PgPool, Postgres, Transaction};
use time::OffsetDateTime;

/// An open request transaction.
pub type Tx = Transaction<'static, Postgres>;

/// The time as services see it: the system clock, or a fixed instant in tests.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Clock {
    #[default]
    System,
    Fixed(OffsetDateTime),
}

impl Clock {
    pub fn now(self) -> OffsetDateTime {
        match self {
            Clock::System => OffsetDateTime::now_utc(),
            Clock::Fixed(at) => at,
        }
    }
}

#[derive(Clone, Debug)]
pub struct ServiceContext {
    pool: PgPool,
    caller: Option<CurrentSession>,
    clock: Clock,
}

impl ServiceContext {
    pub fn new(pool: PgPool, caller: Option<CurrentSession>) -> Self {
        Self {
            pool,
            caller,
            clock: Clock::System,
        }
    }

    /// The request pool from the application state; nothing else of it.
    pub fn from_state(state: &AppState, caller: Option<CurrentSession>) -> Self {
        Self::new(state.pool.clone(), caller)
    }

    pub fn with_clock(mut self, clock: Clock) -> Self {
        self.clock = clock;
        self
    }

    pub fn caller(&self) -> Option<&CurrentSession> {
        self.caller.as_ref()
    }

    pub fn signed_in(&self) -> bool {
        self.caller.is_some()
    }

    /// The signed-in member, or a kind "please sign in".
    pub fn member(&self) -> Result<&CurrentSession, AppError> {
        self.caller.as_ref().ok_or(AppError::Unauthorized)
    }

    pub fn now(&self) -> OffsetDateTime {
        self.clock.now()
    }

    /// A transaction as the caller: `authenticated` with their claims, or `anon`. For work
    /// that decides itself when to commit; readers go through [`as_caller!`].
    pub async fn begin(&self) -> Result<Tx, AppError> {
        let claims = self
            .caller
            .as_ref()
            .map_or_else(RequestClaims::anonymous, CurrentSession::request_claims);
        Ok(scoped::begin(&self.pool, &claims).await?)
    }

    /// A transaction as the identity service (`auth_admin`), for work that also writes the
    /// audit log or the outbox; never for a member's own data.
    pub async fn begin_as_service(&self) -> Result<Tx, AppError> {
        Ok(scoped::begin(&self.pool, &RequestClaims::auth_admin()).await?)
    }
}

/// Runs `$body` — an expression of `$tx: &mut Tx` giving `Result<T, AppError>` — in one
/// transaction as the caller of `$ctx` (a [`ServiceContext`]): committed when it succeeds,
/// rolled back (dropped) when it fails. Evaluates to a future of `Result<T, AppError>`.
/// A macro rather than a method taking an async closure: the futures server functions
/// return must be `Send` for every lifetime of the borrowed transaction, which the compiler
/// cannot yet prove for an async closure's future.
///
/// ```ignore
/// let post = as_caller!(ctx, |tx| posts::read(tx, signed_in, id).await).await?;
/// ```
#[macro_export]
macro_rules! as_caller {
    ($ctx:expr, |$tx:ident| $body:expr) => {
        async {
            let mut transaction = $ctx.begin().await?;
            let value = {
                let $tx = &mut transaction;
                $body
            }?;
            transaction.commit().await?;
            Ok::<_, $crate::domain::AppError>(value)
        }
    };
}
