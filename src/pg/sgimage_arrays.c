/*
 * sgimage_arrays.c — building an sgimage from float4 arrays and extracting
 * pixels back to arrays.  Arrays are indexed [band][row][column] (or
 * [row][column] for one band); row 1 is the bottom row (FITS order).  A NULL
 * element is a masked pixel (NaN).
 */
#include "postgres.h"

#include <math.h>

#include "catalog/pg_type.h"
#include "fmgr.h"
#include "utils/array.h"
#include "utils/builtins.h"

#include "pg_core.h"

PG_FUNCTION_INFO_V1(sgimage_from_array);
PG_FUNCTION_INFO_V1(sgimage_to_array);
PG_FUNCTION_INFO_V1(sgimage_band_to_array);

/* Shape (nbands, ny, nx) of a 2-D or 3-D pixel array. */
static void
array_shape(ArrayType *arr, int *nb, int *ny, int *nx)
{
	int		   *dims = ARR_DIMS(arr);
	sg_status	st;

	if (ARR_NDIM(arr) == 2)
	{
		*nb = 1;
		*ny = dims[0];
		*nx = dims[1];
	}
	else if (ARR_NDIM(arr) == 3)
	{
		*nb = dims[0];
		*ny = dims[1];
		*nx = dims[2];
	}
	else
		ereport(ERROR,
				(errcode(ERRCODE_ARRAY_SUBSCRIPT_ERROR),
				 errmsg("pixel array must have 2 dimensions [row][column] or 3 [band][row][column], not %d",
						ARR_NDIM(arr))));
	sg_status_clear(&st);
	if (!sg_image_check_shape(*nx, *ny, *nb, &st))
		sgpg_report(&st, "cannot build sgimage");
}

/* Copy array elements into the image; NULL → NaN, ±Inf is an error. */
static void
fill_pixels(sg_image *img, ArrayType *arr)
{
	float	   *pix = sg_image_pixels(img);
	size_t		n = sg_image_npixels(img);
	Datum	   *elems;
	bool	   *nulls;
	int			count;
	sg_status	st;

	deconstruct_array(arr, FLOAT4OID, sizeof(float4), true, TYPALIGN_INT,
					  &elems, &nulls, &count);
	Assert((size_t) count == n);
	for (size_t i = 0; i < n; i++)
		pix[i] = nulls[i] ? NAN : DatumGetFloat4(elems[i]);
	sg_status_clear(&st);
	if (!sg_image_check_pixels(img, &st))
		sgpg_report(&st, "cannot build sgimage");
}

/* Store a per-band float8[] (NULL elements = unknown) at offset in each band. */
static void
fill_band_values(sg_image *img, ArrayType *arr, size_t offset, const char *what)
{
	Datum	   *elems;
	bool	   *nulls;
	int			count;

	deconstruct_array(arr, FLOAT8OID, sizeof(float8), FLOAT8PASSBYVAL, TYPALIGN_DOUBLE,
					  &elems, &nulls, &count);
	if (ARR_NDIM(arr) > 1 || count != img->nbands)
		ereport(ERROR,
				(errcode(ERRCODE_ARRAY_SUBSCRIPT_ERROR),
				 errmsg("%s has %d value(s) for %d band(s)", what, count, img->nbands)));
	for (int b = 0; b < img->nbands; b++)
		*(double *) ((char *) &img->bands[b] + offset) = nulls[b] ? NAN : DatumGetFloat8(elems[b]);
}

/* Name the bands from a text[] (or b1, b2, ... when NULL). */
static void
name_bands(sg_image *img, FunctionCallInfo fcinfo, int argno)
{
	sg_status	st;

	sg_status_clear(&st);
	if (PG_ARGISNULL(argno))
	{
		for (int b = 0; b < img->nbands; b++)
		{
			char		name[16];

			snprintf(name, sizeof(name), "b%d", b + 1);
			sg_image_set_band_name(img, b, name, &st);
		}
		return;
	}
	{
		int			n;
		char	  **names = sgpg_text_array(PG_GETARG_DATUM(argno), &n, "bands");

		if (n != img->nbands)
			ereport(ERROR,
					(errcode(ERRCODE_ARRAY_SUBSCRIPT_ERROR),
					 errmsg("bands has %d name(s) for %d band(s)", n, img->nbands)));
		for (int b = 0; b < n; b++)
			sg_image_set_band_name(img, b, names[b], &st);
	}
	sgpg_check(&st, "cannot build sgimage");
}

/*
 * sgimage(pixels, pixel_scale, bands, ra, dec, zeropoint, psf_fwhm,
 * noise_sigma): build a stamp from a pixel array and metadata.
 */
Datum
sgimage_from_array(PG_FUNCTION_ARGS)
{
	ArrayType  *arr;
	int			nb,
				ny,
				nx;
	sg_image   *img;
	sg_status	st;

	if (PG_ARGISNULL(0))
		PG_RETURN_NULL();
	if (PG_ARGISNULL(1))
		ereport(ERROR,
				(errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
				 errmsg("pixel_scale must be given (arcsec per pixel)")));
	arr = PG_GETARG_ARRAYTYPE_P(0);
	array_shape(arr, &nb, &ny, &nx);
	sg_status_clear(&st);
	img = sg_image_new(nx, ny, nb, PG_GETARG_FLOAT8(1), &st);
	sgpg_check(&st, "cannot build sgimage");
	fill_pixels(img, arr);
	name_bands(img, fcinfo, 2);
	if (PG_ARGISNULL(3) != PG_ARGISNULL(4))
		ereport(ERROR,
				(errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
				 errmsg("give both ra and dec of the stamp centre, or neither")));
	if (!PG_ARGISNULL(3) && !sg_image_set_center(img, PG_GETARG_FLOAT8(3), PG_GETARG_FLOAT8(4), &st))
		sgpg_report(&st, "cannot build sgimage");
	if (!PG_ARGISNULL(5))
		fill_band_values(img, PG_GETARG_ARRAYTYPE_P(5), offsetof(sg_band, zeropoint), "zeropoint");
	if (!PG_ARGISNULL(6))
		fill_band_values(img, PG_GETARG_ARRAYTYPE_P(6), offsetof(sg_band, psf_fwhm), "psf_fwhm");
	if (!PG_ARGISNULL(7))
		fill_band_values(img, PG_GETARG_ARRAYTYPE_P(7), offsetof(sg_band, noise_sigma), "noise_sigma");
	if (!sg_image_check_header(img, sg_image_size(img), true, &st))
		sgpg_report(&st, "cannot build sgimage");
	PG_RETURN_SGIMAGE(img);
}

/* A float4 array of the given planes of an image. */
static ArrayType *
pixels_array(const sg_image *img, int first_band, int nbands, int ndim)
{
	size_t		plane = (size_t) img->nx * img->ny;
	size_t		n = plane * nbands;
	const float *src = sg_image_band_pixels(img, first_band);
	Datum	   *elems = palloc(sizeof(Datum) * n);
	int			dims[3] = {nbands, img->ny, img->nx};
	int			lbs[3] = {1, 1, 1};

	for (size_t i = 0; i < n; i++)
		elems[i] = Float4GetDatum(src[i]);
	return construct_md_array(elems, NULL, ndim, ndim == 3 ? dims : dims + 1, lbs,
							  FLOAT4OID, sizeof(float4), true, TYPALIGN_INT);
}

/* All pixels as float4[band][row][column]. */
Datum
sgimage_to_array(PG_FUNCTION_ARGS)
{
	sg_image   *img = PG_GETARG_SGIMAGE(0);

	PG_RETURN_ARRAYTYPE_P(pixels_array(img, 0, img->nbands, 3));
}

/* One band's pixels as float4[row][column]. */
Datum
sgimage_band_to_array(PG_FUNCTION_ARGS)
{
	sg_image   *img = PG_GETARG_SGIMAGE(0);
	char	   *name = sgpg_text(PG_GETARG_DATUM(1));
	int			b = sg_image_find_band(img, name);

	if (b < 0)
		ereport(ERROR,
				(errcode(ERRCODE_UNDEFINED_OBJECT),
				 errmsg("image has no band \"%s\"", name)));
	PG_RETURN_ARRAYTYPE_P(pixels_array(img, b, 1, 2));
}
