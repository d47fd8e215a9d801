/*  =========================================================================
    huishang_watch - huishang's readers of the published stream

        huishang watch [PREFIX ...]     what is published from now on
        huishang replay --since SEQ     what was published from SEQ, then on
    =========================================================================
*/

#ifndef HUISHANG_WATCH_H_INCLUDED
#define HUISHANG_WATCH_H_INCLUDED

#include "hs_client.h"

//  Run the command argv [0] (watch or replay) with its options, until its
//  count is reached or it is interrupted. Returns the exit code: 0, 1 (no
//  daemon to follow), 2 (a usage error).
int huishang_watch_main (hs_client_t *client, hs_config_t *config, int argc, char *argv []);

#endif
