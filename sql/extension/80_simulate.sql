-- ---------------------------------------------------------------------------
-- Simulation: survey images of lens scenes, the population sampler and
-- injection of lensed sources into real stamps.  See docs/simulate.md.
-- ---------------------------------------------------------------------------

CREATE FUNCTION simulate_lens(params jsonb, survey text, size integer DEFAULT 64,
	seed bigint DEFAULT 0, noise boolean DEFAULT true, supersampling integer DEFAULT 2,
	bands text[] DEFAULT NULL, psf_beta float8 DEFAULT NULL,
	ra float8 DEFAULT NULL, "dec" float8 DEFAULT NULL, psf sgimage DEFAULT NULL) RETURNS sgimage
	AS 'MODULE_PATHNAME', 'sglens_simulate_lens' LANGUAGE C STABLE PARALLEL SAFE;
COMMENT ON FUNCTION simulate_lens(jsonb, text, integer, bigint, boolean, integer, text[], float8, float8, float8, sgimage) IS
	'survey image (e-/s pixels) of a lens scene given in lenstronomy''s layout; deterministic for a seed';

CREATE FUNCTION simulate_lens(survey text, theta_e float8, source_mag float8,
	e1 float8 DEFAULT 0, e2 float8 DEFAULT 0, gamma1 float8 DEFAULT 0, gamma2 float8 DEFAULT 0,
	source_x float8 DEFAULT 0.05, source_y float8 DEFAULT 0.0,
	source_r_sersic float8 DEFAULT 0.3, source_n_sersic float8 DEFAULT 1,
	source_e1 float8 DEFAULT 0, source_e2 float8 DEFAULT 0,
	lens_mag float8 DEFAULT NULL, lens_r_sersic float8 DEFAULT 1.0, lens_n_sersic float8 DEFAULT 4,
	size integer DEFAULT 64, seed bigint DEFAULT 0, noise boolean DEFAULT true)
	RETURNS sgimage LANGUAGE sql STABLE PARALLEL SAFE
	RETURN simulate_lens(
		jsonb_build_object(
			'lens', jsonb_build_array(
				jsonb_build_object('type', 'SIE', 'theta_E', theta_e, 'e1', e1, 'e2', e2),
				jsonb_build_object('type', 'SHEAR', 'gamma1', gamma1, 'gamma2', gamma2)),
			'source', jsonb_build_array(
				jsonb_build_object('type', 'SERSIC_ELLIPSE', 'mag', source_mag,
					'R_sersic', source_r_sersic, 'n_sersic', source_n_sersic,
					'e1', source_e1, 'e2', source_e2, 'center_x', source_x, 'center_y', source_y)),
			'lens_light', CASE WHEN lens_mag IS NULL THEN '[]'::jsonb ELSE jsonb_build_array(
				jsonb_build_object('type', 'SERSIC_ELLIPSE', 'mag', lens_mag,
					'R_sersic', lens_r_sersic, 'n_sersic', lens_n_sersic, 'e1', e1, 'e2', e2)) END),
		survey, size, seed, noise);
COMMENT ON FUNCTION simulate_lens(text, float8, float8, float8, float8, float8, float8, float8, float8, float8, float8, float8, float8, float8, float8, float8, integer, bigint, boolean) IS
	'survey image of an SIE + shear lens with one Sersic source (and optional lens light) from named arguments; magnitudes in every band';

CREATE FUNCTION sg_sample_seed(seed bigint, id bigint) RETURNS bigint
	AS 'MODULE_PATHNAME', 'sglens_sample_seed' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION sg_sample_seed(bigint, bigint) IS
	'the noise seed simulate_lens_sample used for row id: simulate_lens(params, survey, size, sg_sample_seed(seed, id)) re-renders it';

CREATE FUNCTION simulate_lens_sample(n integer, survey text, seed bigint DEFAULT 0,
	lens_fraction float8 DEFAULT 0.5, size integer DEFAULT 64, noise boolean DEFAULT true,
	supersampling integer DEFAULT 2, bands text[] DEFAULT NULL, first_id bigint DEFAULT 1)
	RETURNS TABLE (id bigint, is_lens boolean, kind text, params jsonb, image sgimage)
	AS 'MODULE_PATHNAME', 'sglens_simulate_lens_sample' LANGUAGE C STABLE PARALLEL SAFE ROWS 1000;
COMMENT ON FUNCTION simulate_lens_sample(integer, text, bigint, float8, integer, boolean, integer, text[], bigint) IS
	'n members (ids first_id..) of a population of lenses and hard non-lenses (companions, rings, mergers, edge-on disks, blue clumps, arc-like neighbours), deterministic for a seed';

CREATE FUNCTION sg_inject_lens(img sgimage, params jsonb, seed bigint DEFAULT 0,
	supersampling integer DEFAULT 2) RETURNS sgimage
	AS 'MODULE_PATHNAME', 'sglens_inject_lens' LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION sg_inject_lens(sgimage, jsonb, bigint, integer) IS
	'add the lensed source of a scene (lens mass + source, no lens light) to a real stamp, convolved with each band''s PSF; magnitudes use the stamp''s zero points';
