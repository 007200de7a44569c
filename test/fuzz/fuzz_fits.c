/*
 * fuzz_fits.c — libFuzzer target for the in-memory FITS reader.  Any input
 * must either fail cleanly with an error message or give an image that
 * survives a write/read round trip unchanged.  Read twice: taking the pixel
 * scale from the file (NaN) and with a given scale of 1.0.
 */
#include <math.h>
#include <stdlib.h>

#include "sglens/alloc.h"
#include "sglens/fits.h"

int			LLVMFuzzerTestOneInput(const unsigned char *data, size_t size);

/* Read with the given pixel scale; abort on a broken invariant. */
static void
read_once(const unsigned char *data, size_t size, double scale)
{
	sg_fits_read_options opt = {NULL, 0, scale};
	sg_status	st;
	sg_image   *img;
	sg_image   *back;
	void	   *buf;
	size_t		len = 0;

	sg_status_clear(&st);
	img = sg_fits_read(data, size, &opt, &st);
	if (img == NULL)
	{
		if (st.code == SG_OK || st.message[0] == '\0')
			abort();
		return;
	}
	buf = sg_fits_write(img, &len, &st);
	if (buf == NULL)
		abort();
	back = sg_fits_read(buf, len, NULL, &st);
	if (back == NULL || !sg_image_equal(img, back))
		abort();
	sg_free(back);
	sg_free(buf);
	sg_free(img);
}

int
LLVMFuzzerTestOneInput(const unsigned char *data, size_t size)
{
	read_once(data, size, NAN);
	read_once(data, size, 1.0);
	return 0;
}
