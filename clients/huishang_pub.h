/*  =========================================================================
    huishang_pub - huishang's senders of reports and updates

        huishang pub [flags] | pub -        a report or update, or JSON lines

    (huishang update CASE, acknowledged, is in huishang_handle.)
    =========================================================================
*/

#ifndef HUISHANG_PUB_H_INCLUDED
#define HUISHANG_PUB_H_INCLUDED

#include "hs_client.h"

//  Run `pub` with its options. Returns the exit code: 0 if everything was
//  sent (with --ack: stored), 1 if anything was not, 2 (a usage error).
int huishang_pub_main (hs_client_t *client, hs_config_t *config, int argc, char *argv []);

#endif
