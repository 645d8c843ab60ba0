//! The README's commands and snippets, read from the README itself so that the tests that run
//! them cannot drift from what a reader copies.

use std::path::Path;

/// The README at the repository root.
pub fn readme() -> String {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../README.md");
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// The text of the `## ` section whose heading starts with `heading`, up to the next one.
pub fn section<'r>(readme: &'r str, heading: &str) -> &'r str {
    let start = readme
        .find(&format!("\n## {heading}"))
        .unwrap_or_else(|| panic!("the README has no section `## {heading}`"));
    let body = &readme[start + 1..];
    let end = body[3..].find("\n## ").map_or(body.len(), |i| i + 3);
    &body[..end]
}

/// The fenced code blocks of `text` whose info string is `lang`, in order, without fences.
pub fn blocks(text: &str, lang: &str) -> Vec<String> {
    let mut found = Vec::new();
    let mut current: Option<(bool, String)> = None;
    for line in text.lines() {
        match current.take() {
            None => {
                if let Some(info) = line.strip_prefix("```") {
                    current = Some((info.trim() == lang, String::new()));
                }
            }
            Some((wanted, body)) if line.starts_with("```") => {
                if wanted {
                    found.push(body);
                }
            }
            Some((wanted, mut body)) => {
                body.push_str(line);
                body.push('\n');
                current = Some((wanted, body));
            }
        }
    }
    found
}

/// The set-up commands: the lines of the set-up section's `sh` block that are not comments.
pub fn setup_commands(readme: &str) -> Vec<String> {
    let setup = section(readme, "Set-up");
    let block = blocks(setup, "sh")
        .into_iter()
        .next()
        .expect("the set-up section shows its commands in an `sh` block");
    block
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
        .map(str::to_owned)
        .collect()
}

#[test]
fn blocks_are_found_by_language() {
    let text = "a\n```sh\nls\n```\n```toml\n[x]\n```\n```sh\npwd\ncd\n```\n";
    assert_eq!(blocks(text, "sh"), ["ls\n", "pwd\ncd\n"]);
    assert_eq!(blocks(text, "toml"), ["[x]\n"]);
    let doc = "# t\n\n## One\n1\n## Two\n2\n";
    assert_eq!(section(doc, "One"), "## One\n1");
    assert_eq!(section(doc, "Two"), "## Two\n2\n");
}

/// CI runs the README's first set-up command, word for word: a change to one is a change to
/// the other.
#[test]
fn ci_runs_the_readme_setup_command() {
    let commands = setup_commands(&readme());
    assert_eq!(commands.len(), 2, "two set-up commands: {commands:?}");
    let ci_path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../.ci/run");
    let ci = std::fs::read_to_string(&ci_path).unwrap();
    for command in &commands {
        assert!(
            ci.lines().any(|l| l.trim() == command),
            "{} does not run the README's set-up command `{command}`",
            ci_path.display()
        );
    }
}

/// Issue 11: the set-up command printed nothing for 5½ minutes on a cold machine, because the
/// `cargo perfkit` alias built with `--quiet`. Neither the command nor an alias may hide
/// cargo's progress.
#[test]
fn setup_shows_cargos_progress() {
    let readme = readme();
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let config = std::fs::read_to_string(root.join(".cargo/config.toml")).unwrap_or_default();
    let quiet = |text: &str| {
        text.split(|c: char| c.is_whitespace() || c == '"' || c == ',' || c == '[' || c == ']')
            .any(|word| word == "--quiet" || word == "-q")
    };
    for command in setup_commands(&readme) {
        assert!(!quiet(&command), "`{command}` hides cargo's progress");
    }
    for line in config.lines().filter(|l| !l.trim_start().starts_with('#')) {
        assert!(
            !quiet(line),
            ".cargo/config.toml hides cargo's progress: {line}"
        );
    }
}

/// Issue 11: an alias named `perfkit` shadows an installed `cargo-perfkit` (cargo warns on every
/// call inside this repository).
#[test]
fn no_alias_shadows_the_installed_subcommand() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let config = std::fs::read_to_string(root.join(".cargo/config.toml")).unwrap_or_default();
    let shadowing = config
        .lines()
        .map(str::trim)
        .filter(|l| !l.starts_with('#'))
        .any(|l| l.split('=').next().is_some_and(|k| k.trim() == "perfkit"));
    assert!(!shadowing, ".cargo/config.toml defines an alias `perfkit`");
}

/// Issue 11: the README linked to `../shared/DESIGN.md`, outside the repository. Every relative
/// link of the README and of `docs/` names a file inside the repository that exists.
#[test]
fn links_stay_inside_the_repository() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("..")
        .canonicalize()
        .unwrap();
    let mut pages = vec![root.join("README.md")];
    for entry in std::fs::read_dir(root.join("docs")).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_some_and(|e| e == "md") {
            pages.push(path);
        }
    }
    for page in pages {
        let text = std::fs::read_to_string(&page).unwrap();
        assert!(
            !text.contains("../shared"),
            "{} points outside the repository (../shared)",
            page.display()
        );
        for target in text
            .split("](")
            .skip(1)
            .filter_map(|rest| rest.split(')').next())
        {
            if target.contains("://") || target.starts_with('#') {
                continue;
            }
            let file = target.split('#').next().unwrap();
            let resolved = page.parent().unwrap().join(file);
            let resolved = resolved
                .canonicalize()
                .unwrap_or_else(|e| panic!("{}: link `{target}`: {e}", page.display()));
            assert!(
                resolved.starts_with(&root),
                "{}: link `{target}` leaves the repository",
                page.display()
            );
        }
    }
}
