//! [`Testbed`]: what a timing depends on besides the code, so results are only ever compared
//! with results from the same machine and toolchain.

use std::process::Command;

/// The hardware and operating system part of a testbed.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Machine {
    /// The CPU's model name (`unknown` where the system does not say).
    pub cpu: String,
    /// Logical CPUs available to this process.
    pub cores: u32,
    /// The operating system (`linux`, `macos`, `windows`, ...).
    pub os: String,
    /// The CPU architecture (`x86_64`, `aarch64`, ...).
    pub arch: String,
}

impl Machine {
    /// The machine this process runs on.
    pub fn detect() -> Machine {
        Machine {
            cpu: cpu_model().unwrap_or_else(|| "unknown".to_owned()),
            cores: std::thread::available_parallelism()
                .map_or(1, |n| u32::try_from(n.get()).unwrap_or(u32::MAX)),
            os: std::env::consts::OS.to_owned(),
            arch: std::env::consts::ARCH.to_owned(),
        }
    }
}

/// A machine plus the toolchain and profile that built the code measured on it.
///
/// Two testbeds are the same when their [`fingerprint`](Testbed::fingerprint)s are equal: a hash
/// of the CPU model, core count, OS, arch, rustc version and build profile, and of the name when
/// one was chosen (`PERFKIT_TESTBED`). Choosing a name can therefore split one machine's history
/// from another identical one, but never merges machines that differ.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Testbed {
    /// A name for people: `PERFKIT_TESTBED` when set, else derived from the fields.
    pub name: String,
    /// 16 hex digits identifying the testbed.
    pub fingerprint: String,
    /// The hardware and operating system.
    pub machine: Machine,
    /// `rustc -V` of the compiler that built the measured code.
    pub rustc: String,
    /// The cargo profile that built it (`release`, `bench`, ...).
    pub profile: String,
}

impl Testbed {
    /// A testbed from its parts; `name` is a chosen name, `None` for the derived one.
    ///
    /// ```
    /// use perfkit_store::{Machine, Testbed};
    /// let m = Machine { cpu: "Ryzen 9".into(), cores: 16, os: "linux".into(), arch: "x86_64".into() };
    /// let a = Testbed::new(m.clone(), "rustc 1.95.0", "release", None);
    /// let b = Testbed::new(m.clone(), "rustc 1.95.0", "release", None);
    /// let c = Testbed::new(m, "rustc 1.96.0", "release", None);
    /// assert_eq!(a.fingerprint, b.fingerprint);
    /// assert_ne!(a.fingerprint, c.fingerprint);
    /// ```
    pub fn new(machine: Machine, rustc: &str, profile: &str, name: Option<&str>) -> Testbed {
        let cores = machine.cores.to_string();
        let fingerprint = fingerprint(&[
            "perfkit-testbed-v1",
            &machine.cpu,
            &cores,
            &machine.os,
            &machine.arch,
            rustc,
            profile,
            name.unwrap_or(""),
        ]);
        let name = match name {
            Some(name) => name.to_owned(),
            None => format!(
                "{}-{} {}x {} {} {}",
                machine.os,
                machine.arch,
                machine.cores,
                machine.cpu,
                short_rustc(rustc),
                profile
            ),
        };
        Testbed {
            name,
            fingerprint,
            machine,
            rustc: rustc.to_owned(),
            profile: profile.to_owned(),
        }
    }

    /// This machine, named by `PERFKIT_TESTBED` when it is set and not empty.
    ///
    /// `rustc` must describe the compiler that built the code being measured (the runtime
    /// captures it at build time); [`rustc_version`] is a fallback that asks the `rustc` on
    /// `PATH`, which may differ from it.
    pub fn detect(profile: &str, rustc: &str) -> Testbed {
        let name = std::env::var("PERFKIT_TESTBED").ok();
        let name = name.as_deref().map(str::trim).filter(|n| !n.is_empty());
        Testbed::new(Machine::detect(), rustc, profile, name)
    }
}

/// `rustc -V` of `$RUSTC` or else the `rustc` on `PATH`; `None` if it cannot be run.
pub fn rustc_version() -> Option<String> {
    let rustc = std::env::var_os("RUSTC").unwrap_or_else(|| "rustc".into());
    let out = Command::new(rustc).arg("-V").output().ok()?;
    let text = String::from_utf8(out.stdout).ok()?;
    let text = text.trim();
    (out.status.success() && !text.is_empty()).then(|| text.to_owned())
}

/// `rustc 1.95.0 (59807616e 2026-04-14)` reads as `rustc 1.95.0` in a name.
fn short_rustc(rustc: &str) -> &str {
    rustc.split(" (").next().unwrap_or(rustc)
}

/// FNV-1a (64 bit) over the parts, each terminated by a NUL: stable across Rust versions and
/// platforms, unlike `std`'s `DefaultHasher`, which is what a stored identity needs.
pub(crate) fn fingerprint(parts: &[&str]) -> String {
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    for part in parts {
        for byte in part.bytes().chain([0]) {
            hash ^= u64::from(byte);
            hash = hash.wrapping_mul(0x0000_0100_0000_01b3);
        }
    }
    format!("{hash:016x}")
}

fn cpu_model() -> Option<String> {
    if cfg!(target_os = "macos") {
        let out = Command::new("sysctl")
            .args(["-n", "machdep.cpu.brand_string"])
            .output()
            .ok()?;
        let text = String::from_utf8(out.stdout).ok()?;
        return Some(text.trim().to_owned()).filter(|t| !t.is_empty());
    }
    let info = std::fs::read_to_string("/proc/cpuinfo").ok()?;
    // x86 says `model name`; many ARM kernels only say `Hardware` or `CPU part`.
    ["model name", "Hardware", "Processor", "CPU part"]
        .iter()
        .find_map(|key| {
            info.lines().find_map(|line| {
                let (k, v) = line.split_once(':')?;
                (k.trim() == *key && !v.trim().is_empty()).then(|| v.trim().to_owned())
            })
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn machine() -> Machine {
        Machine {
            cpu: "AMD EPYC 7B13".into(),
            cores: 2,
            os: "linux".into(),
            arch: "x86_64".into(),
        }
    }

    #[test]
    fn fingerprint_is_pinned() {
        // A change here silently splits every stored history from its future: keep it stable.
        // Reference: FNV-1a 64 of the NUL-terminated parts, computed independently in Python.
        let t = Testbed::new(
            machine(),
            "rustc 1.95.0 (59807616e 2026-04-14)",
            "release",
            None,
        );
        assert_eq!(t.fingerprint, "d1c957b02fbe09ab");
        assert_eq!(t.name, "linux-x86_64 2x AMD EPYC 7B13 rustc 1.95.0 release");
    }

    #[test]
    fn every_field_and_a_chosen_name_change_the_fingerprint() {
        let base = Testbed::new(machine(), "rustc 1.95.0", "release", None).fingerprint;
        let mut m = machine();
        m.cores = 4;
        let variants = [
            Testbed::new(m, "rustc 1.95.0", "release", None),
            Testbed::new(machine(), "rustc 1.96.0", "release", None),
            Testbed::new(machine(), "rustc 1.95.0", "bench", None),
            Testbed::new(machine(), "rustc 1.95.0", "release", Some("ci")),
        ];
        for v in variants {
            assert_ne!(v.fingerprint, base, "{v:?}");
        }
    }

    #[test]
    fn parts_cannot_run_into_each_other() {
        assert_ne!(fingerprint(&["ab", "c"]), fingerprint(&["a", "bc"]));
    }

    #[test]
    fn this_machine_is_detected() {
        let m = Machine::detect();
        assert!(m.cores >= 1);
        assert!(!m.cpu.is_empty());
    }
}
