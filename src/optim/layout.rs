//! Shaped parameters: how a problem's flat parameter vector splits into named tensors.
//!
//! Every problem keeps its parameters in one contiguous `f64` vector (the flat update kernels
//! stream it once per step). A [`Layout`] says how that vector is cut: named groups, each a
//! contiguous run of the vector with a shape, row-major. The MLP is `W1` (hidden × features),
//! `b1`, `W2` (classes × hidden), `b2`; a linear model is `W` (outputs × features) and `b`; an
//! analytic landscape is one vector `x`.
//!
//! Methods that treat weight matrices differently (`muon`, `adafactor`) read the layout; every
//! other method ignores it, so its state and trajectory are the same whatever the grouping.

use serde::Serialize;

/// One named tensor of a [`Layout`]: `len()` values from `offset`, row-major.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Group {
    /// The tensor's name (`W1`, `b1`, `x`).
    pub name: String,
    /// Its shape: `[n]` for a vector, `[rows, cols]` for a matrix.
    pub shape: Vec<usize>,
    /// Where it starts in the flat vector.
    pub offset: usize,
}

impl Group {
    /// Number of values.
    pub fn len(&self) -> usize {
        self.shape.iter().product()
    }

    /// Whether it holds no value.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The index range in the flat vector.
    pub fn range(&self) -> std::ops::Range<usize> {
        self.offset..self.offset + self.len()
    }

    /// `(rows, cols)` for a matrix (two dimensions), `None` otherwise.
    pub fn matrix(&self) -> Option<(usize, usize)> {
        match self.shape[..] {
            [rows, cols] => Some((rows, cols)),
            _ => None,
        }
    }
}

/// How a flat parameter vector is cut into named, shaped groups that cover it in order.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Layout {
    groups: Vec<Group>,
    dim: usize,
}

impl Layout {
    /// One vector `x` of `dim` values: what a problem without shapes exposes.
    pub fn flat(dim: usize) -> Self {
        Layout::new([("x", vec![dim])])
    }

    /// Groups in order of the flat vector, each given by name and shape (at least one
    /// dimension, none zero).
    ///
    /// # Panics
    /// On an empty shape or a zero dimension: a layout is built by the problem's own code,
    /// never from user input.
    pub fn new<S: Into<String>>(groups: impl IntoIterator<Item = (S, Vec<usize>)>) -> Self {
        let mut offset = 0;
        let groups: Vec<Group> = groups
            .into_iter()
            .map(|(name, shape)| {
                let name = name.into();
                assert!(
                    !shape.is_empty() && shape.iter().all(|&d| d > 0),
                    "group {name}: shape {shape:?} must have dimensions ≥ 1"
                );
                let group = Group {
                    name,
                    shape,
                    offset,
                };
                offset += group.len();
                group
            })
            .collect();
        Layout {
            groups,
            dim: offset,
        }
    }

    /// Total number of parameters.
    pub fn dim(&self) -> usize {
        self.dim
    }

    /// The groups, in order of the flat vector.
    pub fn groups(&self) -> &[Group] {
        &self.groups
    }

    /// The layout as text: `W1[32×64] b1[32] W2[10×32] b2[10]`.
    pub fn describe(&self) -> String {
        self.groups
            .iter()
            .map(|g| {
                let dims: Vec<String> = g.shape.iter().map(usize::to_string).collect();
                format!("{}[{}]", g.name, dims.join("×"))
            })
            .collect::<Vec<_>>()
            .join(" ")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn groups_cover_the_vector_in_order() {
        let l = Layout::new([
            ("W1", vec![3, 4]),
            ("b1", vec![3]),
            ("W2", vec![2, 3]),
            ("b2", vec![2]),
        ]);
        assert_eq!(l.dim(), 12 + 3 + 6 + 2);
        let ranges: Vec<_> = l.groups().iter().map(Group::range).collect();
        assert_eq!(ranges, vec![0..12, 12..15, 15..21, 21..23]);
        assert_eq!(l.groups()[0].matrix(), Some((3, 4)));
        assert_eq!(l.groups()[1].matrix(), None);
        assert_eq!(l.describe(), "W1[3×4] b1[3] W2[2×3] b2[2]");
        assert_eq!(Layout::flat(5).describe(), "x[5]");
        assert_eq!(Layout::flat(5).dim(), 5);
    }

    #[test]
    #[should_panic(expected = "must have dimensions")]
    fn a_zero_dimension_is_a_bug() {
        Layout::new([("W", vec![0, 3])]);
    }
}
