//! Progress of a grid run on stderr: an indicatif bar (runs done, rate, ETA) on a terminal;
//! plain lines every few seconds otherwise (a CI log, a cluster job); nothing when disabled.

use std::io::IsTerminal;
use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

/// Seconds between plain progress lines.
const PLAIN_EVERY: Duration = Duration::from_secs(5);

/// Reports finished runs.
#[derive(Debug)]
pub struct Progress {
    total: AtomicUsize,
    done: AtomicUsize,
    diverged: AtomicUsize,
    started: Instant,
    bar: Option<ProgressBar>,
    plain: Option<Mutex<Instant>>,
}

impl Progress {
    /// Progress over `total` runs; `enabled` false reports nothing.
    pub fn new(total: usize, enabled: bool) -> Progress {
        let terminal = std::io::stderr().is_terminal();
        let bar = (enabled && terminal).then(|| {
            let bar =
                ProgressBar::with_draw_target(Some(total as u64), ProgressDrawTarget::stderr());
            bar.set_style(
                ProgressStyle::with_template(
                    "{bar:40} {pos}/{len} runs  {per_sec}  ETA {eta}  {msg}",
                )
                .expect("the template is valid"),
            );
            bar
        });
        Progress {
            total: AtomicUsize::new(total),
            done: AtomicUsize::new(0),
            diverged: AtomicUsize::new(0),
            started: Instant::now(),
            bar,
            plain: (enabled && !terminal).then(|| Mutex::new(Instant::now())),
        }
    }

    /// `more` runs were added to the total (a sweep was extended).
    pub fn grow(&self, more: usize) {
        self.total.fetch_add(more, Ordering::Relaxed);
        if let Some(bar) = &self.bar {
            bar.inc_length(more as u64);
        }
    }

    /// One run finished.
    pub fn finished(&self, diverged: bool) {
        let done = self.done.fetch_add(1, Ordering::Relaxed) + 1;
        let div = self
            .diverged
            .fetch_add(usize::from(diverged), Ordering::Relaxed)
            + usize::from(diverged);
        if let Some(bar) = &self.bar {
            bar.inc(1);
            if diverged {
                bar.set_message(format!("{div} diverged"));
            }
        }
        if let Some(last) = &self.plain {
            let mut last = last.lock().expect("progress lock");
            if last.elapsed() >= PLAIN_EVERY {
                *last = Instant::now();
                eprintln!("{}", self.line(done, div));
            }
        }
    }

    fn line(&self, done: usize, diverged: usize) -> String {
        let total = self.total.load(Ordering::Relaxed);
        let secs = self.started.elapsed().as_secs_f64().max(1e-9);
        let rate = done as f64 / secs;
        let eta = if rate > 0.0 {
            total.saturating_sub(done) as f64 / rate
        } else {
            0.0
        };
        format!(
            "optbench: {done}/{total} runs so far ({:.0}%), {diverged} diverged, {rate:.1} runs/s, ETA {eta:.0}s",
            100.0 * done as f64 / total.max(1) as f64
        )
    }

    /// Clears the bar; in plain mode, prints the closing line.
    pub fn finish(&self) {
        if let Some(bar) = &self.bar {
            bar.finish_and_clear();
        }
        if self.plain.is_some() {
            let done = self.done.load(Ordering::Relaxed);
            eprintln!(
                "{}",
                self.line(done, self.diverged.load(Ordering::Relaxed))
                    .replace(" so far", "")
            );
        }
    }
}
