//! Awkward inputs for every figure kind (NaN, infinities, subnormals, ±1e308, empty and
//! mismatched vectors, labels with XML specials): no figure panics, and none lets a non-finite
//! value or malformed XML into its SVG.
//!
//! May use: the figures' public inputs and functions; nothing else of the crate.

use super::testing;
use super::{
    Bar, BarChart, ColourTicks, Contour, Dash, Heatmap, Interval, IntervalChart, LineChart, Marker,
    Path, Series, bar_chart, color_for, contour_chart, contour_levels, heatmap, heatmap_with,
    interval_chart, line_chart,
};

/// A tiny deterministic generator of awkward values (xorshift64).
struct Awkward(u64);

impl Awkward {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }

    fn value(&mut self) -> f64 {
        const SPECIAL: [f64; 12] = [
            f64::NAN,
            f64::INFINITY,
            f64::NEG_INFINITY,
            0.0,
            -0.0,
            1e-320,
            1e308,
            -1e308,
            1.0,
            -1.0,
            1e-12,
            1e12,
        ];
        let r = self.next();
        if r.is_multiple_of(4) {
            SPECIAL[self.below(SPECIAL.len())]
        } else {
            let unit = (r >> 11) as f64 / (1u64 << 53) as f64 - 0.3;
            unit * 10f64.powi(self.below(9) as i32 - 4)
        }
    }

    fn values(&mut self, max_len: usize) -> Vec<f64> {
        let n = self.below(max_len + 1);
        (0..n).map(|_| self.value()).collect()
    }

    fn label(&mut self) -> String {
        const WORDS: [&str; 6] = ["adam", "", "a<b&c>", "'q\"", "long label ", "é…"];
        (0..self.below(4))
            .map(|_| WORDS[self.below(WORDS.len())])
            .collect()
    }

    fn flag(&mut self) -> bool {
        self.next().is_multiple_of(2)
    }
}

#[test]
fn awkward_inputs_never_panic_or_leak_non_finite_values() {
    let mut g = Awkward(0x2545_f491_4f6c_dd1d);
    for _ in 0..300 {
        let series = (0..g.below(4))
            .map(|_| {
                let x = g.values(12);
                let y = g.values(12);
                let band = g.flag().then(|| (g.values(12), g.values(12)));
                Series {
                    label: g.label(),
                    color: color_for(&g.label()),
                    x,
                    y,
                    band,
                    steps: g.flag(),
                    dash: if g.flag() { Dash::DashDot } else { Dash::Solid },
                    marker: g.flag().then_some(Marker::Diamond),
                    context: g.flag() && g.flag(),
                }
            })
            .collect();
        let y_range = g.flag().then(|| (g.value(), g.value()));
        let chart = LineChart {
            title: g.label(),
            x_label: g.label(),
            y_label: g.label(),
            log_x: g.flag(),
            log_y: g.flag(),
            y_range,
            series,
        };
        testing::check_svg(&line_chart(&chart));
        testing::check_svg(&super::line_chart_in(&chart, super::Layout::Narrow));

        let rows = g.below(4);
        let columns = g.below(4);
        let values = (0..g.below(5))
            .map(|_| {
                (0..g.below(5))
                    .map(|_| g.flag().then(|| g.value()))
                    .collect()
            })
            .collect();
        let text = (0..g.below(5))
            .map(|_| (0..g.below(5)).map(|_| g.label()).collect())
            .collect();
        let map = Heatmap {
            title: g.label(),
            rows: (0..rows).map(|_| g.label()).collect(),
            columns: (0..columns).map(|_| g.label()).collect(),
            values,
            text,
            lower_is_better: g.flag(),
            legend: g.label(),
        };
        testing::check_svg(&heatmap(&map));
        for kind in [
            ColourTicks::Log10Ratio,
            ColourTicks::Log10Value,
            ColourTicks::Percent,
        ] {
            testing::check_svg(&heatmap_with(&map, kind));
        }

        let items = (0..g.below(5))
            .map(|_| Interval {
                label: g.label(),
                color: color_for("adam"),
                estimate: g.value(),
                lower: g.value(),
                upper: g.value(),
            })
            .collect();
        let intervals = IntervalChart {
            title: g.label(),
            x_label: g.label(),
            items,
        };
        testing::check_svg(&interval_chart(&intervals));

        let bars = (0..g.below(5))
            .map(|_| Bar {
                label: g.label(),
                color: color_for("sgd"),
                value: g.value(),
                reference: g.flag().then(|| g.value()),
            })
            .collect();
        let chart = BarChart {
            title: g.label(),
            y_label: g.label(),
            log_y: g.flag(),
            reference_label: g.label(),
            bars,
        };
        testing::check_svg(&bar_chart(&chart));

        let n = g.below(6);
        let z = (0..n).map(|_| g.values(6)).collect();
        let paths = (0..g.below(3))
            .map(|_| Path {
                label: g.label(),
                color: color_for("lion"),
                dash: Dash::Solid,
                points: (0..g.below(8)).map(|_| (g.value(), g.value())).collect(),
            })
            .collect();
        let contour = Contour {
            title: g.label(),
            x_range: (g.value(), g.value()),
            y_range: (g.value(), g.value()),
            z,
            levels: g.values(4),
            paths,
            minima: (0..g.below(3)).map(|_| (g.value(), g.value())).collect(),
        };
        testing::check_svg(&contour_chart(&contour));
        let levels = contour_levels(&contour.z, 16);
        assert!(levels.iter().all(|l| l.is_finite()));
        assert!(levels.windows(2).all(|w| w[0] < w[1]), "{levels:?}");
        let automatic = Contour {
            levels: vec![],
            ..contour
        };
        testing::check_svg(&contour_chart(&automatic));
    }
}
