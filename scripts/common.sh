#!/bin/bash
# Shared setup for scripts/demo.sh and scripts/test.sh: install packages,
# build and install the extension, and start a private cluster that is torn
# down when the calling script exits.
set -euo pipefail
REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
export REPO
SUDO=""
[ "$(id -u)" -ne 0 ] && SUDO="sudo"

# Install packages, build, install the extension (and build the core library).
sglens_setup() {
	bash "$REPO/scripts/install_deps.sh"
	make -C "$REPO" -s -j2
	$SUDO make -C "$REPO" -s install >/dev/null
}

# Choose a cluster directory the server's system user can reach.
sglens_cluster_dir() {
	local want=${SGLENS_CLUSTER_DIR:-$REPO/build/cluster}
	mkdir -p "$(dirname "$want")"
	if [ "$(id -u)" -eq 0 ] && ! runuser -u postgres -- test -x "$(dirname "$want")"; then
		want=$(mktemp -d /tmp/sglens-cluster.XXXXXX)
		chmod 755 "$want"
	fi
	echo "$want"
}

# Start the private cluster and export PGHOST, PGPORT, PGUSER for clients.
sglens_start_cluster() {
	CLUSTER_DIR=$(sglens_cluster_dir)
	export CLUSTER_DIR
	export PGPORT=${SGLENS_PORT:-55432}
	bash "$REPO/scripts/pgcluster.sh" destroy "$CLUSTER_DIR" >/dev/null 2>&1 || true
	bash "$REPO/scripts/pgcluster.sh" start "$CLUSTER_DIR" "$PGPORT"
	export PGHOST=$CLUSTER_DIR/socket
	export PGUSER=postgres
	export PGDATABASE=postgres
	trap 'bash "$REPO/scripts/pgcluster.sh" destroy "$CLUSTER_DIR"' EXIT
}
