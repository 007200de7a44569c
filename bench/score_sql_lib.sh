#!/bin/bash
# Shared by bench/lens_score_sql.sh and bench/parallel_sql.sh (source it):
# a private cluster with sglens, a table `stamps` of N stored LSST g,r,i 64x64
# stamps, and lens_score() throughput with a given number of parallel workers.
# SGLENS_BENCH_NO_SETUP=1 skips installing packages and building (use the
# extension as installed).  SGLENS_BENCH_SHARED_BUFFERS=6GB (say) gives the
# cluster that much shared_buffers and loads the stamps into them
# (pg_prewarm) before timing, so that reading them from the OS page cache
# is not counted; the default is PostgreSQL's own 128 MB.
source "$(dirname "${BASH_SOURCE[0]}")/../scripts/common.sh"
export SGLENS_CLUSTER_DIR=${SGLENS_CLUSTER_DIR:-$REPO/build/bench-cluster}
export SGLENS_PORT=${SGLENS_PORT:-55439}
psql() { command psql -X -q -v ON_ERROR_STOP=1 "$@"; }

# Start the cluster, register model file $2 as the default finder, make $1 stamps.
bench_stamps() {
	local n=$1 model=$2
	[ -n "${SGLENS_BENCH_NO_SETUP:-}" ] || sglens_setup
	sglens_start_cluster
	psql -c "CREATE EXTENSION sglens CASCADE" 2>/dev/null
	# psql reads the file itself (a model is too large for a command-line argument)
	psql >/dev/null <<SQL
\\set w \`base64 -w0 '$model'\`
SELECT sg_register_model(decode(:'w', 'base64'), make_default => true)
WHERE NOT EXISTS (SELECT 1 FROM sglens_model m, sg_model_header(decode(:'w', 'base64')) h
	WHERE m.name = h.name AND m.version = h.version);
SQL
	echo "making $n stamps..."
	psql -c "CREATE TABLE stamps AS SELECT id, image FROM simulate_lens_sample($n, 'LSST', 4242,
		bands => ARRAY['g','r','i'], size => 64, supersampling => 1)" \
		-c "ALTER TABLE stamps ADD PRIMARY KEY (id)" -c "VACUUM ANALYZE stamps"
	# write the new table out now, not during the timed queries (the checkpoint
	# it would trigger and the kernel's write-back take CPU from them)
	psql -c "CHECKPOINT"
	sync
	if [ -n "${SGLENS_BENCH_SHARED_BUFFERS:-}" ]; then
		psql -c "ALTER SYSTEM SET shared_buffers = '$SGLENS_BENCH_SHARED_BUFFERS'"
		bash "$REPO/scripts/pgcluster.sh" stop "$CLUSTER_DIR" >/dev/null
		bash "$REPO/scripts/pgcluster.sh" start "$CLUSTER_DIR" "$PGPORT" >/dev/null
		psql -At -c "CREATE EXTENSION IF NOT EXISTS pg_prewarm" \
			-c "SELECT 'prewarmed ' || pg_prewarm('stamps') + pg_prewarm(reltoastrelid) || ' pages into ' || current_setting('shared_buffers')
				FROM pg_class WHERE relname = 'stamps'"
	fi
}

# Settings that let the planner use up to $1 workers: the stamps are
# TOASTed, so the heap looks far smaller than the work.
parallel_settings() {
	cat <<SQL
SET max_parallel_workers_per_gather = $1;
SET parallel_setup_cost = 0;
SET parallel_tuple_cost = 0;
SET min_parallel_table_scan_size = 0;
SQL
}

# "RATE RESULT": stamps/s of query $2 (its result is RESULT) over the $3
# stamps with up to $1 workers, after one warm-up query on a few stamps.
timed_query() {
	psql -At <<SQL | tail -1
$(parallel_settings "$1")
SELECT count(lens_score(image)) FROM stamps WHERE id <= 20;
SELECT extract(epoch FROM clock_timestamp()) AS t0 \gset
$2 \gset r_
SELECT round(($3 / (extract(epoch FROM clock_timestamp()) - :t0))::numeric, 1) || ' ' || :'r_result';
SQL
}

# "Workers Launched: N" of a small scoring query with up to $1 workers.
workers_launched() {
	{
		parallel_settings "$1"
		echo "EXPLAIN (ANALYZE, COSTS OFF, TIMING OFF) SELECT count(lens_score(image)) FROM stamps WHERE id % 50 = 0;"
	} | psql -At | grep -o 'Workers Launched: [0-9]*' || echo 'Workers Launched: 0'
}
