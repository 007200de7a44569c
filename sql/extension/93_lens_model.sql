-- ---------------------------------------------------------------------------
-- Lens modelling: lens_model() and its helpers.  See docs/lens_model.md.
-- COST (in units of cpu_operator_cost) tells the planner these are
-- expensive, so that it evaluates them last and considers parallel plans.
-- ---------------------------------------------------------------------------

CREATE TYPE lens_model_result AS (
	theta_e float8,
	theta_e_err float8,
	e1 float8,
	e1_err float8,
	e2 float8,
	e2_err float8,
	center_x float8,
	center_x_err float8,
	center_y float8,
	center_y_err float8,
	gamma1 float8,
	gamma1_err float8,
	gamma2 float8,
	gamma2_err float8,
	chi2 float8,
	converged boolean,
	iterations integer,
	method text,
	model text,
	note text,
	params jsonb
);
COMMENT ON TYPE lens_model_result IS
	'SIE + external shear parameters (lenstronomy conventions, arcsec) with 1-sigma errors, the reduced chi2 of the fit, its convergence, the method, the CNN model version, and the full parameters for simulate_lens()';

CREATE FUNCTION lens_model(img sgimage, method text DEFAULT 'cnn+fit', model text DEFAULT NULL,
	psf sgimage DEFAULT NULL, survey text DEFAULT NULL, max_iterations integer DEFAULT NULL,
	time_budget float8 DEFAULT NULL, version text DEFAULT NULL) RETURNS lens_model_result
	AS 'MODULE_PATHNAME', 'sglens_lens_model' LANGUAGE C STABLE PARALLEL SAFE COST 10000000;
COMMENT ON FUNCTION lens_model(sgimage, text, text, sgimage, text, integer, float8, text) IS
	'lens parameters of a stamp: ''cnn'' (a modeller network), ''fit'' (likelihood fit from an automatic start) or ''cnn+fit'' (the fit started from the CNN with its estimate as a prior)';

CREATE FUNCTION lens_light_subtract(img sgimage, psf sgimage DEFAULT NULL) RETURNS sgimage
	AS 'MODULE_PATHNAME', 'sglens_lens_light_subtract' LANGUAGE C IMMUTABLE PARALLEL SAFE COST 1000000;
COMMENT ON FUNCTION lens_light_subtract(sgimage, sgimage) IS
	'the stamp minus an elliptical Sersic lens light fitted with the arcs clipped';

CREATE FUNCTION lens_model_residual(img sgimage, params jsonb, psf sgimage DEFAULT NULL) RETURNS sgimage
	AS 'MODULE_PATHNAME', 'sglens_lens_model_residual' LANGUAGE C IMMUTABLE PARALLEL SAFE COST 100000;
COMMENT ON FUNCTION lens_model_residual(sgimage, jsonb, sgimage) IS
	'the stamp minus the noise-free model of params rendered in its bands with its PSFs (e.g. the params of lens_model())';
