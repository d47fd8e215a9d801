/*  =========================================================================
    hs_verify - checks a store's invariants (huishang verify)

    Owns the list of what must hold in a huishang store, whatever happened
    to the daemon: every dedup key names a stored event of its kind; no
    event lies beyond next_seq; every case decodes, starts with its report,
    and the open-case count agrees; every correlation key and due timer
    names something that exists; every history entry names an event about
    its case. Runs inside one read view: safe on a live daemon's store.
    =========================================================================
*/

#ifndef HS_VERIFY_H_INCLUDED
#define HS_VERIFY_H_INCLUDED

#include "hs_store.h"

//  Check the store; print a line per problem and a summary to `out`.
//  Returns the number of problems (0: the store is sound), or -1 if the
//  store could not be read.
int hs_verify_run (hs_store_t *store, FILE *out);

//  `huishang verify` on the store in folder `path`: the quick check
//  (hs_check, in a child) first, so that a damaged page is reported, not
//  crashed on; then hs_verify_run, guarded. Prints to `out`. Returns 0 if
//  sound, 1 with problems found, 2 if the store is damaged, unreadable or
//  from a newer build.
int hs_verify_path (const char *path, FILE *out);

void hs_verify_test (bool verbose);

#endif
