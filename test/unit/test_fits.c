/*
 * test_fits.c — FITS reading, writing and tile cutouts.  Test files are
 * built with cfitsio in memory (and, for cutouts, written to a temporary
 * directory); expected sky positions come from an independent gnomonic
 * projection written out below.
 */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <fitsio.h>

#include "sglens/alloc.h"
#include "sglens/fits.h"
#include "unit.h"

#define DEG (M_PI / 180.0)

/* ---------------------------------------------------------------------- */
/* helpers                                                                */
/* ---------------------------------------------------------------------- */

/* A FITS file being built in memory with cfitsio. */
typedef struct memfits
{
	void	   *mem;
	size_t		size;
	fitsfile   *f;
	int			status;
} memfits;

static void
mf_open(memfits *m)
{
	m->size = 2880;
	m->mem = malloc(m->size);
	m->status = 0;
	fits_create_memfile(&m->f, &m->mem, &m->size, 2880, realloc, &m->status);
}

/* Add an image HDU of the given type and shape. */
static void
mf_image(memfits *m, int bitpix, int naxis, long nx, long ny, long nz)
{
	long		naxes[3] = {nx, ny, nz};

	fits_create_img(m->f, bitpix, naxis, naxes, &m->status);
}

static void
mf_str(memfits *m, const char *key, const char *value)
{
	fits_update_key_str(m->f, key, value, NULL, &m->status);
}

static void
mf_dbl(memfits *m, const char *key, double value)
{
	fits_update_key_dbl(m->f, key, value, -17, NULL, &m->status);
}

/* Close the file; returns its length (the buffer stays in m->mem). */
static size_t
mf_close(memfits *m)
{
	LONGLONG	head;
	LONGLONG	data;
	LONGLONG	end = 0;

	fits_get_hduaddrll(m->f, &head, &data, &end, &m->status);
	fits_close_file(m->f, &m->status);
	CHECK(m->status == 0);
	return (size_t) end;
}

/* Write a north-up TAN WCS with the given reference. */
static void
mf_tan(memfits *m, double ra, double dec, double crpix1, double crpix2, double scale)
{
	mf_str(m, "CTYPE1", "RA---TAN");
	mf_str(m, "CTYPE2", "DEC--TAN");
	mf_dbl(m, "CRVAL1", ra);
	mf_dbl(m, "CRVAL2", dec);
	mf_dbl(m, "CRPIX1", crpix1);
	mf_dbl(m, "CRPIX2", crpix2);
	mf_dbl(m, "CD1_1", -scale / 3600);
	mf_dbl(m, "CD1_2", 0);
	mf_dbl(m, "CD2_1", 0);
	mf_dbl(m, "CD2_2", scale / 3600);
}

/*
 * Independent gnomonic deprojection: sky position of intermediate world
 * coordinates (xi, eta) in degrees around (ra0, dec0).
 */
static void
tan_deproject(double ra0, double dec0, double xi, double eta, double *ra, double *dec)
{
	double		x = xi * DEG;
	double		y = eta * DEG;
	double		d0 = dec0 * DEG;
	double		den = cos(d0) - y * sin(d0);

	*ra = fmod(ra0 + atan2(x, den) / DEG + 360.0, 360.0);
	*dec = atan2(sin(d0) + y * cos(d0), sqrt(x * x + den * den)) / DEG;
}

/* Sky position of FITS pixel (x, y) under a CD matrix. */
static void
pixel_to_sky(double ra0, double dec0, double crpix1, double crpix2, const double cd[4],
			 double x, double y, double *ra, double *dec)
{
	double		dx = x - crpix1;
	double		dy = y - crpix2;

	tan_deproject(ra0, dec0, cd[0] * dx + cd[1] * dy, cd[2] * dx + cd[3] * dy, ra, dec);
}

/* A test image with NaN, a denormal and negative zero among its pixels. */
static sg_image *
make_image(int nx, int ny, int nbands, bool centre, bool meta)
{
	sg_status	st;
	sg_image   *img;
	float	   *pix;

	sg_status_clear(&st);
	img = sg_image_new(nx, ny, nbands, 0.262, &st);
	pix = sg_image_pixels(img);
	for (size_t i = 0; i < sg_image_npixels(img); i++)
		pix[i] = (float) sin((double) i * 0.37) * 1000.0f + (float) i * 1e-3f;
	pix[3] = NAN;
	pix[sg_image_npixels(img) - 1] = NAN;
	pix[5] = 1e-42f;
	pix[6] = -0.0f;
	for (int b = 0; b < nbands; b++)
	{
		static const char *const names[] = {"g", "r", "i", "z"};

		sg_image_set_band_name(img, b, names[b % 4], &st);
		if (meta)
		{
			img->bands[b].zeropoint = 22.5 + b * 0.1;
			img->bands[b].psf_fwhm = b == 1 ? NAN : 1.1 + b / 3.0;
			img->bands[b].noise_sigma = b == 2 ? NAN : 0.01 * (b + 1) / 3.0;
		}
	}
	if (centre)
		sg_image_set_center(img, 150.1163 + 1.0 / 3.0, -2.20123456789, &st);
	CHECK(!sg_failed(&st));
	return img;
}

/* Read with the given scale and names. */
static sg_image *
read_with(const void *buf, size_t len, double scale, const char *const *names, int nnames,
		  sg_status *st)
{
	sg_fits_read_options opt = {names, nnames, scale};

	sg_status_clear(st);
	return sg_fits_read(buf, len, &opt, st);
}

/* ---------------------------------------------------------------------- */
/* round trips                                                            */
/* ---------------------------------------------------------------------- */

/* Write then read back; the image must come back byte for byte. */
static void
check_round_trip(sg_image *img)
{
	sg_status	st;
	sg_image   *before = NULL;
	sg_image   *back;
	size_t		len = 0;
	void	   *buf;

	sg_status_clear(&st);
	before = sg_image_copy(img, &st);
	buf = sg_fits_write(img, &len, &st);
	CHECK(buf != NULL && len > 0 && len % 2880 == 0);
	CHECK(sg_image_equal(img, before));		/* the writer left our pixels alone */
	back = sg_fits_read(buf, len, NULL, &st);
	CHECK(back != NULL);
	if (back != NULL)
	{
		CHECK(sg_image_equal(img, back));
		CHECK(back->pixel_scale == img->pixel_scale);
		CHECK((back->flags & SG_FLAG_HAS_CENTER) == (img->flags & SG_FLAG_HAS_CENTER));
	}
	if (sg_failed(&st))
		fprintf(stderr, "round trip: %s (%s)\n", st.message, st.detail);
	sg_free(back);
	sg_free(before);
	sg_free(buf);
}

static void
test_round_trips(void)
{
	sg_image   *one = make_image(33, 20, 1, true, true);
	sg_image   *three = make_image(16, 24, 3, true, true);
	sg_image   *bare = make_image(8, 9, 3, false, false);
	sg_image   *odd_scale = make_image(5, 5, 2, true, true);

	odd_scale->pixel_scale = 0.1 + 0.2;		/* not representable in decimal */
	check_round_trip(one);
	one->pixel_scale = 1e-250;	/* extreme scales: the CD determinant must not underflow */
	check_round_trip(one);
	one->pixel_scale = 1e250;
	check_round_trip(one);
	check_round_trip(three);
	check_round_trip(bare);
	check_round_trip(odd_scale);
	sg_free(one);
	sg_free(three);
	sg_free(bare);
	sg_free(odd_scale);
}

/* The writer's keywords, seen through cfitsio. */
static void
test_written_keywords(void)
{
	sg_image   *img = make_image(10, 6, 2, true, true);
	sg_status	st;
	size_t		len = 0;
	void	   *buf;
	void	   *mem;
	size_t		memsize;
	fitsfile   *f = NULL;
	int			status = 0;
	int			naxis = 0;
	long		version = 0;
	double		crpix1 = 0;
	char		ctype[FLEN_VALUE] = "";
	char		band[FLEN_VALUE] = "";

	sg_status_clear(&st);
	buf = sg_fits_write(img, &len, &st);
	mem = buf;
	memsize = len;
	fits_open_memfile(&f, "t.fits", READONLY, &mem, &memsize, 0, NULL, &status);
	fits_get_img_dim(f, &naxis, &status);
	fits_read_key_lng(f, "SGLENSV", &version, NULL, &status);
	fits_read_key_dbl(f, "CRPIX1", &crpix1, NULL, &status);
	fits_read_key_str(f, "CTYPE1", ctype, NULL, &status);
	fits_read_key_str(f, "BAND2", band, NULL, &status);
	fits_close_file(f, &status);
	CHECK(status == 0);
	CHECK(naxis == 3);
	CHECK(version == 1);
	CHECK(crpix1 == 5.5);
	CHECK(strcmp(ctype, "RA---TAN") == 0);
	CHECK(strcmp(band, "r") == 0);
	sg_free(buf);
	sg_free(img);
}

/* Band names from the caller, and their count. */
static void
test_caller_names(void)
{
	static const char *const names[] = {"u", "v", "w"};
	static const char *const bad[] = {"u", "v w", "x"};
	static const char *const same[] = {"u", "v", "u"};
	sg_image   *img = make_image(6, 6, 3, true, true);
	sg_image   *back;
	sg_status	st;
	size_t		len = 0;
	void	   *buf;

	sg_status_clear(&st);
	buf = sg_fits_write(img, &len, &st);
	back = read_with(buf, len, NAN, names, 3, &st);
	CHECK(back != NULL);
	if (back != NULL)
	{
		CHECK(strcmp(back->bands[0].name, "u") == 0);
		CHECK(strcmp(back->bands[2].name, "w") == 0);
		CHECK(back->bands[1].zeropoint == img->bands[1].zeropoint);
	}
	sg_free(back);

	back = read_with(buf, len, NAN, names, 2, &st);
	CHECK(back == NULL);
	CHECK_FAILS_WITH(st, SG_ERR_VALUE, "2 band names");
	CHECK(strstr(st.message, "3 bands") != NULL);

	back = read_with(buf, len, NAN, bad, 3, &st);
	CHECK(back == NULL);
	CHECK_FAILS_WITH(st, SG_ERR_VALUE, "may only contain");

	back = read_with(buf, len, NAN, same, 3, &st);
	CHECK(back == NULL);
	CHECK_FAILS_WITH(st, SG_ERR_VALUE, "appears twice");

	/* an explicit pixel scale overrides the WCS */
	back = read_with(buf, len, 0.5, NULL, 0, &st);
	CHECK(back != NULL && back->pixel_scale == 0.5);
	sg_free(back);
	back = read_with(buf, len, -1.0, NULL, 0, &st);
	CHECK(back == NULL);
	CHECK_FAILS_WITH(st, SG_ERR_VALUE, "pixel_scale must be a positive");
	sg_free(buf);
	sg_free(img);
}

/* ---------------------------------------------------------------------- */
/* files from elsewhere                                                   */
/* ---------------------------------------------------------------------- */

/* Empty primary, an image, a table, an int16 image: two bands. */
static void
test_multi_hdu(void)
{
	static char *ttype[] = {"A"};
	static char *tform[] = {"1E"};
	memfits		m;
	sg_image   *img;
	sg_status	st;
	float		f32[12];
	short		i16[12];
	size_t		len;

	for (int i = 0; i < 12; i++)
	{
		f32[i] = (float) i / 4.0f;
		i16[i] = (short) (100 + i);
	}
	mf_open(&m);
	mf_image(&m, 8, 0, 0, 0, 0);	/* empty primary */
	mf_image(&m, FLOAT_IMG, 2, 4, 3, 1);
	mf_str(&m, "CTYPE1", "RA---TAN");
	mf_str(&m, "CTYPE2", "DEC--TAN");
	mf_dbl(&m, "CRVAL1", 10.0);
	mf_dbl(&m, "CRVAL2", 20.0);
	mf_dbl(&m, "CRPIX1", 2.5);
	mf_dbl(&m, "CRPIX2", 2.0);
	mf_dbl(&m, "CDELT1", -0.2 / 3600);
	mf_dbl(&m, "CDELT2", 0.2 / 3600);
	mf_str(&m, "BAND", "g");
	mf_dbl(&m, "MAGZP", 30.0);
	mf_dbl(&m, "SEEING", 0.9);
	fits_write_img(m.f, TFLOAT, 1, 12, f32, &m.status);
	fits_create_tbl(m.f, BINARY_TBL, 0, 1, ttype, tform, NULL, "T", &m.status);
	mf_image(&m, SHORT_IMG, 2, 4, 3, 1);
	mf_str(&m, "FILTER", "r DECam SDSS c0002 6415.0 1480.0");
	mf_dbl(&m, "ZP", 25.0);
	mf_dbl(&m, "PSF_FWHM", -1.0);	/* a sentinel, not a FWHM */
	mf_dbl(&m, "SKYSIG", 3.5);
	fits_write_img(m.f, TSHORT, 1, 12, i16, &m.status);
	len = mf_close(&m);

	img = read_with(m.mem, len, NAN, NULL, 0, &st);
	CHECK(img != NULL);
	if (img != NULL)
	{
		CHECK(img->nbands == 2 && img->nx == 4 && img->ny == 3);
		CHECK(strcmp(img->bands[0].name, "g") == 0);
		CHECK(strcmp(img->bands[1].name, "r") == 0);
		CHECK(img->bands[0].zeropoint == 30.0 && img->bands[1].zeropoint == 25.0);
		CHECK(img->bands[0].psf_fwhm == 0.9 && isnan(img->bands[1].psf_fwhm));
		CHECK(isnan(img->bands[0].noise_sigma) && img->bands[1].noise_sigma == 3.5);
		CHECK_CLOSE(img->pixel_scale, 0.2, 1e-12);
		CHECK(img->ra == 10.0 && img->dec == 20.0);		/* CRPIX is the centre */
		CHECK(sg_image_band_pixels(img, 0)[5] == 1.25f);
		CHECK(sg_image_band_pixels(img, 1)[11] == 111.0f);
	}
	sg_free(img);
	free(m.mem);
}

/* int16 with BSCALE/BZERO and BLANK. */
static void
test_scaled_int16(void)
{
	memfits		m;
	sg_image   *img;
	sg_status	st;
	short		raw[6] = {-3, 0, 7, -32768, 12, 32767};
	size_t		len;

	mf_open(&m);
	mf_image(&m, SHORT_IMG, 2, 3, 2, 1);
	mf_dbl(&m, "BSCALE", 0.5);
	mf_dbl(&m, "BZERO", 100.0);
	fits_write_key_lng(m.f, "BLANK", -32768, NULL, &m.status);
	fits_set_bscale(m.f, 1.0, 0.0, &m.status);	/* write the raw integers */
	fits_write_img(m.f, TSHORT, 1, 6, raw, &m.status);
	len = mf_close(&m);

	img = read_with(m.mem, len, 1.0, NULL, 0, &st);
	CHECK(img != NULL);
	if (img != NULL)
	{
		float	   *p = sg_image_pixels(img);

		CHECK(p[0] == 98.5f && p[1] == 100.0f && p[2] == 103.5f);
		CHECK(isnan(p[3]));
		CHECK(p[4] == 106.0f && p[5] == 16483.5f);
		CHECK(strcmp(img->bands[0].name, "b1") == 0);
		CHECK(!(img->flags & SG_FLAG_HAS_CENTER));
		CHECK(img->pixel_scale == 1.0);
	}
	sg_free(img);
	free(m.mem);
}

/* ---------------------------------------------------------------------- */
/* bad input                                                              */
/* ---------------------------------------------------------------------- */

static size_t max_request;
static size_t nrequests;

static void *
counting_alloc(size_t size, void *ctx)
{
	(void) ctx;
	nrequests++;
	if (size > max_request)
		max_request = size;
	return malloc(size ? size : 1);
}

static void *
counting_realloc(void *p, size_t size, void *ctx)
{
	(void) ctx;
	nrequests++;
	if (size > max_request)
		max_request = size;
	return realloc(p, size ? size : 1);
}

static void
plain_free(void *p, void *ctx)
{
	(void) ctx;
	free(p);
}

/* The header card starting with prefix, or NULL. */
static char *
find_card(void *buf, size_t len, const char *prefix)
{
	for (size_t pos = 0; pos + 80 <= len; pos += 80)
		if (strncmp((char *) buf + pos, prefix, strlen(prefix)) == 0)
			return (char *) buf + pos;
	return NULL;
}

/* A primary header, padded to one block; cards are given without padding. */
static size_t
raw_header(char *buf, const char *const *cards)
{
	size_t		n = 0;

	memset(buf, ' ', 2880);
	for (int i = 0; cards[i] != NULL; i++)
	{
		memcpy(buf + 80 * n, cards[i], strlen(cards[i]));
		n++;
	}
	return 2880;
}

static void
test_bad_input(void)
{
	static const char *const huge[] = {
		"SIMPLE  =                    T",
		"BITPIX  =                  -32",
		"NAXIS   =                    2",
		"NAXIS1  =               100000",
		"NAXIS2  =               100000",
		"PIXSCALE=                  1.0",
		"END", NULL
	};
	static const char *const flat[] = {
		"SIMPLE  =                    T",
		"BITPIX  =                  -32",
		"NAXIS   =                    1",
		"NAXIS1  =                   10",
		"END", NULL
	};
	sg_allocator counting = {counting_alloc, counting_realloc, plain_free, NULL};
	sg_image   *img = make_image(12, 10, 3, true, true);
	sg_image   *back;
	sg_status	st;
	size_t		len = 0;
	char	   *buf;
	char		raw[2880 * 2];
	char		garbage[5000];

	sg_status_clear(&st);
	buf = sg_fits_write(img, &len, &st);

	/* truncated inside the data, inside the header, inside a second HDU */
	back = read_with(buf, len - 2000, NAN, NULL, 0, &st);
	CHECK(back == NULL);
	CHECK_FAILS_WITH(st, SG_ERR_BINARY, "truncated FITS data");
	back = read_with(buf, 2880 + 12 * 10 * 3 * 4, NAN, NULL, 0, &st);	/* only the padding is missing */
	CHECK(back != NULL && sg_image_equal(back, img));
	sg_free(back);
	back = read_with(buf, 1000, NAN, NULL, 0, &st);
	CHECK(back == NULL);
	CHECK_FAILS_WITH(st, SG_ERR_BINARY, "not a readable FITS file");
	{
		char	   *two = malloc(len + 1000);

		memcpy(two, buf, len);
		memcpy(two + len, "XTENSION= 'IMAGE   '", 20);
		memset(two + len + 20, ' ', 980);
		back = read_with(two, len + 1000, NAN, NULL, 0, &st);
		CHECK(back == NULL);
		CHECK_FAILS_WITH(st, SG_ERR_BINARY, "cannot read HDU 2");
		CHECK(strstr(st.detail, "cfitsio status") != NULL);
		/* zero fill after the last HDU is fine */
		memset(two + len, 0, 1000);
		back = read_with(two, len + 1000, NAN, NULL, 0, &st);
		CHECK(back != NULL && sg_image_equal(back, img));
		sg_free(back);
		free(two);
	}

	/* garbage */
	for (size_t i = 0; i < sizeof(garbage); i++)
		garbage[i] = (char) (i * 7919 % 251);
	back = read_with(garbage, sizeof(garbage), NAN, NULL, 0, &st);
	CHECK(back == NULL);
	CHECK_FAILS_WITH(st, SG_ERR_BINARY, "malformed FITS data");
	for (size_t i = 0; i < sizeof(garbage); i++)
		garbage[i] = (char) ('a' + i % 26);
	back = read_with(garbage, sizeof(garbage), NAN, NULL, 0, &st);
	CHECK(back == NULL);
	CHECK_FAILS_WITH(st, SG_ERR_BINARY, "not a readable FITS file");
	CHECK(strstr(st.detail, "cfitsio status") != NULL);
	back = read_with(garbage, 0, NAN, NULL, 0, &st);
	CHECK_FAILS_WITH(st, SG_ERR_BINARY, "empty");
	back = read_with(garbage, SG_FITS_MAX_BYTES + 1, NAN, NULL, 0, &st);
	CHECK_FAILS_WITH(st, SG_ERR_LIMIT, "exceeds the limit");

	/* a header claiming 100000 x 100000 pixels: refused before allocating */
	len = raw_header(raw, huge);
	max_request = nrequests = 0;
	sg_set_allocator(&counting);
	back = read_with(raw, len, NAN, NULL, 0, &st);
	sg_set_allocator(NULL);
	CHECK(back == NULL);
	CHECK_FAILS_WITH(st, SG_ERR_LIMIT, "100000 x 100000");
	CHECK(nrequests == 0 && max_request == 0);

	len = raw_header(raw, flat);
	back = read_with(raw, len, 1.0, NULL, 0, &st);
	CHECK_FAILS_WITH(st, SG_ERR_VALUE, "1-D");

	/* headers are checked before cfitsio parses them */
	sg_free(buf);
	buf = sg_fits_write(img, &len, &st);
	buf[80 * 3 + 12] = '\0';
	back = read_with(buf, len, NAN, NULL, 0, &st);
	CHECK(back == NULL);
	CHECK_FAILS_WITH(st, SG_ERR_BINARY, "printable ASCII");
	{
		static char *ttype[] = {"A"};
		static char *tform[] = {"1E"};
		memfits		m;
		size_t		n;
		char	   *card;

		mf_open(&m);
		mf_image(&m, FLOAT_IMG, 0, 0, 0, 0);
		fits_create_tbl(m.f, BINARY_TBL, 0, 1, ttype, tform, NULL, "T", &m.status);
		n = mf_close(&m);
		card = find_card(m.mem, n, "TFIELDS =");
		CHECK(card != NULL);
		if (card != NULL)
			memcpy(card + 10, "           123456789", 20);
		back = read_with(m.mem, n, NAN, NULL, 0, &st);
		CHECK(back == NULL);
		CHECK_FAILS_WITH(st, SG_ERR_BINARY, "invalid TFIELDS value");
		card = find_card(m.mem, n, "NAXIS1  =");
		if (card != NULL)
		{
			memcpy(card + 10, "           1   h    4", 20);
			memcpy(find_card(m.mem, n, "TFIELDS =") + 10, "                    1", 20);
		}
		back = read_with(m.mem, n, NAN, NULL, 0, &st);
		CHECK(back == NULL);
		CHECK_FAILS_WITH(st, SG_ERR_BINARY, "invalid NAXIS1 value");
		free(m.mem);
	}

	/* an infinite pixel */
	sg_image_pixels(img)[17] = INFINITY;
	sg_free(buf);
	buf = sg_fits_write(img, &len, &st);	/* the writer does not look at pixels */
	CHECK(buf != NULL);
	back = read_with(buf, len, NAN, NULL, 0, &st);
	CHECK(back == NULL);
	CHECK_FAILS_WITH(st, SG_ERR_VALUE, "infinite");
	sg_free(buf);
	sg_free(img);
}

/* Image HDUs of different sizes. */
static void
test_mismatched_sizes(void)
{
	memfits		m;
	float		pix[20] = {0};
	sg_status	st;
	size_t		len;

	mf_open(&m);
	mf_image(&m, FLOAT_IMG, 2, 4, 5, 1);
	fits_write_img(m.f, TFLOAT, 1, 20, pix, &m.status);
	mf_image(&m, FLOAT_IMG, 2, 5, 4, 1);
	fits_write_img(m.f, TFLOAT, 1, 20, pix, &m.status);
	len = mf_close(&m);
	CHECK(read_with(m.mem, len, 1.0, NULL, 0, &st) == NULL);
	CHECK_FAILS_WITH(st, SG_ERR_VALUE, "HDU 2 is 5 x 4 pixels but HDU 1 is 4 x 5");
	free(m.mem);
}

/* No WCS: the pixel scale must be given. */
static void
test_no_wcs(void)
{
	memfits		m;
	float		pix[6] = {1, 2, 3, 4, 5, 6};
	sg_image   *img;
	sg_status	st;
	size_t		len;

	mf_open(&m);
	mf_image(&m, FLOAT_IMG, 2, 3, 2, 1);
	mf_str(&m, "CTYPE1", "LINEAR");
	mf_str(&m, "CTYPE2", "LINEAR");
	fits_write_img(m.f, TFLOAT, 1, 6, pix, &m.status);
	len = mf_close(&m);
	CHECK(read_with(m.mem, len, NAN, NULL, 0, &st) == NULL);
	CHECK_FAILS_WITH(st, SG_ERR_VALUE, "FITS has no WCS pixel scale; give pixel_scale");
	img = read_with(m.mem, len, 0.168, NULL, 0, &st);
	CHECK(img != NULL && img->pixel_scale == 0.168 && !(img->flags & SG_FLAG_HAS_CENTER));
	sg_free(img);
	free(m.mem);
}

/* ---------------------------------------------------------------------- */
/* WCS                                                                    */
/* ---------------------------------------------------------------------- */

/* A 1-band image whose header is written by fill(); read with NaN scale. */
static sg_image *
read_wcs_image(int nx, int ny, void (*fill) (memfits *), sg_status *st)
{
	memfits		m;
	float	   *pix = calloc((size_t) nx * ny, sizeof(float));
	sg_image   *img;
	size_t		len;

	mf_open(&m);
	mf_image(&m, FLOAT_IMG, 2, nx, ny, 1);
	fill(&m);
	fits_write_img(m.f, TFLOAT, 1, (LONGLONG) nx * ny, pix, &m.status);
	len = mf_close(&m);
	img = read_with(m.mem, len, NAN, NULL, 0, st);
	free(pix);
	free(m.mem);
	return img;
}

/* CDELT with CRPIX at the centre of a 7 x 9 image. */
static void
fill_cdelt(memfits *m)
{
	mf_str(m, "CTYPE1", "RA---SIN");
	mf_str(m, "CTYPE2", "DEC--SIN");
	mf_dbl(m, "CRVAL1", 359.9999);
	mf_dbl(m, "CRVAL2", 45.0);
	mf_dbl(m, "CRPIX1", 4.0);
	mf_dbl(m, "CRPIX2", 5.0);
	mf_dbl(m, "CDELT1", -0.168 / 3600);
	mf_dbl(m, "CDELT2", 0.168 / 3600);
	mf_str(m, "RADESYS", "FK5");
	mf_dbl(m, "EQUINOX", 2000.0);
}

/* CDELT with a PC rotation matrix and non-square pixels. */
static void
fill_pc(memfits *m)
{
	double		c = cos(30 * DEG);
	double		s = sin(30 * DEG);

	mf_str(m, "CTYPE1", "RA---TAN");
	mf_str(m, "CTYPE2", "DEC--TAN");
	mf_dbl(m, "CRVAL1", 12.0);
	mf_dbl(m, "CRVAL2", -30.0);
	mf_dbl(m, "CRPIX1", 4.0);
	mf_dbl(m, "CRPIX2", 5.0);
	mf_dbl(m, "CDELT1", -0.2 / 3600);
	mf_dbl(m, "CDELT2", 0.3 / 3600);
	mf_dbl(m, "PC1_1", c);
	mf_dbl(m, "PC1_2", -s);
	mf_dbl(m, "PC2_1", s);
	mf_dbl(m, "PC2_2", c);
}

/* Rotated, skewed CD matrix with CRPIX at the corner. */
static const double corner_cd[4] = {-5.5e-5, 1.2e-5, 1.0e-5, 5.9e-5};

static void
fill_corner(memfits *m)
{
	mf_str(m, "CTYPE1", "RA---TAN");
	mf_str(m, "CTYPE2", "DEC--TAN");
	mf_dbl(m, "CRVAL1", 0.001);
	mf_dbl(m, "CRVAL2", 62.5);
	mf_dbl(m, "CRPIX1", 1.0);
	mf_dbl(m, "CRPIX2", 1.0);
	mf_dbl(m, "CD1_1", corner_cd[0]);
	mf_dbl(m, "CD1_2", corner_cd[1]);
	mf_dbl(m, "CD2_1", corner_cd[2]);
	mf_dbl(m, "CD2_2", corner_cd[3]);
}

static void
fill_sip(memfits *m)
{
	mf_tan(m, 1, 2, 3, 4, 0.05);
	mf_str(m, "CTYPE1", "RA---TAN-SIP");
	mf_str(m, "CTYPE2", "DEC--TAN-SIP");
}

static void
fill_fk4(memfits *m)
{
	mf_tan(m, 1, 2, 3, 4, 0.05);
	mf_dbl(m, "EQUINOX", 1950.0);
}

static void
fill_degenerate(memfits *m)
{
	mf_tan(m, 1, 2, 3, 4, 0.05);
	mf_dbl(m, "CD2_2", 0.0);
}

static void
test_wcs(void)
{
	sg_image   *img;
	sg_status	st;
	double		ra;
	double		dec;

	img = read_wcs_image(7, 9, fill_cdelt, &st);
	CHECK(img != NULL);
	if (img != NULL)
	{
		CHECK_CLOSE(img->pixel_scale, 0.168, 1e-12);
		CHECK(img->ra == 359.9999 && img->dec == 45.0);
	}
	sg_free(img);

	img = read_wcs_image(7, 9, fill_pc, &st);
	CHECK(img != NULL);
	if (img != NULL)
	{
		CHECK_CLOSE(img->pixel_scale, sqrt(0.2 * 0.3), 1e-12);
		CHECK(img->ra == 12.0 && img->dec == -30.0);
	}
	sg_free(img);

	/* centre pixel (32.5, 20.5) is far from CRPIX (1, 1) */
	img = read_wcs_image(64, 40, fill_corner, &st);
	CHECK(img != NULL);
	pixel_to_sky(0.001, 62.5, 1.0, 1.0, corner_cd, 32.5, 20.5, &ra, &dec);
	if (img != NULL)
	{
		double		det = corner_cd[0] * corner_cd[3] - corner_cd[1] * corner_cd[2];

		CHECK(ra > 359.9);		/* the centre is west of RA 0: wrapped */
		CHECK_CLOSE(img->ra, ra, 1e-9);
		CHECK_CLOSE(img->dec, dec, 1e-9);
		CHECK_CLOSE(img->pixel_scale, sqrt(fabs(det)) * 3600, 1e-12);
	}
	sg_free(img);

	CHECK(read_wcs_image(5, 5, fill_sip, &st) == NULL);
	CHECK_FAILS_WITH(st, SG_ERR_VALUE, "unsupported celestial WCS");
	CHECK(read_wcs_image(5, 5, fill_fk4, &st) == NULL);
	CHECK_FAILS_WITH(st, SG_ERR_VALUE, "unsupported celestial frame");
	CHECK(read_wcs_image(5, 5, fill_degenerate, &st) == NULL);
	CHECK_FAILS_WITH(st, SG_ERR_VALUE, "degenerate");
}

/* ---------------------------------------------------------------------- */
/* cutouts                                                                */
/* ---------------------------------------------------------------------- */

#define TILE_NX 200
#define TILE_NY 150
#define TILE_RA 210.5
#define TILE_DEC 54.25
#define TILE_SCALE 0.25

static const double tile_cd[4] = {-TILE_SCALE / 3600, 0, 0, TILE_SCALE / 3600};

/* Value of tile pixel (x, y), 1-based. */
static float
tile_value(long x, long y)
{
	return (float) ((x - 1) + 1000 * (y - 1));
}

/* Write the tile (empty primary, image in HDU 2) into dir; returns its path. */
static char *
write_tile(const char *dir)
{
	static char path[4096];
	memfits		m;
	float	   *pix = malloc(sizeof(float) * TILE_NX * TILE_NY);
	size_t		len;
	FILE	   *out;

	for (long y = 1; y <= TILE_NY; y++)
		for (long x = 1; x <= TILE_NX; x++)
			pix[(y - 1) * TILE_NX + (x - 1)] = tile_value(x, y);
	mf_open(&m);
	mf_image(&m, 8, 0, 0, 0, 0);
	mf_image(&m, FLOAT_IMG, 2, TILE_NX, TILE_NY, 1);
	mf_tan(&m, TILE_RA, TILE_DEC, 100.5, 75.5, TILE_SCALE);
	mf_str(&m, "FILTER", "i HSC");
	mf_dbl(&m, "MAGZP", 27.0);
	fits_write_img(m.f, TFLOAT, 1, TILE_NX * TILE_NY, pix, &m.status);
	len = mf_close(&m);
	snprintf(path, sizeof(path), "%s/tile.fits", dir);
	out = fopen(path, "wb");
	CHECK(out != NULL && fwrite(m.mem, 1, len, out) == len);
	fclose(out);
	free(m.mem);
	free(pix);
	return path;
}

/* The same tile as int32 pixels, Rice-compressed, written by cfitsio to disk. */
static char *
write_compressed_tile(const char *dir, void **mem, size_t *len)
{
	static char path[4096];
	memfits		m = {NULL, 0, NULL, 0};
	int		   *pix = malloc(sizeof(int) * TILE_NX * TILE_NY);
	FILE	   *in;

	for (long y = 1; y <= TILE_NY; y++)
		for (long x = 1; x <= TILE_NX; x++)
			pix[(y - 1) * TILE_NX + (x - 1)] = (int) tile_value(x, y);
	snprintf(path, sizeof(path), "%s/tile.fits.fz", dir);
	fits_create_diskfile(&m.f, path, &m.status);
	fits_set_compression_type(m.f, RICE_1, &m.status);
	mf_image(&m, LONG_IMG, 2, TILE_NX, TILE_NY, 1);
	mf_tan(&m, TILE_RA, TILE_DEC, 100.5, 75.5, TILE_SCALE);
	fits_write_img(m.f, TINT, 1, TILE_NX * TILE_NY, pix, &m.status);
	fits_close_file(m.f, &m.status);
	CHECK(m.status == 0);
	free(pix);

	/* and its bytes, for the in-memory reader */
	in = fopen(path, "rb");
	fseek(in, 0, SEEK_END);
	*len = (size_t) ftell(in);
	fseek(in, 0, SEEK_SET);
	*mem = malloc(*len);
	CHECK(fread(*mem, 1, *len, in) == *len);
	fclose(in);
	return path;
}

/* Cut around the sky position of tile pixel (x, y). */
static sg_image *
cut_at(const char *path, int hdu, double x, double y, int size, const char *band,
	   sg_status *st)
{
	double		ra;
	double		dec;

	pixel_to_sky(TILE_RA, TILE_DEC, 100.5, 75.5, tile_cd, x, y, &ra, &dec);
	sg_status_clear(st);
	return sg_fits_cutout(path, hdu, ra, dec, size, band, st);
}

/* Every stamp pixel equals its tile pixel, or is NaN outside the tile. */
static bool
stamp_matches(const sg_image *img, long x0, long y0, int *nnan)
{
	const float *p = sg_image_pixels(img);

	*nnan = 0;
	for (long r = 0; r < img->ny; r++)
		for (long c = 0; c < img->nx; c++)
		{
			long		x = x0 + c;
			long		y = y0 + r;
			float		v = p[r * img->nx + c];

			if (x < 1 || x > TILE_NX || y < 1 || y > TILE_NY)
			{
				if (!isnan(v))
					return false;
				(*nnan)++;
			}
			else if (v != tile_value(x, y))
				return false;
		}
	return true;
}

static void
test_cutout(void)
{
	char		dir[] = "/tmp/sglens_fits_XXXXXX";
	char	   *path;
	char		missing[4200];
	sg_image   *img;
	sg_status	st;
	int			nnan = 0;
	double		ra;
	double		dec;

	CHECK(mkdtemp(dir) != NULL);
	path = write_tile(dir);

	/* inside: target at pixel (50, 60), slightly off its centre */
	img = cut_at(path, 0, 50.2, 59.7, 11, NULL, &st);
	CHECK(img != NULL);
	if (img != NULL)
	{
		CHECK(img->nx == 11 && img->ny == 11 && img->nbands == 1);
		CHECK(stamp_matches(img, 45, 55, &nnan) && nnan == 0);
		CHECK(strcmp(img->bands[0].name, "i") == 0);
		CHECK(img->bands[0].zeropoint == 27.0);
		CHECK_CLOSE(img->pixel_scale, TILE_SCALE, 1e-12);
		pixel_to_sky(TILE_RA, TILE_DEC, 100.5, 75.5, tile_cd, 50, 60, &ra, &dec);
		CHECK_CLOSE(img->ra, ra, 1e-9);
		CHECK_CLOSE(img->dec, dec, 1e-9);
	}
	sg_free(img);

	/* even size: the centre pixel is index 4 of 10; the sky centre is between pixels */
	img = cut_at(path, 2, 120, 30, 10, "z", &st);
	CHECK(img != NULL);
	if (img != NULL)
	{
		CHECK(stamp_matches(img, 116, 26, &nnan) && nnan == 0);
		CHECK(strcmp(img->bands[0].name, "z") == 0);
		pixel_to_sky(TILE_RA, TILE_DEC, 100.5, 75.5, tile_cd, 120.5, 30.5, &ra, &dec);
		CHECK_CLOSE(img->ra, ra, 1e-9);
		CHECK_CLOSE(img->dec, dec, 1e-9);
	}
	sg_free(img);

	/* partial overlap at the corner: a NaN border */
	img = cut_at(path, 0, 2, 3, 11, NULL, &st);
	CHECK(img != NULL);
	if (img != NULL)
		CHECK(stamp_matches(img, -3, -2, &nnan) && nnan == 121 - 7 * 8);
	sg_free(img);
	img = cut_at(path, 0, TILE_NX + 4, TILE_NY, 11, NULL, &st);
	CHECK(img != NULL);
	if (img != NULL)
		CHECK(stamp_matches(img, TILE_NX - 1, TILE_NY - 5, &nnan) && nnan == 121 - 2 * 6);
	sg_free(img);

	/* outside */
	img = cut_at(path, 0, -20, 50, 11, NULL, &st);
	CHECK(img == NULL);
	CHECK_FAILS_WITH(st, SG_ERR_OUT_OF_FOOTPRINT, "outside the FITS tile");
	sg_status_clear(&st);
	img = sg_fits_cutout(path, 0, fmod(TILE_RA + 180, 360), -TILE_DEC, 11, NULL, &st);
	CHECK(img == NULL);
	CHECK_FAILS_WITH(st, SG_ERR_OUT_OF_FOOTPRINT, "outside the FITS tile");

	/* HDU selection */
	img = cut_at(path, 1, 50, 60, 11, NULL, &st);
	CHECK(img == NULL);
	CHECK_FAILS_WITH(st, SG_ERR_VALUE, "HDU 1 of the FITS tile is not a 2-D image");
	img = cut_at(path, 3, 50, 60, 11, NULL, &st);
	CHECK(img == NULL);
	CHECK_FAILS_WITH(st, SG_ERR_NOT_FOUND, "HDU 3 does not exist");

	/* arguments */
	img = cut_at(path, 0, 50, 60, 11, "bad name", &st);
	CHECK_FAILS_WITH(st, SG_ERR_VALUE, "may only contain");
	img = cut_at(path, 0, 50, 60, 0, NULL, &st);
	CHECK_FAILS_WITH(st, SG_ERR_VALUE, "positive");
	img = cut_at(path, 0, 50, 60, SG_MAX_SIDE + 1, NULL, &st);
	CHECK_FAILS_WITH(st, SG_ERR_LIMIT, "exceeds");

	/* missing file, a directory, not FITS */
	snprintf(missing, sizeof(missing), "%s/missing.fits", dir);
	img = cut_at(missing, 0, 50, 60, 11, NULL, &st);
	CHECK(img == NULL);
	CHECK_FAILS_WITH(st, SG_ERR_IO, "could not open the FITS tile file");
	CHECK(strstr(st.message, dir) == NULL && strstr(st.detail, dir) == NULL);
	img = cut_at(dir, 0, 50, 60, 11, NULL, &st);
	CHECK_FAILS_WITH(st, SG_ERR_IO, "not a regular file");
	{
		FILE	   *junk = fopen(missing, "w");

		fputs("hello, this is not FITS\n", junk);
		fclose(junk);
		img = cut_at(missing, 0, 50, 60, 11, NULL, &st);
		CHECK(img == NULL);
		CHECK_FAILS_WITH(st, SG_ERR_BINARY, "not a readable FITS file");
		CHECK(strstr(st.detail, dir) == NULL);
		unlink(missing);
	}

	unlink(path);

	/* a tile-compressed tile: cut, but refused as an in-memory upload */
	{
		void	   *mem = NULL;
		size_t		len = 0;

		path = write_compressed_tile(dir, &mem, &len);
		img = cut_at(path, 0, 50, 60, 11, NULL, &st);
		CHECK(img != NULL && stamp_matches(img, 45, 55, &nnan) && nnan == 0);
		CHECK(img != NULL && strcmp(img->bands[0].name, "b1") == 0);
		sg_free(img);
		CHECK(read_with(mem, len, 1.0, NULL, 0, &st) == NULL);
		CHECK_FAILS_WITH(st, SG_ERR_VALUE, "tile-compressed");
		free(mem);
		unlink(path);
	}
	rmdir(dir);
}

int
main(void)
{
	test_round_trips();
	test_written_keywords();
	test_caller_names();
	test_multi_hdu();
	test_scaled_int16();
	test_bad_input();
	test_mismatched_sizes();
	test_no_wcs();
	test_wcs();
	test_cutout();
	return UNIT_REPORT("fits");
}
