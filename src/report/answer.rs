//! The first screen: the sentences of SPEC §8, each generated from the analysis, each with the
//! figure behind it and how sure the data is. No optimizer is named in this code: every name
//! comes from the data.

use std::collections::BTreeMap;

use serde::Serialize;

use super::Derived;
use crate::analysis::{Analysis, Budget, Leaderboard, stats};
use crate::num::shortest;
use crate::problem::Family;

/// One sentence of the answer.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Sentence {
    /// What question it answers ("the one to pick").
    pub topic: String,
    /// The sentence.
    pub text: String,
    /// How sure the data is, in words and numbers.
    pub confidence: String,
    /// Link to the figure that backs it.
    pub href: String,
    /// The figure's name, for the link text.
    pub figure: String,
}

fn pct(x: f64) -> String {
    format!("{:.0}%", 100.0 * x)
}

/// "3.2× its default lr" or "its default lr".
fn factor_text(f: f64) -> String {
    if !f.is_finite() {
        return "its default learning rate".into();
    }
    if (f - 1.0).abs() < 1e-9 {
        "its default learning rate".into()
    } else {
        format!("{}× its default learning rate", shortest(six(f)))
    }
}

fn six(x: f64) -> f64 {
    format!("{x:.2e}").parse().unwrap_or(x)
}

fn strip(spec: &str) -> String {
    crate::schedule::registry().short(spec)
}

/// The board's winner as a sentence, with the settings its tuned choices use most.
fn winner(
    a: &Analysis,
    board: &Leaderboard,
    budget: Budget,
    topic: &str,
    href: &str,
) -> Option<Sentence> {
    let best = board.best()?;
    let o = best.optimizer;
    let choices: Vec<_> = board
        .problems
        .iter()
        .filter_map(|&p| a.problems[p].choice(budget, o))
        .collect();
    let mut settings: BTreeMap<(String, String), usize> = BTreeMap::new();
    for c in &choices {
        *settings
            .entry((c.batch.clone(), strip(&c.schedule)))
            .or_default() += 1;
    }
    let ((batch, schedule), count) = settings.into_iter().max_by_key(|(_, n)| *n)?;
    let factors: Vec<f64> = choices.iter().map(|c| c.lr_factor).collect();
    let factor = stats::median(&factors);
    let others = board.standings.iter().filter(|s| s.in_best_group).count() - 1;
    let text = match budget {
        Budget::Tuned => format!(
            "Pick {}, with {} batches and the {} schedule, at about {} (the lr is picked per problem on tuning seeds; this is its median).",
            best.label,
            batch,
            schedule,
            factor_text(factor)
        ),
        Budget::Default => format!(
            "Without tuning (default learning rate, constant schedule), {} does best, with {} batches.",
            best.label, batch
        ),
    };
    Some(Sentence {
        topic: topic.into(),
        text,
        confidence: format!(
            "Mean rank {:.1} across {} problems (95% bootstrap interval {:.1}–{:.1}); first in {} of resamples; {} of {} other optimizers cannot be told apart from it (paired t-tests over problems × seeds, Holm, α = 0.05). Its settings are the tuned choice on {} of {} problems.",
            best.mean_rank,
            board.problems.len(),
            best.rank_low,
            best.rank_high,
            pct(best.p_best),
            others,
            board.standings.len() - 1,
            count,
            choices.len()
        ),
        href: href.into(),
        figure: "ranks".into(),
    })
}

/// The answer's sentences.
pub fn sentences(a: &Analysis, d: &Derived) -> Vec<Sentence> {
    let mut out = Vec::new();
    if a.runs == 0 {
        return out;
    }
    if a.diverged == a.runs {
        out.push(Sentence {
            topic: "every run diverged".into(),
            text: format!("All {} runs diverged: no optimizer, schedule, batch mode or learning rate in this grid reached a finite result, so nothing can be recommended from it.", a.runs),
            confidence: "Every record has status \"diverged\".".into(),
            href: "methodology.html#grid".into(),
            figure: "the grid".into(),
        });
        return out;
    }
    out.extend(winner(
        a,
        &d.tuned,
        Budget::Tuned,
        "the one to pick",
        "index.html#fig-ranks-tuned",
    ));
    out.extend(winner(
        a,
        &d.default,
        Budget::Default,
        "at default settings",
        "index.html#fig-ranks-default",
    ));

    // Most forgiving, among the optimizers the data cannot tell from the best (a method that is
    // bad at every lr is "insensitive" too, but no answer).
    let f = &d.sensitivity.forgiveness;
    let competitive: Vec<usize> = d
        .tuned
        .standings
        .iter()
        .filter(|s| s.in_best_group)
        .map(|s| s.optimizer)
        .collect();
    if let Some(o) = competitive
        .iter()
        .copied()
        .max_by(|&x, &y| f[x].total_cmp(&f[y]))
    {
        let mut sorted = f.clone();
        sorted.sort_by(|x, y| y.total_cmp(x));
        let tied = f.iter().filter(|&&w| w == f[o]).count();
        out.push(Sentence {
            topic: "the most forgiving".into(),
            text: format!(
                "Most forgiving of a badly chosen learning rate, among the optimizers that match the best: {}, which stays within a factor of 2 of its best result over {:.1} decades of learning rate (median over problems).",
                a.optimizers[o].label, f[o]
            ),
            confidence: format!(
                "The sweep spans {:.1} decades in steps of {:.1}; {} optimizer(s) share this width; the next width is {:.1} decades; the median optimizer's is {:.1}.",
                d.sensitivity.sweep_decades,
                d.sensitivity.sweep_decades / (d.lr_points.max(2) - 1) as f64,
                tied,
                sorted.iter().copied().find(|&w| w < f[o]).unwrap_or(f[o]),
                stats::median(f)
            ),
            href: "index.html#fig-forgiveness".into(),
            figure: "lr sensitivity".into(),
        });
    }

    // Fastest to a good solution.
    for (by_time, shares) in [
        (false, &d.speed.fastest_evals),
        (true, &d.speed.fastest_seconds),
    ] {
        if let Some(o) = (0..shares.len()).max_by(|&x, &y| {
            shares[x]
                .total_cmp(&shares[y])
                .then(d.speed.solved[x].total_cmp(&d.speed.solved[y]))
        }) {
            let kind = if by_time {
                "wall time"
            } else {
                "gradient evaluations"
            };
            out.push(Sentence {
                topic: format!("the fastest by {kind}"),
                text: format!(
                    "Fastest to a good solution (1% of the starting gap) by {kind}: {}.",
                    a.optimizers[o].label
                ),
                confidence: if shares[o] > 0.0 {
                    format!(
                        "It is the fastest on {} of {} problem × seed instances and reaches the target on {} of them.",
                        pct(shares[o]),
                        d.speed.instances,
                        pct(d.speed.solved[o])
                    )
                } else {
                    "No optimizer reached the target on any instance: the sentence has no support.".into()
                },
                href: format!("index.html#fig-profile-{}", if by_time { "seconds" } else { "evals" }),
                figure: "performance profile".into(),
            });
        }
    }

    // Per family.
    for (family, board) in &d.families {
        let Some(best) = board.best() else { continue };
        let first = board.problems[0];
        out.push(Sentence {
            topic: format!("for {}", family.describe()),
            text: format!(
                "For {} problems ({}): {}.",
                family.describe(),
                board.problems.iter().map(|&p| a.problems[p].title.clone()).collect::<Vec<_>>().join(", "),
                best.label
            ),
            confidence: format!(
                "First in {} of bootstrap resamples; {} other optimizer(s) not distinguishable from it.",
                pct(best.p_best),
                board.standings.iter().filter(|s| s.in_best_group).count() - 1
            ),
            href: format!("{}#fig-convergence", super::problem_page(&d.slugs[first])),
            figure: format!("{} convergence", a.problems[first].title),
        });
    }

    // Schedules and batch modes: where the tuned choice departs from the plain setting and by
    // how much.
    let data: Vec<usize> = (0..a.problems.len())
        .filter(|&p| a.problems[p].has_data)
        .collect();
    for (topic, plain, column, problems) in [
        (
            "which schedule helps",
            "constant",
            0usize,
            (0..a.problems.len()).collect::<Vec<_>>(),
        ),
        ("which batch mode helps", "full", 1usize, data.clone()),
    ] {
        if problems.is_empty() {
            continue;
        }
        let mut helped: Vec<(String, f64, String)> = Vec::new();
        let mut picks: BTreeMap<String, usize> = BTreeMap::new();
        for (o, info) in a.optimizers.iter().enumerate() {
            let mut gains = Vec::new();
            for &p in &problems {
                let tuned = &a.problems[p].tuned[o];
                if tuned.runs.is_empty() {
                    continue;
                }
                let key = if column == 0 {
                    strip(&tuned.schedule)
                } else {
                    tuned.batch.clone()
                };
                *picks.entry(key.clone()).or_default() += 1;
                let base = a.select(p, |s| {
                    s.label == info.label
                        && if column == 0 {
                            s.schedule.starts_with(plain)
                        } else {
                            s.batch == plain
                        }
                });
                if let Some(base) = base {
                    gains.push((base.median_score() - tuned.median_score(), key));
                }
            }
            if gains.is_empty() {
                continue;
            }
            let g: Vec<f64> = gains.iter().map(|x| x.0).collect();
            let gain = stats::median(&g);
            if gain > 0.1 {
                let mut counts: BTreeMap<&str, usize> = BTreeMap::new();
                for (_, k) in &gains {
                    *counts.entry(k.as_str()).or_default() += 1;
                }
                let top = counts
                    .into_iter()
                    .max_by_key(|x| x.1)
                    .map(|x| x.0.to_string())
                    .unwrap_or_default();
                helped.push((info.label.clone(), gain, top));
            }
        }
        let total: usize = picks.values().sum();
        let Some((most, n)) = picks.iter().max_by_key(|x| x.1) else {
            continue;
        };
        helped.sort_by(|x, y| y.1.total_cmp(&x.1));
        let text = if helped.is_empty() {
            format!(
                "{}: no optimizer gains more than 0.1 decade (a factor of 1.26 in the gap) over {plain}, at the median problem; {most} is the most frequent tuned choice.",
                cap(topic)
            )
        } else {
            format!(
                "{}: leaving {plain} helps {} (median gain over problems: {}); {most} is the most frequent tuned choice.",
                cap(topic),
                helped
                    .iter()
                    .take(5)
                    .map(|h| format!("{} ({})", h.0, h.2))
                    .collect::<Vec<_>>()
                    .join(", "),
                helped
                    .iter()
                    .take(5)
                    .map(|h| format!("{:.1} decade", h.1))
                    .collect::<Vec<_>>()
                    .join(", "),
            )
        };
        let first = problems[0];
        out.push(Sentence {
            topic: topic.into(),
            text,
            confidence: format!(
                "{most} is picked on the tuning seeds in {n} of {total} (problem, optimizer) cases; gains are measured on evaluation seeds, each setting with its own tuned lr."
            ),
            href: format!(
                "{}#fig-{}",
                super::problem_page(&d.slugs[first]),
                if column == 0 { "schedules" } else { "batches" }
            ),
            figure: format!("{} heatmap", a.problems[first].title),
        });
    }
    out
}

fn cap(s: &str) -> String {
    let mut c = s.chars();
    c.next()
        .map(|f| f.to_uppercase().collect::<String>() + c.as_str())
        .unwrap_or_default()
}

/// The families present, each with its problems.
pub fn families(a: &Analysis) -> Vec<(Family, Vec<usize>)> {
    let mut m: BTreeMap<Family, Vec<usize>> = BTreeMap::new();
    for (p, pr) in a.problems.iter().enumerate() {
        m.entry(pr.family).or_default().push(p);
    }
    m.into_iter().collect()
}

#[cfg(test)]
mod tests {
    use crate::analysis::Analysis;
    use crate::analysis::testing::{Shape, data, scenario};
    use crate::problem::Family;
    use crate::report::Derived;

    fn first_sentence(winner: &str) -> Vec<super::Sentence> {
        let problems = [
            data("logreg2d:l2=0.0", Family::SmoothConvex),
            data("softmax", Family::SmoothConvex),
        ];
        let r = scenario(
            &problems,
            &["sgd", "adam", "rmsprop"],
            &["full"],
            &["constant:min_lr=0.0"],
            |_, o, _, _, f, _| {
                Shape::ends(if o == winner && f == 1.0 {
                    1e-4
                } else if o == winner {
                    1e-3
                } else {
                    0.2
                })
            },
        );
        let a = Analysis::new(r);
        let d = Derived::new(&a);
        super::sentences(&a, &d)
    }

    /// The answer names whichever optimizer the data favours: nothing is hard-coded.
    #[test]
    fn the_answer_follows_the_data() {
        for winner in ["sgd", "adam", "rmsprop"] {
            let s = first_sentence(winner);
            assert!(
                s[0].text.starts_with(&format!("Pick {winner},")),
                "{}",
                s[0].text
            );
            assert!(
                s[1].text.contains(&format!(", {winner} does best")),
                "{}",
                s[1].text
            );
            let others: Vec<&str> = ["sgd", "adam", "rmsprop"]
                .into_iter()
                .filter(|o| *o != winner)
                .collect();
            assert!(
                others
                    .iter()
                    .all(|o| !s[0].text.contains(&format!("Pick {o},")))
            );
            assert!(
                s[0].confidence.contains("first in 100% of resamples"),
                "{}",
                s[0].confidence
            );
        }
    }

    #[test]
    fn every_diverged_grid_says_so() {
        let r = scenario(
            &[data("logreg2d:l2=0.0", Family::SmoothConvex)],
            &["sgd"],
            &["full"],
            &["constant:min_lr=0.0"],
            |_, _, _, _, _, _| Shape {
                final_loss: None,
                zigzag: 0.0,
                lr_decay: 1.0,
            },
        );
        let a = Analysis::new(r);
        let d = Derived::new(&a);
        let s = super::sentences(&a, &d);
        assert_eq!(s.len(), 1);
        assert!(
            s[0].text.starts_with("All 25 runs diverged"),
            "{}",
            s[0].text
        );
    }
}
