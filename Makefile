# s3engine - bulk server-side S3 copy driven by Lua plans.
#
#   make                      build ./s3engine
#   make test                 install missing packages, build, run unit + integration tests
#   make SANITIZER=address    build with ASan + UBSan into build/asan/
#   make SANITIZER=thread     build with ThreadSanitizer into build/tsan/
#   make test-sanitize        the whole suite against the ASan + UBSan build
#   make test-tsan            the whole suite against the TSan build
#   make file-deps            which engine file calls which, and the cycles (ARCHITECTURE.md)
#   make install PREFIX=/usr/local [DESTDIR=...]    binary, Lua recipes, man pages, completion
#   make deb                  a Debian package in build/
#   make lambda-zip           the AWS Lambda package build/s3engine-lambda.zip
#   make demo | make bench    see README.md
#   make fuzz [FUZZ_SECONDS=60]   libFuzzer targets (clang) in build/fuzz/, each run on
#                             its corpus in tests/fuzz/corpus/<target>/; make fuzz-merge
#
# Quiet unless V=1.

PREFIX   ?= /usr/local
BINDIR    = $(PREFIX)/bin
LUADIR    = $(PREFIX)/share/s3engine/lua
MANDIR   ?= $(PREFIX)/share/man
BASHCOMPDIR ?= $(PREFIX)/share/bash-completion/completions
ZSHCOMPDIR  ?= $(PREFIX)/share/zsh/site-functions

PKG_CONFIG ?= pkg-config
# Lua 5.4 has a different pkg-config name on each distribution: take the first that exists.
LUA_PC := $(firstword $(foreach p,lua5.4 lua-5.4 lua54 lua,$(shell $(PKG_CONFIG) --exists $(p) 2>/dev/null && echo $(p))))
DEPS_PC = $(LUA_PC) libcurl openssl libxml-2.0 zlib

ifeq ($(SANITIZER),)
  OUT   = build/release
  OPT   = -O2
else ifeq ($(SANITIZER),thread)
  OUT   = build/tsan
  OPT   = -O1 -fno-omit-frame-pointer -fsanitize=thread
  SAN_LDFLAGS = -fsanitize=thread
else ifeq ($(SANITIZER),address)
  OUT   = build/asan
  OPT   = -O1 -fno-omit-frame-pointer -fsanitize=address,undefined -fno-sanitize-recover=all
  SAN_LDFLAGS = -fsanitize=address,undefined
else
  $(error SANITIZER is address (ASan + UBSan) or thread (TSan), not '$(SANITIZER)')
endif

CC      ?= cc
WARN     = -Wall -Wextra -Werror -Wshadow -Wstrict-prototypes -Wmissing-prototypes -Wno-unused-parameter
CFLAGS  ?= -g
ALL_CFLAGS = -std=c11 -D_DEFAULT_SOURCE -D_POSIX_C_SOURCE=200809L $(OPT) $(CFLAGS) $(WARN) -pthread \
             -Iinclude -MMD -MP $(shell $(PKG_CONFIG) --cflags $(DEPS_PC)) \
             -DS3E_LUA_DIR='"$(LUADIR)"'
LIBS     = $(shell $(PKG_CONFIG) --libs $(DEPS_PC)) -lm -pthread
ALL_LDFLAGS = $(LDFLAGS) $(SAN_LDFLAGS)

ifeq ($(V),1)
  Q =
  say =
else
  Q = @
  say = @printf '  %-6s %s\n' $(1) $(2);
endif

ENGINE_SRC = $(filter-out engine/main.c,$(wildcard engine/*.c))
ENGINE_OBJ = $(patsubst engine/%.c,$(OUT)/engine/%.o,$(ENGINE_SRC))
MAIN_OBJ   = $(OUT)/engine/main.o
LIB        = $(OUT)/libs3engine.a
BIN        = $(OUT)/s3engine

UNIT_SRC   = $(wildcard tests/unit/test_*.c)
UNIT_BIN   = $(patsubst tests/unit/%.c,$(OUT)/tests/%,$(UNIT_SRC))
ITEST_SRC  = $(wildcard tests/integration/itest_*.c)
ITEST_BIN  = $(patsubst tests/integration/%.c,$(OUT)/tests/%,$(ITEST_SRC))
TEST_SUPPORT_SRC = $(wildcard tests/support/*.c)
TEST_SUPPORT_OBJ = $(patsubst tests/support/%.c,$(OUT)/tests/support/%.o,$(TEST_SUPPORT_SRC))
CMOCKA_CFLAGS = $(shell $(PKG_CONFIG) --cflags cmocka)
CMOCKA_LIBS   = $(shell $(PKG_CONFIG) --libs cmocka)

.PHONY: test-long all s3engine check-deps test test-unit test-sanitize test-tsan tests demo bench install uninstall deb lambda-zip \
        file-deps \
        clean fuzz fuzz-build fuzz-merge fuzz-check-cc
all: check-deps s3engine

check-deps:
	@test -n "$(LUA_PC)" || { echo "Lua 5.4 development files not found (pkg-config lua5.4). Run: sudo scripts/install-deps.sh" >&2; exit 1; }
	@$(PKG_CONFIG) --exists libcurl openssl libxml-2.0 zlib || { echo "libcurl/openssl/libxml2/zlib development files missing. Run: sudo scripts/install-deps.sh" >&2; exit 1; }

# The release build is linked at the top of the tree so that `./s3engine` works
# from a checkout (it finds ./lua/ next to itself).
s3engine: $(BIN)
	$(Q)ln -sf $(BIN) s3engine

$(BIN): $(MAIN_OBJ) $(LIB)
	$(call say,LINK,$@)
	$(Q)$(CC) $(ALL_CFLAGS) -o $@ $^ $(ALL_LDFLAGS) $(LIBS)

$(LIB): $(ENGINE_OBJ)
	$(call say,AR,$@)
	$(Q)rm -f $@ && ar rcs $@ $^

$(OUT)/engine/%.o: engine/%.c
	@mkdir -p $(dir $@)
	$(call say,CC,$<)
	$(Q)$(CC) $(ALL_CFLAGS) -c -o $@ $<

$(OUT)/tests/support/%.o: tests/support/%.c
	@mkdir -p $(dir $@)
	$(call say,CC,$<)
	$(Q)$(CC) $(ALL_CFLAGS) $(CMOCKA_CFLAGS) -Itests/support -c -o $@ $<

$(OUT)/tests/%: tests/unit/%.c $(LIB) $(TEST_SUPPORT_OBJ)
	@mkdir -p $(dir $@)
	$(call say,CC,$<)
	$(Q)$(CC) $(ALL_CFLAGS) $(CMOCKA_CFLAGS) -Itests/support -o $@ $< $(TEST_SUPPORT_OBJ) $(LIB) $(ALL_LDFLAGS) $(CMOCKA_LIBS) $(LIBS)

$(OUT)/tests/%: tests/integration/%.c $(LIB) $(TEST_SUPPORT_OBJ)
	@mkdir -p $(dir $@)
	$(call say,CC,$<)
	$(Q)$(CC) $(ALL_CFLAGS) $(CMOCKA_CFLAGS) -Itests/support -o $@ $< $(TEST_SUPPORT_OBJ) $(LIB) $(ALL_LDFLAGS) $(CMOCKA_LIBS) $(LIBS)

tests: check-deps $(BIN) $(UNIT_BIN) $(ITEST_BIN)

# The whole suite: installs what is missing, builds, starts radosgw, runs
# everything, stops radosgw. Exits non-zero on any failure.
test:
	$(Q)scripts/run-tests.sh

# Unit tests only (no server, no install).
test-unit: tests
	$(Q)scripts/run-tests.sh --unit-only

# What is too long for `make test`: issue 11's 5,000 objects streamed between two
# radosgw clusters through credentials that expire every 20 s, and radosgw STS's
# 900-second credentials refused once expired (17 minutes).
test-long:
	$(Q)S3E_TEST_LONG=1 S3E_STREAM_EXP_OBJECTS=5000 \
	  S3E_TEST_FILTER=test_stream_expiring,test_sts_expired_radosgw scripts/run-tests.sh

test-sanitize:
	$(Q)SANITIZER=address scripts/run-tests.sh

test-tsan:
	$(Q)SANITIZER=thread scripts/run-tests.sh

# Which engine file calls which, the cycles, headers that declare other files' functions.
file-deps: $(LIB)
	$(Q)scripts/file-deps.py --objects $(OUT)/engine

# ---- fuzzing (clang + libFuzzer, separate from the gcc builds) -----------------
# The engine is compiled again with clang into build/fuzz/ with coverage for
# libFuzzer and ASan + UBSan; each tests/fuzz/fuzz_*.c is one target.
FUZZ_CC      ?= clang
FUZZ_SECONDS ?= 60
FUZZ_OUT      = build/fuzz
FUZZ_SAN      = -fsanitize=address,undefined -fno-sanitize-recover=all
FUZZ_CFLAGS   = -std=c11 -D_DEFAULT_SOURCE -D_POSIX_C_SOURCE=200809L -g -O1 \
                -fno-omit-frame-pointer $(FUZZ_SAN) -Wall -Wextra -Wno-unused-parameter \
                -pthread -Iinclude -MMD -MP $(shell $(PKG_CONFIG) --cflags $(DEPS_PC)) \
                -DS3E_LUA_DIR='"$(LUADIR)"'
FUZZ_SRC      = $(wildcard tests/fuzz/fuzz_*.c)
FUZZ_BIN      = $(patsubst tests/fuzz/%.c,$(FUZZ_OUT)/%,$(FUZZ_SRC))
FUZZ_ENGINE_OBJ = $(patsubst engine/%.c,$(FUZZ_OUT)/engine/%.o,$(ENGINE_SRC))
FUZZ_LIB      = $(FUZZ_OUT)/libs3engine.a

fuzz-build: $(FUZZ_BIN)

fuzz-check-cc: check-deps
	@command -v $(FUZZ_CC) >/dev/null || { echo "$(FUZZ_CC) not found: run scripts/install-deps.sh test" >&2; exit 1; }

# Each target for FUZZ_SECONDS on its corpus; a crash stops make with the
# input saved as build/fuzz/crash-* (README.md, "Fuzzing").
fuzz: fuzz-build
	$(Q)for t in $(notdir $(FUZZ_BIN)); do \
	  tests/fuzz/run.sh $$t -max_total_time=$(FUZZ_SECONDS) || exit 1; done

# Fold new inputs found in build/fuzz/new/<target>/ into the kept corpus (minimised).
fuzz-merge: fuzz-build
	$(Q)for t in $(notdir $(FUZZ_BIN)); do tests/fuzz/run.sh $$t -merge=1 || exit 1; done

$(FUZZ_OUT)/engine/%.o: engine/%.c | fuzz-check-cc
	@mkdir -p $(dir $@)
	$(call say,CC,$<)
	$(Q)$(FUZZ_CC) $(FUZZ_CFLAGS) -fsanitize=fuzzer-no-link -c -o $@ $<

$(FUZZ_LIB): $(FUZZ_ENGINE_OBJ)
	$(call say,AR,$@)
	$(Q)rm -f $@ && ar rcs $@ $^

$(FUZZ_OUT)/fuzz_%: tests/fuzz/fuzz_%.c tests/fuzz/fuzz_util.h $(FUZZ_LIB)
	@mkdir -p $(dir $@)
	$(call say,CC,$<)
	$(Q)$(FUZZ_CC) $(FUZZ_CFLAGS) -Werror -fsanitize=fuzzer -o $@ $< $(FUZZ_LIB) $(LIBS)

demo:
	$(Q)scripts/demo.sh

bench:
	$(Q)scripts/bench.sh

install: all
	$(Q)install -d $(DESTDIR)$(BINDIR) $(DESTDIR)$(LUADIR) $(DESTDIR)$(MANDIR)/man1 \
	    $(DESTDIR)$(MANDIR)/man5 $(DESTDIR)$(BASHCOMPDIR) $(DESTDIR)$(ZSHCOMPDIR)
	$(Q)install -m 0755 $(BIN) $(DESTDIR)$(BINDIR)/s3engine
	$(Q)cd lua && find s3engine -name '*.lua' -exec install -D -m 0644 {} $(DESTDIR)$(LUADIR)/{} \;
	$(Q)gzip -9n <man/s3engine.1 >$(DESTDIR)$(MANDIR)/man1/s3engine.1.gz
	$(Q)gzip -9n <man/s3engine-plan.5 >$(DESTDIR)$(MANDIR)/man5/s3engine-plan.5.gz
	$(Q)install -m 0644 completions/s3engine.bash $(DESTDIR)$(BASHCOMPDIR)/s3engine
	$(Q)install -m 0644 completions/_s3engine $(DESTDIR)$(ZSHCOMPDIR)/_s3engine
	@echo "installed $(DESTDIR)$(BINDIR)/s3engine, recipes in $(DESTDIR)$(LUADIR), man pages, completion"

uninstall:
	$(Q)rm -f $(DESTDIR)$(BINDIR)/s3engine $(DESTDIR)$(MANDIR)/man1/s3engine.1.gz \
	    $(DESTDIR)$(MANDIR)/man5/s3engine-plan.5.gz $(DESTDIR)$(BASHCOMPDIR)/s3engine \
	    $(DESTDIR)$(ZSHCOMPDIR)/_s3engine
	$(Q)rm -rf $(DESTDIR)$(PREFIX)/share/s3engine

# A Debian package, always of the release build (even when SANITIZER is set):
# build/s3engine_VERSION_ARCH.deb
# The AWS Lambda package (custom runtime provided.al2023): deploy/README, README "Lambda".
lambda-zip:
	$(Q)$(MAKE) --no-print-directory SANITIZER= all
	$(Q)scripts/make-lambda-zip.sh build/release/s3engine build/s3engine-lambda.zip

deb:
	$(Q)$(MAKE) --no-print-directory SANITIZER= all
	$(Q)scripts/make-deb.sh build/release/s3engine

clean:
	$(Q)rm -rf build s3engine

-include $(ENGINE_OBJ:.o=.d) $(MAIN_OBJ:.o=.d) $(TEST_SUPPORT_OBJ:.o=.d)
-include $(wildcard $(FUZZ_OUT)/engine/*.d $(FUZZ_OUT)/*.d)
