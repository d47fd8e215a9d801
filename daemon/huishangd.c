/*  =========================================================================
    huishangd - the labour-dispute consultation daemon

    Parse options, load the config, start the engine, run until SIGTERM or
    SIGINT, tear down; SIGHUP reloads, and systemd hears how we are
    (hs_service: READY, STATUS, WATCHDOG, RELOADING, STOPPING). Everything
    else lives in the classes.
    =========================================================================
*/

#include "hs_config.h"
#include "hs_log.h"
#include "hs_service.h"
#include "hs_engine.h"
#include "hs_fd.h"
#include "hs_lock.h"
#include "hs_check.h"
#include "hs_guard.h"
#include <getopt.h>
#include <signal.h>


//  Exit codes a restart cannot cure (config/huishangd.service lists the
//  last two in RestartPreventExitStatus=: no crash loop on a broken store).
#define HS_EXIT_LOCKED  75      //  another daemon holds the store (EX_TEMPFAIL)
#define HS_EXIT_DAMAGED 65      //  the store failed its check (EX_DATAERR)
#define HS_EXIT_NEWER   78      //  the store is from a newer build (EX_CONFIG)

static void
s_usage (FILE *out)
{
    fprintf (out,
        "usage: huishangd [options]\n"
        "\n"
        "  -c, --config FILE    read settings from FILE (default: $HUISHANG_CONFIG,\n"
        "                       else /etc/huishang/huishang.cfg if it exists, else the\n"
        "                       built-in copy of config/huishang.cfg, units.cfg, rules.cfg)\n"
        "  -f, --foreground     stay in the foreground, log to stderr (the default)\n"
        "  -d, --daemon         detach from the terminal and log to syslog\n"
        "                       (under systemd, Type=notify: neither; stderr is the journal)\n"
        "      --ingest EP      bind the ingest (SUB) socket to EP\n"
        "      --publish EP     bind the publish (PUB, as XPUB) socket to EP\n"
        "      --api EP         bind the api (ROUTER) socket to EP\n"
        "      --submit EP      bind the acknowledged-submit (ROUTER) socket to EP\n"
        "      --store DIR      keep the LMDB store in DIR\n"
        "      --check-config   validate the config, units and rules, then exit\n"
        "                       (status 0 if valid, 1 with file:line: reason if not)\n"
        "      --time-scale N   run the daemon's clock N times faster (drills, tests)\n"
        "      --time-start T   start the daemon's clock at local time T\n"
        "                       (YYYY-MM-DDTHH:MM; drills, tests)\n"
        "      --clock-reset    the store's clock is ahead of the real one (a wrong\n"
        "                       system clock): set it back to the real time\n"
        "      --clock-keep     on the real clock, continue a drill's stored time\n"
        "      --log-level L    error, warning, notice, info or debug (log/level; info)\n"
        "  -v, --verbose        log everything (--log-level debug)\n"
        "  -h, --help           show this help\n"
        "  -V, --version        show the version\n"
        "\n"
        "Options given here override the config file. SIGTERM or SIGINT: stop\n"
        "reading, commit what is in hand, exit 0. SIGHUP: read the config file\n"
        "again; a file with an error is refused and the running rules stay.\n"
        "Exit status: 0 stopped, 1 cannot start, 2 usage, %d the store is in use by\n"
        "another huishangd, %d the store is damaged, %d the store is from a newer build.\n",
        HS_EXIT_LOCKED, HS_EXIT_DAMAGED, HS_EXIT_NEWER);
}

//  What the command line said, applied again to each configuration read.
typedef struct {
    const char *config_file;
    const char *ingest, *publish, *api, *store, *submit;
} s_options_t;

static void
s_apply (const s_options_t *options, hs_config_t *config)
{
    if (options->ingest) hs_config_set (&config->ingest, options->ingest);
    if (options->publish) hs_config_set (&config->publish, options->publish);
    if (options->api) hs_config_set (&config->api, options->api);
    if (options->submit) hs_config_set (&config->submit, options->submit);
    if (options->store) hs_config_set (&config->store_path, options->store);
}

//  SIGHUP: read the same file again, with the same overrides.
static hs_config_t *
s_reload (void *arg, char *error, size_t error_size)
{
    s_options_t *options = (s_options_t *) arg;
    hs_config_t *config = hs_config_load (options->config_file, error, error_size);
    if (config)
        s_apply (options, config);
    return config;
}

static volatile sig_atomic_t s_hangup = 0;

static void
s_on_hangup (int signal_number)
{
    (void) signal_number;
    s_hangup = 1;
}

//  What the engine's loop calls back.
typedef struct {
    s_options_t *options;       //  how to load the configuration again
    bool reloadable;            //  there is a file to load again
} s_daemon_t;

static void
s_status (void *arg, char *line, size_t size)
{
    hs_engine_status ((hs_engine_t *) arg, line, size);
}

static void
s_ready (void *arg, hs_engine_t *engine)
{
    (void) arg;
    char line [256];
    hs_engine_status (engine, line, sizeof (line));
    hs_service_ready (line);
}

static void
s_reload_now (s_daemon_t *daemon, hs_engine_t *engine)
{
    s_hangup = 0;
    if (!daemon->reloadable) {
        hs_log_warning ("huishangd: SIGHUP, but there is no configuration file to read again");
        return;
    }
    hs_service_reloading ();
    char error [512];
    if (hs_engine_reload (engine, s_reload, daemon->options, error, sizeof (error)))
        hs_log_error ("huishangd: reload refused, the running configuration stays: %s", error);
    char line [256];
    hs_engine_status (engine, line, sizeof (line));
    hs_service_ready (line);
}

static void
s_turn (void *arg, hs_engine_t *engine)
{
    s_daemon_t *daemon = (s_daemon_t *) arg;
    if (s_hangup)
        s_reload_now (daemon, engine);
    hs_service_tick (s_status, engine);
}

static void
s_stopping (void *arg, hs_engine_t *engine)
{
    (void) arg;
    (void) engine;
    hs_service_stopping ();
}

//  Lock the store, then check it (hs_lock, hs_check). Returns 0 with the
//  lock in *lock_p, or the exit code, said why.
static int
s_take_store (hs_config_t *config, hs_lock_t **lock_p)
{
    char error [512];
    int holder = 0;
    *lock_p = hs_lock_new (config->store_path, &holder, error, sizeof (error));
    if (!*lock_p) {
        hs_log_error ("huishangd: %s", error);
        return holder? HS_EXIT_LOCKED: 1;
    }
    //  Faults reading the store on a guarded thread fail a request only;
    //  any fault on its pages is noted for the next start (hs_check).
    hs_guard_install ();
    char *note = hs_check_marker (config->store_path);
    hs_guard_note (note);
    zstr_free (&note);
    hs_check_result_t verdict = hs_check_start (config->store_path, config->check_timeout_ms,
                                                config->check_wait_ms, error, sizeof (error));
    if (verdict == HS_CHECK_SOUND || verdict == HS_CHECK_NONE || verdict == HS_CHECK_PENDING) {
        hs_log_info ("huishangd: %s", error);
        return 0;
    }
    //  No verdict is no reason to stay down: start as an unchecked
    //  daemon always did, and say so.
    if (verdict == HS_CHECK_UNKNOWN) {
        hs_log_warning ("huishangd: STARTING UNCHECKED: %s. Run `huishang verify` when "
                        "there is time", error);
        return 0;
    }
    if (verdict == HS_CHECK_NEWER)
        hs_log_error ("huishangd: refusing to start: %s", error);
    else
        hs_log_error ("huishangd: refusing to start: %s. Nothing was written to it. Restore the "
                      "last backup (huishang backup), or copy out what reads with mdb_dump; "
                      "`huishang verify` says more", error);
    hs_lock_destroy (lock_p);
    return verdict == HS_CHECK_NEWER? HS_EXIT_NEWER: HS_EXIT_DAMAGED;
}

int
main (int argc, char *argv [])
{
    enum { OPT_INGEST = 256, OPT_PUBLISH, OPT_API, OPT_STORE, OPT_CHECK, OPT_SCALE, OPT_START,
           OPT_SUBMIT, OPT_LOG_LEVEL, OPT_CLOCK_RESET, OPT_CLOCK_KEEP };
    static struct option options [] = {
        { "config", required_argument, NULL, 'c' },
        { "foreground", no_argument, NULL, 'f' },
        { "daemon", no_argument, NULL, 'd' },
        { "ingest", required_argument, NULL, OPT_INGEST },
        { "publish", required_argument, NULL, OPT_PUBLISH },
        { "api", required_argument, NULL, OPT_API },
        { "submit", required_argument, NULL, OPT_SUBMIT },
        { "store", required_argument, NULL, OPT_STORE },
        { "check-config", no_argument, NULL, OPT_CHECK },
        { "time-scale", required_argument, NULL, OPT_SCALE },
        { "time-start", required_argument, NULL, OPT_START },
        { "clock-reset", no_argument, NULL, OPT_CLOCK_RESET },
        { "clock-keep", no_argument, NULL, OPT_CLOCK_KEEP },
        { "verbose", no_argument, NULL, 'v' },
        { "log-level", required_argument, NULL, OPT_LOG_LEVEL },
        { "help", no_argument, NULL, 'h' },
        { "version", no_argument, NULL, 'V' },
        { NULL, 0, NULL, 0 }
    };
    const char *config_file = NULL;
    const char *ingest = NULL, *publish = NULL, *api = NULL, *store = NULL, *submit = NULL;
    const char *time_scale = NULL, *time_start = NULL;
    bool detach = false, check_only = false, clock_reset = false, clock_keep = false;
    int log_level = -1;
    int option;
    while ((option = getopt_long (argc, argv, "c:fdvhV", options, NULL)) != -1) {
        switch (option) {
            case 'c': config_file = optarg; break;
            case 'f': detach = false; break;
            case 'd': detach = true; break;
            case OPT_INGEST: ingest = optarg; break;
            case OPT_PUBLISH: publish = optarg; break;
            case OPT_API: api = optarg; break;
            case OPT_SUBMIT: submit = optarg; break;
            case OPT_STORE: store = optarg; break;
            case OPT_CHECK: check_only = true; break;
            case OPT_SCALE: time_scale = optarg; break;
            case OPT_START: time_start = optarg; break;
            case OPT_CLOCK_RESET: clock_reset = true; break;
            case OPT_CLOCK_KEEP: clock_keep = true; break;
            case 'v': log_level = HS_LOG_DEBUG; break;
            case OPT_LOG_LEVEL:
                log_level = hs_log_level_parse (optarg);
                if (log_level < 0) {
                    fprintf (stderr, "huishangd: --log-level is error, warning, notice, info or debug\n");
                    return 2;
                }
                break;
            case 'h': s_usage (stdout); return 0;
            case 'V': printf ("huishangd %s\n", HS_VERSION); return 0;
            default: s_usage (stderr); return 2;
        }
    }
    if (optind < argc) {
        fprintf (stderr, "huishangd: unexpected argument '%s'\n", argv [optind]);
        s_usage (stderr);
        return 2;
    }
    //  Under systemd, stderr is the journal: lines carry their priority.
    hs_log_open (hs_log_stderr_is_journal ()? HS_LOG_TO_JOURNAL: HS_LOG_TO_STDERR, "huishangd");

    if (!config_file)
        config_file = hs_config_default_path ();
    char error [512];
    hs_config_t *config = hs_config_load (config_file, error, sizeof (error));
    if (!config) {
        fprintf (stderr, "huishangd: %s\n", error);
        return 1;
    }
    s_options_t overrides = {
        .config_file = config_file, .ingest = ingest, .publish = publish, .api = api,
        .store = store, .submit = submit
    };
    s_apply (&overrides, config);
    hs_log_set_level (log_level >= 0? log_level: config->log_level);
    hs_log_set_zone (config->utc_offset_ms);
    if (time_scale) {
        char *end;
        config->time_scale = strtod (time_scale, &end);
        if (*end || !(config->time_scale >= 1 && config->time_scale <= 1e7)) {
            fprintf (stderr, "huishangd: --time-scale takes a number from 1 to 10000000\n");
            hs_config_destroy (&config);
            return 2;
        }
    }
    if (time_start) {
        config->time_start = hs_config_parse_local (config, time_start);
        if (config->time_start < 0) {
            fprintf (stderr, "huishangd: --time-start takes a local time YYYY-MM-DDTHH:MM\n");
            hs_config_destroy (&config);
            return 2;
        }
    }
    config->clock_reset = clock_reset;
    config->clock_keep = clock_keep;
    if (check_only) {
        printf ("huishangd: %s: valid (units %s, rules %s, version %.12s)\n", config->source,
                config->units_file, config->rules_file, hs_rules_version (config->rules));
        char coverage [512];
        if (hs_calendar_coverage (config->calendar, zclock_time (), config->holiday_warn_days,
                                  coverage, sizeof (coverage)))
            fprintf (stderr, "huishangd: warning: %s\n", coverage);
        else
            printf ("huishangd: %s\n", coverage);
        hs_config_destroy (&config);
        return 0;
    }
    if (detach) {
        //  Resolve the store before leaving the working folder behind.
        char *absolute = realpath (config->store_path, NULL);
        if (!absolute && zsys_dir_create ("%s", config->store_path) == 0)
            absolute = realpath (config->store_path, NULL);
        if (absolute) {
            hs_config_set (&config->store_path, absolute);
            free (absolute);
        }
        if (daemon (0, 0)) {
            fprintf (stderr, "huishangd: cannot detach: %s\n", strerror (errno));
            hs_config_destroy (&config);
            return 1;
        }
        hs_log_open (HS_LOG_TO_SYSLOG, "huishangd");
    }
    hs_fd_init (config->fd_reserve);
    //  One daemon per store, and a store that reads whole, before anything is written.
    hs_lock_t *lock = NULL;
    int refused = s_take_store (config, &lock);
    if (refused) {
        hs_config_destroy (&config);
        return refused;
    }
    //  Two I/O threads: one for the messages, one for the api's answers.
    zsys_set_io_threads (2);
    hs_engine_t *engine = hs_engine_new (config, error, sizeof (error));
    if (!engine) {
        hs_log_error ("huishangd: %s", error);
        hs_check_start_stop ();
        hs_lock_destroy (&lock);
        hs_config_destroy (&config);
        return 1;
    }
    struct sigaction action;
    memset (&action, 0, sizeof (action));
    action.sa_handler = s_on_hangup;
    sigemptyset (&action.sa_mask);
    sigaction (SIGHUP, &action, NULL);
    hs_service_init ();
    s_daemon_t service = { &overrides, config_file != NULL };
    hs_engine_hooks_t hooks = { s_ready, s_turn, s_stopping, &service, hs_service_watchdog_ms () };
    hs_engine_run (engine, &hooks);
    hs_check_start_stop ();
    hs_engine_destroy (&engine);
    hs_lock_destroy (&lock);
    hs_config_destroy (&config);
    return 0;
}
