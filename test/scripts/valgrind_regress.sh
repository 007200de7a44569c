#!/bin/bash
# Run the pg_regress suite against a server running under valgrind memcheck,
# and report the errors valgrind finds, separating those whose stack passes
# through sglens from PostgreSQL's own.  One-off check, not part of
# scripts/test.sh (it takes several minutes).  Results are recorded in
# test/VALGRIND.md by hand.
# Usage: test/scripts/valgrind_regress.sh   (after scripts/test.sh installed sglens)
set -euo pipefail
REPO=$(cd "$(dirname "$0")/../.." && pwd)
dir=$(mktemp -d /tmp/sglens-valgrind.XXXXXX)
chmod 755 "$dir"
chown postgres: "$dir"
bindir=$(pg_config --bindir)
port=55441
as_pg() { runuser -u postgres -- "$@"; }
as_pg "$bindir/initdb" -D "$dir/data" -U postgres --auth=trust --no-sync >/dev/null
as_pg mkdir -p "$dir/socket" "$dir/logs"
cat >>"$dir/data/postgresql.conf" <<CONF
listen_addresses = ''
unix_socket_directories = '$dir/socket'
port = $port
fsync = off
max_parallel_workers_per_gather = 0
jit = off
CONF
as_pg env OPENBLAS_NUM_THREADS=1 valgrind --quiet --trace-children=yes --num-callers=30 --error-limit=no \
	--suppressions="$REPO/test/valgrind.supp" --log-file="$dir/logs/vg.%p.log" \
	"$bindir/postgres" -D "$dir/data" >"$dir/server.log" 2>&1 &
for i in $(seq 1 120); do
	[ -S "$dir/socket/.s.PGSQL.$port" ] && break
	sleep 1
done
export PGHOST=$dir/socket PGPORT=$port PGUSER=postgres
bash "$REPO/test/scripts/prepare_regress_files.sh"
set +e
make -C "$REPO" -s installcheck >"$dir/installcheck.log" 2>&1
rc=$?
set -e
as_pg "$bindir/pg_ctl" -D "$dir/data" -m fast -w -t 300 stop >/dev/null || true
sleep 2
total=$(cat "$dir"/logs/vg.*.log | grep -cE '^==[0-9]+== (Invalid|Conditional|Use of uninit|Syscall param|Mismatched|Source and dest)' || true)
ours=$(cat "$dir"/logs/vg.*.log | awk '/^==[0-9]+== [A-Z]/{blk=$0; next} /^==[0-9]+==    (at|by)/{blk=blk"\n"$0; next} /^==[0-9]+== *$/{if (blk ~ /sglens|sg_|sgimage|sgpg_/) n++; blk=""} END{print n+0}')
echo "installcheck exit $rc; valgrind errors: $total in all, $ours with sglens on the stack"
echo "logs: $dir/logs"
tail -3 "$dir/installcheck.log"
