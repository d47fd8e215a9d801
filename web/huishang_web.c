/*  =========================================================================
    huishang-web - the duty board (值班看板): huishangd's live picture in a
                   browser, and the cases acted on from it

        huishang-web [--listen ADDR:PORT] [--config FILE] [--users FILE] ...
        huishang-web --users FILE --add-user NAME --unit UNIT   (password on stdin)

    A client of the daemon only (its api, its publish socket, its
    acknowledged submit; never its store): hs_web_link reaches it,
    hs_web_feed follows its stream, hs_web_board builds the views,
    hs_web_auth keeps the users and sessions, hs_web_act acts, hs_web_http
    serves it all. See man/huishang-web.8 and web-contract's HTTP table in
    README.md.
    =========================================================================
*/

#include "hs_web_act.h"
#include "../daemon/hs_log.h"
#include "hs_web_auth.h"
#include "hs_web_board.h"
#include "hs_web_feed.h"
#include "hs_web_http.h"
#include "hs_web_link.h"
#include "../protocol/hs_proto.h"
#include <getopt.h>
#include <termios.h>
#include <unistd.h>

static void
s_usage (FILE *out)
{
    fprintf (out,
        "usage: huishang-web [options]\n"
        "  the duty board: a web page of huishangd's open cases, alerts, overdue cases,\n"
        "  meetings, feeders and store, live (Server-Sent Events), in the district's time\n"
        "\n"
        "  --listen ADDR:PORT    where to serve HTTP (default 127.0.0.1:8470; [::1]:8470)\n"
        "  --config FILE         huishang.cfg: endpoints, district, calendar, security\n"
        "  --api EP, --publish EP, --submit EP   the daemon's endpoints (default: config)\n"
        "  --users FILE          who may log in and act (default: none, a read-only board)\n"
        "  --tls-cert FILE --tls-key FILE        serve HTTPS with this PEM certificate and key\n"
        "  --cert FILE           with security on: the board's own certificate (keygen)\n"
        "  --server-key KEY | --server-cert FILE the daemon's public key (default: the\n"
        "                        config's security/server_cert)\n"
        "  --add-user NAME --unit UNIT   add or replace a user in --users FILE, the\n"
        "                        password read from stdin (not echoed on a terminal); exits\n"
        "  --selftest            run the board's own self tests and exit\n"
        "  --help, --version\n");
}

//  The password: one line from stdin, not echoed when it is a terminal.
//  Returns 0, or -1.
static int
s_read_password (char *password, size_t size)
{
    bool terminal = isatty (STDIN_FILENO);
    struct termios saved, quiet;
    if (terminal) {
        fprintf (stderr, "password: ");
        tcgetattr (STDIN_FILENO, &saved);
        quiet = saved;
        quiet.c_lflag &= (tcflag_t) ~ECHO;
        tcsetattr (STDIN_FILENO, TCSAFLUSH, &quiet);
    }
    bool got = fgets (password, (int) size, stdin) != NULL;
    if (terminal) {
        tcsetattr (STDIN_FILENO, TCSAFLUSH, &saved);
        fprintf (stderr, "\n");
    }
    if (!got)
        return -1;
    password [strcspn (password, "\r\n")] = 0;
    return 0;
}

static int
s_add_user (const char *users_file, const char *name, const char *unit, hs_config_t *config)
{
    if (!users_file || !unit) {
        fprintf (stderr, "huishang-web: --add-user needs --users FILE and --unit UNIT\n");
        return 2;
    }
    if (!hs_units_find (config->units, unit)) {
        fprintf (stderr, "huishang-web: unit '%s' is not in %s\n", unit, config->units_file);
        return 2;
    }
    char password [1024], error [256];
    if (s_read_password (password, sizeof (password))) {
        fprintf (stderr, "huishang-web: no password on stdin\n");
        return 1;
    }
    int rc = hs_web_auth_add_user (users_file, name, unit, password, error, sizeof (error));
    memset (password, 0, sizeof (password));
    if (rc) {
        fprintf (stderr, "huishang-web: %s\n", error);
        return 1;
    }
    printf ("huishang-web: %s (%s) written to %s\n", name, unit, users_file);
    return 0;
}

static int
s_selftest (void)
{
    printf ("huishang-web self tests:\n");
    hs_web_feed_test (true);
    hs_web_auth_test (true);
    hs_web_board_test (true);
    hs_web_act_test (true);
    hs_web_http_test (true);
    return 0;
}

int
main (int argc, char *argv [])
{
    enum { O_LISTEN = 300, O_CONFIG, O_API, O_PUBLISH, O_SUBMIT, O_USERS, O_TLS_CERT,
           O_TLS_KEY, O_CERT, O_SERVER_KEY, O_SERVER_CERT, O_ADD_USER, O_UNIT, O_HELP,
           O_VERSION, O_SELFTEST };
    static const struct option options [] = {
        { "listen", required_argument, NULL, O_LISTEN }, { "config", required_argument, NULL, O_CONFIG },
        { "api", required_argument, NULL, O_API }, { "publish", required_argument, NULL, O_PUBLISH },
        { "submit", required_argument, NULL, O_SUBMIT }, { "users", required_argument, NULL, O_USERS },
        { "tls-cert", required_argument, NULL, O_TLS_CERT },
        { "tls-key", required_argument, NULL, O_TLS_KEY },
        { "cert", required_argument, NULL, O_CERT },
        { "server-key", required_argument, NULL, O_SERVER_KEY },
        { "server-cert", required_argument, NULL, O_SERVER_CERT },
        { "add-user", required_argument, NULL, O_ADD_USER }, { "unit", required_argument, NULL, O_UNIT },
        { "help", no_argument, NULL, O_HELP }, { "version", no_argument, NULL, O_VERSION },
        { "selftest", no_argument, NULL, O_SELFTEST }, { NULL, 0, NULL, 0 }
    };
    zsys_set_logstream (stderr);
    const char *values [O_SELFTEST - O_LISTEN + 1] = { NULL };
    values [0] = "127.0.0.1:8470";
    int option;
    while ((option = getopt_long (argc, argv, "h", options, NULL)) != -1) {
        if (option == 'h' || option == O_HELP) {
            s_usage (stdout);
            return 0;
        }
        if (option == O_VERSION) {
            printf ("huishang-web %s\n", HS_VERSION);
            return 0;
        }
        if (option == O_SELFTEST)
            return s_selftest ();
        if (option < O_LISTEN || option > O_SELFTEST) {
            s_usage (stderr);
            return 2;
        }
        values [option - O_LISTEN] = optarg;
    }
    if (optind < argc) {
        fprintf (stderr, "huishang-web: unexpected '%s'\n", argv [optind]);
        s_usage (stderr);
        return 2;
    }
#define VALUE(o) values [(o) - O_LISTEN]
    char error [512];
    hs_config_t *config = hs_config_load (VALUE (O_CONFIG), error, sizeof (error));
    if (!config) {
        fprintf (stderr, "huishang-web: %s\n", error);
        return 1;
    }
    //  Its log as the daemon's: journal priorities under systemd, and the
    //  district's time on a terminal, whatever TZ says.
    hs_log_open (hs_log_stderr_is_journal ()? HS_LOG_TO_JOURNAL: HS_LOG_TO_STDERR, "huishang-web");
    hs_log_set_zone (config->utc_offset_ms);
    if (VALUE (O_ADD_USER)) {
        int rc = s_add_user (VALUE (O_USERS), VALUE (O_ADD_USER), VALUE (O_UNIT), config);
        hs_config_destroy (&config);
        return rc;
    }
    hs_web_auth_t *auth = hs_web_auth_new (VALUE (O_USERS), error, sizeof (error));
    if (!auth) {
        fprintf (stderr, "huishang-web: %s\n", error);
        hs_config_destroy (&config);
        return 1;
    }
    hs_web_link_t *link = hs_web_link_new (config);
    if (VALUE (O_API))
        hs_web_link_set_api (link, VALUE (O_API));
    if (VALUE (O_PUBLISH))
        hs_web_link_set_publish (link, VALUE (O_PUBLISH));
    if (VALUE (O_SUBMIT))
        hs_web_link_set_submit (link, VALUE (O_SUBMIT));
    int rc = 0;
    if (config->security && !VALUE (O_CERT))
        hs_log_warning ("huishang-web: security is on in %s but no --cert: the daemon will not "
                      "let the board in", config->source);
    if (VALUE (O_CERT) && hs_web_link_set_identity (link, VALUE (O_CERT), VALUE (O_SERVER_KEY),
                                                    VALUE (O_SERVER_CERT)))
        rc = 1;
    hs_web_feed_t *feed = rc? NULL: hs_web_feed_new (link);
    hs_web_duty_t *duty = hs_web_duty_new ();
    hs_web_http_options_t http_options = {
        .listen = VALUE (O_LISTEN), .tls_cert = VALUE (O_TLS_CERT), .tls_key = VALUE (O_TLS_KEY),
        .link = link, .feed = feed, .duty = duty, .auth = auth
    };
    hs_web_http_t *http = feed? hs_web_http_new (&http_options, error, sizeof (error)): NULL;
    if (feed && !http) {
        fprintf (stderr, "huishang-web: %s\n", error);
        rc = 1;
    }
    if (http) {
        char host [128];
        snprintf (host, sizeof (host), "%s", VALUE (O_LISTEN));
        *strrchr (host, ':') = 0;
        //  The line `make run` and the tests read.
        printf ("huishang-web: serving %s://%s:%d/ (district %s, daemon api %s)%s\n",
                VALUE (O_TLS_CERT)? "https": "http", host, hs_web_http_port (http),
                config->district, VALUE (O_API)? VALUE (O_API): config->api,
                hs_web_auth_enabled (auth)? "": ", read-only: no users");
        fflush (stdout);
        while (!zsys_interrupted)
            zclock_sleep (200);
        hs_log_info ("huishang-web: stopping");
        hs_web_feed_close_streams (feed);
    }
    hs_web_http_destroy (&http);
    hs_web_feed_destroy (&feed);
    hs_web_duty_destroy (&duty);
    hs_web_link_destroy (&link);
    hs_web_auth_destroy (&auth);
    hs_config_destroy (&config);
    return rc;
}
