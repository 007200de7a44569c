#!/usr/bin/python3
"""The model-error floors of lens_model's fitted errors, from held-out fits.

    bench/fit_error_floor.py ROWS.tsv [ROWS.tsv ...]

ROWS are sglens-modeleval rows of method 'cnn+fit' written with
--statistical-errors (the fit's errors without the floors).  For each of the seven lens parameters, finds
the smallest floor f (relative to theta_E for theta_E, absolute for the
others) such that the errors sqrt(sigma_stat^2 + f^2) cover the truth in 68%
of the converged fits with arc S/N >= 20, over all files together.  The
floors in include/sglens/fit.h (SG_FIT_FLOOR_*) come from this script on calibration
populations that the evaluation never uses (seeds 9201 and 9202).
"""
import math
import sys

NAMES = ["theta_E", "e1", "e2", "center_x", "center_y", "gamma1", "gamma2"]


def load(paths):
    """(truth, estimate, error) rows of converged 'cnn+fit' fits at arc S/N >= 20."""
    rows = []
    for path in paths:
        for line in open(path):
            x = line.rstrip("\n").split("\t")
            if x[1] == "cnn+fit" and x[5] == "1" and float(x[2]) >= 20:
                v = [float(t) for t in x[8:29]]
                rows.append((v[0:7], v[7:14], v[14:21]))
    return rows


def coverage(rows, k, floor):
    """Fraction of rows whose error with the floor covers the truth of parameter k."""
    inside = 0
    for truth, est, err in rows:
        scale = truth[0] if k == 0 else 1.0
        inside += abs(est[k] - truth[k]) <= math.hypot(err[k], floor * scale)
    return inside / len(rows)


def main():
    rows = load(sys.argv[1:])
    print("%d converged fits with arc S/N >= 20" % len(rows))
    for k, name in enumerate(NAMES):
        lo, hi = 0.0, 0.1
        for _ in range(40):
            mid = 0.5 * (lo + hi)
            lo, hi = (mid, hi) if coverage(rows, k, mid) < 0.68 else (lo, mid)
        print("%-9s coverage %.3f -> floor %.5f%s" % (name, coverage(rows, k, 0.0), hi,
                                                     " x theta_E" if k == 0 else ""))


main()
