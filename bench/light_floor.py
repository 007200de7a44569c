#!/usr/bin/env python3
"""Measure the constants with which sg_nn_add_lens_light (nn_predict.h) takes
the fitted lens light as a second measurement of the mass's centre and
ellipticity, from `sglens-modeleval --light` rows of calibration lenses.

    bench/light_floor.py ROWS.light:PIXEL_SCALE [ROWS.light:PIXEL_SCALE ...]

Each row: id, the light's arc_snr, truth x7, the network's own mean x7 and
sigma x7, the light's e1, e2, center_x, center_y and their statistical 1 sigma.

- Ellipticity: the correlation of the light's error with the network's,
  pooled over e1, e2 and every file (SG_NN_LIGHT_E_CORRELATION); the light's
  1 sigma is its statistical error and SG_NN_LIGHT_E_SCATTER in quadrature.
- Centre: the floor A (arcsec), the slope K (pixels per unit of arc_snr) and
  the power P of the network's theta_E (arcsec) in the light's 1 sigma,
  sqrt(stat^2 + (A^2 + (K * arc_snr * scale)^2) / theta_E^(2P)), that bring
  the combined estimate's 1 sigma coverage closest to 68.27% in every bin of
  arc_snr and of theta_E (least squares, weighted by the lenses in the bin):
  bright arcs the clipping misses, and arcs close to the galaxy, pull the
  light's fitted centre.

Prints them, and the combined coverage per file and bin with them.
"""
import math
import sys

E_SCATTER = 0.05
TARGET = 0.6827
SNR_EDGES = [0, 20, 50, 100, 200, 400, math.inf]
THETA_EDGES = [0, 0.5, 0.7, 1.0, 1.5, math.inf]
MIN_BIN = 30
THETA_MIN = 0.2  # arcsec: smaller network estimates count as this (nn_light_prior.c)
# columns of a row
SNR, TRUTH, MEAN, SIGMA, LIGHT, LIGHT_ERR = 1, 2, 9, 16, 23, 27
THETA = MEAN  # the network's own theta_E


def read(spec):
    path, scale = spec.rsplit(":", 1)
    rows = []
    with open(path) as f:
        for line in f:
            r = [float(x) for x in line.split()]
            if len(r) == 31 and all(math.isfinite(x) for x in r):
                rows.append(r)
    return path, float(scale), rows


def combine(m, s, v, t, rho):
    """The best linear unbiased mean of m +- s and v +- t (nn_light_prior.c)."""
    c = min(rho * s * t, s * s, t * t)
    d = s * s + t * t - 2 * c
    if d <= 0:
        return m, s
    return ((t * t - c) * m + (s * s - c) * v) / d, math.sqrt((s * s * t * t - c * c) / d)


def coverage(rows, params, light_sigma, rho):
    """How often the combined 1 sigma covers the truth, over params."""
    hit = n = 0
    for r in rows:
        for k, j in params:
            m, s = combine(r[MEAN + k], r[SIGMA + k], r[LIGHT + j], light_sigma(r, j), rho)
            hit += abs(m - r[TRUTH + k]) <= s
            n += 1
    return hit / n if n else math.nan


def correlation(pairs):
    n = len(pairs)
    ma = sum(a for a, _ in pairs) / n
    mb = sum(b for _, b in pairs) / n
    sab = sum((a - ma) * (b - mb) for a, b in pairs)
    saa = sum((a - ma) ** 2 for a, _ in pairs)
    sbb = sum((b - mb) ** 2 for _, b in pairs)
    return sab / math.sqrt(saa * sbb)


def bins(rows):
    """(what, label, rows) per bin of arc_snr, then of the network's theta_E."""
    for what, col, edges in (("arc_snr", SNR, SNR_EDGES), ("θ_E", THETA, THETA_EDGES)):
        for lo, hi in zip(edges, edges[1:]):
            label = f"{what} {lo}–{hi}" if hi != math.inf else f"{what} >= {lo}"
            yield label, [r for r in rows if lo <= r[col] < hi]


def centre_sigma(scale, a, k, p):
    return lambda r, j: math.sqrt(r[LIGHT_ERR + j] ** 2 + (a * a + (k * r[SNR] * scale) ** 2) /
                                  max(r[THETA], THETA_MIN) ** (2 * p))


def e_sigma(r, j):
    return math.hypot(r[LIGHT_ERR + j], E_SCATTER)


E_PARAMS = ((1, 0), (2, 1))       # (lens parameter, light column) of e1, e2
CENTRE_PARAMS = ((3, 2), (4, 3))  # center_x, center_y


def main():
    if len(sys.argv) < 2:
        sys.exit(__doc__)
    files = [read(a) for a in sys.argv[1:]]
    pairs = [(r[MEAN + k] - r[TRUTH + k], r[LIGHT + j] - r[TRUTH + k])
             for _, _, rows in files for r in rows for k, j in E_PARAMS]
    rho = correlation(pairs)
    binned = [(scale, [sel for _, sel in bins(rows) if len(sel) >= MIN_BIN])
              for _, scale, rows in files]
    best = None
    for p in (0, 0.5, 1, 1.5):
        for ia in range(4, 17):
            a = 0.00025 * ia
            for ik in range(0, 21):
                k = 1.25e-5 * ik
                loss = sum(len(sel) * (coverage(sel, CENTRE_PARAMS, centre_sigma(scale, a, k, p), 0)
                                       - TARGET) ** 2
                           for scale, sels in binned for sel in sels)
                if best is None or loss < best[0]:
                    best = (loss, a, k, p)
    _, a, k, p = best
    print(f"ellipticity: correlation of the light's error with the network's {rho:.3f} "
          f"({len(pairs)} pairs; SG_NN_LIGHT_E_CORRELATION)")
    print(f"centre: floor {a:.5f} arcsec (SG_NN_LIGHT_CENTER_FLOOR), "
          f"{k:.3g} pixel per unit of arc_snr (SG_NN_LIGHT_CENTER_PX_PER_SNR), "
          f"over the network's θ_E to the power {p:g}\n")
    print("| lenses | bin | n | e1, e2: combined 1σ coverage | centre: combined 1σ coverage |")
    print("|---|---|---|---|---|")
    for path, scale, rows in files:
        for label, sel in list(bins(rows)) + [("all", rows)]:
            if not sel:
                continue
            ce = coverage(sel, E_PARAMS, e_sigma, rho)
            cc = coverage(sel, CENTRE_PARAMS, centre_sigma(scale, a, k, p), 0)
            print(f"| {path} | {label} | {len(sel)} | {ce:.0%} | {cc:.0%} |")


if __name__ == "__main__":
    main()
