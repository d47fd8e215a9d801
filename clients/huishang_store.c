/*  =========================================================================
    huishang_store - huishang's tools that read a store directly

    No daemon needed, and safe beside a running one: the store is opened
    read-only (daemon/hs_store), verified by daemon/hs_verify or copied
    with LMDB's compacting copy in one read transaction.
    =========================================================================
*/

#include "huishang_store.h"
#include "../daemon/hs_store.h"
#include "../daemon/hs_verify.h"
#include <getopt.h>

int
huishang_store_main (hs_client_t *client, hs_config_t *config, int argc, char *argv [])
{
    (void) client;
    bool backup = streq (argv [0], "backup");
    const char *store_path = config->store_path;
    const char *dest = NULL;
    static const struct option options [] = {
        { "store", required_argument, NULL, 's' }, { "config", required_argument, NULL, 'c' },
        { "help", no_argument, NULL, 'h' }, { NULL, 0, NULL, 0 }
    };
    const char *usage = backup? "usage: huishang backup [--store DIR] DEST\n"
                                "  a consistent, compacted copy of a (running) store into DEST;\n"
                                "  restore: stop huishangd, replace the store's data.mdb with DEST/data.mdb\n"
                              : "usage: huishang verify [--store DIR]\n"
                                "  check a store's invariants (safe on a running daemon's store)\n";
    optind = 1;
    int option;
    while ((option = getopt_long (argc, argv, "s:c:h", options, NULL)) != -1) {
        if (option == 's')
            store_path = optarg;
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
    if (optind < argc)
        dest = argv [optind];
    if (argc - optind > (backup? 1: 0)) {
        fprintf (stderr, "huishang %s: unexpected argument '%s'\n", argv [0],
                 argv [optind + (backup? 1: 0)]);
        fputs (usage, stderr);
        return 2;
    }
    if (backup && !dest) {
        fprintf (stderr, "usage: huishang backup [--store DIR] DEST\n");
        return 2;
    }
    if (!backup) {
        //  By path: the check reads it in a child first (hs_verify_path).
        int rc = hs_verify_path (store_path, stdout);
        if (rc == 2)
            fprintf (stderr, "huishang: the store %s could not be verified\n", store_path);
        return rc == 0? 0: 1;
    }
    char error [512];
    hs_store_t *store = hs_store_open_readonly (store_path, error, sizeof (error));
    if (!store) {
        fprintf (stderr, "huishang: %s\n", error);
        return 1;
    }
    int rc = hs_store_backup (store, dest, error, sizeof (error));
    if (rc)
        fprintf (stderr, "huishang: %s\n", error);
    else
        printf ("backup of %s written to %s/data.mdb\n", store_path, dest);
    hs_store_destroy (&store);
    return rc == 0? 0: 1;
}
