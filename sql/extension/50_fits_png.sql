-- ---------------------------------------------------------------------------
-- FITS (through cfitsio) and PNG previews (through libpng), as bytea.
-- ---------------------------------------------------------------------------

CREATE FUNCTION sg_from_fits(data bytea, bands text[] DEFAULT NULL,
	pixel_scale float8 DEFAULT NULL) RETURNS sgimage
	AS 'MODULE_PATHNAME', 'sgimage_from_fits' LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION sg_from_fits(bytea, text[], float8) IS
	'read a FITS file (2-D images, 3-D cubes, several HDUs) into a stamp; scale and centre from the WCS';

CREATE FUNCTION sg_to_fits(sgimage) RETURNS bytea
	AS 'MODULE_PATHNAME', 'sgimage_to_fits' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION sg_to_fits(sgimage) IS
	'the stamp as a FITS image or cube with a TAN WCS and per-band keywords';

CREATE FUNCTION sg_to_png(img sgimage, bands text[] DEFAULT NULL, q float8 DEFAULT 8,
	stretch float8 DEFAULT NULL, minimum float8 DEFAULT NULL) RETURNS bytea
	AS 'MODULE_PATHNAME', 'sgimage_to_png' LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION sg_to_png(sgimage, text[], float8, float8, float8) IS
	'PNG preview: Lupton asinh colour composite of three bands (blue, green, red) or greyscale of one';
