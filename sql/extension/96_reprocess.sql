-- ---------------------------------------------------------------------------
-- Scheduled reprocessing: sg_reprocess scores the rows of a user's table of
-- stamps in batches, one transaction per batch, into a results table that
-- holds one result per row with the model version that produced it.  Rows
-- without a result, or whose result came from another model or version than
-- the one lens_score would use now, are (re)scored; a run killed at any
-- point loses at most its uncommitted batch.  See docs/reprocess.md.
-- ---------------------------------------------------------------------------

-- FROM and WHERE of the rows that need a score ($1: the model asked for).
CREATE FUNCTION _sg_reprocess_todo(source regclass, results regclass, stamp_column text, key_name text)
	RETURNS text LANGUAGE sql STABLE PARALLEL SAFE
	RETURN format($f$
		FROM %s s
		LEFT JOIN LATERAL @extschema@.sg_finder_for(s.%I, $1) f ON true
		LEFT JOIN %s r ON r.%I = s.%I
		WHERE s.%I IS NOT NULL
			AND (r.%I IS NULL OR (r.model_name, r.model_version) IS DISTINCT FROM (f.name, f.version))$f$,
		source, stamp_column, results, key_name, key_name, stamp_column, key_name);
COMMENT ON FUNCTION _sg_reprocess_todo(regclass, regclass, text, text) IS
	'internal: FROM and WHERE clauses of the rows sg_reprocess still has to score';

-- INSERT ... ON CONFLICT of results rows from a SELECT list and its FROM
-- (key, score, model name, version, scored_at, error, run id), which also
-- decide the statement's parameters.
CREATE FUNCTION _sg_results_upsert(results regclass, key_name text, select_list text)
	RETURNS text LANGUAGE sql STABLE PARALLEL SAFE
	RETURN format($f$
		INSERT INTO %s AS r (%I, score, model_name, model_version, scored_at, error, run_id)
		SELECT %s
		ON CONFLICT (%I) DO UPDATE SET score = excluded.score, model_name = excluded.model_name,
			model_version = excluded.model_version, scored_at = excluded.scored_at,
			error = excluded.error, run_id = excluded.run_id$f$,
		results, key_name, select_list, key_name);
COMMENT ON FUNCTION _sg_results_upsert(regclass, text, text) IS
	'internal: the statement that writes (or replaces) results rows';

-- One batch: the next batch_size rows after after_key (in key order) that
-- need a score.  They are scored in one query, which parallel workers can
-- share; when some stamp of the batch fails, the batch is scored row by row
-- and each failing row's result records its error.
CREATE FUNCTION _sg_reprocess_batch(source regclass, results regclass, stamp_column text,
	key_name text, key_type text, model text, after_key text, batch_size integer, run bigint,
	OUT rows_done integer, OUT rows_failed integer, OUT last_key text)
	LANGUAGE plpgsql AS $$
DECLARE
	todo text := @extschema@._sg_reprocess_todo(source, results, stamp_column, key_name)
		|| format(' AND ($2::text IS NULL OR s.%I > $2::%s)', key_name, key_type);
	in_batch text := format(' AND s.%I <= $3::%s', key_name, key_type);
	scored_row text := format('s.%I, @extschema@.lens_score(s.%I, coalesce(f.name, $1), f.version), f.name, f.version, now(), NULL, $3',
		key_name, stamp_column);
	one_row text := format(' FROM %s s LEFT JOIN LATERAL @extschema@.sg_finder_for(s.%I, $1) f ON true WHERE s.%I = $2::%s',
		source, stamp_column, key_name, key_type);
	keys text;
	scores real[];
	names text[];
	versions text[];
	key_list text[];
	one text;
BEGIN
	rows_done := 0;
	rows_failed := 0;
	EXECUTE format('SELECT max(k)::text FROM (SELECT s.%I AS k %s ORDER BY s.%I LIMIT $3) b', key_name, todo, key_name)
		INTO last_key USING model, after_key, batch_size;
	IF last_key IS NULL THEN
		RETURN;
	END IF;
	BEGIN
		-- OFFSET 0 keeps lens_score in the scan's target list, below any Gather
		EXECUTE format('SELECT array_agg(k)::text, array_agg(sc), array_agg(n), array_agg(v) FROM (
				SELECT s.%I AS k, @extschema@.lens_score(s.%I, coalesce(f.name, $1), f.version) AS sc,
					f.name AS n, f.version AS v %s%s OFFSET 0) b',
				key_name, stamp_column, todo, in_batch)
			INTO keys, scores, names, versions USING model, after_key, last_key;
	EXCEPTION WHEN OTHERS THEN
		keys := NULL;
	END;
	IF keys IS NOT NULL THEN
		EXECUTE @extschema@._sg_results_upsert(results, key_name,
				format('u.k, u.sc, u.n, u.v, now(), NULL, $5 FROM unnest($1::%s[], $2, $3, $4) AS u(k, sc, n, v)', key_type))
			USING keys, scores, names, versions, run;
		rows_done := cardinality(scores);
		RETURN;
	END IF;
	EXECUTE format('SELECT array_agg(s.%I::text ORDER BY s.%I) %s%s', key_name, key_name, todo, in_batch)
		INTO key_list USING model, after_key, last_key;
	FOREACH one IN ARRAY coalesce(key_list, '{}') LOOP
		BEGIN
			EXECUTE @extschema@._sg_results_upsert(results, key_name, scored_row || one_row) USING model, one, run;
		EXCEPTION WHEN OTHERS THEN
			EXECUTE @extschema@._sg_results_upsert(results, key_name,
					format('s.%I, NULL, f.name, f.version, now(), $4, $3', key_name) || one_row)
				USING model, one, run, SQLSTATE || ': ' || SQLERRM;
			rows_failed := rows_failed + 1;
		END;
		rows_done := rows_done + 1;
	END LOOP;
END $$;
COMMENT ON FUNCTION _sg_reprocess_batch(regclass, regclass, text, text, text, text, text, integer, bigint) IS
	'internal: score one batch of sg_reprocess and write its results; returns rows done, rows failed and the last key';

-- Transaction-local settings that let the planner give a batch's scoring
-- query up to n parallel workers (stamps are TOASTed: the heap looks tiny).
CREATE FUNCTION _sg_reprocess_parallel(workers integer) RETURNS void
	LANGUAGE sql VOLATILE
BEGIN ATOMIC
	SELECT set_config('max_parallel_workers_per_gather', workers::text, true),
		set_config('parallel_setup_cost', '0', true), set_config('parallel_tuple_cost', '0', true),
		set_config('min_parallel_table_scan_size', '0', true),
		set_config('min_parallel_index_scan_size', '0', true);
END;
COMMENT ON FUNCTION _sg_reprocess_parallel(integer) IS
	'internal: let the current transaction''s queries use up to n parallel workers on small heaps';

CREATE PROCEDURE sg_reprocess(source regclass, results text DEFAULT NULL, stamp_column text DEFAULT 'stamp',
	key_column text DEFAULT NULL, model text DEFAULT NULL, batch_size integer DEFAULT 1000,
	workers integer DEFAULT NULL)
	LANGUAGE plpgsql AS $$
DECLARE
	k record;
	b record;
	target regclass;
	lock_key bigint;
	run bigint;
	todo bigint;
	after_key text;
	done bigint := 0;
	failed bigint := 0;
	batches integer := 0;
BEGIN
	IF batch_size IS NULL OR batch_size < 1 THEN
		RAISE EXCEPTION USING ERRCODE = 'invalid_parameter_value',
			MESSAGE = format('batch_size must be a positive number of rows, not %s', coalesce(batch_size::text, 'NULL'));
	END IF;
	IF workers < 0 THEN
		RAISE EXCEPTION USING ERRCODE = 'invalid_parameter_value',
			MESSAGE = format('workers must be 0 or more, not %s', workers);
	END IF;
	IF stamp_column IS NULL THEN
		RAISE EXCEPTION USING ERRCODE = 'null_value_not_allowed', MESSAGE = 'stamp_column must name a column';
	END IF;
	IF model IS NOT NULL AND NOT EXISTS (
			SELECT 1 FROM @extschema@.sglens_model m WHERE m.name = sg_reprocess.model AND m.task = 'finder') THEN
		RAISE EXCEPTION USING ERRCODE = 'undefined_object',
			MESSAGE = format('no lens finder "%s" is registered', model);
	END IF;
	k := @extschema@._sg_reprocess_source(source, stamp_column, key_column);
	target := @extschema@.sg_results_table(source, results, key_column);
	-- fails (2D000) inside a transaction block or a function, before any
	-- lock is taken: the batches must commit
	COMMIT;
	lock_key := @extschema@._sg_reprocess_lock_key(target);
	IF NOT pg_try_advisory_lock(lock_key) THEN
		RAISE EXCEPTION USING ERRCODE = 'lock_not_available',
			MESSAGE = format('another sg_reprocess run is writing %s', target),
			DETAIL = format('Backend %s holds its lock.', (SELECT string_agg(l.pid::text, ', ') FROM pg_locks l
				WHERE l.locktype = 'advisory' AND l.granted AND l.classid = 1397181522::oid
					AND l.objid = target::oid AND l.objsubid = 1
					AND l.database = (SELECT d.oid FROM pg_database d WHERE d.datname = current_database()))),
			HINT = 'Wait for it to finish (see sglens_reprocess_progress), or stop it with pg_cancel_backend().';
	END IF;
	BEGIN
		EXECUTE 'SELECT count(*) ' || @extschema@._sg_reprocess_todo(source, target, stamp_column, k.key_name)
			INTO todo USING model;
		run := @extschema@._sg_reprocess_run_start(source, target, model, todo);
	EXCEPTION WHEN OTHERS OR query_canceled THEN
		PERFORM pg_advisory_unlock(lock_key);
		RAISE;
	END;
	COMMIT;
	RAISE NOTICE 'sg_reprocess %: run %, % rows to score', target, run, todo;
	LOOP
		BEGIN
			IF workers IS NOT NULL THEN
				PERFORM @extschema@._sg_reprocess_parallel(workers);
			END IF;
			SELECT * INTO b FROM @extschema@._sg_reprocess_batch(source, target, stamp_column, k.key_name,
				k.key_type, model, after_key, batch_size, run);
			IF b.last_key IS NOT NULL THEN
				PERFORM @extschema@._sg_reprocess_run_step(run, b.rows_done, b.rows_failed);
			END IF;
		EXCEPTION WHEN OTHERS OR query_canceled THEN
			PERFORM pg_advisory_unlock(lock_key);
			RAISE;
		END;
		EXIT WHEN b.last_key IS NULL;
		COMMIT;
		after_key := b.last_key;
		done := done + b.rows_done;
		failed := failed + b.rows_failed;
		batches := batches + 1;
		RAISE NOTICE 'sg_reprocess %: batch %, % of % rows done (% failed)', target, batches, done, todo, failed;
	END LOOP;
	PERFORM @extschema@._sg_reprocess_run_finish(run);
	COMMIT;
	PERFORM pg_advisory_unlock(lock_key);
	RAISE NOTICE 'sg_reprocess %: run % finished, % rows done (% failed) in % batches', target, run, done, failed, batches;
END $$;
COMMENT ON PROCEDURE sg_reprocess(regclass, text, text, text, text, integer, integer) IS
	'score the stamps of a table in committed batches into its results table, (re)scoring rows without a result from the current model version; resumable';
