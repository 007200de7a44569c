/* test_metrics.c — unit tests of AUROC, TPR before the k-th false positive and the ROC plot. */
#include <png.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>

#include "sglens/alloc.h"
#include "sglens/metrics.h"
#include "unit.h"

#define N(a) (sizeof(a) / sizeof((a)[0]))

/* Perfect, reversed and fully tied scores. */
static void
test_simple(void)
{
	float		s[] = {0.9f, 0.8f, 0.7f, 0.1f, 0.2f};
	float		r[] = {0.1f, 0.2f, 0.3f, 0.9f, 0.8f};
	float		t[] = {0.5f, 0.5f, 0.5f, 0.5f, 0.5f};
	bool		l[] = {true, true, true, false, false};

	CHECK_CLOSE(sg_auroc(s, l, N(s)), 1.0, 0);
	CHECK_CLOSE(sg_tpr_before_fp(s, l, N(s), 1), 1.0, 0);
	CHECK_CLOSE(sg_tpr_before_fp(s, l, N(s), 10), 1.0, 0);
	CHECK_CLOSE(sg_auroc(r, l, N(r)), 0.0, 0);
	CHECK_CLOSE(sg_tpr_before_fp(r, l, N(r), 1), 0.0, 0);
	CHECK_CLOSE(sg_tpr_before_fp(r, l, N(r), 2), 0.0, 0);
	CHECK_CLOSE(sg_tpr_before_fp(r, l, N(r), 3), 1.0, 0);
	/* all tied: AUROC ½, and the tie counts against the finder */
	CHECK_CLOSE(sg_auroc(t, l, N(t)), 0.5, 0);
	CHECK_CLOSE(sg_tpr_before_fp(t, l, N(t), 1), 0.0, 0);
	CHECK_CLOSE(sg_tpr_before_fp(t, l, N(t), 2), 0.0, 0);
	CHECK_CLOSE(sg_tpr_before_fp(t, l, N(t), 3), 1.0, 0);
}

/*
 * Lenses 0.9, 0.6, 0.4; non-lenses 0.7, 0.4, 0.2, 0.1.  Pairs won: 4 + 3 +
 * (2 + ½) = 9.5 of 12.  Thresholds: 0.9 → TPR ⅓ with no FP; the next group
 * (0.7) is a FP; 0.6 → ⅔ with 1 FP; the tied 0.4 group adds a lens and a FP.
 */
static void
test_ties(void)
{
	float		s[] = {0.9f, 0.7f, 0.6f, 0.4f, 0.4f, 0.2f, 0.1f};
	bool		l[] = {true, false, true, true, false, false, false};

	CHECK_CLOSE(sg_auroc(s, l, N(s)), 9.5 / 12.0, 1e-15);
	CHECK_CLOSE(sg_tpr_before_fp(s, l, N(s), 1), 1.0 / 3.0, 1e-15);
	CHECK_CLOSE(sg_tpr_before_fp(s, l, N(s), 2), 2.0 / 3.0, 1e-15);
	CHECK_CLOSE(sg_tpr_before_fp(s, l, N(s), 3), 1.0, 1e-15);
	CHECK_CLOSE(sg_tpr_before_fp(s, l, N(s), 10), 1.0, 1e-15);
}

/*
 * TPR0 and TPR10 as in the challenge: 20 lenses scored 100 … 81, nine
 * non-lenses above them all and a tenth at 90.5: ten lenses (100 … 91) come
 * before the tenth FP, none before the first.  With the tenth FP tied at 91
 * the lens at 91 no longer counts.
 */
static void
test_tpr10(void)
{
	float		s[30];
	bool		l[30];

	for (int i = 0; i < 20; i++)
	{
		s[i] = (float) (100 - i);
		l[i] = true;
	}
	for (int i = 0; i < 9; i++)
	{
		s[20 + i] = (float) (200 - i);
		l[20 + i] = false;
	}
	s[29] = 90.5f;
	l[29] = false;
	CHECK_CLOSE(sg_tpr_before_fp(s, l, 30, 1), 0.0, 0);
	CHECK_CLOSE(sg_tpr_before_fp(s, l, 30, 10), 0.5, 1e-15);
	CHECK_CLOSE(sg_tpr_before_fp(s, l, 30, 11), 1.0, 1e-15);
	s[29] = 91.0f;
	CHECK_CLOSE(sg_tpr_before_fp(s, l, 30, 10), 0.45, 1e-15);
}

/* AUROC of pseudo-random scores against a brute-force pair count. */
static void
test_random(void)
{
	enum
	{
		n = 1000
	};
	static float s[n];
	static bool l[n];
	uint64_t	z = 12345;
	double		won = 0;
	long		pos = 0,
				neg = 0;

	for (int i = 0; i < n; i++)
	{
		z = z * 6364136223846793005ULL + 1442695040888963407ULL;
		s[i] = (float) ((z >> 40) % 200) / 200.0f;	/* many ties */
		l[i] = ((z >> 20) & 3) == 0 ? !(s[i] < 0.3f) : (z >> 21) & 1;
	}
	for (int i = 0; i < n; i++)
		for (int j = 0; j < n; j++)
			if (l[i] && !l[j])
				won += s[i] > s[j] ? 1.0 : s[i] == s[j] ? 0.5 : 0.0;
	for (int i = 0; i < n; i++)
		l[i] ? pos++ : neg++;
	CHECK_CLOSE(sg_auroc(s, l, n), won / ((double) pos * neg), 1e-12);
	CHECK(sg_auroc(s, l, n) > 0.5);
}

/* Degenerate inputs: one class only, bad k, NaN scores rank lowest. */
static void
test_degenerate(void)
{
	float		s[] = {0.3f, 0.2f};
	bool		both_pos[] = {true, true};
	bool		both_neg[] = {false, false};
	float		nan_s[] = {NAN, 0.1f};
	bool		l[] = {true, false};

	CHECK(isnan(sg_auroc(s, both_pos, 2)));
	CHECK(isnan(sg_auroc(s, both_neg, 2)));
	CHECK(isnan(sg_auroc(s, l, 0)));
	CHECK(isnan(sg_tpr_before_fp(s, both_neg, 2, 1)));
	CHECK(isnan(sg_tpr_before_fp(s, l, 2, 0)));
	CHECK_CLOSE(sg_tpr_before_fp(s, both_pos, 2, 1), 1.0, 0);
	CHECK_CLOSE(sg_auroc(nan_s, l, 2), 0.0, 0);
	CHECK_CLOSE(sg_tpr_before_fp(nan_s, l, 2, 1), 0.0, 0);
}

/* Decode a PNG with libpng's simplified API; RGB pixels into *pix. */
static bool
decode(const void *buf, size_t len, int *w, int *h, unsigned char **pix)
{
	png_image	img;

	memset(&img, 0, sizeof(img));
	img.version = PNG_IMAGE_VERSION;
	if (!png_image_begin_read_from_memory(&img, buf, len))
		return false;
	img.format = PNG_FORMAT_RGB;
	*w = (int) img.width;
	*h = (int) img.height;
	*pix = malloc(PNG_IMAGE_SIZE(img));
	if (!png_image_finish_read(&img, NULL, *pix, 0, NULL))
	{
		free(*pix);
		return false;
	}
	return true;
}

/* Count pixels of exactly this colour. */
static long
count_colour(const unsigned char *p, int w, int h, int r, int g, int b)
{
	long		n = 0;

	for (long i = 0; i < (long) w * h; i++)
		if (p[3 * i] == r && p[3 * i + 1] == g && p[3 * i + 2] == b)
			n++;
	return n;
}

/* Two curves plotted at two sizes decode with the requested size and colours. */
static void
test_png(void)
{
	enum
	{
		n = 2000
	};
	static float good[n],
				weak[n];
	static bool l[n];
	uint64_t	z = 99;
	sg_roc_curve c[2];
	sg_status	st;
	int			sizes[2][2] = {{640, 480}, {1000, 700}};

	for (int i = 0; i < n; i++)
	{
		z = z * 6364136223846793005ULL + 1442695040888963407ULL;
		l[i] = i % 2 == 0;
		good[i] = (float) ((z >> 33) % 1000) / 1000.0f + (l[i] ? 0.8f : 0.0f);
		weak[i] = (float) ((z >> 13) % 1000) / 1000.0f + (l[i] ? 0.2f : 0.0f);
	}
	c[0] = (sg_roc_curve) {"CNN ground-v1", good, l, n};
	c[1] = (sg_roc_curve) {"baseline (HOG+LR)", weak, l, n};
	for (int k = 0; k < 2; k++)
	{
		size_t		len = 0;
		void	   *png;
		unsigned char *pix = NULL;
		int			w = 0,
					h = 0;
		char		path[64];
		FILE	   *f;

		sg_status_clear(&st);
		png = sg_roc_png(c, 2, sizes[k][0], sizes[k][1], &len, &st);
		CHECK(png != NULL && len > 100 && st.code == SG_OK);
		if (png == NULL)
			continue;
		snprintf(path, sizeof(path), "build/unit/roc_%d.png", k);
		if ((f = fopen(path, "wb")) != NULL)
		{
			fwrite(png, 1, len, f);
			fclose(f);
		}
		CHECK(decode(png, len, &w, &h, &pix));
		CHECK(w == sizes[k][0] && h == sizes[k][1]);
		if (pix)
		{
			CHECK(count_colour(pix, w, h, 31, 119, 180) > 200);	/* curve 1 */
			CHECK(count_colour(pix, w, h, 255, 127, 14) > 200); /* curve 2 */
			CHECK(count_colour(pix, w, h, 0, 0, 0) > 500);	/* axes, text */
			CHECK(count_colour(pix, w, h, 255, 255, 255) > w * h / 2);
		}
		free(pix);
		sg_free(png);
	}
}

/* Bad arguments give clear errors. */
static void
test_png_errors(void)
{
	float		s[] = {0.3f, 0.2f};
	bool		pos[] = {true, true};
	sg_roc_curve c[9];
	sg_status	st;
	size_t		len = 1;

	for (int i = 0; i < 9; i++)
		c[i] = (sg_roc_curve) {"x", s, pos, 2};
	sg_status_clear(&st);
	CHECK(sg_roc_png(c, 0, 640, 480, &len, &st) == NULL && len == 0);
	CHECK_FAILS_WITH(st, SG_ERR_VALUE, "1 to 8 curves");
	sg_status_clear(&st);
	CHECK(sg_roc_png(c, 9, 640, 480, &len, &st) == NULL);
	CHECK_FAILS_WITH(st, SG_ERR_VALUE, "1 to 8 curves");
	sg_status_clear(&st);
	CHECK(sg_roc_png(c, 1, 50, 480, &len, &st) == NULL);
	CHECK_FAILS_WITH(st, SG_ERR_VALUE, "plot size 50 x 480");
	sg_status_clear(&st);
	CHECK(sg_roc_png(c, 1, 640, 480, &len, &st) == NULL);
	CHECK_FAILS_WITH(st, SG_ERR_VALUE, "both lenses and non-lenses");
}

int
main(void)
{
	test_simple();
	test_ties();
	test_tpr10();
	test_random();
	test_degenerate();
	test_png();
	test_png_errors();
	return UNIT_REPORT("metrics");
}
