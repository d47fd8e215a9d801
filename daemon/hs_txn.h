/*  =========================================================================
    hs_txn - the one owner of the write transaction

    Every unit of work the daemon does (a batch of inbound messages, the
    timers that came due, a briefing, a plenary called through the api)
    runs inside one LMDB write transaction opened here and nowhere else:
        begin -> work -> each participant's prepare -> commit (timed)
              -> each participant's commit -> publish the outbox
    or, on any failure, abort -> each participant's abort. If the commit
    failed because the map was full, the map grows and the same work is
    done again from the start (it is still in hand, and handling is
    deterministic given the store and the clock reading), so nothing is
    lost and no seq repeats.

    Participants are everything that must follow the transaction: staged
    counters, caches, queues, buckets. Each registers once; it stages
    changes during the work, writes what it keeps in the store in its
    prepare, and makes them visible in its commit or drops them in its
    abort. A participant may also want to know of each event emitted.

    Every outbound message is stored as an event under its own seq and
    queued in the outbox, which goes out only after the commit: an alert
    never names an event that a crash could take back. How far publishing
    got (published_through) is written with each commit; what a crash
    between a commit and its publishing held back is published again a
    second after the next start (subscribers deduplicate by seq).
    HUISHANGD_FAULT=after-commit makes the daemon die right there (tests).
    =========================================================================
*/

#ifndef HS_TXN_H_INCLUDED
#define HS_TXN_H_INCLUDED

#include "hs_store.h"
#include "hs_clock.h"
#include "hs_bus.h"
#include "hs_metrics.h"
#include "../protocol/hs_protocol.h"

typedef struct {
    const char *name;           //  for the log
    int (*prepare) (void *arg);     //  in the transaction, before commit: 0 or -1
    void (*commit) (void *arg);     //  it committed: make staged state visible
    void (*abort) (void *arg);      //  it did not: drop staged state
    void (*emitted) (void *arg, uint64_t seq, const char *topic);   //  an event went in the outbox
    void *arg;
} hs_txn_participant_t;

//  A unit of work, inside the transaction. Returns 0, or -1 if the store
//  failed (everything is then undone).
typedef int (hs_txn_work_fn) (void *arg);

typedef struct _hs_txn_t hs_txn_t;

//  The transactions on `store`, timed by `clock`, published on `bus`
//  (all borrowed). Reads where publishing got. Caller owns the result.
hs_txn_t *hs_txn_new (hs_store_t *store, hs_clock_t *clock, hs_bus_t *bus);
void hs_txn_destroy (hs_txn_t **self_p);

//  Register a participant (copied). Participants are prepared and told
//  in the order they joined.
void hs_txn_join (hs_txn_t *self, const hs_txn_participant_t *participant);

//  Unregister the participants of `arg` (one that goes before the
//  transactions do).
void hs_txn_leave (hs_txn_t *self, void *arg);

//  Do a unit of work durably, then publish what it caused. Reads the
//  clock once for it. Returns 0, or -1 if the store could not take it
//  (logged; hs_store_no_room says whether it is for want of room).
int hs_txn_run (hs_txn_t *self, hs_txn_work_fn *work, void *arg);

//  Inside the work: the store, the clock reading of this unit of work,
//  and the real monotonic time (zclock_mono) when it began.
hs_store_t *hs_txn_store (hs_txn_t *self);
int64_t hs_txn_now (hs_txn_t *self);
int64_t hs_txn_mono (hs_txn_t *self);

//  Inside the work: allocate the next seq; or see it without taking it.
uint64_t hs_txn_next_seq (hs_txn_t *self);
uint64_t hs_txn_peek_seq (hs_txn_t *self);

//  Inside the work: store an event (its `at` is the clock reading). emit
//  also queues it for publishing after the commit, under its topic.
//  Returns 0 or -1.
int hs_txn_record (hs_txn_t *self, hs_event_t *event);
int hs_txn_emit (hs_txn_t *self, hs_event_t *event);

//  A packer for scratch work inside the transaction (borrowed).
hs_pack_t *hs_txn_scratch (hs_txn_t *self);

//  Crash resend: the real (zclock_mono) time when what the last run left
//  unpublished is due to go out again, 0 if nothing is; and doing it.
int64_t hs_txn_republish_at (hs_txn_t *self);
void hs_txn_republish (hs_txn_t *self);

//  Commit timing, for the metrics: the last and longest commit (µs), and
//  a histogram of commit times in seconds (borrowed).
int64_t hs_txn_commit_us_last (hs_txn_t *self);
int64_t hs_txn_commit_us_max (hs_txn_t *self);
const hs_histogram_t *hs_txn_commit_seconds (hs_txn_t *self);

//  For the self tests of the classes above this one: a store under /tmp,
//  the built-in configuration on inproc endpoints named after the test, a
//  bus on them, a clock reading `start` and running `scale` times fast,
//  and the transactions on all that. Destroying it removes the store.
typedef struct {
    char *path;                 //  the store's folder
    hs_config_t *config;
    hs_store_t *store;
    hs_bus_t *bus;
    hs_clock_t *clock;
    hs_txn_t *txn;
} hs_txn_fixture_t;

hs_txn_fixture_t *hs_txn_fixture_new (const char *name, int64_t start, double scale);
void hs_txn_fixture_destroy (hs_txn_fixture_t **self_p);
//  A subscriber to the fixture's publish socket, on `prefix`, its
//  subscription already seen by the bus; the caller destroys it.
zsock_t *hs_txn_fixture_watch (hs_txn_fixture_t *self, const char *prefix);

void hs_txn_test (bool verbose);

#endif
