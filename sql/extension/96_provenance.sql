-- ---------------------------------------------------------------------------
-- Provenance: which registered finder version lens_score() uses for a stamp,
-- so that a stored score can name the exact model version that produced it.
-- See docs/reprocess.md.
-- ---------------------------------------------------------------------------

-- The look-up lens_score() does (sg_model_for, 90_models.sql), from a
-- stamp: scoring with lens_score(img, name, version) from this row gives the
-- same score as lens_score(img, model), and records what was used.  It
-- returns one row, not a set: PostgreSQL then calls it rather than inlining
-- its query, so in FROM ... LATERAL it can run in parallel workers next to
-- the scoring (an inlined subquery with a LIMIT, or with the stamp as a
-- parameter, cannot).
CREATE FUNCTION sg_finder_for(img sgimage, model text DEFAULT NULL, OUT name text, OUT version text)
	LANGUAGE sql STABLE PARALLEL SAFE
BEGIN ATOMIC
	SELECT f.name, f.version
	FROM sg_model_for('finder', sg_bands(img), sg_pixel_scale(img), model) f
	WHERE img IS NOT NULL;
END;
COMMENT ON FUNCTION sg_finder_for(sgimage, text) IS
	'the registered finder (name, version) that lens_score(img, model) uses for this stamp; NULLs when none fits';
