/*  =========================================================================
    huishang_archive - the archive a person can hand over: huishang archive

        huishang archive --since TIME --until TIME DIR [--api EP] [--timeout D]

    Exports into DIR what the mechanism filed (归档) in the period: the
    dossier of each case filed in it (cases/<case>.html and .json, as
    huishang dossier writes them), the meetings of the period (each
    meeting with an event in it: meetings/<meeting>.html and .json, its
    record with the invited units' answers and its action items, and
    every meeting.* event about it), the briefings of the period as
    published (briefings/<seq>-<period>.html and .json), an index.html
    (Chinese first) linking them all, and manifest.json: what was
    exported, the counts, the seq range, each file's size and SHA-1.
    TIME is YYYY-MM-DDTHH:MM or YYYY-MM-DD (00:00) in the district's time;
    the period is [since, until). DIR must not exist or be empty; it
    appears whole or not at all (written beside it, then renamed onto it).
    =========================================================================
*/

#ifndef HUISHANG_ARCHIVE_H_INCLUDED
#define HUISHANG_ARCHIVE_H_INCLUDED

#include "hs_client.h"

//  Run `huishang archive`: argv [0] is "archive". Returns the exit code:
//  0 written; 1 the daemon did not answer or refused, or DIR could not be
//  written (said on stderr); 2 a usage error, or DIR exists and is not
//  empty.
int huishang_archive_main (hs_client_t *client, hs_config_t *config, int argc, char *argv []);

#endif
