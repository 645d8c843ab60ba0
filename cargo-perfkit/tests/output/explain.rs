//! `check --explain`: the regression of `app::render` (3x slower at HEAD) explained from the
//! profiles stored at both commits, or the advice to take them.

use cargo_perfkit::exit;
use perfkit_store::{GitContext, ProfileKey, Run, Source, Store, StoredProfile, Timestamp};

use crate::support::{Project, project, record, testbed};

/// `render` spends 50 of 100 samples drawing at the base; at the head drawing calls a new
/// `borders` that takes 200 of 300.
const BASE: &str = "app::render;layout 30\napp::render;draw 50\napp::render 20\n";
const HEAD: &str =
    "app::render;layout 30\napp::render;draw 50\napp::render;draw;borders 200\napp::render 20\n";

/// Records one more run of `render` at `rev` with its profile.
fn profiled(p: &Project, rev: &str, minute: i64, ns: f64, folded: &str) {
    let mut store = Store::open(&p.db).unwrap();
    let git = GitContext::discover(p.path());
    let mut run = Run::new(&git, testbed(), "0.1.0", Source::PerfTest);
    run.commit = Some(p.commit(rev));
    run.dirty = false;
    run.started_at = Timestamp::from_unix_ms(1_776_150_000_000 + minute * 60_000);
    let recorded = store
        .record_run(&run, &[record("app::render", None, ns)])
        .unwrap();
    let profile = StoredProfile {
        folded: folded.to_owned(),
        samples: folded
            .lines()
            .map(|l| l.rsplit_once(' ').unwrap().1.parse::<u64>().unwrap())
            .sum(),
        peak_bytes: None,
    };
    let key = ProfileKey {
        benchmark: "app::render",
        size: None,
    };
    store.set_profile(recorded.run, key, &profile).unwrap();
}

#[test]
fn check_explain_names_what_grew_and_draws_the_differential_graph() {
    let p = project();
    profiled(&p, "HEAD~1", 11, 1_000.0, BASE);
    profiled(&p, "HEAD", 31, 3_000.0, HEAD);
    let (code, out, err) = p.perfkit(&["check", "--explain"]);
    assert_eq!((code, err.as_str()), (exit::REGRESSION, ""));
    let explanation = &out[out.find("\nexplain").expect("an explanation")..];
    let head = p.commit("HEAD");
    let base = p.commit("HEAD~1");
    let explanation = explanation
        .replace(head.short_sha(), "[head]")
        .replace(base.short_sha(), "[base]");
    insta::assert_snapshot!(explanation);
    let svg = p.path().join(format!(
        ".perfkit/profiles/{}/app__render-vs-{}.diff.svg",
        head.short_sha(),
        base.short_sha()
    ));
    let svg = std::fs::read_to_string(svg).unwrap();
    assert!(svg.contains("borders"), "{svg}");
}

#[test]
fn check_explain_without_a_base_profile_says_how_to_take_one() {
    let p = project();
    profiled(&p, "HEAD", 31, 3_000.0, HEAD);
    let (code, out, _) = p.perfkit(&["check", "--explain"]);
    assert_eq!(code, exit::REGRESSION);
    let base = p.commit("HEAD~1");
    assert!(
        out.contains(&format!(
            "no profile of it at {} on this testbed: take one there with `cargo perfkit \
             profile app::render`",
            base.short_sha()
        )),
        "{out}"
    );
}
