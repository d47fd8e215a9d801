/*  =========================================================================
    huishang_meeting - huishang's commands for calling a meeting and
                       recording its minutes (call, minutes)

    A meeting called goes as `call.<unit>` (PROTOCOL.md §4.3), with the
    proposals (重大问题及对策建议) it discusses; its minutes as
    `minutes.<unit>` (§3.7), with the proposals it passed or not (§3.14).
    =========================================================================
*/

#ifndef HUISHANG_MEETING_H_INCLUDED
#define HUISHANG_MEETING_H_INCLUDED

#include "hs_client.h"

//  Run `call` or `minutes` (argv [0]) with its options, acknowledged
//  through submit. Returns the exit code: 0 (stored), 1 (rejected, or no
//  answer: said on stderr), 2 (a usage error), -1 if argv [0] is neither.
int huishang_meeting_main (hs_client_t *client, hs_config_t *config, int argc, char *argv []);

#endif
