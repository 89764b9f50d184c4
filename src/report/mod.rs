//! The report (SPEC §9): figures, pages and data files written atomically into a folder.
//!
//! May use: `analysis`, `record`, `grid`, `problem`, `optim`, `schedule`, `num`.

pub mod figures;
