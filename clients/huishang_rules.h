/*  =========================================================================
    huishang_rules - rules you can test before you trust them

        huishang rules check|test|backtest FILE ...
    =========================================================================
*/

#ifndef HUISHANG_RULES_H_INCLUDED
#define HUISHANG_RULES_H_INCLUDED

#include "hs_client.h"

//  Check, test or backtest a rules file (argv [1] the action, argv [2] the
//  file), without a daemon. Returns the exit code: 0, 1 (invalid rules, a
//  report not accepted, an unreadable store), 2 (a usage error).
int huishang_rules_main (hs_client_t *client, hs_config_t *config, int argc, char *argv []);

#endif
