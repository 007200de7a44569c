/*
 * fits_common.c — code shared by the FITS reader, writer and cutout: cfitsio
 * error text, image dimensions, the celestial WCS, band keywords and pixel
 * reading.
 *
 * WCS: cfitsio's fits_read_img_coord ignores PC matrices and refuses skewed
 * CD matrices, so we read CRVAL, CRPIX and the linear part (CD, or CDELT with
 * PC or CROTA2) ourselves and give cfitsio's fits_pix_to_world and
 * fits_world_to_pix only the projection: they are called with unit
 * increments, no rotation and reference pixel 0, so that their "pixels" are
 * the FITS intermediate world coordinates in degrees.
 */
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fits_internal.h"

/* Projections that cfitsio's AIPS-derived code handles for any CRVAL. */
static const char *const supported_projections[] = {"-TAN", "-SIN", "-ARC", "-STG", NULL};

/* Keywords holding band metadata, for 2-D images and (with a plane number) cubes. */
static const char *const name_keys_2d[] = {"BAND", "FILTER", NULL};
static const char *const zp_keys_2d[] = {"MAGZP", "ZP", "MAGZERO", NULL};
static const char *const fwhm_keys_2d[] = {"PSF_FWHM", "SEEING", NULL};
static const char *const noise_keys_2d[] = {"NOISE", "SKYSIG", NULL};
static const char *const name_keys_cube[] = {"BAND", "FILTER", NULL};
static const char *const zp_keys_cube[] = {"ZP", "MAGZP", NULL};
static const char *const fwhm_keys_cube[] = {"FWHM", NULL};
static const char *const noise_keys_cube[] = {"NOISE", NULL};

/* Append text to a NUL-terminated buffer of the given size, truncating. */
static void
append_text(char *buf, size_t size, const char *text)
{
	size_t		used = strlen(buf);

	if (used + 1 < size)
		snprintf(buf + used, size - used, "%s", text);
}

/* Remove trailing blanks and newlines. */
static void
trim_right(char *s)
{
	size_t		n = strlen(s);

	while (n > 0 && (s[n - 1] == ' ' || s[n - 1] == '\n'))
		s[--n] = '\0';
}

/* Record a cfitsio failure with its status text and message stack. */
void
sg_fits_fail(sg_status *st, sg_code code, int status, bool stack, const char *fmt,...)
{
	char		message[SG_MESSAGE_LEN];
	char		text[FLEN_STATUS];
	char		errmsg[FLEN_ERRMSG];
	va_list		ap;

	if (sg_failed(st))
	{
		fits_clear_errmsg();
		return;
	}
	va_start(ap, fmt);
	vsnprintf(message, sizeof(message), fmt, ap);
	va_end(ap);
	sg_fail(st, code, "%s", message);

	fits_get_errstatus(status, text);
	sg_fail_detail(st, "cfitsio status %d: %s", status, text);
	while (stack && fits_read_errmsg(errmsg) > 0)
	{
		trim_right(errmsg);
		if (errmsg[0] == '\0')
			continue;
		append_text(st->detail, sizeof(st->detail), "; ");
		append_text(st->detail, sizeof(st->detail), errmsg);
	}
	fits_clear_errmsg();
}

/* Close a file, ignoring errors, and clear cfitsio's message stack. */
void
sg_fits_close(fitsfile *f)
{
	int			status = 0;

	if (f != NULL)
		fits_close_file(f, &status);
	fits_clear_errmsg();
}

/* Number of the current HDU (1-based). */
static int
current_hdu(fitsfile *f)
{
	int			hdu = 0;

	fits_get_hdu_num(f, &hdu);
	return hdu;
}

/* Move to an HDU; a failure means malformed data. */
bool
sg_fits_move(fitsfile *f, int hdu, sg_status *st)
{
	int			status = 0;
	int			type;

	if (fits_movabs_hdu(f, hdu, &type, &status) > 0)
	{
		sg_fits_fail(st, SG_ERR_BINARY, status, true,
					 "malformed FITS data: cannot read HDU %d", hdu);
		return false;
	}
	return true;
}

/* Shape of the current HDU's image (naxis 0: no pixels). */
bool
sg_fits_image_dims(fitsfile *f, sg_fits_dims *dims, sg_status *st)
{
	LONGLONG	naxes[9] = {0};
	int			status = 0;
	int			type = 0;
	int			hdu = current_hdu(f);

	memset(dims, 0, sizeof(*dims));
	if (fits_get_hdu_type(f, &type, &status) > 0 ||
		(type == IMAGE_HDU &&
		 fits_get_img_paramll(f, 9, &dims->bitpix, &dims->naxis, naxes, &status) > 0))
	{
		sg_fits_fail(st, SG_ERR_BINARY, status, true,
					 "malformed FITS data: cannot read the image size of HDU %d", hdu);
		return false;
	}
	if (type != IMAGE_HDU)
	{
		dims->naxis = 0;		/* a table: no image pixels */
		return true;
	}
	dims->compressed = fits_is_compressed_image(f, &status) != 0;
	if (dims->naxis > 9)
	{
		sg_fail(st, SG_ERR_VALUE, "HDU %d has %d axes; at most 3 are supported", hdu,
				dims->naxis);
		return false;
	}
	for (int i = 0; i < dims->naxis; i++)
		if (naxes[i] == 0)
			dims->naxis = 0;	/* an axis of length 0: no pixels */
	if (dims->naxis == 0)
		return true;
	if (dims->naxis == 1)
	{
		sg_fail(st, SG_ERR_VALUE, "HDU %d holds a 1-D array, not an image", hdu);
		return false;
	}
	for (int i = 3; i < dims->naxis; i++)
		if (naxes[i] != 1)
		{
			sg_fail(st, SG_ERR_VALUE, "HDU %d is a %d-D array; only 2-D images and 3-D cubes are supported",
					hdu, dims->naxis);
			return false;
		}
	dims->nx = (long) naxes[0];
	dims->ny = (long) naxes[1];
	dims->nplanes = dims->naxis >= 3 ? (long) naxes[2] : 1;
	return true;
}

/* Value of a numeric keyword; false if it is absent or not a number. */
static bool
key_double(fitsfile *f, const char *key, double *value)
{
	int			status = 0;

	fits_write_errmark();
	fits_read_key_dbl(f, key, value, NULL, &status);
	fits_clear_errmark();
	return status == 0;
}

/* Value of a string keyword (trailing blanks removed); false if absent. */
static bool
key_string(fitsfile *f, const char *key, char value[FLEN_VALUE])
{
	int			status = 0;

	fits_write_errmark();
	fits_read_key_str(f, key, value, NULL, &status);
	fits_clear_errmark();
	if (status != 0)
		return false;
	trim_right(value);
	return true;
}

/* True if CTYPE1/CTYPE2 describe RA/Dec; fails on a projection we cannot handle. */
static bool
read_projection(fitsfile *f, sg_fits_wcs *wcs, sg_status *st)
{
	char		ctype1[FLEN_VALUE];
	char		ctype2[FLEN_VALUE];

	if (!key_string(f, "CTYPE1", ctype1) || !key_string(f, "CTYPE2", ctype2))
		return true;
	if (strncmp(ctype1, "RA--", 4) != 0 && strncmp(ctype1, "DEC-", 4) != 0 &&
		strncmp(ctype2, "RA--", 4) != 0 && strncmp(ctype2, "DEC-", 4) != 0)
		return true;			/* not equatorial (e.g. GLON/GLAT, LINEAR) */
	if (strncmp(ctype1, "RA--", 4) == 0 && strncmp(ctype2, "DEC-", 4) == 0 &&
		strlen(ctype1) == 8 && strlen(ctype2) == 8 && strcmp(ctype1 + 4, ctype2 + 4) == 0)
	{
		for (int i = 0; supported_projections[i] != NULL; i++)
			if (strcmp(ctype1 + 4, supported_projections[i]) == 0)
			{
				memcpy(wcs->proj, ctype1 + 4, 5);
				wcs->celestial = true;
				return true;
			}
	}
	sg_fail(st, SG_ERR_VALUE, "unsupported celestial WCS CTYPE1 = '%.20s', CTYPE2 = '%.20s'",
			ctype1, ctype2);
	sg_fail_detail(st, "Supported: RA---TAN, RA---SIN, RA---ARC, RA---STG with DEC on axis 2, without distortion terms.");
	return false;
}

/* Only ICRS and FK5 J2000 coordinates can be used as ICRS. */
static bool
check_frame(fitsfile *f, sg_status *st)
{
	char		radesys[FLEN_VALUE] = "";
	double		equinox = 2000.0;
	bool		has_equinox;

	has_equinox = key_double(f, "EQUINOX", &equinox) || key_double(f, "EPOCH", &equinox);
	if (!key_string(f, "RADESYS", radesys))
		key_string(f, "RADECSYS", radesys);
	if (strcmp(radesys, "ICRS") == 0)
		return true;
	if ((radesys[0] == '\0' || strcmp(radesys, "FK5") == 0) &&
		(!has_equinox || equinox == 2000.0))
		return true;
	sg_fail(st, SG_ERR_VALUE, "unsupported celestial frame RADESYS = '%.20s', EQUINOX = %g; only ICRS and FK5 J2000 are supported",
			radesys, equinox);
	return false;
}

/* The CD matrix from CDi_j, or from CDELTi with PCi_j or CROTA2. */
static bool
read_cd_matrix(fitsfile *f, double cd[2][2], sg_status *st)
{
	static const char *const cd_keys[2][2] = {{"CD1_1", "CD1_2"}, {"CD2_1", "CD2_2"}};
	static const char *const pc_keys[2][2] = {{"PC1_1", "PC1_2"}, {"PC2_1", "PC2_2"}};
	double		pc[2][2] = {{1, 0}, {0, 1}};
	double		cdelt[2];
	double		rot;
	bool		have_cd = false;
	bool		have_pc = false;

	for (int i = 0; i < 2; i++)
		for (int j = 0; j < 2; j++)
		{
			cd[i][j] = 0.0;
			have_cd |= key_double(f, cd_keys[i][j], &cd[i][j]);
			have_pc |= key_double(f, pc_keys[i][j], &pc[i][j]);
		}
	if (have_cd)
		return true;
	if (!key_double(f, "CDELT1", &cdelt[0]) || !key_double(f, "CDELT2", &cdelt[1]))
	{
		sg_fail(st, SG_ERR_VALUE, "the celestial WCS has neither a CD matrix nor CDELT1 and CDELT2");
		return false;
	}
	if (!have_pc && key_double(f, "CROTA2", &rot))
	{
		double		c = cos(rot * M_PI / 180.0);
		double		s = sin(rot * M_PI / 180.0);

		pc[0][0] = c;
		pc[0][1] = -s * cdelt[1] / cdelt[0];
		pc[1][0] = s * cdelt[0] / cdelt[1];
		pc[1][1] = c;
	}
	for (int i = 0; i < 2; i++)
		for (int j = 0; j < 2; j++)
			cd[i][j] = cdelt[i] * pc[i][j];
	return true;
}

/*
 * Round to 12 significant digits: a scale derived from a CD matrix written
 * as CD1_1 = -0.262/3600 comes out as 0.26199999999999846; rounding gives
 * back 0.262, and moves any value by less than 5e-13 of itself.
 */
static double
round_scale(double v)
{
	char		text[32];

	snprintf(text, sizeof(text), "%.11e", v);
	return strtod(text, NULL);
}

/* Check the numbers of a WCS and derive the inverse matrix and scale. */
static bool
finish_wcs(sg_fits_wcs *wcs, sg_status *st)
{
	double		(*cd)[2] = wcs->cd;
	double		m = fmax(fmax(fabs(cd[0][0]), fabs(cd[0][1])),
						 fmax(fabs(cd[1][0]), fabs(cd[1][1])));
	double		det = NAN;		/* of cd / m, so tiny or huge scales do not underflow */

	if (!(isfinite(wcs->crval[0]) && isfinite(wcs->crval[1]) &&
		  isfinite(wcs->crpix[0]) && isfinite(wcs->crpix[1]) && fabs(wcs->crval[1]) <= 90))
	{
		sg_fail(st, SG_ERR_VALUE, "invalid WCS reference: CRVAL = (%g, %g), CRPIX = (%g, %g)",
				wcs->crval[0], wcs->crval[1], wcs->crpix[0], wcs->crpix[1]);
		return false;
	}
	if (isfinite(m) && m > 0)
		det = (cd[0][0] / m) * (cd[1][1] / m) - (cd[0][1] / m) * (cd[1][0] / m);
	if (isfinite(det) && det != 0)
	{
		wcs->cdinv[0][0] = cd[1][1] / m / (m * det);
		wcs->cdinv[0][1] = -cd[0][1] / m / (m * det);
		wcs->cdinv[1][0] = -cd[1][0] / m / (m * det);
		wcs->cdinv[1][1] = cd[0][0] / m / (m * det);
		wcs->scale = round_scale(m * sqrt(fabs(det)) * 3600.0);
	}
	if (!(isfinite(det) && det != 0 && isfinite(wcs->scale) && wcs->scale > 0 &&
		  isfinite(wcs->cdinv[0][0]) && isfinite(wcs->cdinv[0][1]) &&
		  isfinite(wcs->cdinv[1][0]) && isfinite(wcs->cdinv[1][1])))
	{
		sg_fail(st, SG_ERR_VALUE, "the WCS matrix CD = [%g %g; %g %g] is degenerate",
				cd[0][0], cd[0][1], cd[1][0], cd[1][1]);
		return false;
	}
	return true;
}

/* Read the celestial WCS of the current HDU. */
bool
sg_fits_read_wcs(fitsfile *f, sg_fits_wcs *wcs, sg_status *st)
{
	memset(wcs, 0, sizeof(*wcs));
	wcs->scale = NAN;
	if (!read_projection(f, wcs, st))
		return false;
	if (!wcs->celestial)
		return true;
	/* the FITS standard's defaults for absent reference keywords are 0 */
	key_double(f, "CRVAL1", &wcs->crval[0]);
	key_double(f, "CRVAL2", &wcs->crval[1]);
	key_double(f, "CRPIX1", &wcs->crpix[0]);
	key_double(f, "CRPIX2", &wcs->crpix[1]);
	return check_frame(f, st) && read_cd_matrix(f, wcs->cd, st) && finish_wcs(wcs, st);
}

/*
 * cfitsio's projection code converts with truncated constants for π/180 and
 * 2π; its results are consistent except when it wraps RA through 0, which
 * costs about 1e-9 degrees.  We therefore call it with the reference RA at
 * 180 degrees (projections are symmetric under rotation about the pole) so
 * that it never wraps, and shift the RA ourselves.
 */
#define REFERENCE_RA 180.0

/* Sky position of a FITS pixel (cfitsio status returned). */
int
sg_fits_pix_to_world(const sg_fits_wcs *wcs, double x, double y, double *ra, double *dec)
{
	char		proj[5];
	double		dx = x - wcs->crpix[0];
	double		dy = y - wcs->crpix[1];
	double		ix = wcs->cd[0][0] * dx + wcs->cd[0][1] * dy;
	double		iy = wcs->cd[1][0] * dx + wcs->cd[1][1] * dy;
	double		lon = 0;
	int			status = 0;

	memcpy(proj, wcs->proj, sizeof(proj));
	fits_pix_to_world(ix, iy, REFERENCE_RA, wcs->crval[1], 0.0, 0.0, 1.0, 1.0, 0.0,
					  proj, &lon, dec, &status);
	*ra = lon - REFERENCE_RA + wcs->crval[0];
	if (status == 0 && !(isfinite(*ra) && isfinite(*dec)))
		status = BAD_WCS_VAL;
	return status;
}

/* FITS pixel of a sky position (cfitsio status returned). */
int
sg_fits_world_to_pix(const sg_fits_wcs *wcs, double ra, double dec, double *x, double *y)
{
	char		proj[5];
	double		lon = fmod(ra - wcs->crval[0] + REFERENCE_RA, 360.0);
	double		ix;
	double		iy;
	int			status = 0;

	if (lon < 0)
		lon += 360.0;
	memcpy(proj, wcs->proj, sizeof(proj));
	fits_world_to_pix(lon, dec, REFERENCE_RA, wcs->crval[1], 0.0, 0.0, 1.0, 1.0, 0.0,
					  proj, &ix, &iy, &status);
	if (status != 0)
		return status;
	*x = wcs->crpix[0] + wcs->cdinv[0][0] * ix + wcs->cdinv[0][1] * iy;
	*y = wcs->crpix[1] + wcs->cdinv[1][0] * ix + wcs->cdinv[1][1] * iy;
	return isfinite(*x) && isfinite(*y) ? 0 : BAD_WCS_VAL;
}

/* Pixel scale: given, else PIXSCALE if it agrees with the WCS, else the WCS. */
bool
sg_fits_pixel_scale(fitsfile *f, const sg_fits_wcs *wcs, double given, double *scale,
					sg_status *st)
{
	double		keyed = NAN;
	bool		have_key;

	if (!isnan(given))
	{
		if (!(isfinite(given) && given > 0))
		{
			sg_fail(st, SG_ERR_VALUE, "pixel_scale must be a positive number of arcsec per pixel, got %g",
					given);
			return false;
		}
		*scale = given;
		return true;
	}
	/* PIXSCALE keeps the exact double our writer had; the CD matrix may not */
	have_key = key_double(f, "PIXSCALE", &keyed) && isfinite(keyed) && keyed > 0;
	if (wcs->celestial)
	{
		*scale = have_key && fabs(keyed - wcs->scale) <= 1e-6 * wcs->scale
			? keyed : wcs->scale;
		return true;
	}
	if (have_key)
	{
		*scale = keyed;
		return true;
	}
	sg_fail(st, SG_ERR_VALUE, "FITS has no WCS pixel scale; give pixel_scale");
	return false;
}

/* Set the image centre to the sky position of a FITS pixel. */
bool
sg_fits_set_center(sg_image *img, const sg_fits_wcs *wcs, double x, double y,
				   sg_status *st)
{
	double		ra = wcs->crval[0];
	double		dec = wcs->crval[1];

	/* at the reference pixel, return CRVAL exactly (no projection round trip) */
	if (x != wcs->crpix[0] || y != wcs->crpix[1])
	{
		int			status = sg_fits_pix_to_world(wcs, x, y, &ra, &dec);

		if (status != 0)
		{
			sg_fits_fail(st, SG_ERR_VALUE, status, false,
						 "cannot compute the sky position of pixel (%g, %g) from the WCS", x, y);
			return false;
		}
	}
	if (!(ra >= 0 && ra < 360))
	{
		ra = fmod(ra, 360.0) + 0.0;
		if (ra < 0)
			ra += 360.0;
		if (ra >= 360.0)
			ra = 0.0;
	}
	dec = fmin(90.0, fmax(-90.0, dec));
	return sg_image_set_center(img, ra, dec, st);
}

/* Keyword name: root, or root and cube plane number. */
void
sg_fits_key_name(char key[FLEN_KEYWORD], const char *root, int plane)
{
	if (plane > 0)
		snprintf(key, FLEN_KEYWORD, "%s%d", root, plane);
	else
		snprintf(key, FLEN_KEYWORD, "%s", root);
}

/* First usable value among keywords, or NaN. */
static double
first_value(fitsfile *f, const char *const *roots, int plane, bool positive)
{
	char		key[FLEN_KEYWORD];
	double		value;

	for (int i = 0; roots[i] != NULL; i++)
	{
		sg_fits_key_name(key, roots[i], plane);
		if (key_double(f, key, &value) && isfinite(value) && (!positive || value > 0))
			return value;
	}
	return NAN;
}

/*
 * A band name from a keyword value: the leading run of valid characters
 * (e.g. "g" from FILTER = 'g DECam SDSS c0001'), at most 15 of them.
 */
static void
sanitise_name(const char *value, char name[SG_BAND_NAME_LEN])
{
	size_t		n = 0;

	while (*value == ' ')
		value++;
	memset(name, 0, SG_BAND_NAME_LEN);
	for (; value[n] != '\0' && n < SG_BAND_NAME_LEN - 1; n++)
	{
		char		c = value[n];

		if (!((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
			  (c >= '0' && c <= '9') || c == '_' || c == '.' || c == '+' || c == '-'))
			break;
		name[n] = c;
	}
}

/* First keyword giving a non-empty band name. */
static void
first_name(fitsfile *f, const char *const *roots, int plane, char name[SG_BAND_NAME_LEN])
{
	char		key[FLEN_KEYWORD];
	char		value[FLEN_VALUE];

	memset(name, 0, SG_BAND_NAME_LEN);
	for (int i = 0; roots[i] != NULL; i++)
	{
		sg_fits_key_name(key, roots[i], plane);
		if (key_string(f, key, value))
		{
			sanitise_name(value, name);
			if (name[0] != '\0')
				return;
		}
	}
}

/* Band name and metadata from the current header. */
void
sg_fits_band_keywords(fitsfile *f, int plane, sg_band *band)
{
	bool		cube = plane > 0;

	first_name(f, cube ? name_keys_cube : name_keys_2d, plane, band->name);
	band->zeropoint = first_value(f, cube ? zp_keys_cube : zp_keys_2d, plane, false);
	band->psf_fwhm = first_value(f, cube ? fwhm_keys_cube : fwhm_keys_2d, plane, true);
	band->noise_sigma = first_value(f, cube ? noise_keys_cube : noise_keys_2d, plane, true);
}

/* Name a band: given, else from keywords, else b<n>. */
bool
sg_fits_name_band(sg_image *img, int b, const char *given, sg_status *st)
{
	char		name[SG_BAND_NAME_LEN];

	if (given != NULL)
		return sg_image_set_band_name(img, b, given, st);
	if (img->bands[b].name[0] != '\0')
		memcpy(name, img->bands[b].name, sizeof(name));
	else
		snprintf(name, sizeof(name), "b%d", b + 1);
	return sg_image_set_band_name(img, b, name, st);
}

/* Read a box of pixels as floats (BLANK -> NaN, floats bit for bit). */
bool
sg_fits_read_section(fitsfile *f, const sg_fits_dims *dims, const long first[3],
					 const long last[3], float *dst, sg_status *st)
{
	long		blc[9];
	long		trc[9];
	long		inc[9];
	float		null_value = NAN;
	int			anynul = 0;
	int			status = 0;

	for (int i = 0; i < 9; i++)
	{
		blc[i] = i < 3 ? first[i] : 1;
		trc[i] = i < 3 ? last[i] : 1;
		inc[i] = 1;
	}

	/*
	 * A non-zero null value makes cfitsio map BLANK integers to NaN, but for
	 * floating-point data it also turns ±Inf into NaN and flushes denormals
	 * to zero; without one, float pixels are copied exactly and we can reject
	 * Inf ourselves.
	 */
	fits_read_subset(f, TFLOAT, blc, trc, inc,
					 dims->bitpix < 0 && !dims->compressed ? NULL : &null_value,
					 dst, &anynul, &status);
	if (status == NUM_OVERFLOW)
	{
		sg_fits_fail(st, SG_ERR_VALUE, status, false,
					 "pixel values of HDU %d do not fit in 32-bit floats", current_hdu(f));
		return false;
	}
	if (status > 0)
	{
		sg_fits_fail(st, SG_ERR_BINARY, status, true,
					 "malformed FITS data: cannot read the pixels of HDU %d", current_hdu(f));
		return false;
	}
	return true;
}
