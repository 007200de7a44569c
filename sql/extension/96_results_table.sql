-- ---------------------------------------------------------------------------
-- Results tables of sg_reprocess: one row per row of a user's table of
-- stamps, with the score, the model name and version that produced it, and
-- when.  See docs/reprocess.md.
-- ---------------------------------------------------------------------------

-- Check a table of stamps and find its key: the named column, which must have
-- a unique index of its own, or else the single-column primary key.
CREATE FUNCTION _sg_reprocess_source(source regclass, stamp_column text, key_column text,
	OUT key_name text, OUT key_type text, OUT key_collation text)
	LANGUAGE plpgsql STABLE AS $$
DECLARE
	kind "char";
	stamp_type oid;
	key_attnum int2;
BEGIN
	SELECT c.relkind INTO kind FROM pg_class c WHERE c.oid = source;
	IF kind NOT IN ('r', 'p', 'm') THEN
		RAISE EXCEPTION USING ERRCODE = 'wrong_object_type',
			MESSAGE = format('%s is not a table', source),
			HINT = 'sg_reprocess scores the rows of a table or materialized view.';
	END IF;
	IF stamp_column IS NOT NULL THEN
		SELECT a.atttypid INTO stamp_type FROM pg_attribute a
		WHERE a.attrelid = source AND a.attname = stamp_column AND a.attnum > 0 AND NOT a.attisdropped;
		IF NOT FOUND THEN
			RAISE EXCEPTION USING ERRCODE = 'undefined_column',
				MESSAGE = format('column "%s" of table %s does not exist', stamp_column, source),
				HINT = 'Name the column that holds the stamps with stamp_column => ...';
		END IF;
		IF stamp_type <> '@extschema@.sgimage'::regtype THEN
			RAISE EXCEPTION USING ERRCODE = 'datatype_mismatch',
				MESSAGE = format('column "%s" of table %s is of type %s, not sgimage',
					stamp_column, source, format_type(stamp_type, NULL));
		END IF;
	END IF;
	IF key_column IS NULL THEN
		SELECT i.indkey[0] INTO key_attnum FROM pg_index i WHERE i.indrelid = source AND i.indisprimary;
		IF NOT FOUND THEN
			RAISE EXCEPTION USING ERRCODE = 'invalid_column_reference',
				MESSAGE = format('table %s has no primary key', source),
				HINT = 'Name a key column with key_column => ...; it needs a unique index.';
		END IF;
		IF (SELECT i.indnkeyatts FROM pg_index i WHERE i.indrelid = source AND i.indisprimary) <> 1 THEN
			RAISE EXCEPTION USING ERRCODE = 'invalid_column_reference',
				MESSAGE = format('the primary key of table %s has more than one column', source),
				HINT = 'Name a single key column with a unique index with key_column => ...';
		END IF;
	ELSE
		SELECT a.attnum INTO key_attnum FROM pg_attribute a
		WHERE a.attrelid = source AND a.attname = key_column AND a.attnum > 0 AND NOT a.attisdropped;
		IF NOT FOUND THEN
			RAISE EXCEPTION USING ERRCODE = 'undefined_column',
				MESSAGE = format('column "%s" of table %s does not exist', key_column, source);
		END IF;
		IF NOT EXISTS (SELECT 1 FROM pg_index i WHERE i.indrelid = source AND i.indisunique AND i.indisvalid
				AND i.indnkeyatts = 1 AND i.indkey[0] = key_attnum AND i.indpred IS NULL) THEN
			RAISE EXCEPTION USING ERRCODE = 'invalid_column_reference',
				MESSAGE = format('column "%s" of table %s has no unique index', key_column, source),
				HINT = 'Each row gets exactly one result, found by its key: the key must be unique.';
		END IF;
	END IF;
	SELECT a.attname, format_type(a.atttypid, a.atttypmod),
		CASE WHEN a.attcollation <> t.typcollation THEN a.attcollation::regcollation::text END
	INTO key_name, key_type, key_collation
	FROM pg_attribute a JOIN pg_type t ON t.oid = a.atttypid
	WHERE a.attrelid = source AND a.attnum = key_attnum;
END $$;
COMMENT ON FUNCTION _sg_reprocess_source(regclass, text, text) IS
	'internal: check a table of stamps for sg_reprocess and return its key column, type and collation';

-- Check that an existing table can take sg_reprocess results for this key.
CREATE FUNCTION _sg_results_check(results regclass, key_name text, key_type text)
	RETURNS void LANGUAGE plpgsql STABLE AS $$
DECLARE
	wrong text;
BEGIN
	SELECT string_agg(format('%I %s', need.col, need.typ), ', ' ORDER BY need.ord) INTO wrong
	FROM (VALUES (0, key_name, key_type), (1, 'score', 'real'), (2, 'model_name', 'text'),
			(3, 'model_version', 'text'), (4, 'scored_at', 'timestamp with time zone'),
			(5, 'error', 'text'), (6, 'run_id', 'bigint')) need(ord, col, typ)
	LEFT JOIN pg_attribute a ON a.attrelid = results AND a.attname = need.col AND a.attnum > 0
		AND NOT a.attisdropped
	WHERE a.attnum IS NULL OR format_type(a.atttypid, a.atttypmod) <> need.typ;
	IF wrong IS NOT NULL THEN
		RAISE EXCEPTION USING ERRCODE = 'invalid_table_definition',
			MESSAGE = format('table %s is not an sg_reprocess results table', results),
			DETAIL = format('Missing or of another type: %s.', wrong),
			HINT = 'Let sg_reprocess create it (name a table that does not exist), or add the columns.';
	END IF;
	IF NOT EXISTS (SELECT 1 FROM pg_index i JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = i.indkey[0]
			WHERE i.indrelid = results AND i.indisunique AND i.indisvalid AND i.indnkeyatts = 1
				AND i.indpred IS NULL AND i.indexprs IS NULL AND a.attname = key_name) THEN
		RAISE EXCEPTION USING ERRCODE = 'invalid_table_definition',
			MESSAGE = format('column "%s" of results table %s has no unique index', key_name, results),
			HINT = 'A results table holds one result per key.';
	END IF;
END $$;
COMMENT ON FUNCTION _sg_results_check(regclass, text, text) IS
	'internal: check that a table has the sg_reprocess results layout for this key';

-- The results table of a table of stamps: found, checked, or created.
CREATE FUNCTION sg_results_table(source regclass, results text DEFAULT NULL, key_column text DEFAULT NULL)
	RETURNS regclass LANGUAGE plpgsql AS $$
DECLARE
	k record;
	nsp text;
	rel text;
	parts text[];
	found_table regclass;
BEGIN
	k := @extschema@._sg_reprocess_source(source, NULL, key_column);
	SELECT n.nspname, c.relname INTO nsp, rel
	FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE c.oid = source;
	IF results IS NULL THEN
		rel := rel || '_lens_results';
	ELSE
		parts := parse_ident(results);
		IF cardinality(parts) > 2 THEN
			RAISE EXCEPTION USING ERRCODE = 'invalid_name',
				MESSAGE = format('results table name "%s" has too many dotted parts', results);
		END IF;
		rel := parts[cardinality(parts)];
		IF cardinality(parts) = 2 THEN
			nsp := parts[1];
		END IF;
	END IF;
	found_table := to_regclass(format('%I.%I', nsp, rel));
	IF found_table IS NOT NULL THEN
		PERFORM @extschema@._sg_results_check(found_table, k.key_name, k.key_type);
		RETURN found_table;
	END IF;
	IF k.key_name IN ('score', 'model_name', 'model_version', 'scored_at', 'error', 'run_id') THEN
		RAISE EXCEPTION USING ERRCODE = 'duplicate_column',
			MESSAGE = format('key column "%s" of table %s has the name of a results column', k.key_name, source);
	END IF;
	EXECUTE format($sql$
		CREATE TABLE %I.%I (
			%I %s%s PRIMARY KEY,
			score real,
			model_name text,
			model_version text,
			scored_at timestamptz NOT NULL DEFAULT now(),
			error text,
			run_id bigint,
			CHECK ((score IS NULL) <> (error IS NULL)))$sql$,
		nsp, rel, k.key_name, k.key_type, coalesce(' COLLATE ' || k.key_collation, ''));
	found_table := format('%I.%I', nsp, rel)::regclass;
	EXECUTE format('COMMENT ON TABLE %s IS %L', found_table,
		format('lens_score results of %s, one row per row, written by sg_reprocess', source));
	EXECUTE format('COMMENT ON COLUMN %s.score IS %L', found_table,
		'probability that the stamp shows a lens; NULL when scoring failed (see error)');
	EXECUTE format('COMMENT ON COLUMN %s.model_name IS %L', found_table, 'the finder that scored the stamp');
	EXECUTE format('COMMENT ON COLUMN %s.model_version IS %L', found_table,
		'its registered version (sglens_model): a registered version never changes');
	EXECUTE format('COMMENT ON COLUMN %s.scored_at IS %L', found_table, 'when the batch that scored the stamp started');
	EXECUTE format('COMMENT ON COLUMN %s.error IS %L', found_table,
		'SQLSTATE and message when the stamp could not be scored, else NULL');
	EXECUTE format('COMMENT ON COLUMN %s.run_id IS %L', found_table, 'the sg_reprocess run (sglens_reprocess_run)');
	RETURN found_table;
END $$;
COMMENT ON FUNCTION sg_results_table(regclass, text, text) IS
	'the results table of a table of stamps (default: <table>_lens_results in its schema), created if missing';
