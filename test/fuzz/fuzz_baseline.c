/*
 * fuzz_baseline.c — libFuzzer target for the baseline model reader
 * (SGLBASE1).  Any input must either fail cleanly with an error message or
 * give a model whose re-encoding is byte-for-byte the input (the format is
 * canonical).  Each input is read twice: as it is, and with its length
 * field and CRC-32 repaired, so mutations reach the parser behind the
 * checksum.  Models with small inputs that load are also run on one input.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#include "sglens/alloc.h"
#include "sglens/baseline.h"

int			LLVMFuzzerTestOneInput(const unsigned char *data, size_t size);

/* Score one smooth input with a small model; abort if that fails. */
static void
run_small(const sg_baseline *m)
{
	int			s = sg_baseline_in_size(m),
				nb = sg_baseline_info(m)->nbands;
	size_t		n = (size_t) nb * s * s;
	float	   *x,
				p = -1;
	sg_status	st;

	if (s > 32)
		return;
	x = malloc(n * sizeof(float));
	for (size_t i = 0; i < n; i++)
		x[i] = (float) (i % 7) - 3.0f;
	sg_status_clear(&st);
	if (!sg_baseline_score(m, x, 1, &p, &st) || !(p >= 0 && p <= 1))
		abort();
	free(x);
}

/* Read once; check the invariants. */
static void
read_once(const unsigned char *data, size_t size)
{
	sg_status	st;
	sg_baseline *m;
	unsigned char *buf;
	size_t		len = 0;

	sg_status_clear(&st);
	m = sg_baseline_read(data, size, &st);
	if (m == NULL)
	{
		if (st.code == SG_OK || st.message[0] == '\0')
			abort();
		return;
	}
	buf = sg_baseline_write(m, &len, &st);
	if (buf == NULL || len != size || memcmp(buf, data, size) != 0)
		abort();
	run_small(m);
	sg_free(buf);
	sg_baseline_free(m);
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
