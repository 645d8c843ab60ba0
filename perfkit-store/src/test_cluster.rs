//! A private PostgreSQL server that a test owns, for the faults a shared server cannot be put
//! through: stopped in the middle of a write, or asked for the wrong password. Compiled only
//! with the `test-cluster` feature, which only tests enable.
//!
//! [`TestCluster::start`] runs `initdb` (password authentication, `scram-sha-256`) into a
//! fresh temporary directory and `pg_ctl start` on a free loopback port. `initdb` and `pg_ctl`
//! refuse to run as root, so as root they run as `nobody`, who owns the directory. The binaries
//! are found in `PERFKIT_TEST_PG_BIN`, else in the newest `/usr/lib/postgresql/*/bin`. Without
//! them [`TestCluster::start_or_skip`] prints why the test is skipped, and fails instead when
//! [`postgres_required`] says CI needs the PostgreSQL tests to run.
//!
//! The server is stopped and its directory removed when the [`TestCluster`] is dropped, or, for
//! a cluster kept in a `static` (never dropped) or a test that panicked, by a janitor process
//! that waits for the test process to exit.

use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicU64, Ordering};

/// The environment variable naming the directory of the PostgreSQL server binaries.
pub const PG_BIN_ENV: &str = "PERFKIT_TEST_PG_BIN";

/// The superuser of every test cluster.
pub const USER: &str = "perfkit";

/// Whether CI requires the PostgreSQL tests to run rather than skip: `CI=true`,
/// `PERFKIT_REQUIRE_TOOLS=1` or `PERFKIT_REQUIRE_POSTGRES=1`.
pub fn postgres_required() -> bool {
    let is = |name: &str, value: &str| std::env::var(name).is_ok_and(|v| v == value);
    is("CI", "true") || is("PERFKIT_REQUIRE_TOOLS", "1") || is("PERFKIT_REQUIRE_POSTGRES", "1")
}

/// A PostgreSQL server in a temporary directory, on a loopback port, with a password.
#[derive(Debug)]
pub struct TestCluster {
    bin: PathBuf,
    dir: PathBuf,
    port: u16,
    password: String,
    janitor: Option<Child>,
}

impl TestCluster {
    /// [`TestCluster::start`], or `None` after printing why the test is skipped (no server
    /// binaries); panics instead when [`postgres_required`].
    pub fn start_or_skip() -> Option<TestCluster> {
        match pg_bin() {
            Some(bin) => Some(TestCluster::start(&bin)),
            None => {
                assert!(
                    !postgres_required(),
                    "the PostgreSQL server binaries (initdb, pg_ctl) are not in {PG_BIN_ENV} or \
                     /usr/lib/postgresql/*/bin, and CI / PERFKIT_REQUIRE_TOOLS / \
                     PERFKIT_REQUIRE_POSTGRES require this test: install them (`apt-get \
                     install postgresql`) or set {PG_BIN_ENV}"
                );
                println!(
                    "postgres cluster: skipped (no initdb/pg_ctl in {PG_BIN_ENV} or \
                     /usr/lib/postgresql/*/bin)"
                );
                None
            }
        }
    }

    /// Creates and starts a cluster with the binaries in `bin`; panics with the server's words
    /// when it cannot.
    pub fn start(bin: &Path) -> TestCluster {
        static COUNTER: AtomicU64 = AtomicU64::new(0);
        let dir = std::env::temp_dir().join(format!(
            "perfkit-pg-{}-{}",
            std::process::id(),
            COUNTER.fetch_add(1, Ordering::Relaxed)
        ));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).expect("creating the cluster's directory");
        let password = format!("pw-{}-{}", std::process::id(), nanos());
        std::fs::write(dir.join("password"), &password).expect("writing the password file");
        if is_root() {
            let chown = Command::new("chown")
                .args(["-R", "nobody"])
                .arg(&dir)
                .status()
                .expect("running chown");
            assert!(chown.success(), "chown -R nobody {}", dir.display());
        }
        let mut cluster = TestCluster {
            bin: bin.to_owned(),
            dir,
            port: free_port(),
            password,
            janitor: None,
        };
        cluster.janitor = Some(cluster.spawn_janitor());
        cluster.as_owner(&format!(
            "{initdb} -D {data} -U {USER} --auth=scram-sha-256 --pwfile={pw} -E UTF8 \
             --no-sync >{log} 2>&1",
            initdb = quote(&cluster.bin.join("initdb")),
            data = quote(&cluster.data()),
            pw = quote(&cluster.dir.join("password")),
            log = quote(&cluster.dir.join("initdb.log")),
        ));
        cluster.start_server();
        cluster
    }

    /// The port the server listens on, at 127.0.0.1.
    pub fn port(&self) -> u16 {
        self.port
    }

    /// The superuser's password.
    pub fn password(&self) -> &str {
        &self.password
    }

    /// A URL for database `db` with the right password.
    pub fn url(&self, db: &str) -> String {
        self.url_with_password(db, &self.password)
    }

    /// A URL for database `db` with `password`.
    pub fn url_with_password(&self, db: &str, password: &str) -> String {
        format!("postgres://{USER}:{password}@127.0.0.1:{}/{db}", self.port)
    }

    /// Creates the empty database `name` (dropping one of that name) and returns its URL.
    pub fn create_database(&self, name: &str) -> String {
        let mut admin = postgres::Client::connect(&self.url("postgres"), postgres::NoTls)
            .expect("connecting to the test cluster");
        // One statement each: CREATE DATABASE cannot run in the transaction a batch is.
        for sql in [
            format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"),
            format!("CREATE DATABASE {name}"),
        ] {
            admin.batch_execute(&sql).expect("creating a database");
        }
        self.url(name)
    }

    /// Starts the server (again) and waits until it accepts connections.
    pub fn start_server(&self) {
        self.as_owner(&format!(
            "{pg_ctl} -D {data} -l {log} -w -t 60 -o {options} start >/dev/null",
            pg_ctl = quote(&self.bin.join("pg_ctl")),
            data = quote(&self.data()),
            log = quote(&self.dir.join("server.log")),
            options = quote_str(&format!(
                "-p {} -k {} -c listen_addresses=127.0.0.1",
                self.port,
                self.dir.display()
            )),
        ));
    }

    /// Stops the server as a crash would (`pg_ctl stop -m immediate`: every backend is killed,
    /// nothing is flushed or rolled back cleanly; the next start recovers from the WAL).
    pub fn stop_immediately(&self) {
        self.as_owner(&self.stop_command());
    }

    /// Whether the server accepts connections on its port.
    pub fn is_running(&self) -> bool {
        std::net::TcpStream::connect(("127.0.0.1", self.port)).is_ok()
    }

    /// The server's log so far, for a failing test's message.
    pub fn log(&self) -> String {
        std::fs::read_to_string(self.dir.join("server.log")).unwrap_or_default()
    }

    fn data(&self) -> PathBuf {
        self.dir.join("data")
    }

    fn stop_command(&self) -> String {
        format!(
            "{pg_ctl} -D {data} -m immediate -w stop >/dev/null",
            pg_ctl = quote(&self.bin.join("pg_ctl")),
            data = quote(&self.data()),
        )
    }

    /// Runs `script` with `sh` as the directory's owner (see [`TestCluster::try_as_owner`]);
    /// panics with the logs when it fails.
    fn as_owner(&self, script: &str) {
        let status = self.try_as_owner(script).expect("running sh");
        assert!(
            status.success(),
            "{script}: {status}\n{}{}",
            std::fs::read_to_string(self.dir.join("initdb.log")).unwrap_or_default(),
            self.log()
        );
    }

    /// Runs `script` with `sh` as the directory's owner: `nobody` when this process is root.
    fn try_as_owner(&self, script: &str) -> std::io::Result<std::process::ExitStatus> {
        if is_root() {
            Command::new("su")
                .args(["nobody", "-s", "/bin/sh", "-c", script])
                .stdin(Stdio::null())
                .status()
        } else {
            Command::new("sh")
                .args(["-c", script])
                .stdin(Stdio::null())
                .status()
        }
    }

    /// A process that waits for this one to exit, then stops the server and removes the
    /// directory: a cluster is cleaned up even when nothing drops it.
    fn spawn_janitor(&self) -> Child {
        let stop = if is_root() {
            format!(
                "su nobody -s /bin/sh -c {}",
                quote_str(&self.stop_command())
            )
        } else {
            self.stop_command()
        };
        let script = format!(
            "while kill -0 {pid} 2>/dev/null; do sleep 1; done; {stop} 2>/dev/null; rm -rf {dir}",
            pid = std::process::id(),
            dir = quote(&self.dir),
        );
        Command::new("sh")
            .args(["-c", &script])
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("starting the cluster's janitor")
    }
}

impl Drop for TestCluster {
    fn drop(&mut self) {
        // Not `stop_immediately`: a drop during a panic must not panic again.
        let _ = self.try_as_owner(&format!("{} 2>/dev/null", self.stop_command()));
        let _ = std::fs::remove_dir_all(&self.dir);
        if let Some(mut janitor) = self.janitor.take() {
            let _ = janitor.kill();
            let _ = janitor.wait();
        }
    }
}

/// The directory holding `initdb` and `pg_ctl`: [`PG_BIN_ENV`], else the newest
/// `/usr/lib/postgresql/*/bin`.
pub fn pg_bin() -> Option<PathBuf> {
    let has_tools = |dir: &Path| dir.join("initdb").is_file() && dir.join("pg_ctl").is_file();
    if let Some(dir) = std::env::var_os(PG_BIN_ENV).filter(|v| !v.is_empty()) {
        let dir = PathBuf::from(dir);
        assert!(
            has_tools(&dir),
            "{PG_BIN_ENV}={} has no initdb and pg_ctl",
            dir.display()
        );
        return Some(dir);
    }
    let mut versions: Vec<(u32, PathBuf)> = std::fs::read_dir("/usr/lib/postgresql")
        .ok()?
        .filter_map(|e| {
            let e = e.ok()?;
            let version = e.file_name().to_str()?.parse().ok()?;
            Some((version, e.path().join("bin")))
        })
        .filter(|(_, bin)| has_tools(bin))
        .collect();
    versions.sort();
    versions.pop().map(|(_, bin)| bin)
}

fn is_root() -> bool {
    // `id -u` rather than libc: this crate has no unsafe code and no libc dependency.
    Command::new("id")
        .arg("-u")
        .output()
        .is_ok_and(|o| o.stdout.trim_ascii() == b"0")
}

/// A port nothing listens on now (the server takes it a moment later).
fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .expect("finding a free loopback port")
        .port()
}

fn nanos() -> u32 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.subsec_nanos())
}

fn quote(path: &Path) -> String {
    quote_str(&path.display().to_string())
}

/// `s` as one single-quoted `sh` word.
fn quote_str(s: &str) -> String {
    format!("'{}'", s.replace('\'', r"'\''"))
}
