//! End-to-end tests, one binary (as ripgrep does): torch parity of every optimizer and
//! schedule, the command line, and the registries.

mod answer;
mod cli;
mod compare;
mod compressed;
mod data;
mod docs;
mod fuzz;
mod harness;
mod io;
mod layout;
mod lbfgs_asgd_parity;
mod limits;
mod lrfree_parity;
mod numerics;
mod own_optimizer;
mod packaging;
mod parity;
mod records;
mod registry;
mod report;
mod schedule_parity;
mod shaped_parity;
mod site;
mod torch_parity;
