/*
 * test_lens.c — mass profiles against analytic truths: the SIS and
 * point-mass lens equations, the SIE normalisation (mean κ = 1 inside the
 * isodensity contour R = θ_E, and Gauss's theorem on the deflection field),
 * ∇·α = 2κ and ∇×α = 0, the q → 1 limit, rotation covariance, shear, the
 * EPL (γ = 2 is the SIE) and parameter validation.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "../../src/core/lens_internal.h"
#include "sglens/lens.h"
#include "unit.h"

static sg_mass_profile
mass(sg_mass_type type, double theta_e, double e1, double e2, double cx, double cy)
{
	sg_mass_profile p;

	memset(&p, 0, sizeof(p));
	p.type = type;
	p.theta_e = theta_e;
	p.e1 = e1;
	p.e2 = e2;
	p.center_x = cx;
	p.center_y = cy;
	p.gamma = 2.0;
	return p;
}

/* Deflection at one point. */
static void
alpha(const sg_mass_profile *p, double x, double y, double *ax, double *ay)
{
	*ax = 0;
	*ay = 0;
	sg_mass_deflection(p, &x, &y, 1, ax, ay);
}

static void
test_q_phi(void)
{
	double		q,
				phi;

	sg_ellipticity_to_q_phi(0.2, 0.0, &q, &phi);
	CHECK_CLOSE(q, 0.8 / 1.2, 1e-15);
	CHECK_CLOSE(phi, 0.0, 1e-15);
	sg_ellipticity_to_q_phi(0.0, 0.2, &q, &phi);
	CHECK_CLOSE(phi, M_PI / 4, 1e-15);
	sg_ellipticity_to_q_phi(-0.3, 0.0, &q, &phi);
	CHECK_CLOSE(fabs(phi), M_PI / 2, 1e-15);
	CHECK_CLOSE(q, 0.7 / 1.3, 1e-15);
}

/* SIS: |α| = θ_E everywhere (every point is on "the" critical circle scale). */
static void
test_sis_modulus(void)
{
	sg_mass_profile p = mass(SG_MASS_SIS, 1.3, 0, 0, 0.2, -0.1);
	double		worst = 0;

	for (int i = 0; i < 50; i++)
	{
		double		r = 0.01 + 0.2 * i,
					t = 0.37 * i,
					ax,
					ay;

		alpha(&p, 0.2 + r * cos(t), -0.1 + r * sin(t), &ax, &ay);
		worst = fmax(worst, fabs(hypot(ax, ay) - 1.3));
	}
	CHECK_CLOSE(worst, 0.0, 1e-14);
}

/* Inverse magnification det(∂β/∂θ) by central differences. */
static double
inv_mu(const sg_mass_profile *p, double x, double y)
{
	double		h = 1e-5,
				a1x,
				a1y,
				a2x,
				a2y,
				b1x,
				b1y,
				b2x,
				b2y;

	alpha(p, x + h, y, &a1x, &a1y);
	alpha(p, x - h, y, &a2x, &a2y);
	alpha(p, x, y + h, &b1x, &b1y);
	alpha(p, x, y - h, &b2x, &b2y);
	return (1 - (a1x - a2x) / (2 * h)) * (1 - (b1y - b2y) / (2 * h)) -
		((a1y - a2y) / (2 * h)) * ((b1x - b2x) / (2 * h));
}

/* SIS images at β ± θ_E with |μ±| = θ_E/β ± 1; point mass likewise. */
static void
test_point_source(void)
{
	sg_mass_profile sis = mass(SG_MASS_SIS, 1.0, 0, 0, 0, 0);
	sg_mass_profile pm = mass(SG_MASS_POINT, 0.8, 0, 0, 0, 0);
	double		beta = 0.3,
				ax,
				ay;

	for (int sgn = -1; sgn <= 1; sgn += 2)
	{
		double		x = beta + sgn * 1.0;
		double		xp = 0.5 * (beta + sgn * sqrt(beta * beta + 4 * 0.8 * 0.8));

		alpha(&sis, x, 0, &ax, &ay);
		CHECK_CLOSE(x - ax, beta, 1e-14);
		CHECK_CLOSE(ay, 0.0, 1e-14);
		CHECK_CLOSE(fabs(1.0 / inv_mu(&sis, x, 0)), 1.0 / beta + sgn, 1e-7);
		/* point mass: x± = (β ± sqrt(β² + 4θ_E²))/2, μ = 1/(1 − (θ_E/x)^4) */
		alpha(&pm, xp, 0, &ax, &ay);
		CHECK_CLOSE(xp - ax, beta, 1e-14);
		CHECK_CLOSE(inv_mu(&pm, xp, 0), 1 - pow(0.8 / xp, 4), 1e-8);
	}
}

/* SIE: mean κ inside R = sqrt(q x'² + y'²/q) < θ_E is 1 (grid integral). */
static void
test_sie_mean_kappa(void)
{
	double		te = 1.2,
				e1 = 0.15,
				e2 = -0.2,
				q,
				phi;
	sg_mass_profile p = mass(SG_MASS_SIE, te, e1, e2, 0.0, 0.0);
	int			n = 3000;
	double		half = 2.0 * te,
				h = 2 * half / n,
				sum = 0;

	sg_ellipticity_to_q_phi(e1, e2, &q, &phi);
	for (int i = 0; i < n; i++)
		for (int j = 0; j < n; j++)
		{
			double		x = -half + (i + 0.5) * h,
						y = -half + (j + 0.5) * h;
			double		xp = cos(phi) * x + sin(phi) * y,
						yp = -sin(phi) * x + cos(phi) * y;

			if (q * xp * xp + yp * yp / q < te * te)
				sum += sg_mass_convergence(&p, x, y) * h * h;
		}
	CHECK_CLOSE(sum / (M_PI * te * te), 1.0, 1.5e-3);
}

/*
 * SIE: Gauss's theorem on the deflection field itself: the outward flux of α
 * through the contour R = θ_E equals 2 ∫κ dA = 2π θ_E².
 */
static void
test_sie_flux(void)
{
	double		es[][2] = {{0.0, 0.0}, {0.1, -0.05}, {0.3, 0.2}, {-0.5, 0.4}};

	for (int c = 0; c < 4; c++)
	{
		double		te = 1.2,
					q,
					phi,
					flux = 0;
		sg_mass_profile p = mass(SG_MASS_SIE, te, es[c][0], es[c][1], 0.3, -0.2);
		int			n = 4000;

		sg_ellipticity_to_q_phi(es[c][0], es[c][1], &q, &phi);
		for (int i = 0; i < n; i++)
		{
			double		t = 2 * M_PI * i / n;
			double		xp = te * cos(t) / sqrt(q),
						yp = te * sqrt(q) * sin(t);
			double		dxp = -te * sin(t) / sqrt(q),
						dyp = te * sqrt(q) * cos(t);
			double		x = cos(phi) * xp - sin(phi) * yp,
						y = sin(phi) * xp + cos(phi) * yp;
			double		dx = cos(phi) * dxp - sin(phi) * dyp,
						dy = sin(phi) * dxp + cos(phi) * dyp;
			double		ax,
						ay;

			alpha(&p, x + 0.3, y - 0.2, &ax, &ay);
			flux += (ax * dy - ay * dx) * (2 * M_PI / n);
		}
		CHECK_CLOSE(flux / (2 * M_PI * te * te), 1.0, 1e-12);
	}
}

/*
 * ∇·α = 2κ and ∇×α = 0 by central differences at points around the lens
 * (both relative to 2κ where κ > 0; the finite-difference error is ~1e-6).
 */
static void
check_divergence(const sg_mass_profile *p, const char *what)
{
	double		h = 1e-4,
				worst_div = 0,
				worst_curl = 0;

	for (int i = 0; i < 24; i++)
	{
		double		r = 0.15 + 0.11 * i,
					t = 0.9 * i + 0.1;
		double		x = p->center_x + r * cos(t),
					y = p->center_y + r * sin(t);
		double		a1x,
					a1y,
					a2x,
					a2y,
					b1x,
					b1y,
					b2x,
					b2y,
					div,
					curl,
					kappa;

		alpha(p, x + h, y, &a1x, &a1y);
		alpha(p, x - h, y, &a2x, &a2y);
		alpha(p, x, y + h, &b1x, &b1y);
		alpha(p, x, y - h, &b2x, &b2y);
		div = (a1x - a2x + b1y - b2y) / (2 * h);
		curl = (a1y - a2y - b1x + b2x) / (2 * h);
		kappa = sg_mass_convergence(p, x, y);
		if (kappa > 0)
		{
			worst_div = fmax(worst_div, fabs(div / (2 * kappa) - 1));
			worst_curl = fmax(worst_curl, fabs(curl / (2 * kappa)));
		}
		else
		{
			worst_div = fmax(worst_div, fabs(div));
			worst_curl = fmax(worst_curl, fabs(curl));
		}
	}
	if (worst_div > 1e-5 || worst_curl > 1e-5)
		fprintf(stderr, "%s: divergence error %g, curl %g\n", what, worst_div, worst_curl);
	CHECK(worst_div <= 1e-5);
	CHECK(worst_curl <= 1e-5);
}

static void
test_divergence(void)
{
	double		qs[] = {0.95, 0.7, 0.4, 0.15};
	double		phis[] = {0.0, 0.6, -1.2};
	sg_mass_profile p;

	for (int i = 0; i < 4; i++)
		for (int j = 0; j < 3; j++)
		{
			double		e = (1 - qs[i]) / (1 + qs[i]);

			p = mass(SG_MASS_SIE, 1.1, e * cos(2 * phis[j]), e * sin(2 * phis[j]), 0.2, -0.4);
			check_divergence(&p, "SIE");
			p.type = SG_MASS_EPL;
			p.gamma = 1.6 + 0.25 * j;
			check_divergence(&p, "EPL");
		}
	p = mass(SG_MASS_SIS, 0.9, 0, 0, 0.1, 0.1);
	check_divergence(&p, "SIS");
	p = mass(SG_MASS_SHEAR, 0, 0, 0, 0, 0);
	p.gamma1 = 0.05;
	p.gamma2 = -0.03;
	check_divergence(&p, "SHEAR");
}

/* Largest |α_a − α_b| over a set of points. */
static double
max_diff(const sg_mass_profile *a, const sg_mass_profile *b)
{
	double		worst = 0;

	for (int i = 0; i < 40; i++)
	{
		double		x = 2.5 * sin(1.7 * i + 0.3),
					y = 2.5 * cos(1.1 * i),
					ax,
					ay,
					bx,
					by;

		alpha(a, x, y, &ax, &ay);
		alpha(b, x, y, &bx, &by);
		worst = fmax(worst, hypot(ax - bx, ay - by));
	}
	return worst;
}

/*
 * q → 1: the SIE tends to the SIS continuously.  Its deviation is physical
 * and linear in e (no loss of precision as q' → 0), so the deviation at
 * e = 1e-9 is below 1e-9 θ_E·(a small factor) and the ratio of deviations
 * at e = 1e-7 and 1e-5 is 1e-2.
 */
static void
test_q_to_one(void)
{
	sg_mass_profile sis = mass(SG_MASS_SIS, 1.4, 0, 0, 0.1, 0.05);
	sg_mass_profile sie = mass(SG_MASS_SIE, 1.4, 0, 0, 0.1, 0.05);
	double		d5,
				d7,
				ax,
				ay;

	CHECK_CLOSE(max_diff(&sis, &sie), 0.0, 1e-15);
	sie.e1 = 1e-9;
	CHECK(max_diff(&sis, &sie) <= 1e-9 * 1.4);
	sie.e1 = 0.6e-7;
	sie.e2 = -0.8e-7;
	d7 = max_diff(&sis, &sie);
	CHECK(d7 <= 1e-7 * 1.4);
	sie.e1 = 0.6e-5;
	sie.e2 = -0.8e-5;
	d5 = max_diff(&sis, &sie);
	CHECK_CLOSE(d7 / d5, 1e-2, 1e-6);
	/* the exact centre: 0, not NaN */
	sie.e1 = 0.3;
	alpha(&sie, 0.1, 0.05, &ax, &ay);
	CHECK(ax == 0 && ay == 0);
	alpha(&sis, 0.1, 0.05, &ax, &ay);
	CHECK(ax == 0 && ay == 0);
	sie.e1 = sie.e2 = 0;
	alpha(&sie, 0.1, 0.05, &ax, &ay);
	CHECK(ax == 0 && ay == 0);
	sie.type = SG_MASS_POINT;
	alpha(&sie, 0.1, 0.05, &ax, &ay);
	CHECK(ax == 0 && ay == 0);
	sie.type = SG_MASS_EPL;
	sie.e1 = 0.2;
	sie.gamma = 2.4;
	alpha(&sie, 0.1, 0.05, &ax, &ay);
	CHECK(isfinite(ax) && isfinite(ay) && fabs(ax) < 1e-10 && fabs(ay) < 1e-10);
}

/* Rotating the ellipse by θ rotates the field: α'(p) = R α(R⁻¹ p). */
static void
check_rotation(sg_mass_type type, double theta)
{
	double		e = 0.3,
				phi = 0.25,
				c = cos(theta),
				s = sin(theta),
				worst = 0;
	sg_mass_profile a = mass(type, 1.0, e * cos(2 * phi), e * sin(2 * phi), 0, 0);
	sg_mass_profile b = mass(type, 1.0, e * cos(2 * (phi + theta)),
							 e * sin(2 * (phi + theta)), 0, 0);

	a.gamma = b.gamma = 2.3;
	for (int i = 0; i < 30; i++)
	{
		double		x = 2 * sin(0.7 * i + 0.2),
					y = 2 * cos(1.3 * i),
					ax,
					ay,
					bx,
					by;

		alpha(&b, x, y, &bx, &by);
		alpha(&a, c * x + s * y, -s * x + c * y, &ax, &ay);
		worst = fmax(worst, hypot(bx - (c * ax - s * ay), by - (s * ax + c * ay)));
	}
	CHECK_CLOSE(worst, 0.0, 1e-13);
}

static void
test_rotation(void)
{
	sg_mass_profile a = mass(SG_MASS_SIE, 1.0, 0.2, -0.1, 0, 0);
	sg_mass_profile b = mass(SG_MASS_SIE, 1.0, -0.2, 0.1, 0, 0);
	double		worst = 0;

	/* e → −e is a 90° rotation: α'(x, y) = (−α_y(y, −x), α_x(y, −x)) */
	for (int i = 0; i < 30; i++)
	{
		double		x = 1.7 * sin(0.9 * i),
					y = 1.7 * cos(0.4 * i + 1),
					ax,
					ay,
					bx,
					by;

		alpha(&b, x, y, &bx, &by);
		alpha(&a, y, -x, &ax, &ay);
		worst = fmax(worst, hypot(bx + ay, by - ax));
	}
	CHECK_CLOSE(worst, 0.0, 1e-13);
	check_rotation(SG_MASS_SIE, 0.7);
	check_rotation(SG_MASS_SIE, -2.0);
	check_rotation(SG_MASS_EPL, 0.7);
}

static void
test_shear(void)
{
	sg_mass_profile p = mass(SG_MASS_SHEAR, 0, 0, 0, 0, 0);
	double		ax,
				ay;

	p.gamma1 = 0.04;
	p.gamma2 = -0.07;
	alpha(&p, 1.5, -0.5, &ax, &ay);
	CHECK_CLOSE(ax, 0.04 * 1.5 + -0.07 * -0.5, 1e-16);
	CHECK_CLOSE(ay, -0.07 * 1.5 - 0.04 * -0.5, 1e-16);
	CHECK(sg_mass_convergence(&p, 1, 1) == 0);
}

/* EPL with γ = 2 is the SIE; its convergence matches too. */
static void
test_epl_is_sie(void)
{
	sg_mass_profile sie = mass(SG_MASS_SIE, 1.2, 0.25, -0.3, 0.1, -0.2);
	sg_mass_profile epl = sie;

	epl.type = SG_MASS_EPL;
	epl.gamma = 2.0;
	CHECK_CLOSE(max_diff(&sie, &epl), 0.0, 1e-12);
	CHECK_CLOSE(sg_mass_convergence(&epl, 0.7, 0.4), sg_mass_convergence(&sie, 0.7, 0.4), 1e-14);
	/* a round EPL has |α| = θ_E (θ_E/r)^(γ−2) */
	epl.e1 = epl.e2 = 0;
	epl.gamma = 2.5;
	{
		double		ax,
					ay;

		alpha(&epl, 0.1 + 0.8, -0.2 + 0.6, &ax, &ay);
		CHECK_CLOSE(hypot(ax, ay), 1.2 * pow(1.2 / 1.0, 0.5), 1e-13);
	}
}

/* Many points at once (whole blocks and a tail) equal point-by-point calls. */
static void
test_many_points(void)
{
	enum
	{
		N = 700
	};
	static double x[N],
				y[N],
				ax[N],
				ay[N];
	sg_mass_profile p = mass(SG_MASS_SIE, 1.0, 0.1, 0.2, 0, 0);
	double		worst = 0;

	for (int i = 0; i < N; i++)
	{
		x[i] = sin(i * 0.37) * 3;
		y[i] = cos(i * 0.11) * 3;
		ax[i] = 1.0;
		ay[i] = -1.0;
	}
	sg_mass_deflection(&p, x, y, N, ax, ay);
	for (int i = 0; i < N; i++)
	{
		double		bx,
					by;

		alpha(&p, x[i], y[i], &bx, &by);
		worst = fmax(worst, fabs(ax[i] - 1.0 - bx) + fabs(ay[i] + 1.0 - by));
	}
	CHECK_CLOSE(worst, 0.0, 1e-15);
}

/*
 * The float SIE kernel used for rendering agrees with the double one to
 * ~1e-6 θ_E, also near the centre and as q → 1 (where it switches to SIS).
 */
static void
test_float_kernel(void)
{
	double		es[] = {0.3, 0.02, 0.5, 0.8, 2.5e-7, 1e-9, 0.0};

	for (int c = 0; c < 7; c++)
	{
		sg_mass_profile p = mass(SG_MASS_SIE, 1.3, es[c] * cos(0.4 * c), es[c] * sin(0.4 * c),
								 0.1, -0.05);
		sg_mass_prep pp;
		double		x[SG_BLOCK],
					y[SG_BLOCK],
					ax[SG_BLOCK] = {0},
					ay[SG_BLOCK] = {0},
					fx[SG_BLOCK] = {0},
					fy[SG_BLOCK] = {0},
					worst = 0;

		for (int k = 0; k < SG_BLOCK; k++)
		{
			double		r = (k < 8 ? 1e-6 * k : 5.0 * k / SG_BLOCK);

			x[k] = 0.1 + r * cos(2.4 * k);
			y[k] = -0.05 + r * sin(2.4 * k);
		}
		sg_mass_prepare(&p, &pp);
		sg_mass_deflect_block(&pp, x, y, ax, ay);
		sg_mass_deflect_block_fast(&pp, x, y, fx, fy);
		for (int k = 0; k < SG_BLOCK; k++)
			worst = fmax(worst, hypot(fx[k] - ax[k], fy[k] - ay[k]));
		if (worst > 1e-6 * 1.3)
			fprintf(stderr, "float SIE, e = %g: error %g\n", es[c], worst);
		CHECK(worst <= 1e-6 * 1.3);
	}
}

static void
expect_mass_error(sg_mass_profile p, const char *text)
{
	sg_status	st;

	sg_status_clear(&st);
	CHECK(!sg_mass_check(&p, &st));
	CHECK_FAILS_WITH(st, SG_ERR_VALUE, text);
}

static void
test_bad_parameters(void)
{
	sg_mass_profile ok = mass(SG_MASS_SIE, 1.0, 0.1, 0.1, 0, 0);
	sg_mass_profile p;
	sg_status	st;

	sg_status_clear(&st);
	CHECK(sg_mass_check(&ok, &st));
	p = ok;
	p.theta_e = 0;
	expect_mass_error(p, "theta_E");
	p = ok;
	p.theta_e = INFINITY;
	expect_mass_error(p, "theta_E");
	p = ok;
	p.e1 = 0.8;
	p.e2 = 0.6;
	expect_mass_error(p, "ellipticity sqrt(e1^2 + e2^2) must be below 1");
	p = ok;
	p.e2 = NAN;
	expect_mass_error(p, "e2 must be");
	p = ok;
	p.center_x = NAN;
	expect_mass_error(p, "center_x");
	p = ok;
	p.center_y = -INFINITY;
	expect_mass_error(p, "center_y");
	p = ok;
	p.type = SG_MASS_SHEAR;
	p.gamma1 = NAN;
	expect_mass_error(p, "gamma1");
	p.gamma1 = 0;
	p.gamma2 = INFINITY;
	expect_mass_error(p, "gamma2");
	p = ok;
	p.type = SG_MASS_EPL;
	p.gamma = 3.0;
	expect_mass_error(p, "gamma (EPL");
	p.gamma = NAN;
	expect_mass_error(p, "gamma (EPL");
	p = ok;
	p.type = (sg_mass_type) 42;
	expect_mass_error(p, "unknown mass profile type 42");
}

int
main(void)
{
	test_q_phi();
	test_sis_modulus();
	test_point_source();
	test_sie_mean_kappa();
	test_sie_flux();
	test_divergence();
	test_q_to_one();
	test_rotation();
	test_shear();
	test_epl_is_sie();
	test_many_points();
	test_float_kernel();
	test_bad_parameters();
	return UNIT_REPORT("lens");
}
