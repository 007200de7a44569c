/*
 * fuzz_model.c — libFuzzer target for the weights file reader.  Any input
 * must either fail cleanly with an error message or give a model whose
 * re-encoding is byte-for-byte the input (the format is canonical).  Each
 * input is read twice: as it is, and with its length field and CRC-32
 * repaired, so mutations reach the parser behind the checksum.  Small
 * models that load are also folded and run once.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#include "sglens/alloc.h"
#include "sglens/nn.h"

int			LLVMFuzzerTestOneInput(const unsigned char *data, size_t size);

/* Fold a small model and run it on one zero input; abort if that fails. */
static void
run_small(sg_nn_model *m)
{
	const sg_nn_spec *s = sg_nn_model_spec(m);
	size_t		nin = (size_t) s->in_channels * s->in_size * s->in_size;
	sg_status	st;
	sg_nn_model *f;
	float	   *x,
			   *out;

	if (s->in_size > 24)
		return;
	sg_status_clear(&st);
	f = sg_nn_model_fold(m, &st);
	x = calloc(nin, sizeof(float));
	out = malloc(sizeof(float) * s->n_outputs);
	if (f == NULL || x == NULL || out == NULL || !sg_nn_forward(f, x, 1, false, out, &st))
		abort();
	free(x);
	free(out);
	sg_nn_model_free(f);
}

/* Read once; check the invariants. */
static void
read_once(const unsigned char *data, size_t size)
{
	sg_status	st;
	sg_nn_info	info;
	sg_nn_model *m;
	unsigned char *buf;
	size_t		len = 0;

	sg_status_clear(&st);
	m = sg_nn_read(data, size, &info, &st);
	if (m == NULL)
	{
		if (st.code == SG_OK || st.message[0] == '\0')
			abort();
		return;
	}
	buf = sg_nn_write(m, &info, &len, &st);
	if (buf == NULL || len != size || memcmp(buf, data, size) != 0)
		abort();
	run_small(m);
	sg_free(buf);
	sg_nn_model_free(m);
}

int
LLVMFuzzerTestOneInput(const unsigned char *data, size_t size)
{
	unsigned char *copy;
	uint32_t	crc;

	read_once(data, size);
	if (size < 28 || size > (1 << 20))
		return 0;
	copy = malloc(size);
	memcpy(copy, data, size);
	for (int i = 0; i < 8; i++)
		copy[16 + i] = (unsigned char) (((uint64_t) size >> (8 * i)) & 0xff);
	crc = (uint32_t) crc32(crc32(0L, Z_NULL, 0), copy, (uInt) (size - 4));
	for (int i = 0; i < 4; i++)
		copy[size - 4 + i] = (crc >> (8 * i)) & 0xff;
	read_once(copy, size);
	free(copy);
	return 0;
}
