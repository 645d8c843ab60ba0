//! One file per command; each takes its parsed arguments and the [`Context`].

mod ab;
mod baseline;
mod check;
mod compare;
mod export;
mod gc;
pub(crate) mod history;
mod import;
mod list;
mod profile;
mod report;
mod run;
mod sync;

use crate::cli::{Command, ImportSource, Perfkit};
use crate::context::Context;
use crate::error::{CliError, CliResult};
use crate::render::escape;
use crate::workspace::Workspace;

/// Runs the parsed command line.
pub fn dispatch(cli: Perfkit, ctx: &mut Context) -> CliResult {
    let g = &cli.global;
    match cli.command {
        Command::Run(args) => run::run(ctx, g, &args),
        Command::History(args) => history::history(ctx, g, &args),
        Command::Compare(args) => compare::compare(ctx, g, &args),
        Command::Check(args) => check::check(ctx, g, &args),
        Command::Ab(args) => ab::ab(ctx, g, &args),
        Command::List(args) => list::list(ctx, g, &args),
        Command::Baseline(args) => baseline::baseline(ctx, g, &args),
        Command::Import(args) => match &args.source {
            ImportSource::Criterion(c) => import::criterion(ctx, g, c),
        },
        Command::Export(args) => export::export(ctx, g, &args),
        Command::Gc(args) => gc::gc(ctx, g, &args),
        Command::Sync(args) => sync::sync(ctx, g, &args),
        Command::Report(args) => report::report(ctx, g, &args),
        Command::Profile(args) => profile::profile(ctx, g, &args),
    }
}

/// The benchmarks among `names` that match `pattern`: the one rule of `history` and `export`.
/// A pattern that matches none is a usage error (exit 2) naming it, as is a store without
/// any benchmark: an empty answer would look like a successful one.
pub fn matching(
    names: impl IntoIterator<Item = String>,
    pattern: Option<&str>,
    ws: &Workspace,
) -> Result<Vec<String>, CliError> {
    let found: Vec<String> = names
        .into_iter()
        .filter(|name| matches(pattern, name))
        .collect();
    if !found.is_empty() {
        return Ok(found);
    }
    Err(CliError::usage(match pattern {
        Some(p) => format!(
            "no benchmark matches `{}` in {}; `cargo perfkit list` shows them",
            escape::text(p),
            ws.db
        ),
        None => ws.no_history(),
    }))
}

/// Whether a benchmark name matches a `history`/`export` pattern: a substring, or with `*`
/// a wildcard pattern matched against the whole name.
pub fn matches(pattern: Option<&str>, name: &str) -> bool {
    let Some(pattern) = pattern else {
        return true;
    };
    if !pattern.contains('*') {
        return name.contains(pattern);
    }
    let parts: Vec<&str> = pattern.split('*').collect();
    let (first, last) = (parts[0], parts[parts.len() - 1]);
    if !name.starts_with(first) || name.len() < first.len() + last.len() || !name.ends_with(last) {
        return false;
    }
    let mut rest = &name[first.len()..name.len() - last.len()];
    for part in &parts[1..parts.len() - 1] {
        match rest.find(part) {
            Some(i) => rest = &rest[i + part.len()..],
            None => return false,
        }
    }
    true
}

#[cfg(test)]
mod tests {
    use super::matches;

    #[test]
    fn patterns() {
        assert!(matches(None, "anything"));
        assert!(matches(Some("dup"), "playbook::duplicates::hash_set"));
        assert!(!matches(Some("sort"), "playbook::duplicates::hash_set"));
        assert!(matches(
            Some("playbook::*::hash_*"),
            "playbook::duplicates::hash_set"
        ));
        assert!(!matches(Some("*::vec"), "playbook::duplicates::hash_set"));
        assert!(matches(Some("*"), ""));
        assert!(!matches(Some("ab*ba"), "aba"));
    }
}
