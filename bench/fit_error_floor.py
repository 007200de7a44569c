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
import sys

import numpy as np

NAMES = ["theta_E", "e1", "e2", "center_x", "center_y", "gamma1", "gamma2"]


def load(paths):
    rows = []
    for path in paths:
        for line in open(path):
            x = line.rstrip("\n").split("\t")
            if x[1] == "cnn+fit" and x[5] == "1" and float(x[2]) >= 20:
                rows.append([float(v) for v in x[8:29]])
    return np.array(rows)


def main():
    a = load(sys.argv[1:])
    truth, est, err = a[:, 0:7], a[:, 7:14], a[:, 14:21]
    print("%d converged fits with arc S/N >= 20" % len(a))
    for k, name in enumerate(NAMES):
        scale = truth[:, 0] if k == 0 else 1.0
        dev = np.abs(est[:, k] - truth[:, k])
        before = np.mean(dev <= err[:, k])
        lo, hi = 0.0, 0.1
        for _ in range(60):
            mid = 0.5 * (lo + hi)
            cover = np.mean(dev <= np.sqrt(err[:, k] ** 2 + (mid * scale) ** 2))
            lo, hi = (mid, hi) if cover < 0.68 else (lo, mid)
        print("%-9s coverage %.3f -> floor %.5f%s" % (name, before, hi, " x theta_E" if k == 0 else ""))


main()
