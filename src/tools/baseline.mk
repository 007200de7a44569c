# src/tools/baseline.mk — the classic baseline finder (docs/baseline.md); the
# top Makefile includes every src/tools/*.mk.
#   make baseline-models   retrain both shipped baseline models from scratch
#                          (deterministic) and evaluate them on the same
#                          held-out populations as the CNN models (seeds
#                          9001 ground, 9002 space); held-out scores go to
#                          build/baseline/, ROC PNGs next to the models.
#                          A few minutes per model on one core of this
#                          machine (models/BASELINE.md).
SGLENS_BASELINE = $(BUILD)/tools/sglens-baseline
BASELINE_OUT = $(BUILD)/baseline
BASELINE_COMMON = --version v1 --n 20000 --test-n 10000 --l2 1e-2 --supersampling 2

# built by the sglens-% rule of tools.mk

baseline-ground: $(SGLENS_BASELINE)
	@mkdir -p $(BASELINE_OUT) models
	OPENBLAS_NUM_THREADS=1 $(SGLENS_BASELINE) --name sglens-baseline-ground \
		--survey LSST --bands g,r,i --input 48 --seed 1001 --test-seed 9001 \
		$(BASELINE_COMMON) --out models/sglens-baseline-ground-v1.sgb \
		--scores $(BASELINE_OUT)/ground-scores.txt --png models/sglens-baseline-ground-v1-roc.png \
		> $(BASELINE_OUT)/ground.log
	@cat $(BASELINE_OUT)/ground.log

baseline-space: $(SGLENS_BASELINE)
	@mkdir -p $(BASELINE_OUT) models
	OPENBLAS_NUM_THREADS=1 $(SGLENS_BASELINE) --name sglens-baseline-space \
		--survey Euclid --bands VIS --input 64 --seed 2001 --test-seed 9002 \
		$(BASELINE_COMMON) --out models/sglens-baseline-space-v1.sgb \
		--scores $(BASELINE_OUT)/space-scores.txt --png models/sglens-baseline-space-v1-roc.png \
		> $(BASELINE_OUT)/space.log
	@cat $(BASELINE_OUT)/space.log

baseline-models: baseline-ground baseline-space

.PHONY: baseline-models baseline-ground baseline-space
