/* test_psf.c — unit tests of PSF kernels and convolution against analytic truths. */
#include <stdlib.h>

#include "sglens/alloc.h"
#include "sglens/psf.h"
#include "sglens/rng.h"
#include "../../src/core/psf_internal.h"
#include "unit.h"

static const sg_psf gauss07 = {SG_PSF_GAUSSIAN, 0.7, 0, 0, 0, NULL};
static const sg_psf moffat07 = {SG_PSF_MOFFAT, 0.7, 3.5, 0, 0, NULL};

/* A one-band image with a unit point source at (x, y). */
static sg_image *
point_image(int nx, int ny, double scale, int x, int y)
{
	sg_status	st;
	sg_image   *img;

	sg_status_clear(&st);
	img = sg_image_new(nx, ny, 1, scale, &st);
	sg_image_band_pixels(img, 0)[(size_t) y * nx + x] = 1.0f;
	return img;
}

/* A one-band image of uniform random values in [0, 1). */
static sg_image *
random_image(int nx, int ny, uint64_t seed)
{
	sg_status	st;
	sg_image   *img;
	sg_rng		r;
	float	   *p;

	sg_status_clear(&st);
	img = sg_image_new(nx, ny, 1, 0.2, &st);
	p = sg_image_band_pixels(img, 0);
	sg_rng_seed(&r, seed, 0);
	for (int i = 0; i < nx * ny; i++)
		p[i] = (float) sg_rng_uniform(&r);
	return img;
}

static double
band_sum(const sg_image *img)
{
	const float *p = sg_image_band_pixels(img, 0);
	double		s = 0;

	for (int i = 0; i < img->nx * img->ny; i++)
		s += p[i];
	return s;
}

/* Largest |a − b| over band 0, relative to the largest |a|. */
static double
max_rel_diff(const sg_image *a, const sg_image *b)
{
	const float *pa = sg_image_band_pixels(a, 0);
	const float *pb = sg_image_band_pixels(b, 0);
	double		d = 0,
				m = 0;

	for (int i = 0; i < a->nx * a->ny; i++)
	{
		d = fmax(d, fabs((double) pa[i] - pb[i]));
		m = fmax(m, fabs(pa[i]));
	}
	return d / m;
}

/* Convolve a copy of img with a given method. */
static sg_image *
convolved(const sg_image *img, const sg_psf *psf, sg_conv_method m)
{
	sg_status	st;
	sg_image   *out;

	sg_status_clear(&st);
	out = sg_image_copy(img, &st);
	if (!sg_psf_convolve_method(psf, out, 0, m, &st))
		fprintf(stderr, "convolution failed: %s\n", st.message);
	CHECK(!sg_failed(&st));
	return out;
}

/* A random positive odd kernel of n × n with a bright centre. */
static float *
random_kernel(int n, uint64_t seed)
{
	float	   *k = malloc(sizeof(float) * n * n);
	sg_rng		r;

	sg_rng_seed(&r, seed, 1);
	for (int i = 0; i < n * n; i++)
		k[i] = (float) sg_rng_uniform(&r);
	k[(n / 2) * n + n / 2] = (float) n;
	return k;
}

static void
expect_check_fails(sg_psf psf, const char *text)
{
	sg_status	st;

	sg_status_clear(&st);
	CHECK(!sg_psf_check(&psf, &st));
	CHECK_FAILS_WITH(st, SG_ERR_VALUE, text);
}

static void
test_check(void)
{
	float		k3[9] = {0, 0, 0, 0, 1, 0, 0, 0, 0};
	float		kneg[9] = {0, 0, 0, 0, -1, 0, 0, 0, 0};
	float		knan[9] = {0, 0, 0, 0, 1, 0, 0, NAN, 0};
	sg_status	st;
	sg_psf		ok = {SG_PSF_PIXEL, 0, 0, 3, 3, k3};
	sg_image   *img = point_image(9, 9, 0.2, 4, 4);

	expect_check_fails((sg_psf) {SG_PSF_GAUSSIAN, 0, 0, 0, 0, NULL}, "fwhm");
	expect_check_fails((sg_psf) {SG_PSF_GAUSSIAN, NAN, 0, 0, 0, NULL}, "fwhm");
	expect_check_fails((sg_psf) {SG_PSF_MOFFAT, INFINITY, 3, 0, 0, NULL}, "fwhm");
	expect_check_fails((sg_psf) {SG_PSF_MOFFAT, 0.7, 1, 0, 0, NULL}, "beta");
	expect_check_fails((sg_psf) {SG_PSF_MOFFAT, 0.7, NAN, 0, 0, NULL}, "beta");
	expect_check_fails((sg_psf) {SG_PSF_PIXEL, 0, 0, 4, 3, k3}, "kx");
	expect_check_fails((sg_psf) {SG_PSF_PIXEL, 0, 0, 3, 257, k3}, "ky");
	expect_check_fails((sg_psf) {SG_PSF_PIXEL, 0, 0, 3, 3, NULL}, "kernel is missing");
	expect_check_fails((sg_psf) {SG_PSF_PIXEL, 0, 0, 3, 3, kneg}, "positive sum");
	expect_check_fails((sg_psf) {SG_PSF_PIXEL, 0, 0, 3, 3, knan}, "row 3, column 2");
	expect_check_fails((sg_psf) {(sg_psf_type) 99, 0, 0, 0, 0, NULL}, "type");

	sg_status_clear(&st);
	CHECK(sg_psf_check(&ok, &st));
	CHECK(sg_psf_check(&gauss07, &st));
	CHECK(sg_psf_check(&moffat07, &st));
	CHECK(!sg_psf_convolve(&gauss07, img, 1, &st));
	CHECK_FAILS_WITH(st, SG_ERR_VALUE, "band index 1");
	sg_status_clear(&st);
	CHECK(!sg_psf_convolve(&(sg_psf) {SG_PSF_MOFFAT, 0.7, 0.5, 0, 0, NULL}, img, 0, &st));
	CHECK_FAILS_WITH(st, SG_ERR_VALUE, "beta");

	/* no PSF and a delta kernel leave the image alone */
	{
		sg_image   *copy = sg_image_copy(img, &st);

		sg_status_clear(&st);
		CHECK(sg_psf_convolve(&(sg_psf) {SG_PSF_NONE, 0, 0, 0, 0, NULL}, copy, 0, &st));
		CHECK(sg_image_equal(img, copy));
		CHECK(sg_psf_convolve(&ok, copy, 0, &st));
		CHECK(sg_image_equal(img, copy));
		sg_free(copy);
	}
	sg_free(img);
}

/* Flux of a centred source is conserved when the kernel stays inside. */
static void
test_flux_conservation(void)
{
	float	   *k = random_kernel(21, 3);
	sg_psf		pix = {SG_PSF_PIXEL, 0, 0, 21, 21, k};
	const sg_psf *psfs[] = {&gauss07, &moffat07, &pix};
	sg_image   *img = point_image(65, 65, 0.2, 32, 32);

	for (int i = 0; i < 3; i++)
		for (int m = SG_CONV_AUTO; m <= SG_CONV_FFT; m++)
		{
			sg_image   *out;

			if (m == SG_CONV_SEPARABLE && psfs[i]->type != SG_PSF_GAUSSIAN)
				continue;
			out = convolved(img, psfs[i], (sg_conv_method) m);
			CHECK_CLOSE(band_sum(out), 1.0, 1e-6);
			sg_free(out);
		}
	sg_free(img);
	free(k);
}

/* Second moment of a convolved point source: σ² + 1/12 (pixel integration). */
static void
test_gaussian_moment(void)
{
	double		fwhms[] = {0.7, 1.5};

	for (int f = 0; f < 2; f++)
	{
		sg_psf		psf = {SG_PSF_GAUSSIAN, fwhms[f], 0, 0, 0, NULL};
		sg_image   *img = point_image(65, 65, 0.2, 32, 32);
		sg_image   *out = convolved(img, &psf, SG_CONV_AUTO);
		const float *p = sg_image_band_pixels(out, 0);
		double		sigma = fwhms[f] / (2 * sqrt(2 * log(2.0))) / 0.2;
		double		sxx = 0,
					syy = 0,
					sxy = 0;

		for (int y = 0; y < 65; y++)
			for (int x = 0; x < 65; x++)
			{
				sxx += p[y * 65 + x] * (x - 32.0) * (x - 32.0);
				syy += p[y * 65 + x] * (y - 32.0) * (y - 32.0);
				sxy += p[y * 65 + x] * (x - 32.0) * (y - 32.0);
			}
		CHECK_CLOSE(sxx / (sigma * sigma + 1.0 / 12), 1.0, 1e-3);
		CHECK_CLOSE(syy / (sigma * sigma + 1.0 / 12), 1.0, 1e-3);
		CHECK_CLOSE(sxy, 0.0, 1e-6);
		sg_free(img);
		sg_free(out);
	}
}

/* Separable, direct and FFT Gaussian convolutions agree. */
static void
test_separable_vs_direct(void)
{
	sg_psf		wide = {SG_PSF_GAUSSIAN, 2.5, 0, 0, 0, NULL};
	const sg_psf *psfs[] = {&gauss07, &wide};

	for (int i = 0; i < 2; i++)
	{
		sg_image   *img = random_image(64, 48, 5 + i);
		sg_image   *sep = convolved(img, psfs[i], SG_CONV_SEPARABLE);
		sg_image   *dir = convolved(img, psfs[i], SG_CONV_DIRECT);
		sg_image   *fft = convolved(img, psfs[i], SG_CONV_FFT);

		CHECK(max_rel_diff(sep, dir) < 1e-6);
		CHECK(max_rel_diff(dir, fft) < 1e-5);
		sg_free(img);
		sg_free(sep);
		sg_free(dir);
		sg_free(fft);
	}
}

/* FFT and direct agree for Moffat and pixel kernels, also when clipped. */
static void
test_fft_vs_direct(void)
{
	float	   *k41 = random_kernel(41, 7);
	float	   *k101 = random_kernel(101, 8);
	sg_psf		pix41 = {SG_PSF_PIXEL, 0, 0, 41, 41, k41};
	sg_psf		pix101 = {SG_PSF_PIXEL, 0, 0, 101, 101, k101};
	sg_psf		moffat25 = {SG_PSF_MOFFAT, 0.7, 2.5, 0, 0, NULL};
	const sg_psf *psfs[] = {&moffat07, &moffat25, &pix41, &pix101};
	int			sizes[][2] = {{64, 64}, {50, 37}, {40, 30}, {1, 17}};

	for (int i = 0; i < 4; i++)
		for (int s = 0; s < 4; s++)
		{
			sg_image   *img = random_image(sizes[s][0], sizes[s][1], 10 * i + s);
			sg_image   *dir = convolved(img, psfs[i], SG_CONV_DIRECT);
			sg_image   *fft = convolved(img, psfs[i], SG_CONV_FFT);
			double		d = max_rel_diff(dir, fft);

			if (!(d < 1e-5))
				fprintf(stderr, "psf %d size %d: FFT differs by %g\n", i, s, d);
			CHECK(d < 1e-5);
			sg_free(img);
			sg_free(dir);
			sg_free(fft);
		}
	free(k41);
	free(k101);
}

/* Full width at half maximum (pixels) of a kernel's central row. */
static double
kernel_fwhm(const sg_kernel *k)
{
	const float *row = k->k2d + (size_t) k->hy * (2 * k->hx + 1) + k->hx;
	double		half = row[0] / 2.0;
	int			i = 0;

	while (i < k->hx && row[i + 1] > half)
		i++;
	/* linear interpolation between pixel centres i and i + 1 */
	return 2 * (i + (row[i] - half) / (row[i] - row[i + 1]));
}

/* The Moffat kernel's measured FWHM matches the requested one. */
static void
test_moffat_fwhm(void)
{
	struct
	{
		double		fwhm,
					beta,
					tol;
	}			cases[] = {{2.0, 2.5, 0.1}, {2.0, 4.765, 0.1}, {0.7, 2.5, 0.25}, {0.7, 4.765, 0.25}};

	for (int c = 0; c < 4; c++)
	{
		sg_psf		psf = {SG_PSF_MOFFAT, cases[c].fwhm, cases[c].beta, 0, 0, NULL};
		sg_kernel	k;
		sg_status	st;
		double		sum = 0;

		sg_status_clear(&st);
		CHECK(sg_kernel_build(&psf, 0.2, 255, 255, &k, &st));
		CHECK_CLOSE(kernel_fwhm(&k), cases[c].fwhm / 0.2, cases[c].tol);
		for (int i = 0; i < (2 * k.hx + 1) * (2 * k.hy + 1); i++)
			sum += k.k2d[i];
		CHECK_CLOSE(sum, 1.0, 1e-6);
		/* truncation radius: enclosed fraction 1 − 1e-4 */
		{
			double		a = sg_moffat_alpha(cases[c].fwhm, cases[c].beta) / 0.2;
			double		r = a * sqrt(pow(1e-4, 1 / (1 - cases[c].beta)) - 1);

			CHECK(k.hx == (int) ceil(r));
		}
		sg_kernel_free(&k);
	}
}

/* Gaussian kernels: unit sum, 1e-6 truncation, tiny FWHM is a delta. */
static void
test_gaussian_kernel(void)
{
	sg_psf		tiny = {SG_PSF_GAUSSIAN, 1e-6, 0, 0, 0, NULL};
	sg_psf		tiny_moffat = {SG_PSF_MOFFAT, 1e-6, 3, 0, 0, NULL};
	sg_kernel	k;
	sg_status	st;
	double		sum = 0,
				sigma = 0.7 / (2 * sqrt(2 * log(2.0))) / 0.2;

	sg_status_clear(&st);
	CHECK(sg_kernel_build(&gauss07, 0.2, 64, 64, &k, &st));
	for (int i = 0; i < 2 * k.hx + 1; i++)
		sum += k.fx[i];
	CHECK_CLOSE(sum, 1.0, 1e-6);
	/* the 2-D flux outside the kernel square is <= 1e-6, one pixel less is not */
	CHECK(2 * erfc((k.hx + 0.5) / (sigma * M_SQRT2)) <= 1.0001e-6);
	CHECK(2 * erfc((k.hx - 0.5) / (sigma * M_SQRT2)) > 1e-6);
	sg_kernel_free(&k);

	CHECK(sg_kernel_build(&tiny, 0.2, 64, 64, &k, &st));
	CHECK(k.hx == 0 && k.hy == 0 && k.k2d[0] == 1.0f);
	sg_kernel_free(&k);
	CHECK(sg_kernel_build(&tiny_moffat, 0.2, 64, 64, &k, &st));
	CHECK(k.k2d[(2 * k.hx + 1) * k.hy + k.hx] > 0.999f);
	sg_kernel_free(&k);

	/* a huge Gaussian is clipped to the stamp and stays normalised as a whole */
	CHECK(sg_kernel_build(&(sg_psf) {SG_PSF_GAUSSIAN, 1e6, 0, 0, 0, NULL}, 0.2, 10, 6, &k, &st));
	CHECK(k.hx == 9 && k.hy == 5);
	CHECK(k.fx[9] > 0 && k.fx[9] < 1e-6);
	sg_kernel_free(&k);
	CHECK(sg_kernel_build(&(sg_psf) {SG_PSF_GAUSSIAN, 1e300, 0, 0, 0, NULL}, 1e-10, 4, 4, &k, &st));
	CHECK(k.fx[0] > 0 && fabs(k.fx[0] / k.fx[3] - 1) < 1e-6);
	sg_kernel_free(&k);
	CHECK(sg_kernel_build(&(sg_psf) {SG_PSF_MOFFAT, 1e300, 2, 0, 0, NULL}, 1e-10, 4, 4, &k, &st));
	CHECK(k.k2d[0] > 0 && fabs(k.k2d[0] / k.k2d[24] - 1) < 1e-6);
	sg_kernel_free(&k);
	/* β close to 1: capped at 2 stamp sides */
	CHECK(sg_kernel_build(&(sg_psf) {SG_PSF_MOFFAT, 0.7, 1.001, 0, 0, NULL}, 0.2, 10, 6, &k, &st));
	CHECK(k.hx == 9 && k.hy == 5);
	sg_kernel_free(&k);
}

/* A source at the corner loses the flux that falls off the stamp. */
static void
test_edge_loss(void)
{
	sg_image   *img = point_image(40, 40, 0.2, 0, 0);
	sg_image   *out = convolved(img, &gauss07, SG_CONV_AUTO);
	sg_kernel	k;
	sg_status	st;
	double		half = 0;

	sg_status_clear(&st);
	sg_kernel_build(&gauss07, 0.2, 40, 40, &k, &st);
	for (int i = k.hx; i < 2 * k.hx + 1; i++)
		half += k.fx[i];
	CHECK_CLOSE(band_sum(out), half * half, 1e-6);
	CHECK(half * half > 0.35 && half * half < 0.45);
	sg_kernel_free(&k);
	sg_free(img);
	sg_free(out);
}

/* Convolution, not correlation: a kernel at offset (+1, +2) moves a point by (+1, +2). */
static void
test_orientation(void)
{
	float		k[25] = {0};
	sg_psf		shift = {SG_PSF_PIXEL, 0, 0, 5, 5, k};

	k[(2 + 2) * 5 + 2 + 1] = 1.0f;	/* dx = +1, dy = +2 */
	for (int m = SG_CONV_DIRECT; m <= SG_CONV_FFT; m++)
	{
		sg_image   *img = point_image(11, 9, 0.2, 4, 3);
		sg_image   *out = convolved(img, &shift, (sg_conv_method) m);
		const float *p = sg_image_band_pixels(out, 0);

		CHECK_CLOSE(p[5 * 11 + 5], 1.0, 1e-6);
		CHECK_CLOSE(band_sum(out), 1.0, 1e-6);
		sg_free(img);
		sg_free(out);
	}
}

/* NaN pixels count as zero and stay NaN. */
static void
test_nan(void)
{
	for (int m = SG_CONV_AUTO; m <= SG_CONV_FFT; m++)
	{
		const sg_psf *psf = m == SG_CONV_SEPARABLE || m == SG_CONV_AUTO ? &gauss07 : &moffat07;
		sg_image   *img = random_image(33, 20, 99);
		sg_image   *zero = sg_image_copy(img, &(sg_status) {0});
		sg_image   *a,
				   *b;
		int			same = 1;

		sg_image_band_pixels(img, 0)[5 * 33 + 7] = NAN;
		sg_image_band_pixels(zero, 0)[5 * 33 + 7] = 0.0f;
		a = convolved(img, psf, (sg_conv_method) m);
		b = convolved(zero, psf, (sg_conv_method) m);
		CHECK(isnan(sg_image_band_pixels(a, 0)[5 * 33 + 7]));
		for (int i = 0; i < 33 * 20; i++)
			if (i != 5 * 33 + 7)
				same &= sg_image_band_pixels(a, 0)[i] == sg_image_band_pixels(b, 0)[i];
		CHECK(same);
		sg_free(img);
		sg_free(zero);
		sg_free(a);
		sg_free(b);
	}
}

/* Only the requested band changes. */
static void
test_bands(void)
{
	sg_status	st;
	sg_image   *img = sg_image_new(16, 16, 2, 0.2, &st);

	sg_status_clear(&st);
	sg_image_band_pixels(img, 0)[8 * 16 + 8] = 1.0f;
	sg_image_band_pixels(img, 1)[8 * 16 + 8] = 1.0f;
	CHECK(sg_psf_convolve(&gauss07, img, 1, &st));
	CHECK(sg_image_band_pixels(img, 0)[8 * 16 + 8] == 1.0f);
	CHECK(sg_image_band_pixels(img, 1)[8 * 16 + 8] < 0.5f);
	sg_free(img);
}

int
main(void)
{
	test_check();
	test_flux_conservation();
	test_gaussian_moment();
	test_separable_vs_direct();
	test_fft_vs_direct();
	test_moffat_fwhm();
	test_gaussian_kernel();
	test_edge_loss();
	test_orientation();
	test_nan();
	test_bands();
	return UNIT_REPORT("psf");
}
