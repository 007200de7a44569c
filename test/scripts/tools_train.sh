#!/bin/bash
# sglens-train on tiny networks: a run stopped and resumed from its
# checkpoint ends in the same bytes as one run straight through (the batch
# thread makes every batch from the seed and the step alone), for a finder
# and for a modeller that takes its stamps without their lens light and a
# lens marker; the training loss falls; bad options are refused.
source "$(dirname "${BASH_SOURCE[0]}")/../../scripts/common.sh"
CHECK_NAME="sglens-train"
source "$REPO/test/scripts/checks.sh"
make -C "$REPO" -s build/tools/sglens-train >/dev/null
train=$REPO/build/tools/sglens-train
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
export OPENBLAS_NUM_THREADS=1

# run KIND RUN EXTRA...: a tiny model KIND trained for 100 steps into $work/RUN.sgw (log
# $work/RUN.log, checkpoints in $work/RUN)
run() {
	local kind=$1 name=$2
	shift 2
	"$train" --model "$kind" --out "$work/$name.sgw" --checkpoint "$work/$name" \
		--input 24 --shift 2 --stem 4 --stem-kernel 3 --stages 8:1d --batch 8 --steps 100 \
		--lr 3e-3 --warmup 5 --eval-every 100 --eval-n 16 --checkpoint-every 10 "$@" \
		>>"$work/$name.log" 2>&1
}

for kind in finder modeller; do
	if [ $kind = finder ]; then
		args=(--task finder --survey LSST --bands g,r --seed 11)
	else
		args=(--task modeller --survey Euclid --bands VIS --seed 12 --lens-light marked)
	fi
	run $kind "$kind-straight" "${args[@]}"
	run $kind "$kind-resumed" "${args[@]}" --stop-at 30
	check "$kind: --stop-at 30 stops before the end" "$([ -e "$work/$kind-resumed.sgw" ] && echo wrote || echo stopped)" stopped
	run $kind "$kind-resumed" "${args[@]}" --resume
	check "$kind: stopped and resumed = straight through, byte for byte" \
		"$(cmp -s "$work/$kind-straight.sgw" "$work/$kind-resumed.sgw" && echo same || echo differs)" same
	first=$(awk '/^step 50:/ { print $4 }' "$work/$kind-straight.log")
	last=$(awk '/^step 100:/ { print $4 }' "$work/$kind-straight.log")
	check "$kind: training loss falls ($first over steps 1-50, $last over 51-100)" \
		"$(awk -v a="$first" -v b="$last" 'BEGIN { print (b < a) ? "yes" : "no" }')" yes
done
check "the marked modeller takes its band and the marker" \
	"$(grep -c 'Euclid VIS, input 24x24x2,' "$work/modeller-straight.log")" 1
check "the finder takes 1 plane per band" "$(grep -c 'LSST g,r, input 24x24x2,' "$work/finder-straight.log")" 1

rc=0
"$train" --model x --out "$work/x.sgw" --survey Euclid --lens-light both >/dev/null 2>&1 || rc=$?
check "an unknown --lens-light is refused" "$rc" 2
checks_summary
