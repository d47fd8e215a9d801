#   huishang - labour-dispute consultation daemon and its client.
#   Plain make, in LMDB's manner. Debian 12 packages: see README.md.

CC      ?= cc
CFLAGS  ?= -O2 -g
#   What every object needs, whatever CFLAGS the caller gives; CPPFLAGS and
#   LDFLAGS from the environment too (dpkg-buildflags: fortify, relro, bindnow).
ALL_CFLAGS = $(CPPFLAGS) $(CFLAGS) -std=gnu99 -Wall -Wextra -MMD -MP -D_GNU_SOURCE
LDLIBS   = -lczmq -lzmq -llmdb -lmsgpackc -lsystemd -lm
PREFIX  ?= /usr/local
DESTDIR ?=
BUILD   ?= build

#   Three layers, three libraries: the wire and record layouts (protocol/),
#   the configuration and the read side of the store that the clients use
#   too (core), and the rest of the daemon. Clients never link the daemon's.
PROTO    = protocol/hs_proto.c protocol/hs_pack.c protocol/hs_fields.c protocol/hs_inbound.c protocol/hs_act.c protocol/hs_outbound.c \
           protocol/hs_event.c protocol/hs_bin.c protocol/hs_handler.c protocol/hs_case.c protocol/hs_case_rec.c protocol/hs_meeting_rec.c protocol/hs_prompt_rec.c protocol/hs_filing_msg.c protocol/hs_meetings_msg.c protocol/hs_record.c \
           protocol/hs_proposal_rec.c protocol/hs_proposal_msg.c protocol/hs_inspection_rec.c protocol/hs_inspection_msg.c \
           protocol/hs_reply.c protocol/hs_json.c protocol/hs_heartbeat_msg.c protocol/hs_alert_rec.c \
           protocol/hs_request_rec.c protocol/hs_escalate_rec.c protocol/hs_words.c protocol/hs_event_test.c
CORE     = daemon/hs_zpl.c daemon/hs_units.c daemon/hs_condition.c daemon/hs_policy.c \
           daemon/hs_rules.c daemon/hs_plan.c daemon/hs_calendar.c daemon/hs_config.c daemon/hs_log.c \
           daemon/hs_store.c daemon/hs_store_test.c daemon/hs_ledger.c daemon/hs_timers.c daemon/hs_cases.c daemon/hs_caseindex.c daemon/hs_meeting_table.c daemon/hs_idkey.c \
           daemon/hs_intake.c daemon/hs_query.c daemon/hs_filed.c daemon/hs_verify.c \
           daemon/hs_guard.c daemon/hs_check.c
DAEMON   = daemon/hs_lock.c daemon/hs_clock.c daemon/hs_metrics.c daemon/hs_service.c daemon/hs_keys.c \
           daemon/hs_subscribers.c daemon/hs_bus.c daemon/hs_upstream.c daemon/hs_txn.c daemon/hs_stats.c \
           daemon/hs_reject.c daemon/hs_flood.c daemon/hs_deadletters.c daemon/hs_notices.c daemon/hs_windows.c \
           daemon/hs_warnings.c daemon/hs_feeds.c daemon/hs_envelope.c daemon/hs_ingest.c daemon/hs_kinds.c daemon/hs_meetings.c daemon/hs_ladder.c daemon/hs_actions.c daemon/hs_prompts.c daemon/hs_filing.c \
           daemon/hs_proposals.c daemon/hs_inspections.c \
           daemon/hs_handling.c daemon/hs_caseacts.c daemon/hs_casework.c daemon/hs_briefs.c daemon/hs_schedule.c daemon/hs_forward.c daemon/hs_api.c \
           daemon/hs_engine.c daemon/hs_engine_test.c daemon/hs_fd.c daemon/hs_check_start.c daemon/hs_rekey.c
CONFIGS  = config/huishang.cfg config/units.cfg config/rules.cfg config/holidays-cn-2026.txt

PROTO_LIB  = $(BUILD)/libhs_proto.a
CORE_LIB   = $(BUILD)/libhs_core.a
DAEMON_LIB = $(BUILD)/libhs_daemon.a
#   What a daemon-side program links, in order.
LIBS     = $(DAEMON_LIB) $(CORE_LIB) $(PROTO_LIB)

all: $(BUILD)/huishangd $(BUILD)/huishang $(BUILD)/hs_selftest $(BUILD)/huishang-web

$(BUILD)/%.o: %.c
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) -c -o $@ $<

$(BUILD)/hs_defaults.c: $(CONFIGS) tools/embed.sh
	@mkdir -p $(BUILD)
	sh tools/embed.sh $(CONFIGS) > $@

$(BUILD)/hs_defaults.o: $(BUILD)/hs_defaults.c
	$(CC) $(ALL_CFLAGS) -c -o $@ $<

$(PROTO_LIB): $(PROTO:%.c=$(BUILD)/%.o)
	rm -f $@
	ar rcs $@ $^

$(CORE_LIB): $(CORE:%.c=$(BUILD)/%.o) $(BUILD)/hs_defaults.o
	rm -f $@
	ar rcs $@ $^

$(DAEMON_LIB): $(DAEMON:%.c=$(BUILD)/%.o)
	rm -f $@
	ar rcs $@ $^

$(BUILD)/huishangd: $(BUILD)/daemon/huishangd.o $(LIBS)
	$(CC) $(LDFLAGS) -o $@ $^ $(LDLIBS)

CLIENT_OBJ = $(BUILD)/clients/huishang.o $(BUILD)/clients/hs_client.o \
             $(BUILD)/clients/huishang_print.o $(BUILD)/clients/huishang_options.o \
             $(BUILD)/clients/huishang_pub.o $(BUILD)/clients/huishang_window.o \
             $(BUILD)/clients/huishang_watch.o \
             $(BUILD)/clients/huishang_query.o $(BUILD)/clients/huishang_store.o \
             $(BUILD)/clients/huishang_keys.o $(BUILD)/clients/huishang_rules.o \
             $(BUILD)/clients/huishang_top.o $(BUILD)/clients/huishang_handle.o \
             $(BUILD)/clients/huishang_meeting.o \
             $(BUILD)/clients/huishang_case.o $(BUILD)/clients/huishang_words.o \
             $(BUILD)/clients/huishang_html.o $(BUILD)/clients/huishang_dossier.o \
             $(BUILD)/clients/huishang_dossier_events.o $(BUILD)/clients/huishang_archive.o \
             $(BUILD)/clients/huishang_archive_page.o $(BUILD)/clients/huishang_inspect.o \
             $(BUILD)/clients/huishang_time.o $(BUILD)/clients/huishang_fresh.o \
             $(BUILD)/clients/huishang_top_layout.o
$(BUILD)/huishang: $(CLIENT_OBJ) $(CORE_LIB) $(PROTO_LIB)
	$(CC) $(LDFLAGS) -o $@ $^ $(LDLIBS) -ljansson -lncursesw

#   The duty board (web/): its own program, a client of the daemon, with the
#   page's files (web/assets/) compiled in as the config is.
WEB_OBJ  = $(BUILD)/web/huishang_web.o $(BUILD)/web/hs_web_link.o $(BUILD)/web/hs_web_feed.o \
           $(BUILD)/web/hs_web_auth.o $(BUILD)/web/hs_web_board.o $(BUILD)/web/hs_web_duty.o \
           $(BUILD)/web/hs_web_act.o \
           $(BUILD)/web/hs_web_http.o $(BUILD)/hs_web_assets.o $(BUILD)/clients/hs_client.o
WEB_ASSETS = $(sort $(wildcard web/assets/*))
#   The list of the files itself, rewritten only when it changes: a file
#   added or taken away makes the table again.
$(BUILD)/hs_web_assets.list: FORCE
	@mkdir -p $(BUILD)
	@echo $(WEB_ASSETS) > $@.new; cmp -s $@.new $@ || mv $@.new $@; rm -f $@.new

$(BUILD)/hs_web_assets.c: $(WEB_ASSETS) $(BUILD)/hs_web_assets.list tools/embed_assets.sh
	sh tools/embed_assets.sh $(WEB_ASSETS) > $@

$(BUILD)/hs_web_assets.o: $(BUILD)/hs_web_assets.c web/hs_web_assets.h
	$(CC) $(ALL_CFLAGS) -I. -c -o $@ $<

$(BUILD)/huishang-web: $(WEB_OBJ) $(CORE_LIB) $(PROTO_LIB)
	$(CC) $(LDFLAGS) -o $@ $^ $(LDLIBS) -ljansson -lmicrohttpd -lsodium -lpthread

#   The self tests of the client classes that have one.
SELFTEST_CLIENT = $(BUILD)/clients/hs_client.o $(BUILD)/clients/huishang_html.o \
                  $(BUILD)/clients/huishang_print.o $(BUILD)/clients/huishang_words.o \
                  $(BUILD)/clients/huishang_time.o $(BUILD)/clients/huishang_fresh.o \
                  $(BUILD)/clients/huishang_top_layout.o
SELFTEST_WEB = $(filter-out $(BUILD)/web/huishang_web.o $(BUILD)/clients/hs_client.o,$(WEB_OBJ))
$(BUILD)/hs_selftest: $(BUILD)/tests/hs_selftest.o $(SELFTEST_CLIENT) $(SELFTEST_WEB) $(LIBS)
	$(CC) $(LDFLAGS) -o $@ $^ $(LDLIBS) -ljansson -lmicrohttpd -lsodium -lpthread

#   Build and start the daemon on its defaults, in the foreground, and the
#   duty board beside it (WEB_LISTEN); both stop together.
WEB_LISTEN ?= 127.0.0.1:8470
run: deps all
	@$(BUILD)/huishang-web --listen $(WEB_LISTEN) & web=$$!; \
	trap 'kill $$web 2>/dev/null' EXIT INT TERM; \
	echo "make run: the duty board (值班看板) is at http://$(WEB_LISTEN)/"; \
	$(BUILD)/huishangd --foreground

#   Install the Debian packages that building and testing need, when we
#   are allowed to (root) and something is missing.
deps:
	@sh tools/deps.sh

#   hs_bench too: test_bench runs it on its tiny size.
check: deps all $(BUILD)/hs_bench
	@sh tests/run.sh

#   The Debian package alone: make deb, lintian, and dpkg's install ->
#   upgrade -> remove -> purge into a temporary root (make check runs it too).
check-deb: all
	/usr/bin/python3 tests/integration/run.py test_package

#   The code's shape (tools/check_shape.py): no file over 800 lines, one
#   owner of the write transaction, protocol/ the only writer of msgpack,
#   no include cycle, one class per file. make check runs it too.
check-shape:
	/usr/bin/python3 tools/check_shape.py --self-test
	/usr/bin/python3 tools/check_shape.py

#   Everything built with AddressSanitizer + UndefinedBehaviorSanitizer, and
#   the self tests and integration tests run on that build (the daemon must
#   stop cleanly: any sanitizer report fails it).
ASAN_FLAGS = -O1 -g -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined
check-asan: deps
	$(MAKE) BUILD=$(BUILD)/asan CFLAGS="$(ASAN_FLAGS)" LDFLAGS="$(ASAN_FLAGS)" \
	    $(BUILD)/asan/huishangd $(BUILD)/asan/huishang $(BUILD)/asan/hs_selftest $(BUILD)/asan/huishang-web
	HS_BUILD=$(BUILD)/asan HS_STRICT_EXIT=1 HS_NO_FUZZ=1 sh tests/run.sh

#   The self tests, then the real daemon through integration tests, under
#   valgrind: any memory error or definite leak fails.
memcheck: all
	valgrind --error-exitcode=1 --leak-check=full --errors-for-leak-kinds=definite \
	    $(BUILD)/hs_selftest
	HS_DAEMON_WRAP="valgrind -q --error-exitcode=99 --leak-check=full --errors-for-leak-kinds=definite" \
	    /usr/bin/python3 tests/integration/run.py test_hostile test_updates test_meetings \
	    test_correlation test_ladder_critical test_ack_submit test_feed_gaps test_curve test_sighup \
	    test_windows_live test_metrics_file test_notify test_three_districts cannot_take \
	    test_a_return_is_rerouted test_a_closure_is_sent_back

#   The benchmark (tests/bench/hs_bench.c): raw libzmq, raw LMDB and the
#   daemon end to end in one run; SIZE=quick (about a minute) or full.
SIZE ?= quick
BENCH_OBJ = $(BUILD)/tests/bench/hs_bench.o $(BUILD)/tests/bench/hs_bench_raw.o \
            $(BUILD)/tests/bench/hs_bench_daemon.o $(BUILD)/tests/bench/hs_bench_api.o \
            $(BUILD)/tests/bench/hs_bench_peer.o $(BUILD)/tests/bench/hs_bench_replay.o
#   libcurl and jansson for the Alertmanager peer (hs_bench_peer.c) only.
$(BUILD)/hs_bench: $(BENCH_OBJ) $(PROTO_LIB)
	$(CC) $(LDFLAGS) -o $@ $^ $(LDLIBS) -lm -lcurl -ljansson

bench: all $(BUILD)/hs_bench
	@sh tools/deps.sh --bench || echo "make bench: the peer could not be installed; its row will say skipped"
	$(BUILD)/hs_bench --size $(SIZE) --daemon $(BUILD)/huishangd

#   Where the writer's time goes (tests/bench/profile.py): PROFILE_REPORTS
#   bench-like reports at full speed with perf attached, then the share of
#   each part of the hot path. Installs Debian's linux-perf if it can.
PROFILE_REPORTS ?= 200000
profile: all
	@sh tools/deps.sh --profile || echo "make profile: perf could not be installed; rate and CPU only"
	/usr/bin/python3 tests/bench/profile.py $(PROFILE_REPORTS)

#   The crash test for as long as SOAK_SECONDS: acknowledged load from two
#   clients while huishangd is SIGKILLed at random moments, then every
#   acknowledged report, seq, alert and clock checked in the store.
SOAK_SECONDS ?= 300
soak: all
	HS_SOAK_SECONDS=$(SOAK_SECONDS) /usr/bin/python3 tests/integration/run.py test_crash_cycles
	HS_SOAK_SECONDS=$(SOAK_SECONDS) /usr/bin/python3 tests/integration/run.py test_corrupt_copies
	#   The unattributed flood (test_floods) for SOAK_SECONDS (at most 5M messages).
	HS_SOAK_SECONDS=$(SOAK_SECONDS) /usr/bin/python3 tests/integration/run.py test_unattributed_flood
	#   Issue 12's item 8 at full size: 100 subscribers that never read, 30,000 alerts.
	HS_SLOW_SUBSCRIBERS=100 HS_SLOW_ALERTS=30000 /usr/bin/python3 tests/integration/run.py test_slow_subscribers

#   Coverage-guided fuzzing with clang's libFuzzer (ASan + UBSan) on the
#   codec, whole messages through the engine, rules files, and api
#   requests; seeds in tests/fuzz/corpus/. FUZZ_SECONDS per target.
FUZZ_SECONDS ?= 60
FUZZ_TARGETS = proto engine rules api
FUZZ_FLAGS = -O1 -g -fsanitize=address,undefined -fno-sanitize-recover=undefined
FUZZ_BUILD = $(BUILD)/fuzz

fuzz-build:
	$(MAKE) BUILD=$(FUZZ_BUILD) CC=clang CFLAGS="$(FUZZ_FLAGS) -fsanitize=fuzzer-no-link" \
	    $(FUZZ_BUILD)/libhs_daemon.a $(FUZZ_BUILD)/libhs_core.a $(FUZZ_BUILD)/libhs_proto.a
	for target in $(FUZZ_TARGETS); do \
	    clang $(FUZZ_FLAGS) -fsanitize=fuzzer -o $(FUZZ_BUILD)/hs_fuzz_$$target \
	        tests/fuzz/hs_fuzz_$$target.c $(FUZZ_BUILD)/libhs_daemon.a $(FUZZ_BUILD)/libhs_core.a \
	        $(FUZZ_BUILD)/libhs_proto.a $(LDLIBS) || exit 1; \
	done

fuzz: fuzz-build
	sh tests/fuzz/run.sh $(FUZZ_BUILD) $(FUZZ_SECONDS) $(FUZZ_TARGETS)

#   make install [PREFIX=/usr/local] [DESTDIR=] [SYSCONFDIR=/etc]: the two
#   programs, the systemd unit (its paths set to these), the default
#   configuration and holiday list under SYSCONFDIR/huishang, the city's in
#   SYSCONFDIR/huishang/city (a file already
#   there and changed is kept; the new one goes beside it as FILE.dist), the
#   man pages and the protocol document. make uninstall takes them away again
#   (configuration files only where they are still as shipped).
SYSCONFDIR ?= /etc
BINDIR   = $(PREFIX)/bin
SBINDIR  = $(PREFIX)/sbin
MANDIR   = $(PREFIX)/share/man
DOCDIR   = $(PREFIX)/share/doc/huishang
UNITDIR ?= $(PREFIX)/lib/systemd/system
CONFDIR  = $(SYSCONFDIR)/huishang
PYDIR   ?= $(PREFIX)/lib/python3/dist-packages
CITY     = config/city/huishang.cfg config/city/units.cfg
PYTHON   = $(sort $(wildcard clients/python/*.py))
MANPAGES = man/huishang.1 man/huishang.cfg.5 man/huishang-protocol.7 man/huishangd.8 man/huishang-web.8
#   The installed unit and protocol page name where things went.
PLACES   = sed -e 's|/usr/local/sbin/huishangd|$(SBINDIR)/huishangd|g' \
               -e 's|/usr/local/sbin/huishang-web|$(SBINDIR)/huishang-web|g' \
               -e 's|/etc/huishang|$(CONFDIR)|g' -e 's|/usr/local/share/doc/huishang|$(DOCDIR)|g'

install: all
	install -d $(DESTDIR)$(BINDIR) $(DESTDIR)$(SBINDIR) $(DESTDIR)$(CONFDIR) \
	    $(DESTDIR)$(UNITDIR) $(DESTDIR)$(DOCDIR) $(DESTDIR)$(MANDIR)/man1 \
	    $(DESTDIR)$(MANDIR)/man5 $(DESTDIR)$(MANDIR)/man7 $(DESTDIR)$(MANDIR)/man8
	install -m 755 $(BUILD)/huishang $(DESTDIR)$(BINDIR)/huishang
	install -m 755 $(BUILD)/huishangd $(DESTDIR)$(SBINDIR)/huishangd
	install -m 755 $(BUILD)/huishang-web $(DESTDIR)$(SBINDIR)/huishang-web
	$(PLACES) config/huishangd.service > $(DESTDIR)$(UNITDIR)/huishangd.service
	$(PLACES) systemd/huishang-web.service > $(DESTDIR)$(UNITDIR)/huishang-web.service
	chmod 644 $(DESTDIR)$(UNITDIR)/huishangd.service $(DESTDIR)$(UNITDIR)/huishang-web.service
	@for file in $(CONFIGS); do \
	    target=$(DESTDIR)$(CONFDIR)/$$(basename $$file); \
	    if [ -e $$target ] && ! cmp -s $$file $$target; then \
	        install -m 644 $$file $$target.dist; \
	        echo "install: kept $$target (changed); the shipped one is $$target.dist"; \
	    else \
	        install -m 644 $$file $$target; \
	    fi; \
	done
	for page in $(MANPAGES); do \
	    section=$${page##*.}; \
	    $(PLACES) $$page > $(DESTDIR)$(MANDIR)/man$$section/$$(basename $$page); \
	    chmod 644 $(DESTDIR)$(MANDIR)/man$$section/$$(basename $$page); \
	done
	install -m 644 protocol/PROTOCOL.md README.md $(DESTDIR)$(DOCDIR)/
	install -d $(DESTDIR)$(CONFDIR)/city $(DESTDIR)$(PYDIR)
	@for file in $(CITY); do \
	    target=$(DESTDIR)$(CONFDIR)/city/$$(basename $$file); \
	    if [ -e $$target ] && ! cmp -s $$file $$target; then \
	        install -m 644 $$file $$target.dist; \
	        echo "install: kept $$target (changed); the shipped one is $$target.dist"; \
	    else \
	        install -m 644 $$file $$target; \
	    fi; \
	done
	install -m 644 $(PYTHON) $(DESTDIR)$(PYDIR)/

uninstall:
	rm -f $(DESTDIR)$(BINDIR)/huishang $(DESTDIR)$(SBINDIR)/huishangd $(DESTDIR)$(SBINDIR)/huishang-web
	rm -f $(DESTDIR)$(UNITDIR)/huishangd.service $(DESTDIR)$(UNITDIR)/huishang-web.service
	for page in $(MANPAGES); do \
	    rm -f $(DESTDIR)$(MANDIR)/man$${page##*.}/$$(basename $$page); \
	done
	rm -f $(DESTDIR)$(DOCDIR)/PROTOCOL.md $(DESTDIR)$(DOCDIR)/README.md
	-rmdir $(DESTDIR)$(DOCDIR)
	@for file in $(CITY); do \
	    target=$(DESTDIR)$(CONFDIR)/city/$$(basename $$file); \
	    rm -f $$target.dist; \
	    if cmp -s $$file $$target; then rm -f $$target; \
	    elif [ -e $$target ]; then echo "uninstall: kept $$target (changed)"; fi; \
	done
	-@rmdir $(DESTDIR)$(CONFDIR)/city 2>/dev/null || true
	for file in $(PYTHON); do rm -f $(DESTDIR)$(PYDIR)/$$(basename $$file); done
	@for file in $(CONFIGS); do \
	    target=$(DESTDIR)$(CONFDIR)/$$(basename $$file); \
	    rm -f $$target.dist; \
	    if cmp -s $$file $$target; then rm -f $$target; \
	    elif [ -e $$target ]; then echo "uninstall: kept $$target (changed)"; fi; \
	done
	-@rmdir $(DESTDIR)$(CONFDIR) 2>/dev/null || echo "uninstall: kept $(DESTDIR)$(CONFDIR) (not empty)"

#   A binary Debian package (tools/deb.sh: dpkg-buildpackage on debian/, in
#   a copy of the tree under $(BUILD)/deb): $(BUILD)/huishang_VERSION_ARCH.deb
deb: all
	@sh tools/deb.sh $(BUILD)

clean:
	rm -rf $(BUILD)

FORCE:

.PHONY: FORCE all run deps check check-deb check-shape check-asan memcheck bench profile soak fuzz fuzz-build install uninstall deb clean

-include $(shell find $(BUILD) -name '*.d' 2>/dev/null)
