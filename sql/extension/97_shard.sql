-- ---------------------------------------------------------------------------
-- Sharding: the shard-side half of a survey-wide "top candidates" query.
-- Each shard scores its own stamps and returns only its best n (id, score)
-- rows; a coordinator (PL/Proxy, scripts/shard/coordinator.sql) calls this
-- on every shard and keeps the best n of the union.  See docs/sharding.md.
-- ---------------------------------------------------------------------------

CREATE FUNCTION sg_top_candidates(stamps regclass, n integer, model text, version text,
	id_column name DEFAULT 'id', image_column name DEFAULT 'image')
	RETURNS TABLE (id bigint, score float4)
	LANGUAGE plpgsql STABLE PARALLEL SAFE AS $$
BEGIN
	IF n IS NULL OR n < 0 THEN
		RAISE EXCEPTION USING ERRCODE = 'invalid_parameter_value',
			MESSAGE = format('the number of candidates must be 0 or more, not %s', coalesce(n::text, 'NULL'));
	END IF;
	IF model IS NULL OR version IS NULL OR stamps IS NULL OR id_column IS NULL OR image_column IS NULL THEN
		RAISE EXCEPTION USING ERRCODE = 'null_value_not_allowed',
			MESSAGE = 'sg_top_candidates needs a table, its id and image columns, a model and a model version',
			HINT = 'Name a fixed model version so that every shard scores with the same model.';
	END IF;
	-- score with the IMMUTABLE (fixed version) form; best first, ties by id;
	-- rows without a stamp (NULL score) are never candidates.  The NULL test
	-- stays outside the LIMIT: inside, the planner would evaluate lens_score
	-- twice per row (once in the filter, once for the output).
	RETURN QUERY EXECUTE format(
		'SELECT c.id, c.score FROM (
			SELECT s.%I::bigint AS id, @extschema@.lens_score(s.%I, $1, $2) AS score FROM %s s
			ORDER BY 2 DESC NULLS LAST, 1 LIMIT $3) c
		 WHERE c.score IS NOT NULL ORDER BY c.score DESC, c.id',
		id_column, image_column, stamps)
		USING model, version, n;
END $$;
COMMENT ON FUNCTION sg_top_candidates(regclass, integer, text, text, name, name) IS
	'the n rows of a table of stamps with the highest lens_score from one fixed model version, best first (ties by id): the per-shard step of a sharded top-candidates query';
