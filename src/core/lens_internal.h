/*
 * lens_internal.h — prepared mass and light profiles and their block kernels
 * (internal to the core library; used by the lens, light and render files).
 *
 * A profile is "prepared" once (trigonometry, axis ratios, normalisations,
 * the choice of formula) and then evaluated on blocks of exactly SG_BLOCK
 * points held in contiguous arrays.  The fixed trip count, restrict pointers
 * and branch-free bodies (see lens_vecmath.h) let GCC vectorise the loops at
 * -O2.  Callers pad a partial block with any finite coordinates and ignore
 * the padded results.
 */
#ifndef SGLENS_LENS_INTERNAL_H
#define SGLENS_LENS_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>

#include "sglens/lens.h"
#include "sglens/light.h"

#define SG_BLOCK 256

/*
 * Softening of the lens centre, arcsec²: added to squared radii so that the
 * deflection at the exact centre is 0 (not 0/0).  Its effect is below double
 * precision at radii over 1e-7 arcsec.
 */
#define SG_SOFT2 1e-30

/* SIE with 1 − q² below this is evaluated with the SIS formula (exactly). */
#define SG_SIE_MIN_QP 1e-100

/*
 * The float SIE kernel uses the SIS formula below this q' = sqrt(1 − q²):
 * there the SIE differs from the SIS by < 0.25 q'² θ_E = 2.5e-9 θ_E, below
 * float precision.
 */
#define SG_SIE_FLOAT_MIN_QP 1e-4

/*
 * Sérsic: squared-radius floor in units of R_sersic² (R >= 1e-18 R_sersic),
 * a normal float that keeps log() finite.  I(R) itself is finite at R = 0
 * (amp e^(b_n)); the floor changes it by less than 1e-6 for n <= 2.5 and
 * by up to 1 − e^(−b_n 1e-18^(1/n)) for larger n, at R = 0 only.  Cuspy
 * profiles (large n, R_sersic of a few pixels) need supersampling; no
 * floor helps a pixel sampled at the exact centre.
 */
#define SG_SERSIC_FLOOR2 1e-36

typedef struct sg_mass_prep
{
	sg_mass_type type;			/* SIE with q = 1 becomes SG_MASS_SIS */
	double		cx,
				cy;				/* centre */
	double		cphi,
				sphi;			/* cos φ, sin φ of the major axis */
	double		q;				/* axis ratio */
	double		qp;				/* sqrt(1 − q²) */
	double		scale;			/* SIE: θ_E √q / qp; SIS: θ_E; POINT: θ_E² */
	double		theta_e;
	double		g1,
				g2;				/* SHEAR */
	double		b;				/* EPL: scale radius b = θ_E √q */
	double		log_b;			/* EPL: ln b */
	double		t;				/* EPL: slope t = γ − 1 */
	double		f;				/* EPL: (1 − q)/(1 + q) */
	double		pref;			/* EPL: 2 b / (1 + q) */
	int			nterms;			/* EPL: terms of the hypergeometric series */
} sg_mass_prep;

typedef struct sg_light_prep
{
	sg_light_type type;
	double		cx,
				cy;				/* centre */
	float		cphi,
				sphi;			/* rotation to the major axis */
	float		ax2,
				ay2;			/* Sérsic: R²/R_s² = ax2 x'² + ay2 y'²; Gauss: 1/(2σ²) */
	float		inv_2n;			/* Sérsic: 1/(2n) */
	float		bn;				/* Sérsic: b_n / ln 2 */
	float		norm;			/* Gaussian: 1/(2πσ²) */
} sg_light_prep;

/* Prepare a validated mass profile for the block kernels. */
void		sg_mass_prepare(const sg_mass_profile *p, sg_mass_prep *pp);

/* Add the deflection of a prepared profile at SG_BLOCK points. */
void		sg_mass_deflect_block(const sg_mass_prep *pp,
								  const double *restrict x,
								  const double *restrict y,
								  double *restrict ax, double *restrict ay);

/*
 * The same in float precision where the profile has a float kernel (SIE:
 * relative error ~1e-6 of θ_E, enough for rendering float pixels); the
 * double kernel otherwise.
 */
void		sg_mass_deflect_block_fast(const sg_mass_prep *pp,
									   const double *restrict x,
									   const double *restrict y,
									   double *restrict ax, double *restrict ay);

/* Per-profile kernels (lens_sie.c, lens_simple.c, lens_epl.c). */
void		sg_sie_prepare(const sg_mass_profile *p, sg_mass_prep *pp);
void		sg_sie_deflect_block(const sg_mass_prep *pp, const double *restrict x,
								 const double *restrict y, double *restrict ax,
								 double *restrict ay);
void		sg_sie_deflect_block_float(const sg_mass_prep *pp,
									   const double *restrict x,
									   const double *restrict y,
									   double *restrict ax, double *restrict ay);
double		sg_sie_convergence(const sg_mass_profile *p, double x, double y);

void		sg_sis_deflect_block(const sg_mass_prep *pp, const double *restrict x,
								 const double *restrict y, double *restrict ax,
								 double *restrict ay);
void		sg_point_deflect_block(const sg_mass_prep *pp, const double *restrict x,
								   const double *restrict y, double *restrict ax,
								   double *restrict ay);
void		sg_shear_deflect_block(const sg_mass_prep *pp, const double *restrict x,
								   const double *restrict y, double *restrict ax,
								   double *restrict ay);

void		sg_epl_prepare(const sg_mass_profile *p, sg_mass_prep *pp);
void		sg_epl_deflect_block(const sg_mass_prep *pp, const double *restrict x,
								 const double *restrict y, double *restrict ax,
								 double *restrict ay);
double		sg_epl_convergence(const sg_mass_profile *p, double x, double y);

/* Rotate (dx, dy) into the frame of the major axis. */
static inline void
sg_rotate_in(double c, double s, double dx, double dy, double *xp, double *yp)
{
	*xp = c * dx + s * dy;
	*yp = c * dy - s * dx;
}

/* Prepare a validated light profile for the block kernels. */
void		sg_light_prepare(const sg_light_profile *p, sg_light_prep *lp);

/*
 * Surface brightness for unit amp (Sérsic) or unit total flux (Gaussian) of
 * a prepared profile at SG_BLOCK points, written to out[].
 */
void		sg_light_shape_block(const sg_light_prep *lp, const double *restrict x,
								 const double *restrict y, float *restrict out);

/*
 * Render tiles (render.c).  The rays of a tile form a grid of nrows
 * sub-pixel rows × width sub-pixel columns (nrows · width <= SG_BLOCK, width
 * a multiple of SG_TILE_ALIGN), stored row-major: ray (r, i) has index
 * r · width + i.  A profile sees the tile through its own offsets from its
 * centre, dx[i] for column i and dy[r] for row r (float, each rounded once
 * from the double difference), so a ray's offset is (dx[i], dy[r]) unlensed
 * and (dx[i] − ax, dy[r] − ay) lensed.  The tile kernels work in float; the
 * *_avx2 and *_avx512 variants (render_avx2.c, render_avx512.c) compute the
 * same formulas with 8- or 16-lane vector code and run only where the
 * processor has the instructions (simd_level.h); they agree with the
 * portable kernels to float rounding (~1e-6 relative), not bit for bit.
 */
#define SG_TILE_ALIGN 16

typedef struct sg_tile
{
	int			nrows,
				width;
	int			nbands;
	float	   *ax,
			   *ay;				/* SG_BLOCK deflections, summed over mass profiles */
	float	   *acc;			/* nbands × SG_BLOCK light, band b at acc + b·SG_BLOCK */
} sg_tile;

/* Whether a prepared mass profile has a float tile kernel. */
bool		sg_mass_has_tile_kernel(const sg_mass_prep *pp);

/* Add the SIE deflection (q' >= SG_SIE_FLOAT_MIN_QP) on a tile to ax, ay. */
void		sg_sie_deflect_tile(const sg_mass_prep *pp, const float *dx,
								const float *dy, const sg_tile *t);

/* Add the external-shear deflection on a tile to ax, ay. */
void		sg_shear_deflect_tile(const sg_mass_prep *pp, const float *dx,
								  const float *dy, const sg_tile *t);

/*
 * Add amp[b] × the profile's shape on a tile to band b of acc, at the ray
 * offsets minus the deflection when lensed.
 */
void		sg_light_tile(const sg_light_prep *lp, const float *dx, const float *dy,
						  bool lensed, const float *amp, const sg_tile *t);

/*
 * out[c] = area × the sum of the s × s rays of pixel c, for the npx pixels
 * of one pixel row of a tile (its s sub-rows from rows); render.c.
 */
void		sg_tile_pixels(const float *rows, int width, int s, int npx,
						   float area, float *out);

/* The AVX2 + FMA variants of the tile kernels (render_avx2.c). */
void		sg_sie_deflect_tile_avx2(const sg_mass_prep *pp, const float *dx,
									 const float *dy, const sg_tile *t);
void		sg_shear_deflect_tile_avx2(const sg_mass_prep *pp, const float *dx,
									   const float *dy, const sg_tile *t);
void		sg_light_tile_avx2(const sg_light_prep *lp, const float *dx,
							   const float *dy, bool lensed, const float *amp,
							   const sg_tile *t);
void		sg_tile_pixels_avx2(const float *rows, int width, int s, int npx,
								float area, float *out);

/* The AVX-512F variants of the SIE and light kernels (render_avx512.c). */
void		sg_sie_deflect_tile_avx512(const sg_mass_prep *pp, const float *dx,
									   const float *dy, const sg_tile *t);
void		sg_light_tile_avx512(const sg_light_prep *lp, const float *dx,
								 const float *dy, bool lensed, const float *amp,
								 const sg_tile *t);

#endif
