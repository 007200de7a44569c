-- ---------------------------------------------------------------------------
-- Building stamps from arrays and getting pixels back.  Arrays are indexed
-- [band][row][column]; row 1 is the bottom row (FITS order); NULL = masked.
-- ---------------------------------------------------------------------------

CREATE FUNCTION sgimage(pixels float4[], pixel_scale float8,
	bands text[] DEFAULT NULL, ra float8 DEFAULT NULL, "dec" float8 DEFAULT NULL,
	zeropoint float8[] DEFAULT NULL, psf_fwhm float8[] DEFAULT NULL,
	noise_sigma float8[] DEFAULT NULL)
	RETURNS sgimage
	AS 'MODULE_PATHNAME', 'sgimage_from_array' LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION sgimage(float4[], float8, text[], float8, float8, float8[], float8[], float8[]) IS
	'build a stamp from float4[row][col] or float4[band][row][col] pixels (NULL = masked) and its metadata';

CREATE FUNCTION sg_to_array(sgimage) RETURNS float4[]
	AS 'MODULE_PATHNAME', 'sgimage_to_array' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION sg_to_array(sgimage) IS 'all pixels as float4[band][row][col]; masked pixels are NaN';

CREATE FUNCTION sg_to_array(sgimage, band text) RETURNS float4[]
	AS 'MODULE_PATHNAME', 'sgimage_band_to_array' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION sg_to_array(sgimage, text) IS 'one band''s pixels as float4[row][col]; masked pixels are NaN';
