//! The job queue against a real PostgreSQL: exactly once across workers, a dead worker's job
//! retried at once, parking after the last attempt, deduplication, transactional enqueue,
//! and periodic schedules that fire once per period across instances.

use crate::helpers::TestDatabase;
use serde_json::json;
use sqlx::{PgConnection, PgPool, postgres::PgPoolOptions};
use std::{
    collections::HashMap,
    sync::{Arc, Mutex},
    time::Duration,
};
use tokio::sync::Notify;
use uuid::Uuid;
use wellspring::server::{
    db::scoped::{self, DbRole, RequestClaims},
    jobs::{
        Job, JobHandler, JobHandlers, JobResult, NewJob, Schedule, WorkerOptions, enqueue, queue,
        schedule, worker, worker::Outcome,
    },
    supervisor::Supervisor,
};

/// A table each test job writes its id into, with no uniqueness: a job run twice shows as
/// two rows rather than an error that a retry would hide.
async fn runs_table(pool: &PgPool) {
    sqlx::query("create table public.job_runs (job_id bigint not null, worker text not null)")
        .execute(pool)
        .await
        .unwrap();
    sqlx::query("grant insert, select on public.job_runs to auth_admin")
        .execute(pool)
        .await
        .unwrap();
}

/// Records its run under the worker's name.
struct Record(&'static str);

impl JobHandler for Record {
    fn run<'a>(&'a self, job: &'a Job, conn: &'a mut PgConnection) -> JobResult<'a> {
        Box::pin(async move {
            sqlx::query("insert into public.job_runs (job_id, worker) values ($1, $2)")
                .bind(job.id)
                .bind(self.0)
                .execute(conn)
                .await?;
            Ok(())
        })
    }
}

fn recording(worker: &'static str) -> JobHandlers {
    JobHandlers::new().register("test.record", Record(worker))
}

/// Reports its database backend, then hangs, as a stuck or dying process would.
struct Hang {
    started: Arc<Notify>,
    backend: Arc<Mutex<Option<i32>>>,
}

impl JobHandler for Hang {
    fn run<'a>(&'a self, _job: &'a Job, conn: &'a mut PgConnection) -> JobResult<'a> {
        Box::pin(async move {
            let pid: i32 = sqlx::query_scalar("select pg_backend_pid()")
                .fetch_one(&mut *conn)
                .await?;
            *self.backend.lock().unwrap() = Some(pid);
            self.started.notify_one();
            std::future::pending::<()>().await;
            Ok(())
        })
    }
}

/// Writes something, then fails: the write must be undone.
struct Fail;

impl JobHandler for Fail {
    fn run<'a>(&'a self, _job: &'a Job, conn: &'a mut PgConnection) -> JobResult<'a> {
        Box::pin(async move {
            sqlx::query(
                "insert into app.job_schedules (name, last_period_at) values ('trace', now())",
            )
            .execute(conn)
            .await?;
            anyhow::bail!("the far end said no")
        })
    }
}

/// A pool of its own, as a second application instance would have.
async fn instance_pool(database: &TestDatabase, connections: u32) -> PgPool {
    PgPoolOptions::new()
        .max_connections(connections)
        .connect(&database.url)
        .await
        .unwrap()
}

async fn enqueue_committed(pool: &PgPool, job: &NewJob) -> Option<i64> {
    let mut tx = scoped::begin(pool, &RequestClaims::auth_admin())
        .await
        .unwrap();
    let id = enqueue(&mut tx, job).await.unwrap();
    tx.commit().await.unwrap();
    id
}

async fn jobs_left(pool: &PgPool) -> i64 {
    sqlx::query_scalar("select count(*) from app.jobs")
        .fetch_one(pool)
        .await
        .unwrap()
}

fn quick() -> WorkerOptions {
    WorkerOptions {
        concurrency: 2,
        poll_interval: Duration::from_millis(20),
        retry_base: Duration::ZERO,
        retry_ceiling: Duration::ZERO,
    }
}

#[tokio::test]
async fn two_instances_run_a_thousand_jobs_each_exactly_once() {
    let database = TestDatabase::migrated().await;
    let owner = database.pool().await;
    runs_table(&owner).await;
    let mut tx = scoped::begin(&owner, &RequestClaims::auth_admin())
        .await
        .unwrap();
    for n in 0..1000 {
        enqueue(&mut tx, &NewJob::new("test.record", json!({ "n": n })))
            .await
            .unwrap()
            .unwrap();
    }
    tx.commit().await.unwrap();

    let (a, b) = (
        instance_pool(&database, 4).await,
        instance_pool(&database, 4).await,
    );
    let supervisor = Supervisor::new();
    for (pool, name) in [(a, "a"), (b, "b")] {
        worker::spawn(
            &supervisor,
            pool,
            Arc::new(recording(name)),
            quick(),
            Arc::new(Notify::new()),
        );
    }
    tokio::time::timeout(Duration::from_secs(60), async {
        while jobs_left(&owner).await > 0 {
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    })
    .await
    .expect("1,000 jobs finish within a minute");
    assert!(supervisor.shut_down(Duration::from_secs(10)).await);

    let (runs, distinct): (i64, i64) =
        sqlx::query_as("select count(*), count(distinct job_id) from public.job_runs")
            .fetch_one(&owner)
            .await
            .unwrap();
    assert_eq!((runs, distinct), (1000, 1000), "every job ran, none twice");
    let per_worker: Vec<(String, i64)> = sqlx::query_as(
        "select worker, count(*) from public.job_runs group by worker order by worker",
    )
    .fetch_all(&owner)
    .await
    .unwrap();
    assert_eq!(
        per_worker.len(),
        2,
        "both instances took work: {per_worker:?}"
    );
}

#[tokio::test]
async fn a_job_whose_worker_dies_mid_run_is_taken_by_another_at_once() {
    let database = TestDatabase::migrated().await;
    let owner = database.pool().await;
    runs_table(&owner).await;
    let job = enqueue_committed(&owner, &NewJob::new("test.record", json!({})))
        .await
        .unwrap();

    // Instance A's handler reports its backend and then hangs, as a stuck or dying process.
    let started = Arc::new(Notify::new());
    let backend = Arc::new(Mutex::new(None::<i32>));
    let hanging = JobHandlers::new().register(
        "test.record",
        Hang {
            started: started.clone(),
            backend: backend.clone(),
        },
    );
    let a = instance_pool(&database, 2).await;
    let a_task = tokio::spawn(async move { worker::run_one(&a, &hanging, &quick()).await });
    tokio::time::timeout(Duration::from_secs(10), started.notified())
        .await
        .expect("A starts the job");

    // While A holds it, nobody else may run it.
    let b = instance_pool(&database, 2).await;
    assert_eq!(
        worker::run_one(&b, &recording("b"), &quick())
            .await
            .unwrap(),
        None,
        "a job being run is not due for anyone else"
    );

    // A dies: its connection is cut, as when the process is killed.
    let pid = backend.lock().unwrap().expect("A's backend");
    sqlx::query("select pg_terminate_backend($1)")
        .bind(pid)
        .execute(&owner)
        .await
        .unwrap();
    a_task.abort();

    let taken = tokio::time::timeout(Duration::from_secs(10), async {
        loop {
            if let Some(result) = worker::run_one(&b, &recording("b"), &quick())
                .await
                .unwrap()
            {
                return result;
            }
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    })
    .await
    .expect("B takes the job within seconds, not after a lease expires");
    assert_eq!(taken, (job, Outcome::Done));
    let runs: Vec<String> = sqlx::query_scalar("select worker from public.job_runs")
        .fetch_all(&owner)
        .await
        .unwrap();
    assert_eq!(
        runs,
        vec!["b".to_owned()],
        "A's half-done work was rolled back"
    );
    assert_eq!(jobs_left(&owner).await, 0);
}

#[tokio::test]
async fn a_job_that_keeps_failing_is_retried_then_parked_where_admins_see_it() {
    let database = TestDatabase::migrated().await;
    let owner = database.pool().await;
    let failing = JobHandlers::new().register("test.fail", Fail);
    let id = enqueue_committed(
        &owner,
        &NewJob::new("test.fail", json!({})).with_max_attempts(3),
    )
    .await
    .unwrap();

    let options = quick();
    let mut outcomes = Vec::new();
    for _ in 0..3 {
        outcomes.push(worker::run_one(&owner, &failing, &options).await.unwrap());
    }
    assert_eq!(
        outcomes,
        vec![
            Some((id, Outcome::Retrying)),
            Some((id, Outcome::Retrying)),
            Some((id, Outcome::Parked))
        ]
    );
    assert_eq!(
        worker::run_one(&owner, &failing, &options).await.unwrap(),
        None,
        "a parked job is never run again"
    );

    let mut tx = scoped::begin(&owner, &RequestClaims::auth_admin())
        .await
        .unwrap();
    let parked = queue::parked(&mut tx, 10).await.unwrap();
    let depth = queue::depth(&mut tx).await.unwrap();
    tx.commit().await.unwrap();
    assert_eq!(parked.len(), 1);
    assert_eq!(parked[0].id, id);
    assert_eq!(parked[0].attempts, 3);
    assert!(
        parked[0]
            .last_error
            .as_deref()
            .unwrap_or("")
            .contains("the far end said no"),
        "{:?}",
        parked[0].last_error
    );
    assert_eq!((depth.waiting, depth.parked), (0, 1));
    let traces: i64 = sqlx::query_scalar("select count(*) from app.job_schedules")
        .fetch_one(&owner)
        .await
        .unwrap();
    assert_eq!(traces, 0, "a failed attempt's writes are rolled back");
}

#[tokio::test]
async fn a_failed_job_waits_for_its_backoff_before_running_again() {
    let database = TestDatabase::migrated().await;
    let owner = database.pool().await;
    let failing = JobHandlers::new().register("test.fail", Fail);
    enqueue_committed(&owner, &NewJob::new("test.fail", json!({}))).await;
    let options = WorkerOptions {
        retry_base: Duration::from_secs(60),
        retry_ceiling: Duration::from_secs(3600),
        ..quick()
    };
    assert!(matches!(
        worker::run_one(&owner, &failing, &options).await.unwrap(),
        Some((_, Outcome::Retrying))
    ));
    assert_eq!(
        worker::run_one(&owner, &failing, &options).await.unwrap(),
        None
    );
    let later: bool = sqlx::query_scalar(
        "select run_at > now() + interval '50 seconds' and last_error is not null from app.jobs",
    )
    .fetch_one(&owner)
    .await
    .unwrap();
    assert!(later);
}

#[tokio::test]
async fn a_dedupe_key_keeps_one_unfinished_job_and_frees_up_when_it_is_done() {
    let database = TestDatabase::migrated().await;
    let owner = database.pool().await;
    runs_table(&owner).await;
    let job = || NewJob::new("test.record", json!({})).with_dedupe_key("digest:ada");
    let first = enqueue_committed(&owner, &job()).await;
    assert!(first.is_some());
    assert_eq!(
        enqueue_committed(&owner, &job()).await,
        None,
        "a duplicate is not added"
    );
    assert_eq!(jobs_left(&owner).await, 1);
    worker::run_one(&owner, &recording("a"), &quick())
        .await
        .unwrap();
    assert!(
        enqueue_committed(&owner, &job()).await.is_some(),
        "once done, the key can be used again"
    );
}

#[tokio::test]
async fn a_job_enqueued_by_a_member_exists_only_if_their_change_commits() {
    let database = TestDatabase::migrated().await;
    let owner = database.pool().await;
    let member = RequestClaims {
        role: DbRole::Authenticated,
        claims: json!({ "sub": Uuid::new_v4(), "role": "authenticated", "app_role": "member" }),
    };

    let mut tx = scoped::begin(&owner, &member).await.unwrap();
    enqueue(&mut tx, &NewJob::new("test.record", json!({})))
        .await
        .unwrap();
    let role: String = sqlx::query_scalar("select current_user::text")
        .fetch_one(&mut *tx)
        .await
        .unwrap();
    assert_eq!(
        role, "authenticated",
        "the member's role is restored after enqueueing"
    );
    let denied = sqlx::query_scalar::<_, i64>("select count(*) from app.jobs")
        .fetch_one(&mut *tx)
        .await;
    assert!(denied.is_err(), "members cannot read the queue");
    tx.rollback().await.unwrap();
    let mut tx = scoped::begin(&owner, &member).await.unwrap();
    let denied =
        sqlx::query("insert into app.job_schedules (name, last_period_at) values ('x', now())")
            .execute(&mut *tx)
            .await;
    assert!(denied.is_err(), "members cannot move schedules");
    tx.rollback().await.unwrap();
    assert_eq!(
        jobs_left(&owner).await,
        0,
        "rolled back with the member's change"
    );

    let mut tx = scoped::begin(&owner, &member).await.unwrap();
    enqueue(&mut tx, &NewJob::new("test.record", json!({})))
        .await
        .unwrap();
    tx.commit().await.unwrap();
    assert_eq!(jobs_left(&owner).await, 1);
}

#[tokio::test]
async fn a_periodic_job_fires_once_per_period_with_two_instances_ticking() {
    let database = TestDatabase::migrated().await;
    let (a, b) = (
        instance_pool(&database, 2).await,
        instance_pool(&database, 2).await,
    );
    let every = Duration::from_millis(400);
    let schedule = Schedule {
        name: "test.tick",
        every,
        kind: "test.tick",
        payload: json!({}),
    };
    let wins: Arc<Mutex<Vec<(&'static str, time::OffsetDateTime)>>> = Arc::default();
    let started = std::time::Instant::now();
    let run = |pool: PgPool, name: &'static str| {
        let (schedule, wins) = (schedule.clone(), wins.clone());
        async move {
            while started.elapsed() < Duration::from_millis(2000) {
                if let Some(period) = schedule::tick(&pool, &schedule).await.unwrap() {
                    wins.lock().unwrap().push((name, period));
                }
                tokio::time::sleep(Duration::from_millis(5)).await;
            }
        }
    };
    tokio::join!(run(a, "a"), run(b, "b"));
    let wins = wins.lock().unwrap().clone();
    let mut per_period: HashMap<time::OffsetDateTime, usize> = HashMap::new();
    for (_, period) in &wins {
        *per_period.entry(*period).or_default() += 1;
    }
    assert!(
        per_period.values().all(|&n| n == 1),
        "never two firings in one period: {wins:?}"
    );
    assert!(
        (5..=6).contains(&wins.len()),
        "one firing per 400 ms period over 2 s: {wins:?}"
    );
    // Each firing enqueued one job; unrun ones are deduplicated by the schedule's name.
    let owner = database.pool().await;
    assert_eq!(jobs_left(&owner).await, 1);
}

/// Sleeps, then records its run: a job that is in flight when shutdown begins.
struct Slow(Duration);

impl JobHandler for Slow {
    fn run<'a>(&'a self, job: &'a Job, conn: &'a mut PgConnection) -> JobResult<'a> {
        Box::pin(async move {
            tokio::time::sleep(self.0).await;
            Record("slow").run(job, conn).await
        })
    }
}

#[tokio::test]
async fn shutdown_lets_the_job_in_hand_finish_and_takes_no_other() {
    let database = TestDatabase::migrated().await;
    let owner = database.pool().await;
    runs_table(&owner).await;
    for _ in 0..3 {
        enqueue_committed(&owner, &NewJob::new("test.record", json!({}))).await;
    }
    let supervisor = Supervisor::new();
    let handlers = JobHandlers::new().register("test.record", Slow(Duration::from_millis(400)));
    worker::spawn(
        &supervisor,
        instance_pool(&database, 2).await,
        Arc::new(handlers),
        WorkerOptions {
            concurrency: 1,
            ..quick()
        },
        Arc::new(Notify::new()),
    );
    tokio::time::sleep(Duration::from_millis(100)).await;
    assert!(
        supervisor.shut_down(Duration::from_secs(5)).await,
        "stopped in time"
    );
    let runs: i64 = sqlx::query_scalar("select count(*) from public.job_runs")
        .fetch_one(&owner)
        .await
        .unwrap();
    assert_eq!(runs, 1, "the job in hand finished; no other was started");
    assert_eq!(
        jobs_left(&owner).await,
        2,
        "the rest wait for the next instance"
    );
}

#[tokio::test]
async fn a_job_abandoned_at_the_shutdown_deadline_is_retried_by_the_next_instance() {
    let database = TestDatabase::migrated().await;
    let owner = database.pool().await;
    runs_table(&owner).await;
    let job = enqueue_committed(&owner, &NewJob::new("test.record", json!({})))
        .await
        .unwrap();
    let first = instance_pool(&database, 2).await;
    let supervisor = Supervisor::new();
    worker::spawn(
        &supervisor,
        first.clone(),
        Arc::new(JobHandlers::new().register("test.record", Slow(Duration::from_secs(30)))),
        WorkerOptions {
            concurrency: 1,
            ..quick()
        },
        Arc::new(Notify::new()),
    );
    tokio::time::sleep(Duration::from_millis(200)).await;
    assert!(
        !supervisor.shut_down(Duration::from_millis(100)).await,
        "the slow job outlives the deadline"
    );
    // The process exits: its connections go, and with them the job's transaction.
    drop(supervisor);
    sqlx::query(
        "select pg_terminate_backend(pid) from pg_stat_activity
          where datname = current_database() and pid <> pg_backend_pid()",
    )
    .execute(&owner)
    .await
    .ok();
    let next = instance_pool(&database, 2).await;
    let taken = tokio::time::timeout(Duration::from_secs(10), async {
        loop {
            if let Some(result) = worker::run_one(&next, &recording("next"), &quick())
                .await
                .unwrap()
            {
                return result;
            }
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    })
    .await
    .expect("the next instance runs the abandoned job");
    assert_eq!(taken, (job, Outcome::Done));
}
