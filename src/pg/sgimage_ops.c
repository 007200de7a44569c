/*
 * sgimage_ops.c — operations returning new stamps: band selection, merging,
 * centre crop, metadata updates, and byte-wise equality.
 */
#include "postgres.h"

#include <math.h>

#include "catalog/pg_type.h"
#include "fmgr.h"
#include "utils/array.h"
#include "utils/builtins.h"

#include "pg_core.h"

PG_FUNCTION_INFO_V1(sgimage_select_bands);
PG_FUNCTION_INFO_V1(sgimage_merge);
PG_FUNCTION_INFO_V1(sgimage_crop);
PG_FUNCTION_INFO_V1(sgimage_eq);
PG_FUNCTION_INFO_V1(sgimage_set_center);
PG_FUNCTION_INFO_V1(sgimage_set_band);
PG_FUNCTION_INFO_V1(sgimage_scale_flux);
PG_FUNCTION_INFO_V1(sgimage_rotate90);

/* A stamp holding the named bands, in the order given. */
Datum
sgimage_select_bands(PG_FUNCTION_ARGS)
{
	sg_image   *img = PG_GETARG_SGIMAGE(0);
	int			n;
	char	  **names = sgpg_text_array(PG_GETARG_DATUM(1), &n, "bands");
	sg_status	st;
	sg_image   *out;

	sg_status_clear(&st);
	out = sg_image_select_bands(img, (const char *const *) names, n, &st);
	sgpg_check(&st, "cannot select bands");
	PG_RETURN_SGIMAGE(out);
}

/* Merge stamps of one size, scale and centre into one multi-band stamp. */
Datum
sgimage_merge(PG_FUNCTION_ARGS)
{
	ArrayType  *arr = PG_GETARG_ARRAYTYPE_P(0);
	Datum	   *elems;
	bool	   *nulls;
	int			n;
	sg_image  **imgs;
	sg_status	st;
	sg_image   *out;

	deconstruct_array(arr, ARR_ELEMTYPE(arr), -1, false, TYPALIGN_DOUBLE, &elems, &nulls, &n);
	imgs = palloc(sizeof(sg_image *) * Max(n, 1));
	for (int i = 0; i < n; i++)
	{
		if (nulls[i])
			ereport(ERROR,
					(errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
					 errmsg("cannot merge a NULL stamp (element %d)", i + 1)));
		imgs[i] = sgpg_image(elems[i]);
	}
	sg_status_clear(&st);
	out = sg_image_merge((const sg_image *const *) imgs, n, &st);
	sgpg_check(&st, "cannot merge stamps");
	PG_RETURN_SGIMAGE(out);
}

/* Centre crop to width × height (height defaults to width). */
Datum
sgimage_crop(PG_FUNCTION_ARGS)
{
	sg_image   *img = PG_GETARG_SGIMAGE(0);
	int			width = PG_GETARG_INT32(1);
	int			height = PG_ARGISNULL(2) ? width : PG_GETARG_INT32(2);
	sg_status	st;
	sg_image   *out;

	sg_status_clear(&st);
	out = sg_image_crop_center(img, width, height, &st);
	sgpg_check(&st, "cannot crop stamp");
	PG_RETURN_SGIMAGE(out);
}

/* Equality: same shape, metadata and pixel bits (NaN equals NaN). */
Datum
sgimage_eq(PG_FUNCTION_ARGS)
{
	PG_RETURN_BOOL(sg_image_equal(PG_GETARG_SGIMAGE(0), PG_GETARG_SGIMAGE(1)));
}

/* A copy with the sky centre set (both NULL: centre unknown). */
Datum
sgimage_set_center(PG_FUNCTION_ARGS)
{
	sg_image   *img;
	sg_status	st;

	if (PG_ARGISNULL(0))
		PG_RETURN_NULL();
	sg_status_clear(&st);
	img = sg_image_copy(PG_GETARG_SGIMAGE(0), &st);
	sgpg_check(&st, NULL);
	if (PG_ARGISNULL(1) && PG_ARGISNULL(2))
	{
		img->flags &= ~SG_FLAG_HAS_CENTER;
		img->ra = img->dec = NAN;
	}
	else if (PG_ARGISNULL(1) || PG_ARGISNULL(2))
		ereport(ERROR,
				(errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
				 errmsg("give both ra and dec, or both NULL to clear the centre")));
	else if (!sg_image_set_center(img, PG_GETARG_FLOAT8(1), PG_GETARG_FLOAT8(2), &st))
		sgpg_report(&st, "cannot set centre");
	PG_RETURN_SGIMAGE(img);
}

/*
 * A copy with one band's metadata changed: new name, zero point, PSF FWHM,
 * noise sigma; NULL arguments leave a value as it is.
 */
Datum
sgimage_set_band(PG_FUNCTION_ARGS)
{
	sg_image   *img;
	char	   *band;
	int			b;
	sg_status	st;

	if (PG_ARGISNULL(0) || PG_ARGISNULL(1))
		PG_RETURN_NULL();
	sg_status_clear(&st);
	img = sg_image_copy(PG_GETARG_SGIMAGE(0), &st);
	sgpg_check(&st, NULL);
	band = sgpg_text(PG_GETARG_DATUM(1));
	b = sg_image_find_band(img, band);
	if (b < 0)
		ereport(ERROR,
				(errcode(ERRCODE_UNDEFINED_OBJECT),
				 errmsg("image has no band \"%s\"", band)));
	if (!PG_ARGISNULL(2) && !sg_image_set_band_name(img, b, sgpg_text(PG_GETARG_DATUM(2)), &st))
		sgpg_report(&st, "cannot rename band");
	if (!PG_ARGISNULL(3))
		img->bands[b].zeropoint = PG_GETARG_FLOAT8(3);
	if (!PG_ARGISNULL(4))
		img->bands[b].psf_fwhm = PG_GETARG_FLOAT8(4);
	if (!PG_ARGISNULL(5))
		img->bands[b].noise_sigma = PG_GETARG_FLOAT8(5);
	if (!sg_image_check_header(img, sg_image_size(img), true, &st))
		sgpg_report(&st, "cannot set band metadata");
	PG_RETURN_SGIMAGE(img);
}

/* A copy in other flux units: pixels and noise × k, zero points + 2.5 log10 k. */
Datum
sgimage_scale_flux(PG_FUNCTION_ARGS)
{
	sg_status	st;
	sg_image   *out;

	sg_status_clear(&st);
	out = sg_image_scale_flux(PG_GETARG_SGIMAGE(0), PG_GETARG_FLOAT8(1), &st);
	sgpg_check(&st, "cannot scale flux");
	PG_RETURN_SGIMAGE(out);
}

/* The stamp rotated counter-clockwise by quarter_turns × 90°. */
Datum
sgimage_rotate90(PG_FUNCTION_ARGS)
{
	sg_status	st;
	sg_image   *out;

	sg_status_clear(&st);
	out = sg_image_rotate90(PG_GETARG_SGIMAGE(0), PG_GETARG_INT32(1), &st);
	sgpg_check(&st, "cannot rotate");
	PG_RETURN_SGIMAGE(out);
}
