/*
 * test_nn_weights.c — unit tests of the weights file format: the byte
 * layout of docs/weights-format.md, exact write→read round trips (in memory
 * and through a file), and a clear error for every kind of bad file:
 * truncated, bad magic, unknown version, checksum mismatch, trailing bytes,
 * absurd sizes, architecture/tensor mismatches, NaN/Inf weights.
 */
#include <stdint.h>
#include <stdlib.h>
#include <unistd.h>
#include <zlib.h>

#include "sglens/alloc.h"
#include "sglens/nn.h"
#include "sglens/rng.h"
#include "unit.h"

/* The model of these tests: 2 bands, 2 stages with a projection. */
static sg_nn_spec
test_spec(void)
{
	sg_nn_spec	s;

	memset(&s, 0, sizeof(s));
	s.in_channels = 2;
	s.in_size = 10;
	s.stem_channels = 4;
	s.stem_kernel = 5;
	s.stem_pool = SG_NN_POOL_AVG;
	s.act = SG_NN_ACT_ELU;
	s.nstages = 2;
	s.stages[0] = (sg_nn_stage) {4, 1, false};
	s.stages[1] = (sg_nn_stage) {6, 1, true};
	s.n_outputs = 1;
	return s;
}

static sg_nn_info
test_info(void)
{
	sg_nn_info	i;

	memset(&i, 0, sizeof(i));
	i.task = SG_NN_TASK_CLASSIFICATION;
	strcpy(i.name, "test-finder");
	strcpy(i.version, "0.1.0");
	i.nbands = 2;
	strcpy(i.bands[0], "g");
	strcpy(i.bands[1], "HSC-r2");
	i.pixel_scale = 0.168;
	i.norm = SG_NN_NORM_NOISE;
	return i;
}

/* A model with every tensor (running statistics included) randomised. */
static sg_nn_model *
random_model(const sg_nn_spec *s, uint64_t seed)
{
	sg_status	st;
	sg_nn_model *m;
	sg_nn_param *p;
	sg_rng		r;
	int			n;

	sg_status_clear(&st);
	m = sg_nn_model_new(s, seed, &st);
	if (m == NULL)
		return NULL;
	p = sg_nn_model_params(m, &n);
	sg_rng_seed(&r, seed, 1);
	for (int i = 0; i < n; i++)
		for (size_t j = 0; j < p[i].size; j++)
			p[i].data[j] = (float) sg_rng_range(&r, 0.1, 2.0);
	return m;
}

static uint32_t
rd32(const unsigned char *p)
{
	return p[0] | p[1] << 8 | p[2] << 16 | (uint32_t) p[3] << 24;
}

static void
wr32(unsigned char *p, uint32_t v)
{
	for (int i = 0; i < 4; i++)
		p[i] = (v >> (8 * i)) & 0xff;
}

/* Recompute the trailing CRC-32 of a file. */
static void
fix_crc(unsigned char *b, size_t len)
{
	wr32(b + len - 4, (uint32_t) crc32(crc32(0L, Z_NULL, 0), b, (uInt) (len - 4)));
}

/* Offsets of header fields, found by walking the documented layout. */
typedef struct layout
{
	size_t		task,
				nbands,
				band0,
				input_size,
				pixel_scale,
				norm,
				in_channels,
				stem_channels,
				n_outputs,
				nstages,
				ntensors,
				tensor0;
} layout;

static layout
walk(const unsigned char *b)
{
	layout		l;
	size_t		o = 24;
	uint32_t	nb,
				ns;

	l.task = o;
	o += 4;
	o += 1 + b[o];				/* name */
	o += 1 + b[o];				/* version */
	l.nbands = o;
	nb = rd32(b + o);
	o += 4;
	l.band0 = o;
	for (uint32_t i = 0; i < nb; i++)
		o += 1 + b[o];
	l.input_size = o;
	l.pixel_scale = o + 4;
	l.norm = o + 12;
	l.in_channels = o + 16;
	l.stem_channels = o + 20;
	l.n_outputs = o + 36;
	l.nstages = o + 40;
	ns = rd32(b + l.nstages);
	l.ntensors = l.nstages + 4 + 12 * ns;
	l.tensor0 = l.ntensors + 4;
	return l;
}

/* Read must fail with code and a message holding text. */
static void
expect_fail(const unsigned char *b, size_t len, sg_code code, const char *text)
{
	sg_status	st;
	sg_nn_model *m;

	sg_status_clear(&st);
	m = sg_nn_read(b, len, NULL, &st);
	CHECK(m == NULL);
	CHECK_FAILS_WITH(st, code, text);
	sg_nn_model_free(m);
}

/* A copy of the file with one uint32 at off set to v and the CRC fixed. */
static void
expect_patched(const unsigned char *b, size_t len, size_t off, uint32_t v,
			   sg_code code, const char *text)
{
	unsigned char *c = malloc(len);

	memcpy(c, b, len);
	wr32(c + off, v);
	fix_crc(c, len);
	expect_fail(c, len, code, text);
	free(c);
}

static bool
same_params(sg_nn_model *a, sg_nn_model *b)
{
	int			na,
				nb;
	sg_nn_param *pa = sg_nn_model_params(a, &na);
	sg_nn_param *pb = sg_nn_model_params(b, &nb);

	if (na != nb)
		return false;
	for (int i = 0; i < na; i++)
		if (strcmp(pa[i].name, pb[i].name) != 0 || pa[i].size != pb[i].size ||
			memcmp(pa[i].data, pb[i].data, 4 * pa[i].size) != 0)
			return false;
	return true;
}

/* Layout of the preamble and round trips. */
static void
test_round_trip(void)
{
	sg_nn_spec	s = test_spec();
	sg_nn_info	info = test_info(),
				back_info;
	sg_status	st;
	sg_nn_model *m = random_model(&s, 3),
			   *back;
	unsigned char *buf,
			   *buf2;
	size_t		len,
				len2;
	layout		l;
	float		x[2 * 200],
				a[2],
				b[2];

	sg_status_clear(&st);
	buf = sg_nn_write(m, &info, &len, &st);
	CHECK(buf != NULL);
	/* preamble: magic, version 1, header length, file length, CRC at the end */
	CHECK(memcmp(buf, "SGLNNW01", 8) == 0);
	CHECK(rd32(buf + 8) == 1);
	CHECK(rd32(buf + 16) == len && rd32(buf + 20) == 0);
	CHECK(rd32(buf + len - 4) == (uint32_t) crc32(crc32(0L, Z_NULL, 0), buf, (uInt) (len - 4)));
	l = walk(buf);
	CHECK(l.tensor0 == 24 + rd32(buf + 12));
	CHECK(rd32(buf + l.task) == 1 && rd32(buf + l.nbands) == 2 && buf[l.band0] == 1);
	CHECK(rd32(buf + l.input_size) == 10 && rd32(buf + l.norm) == 1);
	CHECK(rd32(buf + l.stem_channels) == 4 && rd32(buf + l.n_outputs) == 1);
	CHECK(rd32(buf + l.nstages) == 2);
	CHECK(buf[l.tensor0] == strlen("stem.conv.weight") &&
		  memcmp(buf + l.tensor0 + 1, "stem.conv.weight", 16) == 0);
	{
		double		ps;
		uint64_t	v = rd32(buf + l.pixel_scale) | (uint64_t) rd32(buf + l.pixel_scale + 4) << 32;

		memcpy(&ps, &v, 8);
		CHECK(ps == 0.168);
	}
	/* in memory: same tensors, same metadata, and the same bytes again */
	back = sg_nn_read(buf, len, &back_info, &st);
	CHECK(back != NULL);
	CHECK(same_params(m, back));
	CHECK(memcmp(sg_nn_model_spec(back), &s, sizeof(s)) == 0);
	CHECK(back_info.task == info.task && strcmp(back_info.name, info.name) == 0 &&
		  strcmp(back_info.version, info.version) == 0 && back_info.nbands == 2 &&
		  strcmp(back_info.bands[1], "HSC-r2") == 0 && back_info.pixel_scale == 0.168 &&
		  back_info.norm == SG_NN_NORM_NOISE);
	buf2 = sg_nn_write(back, &back_info, &len2, &st);
	CHECK(buf2 != NULL && len2 == len && memcmp(buf, buf2, len) == 0);
	/* the read model computes the same outputs */
	for (int i = 0; i < 400; i++)
		x[i] = (float) sin(i * 0.37);
	CHECK(sg_nn_forward(m, x, 2, false, a, &st) && sg_nn_forward(back, x, 2, false, b, &st));
	CHECK(memcmp(a, b, sizeof(a)) == 0);
	sg_free(buf2);
	sg_nn_model_free(back);

	/* through a file */
	{
		char		path[64];

		snprintf(path, sizeof(path), "/tmp/sglens_test_nnw_%d.bin", (int) getpid());
		CHECK(sg_nn_save_file(m, &info, path, &st));
		back = sg_nn_load_file(path, NULL, &st);
		CHECK(back != NULL && same_params(m, back));
		sg_nn_model_free(back);
		unlink(path);
		CHECK(sg_nn_load_file(path, NULL, &st) == NULL);
		CHECK_FAILS_WITH(st, SG_ERR_IO, "could not open");
	}
	sg_free(buf);
	sg_nn_model_free(m);

	/* a regression model with ReLU, no pooling, no stages */
	s = test_spec();
	s.nstages = 0;
	s.stem_pool = SG_NN_POOL_NONE;
	s.act = SG_NN_ACT_RELU;
	s.n_outputs = 6;
	info.task = SG_NN_TASK_REGRESSION;
	info.norm = SG_NN_NORM_NONE;
	m = random_model(&s, 4);
	sg_status_clear(&st);
	buf = sg_nn_write(m, &info, &len, &st);
	back = sg_nn_read(buf, len, NULL, &st);
	CHECK(back != NULL && same_params(m, back));
	sg_nn_model_free(back);
	sg_free(buf);

	/* one band and the lens marker: two input planes */
	info.nbands = 1;
	info.norm = SG_NN_NORM_MARKED;
	CHECK(sg_nn_input_planes(&info) == 2);
	buf = sg_nn_write(m, &info, &len, &st);
	back = sg_nn_read(buf, len, &back_info, &st);
	CHECK(back != NULL && same_params(m, back) && back_info.norm == SG_NN_NORM_MARKED &&
		  back_info.nbands == 1);
	sg_nn_model_free(back);
	sg_free(buf);
	sg_nn_model_free(m);
}

/* Every kind of bad file fails with its own clear message. */
static void
test_bad_files(void)
{
	sg_nn_spec	s = test_spec();
	sg_nn_info	info = test_info();
	sg_status	st;
	sg_nn_model *m = random_model(&s, 5);
	unsigned char *buf,
			   *c;
	size_t		len;
	layout		l;
	bool		all_truncated = true;

	sg_status_clear(&st);
	buf = sg_nn_write(m, &info, &len, &st);
	l = walk(buf);
	c = malloc(len + 1);

	/* every proper prefix is a truncated file */
	for (size_t n = 0; n < len; n++)
	{
		sg_nn_model *t;

		sg_status_clear(&st);
		t = sg_nn_read(buf, n, NULL, &st);
		all_truncated &= t == NULL && st.code == SG_ERR_BINARY &&
			strstr(st.message, "truncated") != NULL;
		sg_nn_model_free(t);
	}
	CHECK(all_truncated);

	memcpy(c, buf, len);
	c[0] = 'X';
	expect_fail(c, len, SG_ERR_BINARY, "bad magic");
	memcpy(c, buf, len);
	wr32(c + 8, 2);
	expect_fail(c, len, SG_ERR_BINARY, "unknown weights format version 2");
	memcpy(c, buf, len);
	c[len / 2] ^= 0x10;
	expect_fail(c, len, SG_ERR_BINARY, "checksum mismatch");
	memcpy(c, buf, len);
	c[len] = 0;
	expect_fail(c, len + 1, SG_ERR_BINARY, "unexpected bytes after its checksum");
	memcpy(c, buf, len);
	wr32(c + 16, 100u << 20);
	expect_fail(c, len, SG_ERR_LIMIT, "over the limit");
	wr32(c + 16, (uint32_t) len);
	wr32(c + 20, 1);
	expect_fail(c, len, SG_ERR_LIMIT, "over the limit");

	/* header fields (CRC fixed, so the parser sees them) */
	expect_patched(buf, len, 12, rd32(buf + 12) + 4, SG_ERR_BINARY, "header length");
	expect_patched(buf, len, 12, 0xfffffff0u, SG_ERR_BINARY, "header length");
	expect_patched(buf, len, l.task, 7, SG_ERR_VALUE, "unknown task code 7");
	expect_patched(buf, len, l.nbands, 17, SG_ERR_LIMIT, "number of bands 17");
	expect_patched(buf, len, l.input_size, 1024, SG_ERR_LIMIT, "input size 1024");
	expect_patched(buf, len, l.norm, 9, SG_ERR_VALUE, "normalisation code");
	expect_patched(buf, len, l.in_channels, 3, SG_ERR_VALUE, "2 bands but its input has 3 channels");
	/* a model taking the lens marker too needs a plane more than its bands */
	expect_patched(buf, len, l.norm, SG_NN_NORM_MARKED, SG_ERR_VALUE,
				   "2 bands and a lens marker but its input has 2 channels");
	expect_patched(buf, len, l.stem_channels, 513, SG_ERR_LIMIT, "stem channels 513");
	expect_patched(buf, len, l.stem_channels + 4, 4, SG_ERR_VALUE, "even");
	expect_patched(buf, len, l.n_outputs, 2, SG_ERR_VALUE, "classification model needs 1 output");
	expect_patched(buf, len, l.ntensors, 3, SG_ERR_VALUE, "tensors, the architecture needs");
	/* more weights than the file holds: refused before allocating */
	expect_patched(buf, len, l.nstages + 4, 512, SG_ERR_BINARY, "more than the file can hold");
	/* architecture and tensors disagree: stage 1 of 5 channels, tensors for 6 */
	expect_patched(buf, len, l.nstages + 4 + 12, 5, SG_ERR_VALUE,
				   "\"s1.u0.conv1.weight\" has size 6 along dimension 0, the architecture needs 5");
	/* a bad band name, a wrong tensor name */
	memcpy(c, buf, len);
	c[l.band0 + 1] = '/';
	fix_crc(c, len);
	expect_fail(c, len, SG_ERR_VALUE, "band name holds a forbidden byte");
	memcpy(c, buf, len);
	c[l.tensor0 + 1] = 'X';
	fix_crc(c, len);
	expect_fail(c, len, SG_ERR_VALUE, "the architecture needs \"stem.conv.weight\"");
	/* NaN, infinite and negative-variance values */
	{
		size_t		data0 = l.tensor0 + 1 + 16 + 4 + 16;

		expect_patched(buf, len, data0 + 8, 0x7fc00000u, SG_ERR_VALUE,
					   "\"stem.conv.weight\" holds a NaN or infinite value at index 2");
		expect_patched(buf, len, data0, 0xff800000u, SG_ERR_VALUE, "NaN or infinite");
	}
	{
		/* find the first running variance by name */
		const unsigned char *hit = NULL;

		for (size_t o = l.tensor0; o + 14 < len && hit == NULL; o++)
			if (memcmp(buf + o, "s0.u0.bn1.var", 13) == 0)
				hit = buf + o;
		CHECK(hit != NULL);
		if (hit)
			expect_patched(buf, len, (size_t) (hit - buf) + 13 + 4 + 4, 0xbf800000u,
						   SG_ERR_VALUE, "negative variance");
	}
	/* garbage after the tensors, inside the checksummed part */
	memcpy(c, buf, len - 4);
	c[len - 4] = 0;
	wr32(c + 16, (uint32_t) len + 1);
	fix_crc(c, len + 1);
	expect_fail(c, len + 1, SG_ERR_BINARY, "unexpected bytes after its tensors");

	free(c);
	sg_free(buf);
	sg_nn_model_free(m);
}

/* The writer refuses what the reader would refuse. */
static void
test_write_errors(void)
{
	sg_nn_spec	s = test_spec();
	sg_nn_info	info = test_info();
	sg_status	st;
	sg_nn_model *m = random_model(&s, 6),
			   *f;
	sg_nn_param *p;
	size_t		len;
	int			n;

	sg_status_clear(&st);
	f = sg_nn_model_fold(m, &st);
	CHECK(sg_nn_write(f, &info, &len, &st) == NULL);
	CHECK_FAILS_WITH(st, SG_ERR_VALUE, "folded");
	sg_nn_model_free(f);
	info.nbands = 3;
	strcpy(info.bands[2], "i");
	sg_status_clear(&st);
	CHECK(sg_nn_write(m, &info, &len, &st) == NULL);
	CHECK_FAILS_WITH(st, SG_ERR_VALUE, "3 bands");
	info = test_info();
	strcpy(info.bands[1], "g");
	sg_status_clear(&st);
	CHECK(sg_nn_write(m, &info, &len, &st) == NULL);
	CHECK_FAILS_WITH(st, SG_ERR_VALUE, "listed twice");
	info = test_info();
	info.pixel_scale = NAN;
	sg_status_clear(&st);
	CHECK(sg_nn_write(m, &info, &len, &st) == NULL);
	CHECK_FAILS_WITH(st, SG_ERR_VALUE, "pixel scale");
	info = test_info();
	info.name[0] = '\0';
	sg_status_clear(&st);
	CHECK(sg_nn_write(m, &info, &len, &st) == NULL);
	CHECK_FAILS_WITH(st, SG_ERR_VALUE, "name");
	info = test_info();
	info.task = SG_NN_TASK_REGRESSION;
	sg_status_clear(&st);
	CHECK(sg_nn_write(m, &info, &len, &st) == NULL);
	CHECK_FAILS_WITH(st, SG_ERR_VALUE, "even number of outputs");
	info = test_info();
	p = sg_nn_model_params(m, &n);
	p[n - 1].data[0] = INFINITY;
	sg_status_clear(&st);
	CHECK(sg_nn_write(m, &info, &len, &st) == NULL);
	CHECK_FAILS_WITH(st, SG_ERR_VALUE, "head.dense.bias");
	sg_nn_model_free(m);
}

int
main(void)
{
	test_round_trip();
	test_bad_files();
	test_write_errors();
	return UNIT_REPORT("test_nn_weights");
}
