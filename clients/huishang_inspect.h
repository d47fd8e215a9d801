/*  =========================================================================
    huishang_inspect - huishang's commands for inspection (督查)

        huishang inspect-plan --title T --units U,U --item T [--item T ...]
                 --from TIME --until TIME [--revise PLAN]
        huishang inspect-approve PLAN [--return --note T]
        huishang inspect-result PLAN --unit U --findings T
                 [--rectify OWNER:DUE:TEXT ...]
        huishang rectified ITEM --source UNIT [--note T]

    A plan drafted goes as `inspect.<unit>`, the convener's decision as
    `inspectplan.<unit>`, a unit's result as `finding.<unit>`, a
    rectification done as `rectified.<unit>` (PROTOCOL.md §3.15), each
    acknowledged like the handling commands (huishang_handle).
    =========================================================================
*/

#ifndef HUISHANG_INSPECT_H_INCLUDED
#define HUISHANG_INSPECT_H_INCLUDED

#include "hs_client.h"

//  Run the inspection command argv [0]. Returns the exit code: 0 (stored),
//  1 (rejected, or no answer: said on stderr), 2 (a usage error), -1 if
//  argv [0] is not an inspection command.
int huishang_inspect_main (hs_client_t *client, hs_config_t *config, int argc, char *argv []);

#endif
