/*  =========================================================================
    huishang_top - a live board of what is burning

        huishang top [--api EP] [--endpoint PUBLISH-EP] [--interval MS]
    =========================================================================
*/

#ifndef HUISHANG_TOP_H_INCLUDED
#define HUISHANG_TOP_H_INCLUDED

#include "hs_client.h"

//  Show the board full screen until q (or an interrupt). Returns the exit
//  code: 0, 1 (no daemon answered at the start), 2 (a usage error).
int huishang_top_main (hs_client_t *client, hs_config_t *config, int argc, char *argv []);

#endif
