-- The mock survey's tables.  What a survey would hold is split from what only a
-- simulation knows:
--   objects       one row per detected galaxy: position and its g, r, i cutout ("stamp")
--   truth         what the simulator put in each stamp (lens or not, what kind, parameters);
--                 a real survey has no such table, the demo uses it only to grade the results
--   photometry    aperture magnitudes and colours measured on the stamps
--   spectroscopy  a redshift catalogue from a separate spectroscopic survey, with its own
--                 positions: it is joined to the objects by position, never by id

-- A number in [0, 1) that depends only on a text key: the demo's positions, spectroscopic
-- targets and redshifts are deterministic (the same on every run) without a random seed.
CREATE FUNCTION demo_uniform(key text) RETURNS float8
	LANGUAGE sql IMMUTABLE PARALLEL SAFE
	RETURN ('x' || substr(md5(key), 1, 12))::bit(48)::bigint / 281474976710656.0;

-- ra reduced to [0, 360).
CREATE FUNCTION demo_ra(ra float8) RETURNS float8
	LANGUAGE sql IMMUTABLE PARALLEL SAFE
	RETURN ra - 360 * floor(ra / 360);

CREATE TABLE objects (
	object_id bigint PRIMARY KEY,
	ra        float8 NOT NULL,             -- ICRS degrees
	"dec"     float8 NOT NULL,
	-- the position as a PostGIS geography point on the celestial sphere (docs/sky.md)
	pos       geography GENERATED ALWAYS AS (sg_sky(ra, "dec")) STORED,
	stamp     sgimage NOT NULL             -- 48 x 48 pixels of 0.2", bands g, r, i (LSST)
);

CREATE TABLE truth (
	object_id bigint PRIMARY KEY,
	is_lens   boolean NOT NULL,
	kind      text NOT NULL,               -- 'lens' or one of the sampler's hard non-lens kinds
	params    jsonb NOT NULL,              -- lenstronomy-style parameters of the scene
	-- the true Einstein radius (arcsec) of a lens, NULL for a non-lens
	theta_e   float8 GENERATED ALWAYS AS ((params #>> '{lens,0,theta_E}')::float8) STORED
);
