//! The `optbench` binary: all behaviour lives in the library's `cli` module.

use std::process::ExitCode;

fn main() -> ExitCode {
    optbench::cli::main()
}
