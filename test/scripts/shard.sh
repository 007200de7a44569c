#!/bin/bash
# Sharding with PL/Proxy: a coordinator and three shard clusters on local
# ports (SGLENS_SHARD_PORT, default 55450, and the next three).  Each shard
# simulates its own id range of one population; a survey-wide "top
# candidates" query through the coordinator must equal the single-node
# answer over the same rows, and only (id, score) rows may leave the shards.
# Also checks the reason postgres_fdw was not chosen (docs/sharding.md): its
# plan fetches the stamps.  Prints "shard: N passed, N failed"; the clusters
# are deleted on exit.
source "$(dirname "${BASH_SOURCE[0]}")/../../scripts/common.sh"
source "$REPO/scripts/shard/local_shards.sh"
port=${SGLENS_SHARD_PORT:-55450}
nshards=3
per_shard=100
top=10
seed=2024
passed=0
failed=0

# check NAME WANT GOT: pass when the two strings are equal
check() {
	if [ "$2" = "$3" ]; then
		passed=$((passed + 1))
		echo "ok: $1"
	else
		failed=$((failed + 1))
		echo "FAILED: $1"
		echo "  want: $(echo "$2" | head -12)"
		echo "  got:  $(echo "$3" | head -12)"
	fi
}
finish() {
	echo "shard: $passed passed, $failed failed"
	[ "$failed" -eq 0 ]
}

if [ ! -f "$(pg_config --sharedir)/extension/plproxy.control" ]; then
	echo "PL/Proxy is not installed (postgresql-15-plproxy, scripts/install_deps.sh)"
	failed=1
	finish
	exit 1
fi

trap shards_destroy EXIT
shards_start "$(shards_base_dir)" "$port" "$nshards"
for k in $(seq 1 "$nshards"); do
	# log what the coordinator sends, marked by its application_name
	shards_psql "$k" postgres -c "ALTER SYSTEM SET log_statement = 'all'" \
		-c "ALTER SYSTEM SET log_line_prefix = '%a|'" -c "SELECT pg_reload_conf()" >/dev/null
done
shards_load "$per_shard" "$seed" 48
shards_coordinator
# the default finder for LSST g, r, i stamps, named with its version
read -r model version < <(shards_psql 1 "$SHARDS_DB" -F ' ' -c "SELECT name, version FROM sglens_model
	WHERE task = 'finder' AND is_default AND bands = '{g,r,i}' AND pixel_scale = 0.2") || true
if [ -z "${version:-}" ]; then
	echo "no default finder for LSST g, r, i stamps is registered"
	failed=1
	finish
	exit 1
fi

# the single-node reference: the whole population on one node
total=$((nshards * per_shard))
shards_psql coord postgres -c "CREATE DATABASE single"
shards_psql coord single -c "SET client_min_messages = warning" -c "CREATE EXTENSION sglens CASCADE" \
	-c "CREATE TABLE stamps AS SELECT id, is_lens, image FROM simulate_lens_sample($total, 'LSST', $seed,
		bands => ARRAY['g', 'r', 'i'], size => 48, supersampling => 1)"

# 1. the shards hold exactly the single node's rows
for k in $(seq 1 "$nshards"); do
	digest="SELECT count(*) || ' ' || md5(string_agg(id || ':' || md5(image::text), ',' ORDER BY id)) FROM stamps"
	lo=$(((k - 1) * per_shard + 1))
	hi=$((k * per_shard))
	check "shard $k holds ids $lo..$hi of the population" \
		"$(shards_psql coord single -c "$digest WHERE id BETWEEN $lo AND $hi")" \
		"$(shards_psql "$k" "$SHARDS_DB" -c "$digest")"
done

# 2. every shard has the same model version as the single node
want=$(shards_psql coord single -c "SELECT md5(weights) FROM sglens_model WHERE name = '$model' AND version = '$version'")
check "all shards have model $model $version" \
	"$(for k in $(seq 1 "$nshards"); do echo "$want"; done)" \
	"$(shards_psql coord coord -c "SELECT weights_md5 FROM sg_shard_model('$model', '$version') ORDER BY shard")"

# 3. the survey-wide top candidates through the coordinator = the single-node answer
logsize=()
for k in $(seq 1 "$nshards"); do
	logsize[k]=$(stat -c %s "$(shards_node_dir "$k")/server.log")
done
single=$(shards_psql coord single -c "SELECT id || '|' || score FROM (
	SELECT id, lens_score(image, '$model', '$version') AS score FROM stamps) s
	ORDER BY score DESC, id LIMIT $top")
sharded=$(shards_psql coord coord -c "SELECT id || '|' || score FROM sg_shard_top_candidates('stamps', $top, '$model', '$version')")
check "top $top candidates: $top rows" "$top" "$(echo "$sharded" | grep -c '|')"
check "top $top candidates over $nshards shards = single node" "$single" "$sharded"

# 4. only (id, score) rows left the shards: each shard got one call of
# sg_top_candidates from the coordinator and no statement naming the stamps
for k in $(seq 1 "$nshards"); do
	sent=$(tail -c +$((logsize[k] + 1)) "$(shards_node_dir "$k")/server.log" |
		grep '^sglens_coordinator|LOG:' || true)
	check "shard $k: the coordinator sent one statement, a sg_top_candidates call" "1 1" \
		"$(echo "$sent" | grep -c . || true) $(echo "$sent" | grep -c 'sg_top_candidates(' || true)"
	check "shard $k: no statement from the coordinator reads the image column" "0" \
		"$(echo "$sent" | grep -ci 'image' || true)"
done
rows=$(shards_psql coord coord -c "SELECT count(*) || ' ' || sum(pg_column_size(c.*))
	FROM sg_shard_top_candidates_all('stamps', $top, '$model', '$version') c")
check "each shard returned its best $top rows" "$((nshards * top))" "${rows%% *}"
stamp_bytes=0
for k in $(seq 1 "$nshards"); do
	stamp_bytes=$((stamp_bytes + $(shards_psql "$k" "$SHARDS_DB" -c "SELECT sum(pg_column_size(image)) FROM stamps")))
done
echo "transferred: ${rows##* } bytes of (id, score) rows; the stamps are $stamp_bytes bytes"
check "rows transferred are under 0.1% of the stamps' bytes" "yes" \
	"$([ $((${rows##* } * 1000)) -lt "$stamp_bytes" ] && echo yes || echo no)"

# 5. errors on a shard reach the coordinator with their SQLSTATE
err=$(shards_psql coord coord -c "\set VERBOSITY verbose" \
	-c "SELECT * FROM sg_shard_top_candidates('stamps', 3, '$model', 'no-such-version')" 2>&1 || true)
check "an unknown model version fails with 42704" "42704" "$(echo "$err" | grep -o '42704' | head -1)"
err=$(shards_psql 1 "$SHARDS_DB" -c "\set VERBOSITY verbose" \
	-c "SELECT * FROM sg_top_candidates('stamps', -1, '$model', '$version')" 2>&1 || true)
check "a negative count fails with 22023" "22023" "$(echo "$err" | grep -o '22023' | head -1)"
err=$(shards_psql 1 "$SHARDS_DB" -c "\set VERBOSITY verbose" \
	-c "SELECT * FROM sg_top_candidates('stamps', 3, '$model', NULL)" 2>&1 || true)
check "a missing model version fails with 22004" "22004" "$(echo "$err" | grep -o '22004' | head -1)"
check "n = 0 gives no rows" "0" \
	"$(shards_psql 1 "$SHARDS_DB" -c "SELECT count(*) FROM sg_top_candidates('stamps', 0, '$model', '$version')")"

# 6. redefining the cluster takes effect at the next call, in the same session
counts=$(shards_psql coord coord \
	-c "SELECT count(*) FROM sg_shard_top_candidates_all('stamps', $top, '$model', '$version')" \
	-c "SELECT sg_shard_define(ARRAY['$(shards_connstr 1)', '$(shards_connstr 3)'])" \
	-c "SELECT count(*) FROM sg_shard_top_candidates_all('stamps', $top, '$model', '$version')" \
	-c "SELECT max(id) > $((2 * per_shard)) AND min(id) <= $per_shard FROM sg_shard_top_candidates_all('stamps', $top, '$model', '$version')")
check "sg_shard_define: 3 shards, then shards 1 and 3" "$((nshards * top)) 2 $((2 * top)) t" "$(echo $counts)"

# 7. why not postgres_fdw: with the stamps as foreign partitions, lens_score
# (with constant text arguments) is never shipped, so the plan fetches every
# stamp to the coordinator -- correct, but the stamps travel
shards_psql coord postgres -c "CREATE DATABASE fdw"
shards_psql coord fdw -c "SET client_min_messages = warning" -c "CREATE EXTENSION sglens CASCADE" \
	-c "CREATE EXTENSION postgres_fdw" \
	-c "CREATE TABLE stamps (id bigint NOT NULL, is_lens boolean, image sgimage) PARTITION BY RANGE (id)"
for k in $(seq 1 "$nshards"); do
	shards_psql coord fdw \
		-c "CREATE SERVER shard$k FOREIGN DATA WRAPPER postgres_fdw OPTIONS (host '$(shards_node_dir "$k")/socket',
			port '$(shards_node_port "$k")', dbname '$SHARDS_DB', extensions 'sglens, postgis')" \
		-c "CREATE USER MAPPING FOR PUBLIC SERVER shard$k OPTIONS (user 'postgres')" \
		-c "CREATE FOREIGN TABLE stamps_$k PARTITION OF stamps
			FOR VALUES FROM ($(((k - 1) * per_shard + 1))) TO ($((k * per_shard + 1))) SERVER shard$k OPTIONS (table_name 'stamps')"
done
fdw_query="SELECT id || '|' || score FROM (SELECT id, lens_score(image, '$model', '$version') AS score FROM stamps) s
	ORDER BY score DESC, id LIMIT $top"
plan=$(shards_psql coord fdw -c "EXPLAIN VERBOSE $fdw_query")
check "postgres_fdw: every foreign partition fetches the stamps" "$nshards" \
	"$(echo "$plan" | grep -c 'Remote SQL: SELECT id, image FROM public.stamps$' || true)"
plan=$(shards_psql coord fdw -c "EXPLAIN VERBOSE SELECT id FROM stamps WHERE lens_score(image, '$model', '$version') > 0.5")
check "postgres_fdw: lens_score(img, model, version) is not shipped even in WHERE" "$nshards" \
	"$(echo "$plan" | grep -c 'Remote SQL: SELECT id, image FROM public.stamps$' || true)"
check "postgres_fdw: same answer, computed on the coordinator" "$single" \
	"$(shards_psql coord fdw -c "$fdw_query")"

# 8. a shard that is down fails the query: no silent partial answer
bash "$REPO/scripts/pgcluster.sh" stop "$(shards_node_dir 3)"
err=$(shards_psql coord coord -c "SELECT count(*) FROM sg_shard_top_candidates('stamps', $top, '$model', '$version')" 2>&1 || true)
check "a stopped shard fails the query" "yes" "$(echo "$err" | grep -q 'ERROR' && echo yes || echo "no: $err")"

finish
