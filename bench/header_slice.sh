#!/bin/bash
# Benchmark: metadata accessors read only the header slice of a stored stamp.
# For tables of single-band N x N stamps (stored out of line), it measures the
# time per row of sg_width() (header slice) and of a full-pixel function
# (sg_to_array(...)[1][1][1], which detoasts everything), best of 5 runs, and
# the buffers each query touches.  The accessor's cost should stay flat as
# N grows; the full read grows with N².
# Usage: bench/header_slice.sh [--record]   (appends to bench/RESULTS.md)
source "$(dirname "${BASH_SOURCE[0]}")/../scripts/common.sh"
export SGLENS_CLUSTER_DIR=${SGLENS_CLUSTER_DIR:-$REPO/build/bench-cluster}
export SGLENS_PORT=${SGLENS_PORT:-55439}
sglens_setup
sglens_start_cluster
psql() { command psql -X -q -v ON_ERROR_STOP=1 "$@"; }
psql -c "CREATE EXTENSION sglens CASCADE" 2>/dev/null
psql <<'SQL'
CREATE FUNCTION best_seconds(q text, reps int) RETURNS float8 LANGUAGE plpgsql AS $$
DECLARE
	t0 timestamptz;
	best float8 := 1e9;
BEGIN
	FOR i IN 1..reps LOOP
		t0 := clock_timestamp();
		EXECUTE q;
		best := least(best, extract(epoch FROM clock_timestamp() - t0));
	END LOOP;
	RETURN best;
END $$;
-- shared buffers touched by a query (heap + TOAST), from EXPLAIN
CREATE FUNCTION buffers(q text) RETURNS bigint LANGUAGE plpgsql AS $$
DECLARE
	plan json;
BEGIN
	EXECUTE 'EXPLAIN (ANALYZE, BUFFERS, FORMAT JSON) ' || q INTO plan;
	RETURN (plan -> 0 -> 'Plan' ->> 'Shared Hit Blocks')::bigint +
		(plan -> 0 -> 'Plan' ->> 'Shared Read Blocks')::bigint;
END $$;
SQL
rows=20
results=$(mktemp)
printf "| stamp | pixels | stored bytes | sg_width µs/row | buffers | full read µs/row | buffers |\n|---|---|---|---|---|---|---|\n" >"$results"
for n in 32 256 1024 2048; do
	psql -c "CREATE TABLE s$n AS SELECT i, sgimage(array_fill((i * 0.5)::float4, ARRAY[$n, $n]), 0.2) AS img
		FROM generate_series(1, $rows) i" -c "VACUUM ANALYZE s$n"
	line=$(psql -At -F ' | ' -c "SELECT '${n}x${n}', $n * $n,
		(SELECT pg_column_size(img) FROM s$n LIMIT 1),
		round((best_seconds('SELECT sum(sg_width(img)) FROM s$n', 5) / $rows * 1e6)::numeric, 1),
		buffers('SELECT sum(sg_width(img)) FROM s$n'),
		round((best_seconds('SELECT sum((sg_to_array(img))[1][1][1]) FROM s$n', 5) / $rows * 1e6)::numeric, 1),
		buffers('SELECT sum((sg_to_array(img))[1][1][1]) FROM s$n')")
	echo "| $line |" >>"$results"
	psql -c "DROP TABLE s$n"
done
cat "$results"
if [ "${1:-}" = "--record" ]; then
	{
		echo
		echo "## header_slice — $(date -u +%Y-%m-%d), $(nproc)-core $(uname -m), PostgreSQL $(pg_config --version | awk '{print $2}')"
		echo
		cat "$results"
	} >>"$REPO/bench/RESULTS.md"
fi
rm -f "$results"
