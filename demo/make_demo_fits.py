#!/usr/bin/python3
"""Write a few survey-like FITS stamps for the sglens demo.

Each stamp is a 3-band (g, r, i) 64x64 cube at 0.2"/pixel with a TAN WCS, as
a survey cutout service would deliver it: a red elliptical galaxy, some with
a blue lensed ring or arc around it, plus background noise.  The images are
illustrations drawn with simple analytic shapes, not lensing simulations
(those come with simulate_lens()).
"""
import sys

import numpy as np
from astropy.io import fits
from astropy.wcs import WCS

SIZE, SCALE = 64, 0.2
STAMPS = [  # name, ra, dec, Einstein radius (arcsec, 0 = no lens), arc angle
    ("lens_ring", 150.1163, 2.2058, 1.6, 360),
    ("lens_arc", 35.7021, -4.4527, 1.2, 140),
    ("elliptical", 210.8021, 54.3487, 0.0, 0),
    ("lens_wide_arc", 340.0014, 0.7811, 2.2, 220),
]
BANDS = ["g", "r", "i"]
GALAXY_COLOUR = [0.35, 0.75, 1.0]   # red lens galaxy
ARC_COLOUR = [1.0, 0.8, 0.55]       # blue lensed source


def stamp(theta_e, arc_deg, rng):
    y, x = (np.mgrid[0:SIZE, 0:SIZE] - (SIZE - 1) / 2) * SCALE
    r_ell = np.hypot(x * 0.85, y / 0.85)
    galaxy = 40.0 * np.exp(-(r_ell / 0.6) ** 0.8)
    cube = np.empty((3, SIZE, SIZE), np.float32)
    ring = np.zeros_like(x)
    if theta_e > 0:
        r = np.hypot(x, y)
        phi = np.degrees(np.arctan2(y, x)) % 360
        inside = np.clip(1 - np.abs((phi - 30) % 360 - arc_deg / 2) / (arc_deg / 2 + 1e-9), 0, 1)
        ring = 12.0 * np.exp(-0.5 * ((r - theta_e) / 0.12) ** 2) * (inside if arc_deg < 360 else 1)
    for b in range(3):
        cube[b] = galaxy * GALAXY_COLOUR[b] + ring * ARC_COLOUR[b] + rng.normal(0, 0.3, x.shape)
    return cube


def main(outdir):
    rng = np.random.default_rng(2019)
    for name, ra, dec, theta_e, arc in STAMPS:
        w = WCS(naxis=2)
        w.wcs.ctype = ["RA---TAN", "DEC--TAN"]
        w.wcs.crpix = [(SIZE + 1) / 2, (SIZE + 1) / 2]
        w.wcs.crval = [ra, dec]
        w.wcs.cd = np.array([[-SCALE / 3600, 0], [0, SCALE / 3600]])
        hdr = w.to_header()
        for k, band in enumerate(BANDS, start=1):
            hdr[f"BAND{k}"] = band
            hdr[f"ZP{k}"] = 27.0
            hdr[f"FWHM{k}"] = 0.7
            hdr[f"NOISE{k}"] = 0.3
        hdr["OBJECT"] = name
        fits.PrimaryHDU(stamp(theta_e, arc, rng), header=hdr).writeto(
            f"{outdir}/{name}.fits", overwrite=True)
        print(f"wrote {outdir}/{name}.fits")


if __name__ == "__main__":
    main(sys.argv[1])
