/*  =========================================================================
    huishang_keys - huishang's CurveZMQ certificates

        huishang keygen UNIT [--dir DIR]
    =========================================================================
*/

#ifndef HUISHANG_KEYS_H_INCLUDED
#define HUISHANG_KEYS_H_INCLUDED

#include "hs_client.h"

//  keygen: write DIR/UNIT.cert (public) and DIR/UNIT.cert_secret (mode
//  0600). Returns the exit code: 0, 1 (cannot write), 2 (a usage error).
int huishang_keys_main (hs_client_t *client, hs_config_t *config, int argc, char *argv []);

#endif
