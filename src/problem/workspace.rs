//! Scratch buffers a problem needs to evaluate a batch (activations, logits), owned by the
//! caller and reused across steps: they grow to the largest batch once, then never allocate.

/// Reusable scratch buffers.
#[derive(Debug, Default, Clone)]
pub struct Workspace {
    buffers: Vec<Vec<f64>>,
}

impl Workspace {
    /// An empty workspace; buffers are sized on first use.
    pub fn new() -> Workspace {
        Workspace::default()
    }

    /// `N` distinct buffers of the given lengths (contents unspecified). Allocates only when a
    /// buffer must grow.
    pub fn buffers<const N: usize>(&mut self, lens: [usize; N]) -> [&mut [f64]; N] {
        if self.buffers.len() < N {
            self.buffers.resize_with(N, Vec::new);
        }
        for (buf, &len) in self.buffers.iter_mut().zip(&lens) {
            if buf.len() < len {
                buf.resize(len, 0.0);
            }
        }
        let mut rest: &mut [Vec<f64>] = &mut self.buffers;
        std::array::from_fn(|i| {
            let (first, tail) = std::mem::take(&mut rest)
                .split_first_mut()
                .expect("N buffers were just ensured");
            rest = tail;
            &mut first[..lens[i]]
        })
    }
}

#[cfg(test)]
mod tests {
    use super::Workspace;

    #[test]
    fn buffers_grow_once_and_are_distinct() {
        let mut ws = Workspace::new();
        let [a, b] = ws.buffers([3, 5]);
        a.fill(1.0);
        b.fill(2.0);
        assert_eq!((a.len(), b.len()), (3, 5));
        let [a, b, c] = ws.buffers([2, 5, 1]);
        assert_eq!(a, &[1.0, 1.0]);
        assert_eq!(b, &[2.0; 5]);
        assert_eq!(c.len(), 1);
    }
}
