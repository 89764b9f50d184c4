//! End-to-end tests, one binary (as ripgrep does): torch parity of every optimizer and
//! schedule, the command line, and the registries.

mod answer;
mod cli;
mod compare;
mod data;
mod harness;
mod layout;
mod records;
mod registry;
mod report;
mod torch_parity;
