//! The first screen: the findings' sentences, each with a link to the figure or
//! table behind it. The sentences are written by the analysis (`analysis::findings`); this
//! file only turns what backs each into a link.

use serde::Serialize;

use super::Derived;
use crate::analysis::Budget;
use crate::analysis::findings::Backing;
use crate::grid::InstanceSet;

/// One sentence of the answer as the page shows it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SentenceView {
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

/// Where a backing lives in the report, and its name.
fn link(b: &Backing, d: &Derived) -> (String, String) {
    let page = |p: usize| super::problem_page(&d.slugs[p]);
    match b {
        Backing::Ranks { set, budget } => {
            let id = match (set, budget) {
                (InstanceSet::Holdout, _) => "ranks-holdout",
                (_, Budget::Tuned) => "ranks-tuned",
                (_, Budget::Default) => "ranks-default",
            };
            (format!("index.html#fig-{id}"), "ranks".into())
        }
        Backing::Forgiveness => ("index.html#fig-forgiveness".into(), "lr sensitivity".into()),
        Backing::Profile { by_time } => (
            format!(
                "index.html#fig-profile-{}",
                if *by_time { "seconds" } else { "evals" }
            ),
            "performance profile".into(),
        ),
        Backing::Convergence { problem } => (
            format!("{}#fig-convergence", page(*problem)),
            "convergence".into(),
        ),
        Backing::Settings { problem, batch } => (
            format!(
                "{}#fig-{}",
                page(*problem),
                if *batch { "batches" } else { "schedules" }
            ),
            "heatmap".into(),
        ),
        Backing::EdgeHits => ("methodology.html#edge-hits".into(), "the sweeps".into()),
        Backing::Grid => ("methodology.html#grid".into(), "the grid".into()),
        Backing::Detail => ("#answer-detail".into(), "the statistics".into()),
        Backing::Summary => ("#fig-summary".into(), "the summary figure".into()),
    }
}

/// The first screen's sentences with their links.
pub fn headline(d: &Derived) -> Vec<SentenceView> {
    views(d, &d.headline)
}

/// The answer's sentences with their links.
pub fn sentences(d: &Derived) -> Vec<SentenceView> {
    views(d, &d.answer)
}

fn views(d: &Derived, sentences: &[crate::analysis::Sentence]) -> Vec<SentenceView> {
    sentences
        .iter()
        .map(|s| {
            let (href, figure) = link(&s.backing, d);
            SentenceView {
                topic: s.topic.clone(),
                text: s.text.clone(),
                confidence: s.confidence.clone(),
                href,
                figure,
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use crate::analysis::Analysis;
    use crate::analysis::testing::{Shape, data, scenario};
    use crate::problem::Family;
    use crate::report::Derived;

    fn answer(winner: &str, problems: usize) -> Vec<super::SentenceView> {
        let specs: Vec<String> = (0..problems)
            .map(|i| format!("linreg:samples={}", 20 + i))
            .collect();
        let problems: Vec<_> = specs
            .iter()
            .map(|s| data(s, Family::SmoothConvex))
            .collect();
        let r = scenario(
            &problems,
            &["sgd", "adam", "rmsprop"],
            &["full"],
            &["constant:min_lr=0.0"],
            |_, o, _, _, f, seed| {
                // Each instance and seed a little different, so ranks are not all ties.
                let jitter = 1.0 + 0.01 * seed as f64;
                Shape::ends(
                    jitter
                        * if o == winner && f == 1.0 {
                            1e-6
                        } else if o == winner {
                            1e-4
                        } else if o == "adam" || f == 1.0 {
                            1e-2
                        } else {
                            0.2
                        },
                )
            },
        );
        let a = Analysis::new(r);
        super::sentences(&Derived::new(&a, &Default::default()))
    }

    /// The answer names whichever optimizer the data favours: nothing is hard-coded.
    #[test]
    fn the_answer_follows_the_data() {
        for winner in ["sgd", "rmsprop"] {
            let s = answer(winner, 8);
            assert!(
                s[0].text.starts_with(&format!("Pick {winner}:")),
                "{}",
                s[0].text
            );
            assert!(s[0].text.contains("less of the gap to f*"), "{}", s[0].text);
            assert!(s[0].text.contains("95% CI"), "{}", s[0].text);
            assert!(
                s[0].confidence.contains("first in 100% of"),
                "{}",
                s[0].confidence
            );
        }
    }

    /// With too few instances to separate anyone, the answer names a tied set.
    #[test]
    fn too_few_instances_give_a_tied_set() {
        let s = answer("sgd", 2);
        assert!(s[0].text.starts_with("Pick any of"), "{}", s[0].text);
        assert!(s[0].text.contains("cannot separate"), "{}", s[0].text);
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
        let s = super::sentences(&Derived::new(&a, &Default::default()));
        assert_eq!(s.len(), 1);
        assert!(
            s[0].text.starts_with("All 25 runs diverged"),
            "{}",
            s[0].text
        );
    }
}
