/*  =========================================================================
    huishang_handle - huishang's commands for handling a case

        huishang sign | return | update | resolve CASE --source UNIT ...
        huishang close | reject-closure | followup | regrade | merge | split |
                 mute | unmute | reroute | insist CASE ...
        huishang done ITEM --source UNIT
        huishang prompt --title T --guidance T [--streets S,S | all] [--case C ...]
        huishang prompt-sign PROMPT --source STREET
        huishang propose --title T --text T [--case C ...] [--due TIME]
        huishang opinion PROPOSAL --source UNIT --agree | --amend [--note T]

    A handler's progress goes as an `update.<unit>`, what the people of the
    mechanism decide as an `act.<unit>` (PROTOCOL.md §3.5, §3.12); an
    action item done as `action.<unit>` (§3.7); a work prompt issued and
    signed for as `prompt.<unit>` and `promptsign.<unit>` (§3.13); a
    proposal and an opinion on it as `proposal.<unit>` and `opinion.<unit>`
    (§3.14).
    =========================================================================
*/

#ifndef HUISHANG_HANDLE_H_INCLUDED
#define HUISHANG_HANDLE_H_INCLUDED

#include "hs_client.h"

//  Run the handling command argv [0] with its options: acknowledged through
//  submit (or, with --no-ack or -e, published). Returns the exit code: 0
//  (stored; or sent), 1 (rejected, or no answer: said on stderr), 2 (a
//  usage error), -1 if argv [0] is not a handling command.
int huishang_handle_main (hs_client_t *client, hs_config_t *config, int argc, char *argv []);

//  A TIME as a person gives it: YYYY-MM-DDTHH:MM in the district's time,
//  or +N followed by s, m, h or d from the daemon's clock now (its api's
//  reading). Returns Unix ms, or -1 (said on stderr, for `command`'s
//  --`option`).
int64_t huishang_handle_when (hs_client_t *client, hs_config_t *config, const char *command,
                              const char *option, const char *value);

#endif
