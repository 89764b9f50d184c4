//! The report: a static folder — pages from minijinja templates (embedded from
//! `templates/`, autoescaped), SVG figures, and the data files — computed from run records
//! alone and written atomically into place.
//!
//! The report is view model + figures + templates: numbers are formatted here, templates hold
//! no arithmetic, figures are pure functions of their inputs.
//!
//! May use: `history`, `analysis`, `timing`, `record`, `problem`, `optim`, `schedule`, `batch`,
//! `num`, `error`.

pub mod answer;
pub mod figures;
mod files;

pub use crate::record::{beside_folder, claim_records_beside, records_beside, timing_beside};
pub use files::{remove_file_if_present, write_file_atomically};

pub use files::check_out;
mod plots;
mod trends;

use std::path::{Path, PathBuf};
use std::time::Instant;

use minijinja::value::Serde;
use minijinja::{Environment, context};
use serde::Serialize;

use crate::analysis::{self, Analysis, Claim, Findings, stats};
use crate::error::Error;
use crate::history;
use crate::num::shortest;
use crate::record::RunRecord;
use crate::timing::TimingPass;

pub use answer::SentenceView;

/// The report's table of its runs, one row per run (`export::runs`: spec, how it ended, final
/// and best values, cost), gzip-compressed so that pandas and polars read it in one line. The
/// records themselves (every curve) are kept beside the folder ([`records_beside`]).
pub const RUNS_TABLE: &str = "runs.csv.gz";

/// The same table for the claims' experiments' runs (written when the report has them).
pub const CLAIM_RUNS_TABLE: &str = "claim-runs.csv.gz";

/// The findings (computed once, in the analysis) and what the pages add to them: file names.
#[derive(Debug, Clone)]
pub struct Derived {
    /// Everything the report says.
    pub findings: Findings,
    /// File-name slug of each problem.
    pub slugs: Vec<String>,
    /// Most learning rates any tuned configuration tried.
    pub lr_points: usize,
}

impl std::ops::Deref for Derived {
    type Target = Findings;
    fn deref(&self) -> &Findings {
        &self.findings
    }
}

impl Derived {
    /// Computes the findings (with the claims' experiments) and the page names.
    pub fn new(a: &Analysis, experiments: &analysis::Experiments) -> Derived {
        let findings = analysis::findings(a, experiments);
        let mut slugs: Vec<String> = Vec::new();
        for p in &a.problems {
            let base: String = p
                .short
                .chars()
                .map(|c| {
                    if c.is_ascii_alphanumeric() {
                        c.to_ascii_lowercase()
                    } else {
                        '-'
                    }
                })
                .collect::<String>()
                .split('-')
                .filter(|s| !s.is_empty())
                .collect::<Vec<_>>()
                .join("-");
            let mut slug = base.clone();
            let mut k = 2;
            while slugs.contains(&slug) {
                slug = format!("{base}-{k}");
                k += 1;
            }
            slugs.push(slug);
        }
        Derived {
            lr_points: findings
                .sensitivity
                .curves
                .iter()
                .flatten()
                .flatten()
                .map(|c| c.factors.len())
                .max()
                .unwrap_or(1),
            findings,
            slugs,
        }
    }
}

/// The sweep step in decades: the smallest ratio between neighbouring rates any tuned
/// configuration tried.
fn sweep_step(d: &Derived) -> f64 {
    d.sensitivity
        .curves
        .iter()
        .flatten()
        .flatten()
        .flat_map(|c| c.factors.windows(2).map(|w| (w[1] / w[0]).log10()))
        .fold(f64::INFINITY, f64::min)
}

/// "Blue" from "blue".
fn capitalize(s: &str) -> String {
    let mut c = s.chars();
    c.next()
        .map(|f| f.to_uppercase().collect::<String>() + c.as_str())
        .unwrap_or_default()
}

/// The page of a problem.
pub fn problem_page(slug: &str) -> String {
    format!("problem-{slug}.html")
}

/// What the manifest records about how the report was made.
#[derive(Debug, Clone, Serialize)]
pub struct Provenance {
    /// The command line.
    pub command: String,
    /// Wall seconds of the run stage, when `report` ran the grid.
    pub run_seconds: Option<f64>,
    /// Worker threads of the run stage.
    pub threads: usize,
    /// Name shown in the title (the grid's name).
    pub name: String,
    /// When `report --only` ran: where the records came from.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cache: Option<CacheUse>,
}

/// Where the records of a `report --only` came from: like the wall-clock fields, this is
/// provenance (the records, and so every page but the methodology page's "How to reproduce"
/// paragraph and the manifest, are the same as a full run's).
#[derive(Debug, Clone, Serialize)]
pub struct CacheUse {
    /// The optimizer labels `--only` named.
    pub only: Vec<String>,
    /// Records executed now (the named optimizers' runs, and the others the cache lacked).
    pub executed: usize,
    /// Records taken from the result cache.
    pub cached: usize,
    /// Runs of other optimizers the cache lacked (executed, counted in `executed`).
    pub missing: usize,
    /// The cache folder.
    pub dir: String,
}

/// What a report is drawn from besides its records.
#[derive(Debug, Clone, Copy)]
pub struct Inputs<'a> {
    /// How it was made.
    pub provenance: &'a Provenance,
    /// The recorded timing pass (step-cost figure, `timing.json`); none: the methodology page
    /// says how to record one, and there is no `timing.json`.
    pub timing: Option<&'a TimingPass>,
    /// History entries, oldest first, this report's last; none: no trend page.
    pub history: &'a [history::Entry],
    /// The claims' experiments (empty: every claim "not tested").
    pub claims: &'a analysis::Experiments,
    /// Their records, tabled in the report as [`CLAIM_RUNS_TABLE`] and kept beside it
    /// ([`claim_records_beside`]); none: neither.
    pub claim_records: &'a [RunRecord],
}

/// Report files written.
#[derive(Debug, Clone)]
pub struct Written {
    /// The report folder.
    pub folder: PathBuf,
    /// Its index page.
    pub index: PathBuf,
    /// Seconds spent rendering.
    pub seconds: f64,
}

fn fmt_gap(score: f64) -> String {
    plots::gap_text(score)
}

/// How an optimum is known, in words.
fn optimum_kind_text(kind: crate::problem::OptimumKind) -> &'static str {
    match kind {
        crate::problem::OptimumKind::Exact => "exact",
        crate::problem::OptimumKind::Solved => "solved in the crate to near machine precision",
        crate::problem::OptimumKind::Estimate => {
            "an estimate: the best value of a long reference budget"
        }
    }
}

fn fmt_num(x: f64) -> String {
    if !x.is_finite() {
        return "–".into();
    }
    shortest(format!("{x:.3e}").parse().unwrap_or(x))
}

/// The gzip-compressed table of `records` ([`RUNS_TABLE`]), its rows grouped as a reader
/// filters them: by problem, optimizer spec, batch mode, schedule, role, lr and seed (also a
/// sixth smaller than in run-id order, whose neighbours have nothing in common). Never by
/// label: renaming an optimizer changes its name in the table, not the rows' order.
fn runs_table(records: &[RunRecord]) -> Result<Vec<u8>, Error> {
    let mut rows: Vec<&RunRecord> = records.iter().collect();
    rows.sort_by(|a, b| {
        let (a, b) = (&a.spec, &b.spec);
        (
            &a.problem,
            &a.optimizer,
            &a.batch,
            &a.schedule,
            a.role as u8,
        )
            .cmp(&(
                &b.problem,
                &b.optimizer,
                &b.batch,
                &b.schedule,
                b.role as u8,
            ))
            .then(a.lr.total_cmp(&b.lr))
            .then((a.seed_index, &a.id).cmp(&(b.seed_index, &b.id)))
    });
    crate::export::gzip(
        &crate::export::runs::csv(rows)?,
        flate2::Compression::best(),
    )
}

/// Writes what the report `out` was drawn from beside it, each file atomically: the records
/// and the claims' records, compressed ([`records_beside`], [`claim_records_beside`]), and the
/// timing pass (`DIR.timing.json`); an input the report lacks has its stale file removed, so
/// that `render DIR.results.jsonl.zst` draws the same report again. Written before the folder,
/// so that a folder in place always has its own inputs beside it.
fn write_inputs_beside(
    out: &Path,
    records: &[RunRecord],
    inputs: &Inputs<'_>,
) -> Result<(), Error> {
    let write_compressed = |path: &Path, records: &[RunRecord]| {
        files::compressed_jsonl(&path.display().to_string(), records)
            .and_then(|bytes| write_file_atomically(path, &bytes))
    };
    write_compressed(&records_beside(out), records)?;
    let claims = claim_records_beside(out);
    if inputs.claim_records.is_empty() {
        remove_file_if_present(&claims, "the stale")?;
    } else {
        write_compressed(&claims, inputs.claim_records)?;
    }
    let timing = timing_beside(out);
    match inputs.timing {
        Some(pass) => crate::timing::file::write(&timing, pass)?,
        None => remove_file_if_present(&timing, "the stale")?,
    }
    Ok(())
}

#[derive(Serialize)]
struct FigureView {
    id: String,
    src: String,
    /// The figure laid out for phones (legend below), where it has a legend to move.
    narrow_src: Option<String>,
    /// The figure with every optimizer in colour, where the default one greys some.
    all_src: Option<String>,
    /// Laid out narrow for every screen ([`write_compact`]): the page may set two in a row.
    compact: bool,
    caption: String,
}

impl FigureView {
    /// The view of `figures/{id}.svg` alone (no phone or every-optimizer variant), in the
    /// wide layout.
    fn new(id: &str, src: String, caption: String) -> FigureView {
        FigureView {
            id: format!("fig-{id}"),
            src,
            narrow_src: None,
            all_src: None,
            compact: false,
            caption,
        }
    }
}

/// What a figure function drew: a finished SVG, or a line chart still to lay out (wide for
/// desktops, narrow for phones).
enum Drawn {
    Svg(String),
    Lines(figures::LineChart),
}

impl From<String> for Drawn {
    fn from(svg: String) -> Drawn {
        Drawn::Svg(svg)
    }
}

impl From<figures::LineChart> for Drawn {
    fn from(chart: figures::LineChart) -> Drawn {
        Drawn::Lines(chart)
    }
}

impl Drawn {
    /// The SVG for wide screens (and print).
    fn wide(&self) -> String {
        match self {
            Drawn::Svg(svg) => svg.clone(),
            Drawn::Lines(chart) => figures::line_chart(chart),
        }
    }

    /// The SVG for phones, where it differs from the wide one.
    fn narrow(&self) -> Option<String> {
        match self {
            Drawn::Svg(_) => None,
            Drawn::Lines(chart) => Some(figures::line_chart_in(chart, figures::Layout::Narrow)),
        }
    }
}

/// Writes a figure laid out for an overview page ([`Fit::Overview`]): `figures/{id}.svg`,
/// and `{id}-narrow.svg` for phones where it has a layout for them; returns its view.
fn write_figure(
    files: &mut Vec<(String, Vec<u8>)>,
    id: &str,
    drawn: impl Into<Drawn>,
    caption: String,
) -> FigureView {
    write_fitted(files, id, drawn.into(), caption, Fit::Overview)
}

/// Writes a figure laid out for a problem page ([`Fit::Problem`]): one file,
/// `figures/{id}.svg`, in the layout that serves every screen: a line chart narrow (legend
/// below), which phones show at full width and desktops two to a row; any other figure as
/// drawn. The problem pages' figures are many (each kind once per problem): a second layout
/// of each would double their bytes.
fn write_compact(
    files: &mut Vec<(String, Vec<u8>)>,
    id: &str,
    drawn: impl Into<Drawn>,
    caption: String,
) -> FigureView {
    write_fitted(files, id, drawn.into(), caption, Fit::Problem)
}

fn write_fitted(
    files: &mut Vec<(String, Vec<u8>)>,
    id: &str,
    drawn: Drawn,
    caption: String,
    fit: Fit,
) -> FigureView {
    let src = format!("figures/{id}.svg");
    let narrow = drawn.narrow();
    let mut view = FigureView::new(id, src.clone(), caption);
    match fit {
        Fit::Overview => {
            files.push((src, drawn.wide().into_bytes()));
            view.narrow_src = narrow.map(|svg| {
                let src = format!("figures/{id}-narrow.svg");
                files.push((src.clone(), svg.into_bytes()));
                src
            });
        }
        Fit::Problem => {
            view.compact = narrow.is_some();
            files.push((src, narrow.unwrap_or_else(|| drawn.wide()).into_bytes()));
        }
    }
    view
}

/// Where a figure goes, which decides the files written for it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Fit {
    /// The overview pages' few figures: wide, narrow for phones, and every optimizer in
    /// colour where the default look greys some ([`write_figure`]).
    Overview,
    /// A problem page's figures: one file each ([`write_compact`]); the page's table lists
    /// every optimizer the figure greys.
    Problem,
}

/// Writes a figure of optimizers drawn with the default look (the best few and the baselines
/// in colour, the rest grey, identical methods folded), laid out for `fit`; on an overview
/// page, where that differs from drawing every optimizer in colour, also the full set as
/// `figures/{id}-all.svg`, linked from the caption.
fn write_emphasised<D: Into<Drawn>>(
    files: &mut Vec<(String, Vec<u8>)>,
    id: &str,
    (look, full): (&plots::Look, &plots::Look),
    fit: Fit,
    draw: impl Fn(&plots::Look) -> D,
    caption: String,
) -> FigureView {
    let note = look.describe();
    let caption = if note.is_empty() {
        caption
    } else {
        format!("{caption} {note}")
    };
    let mut view = write_fitted(files, id, draw(look).into(), caption, fit);
    if fit == Fit::Overview && !look.is_full() {
        let src = format!("figures/{id}-all.svg");
        files.push((src.clone(), draw(full).into().wide().into_bytes()));
        view.all_src = Some(src);
    }
    view
}

#[derive(Serialize)]
struct StandingRow {
    rank: usize,
    label: String,
    mean_rank: String,
    interval: String,
    p_best: String,
    group: bool,
    p_vs_best: String,
    median_gap: String,
    effect: String,
    same_as: String,
    default_rank: String,
}

#[derive(Serialize)]
struct ClaimRow {
    number: usize,
    statement: String,
    verdict: String,
    verdict_class: String,
    logic: String,
    summary: String,
    depends_on: String,
    measures: Vec<String>,
    href: String,
}

#[derive(Serialize)]
struct ProblemLink {
    href: String,
    title: String,
    family: String,
    runs: usize,
    diverged: usize,
    best: String,
}

#[derive(Serialize)]
struct ChoiceRow {
    label: String,
    batch: String,
    schedule: String,
    lr: String,
    factor: String,
    gap: String,
    iqr: String,
    tried: String,
    test: String,
    accuracy: String,
    diverged: String,
    default_gap: String,
}

#[derive(Serialize)]
struct Meta {
    name: String,
    runs: usize,
    diverged: usize,
    problems: usize,
    optimizers: usize,
    tuning_seeds: usize,
    evaluation_seeds: usize,
    grid: String,
    version: &'static str,
    revision: &'static str,
    /// Whether the report has a history page.
    history: bool,
}

fn claim_href(c: &Claim) -> String {
    format!("claims.html#claim-{}", c.number)
}

/// The figure that shows claim `c`'s effect in its experiment `e`, with its caption.
fn claim_figure(c: &Claim, e: &Analysis) -> Option<(Drawn, String)> {
    let full = plots::Look::full(e);
    let index = |label: &str| e.optimizer_index(label);
    // The problem a measure names, else the first.
    let named = c
        .measures
        .iter()
        .find_map(|m| {
            e.problems
                .iter()
                .position(|p| m.name.contains(&format!("on {} ", p.short)))
        })
        .unwrap_or(0);
    let p = e.problems.get(named)?;
    Some(match c.number {
        1 => {
            let q = e
                .problems
                .iter()
                .find(|p| p.short == "quadratic:kappa=100.0")
                .unwrap_or(p);
            (
                plots::contour(e, &full, q)?.into(),
                format!("Paths of SGD and SGD with momentum, each at its tuned rate, over the isolines of {} (the first evaluation start): the steep coordinate is vertical. Zig-zags across the valley are the oscillation the claim is about; the path that reaches the centre in fewer steps is the faster.", q.title),
            )
        }
        2 => (
            plots::effective_lr(e, &full, p).into(),
            format!("Effective learning rate per update on {}: AdaGrad's falls as its accumulator grows, RMSprop's need not. A curve that keeps falling while the gap stops closing is a stall.", p.title),
        ),
        3 | 7 => (
            plots::sensitivity(e, &full, &analysis::sensitivity(e), named).into(),
            format!("Final training gap against the learning rate on {} (tuning seeds): {}", p.title, if c.number == 3 {
                "where Adadelta's own rate (1× on the axis) sits against its best tells how much not tuning costs; SGD beside it for contrast."
            } else {
                "the right end shows the rates that diverge or fluctuate (gaps at 1 or above), the left end those too small to move (gaps near 1)."
            }),
        ),
        8 => (
            plots::schedule_curves(e, p, index("sgd")?).into(),
            format!("SGD on mini-batches of {}: the training gap by epoch at a constant rate ({}) and with decay ({}), each schedule at its tuned rate; median and interquartile band over the evaluation seeds. A constant rate levels off at its noise floor; decay keeps closing the gap.", p.title, plots::CONSTANT_DASH.word(), plots::DECAY_DASH.word()),
        ),
        9 => (
            plots::update_curves(e, p, index("sgd")?).into(),
            format!("The full training objective's gap after every update on {} (first evaluation seed): full batch ({}) falls smoothly, one sample per update ({}) zig-zags.", p.title, plots::FULL_BATCH_DASH.word(), plots::OTHER_BATCH_DASH.word()),
        ),
        10 => (
            plots::basin_shares(e, index("sgd")?).into(),
            "The share of random starts on Rastrigin that end in the global basin (f < 0.5), without and with gradient noise, at a constant and an annealed (cosine) rate.".to_string(),
        ),
        _ => (
            plots::convergence(e, &full, p, false).into(),
            format!("Training gap by epoch on {}, each optimizer of the experiment at its tuned configuration (median and interquartile band over the evaluation seeds).", p.title),
        ),
    })
}

/// The pages' stylesheet, written once as `style.css` (linked by `templates/base.html`)
/// rather than repeated in each of a report's pages.
const STYLE: &str = include_str!("../../templates/style.css");

fn environment() -> Environment<'static> {
    let mut env = Environment::new();
    for (name, source) in [
        ("base.html", include_str!("../../templates/base.html")),
        ("figure.html", include_str!("../../templates/figure.html")),
        ("index.html", include_str!("../../templates/index.html")),
        ("problem.html", include_str!("../../templates/problem.html")),
        ("history.html", include_str!("../../templates/history.html")),
        ("claims.html", include_str!("../../templates/claims.html")),
        (
            "methodology.html",
            include_str!("../../templates/methodology.html"),
        ),
    ] {
        env.add_template(name, source)
            .expect("the embedded templates are valid (checked by the report tests)");
    }
    env
}

fn render_page(env: &Environment, name: &str, ctx: minijinja::Value) -> Result<Vec<u8>, Error> {
    env.get_template(name)
        .and_then(|t| t.render(ctx))
        .map(String::into_bytes)
        .map_err(|e| Error::Usage(format!("rendering {name}: {e}")))
}

/// Renders the report of `records` (one grid) into `out`, replacing it atomically.
pub fn render(a: &Analysis, out: &Path, inputs: &Inputs<'_>) -> Result<Written, Error> {
    let started = Instant::now();
    let provenance = inputs.provenance;
    let d = Derived::new(a, inputs.claims);
    let best_first: Vec<usize> = d.tuned.standings.iter().map(|s| s.optimizer).collect();
    let look = plots::Look::emphasis(a, &best_first, "after tuning, over all problems");
    let full = plots::Look::full(a);
    let looks = (&look, &full);
    let env = environment();
    let mut files: Vec<(String, Vec<u8>)> = Vec::new();

    let meta = Meta {
        name: provenance.name.clone(),
        runs: a.runs,
        diverged: a.diverged,
        problems: a.problems.len(),
        optimizers: a.optimizers.len(),
        tuning_seeds: a.tuning_seeds.len(),
        evaluation_seeds: a.evaluation_seeds.len(),
        grid: a.grid.clone(),
        version: env!("CARGO_PKG_VERSION"),
        revision: env!("OPTBENCH_GIT_REVISION"),
        history: !inputs.history.is_empty(),
    };

    // ---- index ----
    let default_rank = |o: usize| {
        d.default
            .standings
            .iter()
            .position(|s| s.optimizer == o)
            .map_or("–".to_string(), |i| (i + 1).to_string())
    };
    let standings: Vec<StandingRow> = d
        .tuned
        .standings
        .iter()
        .enumerate()
        .map(|(i, s)| StandingRow {
            // Exact ties share a rank.
            rank: 1 + d
                .tuned
                .standings
                .iter()
                .filter(|o| o.mean_rank < s.mean_rank)
                .count(),
            effect: format!(
                "{} ({}–{})",
                analysis::findings::sig2_kept(s.effect.ratio),
                analysis::findings::sig2_kept(s.effect.low),
                analysis::findings::sig2_kept(s.effect.high)
            ),
            same_as: s
                .same_as
                .iter()
                .map(|&o| a.optimizers[o].label.clone())
                .collect::<Vec<_>>()
                .join(", "),
            label: s.label.clone(),
            mean_rank: format!("{:.2}", s.mean_rank),
            interval: format!("{:.1}–{:.1}", s.rank_low, s.rank_high),
            p_best: format!("{:.0}%", 100.0 * s.p_best),
            group: s.in_best_group,
            p_vs_best: if i == 0 {
                "–".into()
            } else {
                format!("{:.3}", s.p_vs_best)
            },
            median_gap: fmt_gap(s.median_score),
            default_rank: default_rank(s.optimizer),
        })
        .collect();
    let claims: Vec<ClaimRow> = d
        .claims
        .iter()
        .map(|c| ClaimRow {
            number: c.number,
            statement: c.statement.into(),
            verdict: c.verdict.text().into(),
            verdict_class: format!("{:?}", c.verdict).to_lowercase(),
            logic: c.logic.clone(),
            summary: c.summary.clone(),
            depends_on: c.depends_on.clone().unwrap_or_default(),
            measures: c
                .measures
                .iter()
                .map(|m| format!("{}; {} ({}). {}", m.text(), m.evidence, m.flip, ""))
                .map(|t| t.trim_end_matches(". ").to_string())
                .collect(),
            href: claim_href(c),
        })
        .collect();
    let problem_links: Vec<ProblemLink> = a
        .problems
        .iter()
        .enumerate()
        .map(|(p, pr)| {
            let best = pr
                .tuned
                .iter()
                .filter(|c| !c.runs.is_empty())
                .min_by(|x, y| x.median_score().total_cmp(&y.median_score()))
                .map(|c| c.label.clone())
                .unwrap_or_default();
            ProblemLink {
                href: problem_page(&d.slugs[p]),
                title: pr.title.clone(),
                family: pr.family.describe().into(),
                runs: pr.runs,
                diverged: pr.diverged,
                best,
            }
        })
        .collect();
    let summary_figure = {
        let mut f = write_figure(
            &mut files,
            "summary",
            plots::summary(a, &d.findings),
            format!(
                "Each optimizer (rows, best first) against each kind of problem (columns): how many times less of the gap to the best possible loss it leaves than the median optimizer, each tuned; ★ marks the optimizers the data cannot tell from the best of that column. {} is better, {} worse.",
                capitalize(figures::GOOD_COLOUR),
                figures::BAD_COLOUR
            ),
        );
        f.id = "fig-summary".into();
        f
    };
    let headline = answer::headline(&d);
    let mut index_figures = vec![
        write_figure(&mut files, "ranks-tuned", plots::ranks(&full, &d.tuned),
            "Mean rank of each optimizer across the selection instances (ties within 0.1 decade of gap averaged) with its learning rate, batch mode and schedule tuned on the tuning seeds, scored on the evaluation seeds; bars are 95% hierarchical-bootstrap intervals (instances, then seeds, resampled). The answer's tied-best set comes from Wilcoxon tests over instances, not from these bars.".into()),
        write_figure(&mut files, "ranks-default", plots::ranks(&full, &d.default),
            "The same at each optimizer's own learning rate and the constant schedule: what you get without tuning. Compare with the tuned ranks to see who depends on tuning.".into()),
    ];
    if let Some(h) = &d.holdout_board {
        index_figures.push(write_figure(&mut files, "ranks-holdout", plots::ranks(&full, h),
            "Mean rank on the held-out instances, which took no part in choosing the answer: fresh instances of the same families. An answer that holds up ranks near the top here too.".into()));
    }
    index_figures.extend([
        write_figure(&mut files, "win-rates", plots::win_rates(a, &d.win_rates, &d.tuned.standings.iter().map(|s| s.optimizer).collect::<Vec<_>>()),
            format!("Share of (problem, seed) pairs in which the row optimizer ends with a smaller training gap to f* than the column optimizer by more than 0.1 decade, ties counting one half (tuned); rows and columns ordered by strength, best first. A {} row is an optimizer that beats most others head to head.", figures::GOOD_COLOUR)),
        write_emphasised(&mut files, "profile-evals", looks, Fit::Overview, |l| plots::profile(a, l, &d.speed, false),
            "Dolan–Moré performance profile: for each optimizer, the share of (problem, evaluation seed) runs it brings to 1e-4 of the starting gap to f* within τ times the fewest sample-evaluations any optimizer needed. The curve that is highest at τ = 1 is most often the fastest; the one highest on the right is the most reliable; the area up to τ = 4 is the profile score the answer quotes.".into()),
        write_emphasised(&mut files, "profile-seconds", looks, Fit::Overview, |l| plots::profile(a, l, &d.speed, true),
            "The same profile by wall time: cheaper updates (and ars's loss-only steps) move curves here relative to the evaluation count.".into()),
        write_emphasised(&mut files, "ecdf-evals", looks, Fit::Overview, |l| plots::ecdf(a, l, &d.speed, false),
            "Runtime distribution (COCO style): the share of (problem, seed, target) triples reached within a budget of sample-evaluations, targets at gaps to f* of 1e-1, 1e-2, 1e-3, 1e-4, 1e-6 and 1e-8 of the start. Higher and further left is better.".into()),
        write_emphasised(&mut files, "ecdf-seconds", looks, Fit::Overview, |l| plots::ecdf(a, l, &d.speed, true),
            "The same runtime distribution by wall seconds.".into()),
        write_figure(&mut files, "forgiveness", plots::forgiveness(a, &full, &d.sensitivity),
            "How forgiving each optimizer is of a badly chosen learning rate: the width, in decades, of the learning-rate range that ends within a factor of 2 of its best final training gap on the tuning seeds (median over problems); the tick marks the widest sweep. Taller bars need less tuning.".into()),
    ]);
    let sentences = answer::sentences(&d);
    files.push((
        "index.html".into(),
        render_page(
            &env,
            "index.html",
            context! {
                meta => Serde(&meta),
                page => "index",
                sentences => Serde(&sentences),
                headline => Serde(&headline),
                summary => Serde(&summary_figure),
                standings => Serde(&standings),
                claims => Serde(&claims),
                problems => Serde(&problem_links),
                figures => Serde(&index_figures),
                all_diverged => a.runs > 0 && a.diverged == a.runs,
            },
        )?,
    ));

    // ---- claims page ----
    let claim_sections: Vec<minijinja::Value> = d
        .claims
        .iter()
        .map(|c| {
            let figure_view = inputs
                .claims
                .by_claim
                .get(&c.number)
                .and_then(|e| claim_figure(c, e))
                .map(|(svg, caption)| {
                    let mut f =
                        write_figure(&mut files, &format!("claim-{}", c.number), svg, caption);
                    f.id = format!("fig-claim-{}", c.number);
                    f
                });
            context! {
                number => c.number,
                statement => c.statement,
                verdict => c.verdict.text(),
                verdict_class => format!("{:?}", c.verdict).to_lowercase(),
                logic => &c.logic,
                summary => &c.summary,
                depends_on => c.depends_on.clone().unwrap_or_default(),
                measures => c.measures.iter().map(|m| context! {
                    text => m.text(), evidence => &m.evidence, flip => &m.flip,
                }).collect::<Vec<_>>(),
                experiment => &c.experiment,
                grid => &c.grid,
                figure => Serde(&figure_view),
            }
        })
        .collect();
    files.push((
        "claims.html".into(),
        render_page(
            &env,
            "claims.html",
            context! {
                meta => Serde(&meta),
                page => "claims",
                claims => claim_sections,
            },
        )?,
    ));

    // ---- problem pages ----
    for (p, pr) in a.problems.iter().enumerate() {
        let slug = &d.slugs[p];
        let problem_look = plots::Look::for_problem(a, pr);
        let looks = (&problem_look, &full);
        let mut rows: Vec<(f64, ChoiceRow)> = pr
            .tuned
            .iter()
            .enumerate()
            .filter(|(_, c)| !c.runs.is_empty())
            .map(|(o, c)| {
                let (_, q1, q3) = stats::median_iqr(&c.scores);
                let default = pr.default[o]
                    .as_ref()
                    .map_or("–".into(), |d| fmt_gap(d.median_score()));
                (
                    c.median_score(),
                    ChoiceRow {
                        label: c.label.clone(),
                        batch: c.batch.clone(),
                        schedule: crate::schedule::registry().short(&c.schedule),
                        lr: fmt_num(c.lr),
                        factor: format!("{}×", analysis::findings::sig2(c.lr_factor)),
                        gap: fmt_gap(c.median_score()),
                        iqr: format!("{}–{}", fmt_gap(q1), fmt_gap(q3)),
                        tried: format!(
                            "{}–{} ({}{})",
                            fmt_num(c.tried.0),
                            fmt_num(c.tried.1),
                            c.tried_points,
                            match c.edge {
                                Some(analysis::Edge::Low) => ", pick at the low edge",
                                Some(analysis::Edge::High) => ", pick at the high edge",
                                None => "",
                            }
                        ),
                        test: fmt_num(stats::median(&c.test)),
                        accuracy: c.accuracy.as_ref().map_or("–".into(), |v| {
                            format!("{:.1}%", 100.0 * stats::median(v))
                        }),
                        diverged: format!("{}/{}", c.diverged, c.runs.len()),
                        default_gap: default,
                    },
                )
            })
            .collect();
        rows.sort_by(|x, y| x.0.total_cmp(&y.0));
        let rows: Vec<ChoiceRow> = rows.into_iter().map(|r| r.1).collect();
        let mut figs = vec![
            write_emphasised(&mut files, &format!("{slug}-convergence"), looks, Fit::Problem, |l| plots::convergence(a, l, pr, false),
                format!("Training gap of each optimizer's tuned configuration on {} by epoch: median (line) and interquartile range (band) over the evaluation seeds, on a log scale. Lower is better; a flat line has stalled, a rising one is diverging.", pr.title)),
            write_emphasised(&mut files, &format!("{slug}-convergence-time"), looks, Fit::Problem, |l| plots::convergence(a, l, pr, true),
                "The same curves against wall time: an optimizer with cheaper updates moves left.".into()),
            write_emphasised(&mut files, &format!("{slug}-sensitivity"), looks, Fit::Problem, |l| plots::sensitivity(a, l, &d.sensitivity, p),
                "Final training gap to f* against the learning rate (as a multiple of each optimizer's own), at its tuned batch mode and schedule: every rate its bracketed sweep tried, median over the tuning seeds. A wide flat valley forgives a badly chosen lr; a narrow one needs tuning; the right end shows divergence.".into()),
            write_compact(&mut files, &format!("{slug}-schedules"), plots::config_heatmap(a, p, &a.schedules, |s| s.schedule.as_str(), "schedules"),
                "Median final training gap to f* of each optimizer with each schedule (batch mode and lr picked on tuning seeds, measured on evaluation seeds). Read along a row to see which schedule helps that optimizer.".into()),
        ];
        figs[3].id = "fig-schedules".into();
        if pr.has_data {
            let mut f = write_compact(&mut files, &format!("{slug}-batches"), plots::config_heatmap(a, p, &a.batch_modes, |s| s.batch.as_str(), "batch modes"),
                "Median final training gap to f* of each optimizer with each batch mode (schedule and lr picked on tuning seeds, measured on evaluation seeds). Read along a row to see which batch mode suits that optimizer.".into());
            f.id = "fig-batches".into();
            figs.push(f);
        }
        let mut f = write_emphasised(&mut files, &format!("{slug}-effective-lr"), looks, Fit::Problem, |l| plots::effective_lr(a, l, pr),
            "Effective learning rate: how far each update moved per unit of gradient norm, median over evaluation seeds. For plain SGD it is the lr itself; adaptive methods change it as they go (AdaGrad's falls as its accumulator grows).".into());
        f.id = "fig-effective-lr".into();
        figs.push(f);
        if plots::contour(a, &full, pr).is_some() {
            let mut f = write_emphasised(&mut files, &format!("{slug}-trajectories"), looks, Fit::Problem, |l| plots::contour(a, l, pr).unwrap_or_default(),
                "Paths of the tuned optimizers over the landscape's isolines (first evaluation seed; crosses mark the known minima). Zig-zags across a valley are oscillation; paths that stop short have stalled.".into());
            f.id = "fig-trajectories".into();
            figs.push(f);
        }
        figs[0].id = "fig-convergence".into();
        figs[1].id = "fig-convergence-time".into();
        figs[2].id = "fig-sensitivity".into();
        files.push((
            problem_page(slug),
            render_page(
                &env,
                "problem.html",
                context! {
                    meta => Serde(&meta),
                    page => "problem",
                    title => Serde(&pr.title),
                    spec => Serde(&pr.problem),
                    family => pr.family.describe(),
                    optimum => Serde(format!("{} ({}{})", fmt_num(pr.optimum), optimum_kind_text(pr.optimum_kind), pr.optimum_gradient_norm.map_or(String::new(), |g| format!("; gradient norm at most {}", fmt_num(g))))),
                    set => match pr.set { crate::grid::InstanceSet::Selection => "selection", crate::grid::InstanceSet::Holdout => "held-out" },
                    runs => pr.runs,
                    diverged => pr.diverged,
                    rows => Serde(&rows),
                    figures => Serde(&figs),
                },
            )?,
        ));
    }

    // ---- methodology ----
    let timing = inputs.timing.map(|timing| {
        let step = write_figure(
            &mut files,
            "step-cost",
            plots::step_cost(timing),
            plots::step_cost_caption(timing),
        );
        let costs: Vec<minijinja::Value> = timing
            .costs
            .iter()
            .map(|c| {
                context! {
                    spec => &c.spec,
                    bytes => c.bytes_per_param,
                    ns => format!("{:.3}", c.ns_per_param),
                    bound => format!("{:.3}", c.bound_ns_per_param),
                    percent => format!("{:.0}", c.percent_of_bound()),
                }
            })
            .collect();
        context! {
            step => Serde(&step),
            costs => Serde(&costs),
            bandwidth => format!("{:.1}", timing.bandwidth.gib_per_second()),
            dim => timing.dim,
            repeats => timing.repeats,
            machine => timing.machine.as_deref().unwrap_or("not recorded"),
        }
    });
    let registry = |entries: Vec<&crate::spec::EntryInfo>| -> Vec<minijinja::Value> {
        entries
            .into_iter()
            .map(|e| {
                let keys: Vec<String> = e.keys.iter().map(|k| format!("{}={}", k.name, k.default_text())).collect();
                context! { name => e.name, summary => e.summary, reference => e.reference, keys => keys.join(", ") }
            })
            .collect()
    };
    let grid = files::effective_grid(a);
    files.push((
        "methodology.html".into(),
        render_page(&env, "methodology.html", context! {
            meta => Serde(&meta),
            page => "methodology",
            grid => Serde(&grid),
            factors => Serde(grid.lr_factors.iter().map(|f| fmt_num(*f)).collect::<Vec<_>>().join(", ")),
            optimizers => Serde(registry(crate::optim::entries().collect())),
            schedules => Serde(registry(crate::schedule::entries().collect())),
            problems => Serde(registry(crate::problem::entries().collect())),
            provenance => Serde(provenance),
            machine => Serde(crate::timing::machine()),
            timing => timing,
            replicates => analysis::ranking::REPLICATES,
            margin => analysis::MARGIN,
            alpha => analysis::ranking::ALPHA,
            floor => analysis::SCORE_FLOOR,
            findings_margin_step => format!("{} decade", analysis::findings::sig2(sweep_step(&d))),
            targets => analysis::TARGETS.iter().map(|t| analysis::findings::sig2(*t)).collect::<Vec<_>>().join(", "),
            good => analysis::findings::sig2(analysis::GOOD_TARGET),
            edge_hits => Serde(d.edge_hits.iter().map(|e| context! {
                title => &e.title, label => &e.label, batch => &e.batch, schedule => &e.schedule,
                lr => fmt_num(e.lr), edge => format!("{:?}", e.edge).to_lowercase(),
                tried => format!("{}–{}", fmt_num(e.tried.0), fmt_num(e.tried.1)), tuned => e.tuned,
            }).collect::<Vec<_>>()),
        })?,
    ));

    // The stylesheet, once for every page.
    files.push(("style.css".into(), STYLE.as_bytes().to_vec()));

    // ---- data files ----
    files.push((
        "findings.json".into(),
        serde_json::to_vec(&d.findings).map_err(|e| Error::Usage(format!("findings.json: {e}")))?,
    ));
    // The runs as a table in the folder (what a reader loads in pandas); the records, every
    // curve, beside it (written below, before the folder is swapped in).
    files.push((RUNS_TABLE.into(), runs_table(&a.records)?));
    if !inputs.claim_records.is_empty() {
        files.push((CLAIM_RUNS_TABLE.into(), runs_table(inputs.claim_records)?));
    }
    files.push((
        "grid.json".into(),
        serde_json::to_vec_pretty(&grid).map_err(|e| Error::Usage(format!("grid.json: {e}")))?,
    ));
    if let Some(timing) = inputs.timing {
        files.push((
            "timing.json".into(),
            crate::timing::file::to_json(timing).into_bytes(),
        ));
    }

    // ---- history ----
    if !inputs.history.is_empty() {
        let trends: Vec<FigureView> = trends::figures(inputs.history)
            .into_iter()
            .map(|(id, svg, caption)| write_figure(&mut files, &id, svg, caption))
            .collect();
        files.push((
            "history.html".into(),
            render_page(
                &env,
                "history.html",
                context! {
                    meta => Serde(&meta),
                    page => "history",
                    entries => Serde(trends::table(inputs.history)),
                    figures => Serde(&trends),
                },
            )?,
        ));
    }

    let render_seconds = started.elapsed().as_secs_f64();
    let manifest = serde_json::json!({
        "tool": "optbench",
        "name": meta.name,
        "date": humantime::format_rfc3339_seconds(std::time::SystemTime::now()).to_string(),
        "version": meta.version,
        "git_revision": meta.revision,
        "command": provenance.command,
        "machine": crate::timing::machine(),
        "threads": provenance.threads,
        "run_seconds": provenance.run_seconds,
        "cache": provenance.cache,
        "render_seconds": render_seconds,
        "grid_fingerprint": a.grid,
        "runs": a.runs,
        "bandwidth_gib_s": inputs.timing.map(|t| t.bandwidth.gib_per_second()),
        "history_entries": inputs.history.len(),
        "files": files.iter().map(|f| f.0.clone()).collect::<Vec<_>>(),
    });
    files.push((
        "manifest.json".into(),
        serde_json::to_vec_pretty(&manifest)
            .map_err(|e| Error::Usage(format!("manifest.json: {e}")))?,
    ));
    write_inputs_beside(out, &a.records, inputs)?;
    files::write_atomically(out, &files)?;
    Ok(Written {
        folder: out.to_path_buf(),
        index: out.join("index.html"),
        seconds: started.elapsed().as_secs_f64(),
    })
}
