#!/bin/bash
# Benchmark: throughput of the population sampler through SQL (3-band 64x64
# LSST g, r, i stamps, with noise) and the backend's peak memory.
# Usage: bench/sampler_sql.sh [N] [--record]   (appends to bench/RESULTS.md)
source "$(dirname "${BASH_SOURCE[0]}")/../scripts/common.sh"
export SGLENS_CLUSTER_DIR=${SGLENS_CLUSTER_DIR:-$REPO/build/bench-cluster}
export SGLENS_PORT=${SGLENS_PORT:-55439}
n=${1:-2000}
sglens_setup
sglens_start_cluster
psql() { command psql -X -q -v ON_ERROR_STOP=1 "$@"; }
psql -c "CREATE EXTENSION sglens CASCADE" 2>/dev/null
# one session: note its pid, time the sampler, then read the peak RSS of that backend
out=$(psql -At -F ' ' <<SQL
SELECT pg_backend_pid() AS pid \\gset
SELECT extract(epoch FROM clock_timestamp()) AS t0 \\gset
SELECT count(*), sum(length(image::text)) FROM simulate_lens_sample($n, 'LSST', 1, bands => ARRAY['g','r','i'], size => 64);
SELECT round(($n / (extract(epoch FROM clock_timestamp()) - :t0))::numeric, 1);
\\setenv BACKEND_PID :pid
\\! grep VmHWM /proc/\$BACKEND_PID/status
SQL
)
echo "$out"
rate=$(echo "$out" | sed -n 2p)
hwm=$(echo "$out" | grep VmHWM | awk '{print $2, $3}')
line="| $(date -u +%Y-%m-%d) | $n stamps, LSST g,r,i 64×64, noise, supersampling 2 | $rate stamps/s | peak backend RSS $hwm |"
echo "$line"
if [ "${2:-}" = "--record" ]; then
	{
		echo
		echo "## sampler_sql — $(nproc)-core $(uname -m), one backend"
		echo
		echo "| date | workload | throughput | memory |"
		echo "|---|---|---|---|"
		echo "$line"
	} >>"$REPO/bench/RESULTS.md"
fi
