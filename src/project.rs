//! Project discovery (SPEC §3): `-C/--project`, `SPECIFY_REPO_ROOT`, then walking up from the
//! current directory, following a git worktree's `.git` file back to the main repository.

use crate::error::{CliError, ErrorKind};
use std::path::{Path, PathBuf};

/// Where discovery starts.
#[derive(Debug, Clone, Default)]
pub struct Discovery {
    /// `-C/--project DIR` (relative to `cwd`).
    pub project_arg: Option<PathBuf>,
    /// `SPECIFY_REPO_ROOT`.
    pub repo_root_env: Option<PathBuf>,
    /// The process's current directory.
    pub cwd: PathBuf,
}

/// The error for "no project here".
pub fn not_in_project() -> CliError {
    CliError::new(
        ErrorKind::NotAllowed,
        "not_in_project",
        "Not inside a spec-kitty project. Run this command from a project with .kittify/.",
    )
    .hint("pass -C/--project DIR or set SPECIFY_REPO_ROOT to point at the project")
}

impl Discovery {
    /// Find the project root (the directory holding `.kittify/`).
    ///
    /// `-C DIR` behaves like `git -C`: discovery starts in DIR. `SPECIFY_REPO_ROOT` is used
    /// when it holds `.kittify/` (as upstream does), otherwise ignored.
    pub fn find(&self) -> Result<PathBuf, CliError> {
        if let Some(dir) = &self.project_arg {
            let start = self.cwd.join(dir);
            if !start.is_dir() {
                // As `git -C` says it: the OS's reason (missing, not a directory, no access).
                let reason = match std::fs::metadata(&start) {
                    Err(e) => crate::error::io_reason(&e),
                    Ok(_) => "Not a directory".to_owned(),
                };
                return Err(CliError::usage(format!(
                    "-C/--project {}: {reason}",
                    dir.display()
                )));
            }
            return walk_up(&start).ok_or_else(not_in_project);
        }
        if let Some(root) = &self.repo_root_env {
            let root = self.cwd.join(root);
            if has_kittify(&root) {
                return Ok(root);
            }
        }
        walk_up(&self.cwd).ok_or_else(not_in_project)
    }
}

fn has_kittify(dir: &Path) -> bool {
    dir.join(".kittify").is_dir()
}

fn walk_up(start: &Path) -> Option<PathBuf> {
    let mut dir = Some(start);
    while let Some(d) = dir {
        let git = d.join(".git");
        if git.is_file() {
            if let Some(main) = worktree_main_repo(&git) {
                if has_kittify(&main) {
                    return Some(main);
                }
            }
        }
        if has_kittify(d) {
            return Some(d.to_path_buf());
        }
        dir = d.parent();
    }
    None
}

/// For a worktree's `.git` file (`gitdir: <main>/.git/worktrees/<name>`), the main repository.
fn worktree_main_repo(git_file: &Path) -> Option<PathBuf> {
    let text = std::fs::read_to_string(git_file).ok()?;
    let gitdir = text.lines().find_map(|l| l.strip_prefix("gitdir:"))?.trim();
    let gitdir = git_file.parent()?.join(gitdir);
    let worktrees = gitdir.parent()?;
    if worktrees.file_name()? != "worktrees" {
        return None;
    }
    let dot_git = worktrees.parent()?;
    Some(dot_git.parent()?.to_path_buf())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn project() -> tempfile::TempDir {
        let dir = tempfile::tempdir().expect("tempdir");
        std::fs::create_dir_all(dir.path().join(".kittify")).expect("mkdir");
        dir
    }

    #[test]
    fn walks_up_from_a_subdirectory() {
        let p = project();
        let sub = p.path().join("a/b");
        std::fs::create_dir_all(&sub).expect("mkdir");
        let d = Discovery {
            cwd: sub,
            ..Default::default()
        };
        assert_eq!(d.find().expect("found"), p.path());
    }

    #[test]
    fn follows_a_worktree_git_file_to_the_main_repository() {
        let main = project();
        std::fs::create_dir_all(main.path().join(".git/worktrees/wt")).expect("mkdir");
        let wt = tempfile::tempdir().expect("tempdir");
        std::fs::write(
            wt.path().join(".git"),
            format!(
                "gitdir: {}\n",
                main.path().join(".git/worktrees/wt").display()
            ),
        )
        .expect("write");
        let d = Discovery {
            cwd: wt.path().to_path_buf(),
            ..Default::default()
        };
        assert_eq!(d.find().expect("found"), main.path());
    }

    #[test]
    fn project_arg_wins_and_env_is_used_only_with_kittify() {
        let p = project();
        let other = tempfile::tempdir().expect("tempdir");
        let d = Discovery {
            project_arg: None,
            repo_root_env: Some(p.path().to_path_buf()),
            cwd: other.path().to_path_buf(),
        };
        assert_eq!(d.find().expect("env"), p.path());
        let d = Discovery {
            project_arg: Some(other.path().to_path_buf()),
            repo_root_env: Some(p.path().to_path_buf()),
            cwd: other.path().to_path_buf(),
        };
        assert_eq!(d.find().expect_err("no project").code, "not_in_project");
    }
}
