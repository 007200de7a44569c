/* sgimage_fits.c — FITS in and out of the database, as bytea. */
#include "postgres.h"

#include <math.h>

#include "fmgr.h"
#include "utils/builtins.h"

#include "pg_core.h"
#include "sglens/alloc.h"
#include "sglens/fits.h"

PG_FUNCTION_INFO_V1(sgimage_from_fits);
PG_FUNCTION_INFO_V1(sgimage_to_fits);

/* sg_from_fits(data, bands, pixel_scale): read a FITS file held in a bytea. */
Datum
sgimage_from_fits(PG_FUNCTION_ARGS)
{
	bytea	   *data;
	sg_fits_read_options opt = {NULL, 0, NAN};
	sg_status	st;
	sg_image   *img;

	if (PG_ARGISNULL(0))
		PG_RETURN_NULL();
	data = PG_GETARG_BYTEA_PP(0);
	if (!PG_ARGISNULL(1))
		opt.band_names = (const char *const *) sgpg_text_array(PG_GETARG_DATUM(1),
															   &opt.nband_names, "bands");
	if (!PG_ARGISNULL(2))
		opt.pixel_scale = PG_GETARG_FLOAT8(2);
	sg_status_clear(&st);
	img = sg_fits_read(VARDATA_ANY(data), VARSIZE_ANY_EXHDR(data), &opt, &st);
	if (img == NULL)
		sgpg_report(&st, "cannot read FITS");
	PG_RETURN_SGIMAGE(img);
}

/* sg_to_fits(img): a FITS cube with a TAN WCS and per-band keywords. */
Datum
sgimage_to_fits(PG_FUNCTION_ARGS)
{
	sg_image   *img = PG_GETARG_SGIMAGE(0);
	sg_status	st;
	size_t		len;
	void	   *buf;

	sg_status_clear(&st);
	buf = sg_fits_write(img, &len, &st);
	if (buf == NULL)
		sgpg_report(&st, "cannot write FITS");
	PG_RETURN_BYTEA_P(sgpg_bytea_from_buffer(buf, len));
}
