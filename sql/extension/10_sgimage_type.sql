-- ---------------------------------------------------------------------------
-- The image type: a multi-band float32 stamp with pixel scale, sky centre and
-- per-band name, zero point, PSF FWHM and noise sigma.
-- ---------------------------------------------------------------------------

CREATE TYPE sgimage;

CREATE FUNCTION sgimage_in(cstring) RETURNS sgimage
	AS 'MODULE_PATHNAME', 'sgimage_in' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION sgimage_out(sgimage) RETURNS cstring
	AS 'MODULE_PATHNAME', 'sgimage_out' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION sgimage_recv(internal) RETURNS sgimage
	AS 'MODULE_PATHNAME', 'sgimage_recv' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION sgimage_send(sgimage) RETURNS bytea
	AS 'MODULE_PATHNAME', 'sgimage_send' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

CREATE TYPE sgimage (
	INPUT = sgimage_in,
	OUTPUT = sgimage_out,
	RECEIVE = sgimage_recv,
	SEND = sgimage_send,
	INTERNALLENGTH = VARIABLE,
	ALIGNMENT = double,
	STORAGE = external
);
COMMENT ON TYPE sgimage IS
	'multi-band image stamp: float32 pixels, pixel scale, sky centre, per-band zero point, PSF FWHM and noise';

CREATE FUNCTION sgimage_eq(sgimage, sgimage) RETURNS boolean
	AS 'MODULE_PATHNAME', 'sgimage_eq' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION sgimage_eq(sgimage, sgimage) IS
	'true when two stamps have the same shape, metadata and pixel bits (NaN equals NaN)';
CREATE OPERATOR = (
	LEFTARG = sgimage, RIGHTARG = sgimage, PROCEDURE = sgimage_eq,
	COMMUTATOR = =
);
