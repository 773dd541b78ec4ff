//! The staff dashboard's figures and charts. The community's figures come from the
//! security-definer functions of migration 0030, called as the caller (they refuse anyone but
//! site staff, and the database's health anyone but admins) and each a range scan on an
//! index; this instance's traffic comes from its own metrics (the last hour, minute by
//! minute); the pool's figures from the pool. Charts are drawn here, on the server.

use crate::{
    domain::{
        AccountRole, AppError,
        dashboard::{
            Chart, CommunityFigures, Dashboard, Figure, OperationsFigures, SlowStatement,
            TableSize, byte_size, wait_label,
        },
    },
    server::{
        charts::{self, SERIES_COLOURS, Series},
        services::{community::rows::day_month_label, context::ServiceContext},
        telemetry::traffic::MinuteFigures,
    },
};
use std::{
    sync::Mutex,
    time::{Duration, Instant},
};
use time::Date;

/// The dashboards this instance drew lately: one for site staff, one for admins (their
/// figures are site-wide, the same for everyone who may see them). Held in the application
/// state; `moderation.dashboard_cache_ms` says for how long.
#[derive(Default)]
pub struct KeptDashboards {
    kept: Mutex<[Option<(Instant, Dashboard)>; 2]>,
}

impl KeptDashboards {
    /// The dashboard drawn for `admin` (or site staff) less than `keep` ago.
    pub fn fresh(&self, admin: bool, keep: Duration) -> Option<Dashboard> {
        let kept = self.kept.lock().unwrap_or_else(|e| e.into_inner());
        kept[usize::from(admin)]
            .as_ref()
            .filter(|(at, _)| at.elapsed() < keep)
            .map(|(_, dashboard)| dashboard.clone())
    }

    pub fn keep(&self, admin: bool, dashboard: &Dashboard) {
        let mut kept = self.kept.lock().unwrap_or_else(|e| e.into_inner());
        kept[usize::from(admin)] = Some((Instant::now(), dashboard.clone()));
    }
}

/// How many days the community charts cover.
pub const DAYS: u32 = 30;

/// The pool as the dashboard shows it.
#[derive(Clone, Copy, Debug)]
pub struct PoolFigures {
    pub in_use: u32,
    pub idle: u32,
    pub max: u32,
}

/// What an admin sees of this instance, read by the caller from the application state.
pub struct InstanceFigures {
    pub last_hour: Vec<MinuteFigures>,
    pub pool: PoolFigures,
}

#[derive(sqlx::FromRow)]
struct DayRow {
    day: Date,
    sign_ups: i64,
    active_members: i64,
    posts: i64,
    comments: i64,
    reports_filed: i64,
    reports_settled: i64,
}

#[derive(sqlx::FromRow)]
struct BacklogRow {
    open_targets: i64,
    open_reports: i64,
    settled_recently: i64,
    median_wait_secs: Option<f64>,
    p90_wait_secs: Option<f64>,
}

/// The dashboard for the caller: nothing for members and circle moderators, the community
/// for site staff, and operations too for admins. `instance` is only read for admins.
#[tracing::instrument(skip(ctx, instance))]
pub async fn read(
    ctx: &ServiceContext,
    instance: impl FnOnce() -> InstanceFigures,
) -> Result<Dashboard, AppError> {
    let caller = ctx.member()?;
    if !caller.role.is_staff() {
        return Ok(Dashboard::default());
    }
    let admin = caller.role == AccountRole::Admin;
    let (days, backlog, database) = crate::as_caller!(ctx, |tx| {
        let days: Vec<DayRow> = sqlx::query_as("select * from app.dashboard_days($1)")
            .bind(DAYS as i32)
            .fetch_all(&mut **tx)
            .await?;
        let backlog: BacklogRow = sqlx::query_as("select * from app.dashboard_backlog()")
            .fetch_one(&mut **tx)
            .await?;
        let database: Option<serde_json::Value> = if admin {
            Some(
                sqlx::query_scalar("select app.dashboard_database()")
                    .fetch_one(&mut **tx)
                    .await?,
            )
        } else {
            None
        };
        Ok::<_, AppError>((days, backlog, database))
    })
    .await?;
    let community = community(&days, &backlog);
    let operations = database.map(|database| operations(&database, instance()));
    Ok(Dashboard {
        community: Some(community),
        operations,
    })
}

/// A chart of whole-number series over labelled points, with its table.
fn chart(
    title: &str,
    caption: &str,
    label_heading: &str,
    labels: Vec<String>,
    series: &[(&str, Vec<f64>)],
    shown: impl Fn(f64) -> String,
) -> Chart {
    let lines: Vec<Series<'_>> = series.iter().map(|(_, values)| Series { values }).collect();
    let svg = charts::line_chart(&labels, &lines, title);
    let rows = labels
        .iter()
        .enumerate()
        .map(|(i, label)| {
            let values = series
                .iter()
                .map(|(_, values)| values.get(i).copied().map(&shown).unwrap_or_default())
                .collect();
            (label.clone(), values)
        })
        .collect();
    Chart {
        title: title.to_owned(),
        caption: caption.to_owned(),
        svg,
        series: series
            .iter()
            .zip(SERIES_COLOURS.iter().cycle())
            .map(|((name, _), colour)| ((*name).to_owned(), (*colour).to_owned()))
            .collect(),
        label_heading: label_heading.to_owned(),
        rows,
    }
}

fn whole(value: f64) -> String {
    format!("{value:.0}")
}

fn community(days: &[DayRow], backlog: &BacklogRow) -> CommunityFigures {
    let labels: Vec<String> = days.iter().map(|d| day_month_label(d.day)).collect();
    let column = |pick: fn(&DayRow) -> i64| days.iter().map(|d| pick(d) as f64).collect();
    let total = |pick: fn(&DayRow) -> i64| days.iter().map(pick).sum::<i64>().to_string();
    let figures = vec![
        Figure {
            label: "Reported things waiting".into(),
            value: backlog.open_targets.to_string(),
        },
        Figure {
            label: "Open reports".into(),
            value: backlog.open_reports.to_string(),
        },
        Figure {
            label: "Median wait to a decision (30 days)".into(),
            value: backlog
                .median_wait_secs
                .map_or_else(|| "none decided".into(), wait_label),
        },
        Figure {
            label: "90th percentile wait (30 days)".into(),
            value: backlog
                .p90_wait_secs
                .map_or_else(|| "none decided".into(), wait_label),
        },
        Figure {
            label: "Reports decided (30 days)".into(),
            value: backlog.settled_recently.to_string(),
        },
        Figure {
            label: format!("Sign-ups ({DAYS} days)"),
            value: total(|d| d.sign_ups),
        },
        Figure {
            label: format!("Posts ({DAYS} days)"),
            value: total(|d| d.posts),
        },
        Figure {
            label: format!("Replies ({DAYS} days)"),
            value: total(|d| d.comments),
        },
    ];
    let charts = vec![
        chart(
            "Sign-ups and active members",
            "New accounts each day, and members who posted, replied or reacted that day (UTC days).",
            "Day",
            labels.clone(),
            &[
                ("Sign-ups", column(|d| d.sign_ups)),
                ("Active members", column(|d| d.active_members)),
            ],
            whole,
        ),
        chart(
            "Posts and replies",
            "New posts (not deleted) and replies each day.",
            "Day",
            labels.clone(),
            &[
                ("Posts", column(|d| d.posts)),
                ("Replies", column(|d| d.comments)),
            ],
            whole,
        ),
        chart(
            "Reports filed and decided",
            "Reports members filed (and automatic ones from watched words) and reports staff decided, each day.",
            "Day",
            labels,
            &[
                ("Filed", column(|d| d.reports_filed)),
                ("Decided", column(|d| d.reports_settled)),
            ],
            whole,
        ),
    ];
    CommunityFigures {
        days: DAYS,
        figures,
        charts,
    }
}

fn minute_label(at: i64) -> String {
    let of_day = at.rem_euclid(24 * 60);
    format!("{:02}:{:02}", of_day / 60, of_day % 60)
}

fn operations(database: &serde_json::Value, instance: InstanceFigures) -> OperationsFigures {
    let number = |key: &str| database.get(key).and_then(serde_json::Value::as_i64);
    let hour = &instance.last_hour;
    let labels: Vec<String> = hour.iter().map(|m| minute_label(m.at)).collect();
    let requests: u64 = hour.iter().map(|m| m.requests).sum();
    let errors: u64 = hour.iter().map(|m| m.errors).sum();
    let error_rate = if requests == 0 {
        "no requests".to_owned()
    } else {
        format!("{:.2}%", errors as f64 * 100.0 / requests as f64)
    };
    let figures = vec![
        Figure {
            label: "Requests, last hour (this instance)".into(),
            value: requests.to_string(),
        },
        Figure {
            label: "Error rate, last hour (5xx)".into(),
            value: error_rate,
        },
        Figure {
            label: "Pool connections in use".into(),
            value: format!(
                "{} of {} ({} idle)",
                instance.pool.in_use, instance.pool.max, instance.pool.idle
            ),
        },
        Figure {
            label: "Database connections".into(),
            value: match (number("connections"), number("max_connections")) {
                (Some(now), Some(max)) => format!("{now} of {max}"),
                _ => "unknown".into(),
            },
        },
        Figure {
            label: "Cache hit ratio".into(),
            value: database
                .get("cache_hit_ratio")
                .and_then(serde_json::Value::as_f64)
                .map_or_else(|| "no reads yet".into(), |r| format!("{:.2}%", r * 100.0)),
        },
        Figure {
            label: "Database size".into(),
            value: number("size_bytes").map_or_else(|| "unknown".into(), byte_size),
        },
        Figure {
            label: "Deadlocks".into(),
            value: number("deadlocks").unwrap_or_default().to_string(),
        },
    ];
    let charts = vec![
        chart(
            "Requests per minute",
            "Every response this instance sent in the last hour, and those with a 5xx status (UTC minutes).",
            "Minute (UTC)",
            labels.clone(),
            &[
                ("Requests", hour.iter().map(|m| m.requests as f64).collect()),
                ("Errors", hour.iter().map(|m| m.errors as f64).collect()),
            ],
            whole,
        ),
        chart(
            "Latency (ms)",
            "Time to the response head, median and 99th percentile per minute, estimated from this instance's histogram.",
            "Minute (UTC)",
            labels,
            &[
                (
                    "p50",
                    hour.iter().map(|m| m.p50_ms.unwrap_or(0.0)).collect(),
                ),
                (
                    "p99",
                    hour.iter().map(|m| m.p99_ms.unwrap_or(0.0)).collect(),
                ),
            ],
            |ms| format!("{ms:.1}"),
        ),
    ];
    let biggest_tables = database
        .get("biggest_tables")
        .and_then(serde_json::Value::as_array)
        .map(|tables| {
            tables
                .iter()
                .map(|t| TableSize {
                    name: t["name"].as_str().unwrap_or_default().to_owned(),
                    size: byte_size(t["bytes"].as_i64().unwrap_or_default()),
                    rows: t["rows"].as_i64().unwrap_or_default(),
                })
                .collect()
        })
        .unwrap_or_default();
    let slowest = database
        .get("slowest_statements")
        .and_then(serde_json::Value::as_array)
        .map(|statements| {
            statements
                .iter()
                .map(|s| SlowStatement {
                    query: s["query"].as_str().unwrap_or_default().to_owned(),
                    calls: s["calls"].as_i64().unwrap_or_default(),
                    mean_ms: s["mean_ms"].as_f64().unwrap_or_default(),
                })
                .collect()
        })
        .unwrap_or_default();
    OperationsFigures {
        figures,
        charts,
        biggest_tables,
        statements_available: database
            .get("statements_available")
            .and_then(serde_json::Value::as_bool)
            .unwrap_or(false),
        slowest,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kept_dashboards_are_per_audience_and_expire() {
        let kept = KeptDashboards::default();
        let staff = Dashboard {
            community: Some(CommunityFigures::default()),
            operations: None,
        };
        kept.keep(false, &staff);
        let minute = Duration::from_secs(60);
        assert_eq!(kept.fresh(false, minute), Some(staff));
        assert_eq!(
            kept.fresh(true, minute),
            None,
            "admins never get the staff copy"
        );
        assert_eq!(kept.fresh(false, Duration::ZERO), None, "0 keeps nothing");
    }
}
