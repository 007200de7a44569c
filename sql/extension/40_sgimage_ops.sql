-- ---------------------------------------------------------------------------
-- Operations returning new stamps.
-- ---------------------------------------------------------------------------

CREATE FUNCTION sg_select_bands(img sgimage, bands text[]) RETURNS sgimage
	AS 'MODULE_PATHNAME', 'sgimage_select_bands' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION sg_select_bands(sgimage, text[]) IS 'a stamp holding the named bands, in the order given';

CREATE FUNCTION sg_merge(VARIADIC stamps sgimage[]) RETURNS sgimage
	AS 'MODULE_PATHNAME', 'sgimage_merge' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION sg_merge(sgimage[]) IS
	'merge stamps of equal size, pixel scale and centre (distinct band names) into one multi-band stamp';

CREATE FUNCTION sg_crop(img sgimage, width integer, height integer DEFAULT NULL) RETURNS sgimage
	AS 'MODULE_PATHNAME', 'sgimage_crop' LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION sg_crop(sgimage, integer, integer) IS
	'centre crop to width x height (height defaults to width); the centre pixel must not move';

CREATE FUNCTION sg_set_center(img sgimage, ra float8, "dec" float8) RETURNS sgimage
	AS 'MODULE_PATHNAME', 'sgimage_set_center' LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION sg_set_center(sgimage, float8, float8) IS
	'a copy with the ICRS centre (ra, dec) in degrees; both NULL clears it';

CREATE FUNCTION sg_set_band(img sgimage, band text, name text DEFAULT NULL,
	zeropoint float8 DEFAULT NULL, psf_fwhm float8 DEFAULT NULL,
	noise_sigma float8 DEFAULT NULL) RETURNS sgimage
	AS 'MODULE_PATHNAME', 'sgimage_set_band' LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION sg_set_band(sgimage, text, text, float8, float8, float8) IS
	'a copy with one band renamed or its zero point, PSF FWHM or noise sigma set (NULL keeps a value)';

CREATE FUNCTION sg_scale_flux(img sgimage, factor float8) RETURNS sgimage
	AS 'MODULE_PATHNAME', 'sgimage_scale_flux' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION sg_scale_flux(sgimage, float8) IS
	'a copy in other flux units: pixels and noise sigma times factor, zero points plus 2.5 log10(factor)';

CREATE FUNCTION sg_rotate90(img sgimage, quarter_turns integer DEFAULT 1) RETURNS sgimage
	AS 'MODULE_PATHNAME', 'sgimage_rotate90' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION sg_rotate90(sgimage, integer) IS
	'the stamp rotated counter-clockwise by quarter_turns x 90 degrees on the pixel grid';
