/*  =========================================================================
    hs_lock - one daemon per store

    Two daemons writing one LMDB environment both allocate the same seqs and
    overwrite each other's acknowledged reports: LMDB serialises writers but
    cannot tell that each keeps its own counters. So the daemon holds an
    exclusive flock on `huishangd.lock` in the store's folder, from before
    anything is written until it exits, and keeps its pid in the file for
    the operator. The kernel drops the lock when the process dies, so a
    lock file left behind by a crash never blocks a restart. Read-only
    tools (huishang verify, backup, mdb_stat) never take it.
    =========================================================================
*/

#ifndef HS_LOCK_H_INCLUDED
#define HS_LOCK_H_INCLUDED

#include <czmq.h>

typedef struct _hs_lock_t hs_lock_t;

//  The lock file's name inside the store's folder.
#define HS_LOCK_FILE "huishangd.lock"

//  Take the store's lock, creating the folder if needed. Returns the lock
//  (caller owns it; held until destroyed), or NULL with a message in
//  `error`; *holder is then the pid holding it (0 if unknown or if the
//  failure was another one).
hs_lock_t *hs_lock_new (const char *folder, int *holder, char *error, size_t error_size);

//  Give the lock up (the file stays: a stale file is harmless).
void hs_lock_destroy (hs_lock_t **self_p);

void hs_lock_test (bool verbose);

#endif
