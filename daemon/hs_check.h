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

    At the daemon's start the walk is bounded: the quick part (what the
    writer meets first) must be sound, the whole is waited for a moment,
    and the rest goes on in the background. Damage found later, there or by
    a fault on the store's pages, leaves a note in the store's folder
    (HS_CHECK_MARKER): the next start reads the whole store before it
    starts, refuses it if it is still damaged, and removes the note if not.
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
    HS_CHECK_UNKNOWN,           //  no verdict: the check could not run or finish
                                //  (fork, memory, permissions, its time up, killed)
    HS_CHECK_PENDING            //  hs_check_start: the quick part is sound, the
                                //  rest is read in the background
} hs_check_result_t;

//  The note's name in the store's folder.
#define HS_CHECK_MARKER "DAMAGED"

//  Check the store in folder `path` in a child process, giving it up to
//  `timeout_ms` (0: no limit). Returns the verdict; `report` gets a line
//  for the operator (what was read, or what failed where). Entries read
//  are in *entries if not NULL.
hs_check_result_t hs_check_store (const char *path, int64_t timeout_ms, uint64_t *entries,
                                  char *report, size_t report_size);

//  The daemon's start. With a note from an earlier finding, the whole
//  store (bounded by `timeout_ms`, 0: none): sound removes the note, no
//  verdict is HS_CHECK_CORRUPT. Else, with `timeout_ms` 0, no check (SOUND).
//  Else the quick part within `timeout_ms` (past it: UNKNOWN), then up to
//  `wait_ms` for the whole verdict (0: none); still reading then, the
//  child goes on at idle priority (HS_CHECK_PENDING) and a thread here
//  logs its verdict, noting damage in the folder. One at a time.
hs_check_result_t hs_check_start (const char *path, int64_t timeout_ms, int64_t wait_ms,
                                  char *report, size_t report_size);

//  What the start's check says now, for health: off | none | checking |
//  sound | damaged | unchecked | newer; `report` (if not NULL) gets its line.
const char *hs_check_start_state (char *report, size_t report_size);

//  At the daemon's exit: a check still reading is stopped, without a verdict.
void hs_check_start_stop (void);

//  The note in folder `path`: its file name (to free), written with a
//  line saying why (0 or -1, logged), and whether it is there (its line
//  in `why` if not NULL).
char *hs_check_marker (const char *path);
int hs_check_mark (const char *path, const char *why);
bool hs_check_marked (const char *path, char *why, size_t why_size);

void hs_check_test (bool verbose);
void hs_check_start_test (bool verbose);

#endif
