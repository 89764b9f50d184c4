//! `optbench list`: every registry entry with its keys, defaults, ranges and meanings.

use std::io::Write;

use clap::{Args, ValueEnum};

use super::stdout_error;
use crate::error::Error;
use std::collections::BTreeMap;

use crate::problem::Sizes;
use crate::spec::{EntryInfo, Value};
use crate::{batch, grid, optim, problem, schedule};

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
enum Category {
    Optimizers,
    Schedules,
    Problems,
    BatchModes,
    Presets,
}

#[derive(Debug, Args)]
pub(super) struct ListArgs {
    /// What to list (default: everything).
    category: Option<Category>,
    /// Write Markdown (tables per entry) instead of text: `optbench list --markdown >
    /// docs/reference.md` regenerates the repository's reference, which a test keeps current.
    #[arg(long)]
    markdown: bool,
}

pub(super) fn run(args: &ListArgs, out: &mut impl Write) -> Result<(), Error> {
    let all = [
        Category::Optimizers,
        Category::Schedules,
        Category::Problems,
        Category::BatchModes,
        Category::Presets,
    ];
    let chosen: Vec<Category> = match args.category {
        Some(c) => vec![c],
        None => all.to_vec(),
    };
    if args.markdown {
        let text = markdown(&chosen)?;
        return out.write_all(text.as_bytes()).map_err(stdout_error);
    }
    let mut text = String::new();
    for (i, category) in chosen.iter().enumerate() {
        if i > 0 {
            text.push('\n');
        }
        let none = |_: &EntryInfo| Vec::new();
        text.push_str(&match category {
            Category::Optimizers => format_entries("Optimizers", optim::entries(), none),
            Category::Schedules => format_entries(
                "Schedules (advance once per epoch; every schedule takes min_lr, and warmup_epochs for a linear warm-up before it)",
                schedule::entries(),
                none,
            ),
            Category::Problems => format_entries(
                "Problems (sizes at the default keys, seed 0)",
                problem::entries(),
                problem_lines,
            ),
            Category::BatchModes => format_entries(
                "Batch modes (analytic landscapes take full only)",
                batch::entries(),
                none,
            ),
            Category::Presets => presets()?,
        });
    }
    out.write_all(text.as_bytes()).map_err(stdout_error)
}

/// Every preset with its size: configurations, and the least runs and sample-evaluations they
/// make (the initial sweeps on the tuning seeds and one lr on the evaluation seeds; bracketing
/// adds more), computed from the plan and each problem's training-set size; and the measured
/// time.
fn presets() -> Result<String, Error> {
    let mut s = String::from(
        "Presets (optbench run --preset NAME; sizes computed from the plan: at least these many runs, as sweeps extend to bracket the best lr):\n",
    );
    for p in grid::PRESETS {
        let g = grid::preset(p.name)?;
        let mut train_len: BTreeMap<&str, usize> = BTreeMap::new();
        for problem in &g.problems {
            let built = problem::parse(&problem.spec)?.config.build(0)?;
            train_len.insert(&problem.spec, built.train_len());
        }
        let plan = grid::plan(&g);
        let (mut gradients, mut losses) = (0u64, 0u64);
        for c in &plan.configurations {
            let samples = (train_len[c.problem.as_str()] * c.epochs * c.least_runs()) as u64;
            if c.optimizer.name == "ars" {
                let directions = optim::parse(&c.optimizer.spec)
                    .ok()
                    .and_then(|o| match o.params.get("directions") {
                        Some(Value::Int(n)) => Some(n as u64),
                        _ => None,
                    })
                    .unwrap_or(8);
                losses += 2 * directions * samples;
            } else {
                gradients += samples;
            }
        }
        let skipped: usize = plan.skipped.iter().map(|k| k.configurations).sum();
        let measured = match p.measured_seconds {
            Some(secs) => format!("measured {secs:?} s with --jobs 2 on a 2-core machine"),
            None => "not measured on a 2-core machine (a cluster workload)".to_string(),
        };
        s.push_str(&format!("  {:<14} {}\n", p.name, p.summary));
        s.push_str(&format!(
            "  {:<14} {} configurations ({} skipped), at least {} runs, {:.2e} sample-gradients, {:.2e} sample-losses (ars); {measured}\n",
            "",
            plan.configurations.len(),
            skipped,
            plan.least_runs(),
            gradients as f64,
            losses as f64,
        ));
    }
    Ok(s)
}

/// The character and sizes of a problem entry, built at its defaults with seed 0.
fn problem_lines(info: &EntryInfo) -> Vec<String> {
    match problem::parse(info.name) {
        Ok(spec) => {
            let sizes = spec.config.build(0).map(|p| p.sizes());
            vec![
                format!("character: {}", spec.family.describe()),
                match sizes {
                    Ok(sizes) => format!(
                        "sizes: {}",
                        describe_sizes(&sizes, spec.config.landscape().is_some())
                    ),
                    Err(e) => format!("sizes: unavailable ({e})"),
                },
            ]
        }
        // Entries with a required key (csv) have no default instance.
        Err(_) => vec![
            "character: smooth convex (linear, logistic or softmax regression)".to_string(),
            "sizes: those of the file given in `path`".to_string(),
        ],
    }
}

/// "1152 train / 288 validation / 288 test samples, 2 features, 3 parameters, 2 classes".
pub(crate) fn describe_sizes(sizes: &Sizes, landscape: bool) -> String {
    if landscape {
        return format!("{} coordinates (no data)", sizes.parameters);
    }
    let mut s = format!(
        "{} train / {} validation / {} test samples, {} features, {} parameters",
        sizes.train, sizes.validation, sizes.test, sizes.features, sizes.parameters
    );
    if let Some(k) = sizes.classes {
        s.push_str(&format!(", {k} classes"));
    }
    s
}

/// The listing of one category: name, summary and reference, any `extra` lines, then one line
/// per key.
pub(crate) fn format_entries<'a>(
    title: &str,
    entries: impl Iterator<Item = &'a EntryInfo>,
    extra: impl Fn(&EntryInfo) -> Vec<String>,
) -> String {
    let mut s = format!("{title}:\n");
    for e in entries {
        s.push_str(&format!("  {:<14} {}\n", e.name, e.summary));
        s.push_str(&format!("  {:<14} reference: {}\n", "", e.reference));
        for line in extra(e) {
            s.push_str(&format!("  {:<14} {line}\n", ""));
        }
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

/// The reference in Markdown: for every category chosen, each entry's summary, reference
/// and a table of its keys (the same registry `list` prints, so it cannot drift from it).
fn markdown(chosen: &[Category]) -> Result<String, Error> {
    let mut s = String::from(
        "# Reference\n\n\
         Every optimizer, schedule, problem, batch mode and preset optbench knows, with every key \
         a specification string may set (`name:key=value,key=value`), its default, its allowed \
         values and its meaning. Generated from the registry by \
         `optbench list --markdown > docs/reference.md`; a test fails when this file is not \
         current. `optbench list` prints the same as text.\n",
    );
    for category in chosen {
        let none = |_: &EntryInfo| Vec::new();
        s.push('\n');
        s.push_str(&match category {
            Category::Optimizers => markdown_entries(
                "Optimizers",
                "Each follows the reference named (for `torch.optim` classes: the same \
                 arithmetic, checked on whole trajectories against PyTorch). `lr` is the \
                 learning rate the grid sweeps; every other key is fixed per spec string.",
                optim::entries(),
                none,
            ),
            Category::Schedules => markdown_entries(
                "Schedules",
                "A schedule advances once per epoch. Every schedule also takes `min_lr`, and \
                 `warmup_epochs`/`warmup_start_factor` for a linear warm-up before it (as \
                 torch's `SequentialLR` chains `LinearLR` with another schedule).",
                schedule::entries(),
                none,
            ),
            Category::Problems => markdown_entries(
                "Problems",
                "Sizes at the default keys, seed 0.",
                problem::entries(),
                problem_lines,
            ),
            Category::BatchModes => markdown_entries(
                "Batch modes",
                "Analytic landscapes have no data and take `full` only.",
                batch::entries(),
                none,
            ),
            Category::Presets => format!(
                "## Presets\n\n`optbench run --preset NAME` (or `report --preset NAME`).\n\n```text\n{}```\n",
                presets()?
            ),
        });
    }
    Ok(s)
}

/// One category in Markdown: a section per entry with a table of its keys.
fn markdown_entries<'a>(
    title: &str,
    intro: &str,
    entries: impl Iterator<Item = &'a EntryInfo>,
    extra: impl Fn(&EntryInfo) -> Vec<String>,
) -> String {
    // A table cell must not hold a bar or a line break.
    let cell = |t: &str| t.replace('|', "\\|").replace('\n', " ");
    let mut s = format!("## {title}\n\n{intro}\n");
    for e in entries {
        s.push_str(&format!(
            "\n### `{}`\n\n{}\n\nReference: {}\n",
            e.name, e.summary, e.reference
        ));
        for line in extra(e) {
            s.push_str(&format!("\n{}\n", cell(&line)));
        }
        if e.keys.is_empty() {
            s.push_str("\nNo keys.\n");
            continue;
        }
        s.push_str("\n| key | default | allowed | meaning |\n|---|---|---|---|\n");
        for k in e.keys {
            s.push_str(&format!(
                "| `{}` | `{}` | {} | {} |\n",
                k.name,
                cell(&k.default_text()),
                cell(&k.range.to_string()),
                cell(k.doc)
            ));
        }
    }
    s
}
