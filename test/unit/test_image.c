/* test_image.c — unit tests of the sgimage layout, operations, text and wire forms. */
#include <stdlib.h>

#include "sglens/alloc.h"
#include "sglens/image.h"
#include "sglens/image_text.h"
#include "sglens/image_wire.h"
#include "unit.h"

/* A test image with a recognisable pattern, a NaN pixel and mixed metadata. */
static sg_image *
make_image(int nx, int ny, int nb)
{
	sg_status	st;
	sg_image   *img;
	const char *names[] = {"g", "r", "i", "z", "y", "VIS"};

	sg_status_clear(&st);
	img = sg_image_new(nx, ny, nb, 0.2, &st);
	for (int b = 0; b < nb; b++)
	{
		float	   *p = sg_image_band_pixels(img, b);

		sg_image_set_band_name(img, b, names[b % 6], &st);
		for (int i = 0; i < nx * ny; i++)
			p[i] = (float) (b * 1000 + i) * 0.1f - 3.3f;
		img->bands[b].zeropoint = 27.0 + 0.1 * b;
	}
	img->bands[0].psf_fwhm = 0.7;
	img->bands[nb - 1].noise_sigma = 1.0 / 3.0;
	if (nx * ny > 1)
		sg_image_band_pixels(img, 0)[1] = NAN;
	sg_image_set_center(img, 359.99999999999, -89.123456789012345, &st);
	return img;
}

static void
test_layout(void)
{
	sg_status	st;
	sg_image   *img;

	sg_status_clear(&st);
	CHECK(sg_image_header_size(3) == 48 + 3 * 40);
	CHECK(sg_image_total_size(3, 3, 1) == 48 + 40 + 40);	/* 36 bytes padded to 40 */
	img = sg_image_new(64, 32, 3, 0.2, &st);
	CHECK(img != NULL);
	CHECK(((uintptr_t) sg_image_pixels(img) & 7) == 0);
	CHECK(isnan(img->bands[2].zeropoint) && !(img->flags & SG_FLAG_HAS_CENTER));
	CHECK(!sg_image_check_header(img, sg_image_size(img), true, &st));	/* unnamed bands */
	sg_status_clear(&st);
	for (int b = 0; b < 3; b++)
		sg_image_set_band_name(img, b, (const char *[]) {"g", "r", "i"}[b], &st);
	CHECK(sg_image_check_header(img, sg_image_size(img), true, &st));
	CHECK(sg_image_check_header(img, sg_image_header_size(3), false, &st));
	CHECK(!sg_image_check_header(img, sg_image_header_size(3), true, &st));
	sg_free(img);

	sg_status_clear(&st);
	CHECK(sg_image_new(0, 5, 1, 0.2, &st) == NULL);
	CHECK_FAILS_WITH(st, SG_ERR_VALUE, "positive");
	sg_status_clear(&st);
	CHECK(sg_image_new(SG_MAX_SIDE + 1, 5, 1, 0.2, &st) == NULL);
	CHECK_FAILS_WITH(st, SG_ERR_LIMIT, "exceeds the limit");
	sg_status_clear(&st);
	CHECK(sg_image_new(8192, 8192, 1, 0.2, &st) == NULL);
	CHECK_FAILS_WITH(st, SG_ERR_LIMIT, "pixels exceed");
	sg_status_clear(&st);
	CHECK(sg_image_new(4, 4, 17, 0.2, &st) == NULL);
	CHECK_FAILS_WITH(st, SG_ERR_LIMIT, "bands exceed");
	sg_status_clear(&st);
	CHECK(sg_image_new(4, 4, 1, -1, &st) == NULL);
	CHECK_FAILS_WITH(st, SG_ERR_VALUE, "pixel scale");
}

static void
test_metadata_validation(void)
{
	sg_status	st;
	sg_image   *img = make_image(4, 4, 2);

	sg_status_clear(&st);
	CHECK(!sg_image_set_band_name(img, 0, "bad name", &st));
	CHECK_FAILS_WITH(st, SG_ERR_VALUE, "may only contain");
	sg_status_clear(&st);
	CHECK(!sg_image_set_band_name(img, 0, "", &st));
	sg_status_clear(&st);
	CHECK(!sg_image_set_center(img, 360.0, 0, &st));
	CHECK_FAILS_WITH(st, SG_ERR_VALUE, "ra must be");
	sg_status_clear(&st);
	CHECK(!sg_image_set_center(img, 10, 91, &st));
	CHECK_FAILS_WITH(st, SG_ERR_VALUE, "dec must be");

	sg_status_clear(&st);
	img->bands[1].psf_fwhm = -1;
	CHECK(!sg_image_check_header(img, sg_image_size(img), true, &st));
	CHECK_FAILS_WITH(st, SG_ERR_VALUE, "PSF FWHM");
	img->bands[1].psf_fwhm = NAN;
	sg_status_clear(&st);
	img->version = 7;
	CHECK(!sg_image_check_header(img, sg_image_size(img), true, &st));
	CHECK_FAILS_WITH(st, SG_ERR_BINARY, "version 7");
	img->version = SG_IMAGE_VERSION;

	sg_status_clear(&st);
	sg_image_band_pixels(img, 1)[3] = -INFINITY;
	CHECK(!sg_image_check_pixels(img, &st));
	CHECK_FAILS_WITH(st, SG_ERR_VALUE, "infinite");
	sg_free(img);
}

static void
test_text_round_trip(int nx, int ny, int nb)
{
	sg_status	st;
	sg_image   *img = make_image(nx, ny, nb);
	char	   *text;
	sg_image   *back;

	sg_status_clear(&st);
	text = sg_image_to_text(img, &st);
	CHECK(text != NULL && strncmp(text, "SGIMAGE/1 ", 10) == 0);
	back = sg_image_from_text(text, &st);
	CHECK(back != NULL);
	if (back)
	{
		CHECK(sg_image_equal(img, back));
		CHECK(nx * ny == 1 || isnan(sg_image_band_pixels(back, 0)[1]));
	}
	sg_free(text);
	sg_free(back);
	sg_free(img);
}

static void
test_text_known(void)
{
	sg_status	st;
	sg_image   *img;
	char	   *text;

	/* 1.0f = 0x3f800000 → bytes 00 00 80 3f → "AACAPw==" */
	sg_status_clear(&st);
	img = sg_image_from_text(" SGIMAGE/1\t1x1x1   bands=g scale=0.25 data=AACAPw== zp=null \n", &st);
	CHECK(img != NULL);
	if (!img)
		return;
	CHECK(sg_image_pixels(img)[0] == 1.0f);
	CHECK(img->pixel_scale == 0.25 && isnan(img->bands[0].zeropoint));
	text = sg_image_to_text(img, &st);
	CHECK(strcmp(text, "SGIMAGE/1 1x1x1 scale=0.25 bands=g data=AACAPw==") == 0);
	sg_free(text);
	sg_free(img);
}

/* Parse text that must fail with the given code and message fragment. */
static void
expect_text_error(const char *text, sg_code code, const char *fragment)
{
	sg_status	st;
	sg_image   *img;

	sg_status_clear(&st);
	img = sg_image_from_text(text, &st);
	CHECK(img == NULL);
	CHECK_FAILS_WITH(st, code, fragment);
	if (img)
		fprintf(stderr, "  accepted: %s\n", text);
	sg_free(img);
}

static void
test_text_errors(void)
{
	expect_text_error("", SG_ERR_SYNTAX, "must start with");
	expect_text_error("SGIMAGE/2 1x1x1", SG_ERR_SYNTAX, "must start with");
	expect_text_error("SGIMAGE/1", SG_ERR_SYNTAX, "ends before the size");
	expect_text_error("SGIMAGE/1 1x1 scale=1 bands=g data=AACAPw==", SG_ERR_SYNTAX, "<width>x<height>x<bands>");
	expect_text_error("SGIMAGE/1 1x1x1x scale=1 bands=g data=AACAPw==", SG_ERR_SYNTAX, "<width>x");
	expect_text_error("SGIMAGE/1 99999999999x1x1 scale=1 bands=g data=", SG_ERR_SYNTAX, "<width>x");
	expect_text_error("SGIMAGE/1 0x1x1 scale=1 bands=g data=", SG_ERR_VALUE, "positive");
	expect_text_error("SGIMAGE/1 9000x1x1 scale=1 bands=g data=", SG_ERR_LIMIT, "limit");
	expect_text_error("SGIMAGE/1 1x1x17 scale=1 bands=g data=", SG_ERR_LIMIT, "limit");
	expect_text_error("SGIMAGE/1 1x1x1 bands=g data=AACAPw==", SG_ERR_SYNTAX, "missing key \"scale\"");
	expect_text_error("SGIMAGE/1 1x1x1 scale=1 data=AACAPw==", SG_ERR_SYNTAX, "missing key \"bands\"");
	expect_text_error("SGIMAGE/1 1x1x1 scale=1 bands=g", SG_ERR_SYNTAX, "missing key \"data\"");
	expect_text_error("SGIMAGE/1 1x1x1 scale=1 scale=2 bands=g data=AACAPw==", SG_ERR_SYNTAX, "twice");
	expect_text_error("SGIMAGE/1 1x1x1 scale=1 colour=red bands=g data=AACAPw==", SG_ERR_SYNTAX, "unexpected");
	expect_text_error("SGIMAGE/1 1x1x1 scale=abc bands=g data=AACAPw==", SG_ERR_SYNTAX, "expected a number");
	expect_text_error("SGIMAGE/1 1x1x1 scale=nan bands=g data=AACAPw==", SG_ERR_VALUE, "finite");
	expect_text_error("SGIMAGE/1 1x1x1 scale=-1 bands=g data=AACAPw==", SG_ERR_VALUE, "pixel scale");
	expect_text_error("SGIMAGE/1 1x1x1 scale=1 bands=g,r data=AACAPw==", SG_ERR_SYNTAX, "more than 1");
	expect_text_error("SGIMAGE/1 1x1x2 scale=1 bands=g,g data=AACAPwAAgD8=", SG_ERR_VALUE, "twice");
	expect_text_error("SGIMAGE/1 1x1x1 scale=1 bands=g$ data=AACAPw==", SG_ERR_VALUE, "may only contain");
	expect_text_error("SGIMAGE/1 1x1x1 scale=1 bands=abcdefghijklmnopq data=AACAPw==", SG_ERR_VALUE, "longer than");
	expect_text_error("SGIMAGE/1 1x1x1 scale=1 bands=g fwhm=0 data=AACAPw==", SG_ERR_VALUE, "positive");
	expect_text_error("SGIMAGE/1 1x1x1 scale=1 bands=g zp=inf data=AACAPw==", SG_ERR_VALUE, "finite or null");
	expect_text_error("SGIMAGE/1 1x1x1 scale=1 center=10 bands=g data=AACAPw==", SG_ERR_SYNTAX, "center");
	expect_text_error("SGIMAGE/1 1x1x1 scale=1 center=400,0 bands=g data=AACAPw==", SG_ERR_VALUE, "ra must be");
	expect_text_error("SGIMAGE/1 1x1x1 scale=1 bands=g data=AACAPw", SG_ERR_SYNTAX, "base64 characters");
	expect_text_error("SGIMAGE/1 1x1x1 scale=1 bands=g data=AAC*Pw==", SG_ERR_SYNTAX, "not valid base64");
	/* 0x7f800000 = +Inf */
	expect_text_error("SGIMAGE/1 1x1x1 scale=1 bands=g data=AACAfw==", SG_ERR_VALUE, "infinite");
}

static void
test_wire(void)
{
	sg_status	st;
	sg_image   *img = make_image(7, 5, 3);
	size_t		len;
	unsigned char *wire;
	sg_image   *back;

	sg_status_clear(&st);
	wire = sg_image_to_wire(img, &len, &st);
	CHECK(wire != NULL);
	back = sg_image_from_wire(wire, len, &st);
	CHECK(back != NULL && sg_image_equal(img, back));
	sg_free(back);

	/* every truncation fails cleanly */
	for (size_t cut = 0; cut < len; cut += 7)
	{
		sg_status_clear(&st);
		back = sg_image_from_wire(wire, cut, &st);
		CHECK(back == NULL && st.code == SG_ERR_BINARY);
		sg_free(back);
	}
	/* trailing garbage */
	{
		unsigned char *longer = malloc(len + 1);

		memcpy(longer, wire, len);
		longer[len] = 0;
		sg_status_clear(&st);
		CHECK(sg_image_from_wire(longer, len + 1, &st) == NULL);
		CHECK_FAILS_WITH(st, SG_ERR_BINARY, "pixel bytes");
		free(longer);
	}
	/* a huge claimed size with little data is refused before allocating */
	wire[4] = 0;
	wire[5] = 0;
	wire[6] = 0x20;
	wire[7] = 0;
	sg_status_clear(&st);
	CHECK(sg_image_from_wire(wire, len, &st) == NULL);
	CHECK(st.code == SG_ERR_BINARY || st.code == SG_ERR_LIMIT);
	sg_free(wire);
	sg_free(img);
}

static void
test_select_merge_crop(void)
{
	sg_status	st;
	sg_image   *img = make_image(6, 4, 3);
	const char *pick[] = {"i", "g"};
	const char *missing[] = {"u"};
	sg_image   *sel,
			   *parts[2],
			   *merged,
			   *crop;

	sg_status_clear(&st);
	sel = sg_image_select_bands(img, pick, 2, &st);
	CHECK(sel && sel->nbands == 2 && strcmp(sel->bands[0].name, "i") == 0);
	CHECK(sel && sg_image_band_pixels(sel, 0)[5] == sg_image_band_pixels(img, 2)[5]);
	CHECK(sel && sel->bands[1].psf_fwhm == 0.7 && sel->ra == img->ra);
	CHECK(sg_image_select_bands(img, missing, 1, &st) == NULL);
	CHECK_FAILS_WITH(st, SG_ERR_NOT_FOUND, "no band \"u\"");

	/* merging g and r,i back gives the original */
	sg_status_clear(&st);
	{
		const char *g[] = {"g"};
		const char *ri[] = {"r", "i"};

		parts[0] = sg_image_select_bands(img, g, 1, &st);
		parts[1] = sg_image_select_bands(img, ri, 2, &st);
	}
	merged = sg_image_merge((const sg_image *const *) parts, 2, &st);
	CHECK(merged && sg_image_equal(merged, img));
	sg_free(merged);
	merged = sg_image_merge((const sg_image *const *) (sg_image *[]) {parts[0], parts[0]}, 2, &st);
	CHECK(merged == NULL);
	CHECK_FAILS_WITH(st, SG_ERR_VALUE, "more than one stamp");
	sg_status_clear(&st);
	parts[1]->pixel_scale = 0.1;
	CHECK(sg_image_merge((const sg_image *const *) parts, 2, &st) == NULL);
	CHECK_FAILS_WITH(st, SG_ERR_VALUE, "pixel scale");
	sg_status_clear(&st);
	parts[1]->pixel_scale = 0.2;
	parts[1]->dec += 1.0 / 3600;	/* 1 arcsec off */
	CHECK(sg_image_merge((const sg_image *const *) parts, 2, &st) == NULL);
	CHECK_FAILS_WITH(st, SG_ERR_VALUE, "centred");
	sg_free(parts[0]);
	sg_free(parts[1]);

	/* crop 6x4 → 4x2: pixel (x,y) of the crop is (x+1,y+1) of the stamp */
	sg_status_clear(&st);
	crop = sg_image_crop_center(img, 4, 2, &st);
	CHECK(crop && crop->nx == 4 && crop->ny == 2);
	CHECK(crop && sg_image_band_pixels(crop, 2)[1 * 4 + 3] == sg_image_band_pixels(img, 2)[2 * 6 + 4]);
	sg_free(crop);
	CHECK(sg_image_crop_center(img, 5, 2, &st) == NULL);
	CHECK_FAILS_WITH(st, SG_ERR_VALUE, "half a pixel");
	sg_status_clear(&st);
	CHECK(sg_image_crop_center(img, 8, 2, &st) == NULL);
	CHECK_FAILS_WITH(st, SG_ERR_VALUE, "cannot crop");
	sg_free(sel);
	sg_free(img);
}

static void
test_scale_rotate(void)
{
	sg_status	st;
	sg_image   *img = make_image(5, 3, 2);
	sg_image   *r1,
			   *r,
			   *scaled;

	sg_status_clear(&st);
	r1 = sg_image_rotate90(img, 1, &st);
	CHECK(r1 && r1->nx == 3 && r1->ny == 5);
	/* (x, y) = (4, 0) goes to (ny − 1 − y, x) = (2, 4) */
	CHECK(r1 && sg_image_band_pixels(r1, 1)[4 * 3 + 2] == sg_image_band_pixels(img, 1)[0 * 5 + 4]);
	r = sg_image_rotate90(img, 4, &st);
	CHECK(r && sg_image_equal(r, img));
	sg_free(r);
	r = sg_image_rotate90(r1, 3, &st);
	CHECK(r && sg_image_equal(r, img));
	sg_free(r);
	r = sg_image_rotate90(img, -1, &st);
	{
		sg_image   *back = sg_image_rotate90(r, 1, &st);

		CHECK(back && sg_image_equal(back, img));
		sg_free(back);
	}
	sg_free(r);
	sg_free(r1);

	scaled = sg_image_scale_flux(img, 1e6, &st);
	CHECK(scaled && fabsf(sg_image_band_pixels(scaled, 1)[7] - 1e6f * sg_image_band_pixels(img, 1)[7]) <=
		  1e-6f * fabsf(1e6f * sg_image_band_pixels(img, 1)[7]));
	CHECK_CLOSE(scaled->bands[0].zeropoint, img->bands[0].zeropoint + 15.0, 1e-12);
	CHECK_CLOSE(scaled->bands[1].noise_sigma, img->bands[1].noise_sigma * 1e6, 1e-9);
	sg_free(scaled);
	CHECK(sg_image_scale_flux(img, 0, &st) == NULL);
	CHECK_FAILS_WITH(st, SG_ERR_VALUE, "positive");
	sg_status_clear(&st);
	CHECK(sg_image_scale_flux(img, 1e300, &st) == NULL);
	CHECK_FAILS_WITH(st, SG_ERR_VALUE, "overflow");
	sg_free(img);
}

int
main(void)
{
	test_scale_rotate();
	test_layout();
	test_metadata_validation();
	test_text_round_trip(1, 1, 1);
	test_text_round_trip(5, 3, 2);	/* odd byte count: base64 padding */
	test_text_round_trip(64, 64, 5);
	test_text_known();
	test_text_errors();
	test_wire();
	test_select_merge_crop();
	return UNIT_REPORT("image");
}
