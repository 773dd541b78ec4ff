//! Password hashing with argon2id, and the check against commonly used passwords.
//!
//! Hashing is deliberately slow (tens of milliseconds and 19 MiB each), so it runs on tokio's
//! blocking pool rather than on the async workers that serve other requests, and never more
//! at once than [`Hashing`] allows: otherwise anyone able to send wrong passwords fast could
//! fill the blocking pool and the memory with argon2 work and take the site down.

use std::collections::HashSet;
use std::sync::LazyLock;

use argon2::password_hash::rand_core::OsRng;
use argon2::password_hash::{self, PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use argon2::{Algorithm, Argon2, Params, Version};

/// Fewest characters (not bytes) a new password may have.
pub const MIN_LEN: usize = 8;
/// Most characters (not bytes) a new password may have. Longer ones are refused, never truncated.
pub const MAX_LEN: usize = 128;

/// The 10,000 most common passwords, most common first; see `common_passwords.NOTICE`.
const COMMON_PASSWORDS: &str = include_str!("common_passwords.txt");

/// The common-password list, lowercased, built on first use. Immutable once built.
static COMMON: LazyLock<HashSet<String>> = LazyLock::new(|| {
    COMMON_PASSWORDS
        .lines()
        .filter(|line| !line.is_empty())
        .map(str::to_lowercase)
        .collect()
});

/// A hash of a throwaway password, made once with the current [`params`], for [`burn_time`].
/// `None` only if hashing itself fails, which valid parameters do not.
static DUMMY_HASH: LazyLock<Option<String>> = LazyLock::new(|| {
    hash_blocking("wellspring-dummy-password-for-timing")
        .inspect_err(|error| tracing::error!(%error, "could not build the dummy password hash"))
        .ok()
});

#[derive(Debug, thiserror::Error)]
pub enum PasswordError {
    #[error("could not hash the password: {0}")]
    Hash(password_hash::Error),
    #[error("the stored password hash is malformed: {0}")]
    MalformedHash(password_hash::Error),
    #[error("the password hashing task did not finish: {0}")]
    Task(#[from] tokio::task::JoinError),
    /// Every hashing slot stayed taken for the whole wait: the caller should answer "busy".
    #[error("every password hashing slot is busy")]
    Busy,
}

impl From<PasswordError> for crate::domain::AppError {
    /// Busy is a 429 that says to try again shortly; anything else is our fault, logged.
    fn from(error: PasswordError) -> Self {
        match error {
            PasswordError::Busy => crate::domain::AppError::RateLimited {
                retry_after_secs: 2,
            },
            other => {
                tracing::error!(error = %other, "password hashing failed");
                crate::domain::AppError::Internal
            }
        }
    }
}

/// The process-wide bound on argon2 work: at most `slots` hashes run at once, on `slots`
/// threads of their own, and a caller waits at most `wait` for a slot before it is told to
/// come back later. Waiting callers hold no thread and no database connection, only a future.
///
/// Two measured reasons for this shape (bench/auth.sh, "password hashing under attack"):
/// with every core hashing, a reader's p99 grew six-fold, so by default hashing gets half
/// the cores; and argon2's 19 MiB blocks allocated on tokio's many blocking threads stayed
/// in glibc's per-thread arenas (RSS near 600 MiB), so the work runs on a few dedicated
/// threads whose arenas are reused.
pub struct Hashing {
    slots: std::sync::Arc<tokio::sync::Semaphore>,
    wait: std::time::Duration,
    jobs: std::sync::mpsc::Sender<Job>,
}

type Job = Box<dyn FnOnce() + Send>;

impl std::fmt::Debug for Hashing {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Hashing")
            .field("free_slots", &self.slots.available_permits())
            .field("wait", &self.wait)
            .finish()
    }
}

impl Hashing {
    /// `slots` of 0 means half the cores of this machine (at least one).
    pub fn new(slots: usize, wait: std::time::Duration) -> Self {
        let slots = if slots == 0 {
            (std::thread::available_parallelism().map_or(2, |n| n.get()) / 2).max(1)
        } else {
            slots
        };
        let (jobs, queue) = std::sync::mpsc::channel::<Job>();
        let queue = std::sync::Arc::new(std::sync::Mutex::new(queue));
        for n in 0..slots {
            let queue = queue.clone();
            // The threads end when the `Hashing` (the sender) is dropped.
            let spawned = std::thread::Builder::new()
                .name(format!("argon2-{n}"))
                .spawn(move || {
                    loop {
                        let job = match queue.lock() {
                            Ok(receiver) => receiver.recv(),
                            Err(_) => return,
                        };
                        match job {
                            Ok(job) => job(),
                            Err(_) => return,
                        }
                    }
                });
            if let Err(error) = spawned {
                tracing::error!(%error, "could not start a password hashing thread");
            }
        }
        Self {
            slots: std::sync::Arc::new(tokio::sync::Semaphore::new(slots)),
            wait,
            jobs,
        }
    }

    /// Runs `work` on a hashing thread, in a slot.
    async fn run<T: Send + 'static>(
        &self,
        work: impl FnOnce() -> T + Send + 'static,
    ) -> Result<T, PasswordError> {
        let slot = match tokio::time::timeout(self.wait, self.slots.clone().acquire_owned()).await {
            Ok(Ok(permit)) => permit,
            _ => return Err(PasswordError::Busy),
        };
        let (done, result) = tokio::sync::oneshot::channel();
        // The slot travels with the job and is freed when the work is done, not when the
        // caller stops waiting: a client that hangs up (or a request timeout) must not free
        // a slot whose hash still runs, or queued work would grow without bound.
        self.jobs
            .send(Box::new(move || {
                let _ = done.send(work());
                drop(slot);
            }))
            .map_err(|_| PasswordError::Busy)?;
        result.await.map_err(|_| PasswordError::Busy)
    }

    /// [`hash`], in a slot.
    pub async fn hash(&self, password: String) -> Result<String, PasswordError> {
        self.run(move || hash_blocking(&password)).await?
    }

    /// [`verify`], in a slot.
    pub async fn verify(&self, password: String, phc: String) -> Result<bool, PasswordError> {
        self.run(move || verify_blocking(&password, &phc)).await?
    }

    /// [`burn_time`], in a slot; busy is as good as done (the answer is "no" either way).
    pub async fn burn_time(&self, password: String) {
        let outcome = self
            .run(move || match DUMMY_HASH.as_deref() {
                Some(dummy) => verify_blocking(&password, dummy).map(|_| ()),
                None => Ok(()),
            })
            .await;
        if let Ok(Err(error)) = outcome {
            tracing::error!(%error, "dummy password verification failed");
        }
    }
}

/// Whether `password` is one of the 10,000 most common passwords, ignoring case.
pub fn is_common(password: &str) -> bool {
    COMMON.contains(&password.to_lowercase())
}

/// Argon2id cost parameters recommended by the OWASP Password Storage Cheat Sheet:
/// 19 MiB of memory (m = 19456 KiB), 2 iterations, 1 degree of parallelism.
pub fn params() -> Params {
    // These values are valid, so `new` cannot fail; they are also argon2 0.5's defaults,
    // and the unit tests pin them in case either ever changes.
    Params::new(19_456, 2, 1, None).unwrap_or_default()
}

fn hasher() -> Argon2<'static> {
    Argon2::new(Algorithm::Argon2id, Version::V0x13, params())
}

/// Hashes `password` with argon2id and a fresh random salt, returning a PHC string
/// (`$argon2id$v=19$m=19456,t=2,p=1$…`). Callers validate the length first.
pub async fn hash(password: String) -> Result<String, PasswordError> {
    tokio::task::spawn_blocking(move || hash_blocking(&password)).await?
}

/// Checks `password` against a stored PHC string. A wrong password is `Ok(false)`; a stored
/// hash that cannot be parsed or used is an error, because it means our data is broken.
pub async fn verify(password: String, phc: String) -> Result<bool, PasswordError> {
    tokio::task::spawn_blocking(move || verify_blocking(&password, &phc)).await?
}

/// Spends as long as [`verify`] would, for a sign-in whose email matches no account, so the
/// response time does not reveal which emails have accounts.
pub async fn burn_time(password: String) {
    let outcome = tokio::task::spawn_blocking(move || match DUMMY_HASH.as_deref() {
        Some(dummy) => verify_blocking(&password, dummy).map(|_| ()),
        None => Ok(()),
    })
    .await;
    match outcome {
        Ok(Ok(())) => {}
        Ok(Err(error)) => tracing::error!(%error, "dummy password verification failed"),
        Err(error) => tracing::error!(%error, "dummy password verification did not finish"),
    }
}

fn hash_blocking(password: &str) -> Result<String, PasswordError> {
    let salt = SaltString::generate(&mut OsRng);
    hasher()
        .hash_password(password.as_bytes(), &salt)
        .map(|phc| phc.to_string())
        .map_err(PasswordError::Hash)
}

fn verify_blocking(password: &str, phc: &str) -> Result<bool, PasswordError> {
    let parsed = PasswordHash::new(phc).map_err(PasswordError::MalformedHash)?;
    // The verifier reports a hash without salt or output as a mismatch; it is malformed.
    if parsed.salt.is_none() || parsed.hash.is_none() {
        return Err(PasswordError::MalformedHash(
            password_hash::Error::PhcStringField,
        ));
    }
    match hasher().verify_password(password.as_bytes(), &parsed) {
        Ok(()) => Ok(true),
        Err(password_hash::Error::Password) => Ok(false),
        Err(error) => Err(PasswordError::MalformedHash(error)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn hashed_password_verifies() {
        let phc = hash("correct horse battery staple".to_owned())
            .await
            .unwrap();
        assert!(
            verify("correct horse battery staple".to_owned(), phc)
                .await
                .unwrap()
        );
    }

    #[tokio::test]
    async fn wrong_password_does_not_verify() {
        let phc = hash("correct horse battery staple".to_owned())
            .await
            .unwrap();
        assert!(
            !verify("correct horse battery stapler".to_owned(), phc)
                .await
                .unwrap()
        );
    }

    #[tokio::test]
    async fn hash_is_argon2id_with_owasp_parameters() {
        let phc = hash("correct horse battery staple".to_owned())
            .await
            .unwrap();
        assert!(
            phc.starts_with("$argon2id$v=19$m=19456,t=2,p=1$"),
            "unexpected PHC string {phc}"
        );
    }

    #[tokio::test]
    async fn same_password_hashes_differently_each_time() {
        let first = hash("correct horse battery staple".to_owned())
            .await
            .unwrap();
        let second = hash("correct horse battery staple".to_owned())
            .await
            .unwrap();
        assert_ne!(first, second);
    }

    #[test]
    fn params_match_owasp_recommendation() {
        let params = params();
        assert_eq!(
            (params.m_cost(), params.t_cost(), params.p_cost()),
            (19_456, 2, 1)
        );
    }

    #[tokio::test]
    async fn malformed_stored_hash_is_an_error() {
        let garbage = verify("whatever".to_owned(), "not a hash".to_owned()).await;
        assert!(matches!(garbage, Err(PasswordError::MalformedHash(_))));
        let no_output = verify(
            "whatever".to_owned(),
            "$argon2id$v=19$m=19456,t=2,p=1".to_owned(),
        )
        .await;
        assert!(matches!(no_output, Err(PasswordError::MalformedHash(_))));
    }

    #[tokio::test]
    async fn burn_time_uses_a_hash_with_current_parameters() {
        burn_time("someone@example.com's guess".to_owned()).await;
        let dummy = DUMMY_HASH.as_deref().unwrap();
        assert!(dummy.starts_with("$argon2id$v=19$m=19456,t=2,p=1$"));
    }

    #[tokio::test]
    async fn hashing_slots_bound_concurrent_work_and_busy_callers_are_told() {
        // A job gives its slot back just after its answer is sent, so the next call may
        // find it still held for a moment: the wait covers that, and the busy case below
        // is told after waiting it out.
        let hashing = std::sync::Arc::new(Hashing::new(1, std::time::Duration::from_secs(2)));
        let held = hashing.slots.clone().acquire_owned().await.unwrap();
        let waiting = hashing
            .hash("correct horse battery staple".to_owned())
            .await;
        assert!(matches!(waiting, Err(PasswordError::Busy)), "{waiting:?}");
        drop(held);
        let phc = hashing
            .hash("correct horse battery staple".to_owned())
            .await
            .unwrap();
        assert!(
            hashing
                .verify("correct horse battery staple".to_owned(), phc.clone())
                .await
                .unwrap(),
            "a free slot hashes and verifies on the hashing threads"
        );
        assert!(!hashing.verify("wrong".to_owned(), phc).await.unwrap());
    }

    #[test]
    fn common_passwords_are_found_regardless_of_case() {
        assert!(is_common("password"));
        assert!(is_common("PASSWORD"));
        assert!(is_common("123456"));
    }

    #[test]
    fn uncommon_passphrase_is_not_common() {
        assert!(!is_common("violet kettle drums under a quiet sycamore 42"));
    }

    #[test]
    fn common_password_list_has_exactly_ten_thousand_entries() {
        let lines: Vec<&str> = COMMON_PASSWORDS.lines().collect();
        assert_eq!(lines.len(), 10_000);
        assert!(lines.iter().all(|line| !line.trim().is_empty()));
    }
}
