/*
 * bench_psf.c — time PSF convolution of one image band: best of many repeats,
 * in microseconds.  With --crossover, scan pixel-kernel sizes to find where
 * the FFT path overtakes the direct sum (the figures behind the cost model in
 * src/core/psf_convolve.c).
 *
 *   build/bench/bench_psf [--crossover]
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "sglens/alloc.h"
#include "sglens/psf.h"
#include "sglens/rng.h"
#include "psf_internal.h"

#define REPEATS 300

static double
now_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e6 + ts.tv_nsec / 1e3;
}

/* A one-band n × n image of uniform random values. */
static sg_image *
random_image(int nx, int ny)
{
	sg_status	st;
	sg_image   *img;
	sg_rng		r;
	float	   *p;

	sg_status_clear(&st);
	img = sg_image_new(nx, ny, 1, 0.2, &st);
	if (img == NULL)
	{
		fprintf(stderr, "bench_psf: %s\n", st.message);
		exit(1);
	}
	p = sg_image_band_pixels(img, 0);
	sg_rng_seed(&r, 1, 0);
	for (int i = 0; i < nx * ny; i++)
		p[i] = (float) sg_rng_uniform(&r);
	return img;
}

/* Best time (µs) of one convolution of a fresh copy of img. */
static double
time_convolve(const sg_image *img, const sg_psf *psf, sg_conv_method m, int repeats)
{
	sg_status	st;
	sg_image   *work = sg_image_copy(img, &st);
	size_t		size = sg_image_size(img);
	double		best = 1e30;

	for (int r = 0; r < repeats; r++)
	{
		double		t0;

		memcpy(work, img, size);
		sg_status_clear(&st);
		t0 = now_us();
		if (!sg_psf_convolve_method(psf, work, 0, m, &st))
		{
			fprintf(stderr, "bench_psf: %s\n", st.message);
			exit(1);
		}
		best = fmin(best, now_us() - t0);
	}
	sg_free(work);
	return best;
}

/* Best time (µs) of building a kernel. */
static double
time_kernel(const sg_psf *psf, int n, int repeats, sg_kernel *shape)
{
	double		best = 1e30;

	for (int r = 0; r < repeats; r++)
	{
		sg_status	st;
		sg_kernel	k;
		double		t0 = now_us();

		sg_status_clear(&st);
		sg_kernel_build(psf, 0.2, n, n, &k, &st);
		best = fmin(best, now_us() - t0);
		if (r == 0)
			*shape = k;
		else
			sg_kernel_free(&k);
	}
	return best;
}

static float *
flat_kernel(int n)
{
	float	   *k = malloc(sizeof(float) * n * n);

	for (int i = 0; i < n * n; i++)
		k[i] = 1.0f + (float) (i % 7);
	return k;
}

static const char *
method_name(sg_conv_method m)
{
	static const char *names[] = {"auto", "separable", "direct", "fft"};

	return names[m];
}

static void
report(const char *what, const sg_image *img, const sg_psf *psf, sg_conv_method m)
{
	printf("%-34s %-9s %8.1f us\n", what, method_name(m), time_convolve(img, psf, m, REPEATS));
}

static void
standard_cases(void)
{
	sg_image   *img = random_image(64, 64);
	sg_psf		gauss = {SG_PSF_GAUSSIAN, 0.7, 0, 0, 0, NULL};
	sg_psf		moffat25 = {SG_PSF_MOFFAT, 0.7, 2.5, 0, 0, NULL};
	sg_psf		moffat47 = {SG_PSF_MOFFAT, 0.7, 4.765, 0, 0, NULL};
	float	   *k41 = flat_kernel(41);
	sg_psf		pix41 = {SG_PSF_PIXEL, 0, 0, 41, 41, k41};
	sg_kernel	shape;
	double		t;

	printf("64x64 band, 0.2\"/pixel, best of %d\n", REPEATS);
	report("Gaussian FWHM 0.7\"", img, &gauss, SG_CONV_AUTO);
	report("Gaussian FWHM 0.7\"", img, &gauss, SG_CONV_DIRECT);
	report("Gaussian FWHM 0.7\"", img, &gauss, SG_CONV_FFT);
	report("Moffat FWHM 0.7\" beta 2.5", img, &moffat25, SG_CONV_AUTO);
	report("Moffat FWHM 0.7\" beta 2.5", img, &moffat25, SG_CONV_DIRECT);
	report("Moffat FWHM 0.7\" beta 4.765", img, &moffat47, SG_CONV_AUTO);
	report("Moffat FWHM 0.7\" beta 4.765", img, &moffat47, SG_CONV_DIRECT);
	report("pixel kernel 41x41", img, &pix41, SG_CONV_DIRECT);
	report("pixel kernel 41x41", img, &pix41, SG_CONV_FFT);
	t = time_kernel(&moffat25, 64, REPEATS, &shape);
	printf("%-34s %-9s %8.1f us (%dx%d after clipping)\n", "Moffat beta 2.5 kernel build", "",
		   t, 2 * shape.hx + 1, 2 * shape.hy + 1);
	sg_kernel_free(&shape);
	t = time_kernel(&moffat47, 64, REPEATS, &shape);
	printf("%-34s %-9s %8.1f us (%dx%d)\n", "Moffat beta 4.765 kernel build", "",
		   t, 2 * shape.hx + 1, 2 * shape.hy + 1);
	sg_kernel_free(&shape);
	free(k41);
	sg_free(img);
}

/* Direct vs FFT for square pixel kernels on an n × n band. */
static void
crossover(int n)
{
	sg_image   *img = random_image(n, n);
	int			first_fft = 0;

	printf("crossover %dx%d: kernel direct_us fft_us model\n", n, n);
	for (int k = 3; k <= 41; k += 2)
	{
		float	   *kern = flat_kernel(k);
		sg_psf		psf = {SG_PSF_PIXEL, 0, 0, k, k, kern};
		sg_kernel	kk = {k / 2, k / 2, NULL, NULL, NULL, false};
		double		td = time_convolve(img, &psf, SG_CONV_DIRECT, 50);
		double		tf = time_convolve(img, &psf, SG_CONV_FFT, 50);

		if (kk.hx > n - 1)
			kk.hx = kk.hy = n - 1;
		printf("  %2dx%-2d %9.1f %9.1f %s\n", k, k, td, tf,
			   sg_conv_prefers_fft(&kk, n, n) ? "fft" : "direct");
		if (!first_fft && tf < td)
			first_fft = k;
		free(kern);
	}
	printf("  measured: FFT faster from %dx%d\n", first_fft, first_fft);
	sg_free(img);
}

int
main(int argc, char **argv)
{
	if (argc > 1 && strcmp(argv[1], "--crossover") == 0)
	{
		crossover(32);
		crossover(64);
		crossover(128);
		return 0;
	}
	standard_cases();
	return 0;
}
