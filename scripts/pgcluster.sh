#!/bin/bash
# A private, throw-away PostgreSQL 15 cluster for the demo and the tests.
#   scripts/pgcluster.sh start DIR PORT   initdb into DIR (if new) and start it
#   scripts/pgcluster.sh stop DIR         stop it
#   scripts/pgcluster.sh destroy DIR      stop it and delete DIR
# The server listens only on a Unix socket in DIR/socket.  When run as root
# the server runs as the "postgres" system user, since PostgreSQL refuses to
# run as root.  Clients connect with: PGHOST=DIR/socket PGPORT=PORT PGUSER=postgres
set -euo pipefail
action=${1:?start, stop or destroy}
dir=${2:?cluster directory}
port=${3:-55432}
bindir=$(pg_config --bindir)

as_server_user() {
	if [ "$(id -u)" -eq 0 ]; then
		runuser -u postgres -- "$@"
	else
		"$@"
	fi
}

case "$action" in
start)
	mkdir -p "$dir"
	[ "$(id -u)" -eq 0 ] && chown postgres: "$dir"
	if [ ! -f "$dir/data/PG_VERSION" ]; then
		as_server_user "$bindir/initdb" -D "$dir/data" -U postgres --auth=trust \
			--no-sync -E UTF8 --locale=C >"$dir/initdb.log" 2>&1 ||
			{ cat "$dir/initdb.log"; exit 1; }
		as_server_user mkdir -p "$dir/socket"
		cat >>"$dir/data/postgresql.conf" <<CONF
listen_addresses = ''
unix_socket_directories = '$dir/socket'
port = $port
fsync = off
max_worker_processes = 8
max_parallel_workers_per_gather = 2
CONF
		# pg_cron runs scheduled jobs (docs/reprocess.md); its jobs connect
		# through the Unix socket, as the cluster listens on no TCP port
		if [ -f "$(pg_config --pkglibdir)/pg_cron.so" ]; then
			cat >>"$dir/data/postgresql.conf" <<CONF
shared_preload_libraries = 'pg_cron'
cron.database_name = 'postgres'
cron.host = '$dir/socket'
CONF
		fi
	fi
	# OpenBLAS: one thread per backend (parallelism comes from parallel query),
	# and its fastest kernels where the CPU has them (see docs/lens_score.md)
	export OPENBLAS_NUM_THREADS=1
	if grep -q avx512f /proc/cpuinfo 2>/dev/null; then
		export OPENBLAS_CORETYPE=SKYLAKEX
	fi
	as_server_user env OPENBLAS_NUM_THREADS="$OPENBLAS_NUM_THREADS" ${OPENBLAS_CORETYPE:+OPENBLAS_CORETYPE=$OPENBLAS_CORETYPE} \
		"$bindir/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 60 start >/dev/null ||
		{ cat "$dir/server.log"; exit 1; }
	;;
stop)
	if [ -f "$dir/data/postmaster.pid" ]; then
		as_server_user "$bindir/pg_ctl" -D "$dir/data" -m fast -w stop >/dev/null || true
	fi
	;;
destroy)
	"$0" stop "$dir"
	rm -rf "$dir"
	;;
*)
	echo "unknown action $action" >&2
	exit 2
	;;
esac
