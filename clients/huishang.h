/*  =========================================================================
    huishang - the command-line client: what its parts share
    =========================================================================
*/

#ifndef HUISHANG_H_INCLUDED
#define HUISHANG_H_INCLUDED

#include "../daemon/hs_config.h"
#include <jansson.h>

//  A JSON value as msgpack, the wire's way (whole reals as integers).
void huishang_json_to_pack (json_t *json, hs_pack_t *pack);

//  huishang rules check|test|backtest (huishang_rules.c).
int huishang_rules (hs_config_t *config, int argc, char *argv []);

#endif
