//! [`Workspace`]: the project a command is about, found from the current directory: its
//! settings, its history store, its git repository, and which testbed to read.

use std::path::{Path, PathBuf};

use perfkit::compare::{VerdictRule, configured_rule};
use perfkit_store::{DbLocation, GitContext, Machine, Store, Testbed, TestbedSummary};

use crate::cli::{Fdr, Global, RuleArgs};
use crate::context::Context;
use crate::error::CliError;

/// The project around the current directory.
#[derive(Debug)]
pub struct Workspace {
    /// The directory the command runs in.
    pub cwd: PathBuf,
    /// The nearest directory at or above `cwd` with a `Cargo.toml`.
    pub manifest_dir: PathBuf,
    /// Where history is.
    pub db: DbLocation,
    /// `PERFKIT_BASELINE` / `baseline` in perfkit.toml.
    pub base: Option<String>,
    /// `--testbed`, else `PERFKIT_TESTBED` / `testbed` in perfkit.toml.
    pub testbed_name: Option<String>,
    /// Whether `--testbed` chose it (then it must exist in the store).
    pub testbed_chosen: bool,
    /// Significance level and threshold from the settings.
    pub rule: VerdictRule,
    /// The configured verdict rule for counts (instructions mode's metrics).
    pub count_rule: VerdictRule,
    /// `[[budget]]` entries of perfkit.toml.
    pub file_budgets: Vec<perfkit::FileBudget>,
}

impl Workspace {
    /// Finds the project around `ctx.cwd` and reads its settings; `global.db` wins over them.
    pub fn locate(ctx: &Context, global: &Global) -> Result<Workspace, CliError> {
        let manifest_dir = ctx
            .cwd
            .ancestors()
            .find(|d| d.join("Cargo.toml").is_file())
            .unwrap_or(&ctx.cwd)
            .to_owned();
        let settings = perfkit::Settings::from_env(&manifest_dir)
            .map_err(|e| CliError::usage(e.to_string()))?;
        let (mut db, base, testbed) = match settings.history {
            perfkit::History::Record(h) | perfkit::History::ReadOnly(h) => {
                (h.db, h.base, h.testbed)
            }
            perfkit::History::Off => (
                DbLocation::Sqlite(perfkit_store::default_db_path(&manifest_dir)),
                None,
                None,
            ),
        };
        if let Some(setting) = &global.db {
            db = match DbLocation::from_setting(Some(setting), &manifest_dir) {
                // A path typed on the command line is relative to where it was typed.
                DbLocation::Sqlite(_) => DbLocation::Sqlite(absolute(&ctx.cwd, Path::new(setting))),
                url => url,
            };
        }
        Ok(Workspace {
            cwd: ctx.cwd.clone(),
            manifest_dir,
            db,
            base,
            testbed_chosen: global.testbed.is_some(),
            testbed_name: global.testbed.clone().or(testbed),
            rule: settings.rule,
            count_rule: settings.count_rule,
            file_budgets: settings.budgets,
        })
    }

    /// The verdict rule for `args.metric`: the settings' (for counts, their count rule, whose
    /// default threshold is lower), facing the metric's direction as `store` describes it,
    /// with `args` applied. The flags were checked by the grammar when clap read them.
    pub fn rule(&self, args: &RuleArgs, store: &Store) -> Result<(VerdictRule, bool), CliError> {
        let info = store.metric_info(&args.metric)?;
        let mut rule = configured_rule(&info, self.rule, self.count_rule);
        if let Some(alpha) = args.alpha {
            rule.alpha = alpha;
        }
        if let Some(threshold) = args.threshold {
            rule.threshold = threshold;
        }
        Ok((rule, args.fdr == Fdr::Bh))
    }

    /// What git says about the working tree.
    pub fn git(&self) -> GitContext {
        GitContext::discover(&self.cwd)
    }

    /// Opens the store for writing, creating it if needed.
    pub fn open_store(&self) -> Result<Store, CliError> {
        Ok(Store::open_location(&self.db)?)
    }

    /// Opens the store for reading only (a write-protected store can be read); `None` when it
    /// does not exist yet (nothing recorded).
    pub fn existing_store(&self) -> Result<Option<Store>, CliError> {
        if !self.has_store() {
            return Ok(None);
        }
        Ok(Some(Store::open_location_read_only(&self.db)?))
    }

    /// Opens the store for reading only, or explains that there is no history yet.
    pub fn store_with_history(&self) -> Result<Store, CliError> {
        self.existing_store()?
            .ok_or_else(|| CliError::usage(self.no_history()))
    }

    /// Opens the existing store for writing, or explains that there is no history yet.
    pub fn writable_store_with_history(&self) -> Result<Store, CliError> {
        if !self.has_store() {
            return Err(CliError::usage(self.no_history()));
        }
        self.open_store()
    }

    fn has_store(&self) -> bool {
        !matches!(&self.db, DbLocation::Sqlite(path) if !path.exists())
    }

    /// "no history yet at PATH: run `cargo perfkit run` first".
    pub fn no_history(&self) -> String {
        format!(
            "no history yet at {}: run `cargo perfkit run` (or `cargo test --release`) first, \
             or point --db / PERFKIT_DB at an existing history",
            self.db
        )
    }

    /// This machine as the perf tests of this workspace name it.
    pub fn this_machine(&self) -> Testbed {
        let rustc = perfkit_store::rustc_version().unwrap_or_default();
        Testbed::new(
            Machine::detect(),
            &rustc,
            "release",
            self.testbed_name.as_deref(),
        )
    }

    /// The testbed whose history to read: `--testbed` (by name or fingerprint), else this
    /// machine's, else the only one in the store.
    pub fn testbed(&self, store: &Store) -> Result<Testbed, CliError> {
        let all = store.testbeds()?;
        if all.is_empty() {
            return Err(CliError::usage(self.no_history()));
        }
        let names = || {
            all.iter()
                .map(|t| format!("`{}`", t.testbed.name))
                .collect::<Vec<_>>()
                .join(", ")
        };
        if self.testbed_chosen {
            let wanted = self.testbed_name.as_deref().unwrap_or_default();
            return find(&all, wanted).ok_or_else(|| {
                CliError::usage(format!(
                    "no testbed named `{wanted}` in {}; the testbeds there are {}",
                    self.db,
                    names()
                ))
            });
        }
        let here = self.this_machine();
        if let Some(t) = all
            .iter()
            .find(|t| t.testbed.fingerprint == here.fingerprint)
        {
            return Ok(t.testbed.clone());
        }
        if let Some(t) = self.testbed_name.as_deref().and_then(|n| find(&all, n)) {
            return Ok(t);
        }
        if let [only] = all.as_slice() {
            return Ok(only.testbed.clone());
        }
        Err(CliError::usage(format!(
            "{} holds history from several testbeds and none is this machine ({}); choose one \
             with --testbed NAME: {}",
            self.db,
            here.name,
            names()
        )))
    }
}

fn find(all: &[TestbedSummary], wanted: &str) -> Option<Testbed> {
    all.iter()
        .find(|t| t.testbed.name == wanted)
        .or_else(|| {
            let mut by_print = all
                .iter()
                .filter(|t| wanted.len() >= 4 && t.testbed.fingerprint.starts_with(wanted));
            match (by_print.next(), by_print.next()) {
                (Some(t), None) => Some(t),
                _ => None,
            }
        })
        .map(|t| t.testbed.clone())
}

fn absolute(cwd: &Path, path: &Path) -> PathBuf {
    if path.is_absolute() {
        path.to_owned()
    } else {
        cwd.join(path)
    }
}
