#!/bin/bash
# Throw-away local sharded setups for test/scripts/shard.sh and
# bench/shard_sql.sh: a coordinator and N shard clusters on one machine,
# each a private cluster (scripts/pgcluster.sh) on its own port.  Source it
# after scripts/common.sh; it defines functions only.
#
#   shards_start BASE PORT N   coordinator on PORT, shards on PORT+1 .. PORT+N
#   shards_psql NODE DB ...    psql on node "coord" or 1..N (ON_ERROR_STOP, -At)
#   shards_load N_PER SEED SIZE  simulate N_PER LSST g,r,i stamps on each shard
#                              (ids disjoint, shard k holds (k-1)*N_PER+1 ..)
#   shards_coordinator         PL/Proxy coordinator in database "coord"
#   shards_destroy             stop and delete every cluster

SHARDS_DB=sglens

# A base directory the server's system user can reach: next to the main
# test cluster, or a fresh temporary directory (see sglens_cluster_dir).
shards_base_dir() {
	SGLENS_CLUSTER_DIR="$(dirname "${CLUSTER_DIR:-$REPO/build/cluster}")/sglens-shards" sglens_cluster_dir
}

shards_node_dir() {
	echo "$SHARDS_BASE/$1"
}

shards_node_port() {
	if [ "$1" = coord ]; then echo "$SHARDS_PORT"; else echo $((SHARDS_PORT + $1)); fi
}

shards_psql() {
	local node=$1 db=$2
	shift 2
	psql -X -q -At -v ON_ERROR_STOP=1 -h "$(shards_node_dir "$node")/socket" \
		-p "$(shards_node_port "$node")" -U postgres -d "$db" "$@"
}

# libpq connection string of shard k, as the coordinator uses it.
shards_connstr() {
	echo "host=$(shards_node_dir "$1")/socket port=$(shards_node_port "$1") dbname=$SHARDS_DB user=postgres application_name=sglens_coordinator"
}

shards_start() {
	SHARDS_BASE=$1
	SHARDS_PORT=$2
	SHARDS_N=$3
	local node
	mkdir -p "$SHARDS_BASE"
	chmod 755 "$SHARDS_BASE"
	for node in coord $(seq 1 "$SHARDS_N"); do
		bash "$REPO/scripts/pgcluster.sh" destroy "$(shards_node_dir "$node")" >/dev/null 2>&1 || true
		bash "$REPO/scripts/pgcluster.sh" start "$(shards_node_dir "$node")" "$(shards_node_port "$node")"
	done
	for node in $(seq 1 "$SHARDS_N"); do
		shards_psql "$node" postgres -c "CREATE DATABASE $SHARDS_DB"
		shards_psql "$node" "$SHARDS_DB" -c "SET client_min_messages = warning" \
			-c "CREATE EXTENSION sglens CASCADE"
	done
}

shards_destroy() {
	local node
	[ -n "${SHARDS_BASE:-}" ] || return 0
	for node in coord $(seq 1 "$SHARDS_N"); do
		bash "$REPO/scripts/pgcluster.sh" destroy "$(shards_node_dir "$node")" >/dev/null 2>&1 || true
	done
	rmdir "$SHARDS_BASE" 2>/dev/null || true
}

# Each shard simulates its own id range of one population (ids depend only on
# (seed, id), so the union equals simulate_lens_sample(N * N_PER, seed)).
shards_load() {
	local n=$1 seed=$2 size=$3 k pids=()
	for k in $(seq 1 "$SHARDS_N"); do
		shards_psql "$k" "$SHARDS_DB" \
			-c "CREATE TABLE stamps AS SELECT id, is_lens, image FROM simulate_lens_sample($n, 'LSST', $seed,
				bands => ARRAY['g', 'r', 'i'], size => $size, supersampling => 1, first_id => $(((k - 1) * n + 1)))" \
			-c "ALTER TABLE stamps ADD PRIMARY KEY (id)" -c "VACUUM ANALYZE stamps" &
		pids+=($!)
	done
	for k in "${pids[@]}"; do wait "$k"; done
}

shards_coordinator() {
	local k list=""
	for k in $(seq 1 "$SHARDS_N"); do
		list="$list${list:+, }'$(shards_connstr "$k")'"
	done
	shards_psql coord postgres -c "CREATE DATABASE coord"
	shards_psql coord coord -c "SET client_min_messages = warning" -f "$REPO/scripts/shard/coordinator.sql" >/dev/null
	shards_psql coord coord -c "SELECT sg_shard_define(ARRAY[$list])" \
		-c "CREATE USER MAPPING FOR PUBLIC SERVER sglens_shards" >/dev/null
}
