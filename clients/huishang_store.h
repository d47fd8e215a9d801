/*  =========================================================================
    huishang_store - huishang's tools that read a store directly

        huishang verify [--store DIR]           check a store's invariants
        huishang backup [--store DIR] DEST      a compacted hot copy
    =========================================================================
*/

#ifndef HUISHANG_STORE_H_INCLUDED
#define HUISHANG_STORE_H_INCLUDED

#include "hs_client.h"

//  Run the command argv [0] (verify or backup) on the configuration's
//  store or --store DIR. Returns the exit code: 0, 1 (a problem found, or
//  the store could not be read or copied), 2 (a usage error).
int huishang_store_main (hs_client_t *client, hs_config_t *config, int argc, char *argv []);

#endif
