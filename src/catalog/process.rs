//! `process_*` metrics of the exporter itself, read from `/proc` with the procfs crate (the
//! real page size and clock-tick rate, not assumed ones). Elsewhere nothing is exported.

use std::fmt;

use super::own;
use crate::metric_model::{Value, Writer};

/// What the kernel says about this process.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct ProcessStats {
    pub cpu_seconds: f64,
    pub resident_bytes: u64,
    pub virtual_bytes: u64,
    pub start_time_seconds: f64,
    pub open_fds: Option<u64>,
    pub max_fds: Option<u64>,
}

/// Reads this process's statistics; `None` where `/proc` is not available.
pub(crate) fn read() -> Option<ProcessStats> {
    let me = procfs::process::Process::myself().ok()?;
    let stat = me.stat().ok()?;
    let ticks = procfs::ticks_per_second() as f64;
    let boot = procfs::boot_time_secs().ok()? as f64;
    Some(ProcessStats {
        cpu_seconds: (stat.utime + stat.stime) as f64 / ticks,
        resident_bytes: stat.rss * procfs::page_size(),
        virtual_bytes: stat.vsize,
        start_time_seconds: boot + stat.starttime as f64 / ticks,
        open_fds: me.fd_count().ok().map(|n| n as u64),
        max_fds: me
            .limits()
            .ok()
            .and_then(|l| match l.max_open_files.soft_limit {
                procfs::process::LimitValue::Value(v) => Some(v),
                procfs::process::LimitValue::Unlimited => None,
            }),
    })
}

/// Writes the process families, if `/proc` was readable.
pub(crate) fn write(w: &mut Writer, stats: Option<&ProcessStats>) -> fmt::Result {
    let Some(s) = stats else { return Ok(()) };
    w.single(&own::PROCESS_CPU, Value::Float(s.cpu_seconds))?;
    w.single(&own::PROCESS_RESIDENT_MEMORY, s.resident_bytes)?;
    w.single(&own::PROCESS_VIRTUAL_MEMORY, s.virtual_bytes)?;
    w.single(&own::PROCESS_START_TIME, Value::Float(s.start_time_seconds))?;
    if let Some(fds) = s.open_fds {
        w.single(&own::PROCESS_OPEN_FDS, fds)?;
    }
    if let Some(max) = s.max_fds {
        w.single(&own::PROCESS_MAX_FDS, max)?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    #[test]
    fn reads_own_process() {
        if std::path::Path::new("/proc/self/stat").exists() {
            let s = super::read().expect("readable /proc");
            assert!(s.resident_bytes > 0);
            assert!(s.open_fds.unwrap() >= 3);
            let now = std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .unwrap()
                .as_secs_f64();
            assert!(s.start_time_seconds > now - 3600.0 && s.start_time_seconds <= now + 1.0);
        }
    }
}
