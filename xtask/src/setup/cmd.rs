//! Running the host's commands with errors that say which command failed and why (the tail of
//! its standard error).

use anyhow::{Context, Result};
use std::collections::VecDeque;
use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Command, ExitStatus, Stdio};

/// How many lines of a failed command's standard error its error message carries.
const TAIL_LINES: usize = 6;

/// `program args…` as a person would type it, for messages.
fn describe(program: &str, args: &[&str]) -> String {
    std::iter::once(program).chain(args.iter().copied()).collect::<Vec<_>>().join(" ")
}

/// The error for a command that ran and failed.
fn failed(program: &str, args: &[&str], status: ExitStatus, stderr: &str) -> anyhow::Error {
    let lines: Vec<&str> = stderr.lines().filter(|l| !l.trim().is_empty()).collect();
    let tail = lines[lines.len().saturating_sub(TAIL_LINES)..].join("\n    ");
    if tail.is_empty() {
        anyhow::anyhow!(
            "`{}` failed ({status}), printing nothing on stderr",
            describe(program, args)
        )
    } else {
        anyhow::anyhow!(
            "`{}` failed ({status}); its stderr ends:\n    {tail}",
            describe(program, args)
        )
    }
}

/// Runs `program args…` in `dir` (or here) with its output shown as it happens (apt's
/// progress, for one); on failure the error repeats the tail of its standard error.
pub fn run(program: &str, args: &[&str], dir: Option<&Path>) -> Result<()> {
    let mut cmd = Command::new(program);
    cmd.args(args).stdin(Stdio::null()).stderr(Stdio::piped());
    if let Some(dir) = dir {
        cmd.current_dir(dir);
    }
    let mut child =
        cmd.spawn().with_context(|| format!("starting `{}`", describe(program, args)))?;
    let stderr = child.stderr.take().context("the child's stderr pipe")?;
    let mut tail = VecDeque::new();
    for line in BufReader::new(stderr).split(b'\n').map_while(Result::ok) {
        // Shown at once, and kept for the error message.
        eprintln!("{}", String::from_utf8_lossy(&line));
        if tail.len() == TAIL_LINES {
            tail.pop_front();
        }
        tail.push_back(String::from_utf8_lossy(&line).into_owned());
    }
    let status = child.wait().with_context(|| format!("waiting for `{program}`"))?;
    if !status.success() {
        return Err(failed(program, args, status, &Vec::from(tail).join("\n")));
    }
    Ok(())
}

/// Runs `program args…` quietly and returns its standard output; fails with the tail of its
/// standard error.
pub fn output(program: &str, args: &[&str]) -> Result<String> {
    let out = Command::new(program)
        .args(args)
        .stdin(Stdio::null())
        .output()
        .with_context(|| format!("starting `{}`", describe(program, args)))?;
    if !out.status.success() {
        return Err(failed(program, args, out.status, &String::from_utf8_lossy(&out.stderr)));
    }
    Ok(String::from_utf8_lossy(&out.stdout).into_owned())
}

/// Whether an executable named `program` is in a folder of `PATH`.
pub fn exists(program: &str) -> bool {
    let Some(path) = std::env::var_os("PATH") else { return false };
    std::env::split_paths(&path).any(|dir| {
        std::fs::metadata(dir.join(program)).is_ok_and(|m| {
            m.is_file() && std::os::unix::fs::PermissionsExt::mode(&m.permissions()) & 0o111 != 0
        })
    })
}

/// Whether this process runs as root (and so may install packages).
pub fn is_root() -> bool {
    output("id", &["-u"]).is_ok_and(|uid| uid.trim() == "0")
}

/// Extracts the member `inner` (e.g. `./boot/vmlinuz-…`) of the Debian package `deb` to `out`,
/// through a `.partial` file so that an interrupted run leaves no half file under `out`'s name.
pub fn extract_from_deb(deb: &Path, inner: &str, out: &Path) -> Result<()> {
    let what = format!("dpkg-deb --fsys-tarfile {} | tar -xO {inner}", deb.display());
    let mut dpkg = Command::new("dpkg-deb")
        .arg("--fsys-tarfile")
        .arg(deb)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .context("starting dpkg-deb")?;
    let partial = out.with_extension("partial");
    let file = std::fs::File::create(&partial)
        .with_context(|| format!("creating {}", partial.display()))?;
    let tar = Command::new("tar")
        .args(["-xO", inner])
        .stdin(dpkg.stdout.take().context("dpkg-deb's stdout pipe")?)
        .stdout(file)
        .stderr(Stdio::piped())
        .output()
        .context("starting tar")?;
    let dpkg = dpkg.wait_with_output().context("waiting for dpkg-deb")?;
    if !dpkg.status.success() || !tar.status.success() {
        let _ = std::fs::remove_file(&partial);
        let mut stderr = String::from_utf8_lossy(&dpkg.stderr).into_owned();
        stderr += &String::from_utf8_lossy(&tar.stderr);
        let status = if dpkg.status.success() { tar.status } else { dpkg.status };
        return Err(failed(&what, &[], status, &stderr));
    }
    std::fs::rename(&partial, out)
        .with_context(|| format!("renaming {} to {}", partial.display(), out.display()))?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn output_returns_stdout_of_a_successful_command() {
        assert_eq!(output("sh", &["-c", "echo hello"]).unwrap(), "hello\n");
    }

    #[test]
    fn failure_names_the_command_and_ends_with_its_stderr() {
        let err = output("sh", &["-c", "echo one >&2; echo two >&2; exit 3"]).unwrap_err();
        let text = err.to_string();
        assert!(text.starts_with("`sh -c echo one >&2; echo two >&2; exit 3` failed"), "{text}");
        assert!(text.contains("exit status: 3"), "{text}");
        assert!(text.ends_with("one\n    two"), "{text}");
    }

    #[test]
    fn run_keeps_only_the_last_lines_of_stderr() {
        let err =
            run("sh", &["-c", "for i in 1 2 3 4 5 6 7 8; do echo line$i >&2; done; exit 1"], None)
                .unwrap_err()
                .to_string();
        assert!(!err.contains("line2"), "{err}");
        assert!(err.contains("line3") && err.ends_with("line8"), "{err}");
    }

    #[test]
    fn finds_sh_on_path_but_not_a_made_up_program() {
        assert!(exists("sh"));
        assert!(!exists("springboard-no-such-program"));
    }
}
