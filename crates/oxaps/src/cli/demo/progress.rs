//! The demo's narration on stderr: numbered steps, details, a closing line.

use std::time::Instant;

/// Step counter and clock.
pub struct Progress {
    step: usize,
    started: Instant,
}

impl Progress {
    /// A new narration.
    pub fn new() -> Self {
        Progress {
            step: 0,
            started: Instant::now(),
        }
    }

    /// A new numbered step.
    pub fn step(&mut self, text: &str) {
        self.step += 1;
        eprintln!("[{:>2}] {text}", self.step);
    }

    /// A detail of the current step.
    pub fn detail(&self, text: &str) {
        eprintln!("     {text}");
    }

    /// A counter (`12/20 users ready`): rewritten in place on a terminal, every quarter in a log.
    pub fn count(&self, done: usize, total: usize, what: &str) {
        use std::io::IsTerminal;
        if std::io::stderr().is_terminal() {
            eprint!("\r     {done}/{total} {what}");
            if done == total {
                eprintln!();
            }
        } else if done == total || done.is_multiple_of(total.div_ceil(4).max(1)) {
            eprintln!("     {done}/{total} {what}");
        }
    }

    /// The end, successful.
    pub fn done(&self, text: &str) {
        eprintln!("\n{text} ({:.1} s)", self.started.elapsed().as_secs_f64());
    }

    /// The end, failed.
    pub fn failed(&self, text: &str) {
        eprintln!(
            "\nDemo FAILED after {:.1} s: {text}",
            self.started.elapsed().as_secs_f64()
        );
    }
}
