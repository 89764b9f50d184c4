//! `optbench list`: every registry entry with its keys, defaults, ranges and meanings.

use std::io::Write;

use clap::{Args, ValueEnum};

use super::stdout_error;
use crate::error::Error;
use crate::spec::EntryInfo;
use crate::{optim, problem, schedule};

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
enum Category {
    Optimizers,
    Schedules,
    Problems,
}

#[derive(Debug, Args)]
pub(super) struct ListArgs {
    /// What to list (default: everything).
    category: Option<Category>,
}

pub(super) fn run(args: &ListArgs, out: &mut impl Write) -> Result<(), Error> {
    let all = [
        Category::Optimizers,
        Category::Schedules,
        Category::Problems,
    ];
    let chosen: Vec<Category> = match args.category {
        Some(c) => vec![c],
        None => all.to_vec(),
    };
    let mut text = String::new();
    for (i, category) in chosen.iter().enumerate() {
        if i > 0 {
            text.push('\n');
        }
        let (title, entries): (&str, Vec<&EntryInfo>) = match category {
            Category::Optimizers => ("Optimizers", optim::entries().collect()),
            Category::Schedules => (
                "Schedules (advance once per epoch; every schedule takes min_lr)",
                schedule::entries().collect(),
            ),
            Category::Problems => ("Problems", problem::entries().collect()),
        };
        text.push_str(&format_entries(title, &entries));
    }
    out.write_all(text.as_bytes()).map_err(stdout_error)
}

/// The listing of one category: name, summary and reference, then one line per key.
pub(crate) fn format_entries(title: &str, entries: &[&EntryInfo]) -> String {
    let mut s = format!("{title}:\n");
    for e in entries {
        s.push_str(&format!("  {:<14} {}\n", e.name, e.summary));
        s.push_str(&format!("  {:<14} reference: {}\n", "", e.reference));
        if e.keys.is_empty() {
            s.push_str(&format!("  {:<14} (no keys)\n", ""));
        }
        for k in e.keys {
            let assign = format!("{}={}", k.name, k.default_text());
            s.push_str(&format!(
                "      {:<30} {:<26} {}\n",
                assign,
                k.range.to_string(),
                k.doc
            ));
        }
    }
    s
}
