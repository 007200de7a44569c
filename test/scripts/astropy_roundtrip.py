#!/usr/bin/python3
"""FITS interoperability check between sglens and astropy.

Run with Debian's /usr/bin/python3 (python3-astropy).  Protocol, driven by
test/scripts/astropy_interop.sh:

  astropy_roundtrip.py write DIR
      astropy writes DIR/astropy_cube.fits: a 3-band 32 x 24 float32 cube
      (pixels from a fixed numpy seed, a few NaN), TAN WCS with a CD matrix
      and CRPIX at the centre pixel, BAND1..3 / ZP1..3 keywords.  The expected
      values go to DIR/astropy_expected.npy (pixels, shape (3, 24, 32)) and
      DIR/astropy_expected.json (names, pixel scale, centre).

  (sglens reads astropy_cube.fits with sg_from_fits and writes it back with
   sg_to_fits as DIR/sglens_out.fits; optionally it also writes
   DIR/sglens_meta.txt: "width | height | bands | pixel_scale | ra | dec".)

  astropy_roundtrip.py check DIR
      astropy opens DIR/sglens_out.fits and checks shape, pixels (bit-exact,
      NaN-aware), band keywords, pixel scale and the sky position of the
      centre pixel ((nx-1)/2, (ny-1)/2 0-based) to 1e-9 deg; then
      sglens_meta.txt if present.  Prints "astropy: N passed, N failed" and
      exits non-zero on any failure.
"""
import json
import os
import sys
import warnings

import numpy as np
from astropy.io import fits
from astropy.wcs import WCS

NX, NY, NBANDS = 32, 24, 3
RA, DEC = 150.1163, 2.2053
SCALE = 0.262                      # arcsec / pixel
NAMES = ["g", "r", "i"]
ZEROPOINTS = [22.5, 22.5, 22.5]
SEED = 20240611
CENTRE_TOL = 1e-9                  # degrees


def expected_pixels():
    """The cube astropy writes: normal noise plus a gradient, a few NaN."""
    rng = np.random.default_rng(SEED)
    cube = rng.normal(0.0, 5.0, size=(NBANDS, NY, NX))
    cube += np.arange(NX)[None, None, :] * 0.25
    cube = cube.astype(np.float32)
    cube[0, 3, 7] = np.nan
    cube[2, NY - 1, NX - 1] = np.nan
    cube[1, 0, 0] = np.float32(1e-42)   # a denormal must survive too
    return cube


def write(directory):
    cube = expected_pixels()
    hdu = fits.PrimaryHDU(cube)
    h = hdu.header
    h["CTYPE1"] = "RA---TAN"
    h["CTYPE2"] = "DEC--TAN"
    h["CUNIT1"] = "deg"
    h["CUNIT2"] = "deg"
    h["CRPIX1"] = (NX + 1) / 2.0
    h["CRPIX2"] = (NY + 1) / 2.0
    h["CRVAL1"] = RA
    h["CRVAL2"] = DEC
    h["CD1_1"] = -SCALE / 3600.0
    h["CD1_2"] = 0.0
    h["CD2_1"] = 0.0
    h["CD2_2"] = SCALE / 3600.0
    h["RADESYS"] = "ICRS"
    for i, (name, zp) in enumerate(zip(NAMES, ZEROPOINTS), start=1):
        h["BAND%d" % i] = name
        h["ZP%d" % i] = zp
    hdu.writeto(os.path.join(directory, "astropy_cube.fits"), overwrite=True)
    np.save(os.path.join(directory, "astropy_expected.npy"), cube)
    with open(os.path.join(directory, "astropy_expected.json"), "w") as f:
        json.dump({"nx": NX, "ny": NY, "bands": NAMES, "pixel_scale": SCALE,
                   "ra": RA, "dec": DEC}, f)
    print("astropy: wrote %s" % os.path.join(directory, "astropy_cube.fits"))


class Checks:
    def __init__(self):
        self.passed = 0
        self.failed = 0

    def check(self, ok, what):
        if ok:
            self.passed += 1
        else:
            self.failed += 1
            print("astropy: FAILED: %s" % what, file=sys.stderr)


def same_pixels(a, b):
    """Bit-exact equality of float32 arrays, NaN matching NaN."""
    a = np.asarray(a, dtype=np.float32)
    b = np.asarray(b, dtype=np.float32)
    if a.shape != b.shape:
        return False
    nan_a, nan_b = np.isnan(a), np.isnan(b)
    if not np.array_equal(nan_a, nan_b):
        return False
    return np.array_equal(a[~nan_a].view(np.uint32), b[~nan_b].view(np.uint32))


def check_fits(c, directory, exp, want):
    with fits.open(os.path.join(directory, "sglens_out.fits")) as hdul:
        hdu = hdul[0]
        c.check(hdu.data is not None, "primary HDU has data")
        if hdu.data is None:
            return
        c.check(hdu.header["BITPIX"] == -32, "BITPIX -32")
        c.check(hdu.data.shape == (NBANDS, NY, NX),
                "shape %s == %s" % (hdu.data.shape, (NBANDS, NY, NX)))
        c.check(same_pixels(hdu.data, want), "pixels bit-exact, NaN-aware")
        for i, name in enumerate(exp["bands"], start=1):
            c.check(hdu.header.get("BAND%d" % i) == name, "BAND%d == %s" % (i, name))
        c.check(hdu.header.get("PIXSCALE") == exp["pixel_scale"], "PIXSCALE exact")
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            wcs = WCS(hdu.header, naxis=2)
        scales = wcs.proj_plane_pixel_scales()
        c.check(all(abs(s.to_value("deg") * 3600 - exp["pixel_scale"]) < 1e-12
                    for s in scales), "WCS pixel scale")
        centre = wcs.pixel_to_world((NX - 1) / 2.0, (NY - 1) / 2.0)
        dra = (centre.ra.deg - exp["ra"] + 180.0) % 360.0 - 180.0
        ddec = centre.dec.deg - exp["dec"]
        c.check(abs(dra) <= CENTRE_TOL and abs(ddec) <= CENTRE_TOL,
                "centre (%.12f, %.12f) vs (%.12f, %.12f)"
                % (centre.ra.deg, centre.dec.deg, exp["ra"], exp["dec"]))


def check_meta(c, directory, exp):
    path = os.path.join(directory, "sglens_meta.txt")
    if not os.path.exists(path):
        return
    with open(path) as f:
        lines = [l for l in f.read().splitlines() if l.strip()]
    c.check(len(lines) == 1, "one metadata row")
    if len(lines) != 1:
        return
    fields = [x.strip() for x in lines[0].split("|")]
    c.check(len(fields) == 6, "six metadata fields")
    if len(fields) != 6:
        return
    width, height, bands, scale, ra, dec = fields
    c.check(int(width) == exp["nx"] and int(height) == exp["ny"], "sg_width/sg_height")
    c.check(bands.split(",") == exp["bands"], "sg_bands %s" % bands)
    c.check(float(scale) == exp["pixel_scale"], "sg_pixel_scale %s" % scale)
    c.check(abs(float(ra) - exp["ra"]) <= CENTRE_TOL and
            abs(float(dec) - exp["dec"]) <= CENTRE_TOL, "sg_ra/sg_dec %s %s" % (ra, dec))


def check(directory):
    c = Checks()
    with open(os.path.join(directory, "astropy_expected.json")) as f:
        exp = json.load(f)
    want = np.load(os.path.join(directory, "astropy_expected.npy"))
    try:
        check_fits(c, directory, exp, want)
    except (OSError, KeyError, ValueError) as e:
        c.check(False, "reading sglens_out.fits: %s" % e)
    check_meta(c, directory, exp)
    print("astropy: %d passed, %d failed" % (c.passed, c.failed))
    return 1 if c.failed else 0


def main(argv):
    if len(argv) != 3 or argv[1] not in ("write", "check"):
        print("usage: astropy_roundtrip.py write|check DIR", file=sys.stderr)
        return 2
    if argv[1] == "write":
        write(argv[2])
        return 0
    return check(argv[2])


if __name__ == "__main__":
    sys.exit(main(sys.argv))
