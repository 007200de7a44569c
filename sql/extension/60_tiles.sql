-- ---------------------------------------------------------------------------
-- Stamps cut from survey tile files on the server (denied unless a superuser
-- lists allowed directories in sglens.tile_directories).
-- ---------------------------------------------------------------------------

CREATE FUNCTION sg_cutout(path text, ra float8, "dec" float8, size integer,
	band text DEFAULT NULL, hdu integer DEFAULT 0) RETURNS sgimage
	AS 'MODULE_PATHNAME', 'sgimage_cutout' LANGUAGE C VOLATILE PARALLEL SAFE;
COMMENT ON FUNCTION sg_cutout(text, float8, float8, integer, text, integer) IS
	'a size x size stamp centred on (ra, dec) read from a FITS tile file on the server (only the needed section)';
