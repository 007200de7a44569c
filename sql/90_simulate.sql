-- Simulation through SQL: presets, simulate_lens, the sampler, injection.

-- the shipped survey presets
SELECT s.name, s.pixel_scale, array_agg(b.band ORDER BY b.band_order) AS bands
FROM sglens_survey s JOIN sglens_survey_band b ON b.survey = s.name
GROUP BY s.name, s.pixel_scale ORDER BY s.name;

CREATE TABLE lens_params (id int PRIMARY KEY, params jsonb);
INSERT INTO lens_params VALUES
	(1, '{"lens": [{"type": "SIE", "theta_E": 1.2, "e1": 0.1, "e2": -0.05},
	               {"type": "SHEAR", "gamma1": 0.03, "gamma2": 0.01}],
	      "source": [{"type": "SERSIC_ELLIPSE", "mag": {"g": 23.2, "r": 23.0, "i": 22.9, "u": 23.5, "z": 22.8, "y": 22.8},
	                  "R_sersic": 0.25, "n_sersic": 1, "e1": 0.2, "center_x": 0.1, "center_y": 0.05}],
	      "lens_light": [{"type": "SERSIC_ELLIPSE", "mag": 19.5, "R_sersic": 1.0, "n_sersic": 4, "e1": 0.1, "e2": -0.05}]}'),
	(2, '{"source": [{"type": "SERSIC", "mag": 20, "R_sersic": 1.0, "n_sersic": 1}]}'),
	(3, '{"lens": [{"type": "SIS", "theta_E": 1.0}],
	      "source": [{"type": "SERSIC", "amp": 5, "R_sersic": 0.1, "n_sersic": 1,
	                  "clumps": {"n": 3, "fraction": 0.3, "sigma": 0.05}}]}'),
	(4, '{}');

-- metadata of a simulated stamp
SELECT sg_width(img), sg_height(img), sg_bands(img), sg_pixel_scale(img), sg_ra(img)
FROM (SELECT simulate_lens(params, 'LSST', 48, 7) AS img FROM lens_params WHERE id = 1) s;
SELECT i.band, i.zeropoint = b.zeropoint AS zp_from_preset, i.psf_fwhm = b.psf_fwhm AS fwhm_from_preset,
	i.noise_sigma > 0 AS has_noise
FROM sg_band_info(simulate_lens('{}', 'LSST', 16, 1)) i JOIN sglens_survey_band b ON b.survey = 'LSST' AND b.band = i.band
ORDER BY band_index;
SELECT sg_noise(simulate_lens('{}', 'LSST', 16, 1, noise => false), 'r') IS NULL AS noise_free_has_no_sigma;

-- deterministic for a seed, different for another seed
SELECT simulate_lens(params, 'LSST', 32, 42) = simulate_lens(params, 'LSST', 32, 42) AS same_seed_same_bytes,
	simulate_lens(params, 'LSST', 32, 42) = simulate_lens(params, 'LSST', 32, 43) AS other_seed_same
FROM lens_params WHERE id = 1;

-- without a lens, the noise-free image holds the source's total flux to 1e-4
-- (Sersic normalisation; the PSF conserves flux; supersampling 8 resolves the profile)
WITH s AS MATERIALIZED (
	SELECT simulate_lens(params, 'LSST', 128, 0, noise => false, supersampling => 8,
		bands => ARRAY['g', 'r']) AS img FROM lens_params WHERE id = 2)
SELECT band, abs(sum(v) / (10 ^ (-0.4 * (20 - zp))) - 1) < 1e-4 AS flux_within_1e4
FROM s, unnest(ARRAY['g', 'r']) band, LATERAL (SELECT sg_zeropoint(img, band) AS zp) z,
	unnest(sg_to_array(img, band)) v
GROUP BY band, zp ORDER BY band;

-- blank sky: the measured per-pixel sigma matches the preset's noise formula within 2%
SELECT b.band,
	abs(stddev_pop(v) / sigma - 1) < 0.02 AS sigma_matches_metadata,
	abs(sigma / (sqrt(10 ^ (-0.4 * (b.sky_mag - b.zeropoint)) * s.pixel_scale ^ 2
		* b.exposure_time * b.n_exposures + b.n_exposures * s.read_noise ^ 2)
		/ (b.exposure_time * b.n_exposures)) - 1) < 1e-9 AS metadata_matches_formula,
	abs(avg(v)) < 3 * sigma / 256 AS mean_zero
FROM (SELECT simulate_lens('{}', 'Euclid', 256, 5) AS img OFFSET 0) x,
	sglens_survey s JOIN sglens_survey_band b ON b.survey = s.name,
	LATERAL (SELECT sg_noise(img, b.band) AS sigma OFFSET 0) n,
	unnest(sg_to_array(img, b.band)) v
WHERE s.name = 'Euclid'
GROUP BY b.band, sigma, b.sky_mag, b.zeropoint, s.pixel_scale, b.exposure_time, b.n_exposures, s.read_noise;

-- a pixelised PSF given as an image: a source inside one pixel takes the
-- normalised kernel's shape exactly
CREATE TABLE psfs AS SELECT
	sgimage('{{0,0,0,0,0},{0,1,2,1,0},{0,2,4,2,0},{0,1,2,1,0},{0,0,0,0,0}}'::float4[], 0.1) AS blur;
WITH p AS MATERIALIZED (
	SELECT sg_to_array(simulate_lens('{"source": [{"type": "GAUSSIAN", "amp": 1, "sigma": 0.001}]}',
		'Euclid', 7, noise => false, supersampling => 1, psf => blur), 'VIS') AS a FROM psfs)
SELECT a[4][4] / a[4][3] AS centre_over_side, a[4][4] / a[3][3] AS centre_over_corner,
	abs(a[4][2]) < 1e-6 * a[4][4] AND abs(a[1][1]) < 1e-6 * a[4][4] AS zero_outside
FROM p;
SELECT sg_psf_fwhm(simulate_lens('{}', 'Euclid', 5, noise => false, psf => blur), 'VIS') IS NULL AS no_single_fwhm
FROM psfs;
SELECT sg_test_error($$SELECT simulate_lens('{}', 'LSST', 8, bands => ARRAY['g', 'r'],
	psf => sg_merge(sgimage('{{1}}'::float4[], 0.2, ARRAY['g']), sgimage('{{1}}'::float4[], 0.2, ARRAY['i'])))$$);
SELECT sg_test_error($$SELECT simulate_lens('{}', 'Euclid', 8, psf => sgimage('{{1}}'::float4[], 0.2))$$);
SELECT sg_test_error($$SELECT simulate_lens('{}', 'Euclid', 8, psf => sgimage('{{1,1}}'::float4[], 0.1))$$);
SELECT sg_test_error($$SELECT simulate_lens('{}', 'Euclid', 8, psf => blur, psf_beta => 3) FROM psfs$$);

-- the named-argument form equals the jsonb form
SELECT simulate_lens(survey => 'LSST', theta_e => 1.2, source_mag => 23, e1 => 0.1, size => 32, seed => 3) =
	simulate_lens('{"lens": [{"type": "SIE", "theta_E": 1.2, "e1": 0.1, "e2": 0},
	                         {"type": "SHEAR", "gamma1": 0, "gamma2": 0}],
	                "source": [{"type": "SERSIC_ELLIPSE", "mag": 23, "R_sersic": 0.3, "n_sersic": 1,
	                            "e1": 0, "e2": 0, "center_x": 0.05, "center_y": 0}],
	                "lens_light": []}', 'LSST', 32, 3) AS named_form_equal;

-- a clumpy source: same seed, same clumps
SELECT simulate_lens(params, 'Euclid', 32, 9, noise => false) = simulate_lens(params, 'Euclid', 32, 9, noise => false) AS clumps_deterministic
FROM lens_params WHERE id = 3;

-- parallel query gives the same images as serial
CREATE TABLE many AS SELECT i, (SELECT params FROM lens_params WHERE id = 1) AS params FROM generate_series(1, 40) i;
ANALYZE many;
CREATE TEMP TABLE serial AS SELECT i, md5(simulate_lens(params, 'LSST', 24, i)::text) AS h FROM many;
SET parallel_setup_cost = 0;
SET parallel_tuple_cost = 0;
SET min_parallel_table_scan_size = 0;
SET max_parallel_workers_per_gather = 2;
SET force_parallel_mode = on;
CREATE TEMP TABLE parallel AS SELECT i, md5(simulate_lens(params, 'LSST', 24, i)::text) AS h FROM many;
RESET force_parallel_mode;
RESET max_parallel_workers_per_gather;
RESET min_parallel_table_scan_size;
RESET parallel_tuple_cost;
RESET parallel_setup_cost;
SELECT count(*) AS rows, count(*) FILTER (WHERE s.h = p.h) AS identical FROM serial s JOIN parallel p USING (i);

-- the population sampler
SELECT count(*), count(*) FILTER (WHERE is_lens) AS lenses, count(DISTINCT kind) > 1 AS several_kinds,
	bool_and(sg_bands(image) = ARRAY['g', 'r', 'i']) AS bands_ok
FROM simulate_lens_sample(60, 'LSST', 11, bands => ARRAY['g', 'r', 'i'], size => 32);
SELECT kind, bool_and(is_lens = (kind = 'lens')) AS label_consistent,
	bool_and((params -> 'lens') = '[]'::jsonb) = (kind <> 'lens') AS mass_only_in_lenses
FROM simulate_lens_sample(200, 'HSC', 3, size => 24, noise => false, supersampling => 1)
GROUP BY kind ORDER BY kind;
-- deterministic, and the same rows whatever the chunking
SELECT (SELECT md5(string_agg(image::text || params::text, '' ORDER BY id))
		FROM simulate_lens_sample(10, 'DES', 5, size => 24)) =
	(SELECT md5(string_agg(image::text || params::text, '' ORDER BY id)) FROM (
		SELECT * FROM simulate_lens_sample(4, 'DES', 5, size => 24)
		UNION ALL SELECT * FROM simulate_lens_sample(6, 'DES', 5, size => 24, first_id => 5)) s) AS chunking_invariant;
-- a row re-renders exactly from its params
SELECT bool_and(image = simulate_lens(params, 'KiDS', 24, sg_sample_seed(8, id))) AS rerender_exact
FROM simulate_lens_sample(8, 'KiDS', 8, size => 24);

-- injection into a real stamp: without a lens, the added flux is the source's
CREATE TABLE blank AS SELECT sg_set_band(sgimage(array_fill(0::float4, ARRAY[64, 64]), 0.2, ARRAY['r']),
	'r', zeropoint => 27.0, psf_fwhm => 0.8) AS img;
SELECT abs(sum(v) / 10 ^ (-0.4 * (21 - 27)) - 1) < 1e-4 AS injected_flux_within_1e4
FROM blank, unnest(sg_to_array(sg_inject_lens(img,
	'{"source": [{"type": "SERSIC", "mag": 21, "R_sersic": 0.6, "n_sersic": 1}]}', 0, 8), 'r')) v;
-- with a lens the arc is magnified: more flux than the source alone
SELECT sum(v) / 10 ^ (-0.4 * (21 - 27)) > 2 AS magnified
FROM blank, unnest(sg_to_array(sg_inject_lens(img,
	'{"lens": [{"type": "SIS", "theta_E": 1.0}],
	  "source": [{"type": "SERSIC", "mag": 21, "R_sersic": 0.1, "n_sersic": 1, "center_x": 0.05}]}'), 'r')) v;

-- bad parameters name the field
SELECT sg_test_error($$SELECT simulate_lens('{"lens": [{"type": "NFW", "theta_E": 1}]}', 'LSST')$$);
SELECT sg_test_error($$SELECT simulate_lens('{"lens": [{"type": "SIE"}]}', 'LSST')$$);
SELECT sg_test_error($$SELECT simulate_lens('{"lens": [{"type": "SIE", "theta_E": -1}]}', 'LSST')$$);
SELECT sg_test_error($$SELECT simulate_lens('{"lens": [{"type": "SIE", "theta_E": 1, "e1": 0.99, "e2": 0.5}]}', 'LSST')$$);
SELECT sg_test_error($$SELECT simulate_lens('{"lens": [{"type": "SIE", "theta_E": 1, "theta_e": 2}]}', 'LSST')$$);
SELECT sg_test_error($$SELECT simulate_lens('{"lens": [{"type": "SHEAR", "gamma1": "big", "gamma2": 0}]}', 'LSST')$$);
SELECT sg_test_error($$SELECT simulate_lens('{"source": [{"type": "SERSIC", "mag": 20, "R_sersic": -0.3, "n_sersic": 1}]}', 'LSST')$$);
SELECT sg_test_error($$SELECT simulate_lens('{"source": [{"type": "SERSIC", "mag": 20, "R_sersic": 0.3, "n_sersic": 30}]}', 'LSST')$$);
SELECT sg_test_error($$SELECT simulate_lens('{"source": [{"type": "SERSIC", "R_sersic": 0.3, "n_sersic": 1}]}', 'LSST')$$);
SELECT sg_test_error($$SELECT simulate_lens('{"source": [{"type": "SERSIC", "mag": {"g": 20}, "R_sersic": 0.3, "n_sersic": 1}]}', 'LSST')$$);
SELECT sg_test_error($$SELECT simulate_lens('{"source": [{"type": "SERSIC", "mag": 20, "R_sersic": 0.3, "n_sersic": 1, "clumps": {"n": 100, "fraction": 0.3, "sigma": 0.1}}]}', 'LSST')$$);
SELECT sg_test_error($$SELECT simulate_lens('{"lens_light": [{"type": "SERSIC", "mag": 20, "R_sersic": 0.3, "n_sersic": 1, "clumps": {"n": 2, "fraction": 0.3, "sigma": 0.1}}]}', 'LSST')$$);
SELECT sg_test_error($$SELECT simulate_lens('{"lenses": []}', 'LSST')$$);
SELECT sg_test_error($$SELECT simulate_lens('[1, 2]', 'LSST')$$);
SELECT sg_test_error($$SELECT simulate_lens('{}', 'SDSS')$$);
SELECT sg_test_error($$SELECT simulate_lens('{}', 'LSST', bands => ARRAY['VIS'])$$);
SELECT sg_test_error($$SELECT simulate_lens('{}', 'LSST', 100000)$$);
SELECT sg_test_error($$SELECT simulate_lens('{}', 'LSST', 2)$$);
SELECT sg_test_error($$SELECT simulate_lens('{}', 'LSST', supersampling => 0)$$);
SELECT sg_test_error($$SELECT simulate_lens('{}', 'LSST', psf_beta => 0.5)$$);
SELECT sg_test_error($$SELECT simulate_lens_sample(5, 'LSST', lens_fraction => 1.5)$$);
SELECT sg_test_error($$SELECT sg_inject_lens(sgimage(array_fill(0::float4, ARRAY[8, 8]), 0.2, ARRAY['r']),
	'{"source": [{"type": "SERSIC", "mag": 21, "R_sersic": 0.2, "n_sersic": 1}]}')$$);
SELECT sg_test_error($$SELECT sg_inject_lens(img, '{"source": [{"type": "SERSIC", "amp": 1, "R_sersic": 0.2, "n_sersic": 1}],
	"lens_light": [{"type": "SERSIC", "amp": 1, "R_sersic": 0.2, "n_sersic": 1}]}') FROM blank$$);
SELECT sg_test_error($$SELECT sg_inject_lens(sgimage(array_fill(0::float4, ARRAY[8, 8]), 0.2, ARRAY['r'], zeropoint => ARRAY[27.0]),
	'{"source": [{"type": "SERSIC", "mag": 21, "R_sersic": 0.2, "n_sersic": 1}]}')$$);
