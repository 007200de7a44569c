/*
 * render.h — noise-free rendering of a lens scene into an sgimage by ray
 * shooting with supersampling (sub-pixel centres at −½ + 1/(2s) + j/s pixel,
 * averaged back).  Pixel values are flux per pixel (surface brightness
 * integrated over the pixel).  Every band b uses each profile's amp[b]; the
 * source light is evaluated at β = θ − Σα, the lens light at θ.
 *
 * Precision: the SIE deflection and all light are evaluated in float
 * (~1e-6 relative), other deflections in double.  Uniform supersampling
 * converges as s^-2 for smooth light, but slowly (about s^-1.7) at the cusp
 * of a large-n Sérsic only a few pixels across.
 */
#ifndef SGLENS_RENDER_H
#define SGLENS_RENDER_H

#include "sglens/image.h"
#include "sglens/lens.h"
#include "sglens/light.h"

#define SG_MAX_PROFILES 64

typedef struct sg_scene
{
	int			n_mass;
	sg_mass_profile mass[SG_MAX_PROFILES];
	int			n_source;
	sg_light_profile source[SG_MAX_PROFILES];	/* lensed */
	int			n_lens_light;
	sg_light_profile lens_light[SG_MAX_PROFILES];	/* not lensed */
} sg_scene;

/*
 * Render the scene into every band of img (whose size, pixel scale and band
 * count are set), replacing its pixels.  supersampling in 1..16.  Validates
 * the scene (profile counts, sg_mass_check, sg_light_check, finite amp in
 * each band) and names the offending profile on failure.
 */
bool		sg_render(const sg_scene *scene, sg_image *img, int supersampling,
					  sg_status *st);

#endif
