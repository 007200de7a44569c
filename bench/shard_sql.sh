#!/bin/bash
# Benchmark: the survey-wide "top candidates" query (lens_score of every
# stamp with one fixed model version, best N kept) on one node and over three
# PL/Proxy shards on this machine; for comparison, postgres_fdw foreign
# partitions (the stamps travel to the coordinator) and postgres_fdw over a
# view of scores on each shard.  Reports stamps/s and the machine's load.
# The build is up to the caller (make install, or scripts/test.sh).
# Usage: bench/shard_sql.sh [STAMPS_PER_SHARD] [--record]
source "$(dirname "${BASH_SOURCE[0]}")/../scripts/common.sh"
source "$REPO/scripts/shard/local_shards.sh"
per=${1:-1000}
record=${2:-}
nshards=3
port=${SGLENS_SHARD_PORT:-55450}
top=20
total=$((nshards * per))
load_before=$(uptime | sed 's/.*load average: //')

trap shards_destroy EXIT
shards_start "$(shards_base_dir)" "$port" "$nshards"
for k in $(seq 1 "$nshards"); do
	# one backend per shard: the shards are the parallelism here
	shards_psql "$k" postgres -c "ALTER SYSTEM SET max_parallel_workers_per_gather = 0" \
		-c "SELECT pg_reload_conf()" >/dev/null
done
echo "simulating $per stamps (LSST g,r,i, 64x64) on each of $nshards shards and $total on one node..."
shards_load "$per" 4242 64
shards_coordinator
# the default finder for LSST g, r, i stamps, named with its version
read -r model version < <(shards_psql 1 "$SHARDS_DB" -F ' ' -c "SELECT name, version FROM sglens_model
	WHERE task = 'finder' AND is_default AND bands = '{g,r,i}' AND pixel_scale = 0.2") || true
[ -n "${version:-}" ] || { echo "no default finder for LSST g, r, i stamps is registered" >&2; exit 1; }
for k in $(seq 1 "$nshards"); do
	shards_psql "$k" "$SHARDS_DB" -c "CREATE TABLE warm AS SELECT * FROM stamps LIMIT 2" \
		-c "CREATE VIEW stamp_scores AS SELECT id, lens_score(image, '$model', '$version') AS score FROM stamps"
done
shards_psql coord postgres -c "CREATE DATABASE single" -c "CREATE DATABASE fdw"
shards_psql coord single -c "SET client_min_messages = warning" -c "CREATE EXTENSION sglens CASCADE" \
	-c "CREATE TABLE stamps AS SELECT id, is_lens, image FROM simulate_lens_sample($total, 'LSST', 4242,
		bands => ARRAY['g', 'r', 'i'], size => 64, supersampling => 1)" -c "VACUUM ANALYZE stamps"
shards_psql coord fdw -c "SET client_min_messages = warning" -c "CREATE EXTENSION sglens CASCADE" \
	-c "CREATE EXTENSION postgres_fdw" \
	-c "CREATE TABLE stamps (id bigint NOT NULL, is_lens boolean, image sgimage) PARTITION BY RANGE (id)" \
	-c "CREATE TABLE scores (id bigint NOT NULL, score real) PARTITION BY RANGE (id)"
for k in $(seq 1 "$nshards"); do
	range="FROM ($(((k - 1) * per + 1))) TO ($((k * per + 1)))"
	shards_psql coord fdw \
		-c "CREATE SERVER shard$k FOREIGN DATA WRAPPER postgres_fdw OPTIONS (host '$(shards_node_dir "$k")/socket',
			port '$(shards_node_port "$k")', dbname '$SHARDS_DB', extensions 'sglens, postgis', async_capable 'true')" \
		-c "CREATE USER MAPPING FOR PUBLIC SERVER shard$k OPTIONS (user 'postgres')" \
		-c "CREATE FOREIGN TABLE stamps_$k PARTITION OF stamps FOR VALUES $range SERVER shard$k OPTIONS (table_name 'stamps')" \
		-c "CREATE FOREIGN TABLE scores_$k PARTITION OF scores FOR VALUES $range SERVER shard$k OPTIONS (table_name 'stamp_scores')"
done

# run DB SETUP WARMUP QUERY: sets rate to the stamps/s of QUERY (run after
# WARMUP in the same session, so that every backend has its model loaded)
# and answer to its rows
run() {
	local out
	out=$(shards_psql coord "$1" <<SQL
$2
$3
SELECT extract(epoch FROM clock_timestamp()) AS t0 \gset
SELECT string_agg(id || '|' || score, ' ') FROM ($4) q;
SELECT round(($total / (extract(epoch FROM clock_timestamp()) - :t0))::numeric, 1);
SQL
)
	answer=$(echo "$out" | tail -2 | head -1)
	rate=$(echo "$out" | tail -1)
	[ "$answer" = "${want:-$answer}" ] && same=same || same=DIFFERENT
}
single_query="SELECT id, score FROM (SELECT id, lens_score(image, '$model', '$version') AS score FROM stamps) s
	ORDER BY score DESC, id LIMIT $top"
warm_single="SELECT lens_score(image, '$model', '$version') FROM stamps LIMIT 1;"
parallel="SET parallel_setup_cost = 0; SET parallel_tuple_cost = 0; SET min_parallel_table_scan_size = 0;"
all_same=yes

run single "SET max_parallel_workers_per_gather = 0;" "$warm_single" "$single_query"
want=$answer
serial=$rate
echo "one node, serial: $serial stamps/s"
run single "SET max_parallel_workers_per_gather = 2; $parallel" "$warm_single" "$single_query"
workers=$rate
[ "$same" = same ] || all_same=no
echo "one node, 2 parallel workers: $workers stamps/s ($same answer)"
run coord "" "SELECT count(*) FROM sg_shard_top_candidates_all('warm', 1, '$model', '$version');" \
	"SELECT * FROM sg_shard_top_candidates('stamps', $top, '$model', '$version')"
sharded=$rate
[ "$same" = same ] || all_same=no
echo "$nshards shards, PL/Proxy: $sharded stamps/s ($same answer)"
run fdw "SET max_parallel_workers_per_gather = 0;" "$warm_single" "$single_query"
fdw=$rate
[ "$same" = same ] || all_same=no
echo "$nshards shards, postgres_fdw (stamps shipped, scored on the coordinator): $fdw stamps/s ($same answer)"
run fdw "" "" "SELECT id, score FROM scores ORDER BY score DESC, id LIMIT $top"
views=$rate
[ "$same" = same ] || all_same=no
views_plan=$(shards_psql coord fdw -c "EXPLAIN SELECT id, score FROM scores ORDER BY score DESC, id LIMIT $top" |
	sed -n 2p | sed -E 's/^ *-> *//; s/ *\(cost.*//')
echo "$nshards shards, postgres_fdw over score views ($views_plan): $views stamps/s ($same answer)"
load_after=$(uptime | sed 's/.*load average: //')
ratio=$(echo "$sharded $serial" | awk '{printf "%.2f", $1 / $2}')
cpu=$(lscpu | sed -n 's/^Model name: *//p' | head -1)
line="| $(date -u +%Y-%m-%d) | $(nproc) × $cpu | $load_before / $load_after | $total | $serial | $workers | $sharded | $fdw | $views | ${ratio}× |"
echo "$line"
if [ "$all_same" != yes ]; then
	echo "the top-$top answers differ between the variants" >&2
	exit 1
fi
if [ "$record" = "--record" ]; then
	{
		echo
		echo "## shard_sql — top $top candidates by lens_score, stamps/s: one node vs $nshards PL/Proxy shards on the same machine"
		echo
		echo "| date | machine (nproc × CPU) | load 1/5/15 min before / after | stamps | one node serial | one node 2 workers | $nshards shards PL/Proxy | $nshards shards postgres_fdw (stamps shipped) | $nshards shards postgres_fdw over score views | PL/Proxy ÷ serial |"
		echo "|---|---|---|---|---|---|---|---|---|---|"
		echo "$line"
	} >>"$REPO/bench/RESULTS.md"
fi
