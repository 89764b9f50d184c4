#!/usr/bin/env python3
"""Regenerate the CSV datasets in this folder from scikit-learn's bundled data.

Only the loaders that read data shipped inside the scikit-learn wheel are used
(load_iris, load_wine, load_breast_cancer, load_digits); nothing is downloaded.

Output format (one file per dataset, written next to this script):
  * header row; feature columns first, then a final `label` column holding the
    integer class index (0..K-1) exactly as in sklearn's `target`;
  * rows in sklearn's original order, no index column, no quoting, ',' separator,
    '\\n' line endings;
  * a feature column whose values are all integral (digits pixels, wine
    magnesium and proline) is written as integers (e.g. 0, 16, 1065); every
    other column is written with Python's shortest round-trip float repr
    (e.g. 5.1, 0.1183).

Usage:
  python3 -m venv /tmp/skenv && /tmp/skenv/bin/pip install scikit-learn
  /tmp/skenv/bin/python datasets/generate.py

The script is deterministic: rerunning it with the same scikit-learn version
rewrites byte-identical files. It prints the shape and class counts of each
file, and re-reads every file to check it matches sklearn's arrays exactly.
"""

import math
import os
import re

import numpy as np
import sklearn
from sklearn.datasets import load_breast_cancer, load_digits, load_iris, load_wine

OUT_DIR = os.path.dirname(os.path.abspath(__file__))


def snake(name):
    """sklearn feature name -> short snake_case ASCII column name."""
    name = re.sub(r"\(.*?\)", "", name)  # drop units such as "(cm)"
    name = re.sub(r"[^0-9A-Za-z]+", "_", name).strip("_").lower()
    if not name or not name.isascii():
        raise ValueError(f"bad column name derived: {name!r}")
    return name


def fmt_float(v):
    s = repr(float(v))
    if s in ("nan", "inf", "-inf"):
        raise ValueError(f"non-finite value {s}")
    return s


def write_csv(fname, columns, data, target):
    data = np.asarray(data, dtype=np.float64)
    target = np.asarray(target)
    n, d = data.shape
    assert len(columns) == d, (fname, len(columns), d)
    assert len(set(columns)) == d and "label" not in columns, fname
    assert target.shape == (n,), fname
    assert np.all(np.isfinite(data)), fname
    assert np.issubdtype(target.dtype, np.integer), fname

    # Columns whose values are all integral are written as integers.
    integral = [bool(np.all(data[:, j] == np.round(data[:, j]))) for j in range(d)]

    lines = [",".join(list(columns) + ["label"])]
    for i in range(n):
        cells = []
        for j in range(d):
            v = data[i, j]
            cells.append(str(int(v)) if integral[j] else fmt_float(v))
        cells.append(str(int(target[i])))
        lines.append(",".join(cells))
    text = "\n".join(lines) + "\n"

    path = os.path.join(OUT_DIR, fname)
    with open(path, "w", encoding="ascii", newline="\n") as f:
        f.write(text)

    verify(path, columns, data, target)

    classes, counts = np.unique(target, return_counts=True)
    k = len(classes)
    assert list(classes) == list(range(k)), (fname, classes)
    int_cols = [columns[j] for j in range(d) if integral[j]]
    print(f"{fname}: {n} rows x {d} features + label, {k} classes, "
          f"{os.path.getsize(path)} bytes")
    print("  class counts: " + ", ".join(f"{c}={m}" for c, m in zip(classes, counts)))
    if int_cols:
        shown = int_cols if len(int_cols) <= 8 else int_cols[:3] + ["..."] + int_cols[-1:]
        print(f"  integer-valued columns ({len(int_cols)}): {', '.join(shown)}")


def verify(path, columns, data, target):
    """Re-read the file and check it reproduces sklearn's arrays exactly."""
    with open(path, "rb") as f:
        raw = f.read()
    assert b"\r" not in raw and b'"' not in raw, path
    rows = raw.decode("ascii").split("\n")
    assert rows[-1] == "", path
    rows = rows[:-1]
    assert rows[0] == ",".join(list(columns) + ["label"]), path
    assert len(rows) == data.shape[0] + 1, path
    for i, row in enumerate(rows[1:]):
        cells = row.split(",")
        assert len(cells) == data.shape[1] + 1, (path, i)
        assert all(c != "" for c in cells), (path, i)
        vals = [float(c) for c in cells[:-1]]
        assert all(math.isfinite(v) for v in vals), (path, i)
        assert vals == data[i].tolist(), (path, i)
        assert cells[-1].isdigit() and int(cells[-1]) == int(target[i]), (path, i)


def main():
    print(f"scikit-learn {sklearn.__version__}, numpy {np.__version__}")

    iris = load_iris()
    write_csv("iris.csv", [snake(c) for c in iris.feature_names], iris.data, iris.target)

    wine = load_wine()
    write_csv("wine.csv", [snake(c) for c in wine.feature_names], wine.data, wine.target)

    bc = load_breast_cancer()
    write_csv("breast_cancer.csv", [snake(c) for c in bc.feature_names], bc.data, bc.target)

    digits = load_digits()
    assert digits.data.shape[1] == 64
    write_csv("digits.csv", [f"p{i}" for i in range(64)], digits.data, digits.target)


if __name__ == "__main__":
    main()
