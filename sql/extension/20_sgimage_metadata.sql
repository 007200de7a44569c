-- ---------------------------------------------------------------------------
-- Metadata accessors: they read only the stored header, never the pixels.
-- ---------------------------------------------------------------------------

CREATE FUNCTION sg_width(sgimage) RETURNS integer
	AS 'MODULE_PATHNAME', 'sgimage_width' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION sg_width(sgimage) IS 'stamp width in pixels (columns, x)';

CREATE FUNCTION sg_height(sgimage) RETURNS integer
	AS 'MODULE_PATHNAME', 'sgimage_height' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION sg_height(sgimage) IS 'stamp height in pixels (rows, y)';

CREATE FUNCTION sg_nbands(sgimage) RETURNS integer
	AS 'MODULE_PATHNAME', 'sgimage_nbands' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION sg_nbands(sgimage) IS 'number of bands';

CREATE FUNCTION sg_bands(sgimage) RETURNS text[]
	AS 'MODULE_PATHNAME', 'sgimage_band_names' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION sg_bands(sgimage) IS 'band names, in order';

CREATE FUNCTION sg_pixel_scale(sgimage) RETURNS float8
	AS 'MODULE_PATHNAME', 'sgimage_pixel_scale' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION sg_pixel_scale(sgimage) IS 'pixel scale in arcsec per pixel';

CREATE FUNCTION sg_ra(sgimage) RETURNS float8
	AS 'MODULE_PATHNAME', 'sgimage_ra' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION sg_ra(sgimage) IS 'ICRS right ascension of the stamp centre in degrees, NULL if unknown';

CREATE FUNCTION sg_dec(sgimage) RETURNS float8
	AS 'MODULE_PATHNAME', 'sgimage_dec' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION sg_dec(sgimage) IS 'ICRS declination of the stamp centre in degrees, NULL if unknown';

CREATE FUNCTION sg_band_field(sgimage, text, integer) RETURNS float8
	AS 'MODULE_PATHNAME', 'sgimage_band_field' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION sg_band_field(sgimage, text, integer) IS
	'internal: per-band metadata field (0 zero point, 1 PSF FWHM, 2 noise sigma)';

CREATE FUNCTION sg_zeropoint(img sgimage, band text) RETURNS float8
	LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
	RETURN sg_band_field(img, band, 0);
COMMENT ON FUNCTION sg_zeropoint(sgimage, text) IS
	'AB zero point of a band (magnitude of a flux of 1 pixel unit), NULL if unknown';

CREATE FUNCTION sg_psf_fwhm(img sgimage, band text) RETURNS float8
	LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
	RETURN sg_band_field(img, band, 1);
COMMENT ON FUNCTION sg_psf_fwhm(sgimage, text) IS 'PSF FWHM of a band in arcsec, NULL if unknown';

CREATE FUNCTION sg_noise(img sgimage, band text) RETURNS float8
	LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
	RETURN sg_band_field(img, band, 2);
COMMENT ON FUNCTION sg_noise(sgimage, text) IS
	'background noise sigma per pixel of a band (pixel units), NULL if unknown';

CREATE FUNCTION sg_band_info(img sgimage,
	OUT band_index integer, OUT band text, OUT zeropoint float8,
	OUT psf_fwhm float8, OUT noise_sigma float8)
	RETURNS SETOF record
	AS 'MODULE_PATHNAME', 'sgimage_band_table' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION sg_band_info(sgimage) IS
	'one row per band: index (1-based), name, zero point, PSF FWHM, noise sigma';
