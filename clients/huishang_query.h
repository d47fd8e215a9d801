/*  =========================================================================
    huishang_query - huishang's questions to the daemon's api

        huishang health (stats) | metrics | case ID | why ID | cases | plenary
    =========================================================================
*/

#ifndef HUISHANG_QUERY_H_INCLUDED
#define HUISHANG_QUERY_H_INCLUDED

#include "hs_client.h"

//  Run the command argv [0] (health, stats, metrics, case, why, cases or
//  plenary) with its options. Returns the exit code: 0, 1 (the daemon
//  said no, or did not answer), 2 (a usage error).
int huishang_query_main (hs_client_t *client, hs_config_t *config, int argc, char *argv []);

#endif
