/*
 * test_render.c — light profiles and ray-shooting renders against analytic
 * truths: surface brightness formulas, Sérsic and Gaussian total flux, the
 * pixel grid convention, the Einstein ring radius, per-band amplitudes,
 * supersampling convergence and parameter validation.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "sglens/alloc.h"
#include "sglens/render.h"
#include "unit.h"

static sg_scene *
new_scene(void)
{
	sg_scene   *sc = calloc(1, sizeof(sg_scene));

	if (sc == NULL)
		abort();
	return sc;
}

static sg_image *
new_image(int nx, int ny, int nbands, double scale)
{
	sg_status	st;
	sg_image   *img;

	sg_status_clear(&st);
	img = sg_image_new(nx, ny, nbands, scale, &st);
	if (img == NULL)
		abort();
	return img;
}

static sg_light_profile
sersic(double amp, double r_s, double n, double e1, double e2, double cx, double cy)
{
	sg_light_profile p;

	memset(&p, 0, sizeof(p));
	p.type = SG_LIGHT_SERSIC_ELLIPSE;
	p.amp[0] = amp;
	p.r_sersic = r_s;
	p.n_sersic = n;
	p.e1 = e1;
	p.e2 = e2;
	p.center_x = cx;
	p.center_y = cy;
	return p;
}

static sg_light_profile
gaussian(double flux, double sigma, double cx, double cy)
{
	sg_light_profile p;

	memset(&p, 0, sizeof(p));
	p.type = SG_LIGHT_GAUSSIAN;
	p.amp[0] = flux;
	p.sigma = sigma;
	p.center_x = cx;
	p.center_y = cy;
	return p;
}

static bool
render(const sg_scene *sc, sg_image *img, int s)
{
	sg_status	st;
	bool		ok;

	sg_status_clear(&st);
	ok = sg_render(sc, img, s, &st);
	if (!ok)
		fprintf(stderr, "render failed: %s\n", st.message);
	return ok;
}

static double
band_sum(const sg_image *img, int b)
{
	const float *pix = sg_image_band_pixels(img, b);
	double		sum = 0;

	for (int i = 0; i < img->nx * img->ny; i++)
		sum += pix[i];
	return sum;
}

/* Sérsic surface brightness in double, straight from the definition. */
static double
sersic_sb(const sg_light_profile *p, double x, double y)
{
	double		e = hypot(p->e1, p->e2),
				q = (1 - e) / (1 + e),
				phi = 0.5 * atan2(p->e2, p->e1);
	double		dx = x - p->center_x,
				dy = y - p->center_y;
	double		xp = cos(phi) * dx + sin(phi) * dy,
				yp = -sin(phi) * dx + cos(phi) * dy;
	double		r = sqrt(q * xp * xp + yp * yp / q),
				bn = 1.9992 * p->n_sersic - 0.3271;

	return p->amp[0] * exp(-bn * (pow(r / p->r_sersic, 1 / p->n_sersic) - 1));
}

/* sg_light_add against the formulas (float kernel: 1e-5 relative). */
static void
test_light_values(void)
{
	sg_light_profile s = sersic(2.5, 0.4, 2.5, 0.2, -0.1, 0.1, -0.2);
	sg_light_profile g = gaussian(3.0, 0.3, -0.2, 0.1);
	enum
	{
		N = 300
	};
	static double x[N],
				y[N];
	static float out_s[N],
				out_g[N];
	double		worst_s = 0,
				worst_g = 0;

	for (int i = 0; i < N; i++)
	{
		x[i] = 3 * sin(0.41 * i);
		y[i] = 3 * cos(0.23 * i + 0.5);
		out_s[i] = 0.0f;
		out_g[i] = 0.0f;
	}
	x[7] = 0.1;
	y[7] = -0.2;				/* the Sérsic centre */
	sg_light_add(&s, 0, x, y, N, out_s);
	sg_light_add(&g, 0, x, y, N, out_g);
	sg_light_add(&g, 0, x, y, 5, out_g);	/* adds, does not overwrite */
	for (int i = 0; i < 5; i++)
		out_g[i] *= 0.5f;
	for (int i = 0; i < N; i++)
	{
		double		ts = sersic_sb(&s, x[i], y[i]);
		double		r2 = pow(x[i] + 0.2, 2) + pow(y[i] - 0.1, 2);
		double		tg = 3.0 / (2 * M_PI * 0.09) * exp(-r2 / (2 * 0.09));

		/* relative error, or absolute below 1e-20 of the peak */
		worst_s = fmax(worst_s, fabs(out_s[i] - ts) / fmax(ts, 1e-20));
		worst_g = fmax(worst_g, fabs(out_g[i] - tg) / fmax(tg, 1e-20));
	}
	CHECK(worst_s < 1e-5);
	CHECK(worst_g < 1e-5);
	CHECK_CLOSE(sg_sersic_bn(4.0), 1.9992 * 4 - 0.3271, 1e-15);
	CHECK_CLOSE(sg_light_total_flux(&g, 0), 3.0, 1e-15);
	CHECK_CLOSE(sg_light_total_flux(&s, 0) / s.amp[0] *
				sg_light_amp_for_flux(&s, 1.0), 1.0, 1e-15);
	/* n = 1: the exponential disk, flux 2π h² I0 with h = R_s / b_n */
	s = sersic(1.0, 0.5, 1.0, 0.3, 0.1, 0, 0);
	{
		double		bn = sg_sersic_bn(1.0),
					h = 0.5 / bn;

		CHECK_CLOSE(sg_light_total_flux(&s, 0) / (2 * M_PI * h * h * exp(bn)), 1.0, 1e-14);
	}
}

/* Upper regularised incomplete gamma Q(m, x) for integer m. */
static double
gamma_q_int(int m, double x)
{
	double		term = 1,
				sum = 1;

	for (int k = 1; k < m; k++)
	{
		term *= x / k;
		sum += term;
	}
	return exp(-x) * sum;
}

/*
 * Flux of a Sérsic (integer 2n) outside the square |x|, |y| < half: beyond
 * the isophote R = re analytically (incomplete gamma), between the square
 * and that isophote by a midpoint sum in double from the definition (the
 * profile is smooth there; re is chosen so that the isophote holds the
 * square and the profile at re is small).
 */
static double
flux_outside_box(const sg_light_profile *p, double half, double h, double re)
{
	double		e = hypot(p->e1, p->e2),
				q = (1 - e) / (1 + e),
				phi = 0.5 * atan2(p->e2, p->e1),
				n = p->n_sersic,
				bn = sg_sersic_bn(n);
	double		far = ceil(re / sqrt(q) / h) * h;
	int			cells = (int) lround(2 * far / h);
	double		sum = 0;

	for (int i = 0; i < cells; i++)
	{
		double		x = -far + (i + 0.5) * h;

		for (int j = 0; j < cells; j++)
		{
			double		y = -far + (j + 0.5) * h;
			double		xp = cos(phi) * x + sin(phi) * y,
						yp = -sin(phi) * x + cos(phi) * y;

			if ((fabs(x) < half && fabs(y) < half) ||
				q * xp * xp + yp * yp / q >= re * re)
				continue;
			sum += sersic_sb(p, x, y) * h * h;
		}
	}
	return sum + sg_light_total_flux(p, 0) *
		gamma_q_int((int) lround(2 * n), bn * pow(re / p->r_sersic, 1 / n));
}

/*
 * A rendered Sérsic (no lens) holds its analytic total flux.  The n = 4
 * cusp makes uniform supersampling converge slowly (as s^-1.7 at
 * R_sersic = 4 pixels), so that case uses R_sersic = 20 pixels and s = 16.
 */
static void
check_sersic_flux(double n, double r_s, int s)
{
	sg_scene   *sc = new_scene();
	sg_image   *img = new_image(400, 400, 1, 0.05);
	double		e = 0.25;		/* q = 0.6 */
	double		total,
				outside,
				got;

	sc->n_lens_light = 1;
	sc->lens_light[0] = sersic(1.0, r_s, n, e * cos(0.8), e * sin(0.8), 0.0, 0.0);
	CHECK(render(sc, img, s));
	total = sg_light_total_flux(&sc->lens_light[0], 0);
	outside = flux_outside_box(&sc->lens_light[0], 10.0, 0.05, 40.0 * r_s);
	got = band_sum(img, 0);
	if (fabs(got / (total - outside) - 1) > 1e-4)
		fprintf(stderr, "Sérsic n=%g: rendered %.9g, expected %.9g (outside %.3g)\n",
				n, got, total - outside, outside / total);
	CHECK_CLOSE(got / (total - outside), 1.0, 1e-4);
	free(sc);
	sg_free(img);
}

static void
test_sersic_flux(void)
{
	check_sersic_flux(1.0, 0.5, 4);
	check_sersic_flux(4.0, 1.0, 16);
}

/* Pixel (i, j) sits at ((i − (nx−1)/2) s, (j − (ny−1)/2) s); Gaussian flux. */
static void
test_grid_convention(void)
{
	sg_scene   *sc = new_scene();
	sg_image   *img = new_image(21, 15, 1, 0.1);
	const float *pix = sg_image_pixels(img);
	int			best = 0;
	double		sx = 0,
				sy = 0,
				sum = 0;

	sc->n_lens_light = 1;
	sc->lens_light[0] = gaussian(2.0, 0.08, 0.5, -0.3);
	CHECK(render(sc, img, 8));
	for (int k = 0; k < 21 * 15; k++)
	{
		double		x = (k % 21 - 10) * 0.1,
					y = (k / 21 - 7) * 0.1;

		if (pix[k] > pix[best])
			best = k;
		sx += x * pix[k];
		sy += y * pix[k];
		sum += pix[k];
	}
	CHECK(best % 21 == 15 && best / 21 == 4);
	CHECK_CLOSE(sx / sum, 0.5, 1e-5);
	CHECK_CLOSE(sy / sum, -0.3, 1e-5);
	CHECK_CLOSE(sum, 2.0, 1e-5);
	sg_free(img);
	/* an even-sized stamp is centred between pixels */
	img = new_image(4, 2, 1, 0.1);
	pix = sg_image_pixels(img);
	sc->lens_light[0] = gaussian(1.0, 0.15, 0, 0);
	CHECK(render(sc, img, 2));
	CHECK_CLOSE(pix[3] / pix[0], 1.0, 1e-6);
	CHECK_CLOSE(pix[2] / pix[1], 1.0, 1e-6);
	CHECK_CLOSE(pix[4] / pix[0], 1.0, 1e-6);
	CHECK_CLOSE(pix[6] / pix[1], 1.0, 1e-6);
	CHECK(pix[1] > pix[0]);
	free(sc);
	sg_free(img);
}

/* A small round source behind an SIS makes a ring of radius θ_E. */
static void
test_einstein_ring(void)
{
	sg_scene   *sc = new_scene();
	int			n = 61,
				nbins = 60;
	sg_image   *img = new_image(n, n, 1, 0.05);
	const float *pix = sg_image_pixels(img);
	double		bin_sum[60] = {0},
				wr = 0,
				w = 0;
	int			bin_n[60] = {0},
				peak = 0;

	sc->n_mass = 1;
	sc->mass[0].type = SG_MASS_SIS;
	sc->mass[0].theta_e = 1.0;
	sc->n_source = 1;
	sc->source[0] = gaussian(1.0, 0.02, 0, 0);
	CHECK(render(sc, img, 4));
	for (int k = 0; k < n * n; k++)
	{
		double		r = hypot(k % n - 30, k / n - 30) * 0.05;
		int			b = (int) (r / 0.025);

		if (b < nbins)
		{
			bin_sum[b] += pix[k];
			bin_n[b]++;
		}
		if (r > 0.8 && r < 1.2)
		{
			wr += r * pix[k];
			w += pix[k];
		}
	}
	for (int b = 1; b < nbins; b++)
		if (bin_n[b] && bin_sum[b] / bin_n[b] > bin_sum[peak] / fmax(bin_n[peak], 1))
			peak = b;
	CHECK_CLOSE((peak + 0.5) * 0.025, 1.0, 0.025);
	CHECK_CLOSE(wr / w, 1.0, 0.025);
	free(sc);
	sg_free(img);
}

/* Each band is amp[b] × the band-independent shape of each profile. */
static void
test_bands(void)
{
	sg_scene   *sc = new_scene();
	sg_image   *full = new_image(24, 20, 3, 0.1);
	sg_image   *src = new_image(24, 20, 1, 0.1);
	sg_image   *ll = new_image(24, 20, 1, 0.1);
	double		amp_s[3] = {1.0, 2.0, 0.5},
				amp_l[3] = {3.0, 0.0, 1.0},
				worst = 0,
				peak = 0;

	sc->n_mass = 1;
	sc->mass[0].type = SG_MASS_SIE;
	sc->mass[0].theta_e = 0.7;
	sc->mass[0].e1 = 0.1;
	sc->n_source = 1;
	sc->source[0] = sersic(1.0, 0.2, 1.5, 0.1, 0.0, 0.05, 0.02);
	sc->n_lens_light = 0;
	CHECK(render(sc, src, 2));
	sc->n_source = 0;
	sc->n_lens_light = 1;
	sc->lens_light[0] = sersic(1.0, 0.5, 4.0, -0.1, 0.05, 0, 0);
	CHECK(render(sc, ll, 2));
	sc->n_source = 1;
	for (int b = 0; b < 3; b++)
	{
		sc->source[0].amp[b] = amp_s[b];
		sc->lens_light[0].amp[b] = amp_l[b];
	}
	CHECK(render(sc, full, 2));
	for (int b = 0; b < 3; b++)
	{
		const float *f = sg_image_band_pixels(full, b);
		const float *s = sg_image_pixels(src);
		const float *l = sg_image_pixels(ll);

		for (int k = 0; k < 24 * 20; k++)
		{
			double		want = amp_s[b] * s[k] + amp_l[b] * l[k];

			worst = fmax(worst, fabs(f[k] - want));
			peak = fmax(peak, want);
		}
	}
	CHECK(worst <= 1e-6 * peak);
	free(sc);
	sg_free(full);
	sg_free(src);
	sg_free(ll);
}

/* Supersampling converges: |I_s − I_16| shrinks with s; s = 8 is within 1e-3. */
static void
test_supersampling(void)
{
	sg_scene   *sc = new_scene();
	int			ss[] = {1, 2, 4, 8, 16};
	sg_image   *img[5];
	double		diff[4],
				total;

	sc->n_mass = 2;
	sc->mass[0].type = SG_MASS_SIE;
	sc->mass[0].theta_e = 1.0;
	sc->mass[0].e1 = 0.1;
	sc->mass[0].e2 = -0.05;
	sc->mass[1].type = SG_MASS_SHEAR;
	sc->mass[1].gamma1 = 0.03;
	sc->mass[1].gamma2 = 0.01;
	sc->n_source = 1;
	sc->source[0] = sersic(1.0, 0.25, 1.0, 0.1, 0.1, 0.08, 0.05);
	for (int i = 0; i < 5; i++)
	{
		img[i] = new_image(40, 40, 1, 0.1);
		CHECK(render(sc, img[i], ss[i]));
	}
	total = band_sum(img[4], 0);
	for (int i = 0; i < 4; i++)
	{
		const float *a = sg_image_pixels(img[i]);
		const float *b = sg_image_pixels(img[4]);

		diff[i] = 0;
		for (int k = 0; k < 40 * 40; k++)
			diff[i] += fabs(a[k] - b[k]);
		diff[i] /= total;
	}
	CHECK(diff[0] > diff[1] && diff[1] > diff[2] && diff[2] > diff[3]);
	CHECK(diff[3] < 1e-3);
	for (int i = 0; i < 5; i++)
		sg_free(img[i]);
	free(sc);
}

static void
expect_render_error(const sg_scene *sc, int s, sg_code code, const char *text)
{
	sg_image   *img = new_image(8, 8, 2, 0.1);
	sg_status	st;

	sg_status_clear(&st);
	CHECK(!sg_render(sc, img, s, &st));
	CHECK_FAILS_WITH(st, code, text);
	sg_free(img);
}

static void
expect_light_error(sg_light_profile p, const char *text)
{
	sg_status	st;

	sg_status_clear(&st);
	CHECK(!sg_light_check(&p, &st));
	CHECK_FAILS_WITH(st, SG_ERR_VALUE, text);
}

static void
test_bad_parameters(void)
{
	sg_light_profile ok = sersic(1.0, 0.3, 2.0, 0.1, 0.0, 0, 0);
	sg_light_profile p;
	sg_scene   *sc = new_scene();
	sg_status	st;

	sg_status_clear(&st);
	CHECK(sg_light_check(&ok, &st));
	p = ok;
	p.r_sersic = 0;
	expect_light_error(p, "R_sersic");
	p = ok;
	p.n_sersic = 0.1;
	expect_light_error(p, "n_sersic must be between 0.2 and 10");
	p.n_sersic = 10.5;
	expect_light_error(p, "n_sersic");
	p = ok;
	p.e1 = 0.9;
	p.e2 = 0.9;
	expect_light_error(p, "ellipticity");
	p = ok;
	p.center_y = NAN;
	expect_light_error(p, "center_y");
	p = gaussian(1.0, -0.1, 0, 0);
	expect_light_error(p, "sigma");
	p.type = (sg_light_type) 9;
	expect_light_error(p, "unknown light profile type 9");

	expect_render_error(sc, 0, SG_ERR_VALUE, "supersampling");
	expect_render_error(sc, 17, SG_ERR_VALUE, "supersampling");
	sc->n_mass = 1;
	sc->mass[0].type = SG_MASS_SIE;
	sc->mass[0].theta_e = -1;
	expect_render_error(sc, 1, SG_ERR_VALUE, "lens profile 1: theta_E");
	sc->mass[0].theta_e = 1;
	sc->n_source = 2;
	sc->source[0] = ok;
	sc->source[1] = ok;
	sc->source[1].amp[1] = NAN;
	expect_render_error(sc, 1, SG_ERR_VALUE, "source profile 2: amp of band 2");
	sc->source[1].amp[1] = 0;
	sc->n_lens_light = 1;
	sc->lens_light[0] = ok;
	sc->lens_light[0].n_sersic = 20;
	expect_render_error(sc, 1, SG_ERR_VALUE, "lens light profile 1: n_sersic");
	sc->n_lens_light = SG_MAX_PROFILES + 1;
	expect_render_error(sc, 1, SG_ERR_LIMIT, "lens light");
	free(sc);
}

/* An empty scene renders zeros; old pixels are replaced. */
static void
test_empty(void)
{
	sg_scene   *sc = new_scene();
	sg_image   *img = new_image(5, 3, 2, 0.2);
	float	   *pix = sg_image_pixels(img);
	bool		zero = true;

	for (int k = 0; k < 30; k++)
		pix[k] = 7.0f;
	CHECK(render(sc, img, 3));
	for (int k = 0; k < 30; k++)
		zero = zero && pix[k] == 0.0f;
	CHECK(zero);
	free(sc);
	sg_free(img);
}

int
main(void)
{
	test_light_values();
	test_sersic_flux();
	test_grid_convention();
	test_einstein_ring();
	test_bands();
	test_supersampling();
	test_bad_parameters();
	test_empty();
	return UNIT_REPORT("render");
}
