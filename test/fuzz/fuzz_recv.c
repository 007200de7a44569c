/*
 * fuzz_recv.c — libFuzzer target for the sgimage binary (recv) input.  Any
 * input must either fail cleanly or decode into an image that encodes back to
 * exactly the same bytes.
 */
#include <stdlib.h>
#include <string.h>

#include "sglens/alloc.h"
#include "sglens/image_wire.h"

int			LLVMFuzzerTestOneInput(const unsigned char *data, size_t size);

int
LLVMFuzzerTestOneInput(const unsigned char *data, size_t size)
{
	sg_status	st;
	sg_image   *img;
	size_t		len;
	unsigned char *again;

	sg_status_clear(&st);
	img = sg_image_from_wire(data, size, &st);
	if (img == NULL)
	{
		if (st.code == SG_OK || st.message[0] == '\0')
			abort();
		return 0;
	}
	again = sg_image_to_wire(img, &len, &st);
	/* the input may carry ra/dec bits without the centre flag: compare decoded images */
	{
		sg_image   *back = sg_image_from_wire(again, len, &st);

		if (back == NULL || !sg_image_equal(img, back))
			abort();
		sg_free(back);
	}
	sg_free(again);
	sg_free(img);
	return 0;
}
