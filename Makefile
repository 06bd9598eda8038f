# auth_ext: Better Auth email/password authentication inside PostgreSQL (PGXS build).
#   make && make install        build and install into the server pg_config points at
#   make installcheck           pg_regress suite against a running server (PGHOST/PGPORT/PGUSER)
#   make unit                   core unit tests (GoogleTest), no server needed
#   make fuzz                   libFuzzer targets over the core (clang), FUZZ_SECONDS each, FUZZ_JOBS
#                               (default: the number of CPUs) at a time (CI's smoke run)
#   make fuzz-long              each libFuzzer target for FUZZ_RUNS executions (default 10000000), one
#                               after another, corpus kept in build/fuzz/corpus; outside CI
#   make bench-core             core micro-benchmarks (Google Benchmark)
# The core is compiled once per flavour (unit, fuzz, bench) into build/obj/; use make -j.
# scripts/test.sh runs every suite against a throwaway cluster; scripts/demo.sh shows it working.

EXTENSION = auth_ext
EXTVERSION = $(shell grep default_version $(EXTENSION).control | sed -e "s/default_version[[:space:]]*=[[:space:]]*'\([^']*\)'/\1/")

PG_CONFIG ?= pg_config
PG_MAJOR := $(shell $(PG_CONFIG) --version | sed -E 's/^PostgreSQL ([0-9]+).*/\1/')
ifeq ($(shell test "$(PG_MAJOR)" -ge 14 2>/dev/null && echo ok),)
$(error auth_ext requires PostgreSQL 14 or later; $(PG_CONFIG) reports "$(shell $(PG_CONFIG) --version)")
endif

CORE_SRCS := $(sort $(wildcard src/core/*/*.cpp))
PG_SRCS := $(sort $(wildcard src/pg/*.cpp src/pg/*/*.cpp))
MODULE_big = $(EXTENSION)
OBJS = $(CORE_SRCS:.cpp=.o) $(PG_SRCS:.cpp=.o)

# SQL scripts. Released versions' install scripts (and a secondary control file per released
# version) are committed and never change. The current version's install script and its upgrade
# script from the previous release are built from the parts in sql/src/ (one part per feature), so
# each function is written once:
#   install = the parts in order;
#   upgrade = sql/upgrade/<previous>--<current>.sql (drops what the new version removes or
#             re-signs) followed by the parts, which are written to be re-run (CREATE OR REPLACE,
#             IF NOT EXISTS), so an upgraded install equals a fresh one (suite 'upgrade' checks it),
#             then sql/upgrade/<previous>--<current>.after.sql when it exists (what needs the new
#             objects: privileges carried from a re-signed function to its new signature).
# To release: commit the two built scripts, add the next version's upgrade prologue, bump
# default_version in auth_ext.control and PREVIOUS_VERSION here.
PREVIOUS_VERSION = 0.1.0
SQL_PARTS := $(sort $(wildcard sql/src/*.sql))
CURRENT_SQL = sql/$(EXTENSION)--$(EXTVERSION).sql
CURRENT_UPGRADE = sql/$(EXTENSION)--$(PREVIOUS_VERSION)--$(EXTVERSION).sql
UPGRADE_PROLOGUE = sql/upgrade/$(PREVIOUS_VERSION)--$(EXTVERSION).sql
UPGRADE_EPILOGUE := $(wildcard sql/upgrade/$(PREVIOUS_VERSION)--$(EXTVERSION).after.sql)
RELEASED_SQL := $(filter-out $(CURRENT_SQL) $(CURRENT_UPGRADE),$(wildcard sql/$(EXTENSION)--*.sql))
DATA = $(RELEASED_SQL) $(wildcard sql/$(EXTENSION)--*.control)
DATA_built = $(CURRENT_SQL) $(CURRENT_UPGRADE)
EXTRA_CLEAN = build

REGRESS = $(shell sed -n 's/^test: *//p' test/schedule)
REGRESS_OPTS = --inputdir=test --outputdir=build/regress --load-extension=$(EXTENSION)

WARNINGS = -Wall -Wextra -Wno-unused-parameter -Wno-missing-field-initializers
PG_WARNINGS = -Wno-register
ifeq ($(WERROR),1)
WARNINGS += -Werror
endif
PG_CXXFLAGS = -std=c++17 -Isrc $(WARNINGS) $(PG_WARNINGS) -fvisibility=hidden
SHLIB_LINK = -lcrypto -lsodium -lstdc++

# Debian's PGXS builds LLVM bitcode for JIT inlining; C++ files gain nothing from it.
override with_llvm = no
# Rebuild objects when a header they include changes.
override autodepend = yes

PGXS := $(shell $(PG_CONFIG) --pgxs)
include $(PGXS)

# Both scripts are assembled on every build (written only when their text changes).
$(CURRENT_SQL): $(SQL_PARTS) FORCE
	@cat $(SQL_PARTS) > $@.tmp && (cmp -s $@.tmp $@ || cp $@.tmp $@) && rm -f $@.tmp

$(CURRENT_UPGRADE): $(UPGRADE_PROLOGUE) $(SQL_PARTS) $(UPGRADE_EPILOGUE) FORCE
	@cat $(UPGRADE_PROLOGUE) $(filter-out sql/src/00_header.sql,$(SQL_PARTS)) $(UPGRADE_EPILOGUE) > $@.tmp \
	  && (cmp -s $@.tmp $@ || cp $@.tmp $@) && rm -f $@.tmp

FORCE:

installcheck: build/regress
build/regress:
	mkdir -p $@

# ---- core objects, one set per flavour (unit, fuzz, bench) ----
# Each core source is compiled once per flavour into build/obj/<flavour>/ (with -MMD dependency
# files, so a changed header rebuilds what includes it); the unit test binary, every fuzz target
# and the benchmark link those objects. Independent compilations run in parallel with make -j.
CORE_OBJS = $(patsubst %.cpp,build/obj/$(1)/%.o,$(CORE_SRCS))
DEP_FILES = $(shell find build/obj -name '*.d' 2>/dev/null)
-include $(DEP_FILES)

# ---- core unit tests (pure C++, no server) ----
UNIT_DIR = build/unit
UNIT_SRCS := $(sort $(wildcard test/unit/*.cpp))
# The tests link the very core objects the extension's library is built from (no Postgres header
# enters the core, so they link outside the server too); the test sources themselves compile at
# -O1, which halves their compile time and changes nothing they check.
UNIT_CXXFLAGS = -std=c++17 -Isrc -O1 -g $(WARNINGS)
UNIT_LIBS = -lgtest -lgtest_main -pthread -lcrypto -lsodium
UNIT_OBJS = $(CORE_SRCS:.cpp=.o) $(patsubst %.cpp,build/obj/unit/%.o,$(UNIT_SRCS))

build/obj/unit/%.o: %.cpp
	@mkdir -p $(@D)
	$(CXX) $(UNIT_CXXFLAGS) -MMD -MP -c -o $@ $<

$(UNIT_DIR)/auth_ext_unit_tests: $(UNIT_OBJS)
	@mkdir -p $(UNIT_DIR)
	$(CXX) $(UNIT_CXXFLAGS) -o $@ $(UNIT_OBJS) $(UNIT_LIBS)

.PHONY: unit fuzz fuzz-long bench-core
unit: $(UNIT_DIR)/auth_ext_unit_tests
	$(UNIT_DIR)/auth_ext_unit_tests

# ---- fuzzers (clang + libFuzzer + ASan/UBSan) ----
# Objects are instrumented with -fsanitize=fuzzer-no-link,...; libFuzzer's main is linked in only
# when each target is linked (-fsanitize=fuzzer,...).
FUZZ_DIR = build/fuzz
FUZZ_TARGETS := $(patsubst test/fuzz/%.cpp,$(FUZZ_DIR)/%,$(wildcard test/fuzz/fuzz_*.cpp))
FUZZ_CXX ?= clang++
FUZZ_SECONDS ?= 30
FUZZ_CXXFLAGS = -std=c++17 -Isrc -g -O1
FUZZ_SANITIZERS = address,undefined
# Smoke-run targets at once (make fuzz); each is one process, so one per CPU.
FUZZ_JOBS ?= $(shell nproc 2>/dev/null || echo 1)

build/obj/fuzz/%.o: %.cpp
	@mkdir -p $(@D)
	$(FUZZ_CXX) $(FUZZ_CXXFLAGS) -fsanitize=fuzzer-no-link,$(FUZZ_SANITIZERS) -MMD -MP -c -o $@ $<

$(FUZZ_DIR)/%: build/obj/fuzz/test/fuzz/%.o $(call CORE_OBJS,fuzz)
	@mkdir -p $(FUZZ_DIR)
	$(FUZZ_CXX) $(FUZZ_CXXFLAGS) -fsanitize=fuzzer,$(FUZZ_SANITIZERS) -o $@ $^ -lcrypto -lsodium

# The smoke run: every target for FUZZ_SECONDS, FUZZ_JOBS of them at a time; then each target's
# executions in order, or the end of the log of every target that failed.
fuzz: $(FUZZ_TARGETS)
	@echo "== $(words $(FUZZ_TARGETS)) targets, $(FUZZ_SECONDS)s each, $(FUZZ_JOBS) at a time"
	@rm -f $(addsuffix .rc,$(FUZZ_TARGETS))
	@printf '%s\n' $(FUZZ_TARGETS) | xargs -P $(FUZZ_JOBS) -n 1 sh -c \
	  '"$$0" -max_total_time=$(FUZZ_SECONDS) -print_final_stats=1 > "$$0.log" 2>&1; echo $$? > "$$0.rc"'
	@failed=0; for f in $(FUZZ_TARGETS); do \
	  if [ "$$(cat $$f.rc 2>/dev/null)" = 0 ]; then echo "== $$f ($(FUZZ_SECONDS)s)"; \
	    grep -E 'stat::number_of_executed_units' $$f.log; \
	  else echo "== $$f FAILED"; tail -40 $$f.log; failed=1; fi; done; exit $$failed

# Long runs (make fuzz-long FUZZ_RUNS=10000000 [FUZZ_ONLY=fuzz_strict_json]): executions, not
# seconds, so runs compare across machines. Each target keeps its corpus between runs; a crash
# stops the loop and leaves its input in build/fuzz/crash-<target>-*.
FUZZ_RUNS ?= 10000000
FUZZ_LONG_TARGETS = $(if $(FUZZ_ONLY),$(addprefix $(FUZZ_DIR)/,$(FUZZ_ONLY)),$(FUZZ_TARGETS))
fuzz-long: $(FUZZ_LONG_TARGETS)
	@for f in $(FUZZ_LONG_TARGETS); do name=$$(basename $$f); mkdir -p $(FUZZ_DIR)/corpus/$$name; \
	  echo "== $$name ($(FUZZ_RUNS) executions)"; start=$$(date +%s); \
	  $$f -runs=$(FUZZ_RUNS) -print_final_stats=1 -artifact_prefix=$(FUZZ_DIR)/crash-$$name- \
	    $(FUZZ_DIR)/corpus/$$name > $$f.long.log 2>&1 || { tail -40 $$f.long.log; exit 1; }; \
	  grep -E 'stat::number_of_executed_units' $$f.long.log; \
	  echo "wall time: $$(( $$(date +%s) - start )) s"; done

# ---- core micro-benchmarks (Google Benchmark) ----
BENCH_DIR = build/bench
BENCH_CXXFLAGS = -std=c++17 -Isrc -O2 -DNDEBUG
BENCH_OBJS = $(call CORE_OBJS,bench) $(patsubst %.cpp,build/obj/bench/%.o,$(sort $(wildcard bench/core/*.cpp)))

build/obj/bench/%.o: %.cpp
	@mkdir -p $(@D)
	$(CXX) $(BENCH_CXXFLAGS) -MMD -MP -c -o $@ $<

$(BENCH_DIR)/core_bench: $(BENCH_OBJS)
	@mkdir -p $(BENCH_DIR)
	$(CXX) $(BENCH_CXXFLAGS) -o $@ $(BENCH_OBJS) -lbenchmark -lbenchmark_main -pthread -lcrypto -lsodium

bench-core: $(BENCH_DIR)/core_bench
	$(BENCH_DIR)/core_bench

# The objects are kept between builds (make would delete them as intermediate files otherwise).
.SECONDARY: $(UNIT_OBJS) $(BENCH_OBJS) $(call CORE_OBJS,fuzz) \
  $(patsubst test/fuzz/%.cpp,build/obj/fuzz/test/fuzz/%.o,$(wildcard test/fuzz/fuzz_*.cpp))

# ---- PGXN source distribution ----
# make dist: $(EXTENSION)-$(EXTVERSION).zip, the format PGXN takes: the tracked files under
# $(EXTENSION)-$(EXTVERSION)/, plus the install and upgrade scripts built from sql/src/ (META.json
# names the install script). It builds with make alone. Archives HEAD, or HEAD with the uncommitted
# changes to tracked files when there are some (it says so). Needs git 2.35+ (--add-file).
DIST = $(EXTENSION)-$(EXTVERSION)
.PHONY: dist
dist: $(CURRENT_SQL) $(CURRENT_UPGRADE)
	@tree=$$(git stash create) || exit 1; \
	if [ -n "$$tree" ]; then echo "make dist: including uncommitted changes to tracked files" >&2; else tree=HEAD; fi; \
	git archive --format=zip --prefix=$(DIST)/sql/ --add-file=$(CURRENT_SQL) --add-file=$(CURRENT_UPGRADE) \
	  --prefix=$(DIST)/ -o $(DIST).zip $$tree
	@echo "$(DIST).zip"
