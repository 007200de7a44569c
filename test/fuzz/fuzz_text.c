/*
 * fuzz_text.c — libFuzzer target for the sgimage text input.  Any input must
 * either fail cleanly or parse into an image whose text form parses back to
 * the identical image.
 */
#include <stdlib.h>
#include <string.h>

#include "sglens/alloc.h"
#include "sglens/image_text.h"

int			LLVMFuzzerTestOneInput(const unsigned char *data, size_t size);

int
LLVMFuzzerTestOneInput(const unsigned char *data, size_t size)
{
	char	   *text = malloc(size + 1);
	sg_status	st;
	sg_image   *img;

	memcpy(text, data, size);
	text[size] = '\0';
	sg_status_clear(&st);
	img = sg_image_from_text(text, &st);
	free(text);
	if (img == NULL)
	{
		if (st.code == SG_OK || st.message[0] == '\0')
			abort();			/* a failure must say why */
		return 0;
	}
	{
		char	   *again = sg_image_to_text(img, &st);
		sg_image   *back = sg_image_from_text(again, &st);

		if (back == NULL || !sg_image_equal(img, back))
			abort();
		sg_free(back);
		sg_free(again);
	}
	sg_free(img);
	return 0;
}
