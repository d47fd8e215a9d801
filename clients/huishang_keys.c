/*  =========================================================================
    huishang_keys - huishang's CurveZMQ certificates

    A certificate pair for a unit (or for the daemon, "server"), its
    metadata naming the unit: the public half goes into the daemon's
    clients folder, the secret half stays with the unit's feeder. A
    board's pair (--units U,U) names several units instead (`units`).
    =========================================================================
*/

#include "huishang_keys.h"
#include <sys/stat.h>
#include <getopt.h>

int
huishang_keys_main (hs_client_t *client, hs_config_t *config, int argc, char *argv [])
{
    (void) client;
    (void) config;
    const char *unit = NULL, *folder = "certs", *units = NULL;
    static const struct option options [] = {
        { "dir", required_argument, NULL, 'd' }, { "units", required_argument, NULL, 'u' },
        { "config", required_argument, NULL, 'c' }, { "help", no_argument, NULL, 'h' },
        { NULL, 0, NULL, 0 }
    };
    static const char *usage =
        "usage: huishang keygen UNIT [--dir DIR]\n"
        "       huishang keygen NAME --units UNIT,UNIT... [--dir DIR]\n"
        "  writes DIR/UNIT.cert (public: copy it into the daemon's clients folder)\n"
        "  and DIR/UNIT.cert_secret (keep it with the unit's feeder); UNIT 'server'\n"
        "  makes the daemon's own pair. With --units, a board's pair NAME.cert that\n"
        "  speaks for each unit listed (every one a unit of units.cfg)\n";
    optind = 1;
    int option;
    while ((option = getopt_long (argc, argv, "d:c:h", options, NULL)) != -1) {
        if (option == 'd')
            folder = optarg;
        else
        if (option == 'u')
            units = optarg;
        else
        if (option == 'h') {
            fputs (usage, stdout);
            return 0;
        }
        else
        if (option != 'c') {                //  -c: read by main
            fputs (usage, stderr);
            return 2;
        }
    }
    if (argc - optind != 1) {
        if (argc - optind > 1)
            fprintf (stderr, "huishang keygen: unexpected argument '%s'\n", argv [optind + 1]);
        fputs (usage, stderr);
        return 2;
    }
    unit = argv [optind];
    //  A board's units: the codes, one space apart (commas or spaces given).
    char list [1024] = "";
    if (units) {
        size_t length = 0;
        const char *scan = units;
        while (*scan) {
            scan += strspn (scan, " ,");
            size_t size = strcspn (scan, " ,");
            if (!size)
                break;
            if (length + size + 2 > sizeof (list)) {
                fprintf (stderr, "huishang: --units is too long\n");
                return 2;
            }
            if (length)
                list [length++] = ' ';
            memcpy (list + length, scan, size);
            length += size;
            list [length] = 0;
            scan += size;
        }
        if (!length || streq (unit, "server")) {
            fprintf (stderr, "huishang: --units needs unit codes (and a NAME that is not 'server')\n");
            return 2;
        }
    }
    if (zsys_dir_create ("%s", folder)) {
        fprintf (stderr, "huishang: cannot create %s\n", folder);
        return 1;
    }
    zcert_t *cert = zcert_new ();
    if (units)
        zcert_set_meta (cert, "units", "%s", list);
    else
        zcert_set_meta (cert, "unit", "%s", unit);
    zcert_set_meta (cert, "created-by", "huishang keygen");
    char *path = zsys_sprintf ("%s/%s.cert", folder, unit);
    int rc = zcert_save (cert, path);
    if (rc)
        fprintf (stderr, "huishang: cannot write %s\n", path);
    else {
        char *secret = zsys_sprintf ("%s_secret", path);
        chmod (secret, 0600);
        zstr_free (&secret);
        printf ("%s (public key %s) and %s_secret written\n", path, zcert_public_txt (cert), path);
    }
    zstr_free (&path);
    zcert_destroy (&cert);
    return rc? 1: 0;
}
