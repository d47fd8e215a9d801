/*  =========================================================================
    hs_guard - a read of a damaged store fails the request, not the daemon

    LMDB trusts its pages: a corrupted page pointer makes it fail an
    assertion (and abort) or read outside the map (SIGSEGV, SIGBUS). On the
    api thread that would take the daemon down for a query. So the api runs
    each request under a guard: a fault or an LMDB assertion on that thread
    while guarded jumps back to the request, which is answered
    `store_corrupt`, counted and logged loudly; the store is marked damaged
    for health. A fault anywhere else (the writer, or a real bug) still gets
    the default action: a crash with a core, as before, never a silent jump.
    =========================================================================
*/

#ifndef HS_GUARD_H_INCLUDED
#define HS_GUARD_H_INCLUDED

#include <czmq.h>
#include <setjmp.h>

//  Install the fault handlers (once per process; later calls do nothing).
void hs_guard_install (void);

//  Run `call` (an int expression) guarded on this thread: `rc` gets its
//  value, or `fault_rc` if it faulted. A macro because sigsetjmp must be
//  called in a frame that is still live when the jump comes. What the
//  call held (an open read view, its allocations) is left as it was: the
//  caller cleans up after a fault (hs_store_view_end).
#define HS_GUARD_RUN(rc, fault_rc, call) do { \
        sigjmp_buf hs_guard_jump_; \
        if (sigsetjmp (hs_guard_jump_, 1) == 0) { \
            hs_guard_enter (&hs_guard_jump_); \
            (rc) = (call); \
            hs_guard_leave (); \
        } \
        else \
            (rc) = (fault_rc); \
    } while (0)

//  The store's map (hs_store calls this when it opens or grows it): only
//  a fault reading there, or as far as a damaged length reaches past it,
//  or a SIGBUS, is a damaged page. Any other fault, guarded or not, gets
//  the default action: a bug is a crash, not `store_corrupt`.
void hs_guard_region (const void *start, size_t size);

//  Where a damaged page seen here is noted for the next start (hs_check's
//  note, a file path; NULL: nowhere): every fault on the store's pages,
//  guarded or not, and an LMDB assertion, writes it before anything else.
//  The daemon's writer crashing on a damaged page then does not crash
//  again at each restart: the next start reads the whole store first.
void hs_guard_note (const char *file);

//  Used by HS_GUARD_RUN: begin and end a guarded stretch on this thread.
void hs_guard_enter (sigjmp_buf *jump);
void hs_guard_leave (void);

//  LMDB's assertion callback (mdb_env_set_assert): guarded, it jumps back;
//  unguarded, it returns and LMDB aborts as it always did. `env` is an
//  MDB_env, as void so that this header needs no lmdb.h.
void hs_guard_lmdb_assert (void *env, const char *message);

//  LMDB said a page is damaged (MDB_CORRUPTED ...) on any thread: counted
//  with the faults, noted for the next start, logged loudly once.
void hs_guard_damaged (const char *what);

//  How many reads met a damaged page in this process (guarded calls that
//  faulted, and hs_guard_damaged; 0: no damage seen), and what the last
//  one was ("SIGSEGV", "LMDB: ...").
uint64_t hs_guard_faults (void);
const char *hs_guard_last (void);

void hs_guard_test (bool verbose);

#endif
