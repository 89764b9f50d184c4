//! Compressed sparse rows: the storage of `sparse_logreg`.

/// A sparse matrix in CSR form.
#[derive(Debug, Clone, PartialEq)]
pub struct SparseMatrix {
    cols: usize,
    row_start: Vec<usize>,
    col_index: Vec<u32>,
    values: Vec<f64>,
}

impl SparseMatrix {
    /// An empty matrix of `cols` columns, to which rows are pushed.
    pub fn new(cols: usize) -> SparseMatrix {
        SparseMatrix {
            cols,
            row_start: vec![0],
            col_index: Vec::new(),
            values: Vec::new(),
        }
    }

    /// Appends a row given as (column, value) pairs.
    pub fn push_row(&mut self, entries: impl IntoIterator<Item = (usize, f64)>) {
        for (c, v) in entries {
            debug_assert!(c < self.cols);
            self.col_index.push(c as u32);
            self.values.push(v);
        }
        self.row_start.push(self.col_index.len());
    }

    /// Number of rows.
    pub fn rows(&self) -> usize {
        self.row_start.len() - 1
    }

    /// Number of columns.
    pub fn cols(&self) -> usize {
        self.cols
    }

    /// Stored entries.
    pub fn nnz(&self) -> usize {
        self.values.len()
    }

    /// Row `i` as parallel slices of column indices and values.
    #[inline]
    pub fn row(&self, i: usize) -> (&[u32], &[f64]) {
        let (a, b) = (self.row_start[i], self.row_start[i + 1]);
        (&self.col_index[a..b], &self.values[a..b])
    }

    /// The rows in `range`, as a new matrix.
    pub fn slice_rows(&self, range: std::ops::Range<usize>) -> SparseMatrix {
        let mut out = SparseMatrix::new(self.cols);
        for i in range {
            let (c, v) = self.row(i);
            out.push_row(c.iter().zip(v).map(|(&c, &v)| (c as usize, v)));
        }
        out
    }
}
