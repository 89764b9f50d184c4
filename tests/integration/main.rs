//! End-to-end tests, one binary (as ripgrep does): torch parity of every optimizer and
//! schedule, the command line, and the registries.

mod answer;
mod cli;
mod compare;
mod data;
mod fuzz;
mod harness;
mod io;
mod layout;
mod limits;
mod numerics;
mod own_optimizer;
mod records;
mod registry;
mod report;
mod torch_parity;
