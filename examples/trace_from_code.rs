//! Using optbench as a library: compare two optimizers on a landscape from code.
//!
//! Run: `cargo run --release --example trace_from_code`

use optbench::trace::{TraceRequest, collect};

fn main() -> Result<(), optbench::Error> {
    for optimizer in ["sgd:lr=0.001,momentum=0.9", "adam:lr=0.02"] {
        let request = TraceRequest {
            problem: "rosenbrock".into(),
            optimizer: optimizer.into(),
            schedule: "cosine".into(),
            steps: 1000,
            start: None,
            seed: 0,
        };
        let rows = collect(&request)?;
        let last = rows.last().expect("a trace has at least its start row");
        println!(
            "{optimizer:<28} f = {:.3e} after {} updates at ({:.4}, {:.4})",
            last.loss, last.step, last.x[0], last.x[1]
        );
    }
    Ok(())
}
