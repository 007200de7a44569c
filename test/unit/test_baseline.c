/* test_baseline.c — unit tests of the classic baseline: features, logistic regression, file format. */
#include <stdint.h>
#include <stdlib.h>
#include <zlib.h>

#include "sglens/alloc.h"
#include "sglens/baseline.h"
#include "unit.h"

/* A classification input description with nb bands. */
static sg_nn_info
make_info(int nb)
{
	static const char *const names[] = {"g", "r", "i"};
	sg_nn_info	info;

	memset(&info, 0, sizeof(info));
	info.task = SG_NN_TASK_CLASSIFICATION;
	strcpy(info.name, "test-baseline");
	strcpy(info.version, "t1");
	info.nbands = nb;
	for (int b = 0; b < nb; b++)
		strcpy(info.bands[b], names[b]);
	info.pixel_scale = 0.2;
	info.norm = SG_NN_NORM_NOISE;
	return info;
}

/* Feature counts follow the documented layout. */
static void
test_counts(void)
{
	sg_baseline_spec s = sg_baseline_default_spec(48);
	sg_status	st;

	CHECK(s.cell == 6 && s.bins == 9 && s.block == 2 && s.annuli == 8 && s.sectors == 8);
	/* 8 x 8 cells, 7 x 7 blocks of 36, 8 rings x 13, per band; 8 x 2 colour */
	CHECK(sg_baseline_feature_count(&s, 1, 48) == 1764 + 104);
	CHECK(sg_baseline_feature_count(&s, 3, 48) == 3 * (1764 + 104) + 16);
	CHECK(sg_baseline_default_spec(64).cell == 8);
	sg_status_clear(&st);
	s.block = 9;
	CHECK(!sg_baseline_spec_check(&s, 1, 48, &st));
	CHECK_FAILS_WITH(st, SG_ERR_VALUE, "block size 9");
	s = sg_baseline_default_spec(48);
	sg_status_clear(&st);
	CHECK(!sg_baseline_spec_check(&s, 1, 10, &st));
	CHECK_FAILS_WITH(st, SG_ERR_VALUE, "fewer than a block");
}

/*
 * A vertical edge (dark left half, bright right half) has gradients along
 * +x: orientation 0°, so every HOG vote lands in bin 0; a horizontal edge
 * (90°) splits between bins 4 and 5 (centres 80° and 100°).
 */
static void
test_edges(void)
{
	enum
	{
		S = 24
	};
	sg_baseline_spec s = {6, 9, 1, 2, 4};	/* 1 x 1 blocks: one cell each */
	size_t		nf = sg_baseline_feature_count(&s, 1, S);
	float		x[S * S],
			   *f = malloc(nf * sizeof(float));
	sg_status	st;
	double		bin0 = 0,
				other = 0,
				b45 = 0;

	CHECK(nf == 16 * 9 + 2 * 13);
	for (int y = 0; y < S; y++)
		for (int k = 0; k < S; k++)
			x[y * S + k] = k >= S / 2 ? 10.0f : 0.0f;
	sg_status_clear(&st);
	CHECK(sg_baseline_features(&s, 1, S, x, 1, f, &st));
	for (int c = 0; c < 16; c++)
		for (int b = 0; b < 9; b++)
			*(b == 0 ? &bin0 : &other) += f[c * 9 + b];
	CHECK(bin0 > 3.0);			/* the cells on the edge: 4 of them, normalised to 1 */
	CHECK_CLOSE(other, 0.0, 1e-6);
	CHECK_CLOSE(f[1 * 9], 1.0, 1e-3);	/* cell (1, 0) touches the edge at x = 11, 12 */
	/* horizontal edge */
	for (int y = 0; y < S; y++)
		for (int k = 0; k < S; k++)
			x[y * S + k] = y >= S / 2 ? 10.0f : 0.0f;
	CHECK(sg_baseline_features(&s, 1, S, x, 1, f, &st));
	other = 0;
	for (int c = 0; c < 16; c++)
		for (int b = 0; b < 9; b++)
			*(b == 4 || b == 5 ? &b45 : &other) += f[c * 9 + b];
	CHECK(b45 > 3.0);
	CHECK_CLOSE(other, 0.0, 1e-6);
	CHECK_CLOSE(f[4 * 9 + 4], f[4 * 9 + 5], 1e-6);
	free(f);
}

/*
 * Ring features of a bright ring at radius 8 of a 32-px input: the light
 * rises outward inside the ring, so the outward-rise share of its inner
 * ring is positive, while a centrally peaked blob only falls (rise 0).
 */
static void
test_rings(void)
{
	enum
	{
		S = 32
	};
	sg_baseline_spec s = {8, 9, 2, 4, 8};
	size_t		nf = sg_baseline_feature_count(&s, 1, S),
				hog = 3 * 3 * 4 * 9;
	float		ring[S * S],
				blob[S * S],
			   *fr = malloc(nf * sizeof(float)),
			   *fb = malloc(nf * sizeof(float));
	sg_status	st;
	double		c = 0.5 * (S - 1);

	for (int y = 0; y < S; y++)
		for (int k = 0; k < S; k++)
		{
			double		r = sqrt((k - c) * (k - c) + (y - c) * (y - c));

			ring[y * S + k] = (float) (10 * exp(-0.5 * (r - 8) * (r - 8)));
			blob[y * S + k] = (float) (10 * exp(-0.5 * r * r / 9));
		}
	sg_status_clear(&st);
	CHECK(sg_baseline_features(&s, 1, S, ring, 1, fr, &st));
	CHECK(sg_baseline_features(&s, 1, S, blob, 1, fb, &st));
	/* ring 1 covers radii 4..8: rising light */
	CHECK(fr[hog + 1 * 13 + 2] > 0.9);
	CHECK(fb[hog + 1 * 13 + 2] < 0.01);
	/* both are round: radial share of gradient power near 1, sectors even */
	CHECK(fr[hog + 1 * 13 + 1] > 0.9);
	CHECK(fr[hog + 1 * 13 + 3] < 0.2);
	/* ring 2 (radii 8..12) is brighter than ring 0 for the ring, not the blob */
	CHECK(fr[hog + 2 * 13] > fr[hog]);
	CHECK(fb[hog + 2 * 13] < fb[hog]);
	/* relative direction: inside the ring the gradient points outward (bin 0), outside inward (bin 4) */
	CHECK(fr[hog + 1 * 13 + 5] > 0.9);
	CHECK(fr[hog + 2 * 13 + 5 + 4] > 0.9);
	CHECK(fb[hog + 1 * 13 + 5 + 4] > 0.9);
	free(fr);
	free(fb);
}

/* Deterministic pseudo-random numbers in [0, 1). */
static double
uniform(uint64_t *z)
{
	*z = *z * 6364136223846793005ULL + 1442695040888963407ULL;
	return (double) (*z >> 11) / 9007199254740992.0;
}

/*
 * Logistic regression on a separable problem: inputs whose mean brightness
 * decides the label.  Training must give near-perfect held-out scores,
 * and the same data must give the same model.
 */
static sg_baseline *
train_toy(int n, uint64_t seed, float **xout, float **yout)
{
	enum
	{
		S = 16
	};
	sg_nn_info	info = make_info(1);
	sg_baseline_spec s = {4, 9, 2, 2, 4};
	float	   *x = malloc(sizeof(float) * n * S * S),
			   *y = malloc(sizeof(float) * n);
	uint64_t	z = seed;
	sg_status	st;
	sg_baseline *m;

	for (int i = 0; i < n; i++)
	{
		bool		lens = i % 2 == 0;

		y[i] = lens ? 1.0f : 0.0f;
		for (int p = 0; p < S * S; p++)
		{
			int			px = p % S,
						py = p / S;
			double		r = hypot(px - 7.5, py - 7.5);

			/* lenses have a ring at r = 5, others a central blob */
			x[(size_t) i * S * S + p] = (float) (uniform(&z) - 0.5 +
												 (lens ? 3 * exp(-(r - 5) * (r - 5)) : 3 * exp(-r * r / 4)));
		}
	}
	sg_status_clear(&st);
	m = sg_baseline_train(&info, S, &s, x, y, n, 1e-2, &st);
	CHECK(m != NULL);
	*xout = x;
	*yout = y;
	return m;
}

static void
test_train(void)
{
	float	   *x,
			   *y,
			   *x2,
			   *y2,
			   *xt,
			   *yt;
	float		p[200],
				p2[200];
	sg_baseline *m = train_toy(200, 1, &x, &y);
	sg_baseline *m2 = train_toy(200, 1, &x2, &y2);
	sg_baseline *t = train_toy(200, 2, &xt, &yt);
	sg_status	st;
	int			right = 0;
	size_t		l1,
				l2;
	void	   *b1,
			   *b2;

	sg_status_clear(&st);
	CHECK(sg_baseline_score(m, xt, 200, p, &st));
	for (int i = 0; i < 200; i++)
		right += (p[i] > 0.5f) == (yt[i] > 0.5f);
	CHECK(right == 200);
	/* deterministic: the same data gives the same bytes */
	b1 = sg_baseline_write(m, &l1, &st);
	b2 = sg_baseline_write(m2, &l2, &st);
	CHECK(b1 && b2 && l1 == l2 && memcmp(b1, b2, l1) == 0);
	CHECK(sg_baseline_score(m2, xt, 200, p2, &st));
	CHECK(memcmp(p, p2, sizeof(p)) == 0);
	/* a NULL spec means the default one */
	{
		sg_baseline *d = sg_baseline_train(sg_baseline_info(m), 16, NULL, x, y, 200, 1e-2, &st);

		CHECK(d != NULL && sg_baseline_get_spec(d)->cell == 6 && sg_baseline_get_spec(d)->bins == 9);
		sg_baseline_free(d);
	}
	/* bad arguments */
	sg_status_clear(&st);
	CHECK(sg_baseline_train(sg_baseline_info(m), 16, sg_baseline_get_spec(m), x, y, 1, 1e-2, &st) == NULL);
	CHECK_FAILS_WITH(st, SG_ERR_VALUE, "at least 2 examples");
	sg_free(b1);
	sg_free(b2);
	free(x);
	free(y);
	free(x2);
	free(y2);
	free(xt);
	free(yt);
	sg_baseline_free(m);
	sg_baseline_free(m2);
	sg_baseline_free(t);
}

/* Rewrite the CRC of a file buffer after an edit. */
static void
fix_crc(unsigned char *b, size_t len)
{
	uint32_t	crc = (uint32_t) crc32(crc32(0L, Z_NULL, 0), b, (uInt) (len - 4));

	for (int i = 0; i < 4; i++)
		b[len - 4 + i] = (crc >> (8 * i)) & 0xff;
}

/* Exact round trip in memory and on disk; damaged files are rejected. */
static void
test_file(void)
{
	float	   *x,
			   *y,
				p[200],
				q[200];
	sg_baseline *m = train_toy(200, 3, &x, &y),
			   *r;
	sg_status	st;
	size_t		len,
				len2;
	unsigned char *buf,
			   *buf2,
			   *bad;

	sg_status_clear(&st);
	buf = sg_baseline_write(m, &len, &st);
	CHECK(buf != NULL && memcmp(buf, "SGLBASE1", 8) == 0);
	r = sg_baseline_read(buf, len, &st);
	CHECK(r != NULL);
	buf2 = r ? sg_baseline_write(r, &len2, &st) : NULL;
	CHECK(buf2 && len2 == len && memcmp(buf, buf2, len) == 0);
	CHECK(r && strcmp(sg_baseline_info(r)->name, "test-baseline") == 0 &&
		  sg_baseline_in_size(r) == 16 && sg_baseline_get_spec(r)->cell == 4);
	CHECK(sg_baseline_score(m, x, 200, p, &st) && r && sg_baseline_score(r, x, 200, q, &st));
	CHECK(memcmp(p, q, sizeof(p)) == 0);
	sg_baseline_free(r);
	sg_free(buf2);
	/* file */
	CHECK(sg_baseline_save_file(m, "build/unit/test.sgb", &st));
	r = sg_baseline_load_file("build/unit/test.sgb", &st);
	CHECK(r != NULL);
	sg_baseline_free(r);
	sg_status_clear(&st);
	CHECK(sg_baseline_load_file("build/unit/no-such.sgb", &st) == NULL);
	CHECK_FAILS_WITH(st, SG_ERR_IO, "could not open");
	/* truncated */
	sg_status_clear(&st);
	CHECK(sg_baseline_read(buf, len - 1, &st) == NULL);
	CHECK_FAILS_WITH(st, SG_ERR_BINARY, "truncated");
	sg_status_clear(&st);
	CHECK(sg_baseline_read(buf, 10, &st) == NULL);
	CHECK_FAILS_WITH(st, SG_ERR_BINARY, "truncated");
	/* corrupt: a flipped bit in the weights */
	bad = malloc(len);
	memcpy(bad, buf, len);
	bad[len - 20] ^= 0x10;
	sg_status_clear(&st);
	CHECK(sg_baseline_read(bad, len, &st) == NULL);
	CHECK_FAILS_WITH(st, SG_ERR_BINARY, "checksum mismatch");
	/* bad magic, bad version */
	memcpy(bad, buf, len);
	bad[0] = 'X';
	sg_status_clear(&st);
	CHECK(sg_baseline_read(bad, len, &st) == NULL);
	CHECK_FAILS_WITH(st, SG_ERR_BINARY, "bad magic");
	memcpy(bad, buf, len);
	bad[8] = 2;
	sg_status_clear(&st);
	CHECK(sg_baseline_read(bad, len, &st) == NULL);
	CHECK_FAILS_WITH(st, SG_ERR_BINARY, "unknown baseline format version 2");
	/* mismatched spec: cell size changed, CRC repaired */
	{
		size_t		off = 24 + 4 + 1 + strlen("test-baseline") + 1 + 2 + 4 + 2 + 4 + 8 + 4;

		memcpy(bad, buf, len);
		CHECK(bad[off] == 4);
		bad[off] = 8;
		fix_crc(bad, len);
		sg_status_clear(&st);
		CHECK(sg_baseline_read(bad, len, &st) == NULL);
		CHECK(st.code == SG_ERR_VALUE);
	}
	/* a NaN weight, CRC repaired */
	memcpy(bad, buf, len);
	memset(bad + len - 12, 0xff, 4);
	fix_crc(bad, len);
	sg_status_clear(&st);
	CHECK(sg_baseline_read(bad, len, &st) == NULL);
	CHECK_FAILS_WITH(st, SG_ERR_VALUE, "out of range (NaN");
	/* trailing bytes */
	{
		unsigned char *longer = malloc(len + 3);

		memcpy(longer, buf, len);
		memset(longer + len, 0, 3);
		sg_status_clear(&st);
		CHECK(sg_baseline_read(longer, len + 3, &st) == NULL);
		CHECK_FAILS_WITH(st, SG_ERR_BINARY, "unexpected bytes");
		free(longer);
	}
	free(bad);
	sg_free(buf);
	free(x);
	free(y);
	sg_baseline_free(m);
}

int
main(void)
{
	test_counts();
	test_edges();
	test_rings();
	test_train();
	test_file();
	return UNIT_REPORT("baseline");
}
