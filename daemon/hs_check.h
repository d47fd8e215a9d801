/*  =========================================================================
    hs_check - the quick check of a store, before anything trusts it

    LMDB trusts its pages: a changed page pointer makes it abort or fault
    on the first read that meets it, which may come hours after the daemon
    said it was healthy, and again on every restart: a crash loop. So
    before the daemon opens a store for writing (and before `huishang
    verify` reads it), a child process opens it read-only and reads every
    page a query or a write could reach: every table with a cursor, every
    key and value touched, LMDB's free-page table too, and the format
    version. A damaged page kills the child, not the caller, which reports
    which table it was in. Safe beside a running daemon (read-only).
    =========================================================================
*/

#ifndef HS_CHECK_H_INCLUDED
#define HS_CHECK_H_INCLUDED

#include "hs_store.h"

typedef enum {
    HS_CHECK_SOUND = 0,         //  every page read, the format is ours (or older)
    HS_CHECK_NONE,              //  no store there yet: a first start
    HS_CHECK_CORRUPT,           //  a page could not be read (or LMDB failed on it)
    HS_CHECK_NEWER,             //  written by a newer build (meta format)
    HS_CHECK_UNKNOWN            //  no verdict: the check could not run or finish
                                //  (fork, memory, permissions, its time up, killed)
} hs_check_result_t;

//  Check the store in folder `path` in a child process, giving it up to
//  `timeout_ms` (0: no limit). Returns the verdict; `report` gets a line
//  for the operator (what was read, or what failed where). Entries read
//  are in *entries if not NULL.
hs_check_result_t hs_check_store (const char *path, int64_t timeout_ms, uint64_t *entries,
                                  char *report, size_t report_size);

void hs_check_test (bool verbose);

#endif
