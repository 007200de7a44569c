-- ---------------------------------------------------------------------------
-- The optional modelling step of scheduled reprocessing: lens_model() for
-- the scored rows above a score, in committed batches, into the same results
-- table (columns lens_model, modelled_at and model_error, added when
-- missing).  A row is (re)modelled when it has not been modelled yet, or when
-- its model came from another modeller version than the default one for its
-- stamp ('cnn' and 'cnn+fit').  See docs/reprocess.md.
-- ---------------------------------------------------------------------------

-- FROM and WHERE of the results rows that need a model ($1 min score, $2
-- method, $3 the key after which to look).
CREATE FUNCTION _sg_remodel_todo(source regclass, results regclass, stamp_column text, key_name text,
	key_type text)
	RETURNS text LANGUAGE sql STABLE PARALLEL SAFE
	RETURN format($f$
		FROM %s r JOIN %s s ON s.%I = r.%I
		WHERE r.score >= $1 AND s.%I IS NOT NULL AND ($3::text IS NULL OR r.%I > $3::%s)
			AND (r.modelled_at IS NULL OR ($2 <> 'fit' AND (r.lens_model).model IS DISTINCT FROM
				(SELECT m.name || ' ' || m.version FROM @extschema@.sg_model_for('modeller',
					@extschema@.sg_bands(s.%I), @extschema@.sg_pixel_scale(s.%I)) m)))$f$,
		results, source, key_name, key_name, stamp_column, key_name, key_type, stamp_column, stamp_column);
COMMENT ON FUNCTION _sg_remodel_todo(regclass, regclass, text, text, text) IS
	'internal: FROM and WHERE clauses of the rows sg_reprocess_models still has to model';

CREATE PROCEDURE sg_reprocess_models(source regclass, results text DEFAULT NULL,
	stamp_column text DEFAULT 'stamp', key_column text DEFAULT NULL, min_score float4 DEFAULT 0.5,
	method text DEFAULT 'cnn+fit', survey text DEFAULT NULL, batch_size integer DEFAULT 100)
	LANGUAGE plpgsql AS $$
DECLARE
	k record;
	target regclass;
	lock_key bigint;
	todo text;
	after_key text;
	last_key text;
	keys text[];
	one text;
	done bigint := 0;
	failed bigint := 0;
BEGIN
	IF batch_size IS NULL OR batch_size < 1 THEN
		RAISE EXCEPTION USING ERRCODE = 'invalid_parameter_value',
			MESSAGE = format('batch_size must be a positive number of rows, not %s', coalesce(batch_size::text, 'NULL'));
	END IF;
	IF method IS NULL OR method NOT IN ('cnn', 'fit', 'cnn+fit') OR min_score IS NULL THEN
		RAISE EXCEPTION USING ERRCODE = 'invalid_parameter_value',
			MESSAGE = format('method must be cnn, fit or cnn+fit and min_score a number, not %s and %s',
				coalesce(method, 'NULL'), coalesce(min_score::text, 'NULL'));
	END IF;
	k := @extschema@._sg_reprocess_source(source, stamp_column, key_column);
	target := @extschema@.sg_results_table(source, results, key_column);
	IF NOT EXISTS (SELECT 1 FROM pg_attribute a WHERE a.attrelid = target AND a.attname = 'modelled_at'
			AND NOT a.attisdropped) THEN
		EXECUTE format('ALTER TABLE %s ADD COLUMN lens_model @extschema@.lens_model_result,
			ADD COLUMN modelled_at timestamptz, ADD COLUMN model_error text', target);
	END IF;
	COMMIT;
	-- the same lock as sg_reprocess: one writer of a results table at a time
	lock_key := @extschema@._sg_reprocess_lock_key(target);
	IF NOT pg_try_advisory_lock(lock_key) THEN
		RAISE EXCEPTION USING ERRCODE = 'lock_not_available',
			MESSAGE = format('another sg_reprocess run is writing %s', target);
	END IF;
	todo := @extschema@._sg_remodel_todo(source, target, stamp_column, k.key_name, k.key_type);
	LOOP
		BEGIN
			EXECUTE format('SELECT array_agg(key ORDER BY key)::text[], max(key)::text
				FROM (SELECT r.%I AS key %s ORDER BY r.%I LIMIT $4) b', k.key_name, todo, k.key_name)
				INTO keys, last_key USING min_score, method, after_key, batch_size;
			EXIT WHEN last_key IS NULL;
			FOREACH one IN ARRAY keys LOOP
				BEGIN
					EXECUTE format('UPDATE %s r SET lens_model = @extschema@.lens_model(s.%I, $1, survey => $2),
						modelled_at = now(), model_error = NULL FROM %s s WHERE s.%I = r.%I AND r.%I = $3::%s',
						target, stamp_column, source, k.key_name, k.key_name, k.key_name, k.key_type)
						USING method, survey, one;
				EXCEPTION WHEN OTHERS THEN
					EXECUTE format('UPDATE %s r SET lens_model = NULL, modelled_at = now(), model_error = $1
						WHERE r.%I = $2::%s', target, k.key_name, k.key_type)
						USING SQLSTATE || ': ' || SQLERRM, one;
					failed := failed + 1;
				END;
			END LOOP;
		EXCEPTION WHEN query_canceled THEN
			PERFORM pg_advisory_unlock(lock_key);
			RAISE;
		END;
		COMMIT;
		after_key := last_key;
		done := done + cardinality(keys);
		RAISE NOTICE 'sg_reprocess_models %: % rows modelled (% failed)', target, done, failed;
	END LOOP;
	PERFORM pg_advisory_unlock(lock_key);
	RAISE NOTICE 'sg_reprocess_models %: finished, % rows modelled (% failed)', target, done, failed;
END $$;
COMMENT ON PROCEDURE sg_reprocess_models(regclass, text, text, text, float4, text, text, integer) IS
	'model (lens_model) the scored rows of a results table above a score in committed batches, (re)modelling rows without a model from the current default modeller; resumable';
