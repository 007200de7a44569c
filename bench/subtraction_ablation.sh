#!/bin/bash
# Does subtracting the lens light before the CNN help the lens modeller?
# Trains two small ground modellers with everything equal (architecture,
# seed, steps, data) except that one sees the stamps with a fitted Sérsic
# lens light subtracted (sglens-train --subtract-lens-light), then prints
# both held-out checks (1000 lenses of another population) side by side.
#   bench/subtraction_ablation.sh [STEPS]      (default 2500; resumable)
set -euo pipefail
cd "$(dirname "$0")/.."
steps=${1:-2500}
dir=build/ablation
mkdir -p "$dir"
make -s tools
common=(--task modeller --survey LSST --bands g,r,i --input 48 --seed 5001 --steps "$steps"
	--batch 32 --lr 2e-3 --warmup 300 --weight-decay 1e-4 --shift 4 --supersampling 2 --stem 16
	--stem-kernel 5 --stages 16:1,32:1d,64:1d,128:1d --eval-every "$steps" --eval-n 1000
	--checkpoint-every 250 --checkpoint "$dir")
run() {
	local name=$1
	shift
	local resume=()
	[ -f "$dir/$name.state" ] && resume=(--resume)
	OPENBLAS_NUM_THREADS=1 build/tools/sglens-train --model "$name" --out "$dir/$name.sgw" \
		"${common[@]}" "$@" "${resume[@]}" >>"$dir/$name.log" 2>&1
}
run ablation-plain
run ablation-subtracted --subtract-lens-light
for name in ablation-plain ablation-subtracted; do
	echo "== $name ($steps steps)"
	grep -A8 "^eval step $steps:" "$dir/$name.log" | tail -9
done
