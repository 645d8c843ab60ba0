//! Connecting, and riding out what passes: a server restarting, a dropped connection, a
//! serialization failure or deadlock between writers. Each is retried with backoff, a whole
//! transaction at a time; what does not pass is reported with the URL, never its password.

use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use postgres::error::SqlState;
use postgres::{Client, Config, NoTls};

use crate::error::StoreError;

/// How long perfkit keeps retrying a transient failure before reporting it.
const GIVE_UP_AFTER: Duration = Duration::from_secs(20);

/// How long one connection attempt may take.
const CONNECT_TIMEOUT: Duration = Duration::from_secs(5);

/// Why an operation failed, before the URL and operation are attached.
#[derive(Debug)]
pub(crate) enum Failure {
    /// The server or the client library said no.
    Sql(postgres::Error),
    /// Stored data that cannot be read back, or a value that cannot be stored.
    Invalid(String),
    /// A run that does not exist.
    UnknownRun(i64),
    /// Already a complete error.
    Store(StoreError),
}

impl From<postgres::Error> for Failure {
    fn from(e: postgres::Error) -> Failure {
        Failure::Sql(e)
    }
}

impl From<StoreError> for Failure {
    fn from(e: StoreError) -> Failure {
        Failure::Store(e)
    }
}

/// A connection to one database, re-established when it drops.
pub(crate) struct Conn {
    /// The URL without its password: the only form that is ever printed.
    pub(crate) url: String,
    config: Config,
    client: Option<Client>,
}

impl Conn {
    /// Parses `url`; connects on first use.
    pub(crate) fn new(url: &str) -> Result<Conn, StoreError> {
        let shown = redact_url(url);
        let mut config: Config = url.parse().map_err(|source| StoreError::Postgres {
            url: shown.clone(),
            op: "reading the URL",
            cause: describe(&source),
            source,
        })?;
        config.connect_timeout(CONNECT_TIMEOUT);
        config.application_name("perfkit");
        Ok(Conn {
            url: shown,
            config,
            client: None,
        })
    }

    /// Runs `attempt` (one whole transaction, safe to run again) until it succeeds, fails for
    /// a reason that will not pass, or [`GIVE_UP_AFTER`] has gone by.
    pub(crate) fn run<T>(
        &mut self,
        op: &'static str,
        mut attempt: impl FnMut(&mut Client) -> Result<T, Failure>,
    ) -> Result<T, StoreError> {
        let start = Instant::now();
        let mut pause = Duration::from_millis(20);
        loop {
            let failure = match self.client.as_mut().filter(|c| !c.is_closed()) {
                Some(client) => match attempt(client) {
                    Ok(value) => return Ok(value),
                    Err(failure) => failure,
                },
                None => match self.config.connect(NoTls) {
                    Ok(client) => {
                        self.client = Some(client);
                        continue;
                    }
                    // A refused login or a missing database will not pass by waiting.
                    Err(e) if e.as_db_error().is_some() && !transient(&e) => {
                        return Err(self.error("connecting", Failure::Sql(e)));
                    }
                    Err(e) => Failure::Sql(e),
                },
            };
            match failure {
                Failure::Sql(e) if transient(&e) || e.is_closed() || is_io(&e) => {
                    if e.is_closed() || is_io(&e) {
                        self.client = None;
                    }
                    if start.elapsed() >= GIVE_UP_AFTER {
                        return Err(StoreError::Unreachable {
                            url: self.url.clone(),
                            op,
                            waited: start.elapsed(),
                            cause: describe(&e),
                            source: e,
                        });
                    }
                    std::thread::sleep(pause + jitter(pause));
                    pause = (pause * 2).min(Duration::from_secs(1));
                }
                failure => return Err(self.error(op, failure)),
            }
        }
    }

    /// Attaches the URL and the operation.
    pub(crate) fn error(&self, op: &'static str, failure: Failure) -> StoreError {
        let url = self.url.clone();
        match failure {
            Failure::Store(e) => e,
            Failure::Invalid(what) => StoreError::InvalidData {
                path: url.into(),
                what,
            },
            Failure::UnknownRun(run) => StoreError::UnknownRun {
                path: url.into(),
                run,
            },
            Failure::Sql(source) => StoreError::Postgres {
                url,
                op,
                cause: describe(&source),
                source,
            },
        }
    }
}

/// The error in words: the server's message (with its SQLSTATE) when the server answered, else
/// the client's with its causes ("error connecting to server: Connection refused").
fn describe(e: &postgres::Error) -> String {
    if let Some(db) = e.as_db_error() {
        return format!("{} ({}) {}", db.severity(), db.code().code(), db.message());
    }
    let mut text = e.to_string();
    let mut source = std::error::Error::source(e);
    while let Some(s) = source {
        let more = s.to_string();
        if !text.contains(&more) {
            text = format!("{text}: {more}");
        }
        source = s.source();
    }
    text
}

/// Failures that another attempt of the whole transaction may not meet.
fn transient(e: &postgres::Error) -> bool {
    let Some(code) = e.code() else {
        return false;
    };
    [
        SqlState::T_R_SERIALIZATION_FAILURE,
        SqlState::T_R_DEADLOCK_DETECTED,
        SqlState::LOCK_NOT_AVAILABLE,
        SqlState::ADMIN_SHUTDOWN,
        SqlState::CRASH_SHUTDOWN,
        SqlState::CANNOT_CONNECT_NOW,
        SqlState::TOO_MANY_CONNECTIONS,
        SqlState::CONNECTION_EXCEPTION,
        SqlState::CONNECTION_FAILURE,
    ]
    .contains(code)
}

/// A failure of the connection itself (refused, reset, timed out) rather than of a statement.
fn is_io(e: &postgres::Error) -> bool {
    if e.as_db_error().is_some() {
        return false;
    }
    let mut source = std::error::Error::source(e);
    while let Some(s) = source {
        if s.is::<std::io::Error>() {
            return true;
        }
        source = s.source();
    }
    // The client's own timeout and "connection closed" carry no io::Error.
    let text = e.to_string();
    text.contains("timeout") || text.contains("closed")
}

/// Up to `pause` more, so writers that collided do not retry in lockstep.
fn jitter(pause: Duration) -> Duration {
    let nanos = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.subsec_nanos());
    let seed = u64::from(nanos ^ std::process::id().rotate_left(16));
    let max = u64::try_from(pause.as_micros()).unwrap_or(u64::MAX).max(1);
    Duration::from_micros(seed % max)
}

/// `url` with its password replaced by `***` (in the user part and in a `password=`
/// parameter), the only form of a PostgreSQL URL perfkit prints.
///
/// ```
/// use perfkit_store::redact_url;
/// assert_eq!(redact_url("postgres://ci:s3cret@db:5432/perf"), "postgres://ci:***@db:5432/perf");
/// assert_eq!(redact_url("postgres://db/perf?password=x&sslmode=off"), "postgres://db/perf?password=***&sslmode=off");
/// assert_eq!(redact_url("postgres://ci@db/perf"), "postgres://ci@db/perf");
/// ```
pub fn redact_url(url: &str) -> String {
    let (scheme, rest) = url.split_once("://").unwrap_or(("", url));
    let authority_end = rest.find(['/', '?']).unwrap_or(rest.len());
    let (authority, tail) = rest.split_at(authority_end);
    let authority = match authority.rsplit_once('@') {
        Some((userinfo, host)) => match userinfo.split_once(':') {
            Some((user, _password)) => format!("{user}:***@{host}"),
            None => format!("{userinfo}@{host}"),
        },
        None => authority.to_owned(),
    };
    let tail = match tail.split_once('?') {
        Some((path, query)) => {
            let params: Vec<String> = query
                .split('&')
                .map(|p| match p.split_once('=') {
                    Some((k, _)) if k.eq_ignore_ascii_case("password") => format!("{k}=***"),
                    _ => p.to_owned(),
                })
                .collect();
            format!("{path}?{}", params.join("&"))
        }
        None => tail.to_owned(),
    };
    if scheme.is_empty() {
        format!("{authority}{tail}")
    } else {
        format!("{scheme}://{authority}{tail}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_password_never_survives_redaction() {
        for url in [
            "postgres://ci:hunter2@db/perf",
            "postgresql://ci:hunter2@db:5433/perf?sslmode=disable",
            "postgres://ci@db/perf?password=hunter2",
            "postgres://ci:hunter2@db/perf?PASSWORD=hunter2",
            "postgres://ci:hun@ter2@db/perf",
        ] {
            let shown = redact_url(url);
            assert!(
                !shown.contains("hunter2") && !shown.contains("ter2"),
                "{shown}"
            );
            assert!(shown.contains("db"), "{shown}");
        }
    }

    #[test]
    fn a_bad_url_is_reported_without_its_password() {
        let err = Conn::new("postgres://ci:hunter2@db:notaport/perf")
            .err()
            .expect("a port that is not a number is refused");
        let message = err.to_string();
        assert!(!message.contains("hunter2"), "{message}");
        assert!(message.contains("ci:***@db"), "{message}");
    }
}
