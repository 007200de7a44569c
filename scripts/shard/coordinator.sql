-- sglens sharding, coordinator side: PL/Proxy functions that run the
-- survey-wide "top candidates" query on every shard at once and merge the
-- shards' answers.  Deployment SQL, not part of the extension: run it with
--   psql -d COORDINATOR_DB -f scripts/shard/coordinator.sql
-- in the coordinator's database (needs postgresql-15-plproxy and a superuser
-- to create the plproxy extension), then name the shards once with
--   SELECT sg_shard_define(ARRAY['host=db1 dbname=survey', 'host=db2 dbname=survey', ...]);
--   CREATE USER MAPPING FOR PUBLIC SERVER sglens_shards;   -- or per role, with a password
--   GRANT USAGE ON FOREIGN SERVER sglens_shards TO astronomers;
-- Every shard runs sglens (sg_top_candidates) with the same registered
-- model versions.  The coordinator needs neither sglens nor the stamps.
-- See docs/sharding.md.

CREATE EXTENSION IF NOT EXISTS plproxy;

-- (Re)define the PL/Proxy cluster "sglens_shards": one partition per
-- connection string, any number of shards (modular mapping).
CREATE OR REPLACE FUNCTION sg_shard_define(shards text[]) RETURNS integer
	LANGUAGE plpgsql AS $$
DECLARE
	opts text[] := ARRAY[$o$modular_mapping '1'$o$];
	old text[];
BEGIN
	IF shards IS NULL OR cardinality(shards) = 0 OR array_position(shards, NULL) IS NOT NULL THEN
		RAISE EXCEPTION USING ERRCODE = 'invalid_parameter_value',
			MESSAGE = 'sg_shard_define needs one connection string per shard';
	END IF;
	FOR i IN 1 .. cardinality(shards) LOOP
		opts := opts || format('p%s %L', i - 1, shards[i]);
	END LOOP;
	IF NOT EXISTS (SELECT 1 FROM pg_foreign_server WHERE srvname = 'sglens_shards') THEN
		EXECUTE 'CREATE SERVER sglens_shards FOREIGN DATA WRAPPER plproxy OPTIONS ('
			|| array_to_string(opts, ', ') || ')';
	ELSE
		-- replace the options in place, keeping user mappings and grants
		SELECT array_agg(format('DROP %I', split_part(o, '=', 1))) INTO old
		FROM pg_foreign_server s, unnest(s.srvoptions) o WHERE s.srvname = 'sglens_shards';
		EXECUTE 'ALTER SERVER sglens_shards OPTIONS ('
			|| array_to_string(coalesce(old, '{}') || array(SELECT 'ADD ' || o FROM unnest(opts) o), ', ')
			|| ')';
	END IF;
	RETURN cardinality(shards);
END $$;
COMMENT ON FUNCTION sg_shard_define(text[]) IS
	'(re)define the PL/Proxy cluster sglens_shards: one partition per libpq connection string';

-- Every shard's best n: runs sg_top_candidates on all shards in parallel.
CREATE OR REPLACE FUNCTION sg_shard_top_candidates_all(stamps text, n integer, model text,
	version text) RETURNS TABLE (id bigint, score float4) LANGUAGE plproxy AS $$
	CLUSTER 'sglens_shards';
	RUN ON ALL;
	SELECT c.id, c.score FROM sg_top_candidates(stamps::regclass, n, model, version) c;
$$;
COMMENT ON FUNCTION sg_shard_top_candidates_all(text, integer, text, text) IS
	'the best n (id, score) rows of each shard''s table of stamps, scored on the shards with one fixed model version';

-- The survey-wide best n: the best n of the shards' best n.
CREATE OR REPLACE FUNCTION sg_shard_top_candidates(stamps text, n integer, model text,
	version text) RETURNS TABLE (id bigint, score float4) LANGUAGE sql STABLE AS $$
	SELECT c.id, c.score FROM sg_shard_top_candidates_all(stamps, n, model, version) c
	ORDER BY c.score DESC, c.id LIMIT n;
$$;
COMMENT ON FUNCTION sg_shard_top_candidates(text, integer, text, text) IS
	'the n stamps with the highest lens_score over all shards (best first, ties by id); only (id, score) rows leave the shards';

-- The model version as each shard has it, to check that all shards agree.
CREATE OR REPLACE FUNCTION sg_shard_model(model text, version text)
	RETURNS TABLE (shard text, weights_md5 text) LANGUAGE plproxy AS $$
	CLUSTER 'sglens_shards';
	RUN ON ALL;
	SELECT coalesce(host(inet_server_addr()), 'socket') || ':' || current_setting('port') || '/' || current_database() AS shard,
		(SELECT md5(m.weights) FROM sglens_model m WHERE m.name = model AND m.version = version) AS weights_md5;
$$;
COMMENT ON FUNCTION sg_shard_model(text, text) IS
	'for each shard: where it is, and the checksum of its copy of a registered model version (NULL where it is missing)';
