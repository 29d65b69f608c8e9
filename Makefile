# Shuangyong — build, run, test, bench.
#   make run     install what is missing, build, create a demo database, serve :8080
#   make test    install what is missing, build with sanitizers, run every test
#   make bench   measure against the targets in docs/benchmarks.md
#   make fuzz    run every libFuzzer target for FUZZ_SECONDS (default 60) each
#   make install PREFIX=/usr/local
PREFIX  ?= /usr/local
CC      ?= cc
BUILD   ?= build
PKGS    = libmicrohttpd jansson sqlite3 libpq libsodium libqrencode xlsxwriter libzip expat zlib
PKG_CFLAGS := $(shell pkg-config --cflags $(PKGS) 2>/dev/null)
PKG_LIBS   := $(shell pkg-config --libs $(PKGS) 2>/dev/null)

WARN    = -Wall -Wextra -Werror -Wmissing-prototypes -Wshadow -Wformat=2 -Wno-format-nonliteral
HARDEN  = -fstack-protector-strong -D_FORTIFY_SOURCE=2 -fPIE
CFLAGS_BASE = -std=c17 -D_GNU_SOURCE $(WARN) -Isrc -I$(BUILD)/gen $(PKG_CFLAGS)
CFLAGS  ?= -O2 -g
LDHARDEN = -pie -Wl,-z,relro,-z,now
LIBS    = $(PKG_LIBS) -lpthread -lm

SAN     = -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined
TFLAGS  = -O1 -g $(SAN)

SRC      := $(shell find src -name '*.c' | sort)
LIB_SRC  := $(filter-out src/app/main.c,$(SRC))
HDR      := $(shell find src -name '*.h')
SQL      := $(sort $(wildcard sql/[0-9]*.sql))
GEN      := $(BUILD)/gen/migrations.c
OBJ      := $(LIB_SRC:%.c=$(BUILD)/obj/%.o) $(GEN:$(BUILD)/gen/%.c=$(BUILD)/obj/gen/%.o)
TOBJ     := $(LIB_SRC:%.c=$(BUILD)/tobj/%.o) $(GEN:$(BUILD)/gen/%.c=$(BUILD)/tobj/gen/%.o)
TEST_SRC := $(shell find tests/unit tests/api -name 'test_*.c' 2>/dev/null | sort)
TEST_BIN := $(TEST_SRC:tests/%.c=$(BUILD)/tests/%)
# Fuzz targets: replayed over their corpus by `make test`, fuzzed by `make fuzz`.
FUZZ_SRC := $(sort $(wildcard tests/fuzz/fuzz_*.c))
FUZZ_REPLAY := $(FUZZ_SRC:tests/fuzz/fuzz_%.c=$(BUILD)/tests/fuzz/replay_%)
FUZZ_BIN := $(FUZZ_SRC:tests/fuzz/fuzz_%.c=$(BUILD)/fuzz/fuzz_%)
FOBJ     := $(LIB_SRC:%.c=$(BUILD)/fobj/%.o) $(GEN:$(BUILD)/gen/%.c=$(BUILD)/fobj/gen/%.o)
FUZZ_CC  ?= clang
FFLAGS   = -O1 -g -fsanitize=address,undefined -fno-sanitize-recover=undefined -fno-omit-frame-pointer

BIN  = $(BUILD)/shuangyong
TBIN = $(BUILD)/shuangyong-asan

all: $(BIN) vendor

# The list of migrations as a file that changes only when the list does: a
# migration removed (or renamed) then regenerates the embedded set too.
MIG_LIST := $(BUILD)/gen/migrations.list
$(MIG_LIST): FORCE
	@mkdir -p $(@D)
	@echo "$(SQL)" | cmp -s - $@ || echo "$(SQL)" >$@
$(GEN): $(SQL) $(MIG_LIST) scripts/embed-sql.sh
	@mkdir -p $(@D)
	scripts/embed-sql.sh $@ $(SQL)
FORCE:

$(BUILD)/obj/gen/%.o: $(BUILD)/gen/%.c
	@mkdir -p $(@D)
	@echo "CC $<"; $(CC) $(CFLAGS_BASE) $(CFLAGS) $(HARDEN) -c $< -o $@
$(BUILD)/obj/%.o: %.c $(HDR)
	@mkdir -p $(@D)
	@echo "CC $<"; $(CC) $(CFLAGS_BASE) $(CFLAGS) $(HARDEN) -c $< -o $@
# Objects are linked directly, not through an archive: ar keys members by
# basename, and every module has a routes.o and a cli.o.
$(BIN): $(BUILD)/obj/src/app/main.o $(OBJ)
	$(CC) $(CFLAGS) $(LDHARDEN) -o $@ $^ $(LIBS)

# The sanitizer build used by every test.
$(BUILD)/tobj/gen/%.o: $(BUILD)/gen/%.c
	@mkdir -p $(@D)
	@echo "CC [asan] $<"; $(CC) $(CFLAGS_BASE) $(TFLAGS) -c $< -o $@
$(BUILD)/tobj/%.o: %.c $(HDR)
	@mkdir -p $(@D)
	@echo "CC [asan] $<"; $(CC) $(CFLAGS_BASE) $(TFLAGS) -c $< -o $@
$(TBIN): $(BUILD)/tobj/src/app/main.o $(TOBJ)
	$(CC) $(TFLAGS) -o $@ $^ $(LIBS)
$(BUILD)/tests/%: tests/%.c $(TOBJ) tests/testutil.h
	@mkdir -p $(@D)
	@echo "CC [test] $<"; $(CC) $(CFLAGS_BASE) $(TFLAGS) -Itests -o $@ $< $(TOBJ) $(LIBS) $$(pkg-config --libs cmocka)

$(BUILD)/tests/fuzz/replay_%: tests/fuzz/fuzz_%.c tests/fuzz/replay.c tests/fuzz/fuzz.h $(TOBJ)
	@mkdir -p $(@D)
	@echo "CC [replay] $<"; $(CC) $(CFLAGS_BASE) $(TFLAGS) -Itests/fuzz -o $@ $< tests/fuzz/replay.c $(TOBJ) $(LIBS)

# libFuzzer builds (clang): the project's objects instrumented for coverage.
$(BUILD)/fobj/gen/%.o: $(BUILD)/gen/%.c
	@mkdir -p $(@D)
	@echo "CC [fuzz] $<"; $(FUZZ_CC) $(CFLAGS_BASE) $(FFLAGS) -fsanitize=fuzzer-no-link -c $< -o $@
$(BUILD)/fobj/%.o: %.c $(HDR)
	@mkdir -p $(@D)
	@echo "CC [fuzz] $<"; $(FUZZ_CC) $(CFLAGS_BASE) $(FFLAGS) -fsanitize=fuzzer-no-link -c $< -o $@
$(BUILD)/fuzz/fuzz_%: tests/fuzz/fuzz_%.c tests/fuzz/fuzz.h $(FOBJ)
	@mkdir -p $(@D)
	@echo "CC [fuzz] $<"; $(FUZZ_CC) $(CFLAGS_BASE) $(FFLAGS) -fsanitize=fuzzer -Itests/fuzz -o $@ $< $(FOBJ) $(LIBS)

# Front-end libraries come from the npm registry (package-lock.json).
vendor: web/vendor/echarts.min.js web/vendor/leaflet/leaflet.js
web/vendor/echarts.min.js: node_modules/echarts/dist/echarts.min.js
	@mkdir -p $(@D)
	cp $< $@
web/vendor/leaflet/leaflet.js: node_modules/leaflet/dist/leaflet.js
	@mkdir -p $(@D)
	cp -r node_modules/leaflet/dist/. web/vendor/leaflet/
node_modules/echarts/dist/echarts.min.js node_modules/leaflet/dist/leaflet.js: package-lock.json
	scripts/deps.sh build

deps:
	scripts/deps.sh build

DB ?= data/shuangyong.db
run: deps
	$(MAKE) all
	@mkdir -p data
	$(BIN) init --db $(DB)
	$(BIN) demo --db $(DB)
	$(BIN) serve --db $(DB) --listen 127.0.0.1:8080 --web web

test:
	scripts/deps.sh test
	$(MAKE) $(BIN) $(TBIN) $(TEST_BIN) $(FUZZ_REPLAY) vendor
	tests/run.sh

test-build: $(BIN) $(TBIN) $(TEST_BIN) $(FUZZ_REPLAY)

# FUZZ_SECONDS per target (default 60); new findings land in $(BUILD)/fuzz/findings.
fuzz:
	scripts/deps.sh fuzz
	$(MAKE) $(FUZZ_BIN)
	tests/fuzz/run.sh $(BUILD)

# The placement engine's benchmark program (bench/placement.sh builds and runs it).
$(BUILD)/bench/placement: bench/placement.c $(OBJ)
	@mkdir -p $(@D)
	$(CC) $(CFLAGS_BASE) $(CFLAGS) $(HARDEN) $(LDHARDEN) -o $@ $< $(OBJ) $(LIBS)
# Nearby search in process (bench/nearby.sh builds and runs it).
$(BUILD)/bench/nearby: bench/nearby.c $(OBJ)
	@mkdir -p $(@D)
	$(CC) $(CFLAGS_BASE) $(CFLAGS) $(HARDEN) $(LDHARDEN) -o $@ $< $(OBJ) $(LIBS)

bench:
	scripts/deps.sh bench
	$(MAKE) all
	bench/run.sh
	bench/people.sh
	bench/verify.sh
	bench/circle.sh
	bench/nearby.sh
	bench/placement.sh

install: all
	install -d $(DESTDIR)$(PREFIX)/bin $(DESTDIR)$(PREFIX)/share/shuangyong
	install -m 755 $(BIN) $(DESTDIR)$(PREFIX)/bin/shuangyong
	cp -r web $(DESTDIR)$(PREFIX)/share/shuangyong/

clean:
	rm -rf $(BUILD) web/vendor tests/e2e/out

# The instrumented objects are only reached through pattern rules; keep them.
.SECONDARY: $(FOBJ)
.PHONY: all vendor deps run test test-build fuzz bench install clean
