/* sgimage_png.c — PNG previews (Lupton colour composites and greyscale). */
#include "postgres.h"

#include <math.h>

#include "fmgr.h"
#include "utils/builtins.h"

#include "pg_core.h"
#include "sglens/alloc.h"
#include "sglens/png.h"

PG_FUNCTION_INFO_V1(sgimage_to_png);

/* Band indices to draw: the named ones, or the image's first three (or one). */
static int
pick_bands(const sg_image *img, FunctionCallInfo fcinfo, int idx[3])
{
	int			n;
	char	  **names;

	if (PG_ARGISNULL(1))
	{
		if (img->nbands == 2)
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("a two-band stamp needs bands: one name for greyscale or three (blue, green, red) for colour")));
		n = img->nbands >= 3 ? 3 : 1;
		for (int i = 0; i < n; i++)
			idx[i] = i;
		return n;
	}
	names = sgpg_text_array(PG_GETARG_DATUM(1), &n, "bands");
	if (n != 1 && n != 3)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("bands must name one band (greyscale) or three (blue, green, red), not %d", n)));
	for (int i = 0; i < n; i++)
	{
		idx[i] = sg_image_find_band(img, names[i]);
		if (idx[i] < 0)
			ereport(ERROR,
					(errcode(ERRCODE_UNDEFINED_OBJECT),
					 errmsg("image has no band \"%s\"", names[i])));
	}
	return n;
}

/* sg_to_png(img, bands, q, stretch, minimum): a PNG preview as bytea. */
Datum
sgimage_to_png(PG_FUNCTION_ARGS)
{
	sg_image   *img;
	int			idx[3];
	int			n;
	sg_png_stretch s = sg_png_default_stretch();
	sg_status	st;
	size_t		len;
	void	   *buf;

	if (PG_ARGISNULL(0))
		PG_RETURN_NULL();
	img = PG_GETARG_SGIMAGE(0);
	n = pick_bands(img, fcinfo, idx);
	if (!PG_ARGISNULL(2))
		s.q = PG_GETARG_FLOAT8(2);
	if (!PG_ARGISNULL(3))
		s.stretch = PG_GETARG_FLOAT8(3);
	if (!PG_ARGISNULL(4))
		s.minimum = PG_GETARG_FLOAT8(4);
	sg_status_clear(&st);
	if (n == 3)
		buf = sg_png_rgb(img, idx[0], idx[1], idx[2], &s, &len, &st);
	else
		buf = sg_png_grey(img, idx[0], &s, &len, &st);
	if (buf == NULL)
		sgpg_report(&st, "cannot draw PNG");
	PG_RETURN_BYTEA_P(sgpg_bytea_from_buffer(buf, len));
}
