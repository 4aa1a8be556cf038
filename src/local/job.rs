//! Windows: a provider's process tree in a job object. Windows has no process groups that one
//! kill reaches: `bd.exe`, `fp.exe`, or the `cmd.exe` of a `.cmd` shim and the program it starts,
//! and whatever those start, are put in one job, so ending the job ends them all. The job is
//! created with "kill on job close": if this process dies (Ctrl-C's default handler, a crash),
//! Windows closes the handle and ends the tree too. After a provider that exited by itself the
//! job is released instead ([`Job::release`]): what it left running lives on, as on Unix, where
//! the runner kills the process group only at the timeout or on Ctrl-C.
//!
//! A process is assigned just after it is spawned, so a grandchild started in that window (the
//! first microseconds of the provider's life) would escape; a provider starts none that early.

use std::io;
use std::os::windows::io::AsRawHandle;
use std::process::Child;
use windows_sys::Win32::Foundation::{CloseHandle, HANDLE};
use windows_sys::Win32::System::JobObjects::{
    AssignProcessToJobObject, CreateJobObjectW, JobObjectExtendedLimitInformation,
    SetInformationJobObject, TerminateJobObject, JOBOBJECT_EXTENDED_LIMIT_INFORMATION,
    JOB_OBJECT_LIMIT_KILL_ON_JOB_CLOSE,
};

/// A job holding a provider's process tree; closing it (drop) ends what is left of the tree.
#[derive(Debug)]
pub struct Job(HANDLE);

impl Job {
    /// A new kill-on-close job with `child` (just spawned) in it.
    pub fn adopt(child: &Child) -> io::Result<Job> {
        // SAFETY: no security attributes, no name: an anonymous job this process owns.
        let handle = unsafe { CreateJobObjectW(std::ptr::null(), std::ptr::null()) };
        if handle.is_null() {
            return Err(io::Error::last_os_error());
        }
        let job = Job(handle);
        job.limit(JOB_OBJECT_LIMIT_KILL_ON_JOB_CLOSE)?;
        // SAFETY: the child's process handle stays valid while `child` lives.
        if unsafe { AssignProcessToJobObject(job.0, child.as_raw_handle()) } == 0 {
            return Err(io::Error::last_os_error());
        }
        Ok(job)
    }

    /// Set the job's limit flags (the only limit used: kill on job close, or none).
    fn limit(&self, flags: u32) -> io::Result<()> {
        // SAFETY: zeroed is a valid JOBOBJECT_EXTENDED_LIMIT_INFORMATION (plain integers).
        let mut limits: JOBOBJECT_EXTENDED_LIMIT_INFORMATION = unsafe { std::mem::zeroed() };
        limits.BasicLimitInformation.LimitFlags = flags;
        let size = u32::try_from(std::mem::size_of_val(&limits)).unwrap_or(u32::MAX);
        // SAFETY: a valid job handle, a pointer to a live struct of the size given.
        let set = unsafe {
            SetInformationJobObject(
                self.0,
                JobObjectExtendedLimitInformation,
                std::ptr::from_ref(&limits).cast(),
                size,
            )
        };
        match set {
            0 => Err(io::Error::last_os_error()),
            _ => Ok(()),
        }
    }

    /// Close the job without ending what is left in it (kill on close is lifted first).
    pub fn release(self) {
        let _ = self.limit(0);
    }

    /// End every process in the job (exit code 1).
    pub fn terminate(&self) {
        // SAFETY: a valid job handle; failure (the tree already gone) needs no handling.
        unsafe {
            TerminateJobObject(self.0, 1);
        }
    }
}

impl Drop for Job {
    fn drop(&mut self) {
        // SAFETY: the handle is ours and closed once.
        unsafe {
            CloseHandle(self.0);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::{Duration, Instant};

    /// Oracle: Windows itself. `cmd /c` starts `ping`, a grandchild; terminating the job ends
    /// both, so the pipe `ping` inherited closes and reading it to the end returns at once.
    #[test]
    fn terminating_the_job_ends_the_grandchildren_too() {
        use std::io::Read;
        let mut child = std::process::Command::new("cmd")
            .args(["/c", "ping -n 30 127.0.0.1"])
            .stdout(std::process::Stdio::piped())
            .spawn()
            .expect("spawn cmd");
        let job = Job::adopt(&child).expect("job");
        let started = Instant::now();
        job.terminate();
        let mut out = Vec::new();
        let _ = child.stdout.take().expect("pipe").read_to_end(&mut out);
        let _ = child.wait();
        assert!(
            started.elapsed() < Duration::from_secs(10),
            "the tree outlived the job"
        );
    }
}
