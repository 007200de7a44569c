# src/tools/tools.mk — command-line tools on the core library (the top
# Makefile includes every src/tools/*.mk).
#   make tools        build/tools/sglens-train, sglens-eval, sglens-modeleval and sglens-average
#   make models       retrain the shipped finders and modellers from scratch (deterministic)
#   make models-eval  evaluate them: models/EVALUATION.md and ROC PNGs
TOOLS_DIR = $(BUILD)/tools
SGLENS_TRAIN = $(TOOLS_DIR)/sglens-train
SGLENS_EVAL = $(TOOLS_DIR)/sglens-eval
SGLENS_MODELEVAL = $(TOOLS_DIR)/sglens-modeleval

$(TOOLS_DIR)/sglens-%: src/tools/sglens_%.c src/tools/tool_common.c src/tools/tool_common.h \
		$(wildcard include/sglens/*.h) $(CORE_LIB)
	@mkdir -p $(dir $@)
	$(CORE_CC) $(CORE_CFLAGS) $< src/tools/tool_common.c $(CORE_LIB) $(CORE_LIBS) -pthread -o $@

tools: $(SGLENS_TRAIN) $(SGLENS_EVAL) $(SGLENS_MODELEVAL) $(TOOLS_DIR)/sglens-average

.PHONY: tools

# ---- the shipped models ----
# Each is trained from scratch on fresh sampler members (population seeds
# 1001 and 2001; held-out monitoring seeds 1002 and 2002) on one core with
# one BLAS thread and OpenBLAS's SKYLAKEX kernels; `make -j2 models` trains
# both at once on the two cores.  Checkpoints go to build/train; a killed
# run continues with `make models RESUME=--resume`.  Evaluation uses
# population seeds 9001 and 9002, never seen in training.
TRAIN_DIR = $(BUILD)/train
TRAIN_ENV = OPENBLAS_NUM_THREADS=1 OPENBLAS_CORETYPE=SKYLAKEX
# (Earlier versions — v1 of both, three stages and fewer steps, and space
# v2, 25,000 steps — stay shipped and registered; models/README.md has their
# commands.)
TRAIN_COMMON = --batch 32 --lr 2e-3 --warmup 500 --weight-decay 1e-4 --shift 4 \
	--supersampling 2 --stem 16 --stem-kernel 5 --stages 16:1,32:1d,64:1d,128:1d \
	--eval-every 1000 --eval-n 1000 --checkpoint-every 250
GROUND_ARGS = --model sglens-finder-ground --survey LSST --bands g,r,i --input 48 \
	--seed 1001 --steps 25000 $(TRAIN_COMMON) --version v2
SPACE_ARGS = --model sglens-finder-space --survey Euclid --bands VIS --input 64 \
	--seed 2001 --steps 45000 $(TRAIN_COMMON) --version v3
GROUND_MODEL = models/sglens-finder-ground-v2.sgw
SPACE_MODEL = models/sglens-finder-space-v3.sgw
RESUME ?=

models-ground: $(SGLENS_TRAIN)
	@mkdir -p $(TRAIN_DIR)
	$(TRAIN_ENV) $(SGLENS_TRAIN) $(GROUND_ARGS) --out $(GROUND_MODEL) \
		--checkpoint $(TRAIN_DIR) $(RESUME) $(if $(RESUME),>>,>) $(TRAIN_DIR)/ground.log 2>&1

models-space: $(SGLENS_TRAIN)
	@mkdir -p $(TRAIN_DIR)
	$(TRAIN_ENV) $(SGLENS_TRAIN) $(SPACE_ARGS) --out $(SPACE_MODEL) \
		--checkpoint $(TRAIN_DIR) $(RESUME) $(if $(RESUME),>>,>) $(TRAIN_DIR)/space.log 2>&1

# ---- the shipped lens modellers (lens_model's CNN step) ----
# Trained on lenses only (population seeds 3001 and 4001, held-out
# monitoring 3002 and 4002), lens light present, same input specs as the
# finders; evaluated on seeds 9101 and 9102.  The v2 modellers are the wider
# network (24–192 channels, 40,000 steps); the v1 modellers (16–128
# channels; 20,000 steps ground, 15,000 space) stay shipped and registered.
MODELLER_COMMON = --task modeller --batch 32 --lr 2e-3 --warmup 500 --weight-decay 1e-4 \
	--shift 4 --supersampling 2 --stem-kernel 5 \
	--eval-every 1000 --eval-n 1000 --checkpoint-every 250
MODELLER_GROUND_ARGS = --model sglens-modeller-ground --survey LSST --bands g,r,i --input 48 \
	--seed 3001 --steps 40000 $(MODELLER_COMMON) --stem 24 --stages 24:1,48:1d,96:1d,192:1d \
	--version v2
MODELLER_SPACE_ARGS = --model sglens-modeller-space --survey Euclid --bands VIS --input 64 \
	--seed 4001 --steps 40000 $(MODELLER_COMMON) --stem 24 --stages 24:1,48:1d,96:1d,192:1d \
	--version v2
MODELLER_GROUND = models/sglens-modeller-ground-v2.sgw
MODELLER_SPACE = models/sglens-modeller-space-v3.sgw
MODELLER_SPACE_LIGHT = models/sglens-modeller-space-v2.sgw
MODELLER_SPACE_WIDE = models/sglens-modeller-space-v4.sgw
MODELLER_GROUND_LIGHTLESS = models/sglens-modeller-ground-v3.sgw
# Space v3 (shipped, the default) and v4 (in training) see the stamp without
# its lens light (--lens-light subtract, docs/lens_model.md), which measures
# θ_E from the arcs far better than any network that also sees the lens
# galaxy (bench/RESULTS.md, "subtraction_ablation on space"); lens_model takes
# the centre and ellipticity from the network and the fitted light together.
# v3 is v1's smaller network (its 'cnn' fits in 2 ms with the subtraction),
# v4 v2's wider one.
MODELLER_SPACE_V3_ARGS = --model sglens-modeller-space --survey Euclid --bands VIS --input 64 \
	--seed 4001 --steps 40000 $(MODELLER_COMMON) --stem 16 --stages 16:1,32:1d,64:1d,128:1d \
	--lens-light subtract --version v3
MODELLER_SPACE_V4_ARGS = --model sglens-modeller-space --survey Euclid --bands VIS --input 64 \
	--seed 4001 --steps 40000 $(MODELLER_COMMON) --stem 24 --stages 24:1,48:1d,96:1d,192:1d \
	--lens-light subtract --version v4
# Ground v3 likewise (v1's smaller network, on LSST g,r,i stamps without
# their lens light): ground v2 follows the lens light (θ_E +14% for a lens
# 1 mag brighter, "And on the ground?"); v3's three-band subtraction puts
# its 'cnn' above 2 ms, so it is opt-in, not the default.
MODELLER_GROUND_V3_ARGS = --model sglens-modeller-ground --survey LSST --bands g,r,i --input 48 \
	--seed 3001 --steps 40000 $(MODELLER_COMMON) --stem 16 --stages 16:1,32:1d,64:1d,128:1d \
	--lens-light subtract --version v3

# From v2 on, the trained network is calibrated before it is shipped:
# sglens-modeleval --calibrate runs it on 1,000 calibration lenses
# (population seeds 9201 ground, 9202 space, never used by the evaluation) and folds a scale of
# θ_E's mean and of each σ into its last layer (docs/lens_model.md).
# calibrate_cnn(trained, survey, bands, size, seed, tag, out)
comma := ,
define calibrate_cnn
	rm -f $(TRAIN_DIR)/$(6)-cnn-calibration.tsv
	$(TRAIN_ENV) $(SGLENS_MODELEVAL) --weights $(1) --survey $(2) --bands $(3) --size $(4) \
		--seed $(5) --n 1000 --methods cnn --rows $(TRAIN_DIR)/$(6)-cnn-calibration.tsv \
		--calibrate $(7) | tail -1
endef

modellers-ground: $(SGLENS_TRAIN) $(SGLENS_MODELEVAL)
	@mkdir -p $(TRAIN_DIR)
	$(TRAIN_ENV) $(SGLENS_TRAIN) $(MODELLER_GROUND_ARGS) --out $(TRAIN_DIR)/modeller-ground-trained.sgw \
		--checkpoint $(TRAIN_DIR) $(RESUME) $(if $(RESUME),>>,>) $(TRAIN_DIR)/modeller-ground.log 2>&1
	$(call calibrate_cnn,$(TRAIN_DIR)/modeller-ground-trained.sgw,LSST,g$(comma)r$(comma)i,48,9201,modeller-ground,$(MODELLER_GROUND))

modellers-space: $(SGLENS_TRAIN) $(SGLENS_MODELEVAL)
	@mkdir -p $(TRAIN_DIR)
	$(TRAIN_ENV) $(SGLENS_TRAIN) $(MODELLER_SPACE_ARGS) --out $(TRAIN_DIR)/modeller-space-trained.sgw \
		--checkpoint $(TRAIN_DIR) $(RESUME) $(if $(RESUME),>>,>) $(TRAIN_DIR)/modeller-space.log 2>&1
	$(call calibrate_cnn,$(TRAIN_DIR)/modeller-space-trained.sgw,Euclid,VIS,64,9202,modeller-space,$(MODELLER_SPACE_LIGHT))

# train_modeller(args, tag): train into build/train/modeller-TAG-trained.sgw,
# checkpoints in build/train/TAG, log build/train/modeller-TAG.log
# (resumable: RESUME=--resume).
define train_modeller
	@mkdir -p $(TRAIN_DIR)/$(2)
	$(TRAIN_ENV) $(SGLENS_TRAIN) $(1) \
		--out $(TRAIN_DIR)/modeller-$(2)-trained.sgw --checkpoint $(TRAIN_DIR)/$(2) $(RESUME) \
		$(if $(RESUME),>>,>) $(TRAIN_DIR)/modeller-$(2).log 2>&1
endef

# Train and calibrate space v3 or v4, ground v3 (resumable: make
# modellers-space-v3 RESUME=--resume); checkpoints in build/train/space-v3 (...).
modellers-space-v3 modellers-space-v4: modellers-space-%: $(SGLENS_TRAIN) $(SGLENS_MODELEVAL)
	$(call train_modeller,$(MODELLER_SPACE_$(subst v,V,$*)_ARGS),space-$*)
	$(call calibrate_cnn,$(TRAIN_DIR)/modeller-space-$*-trained.sgw,Euclid,VIS,64,9202,modeller-space-$*,models/sglens-modeller-space-$*.sgw)

modellers-ground-v3: $(SGLENS_TRAIN) $(SGLENS_MODELEVAL)
	$(call train_modeller,$(MODELLER_GROUND_V3_ARGS),ground-v3)
	$(call calibrate_cnn,$(TRAIN_DIR)/modeller-ground-v3-trained.sgw,LSST,g$(comma)r$(comma)i,48,9201,modeller-ground-v3,models/sglens-modeller-ground-v3.sgw)

models: models-ground models-space modellers-ground modellers-space modellers-space-v3 modellers-space-v4 \
	modellers-ground-v3

.PHONY: models models-ground models-space modellers-ground modellers-space modellers-space-v3 modellers-space-v4 \
	modellers-ground-v3

# ---- evaluation of the shipped models: models/EVALUATION.md ----
# 10,000 held-out stamps per model (seeds 9001 and 9002); the classic
# baseline's curve is added when `make baseline-models` has written its
# scores for the same stamps.
EVAL_N = 10000
BASELINE_SCORES = $(BUILD)/baseline

# eval_model(tag, model, survey, seed): run sglens-eval into build/train/eval-tag.md
define eval_model
	$(TRAIN_ENV) $(SGLENS_EVAL) --weights $(2) --survey $(3) --seed $(4) --n $(EVAL_N) \
		--png models/roc-$(1).png --scores $(TRAIN_DIR)/$(1)-scores.txt \
		$(if $(wildcard $(BASELINE_SCORES)/$(1)-scores.txt),--baseline $(BASELINE_SCORES)/$(1)-scores.txt) \
		> $(TRAIN_DIR)/eval-$(1).md
endef

# training_time(tag): seconds summed over the sessions of a (resumed) run
training_time = awk '/^sglens-train:/ { t += last; last = 0 } \
	match($$0, /\(([0-9]+) s\)$$/) { last = substr($$0, RSTART + 1, RLENGTH - 4) + 0 } \
	END { printf "%.0f", t + last }' $(TRAIN_DIR)/$(1).log

models-eval: $(SGLENS_EVAL)
	@mkdir -p $(TRAIN_DIR)
	$(call eval_model,ground,$(GROUND_MODEL),LSST,9001)
	$(call eval_model,space,$(SPACE_MODEL),Euclid,9002)
	{ \
	echo "# Evaluation of the shipped models"; echo; \
	echo "Written by \`make models-eval\` on $$(date -u '+%Y-%m-%d %H:%M UTC') on $$(nproc) cores of"; \
	echo "\`$$(lscpu | sed -n 's/^Model name: *//p')\`, one thread, OpenBLAS $(TRAIN_ENV)."; \
	echo "Scores are computed as \`lens_score(…, passes => 4)\` does (folded model, mean over the four 90° rotations); the default, adaptive scoring gives the same figures to ±0.0001 (EVALUATION-passes.md)."; \
	echo "Binned rows compare the lenses of the bin against **all** non-lenses."; \
	echo "Arc S/N: the lensed source alone, noise-free, summed over pixels above 1σ in the deepest band."; \
	echo; echo "## Ground: $(GROUND_MODEL)"; echo; \
	echo "Trained with \`make models-ground\`:"; echo; echo '```'; \
	echo "sglens-train $(GROUND_ARGS)"; echo '```'; echo; \
	echo "Training time: $$($(call training_time,ground)) s of wall-clock time summed over the training sessions (one thread; both models trained at once on the 2 cores, which other work shared)."; \
	echo "Last held-out check during training: $$(grep '^eval step' $(TRAIN_DIR)/ground.log | tail -1)"; echo; \
	cat $(TRAIN_DIR)/eval-ground.md; echo; echo "![ROC](roc-ground.png)"; \
	echo; echo "## Space: $(SPACE_MODEL)"; echo; \
	echo "Trained with \`make models-space\`:"; echo; echo '```'; \
	echo "sglens-train $(SPACE_ARGS)"; echo '```'; echo; \
	echo "Training time: $$($(call training_time,space)) s of wall-clock time summed over the training sessions (one thread; both models trained at once on the 2 cores, which other work shared)."; \
	echo "Last held-out check during training: $$(grep '^eval step' $(TRAIN_DIR)/space.log | tail -1)"; echo; \
	cat $(TRAIN_DIR)/eval-space.md; echo; echo "![ROC](roc-space.png)"; \
	} > models/EVALUATION.md

# lens_score()'s three ways of scoring (passes 4, 1 and NULL, the adaptive
# default) on the same held-out stamps: models/EVALUATION-passes.md.
# scoring_row(tag, model, survey, seed, sglens-eval option, label)
define scoring_row
	$(TRAIN_ENV) $(SGLENS_EVAL) --weights $(2) --survey $(3) --seed $(4) --n $(EVAL_N) $(5) \
		> $(TRAIN_DIR)/eval-passes-$(1).md
	awk -v label="$(6)" '/passes per stamp/ { sub(/.*; /, ""); passes = $$1 } \
		/^\| all / { split($$0, f, "|"); print "| " label " | " passes " |" f[4] "|" f[5] "|" f[6] "|" }' \
		$(TRAIN_DIR)/eval-passes-$(1).md >> $(TRAIN_DIR)/passes-table.md
endef

# scoring_table(model, survey, seed)
define scoring_table
	echo "| scoring | passes per stamp | AUROC | TPR0 | TPR10 |" >> $(TRAIN_DIR)/passes-table.md
	echo "|---|---|---|---|---|" >> $(TRAIN_DIR)/passes-table.md
	$(call scoring_row,4,$(1),$(2),$(3),,passes => 4 (mean over 4 rotations))
	$(call scoring_row,1,$(1),$(2),$(3),--canonical,passes => 1 (canonical orientation))
	$(call scoring_row,adaptive,$(1),$(2),$(3),--adaptive $(ADAPTIVE_THRESHOLD),default (1 pass; 4 where it gives >= $(ADAPTIVE_THRESHOLD)))
endef
ADAPTIVE_THRESHOLD = $(shell sed -n 's/^\#define SG_NN_ADAPTIVE_THRESHOLD \([0-9.]*\)f$$/\1/p' include/sglens/nn_score.h)

models-eval-passes: $(SGLENS_EVAL)
	@mkdir -p $(TRAIN_DIR)
	rm -f $(TRAIN_DIR)/passes-table.md
	printf '## Ground: %s\n\n' "$(GROUND_MODEL)" >> $(TRAIN_DIR)/passes-table.md
	$(call scoring_table,$(GROUND_MODEL),LSST,9001)
	printf '\n## Space: %s\n\n' "$(SPACE_MODEL)" >> $(TRAIN_DIR)/passes-table.md
	$(call scoring_table,$(SPACE_MODEL),Euclid,9002)
	{ \
	echo "# lens_score(): one pass, four, or adaptive"; echo; \
	echo "Written by \`make models-eval-passes\` on $$(date -u '+%Y-%m-%d %H:%M UTC'): the shipped default finders on the"; \
	echo "10,000 held-out stamps of models/EVALUATION.md (half lenses), scored the three ways \`lens_score()\` can."; \
	echo "The default runs one pass in the canonical orientation and, where that gives at least"; \
	echo "$(ADAPTIVE_THRESHOLD), the mean over the four rotations. Half of these stamps are lenses; in a survey,"; \
	echo "where lenses are rare, the default costs 1 + 3 × (the non-lenses' share above the threshold)"; \
	echo "passes per stamp: 1.3 for the ground finder on a population with 1% lenses (bench/RESULTS.md)."; \
	echo; cat $(TRAIN_DIR)/passes-table.md; \
	} > models/EVALUATION-passes.md

.PHONY: models-eval models-eval-passes

# ---- evaluation of the shipped modellers: models/EVALUATION-modellers.md ----
# 2,000 held-out lenses per model (seeds 9101 and 9102), methods cnn, fit and
# cnn+fit (space v2, which sees the lens light, for comparison: cnn and
# cnn+fit); rows go to build/train/<model file>-eval.tsv, and a killed run
# goes on where it stopped (a new model file starts a new table).
MODELLER_EVAL_N = 2000
# model_rows(model file): its rows file
model_rows = $(TRAIN_DIR)/$(basename $(notdir $(1)))-eval.tsv

# the held-out lenses of each survey
GROUND_HELDOUT = --survey LSST --bands g,r,i --size 48 --seed 9101
SPACE_HELDOUT = --survey Euclid --bands VIS --size 64 --seed 9102

modellers-eval-ground: $(SGLENS_MODELEVAL)
	@mkdir -p $(TRAIN_DIR)
	$(TRAIN_ENV) $(SGLENS_MODELEVAL) --weights $(MODELLER_GROUND) $(GROUND_HELDOUT) \
		--n $(MODELLER_EVAL_N) --rows $(call model_rows,$(MODELLER_GROUND)) \
		> $(TRAIN_DIR)/eval-modeller-ground.md
	$(if $(wildcard $(MODELLER_GROUND_LIGHTLESS)),$(call eval_cnn_methods,$(MODELLER_GROUND_LIGHTLESS),$(GROUND_HELDOUT),$(TRAIN_DIR)/eval-modeller-ground-lightless.md))

# eval_cnn_methods(model file, held-out set, out .md): a further modeller on
# the held-out lenses, the CNN methods only ('fit' does not use the network)
define eval_cnn_methods
	$(TRAIN_ENV) $(SGLENS_MODELEVAL) --weights $(1) $(2) --n $(MODELLER_EVAL_N) \
		--methods cnn,cnn+fit --rows $(call model_rows,$(1)) > $(3)
endef

modellers-eval-space: $(SGLENS_MODELEVAL)
	@mkdir -p $(TRAIN_DIR)
	$(TRAIN_ENV) $(SGLENS_MODELEVAL) --weights $(MODELLER_SPACE) $(SPACE_HELDOUT) \
		--n $(MODELLER_EVAL_N) --rows $(call model_rows,$(MODELLER_SPACE)) \
		> $(TRAIN_DIR)/eval-modeller-space.md
	$(call eval_cnn_methods,$(MODELLER_SPACE_LIGHT),$(SPACE_HELDOUT),$(TRAIN_DIR)/eval-modeller-space-light.md)
	$(if $(wildcard $(MODELLER_SPACE_WIDE)),$(call eval_cnn_methods,$(MODELLER_SPACE_WIDE),$(SPACE_HELDOUT),$(TRAIN_DIR)/eval-modeller-space-wide.md))

SPACE_WIDE_NOTE = v2's network (24–192 channels) trained like v3 with \`make modellers-space-v4\`, \
	the CNN methods only. Its network pass takes twice v3's, so its 'cnn' takes about 2 ms, with no margin, and it is not the default.
GROUND_LIGHTLESS_NOTE = v1's network (16–128 channels) trained on the stamps without their lens light \
	with \`make modellers-ground-v3\`, the CNN methods only. Its 'cnn' first fits and removes the lens \
	light in three bands and takes about 2.1 ms, so it is not the default.
# opt_in_section(model file, title, make tag, training args, eval tag, text):
# a section of EVALUATION-modellers.md for an opt-in modeller, written only
# once its file exists
define opt_in_section
	$(if $(wildcard $(1)), \
	echo; echo "## $(2) (opt-in): $(1)"; echo; \
	echo "$(6)"; \
	echo; echo '```'; echo "sglens-train $(4)"; echo '```'; echo; \
	echo "Training time: $$($(call training_time,modeller-$(3))) s (one thread$(comma) in several runs)."; echo; \
	cat $(TRAIN_DIR)/eval-modeller-$(5).md;)
endef

modellers-eval: modellers-eval-ground modellers-eval-space

	{ \
	echo "# Evaluation of the shipped lens modellers"; echo; \
	echo "Written by \`make modellers-eval\` on $$(date -u '+%Y-%m-%d %H:%M UTC') on $$(nproc) cores of"; \
	echo "\`$$(lscpu | sed -n 's/^Model name: *//p')\`, one thread per process, OpenBLAS $(TRAIN_ENV)."; \
	echo "Each method runs as \`lens_model()\` does: 'cnn' is one pass of the modeller, 'fit' the likelihood fit"; \
	echo "from the automatic start, 'cnn+fit' the fit from the CNN's estimate with it as a Gaussian prior"; \
	echo "(exposure times from the survey preset for the Poisson term). Times are wall-clock per stamp,"; \
	echo "measured while other work shared the 2 cores."; \
	echo; echo "## Ground: $(MODELLER_GROUND)"; echo; \
	echo "Trained with \`make modellers-ground\`:"; echo; echo '```'; \
	echo "sglens-train $(MODELLER_GROUND_ARGS)"; echo '```'; echo; \
	echo "Training time: $$($(call training_time,modeller-ground)) s (one thread)."; echo; \
	cat $(TRAIN_DIR)/eval-modeller-ground.md; \
	echo; echo "## Space: $(MODELLER_SPACE)"; echo; \
	echo "Trained with \`make modellers-space-v3\` on the stamps without their lens light; its 'cnn' takes"; \
	echo "the centre and ellipticity from the network and the fitted light together (docs/lens_model.md):"; \
	echo; echo '```'; echo "sglens-train $(MODELLER_SPACE_V3_ARGS)"; echo '```'; echo; \
	echo "Training time: $$($(call training_time,modeller-space-v3)) s (one thread)."; echo; \
	cat $(TRAIN_DIR)/eval-modeller-space.md; \
	echo; echo "## Space, the network that sees the lens light: $(MODELLER_SPACE_LIGHT)"; echo; \
	echo "The same held-out lenses with space v2 (\`make modellers-space\`, the stamps as they are), the CNN"; \
	echo "methods only ('fit' does not use the network: the rows above)."; echo; \
	echo '```'; echo "sglens-train $(MODELLER_SPACE_ARGS)"; echo '```'; echo; \
	cat $(TRAIN_DIR)/eval-modeller-space-light.md; \
	$(call opt_in_section,$(MODELLER_SPACE_WIDE),Space$(comma) the wider network without the lens light,space-v4,$(MODELLER_SPACE_V4_ARGS),space-wide,$(SPACE_WIDE_NOTE)) \
	$(call opt_in_section,$(MODELLER_GROUND_LIGHTLESS),Ground$(comma) the network on stamps without their lens light,ground-v3,$(MODELLER_GROUND_V3_ARGS),ground-lightless,$(GROUND_LIGHTLESS_NOTE)) \
	} > models/EVALUATION-modellers.md

# The model-error floors of the fit's quoted errors (SG_FIT_FLOOR_* in
# include/sglens/fit.h): 'cnn+fit' on 1,000 + 1,000 calibration lenses
# (population seeds 9201 and 9202, never used for evaluation), statistical
# errors only, then bench/fit_error_floor.py.
GROUND_CALIBRATION = --survey LSST --bands g,r,i --size 48 --seed 9201
SPACE_CALIBRATION = --survey Euclid --bands VIS --size 64 --seed 9202

modellers-calibrate: $(SGLENS_MODELEVAL)
	@mkdir -p $(TRAIN_DIR)
	$(TRAIN_ENV) $(SGLENS_MODELEVAL) --weights $(MODELLER_GROUND) $(GROUND_CALIBRATION) \
		--n 1000 --methods cnn+fit --statistical-errors \
		--rows $(TRAIN_DIR)/modeller-ground-calibration.tsv > /dev/null
	$(TRAIN_ENV) $(SGLENS_MODELEVAL) --weights $(MODELLER_SPACE) $(SPACE_CALIBRATION) \
		--n 1000 --methods cnn+fit --statistical-errors \
		--rows $(TRAIN_DIR)/modeller-space-calibration.tsv > /dev/null
	python3 bench/fit_error_floor.py $(TRAIN_DIR)/modeller-ground-calibration.tsv \
		$(TRAIN_DIR)/modeller-space-calibration.tsv

# The fitted lens light as a measurement of the mass (SG_NN_LIGHT_* in
# include/sglens/nn_predict.h): each shipped modeller trained without the
# lens light, 'cnn' on 2,000 calibration lenses (seeds 9201 and 9202), its
# network's and the light's estimates written apart, then
# bench/light_floor.py.
# light_file(model file): its --light rows; light_rows(model file,
# calibration set): write them afresh
light_file = $(TRAIN_DIR)/$(basename $(notdir $(1))).light
light_rows = rm -f $(call light_file,$(1)).tsv; \
	$(TRAIN_ENV) $(SGLENS_MODELEVAL) --weights $(1) $(2) --n 2000 --methods cnn \
		--rows $(call light_file,$(1)).tsv --light $(call light_file,$(1)) > /dev/null
modellers-light-floor: $(SGLENS_MODELEVAL)
	@mkdir -p $(TRAIN_DIR)
	$(call light_rows,$(MODELLER_GROUND_LIGHTLESS),$(GROUND_CALIBRATION))
	$(call light_rows,$(MODELLER_SPACE),$(SPACE_CALIBRATION))
	$(call light_rows,$(MODELLER_SPACE_WIDE),$(SPACE_CALIBRATION))
	python3 bench/light_floor.py $(call light_file,$(MODELLER_GROUND_LIGHTLESS)):0.2 \
		$(call light_file,$(MODELLER_SPACE)):0.1 $(call light_file,$(MODELLER_SPACE_WIDE)):0.1
.PHONY: modellers-eval modellers-eval-ground modellers-eval-space modellers-calibrate \
	modellers-light-floor
