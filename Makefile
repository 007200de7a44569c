# sglens — PostgreSQL extension for strong gravitational lens finding,
# modelling and simulation.  Built with PGXS against PostgreSQL 15.
#
#   make              build the extension and the core library
#   make install      install into the PostgreSQL found by pg_config
#   make unit         build and run the core C unit tests (no server needed)
#   make installcheck run the pg_regress suite against a running server
#   make fuzz         build the libFuzzer targets (clang)

EXTENSION = sglens
EXTVERSION = 0.1.0

CORE_SRCS = $(sort $(wildcard src/core/*.c))
PG_SRCS = $(sort $(wildcard src/pg/*.c))
CORE_OBJS = $(CORE_SRCS:.c=.o)
PG_OBJS = $(PG_SRCS:.c=.o)

MODULE_big = sglens
OBJS = $(CORE_OBJS) $(PG_OBJS)

EXT_SQL_PARTS = $(sort $(wildcard sql/extension/*.sql))
DATA_built = sglens--$(EXTVERSION).sql
# shipped models, registered at CREATE EXTENSION (sql/extension/92_shipped_models.sql)
DATA = $(sort $(wildcard models/*.sgw models/*.sgb))

REGRESS = $(basename $(notdir $(sort $(wildcard sql/*.sql))))
REGRESS_OPTS = --inputdir=.

CORE_LIBS = -lcfitsio -lpng -lfftw3 -lopenblas -lz -lm
SHLIB_LINK = $(CORE_LIBS)
PG_CPPFLAGS = -Iinclude -I/usr/include/cfitsio
PG_CFLAGS = -std=gnu11 -Wall -Wextra -Wno-unused-parameter -Wno-missing-field-initializers -Werror
EXTRA_CLEAN = build

PG_CONFIG ?= pg_config
PGXS := $(shell $(PG_CONFIG) --pgxs)
include $(PGXS)

# PGXS does not track headers: rebuild every object when any header changes
$(OBJS): $(wildcard include/sglens/*.h src/core/*.h src/core/*.inc src/pg/*.h)

$(DATA_built): $(EXT_SQL_PARTS) sglens.control
	cat $(EXT_SQL_PARTS) > $@

# ---- the core library on its own: plain C11, no PostgreSQL headers ----
BUILD = build
CORE_CC ?= cc
CORE_CFLAGS = -std=c11 -D_DEFAULT_SOURCE -O2 -g -Wall -Wextra -Werror -Iinclude -I/usr/include/cfitsio
CORE_LIB = $(BUILD)/libsglens_core.a
CORE_LIB_OBJS = $(patsubst src/core/%.c,$(BUILD)/core/%.o,$(CORE_SRCS))

$(BUILD)/core/%.o: src/core/%.c $(wildcard include/sglens/*.h) $(wildcard src/core/*.h src/core/*.inc)
	@mkdir -p $(dir $@)
	$(CORE_CC) $(CORE_CFLAGS) -c $< -o $@

# The fit's pixel loops (lens_model, the lens-light subtraction) vectorise at
# -O3 and give the same bits, since nothing is reassociated: the subtraction
# before a modeller's network runs 25% faster (bench/RESULTS.md, "bench_subtract").
FIT_SRCS = $(wildcard src/core/fit_*.c)
$(FIT_SRCS:.c=.o): override CFLAGS += -O3
$(patsubst src/core/%.c,$(BUILD)/core/%.o,$(FIT_SRCS)): CORE_CFLAGS += -O3

$(CORE_LIB): $(CORE_LIB_OBJS)
	rm -f $@
	ar rcs $@ $^

core: $(CORE_LIB)

UNIT_SRCS = $(sort $(wildcard test/unit/test_*.c))
UNIT_BINS = $(patsubst test/unit/%.c,$(BUILD)/unit/%,$(UNIT_SRCS))

$(BUILD)/unit/%: test/unit/%.c $(wildcard test/unit/*.h) $(CORE_LIB)
	@mkdir -p $(dir $@)
	$(CORE_CC) $(CORE_CFLAGS) -Itest/unit $< $(CORE_LIB) $(CORE_LIBS) -o $@

unit: $(UNIT_BINS)
	@bash test/scripts/run_unit.sh $(UNIT_BINS)

# ---- fuzz targets (libFuzzer + ASan + UBSan) ----
FUZZ_CFLAGS = -std=c11 -D_DEFAULT_SOURCE -g -O1 -fsanitize=fuzzer,address,undefined -Iinclude -I/usr/include/cfitsio
FUZZ_SRCS = $(sort $(wildcard test/fuzz/fuzz_*.c))
FUZZ_BINS = $(patsubst test/fuzz/%.c,$(BUILD)/fuzz/%,$(FUZZ_SRCS))

$(BUILD)/fuzz/%: test/fuzz/%.c $(CORE_SRCS) $(wildcard include/sglens/*.h)
	@mkdir -p $(dir $@)
	clang $(FUZZ_CFLAGS) $< $(CORE_SRCS) $(CORE_LIBS) -o $@

fuzz: $(FUZZ_BINS)

# ---- benchmarks (each bench/*.mk adds its targets) ----
include $(sort $(wildcard bench/*.mk src/tools/*.mk test/*.mk))

.PHONY: core unit fuzz
