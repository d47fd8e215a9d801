/*  =========================================================================
    hs_ingest - inbound messages: sockets, the shared opening, dispatch

    Reads what waits on the ingest (SUB) and submit (ROUTER) sockets, up
    to batch_max, and handles it as one unit of work. Every message goes
    through one opening, whatever its kind:
        frames -> topic -> kind (the dispatch table) -> known unit
        -> the key's unit (with security) -> the flood limit -> unpack
        -> the kind's decoder -> source = topic's unit
        -> seen before? (its dedup kind) -> the feeder heard
    and then to the handler registered for its kind, which accepts it
    (under a seq), refuses it with a reason, or fails (the store). A
    refusal is counted, logged once per reason per interval and kept as a
    dead letter; an acknowledged submitter is answered only after the
    commit: ok + seq, duplicate + the first seq, rejected + the reason, or
    error (send it again) if the store could not take the batch.
    A new kind of message is one row in hs_kinds and one registration.
    =========================================================================
*/

#ifndef HS_INGEST_H_INCLUDED
#define HS_INGEST_H_INCLUDED

#include "hs_txn.h"
#include "hs_stats.h"
#include "hs_reject.h"
#include "hs_flood.h"
#include "hs_feeds.h"
#include "hs_keys.h"
#include "hs_config.h"
#include "hs_kinds.h"

//  A handler: returns 0 (accepted; msg->seq set if something was stored),
//  1 (refused: msg->why set), or -1 (the store failed).
typedef int (hs_ingest_handler_fn) (void *arg, hs_msg_t *msg);

typedef struct _hs_ingest_t hs_ingest_t;

//  Ingest on `bus`'s sockets into `txn`'s units of work (all borrowed;
//  `config` until hs_ingest_set_config). `keys` (may be NULL: no
//  security) tells which unit a message's key belongs to. Caller owns
//  the result.
hs_ingest_t *hs_ingest_new (hs_txn_t *txn, hs_bus_t *bus, hs_keys_t *keys, hs_stats_t *stats,
                            hs_feeds_t *feeds, hs_config_t *config);
void hs_ingest_destroy (hs_ingest_t **self_p);

void hs_ingest_set_config (hs_ingest_t *self, hs_config_t *config);

//  Register the handler of a kind of message. Heartbeats have one of
//  their own: they say the feeder is alive, and nothing is stored.
void hs_ingest_route (hs_ingest_t *self, hs_msg_kind_t kind, hs_ingest_handler_fn *handler,
                      void *arg);

//  Call `hook` after a submitted batch is done and before its submitters
//  are answered (so what they are told is visible elsewhere first).
typedef void (hs_ingest_hook_fn) (void *arg);
void hs_ingest_before_answers (hs_ingest_t *self, hs_ingest_hook_fn *hook, void *arg);

//  The loop's poller, told to wait up to `waited` ms, returned `which`
//  (NULL: nothing) from a poll on the ingest and submit sockets in that
//  order: those before it were empty then (what the flood limit counts
//  arrival from); a longer gap than the wait was a stall.
void hs_ingest_polled (hs_ingest_t *self, void *which, int64_t waited);

//  Read and handle what waits on the ingest socket (up to batch_max).
void hs_ingest_read (hs_ingest_t *self);

//  Read and handle what waits on the submit socket, and answer each
//  submitter after the commit.
void hs_ingest_submit (hs_ingest_t *self);

//  Handle a list of messages as one unit of work (takes them). Returns
//  the number handled, or -1 if the store could not take them (each is
//  then refused as store_full or store_error; they were never stored).
int hs_ingest_batch (hs_ingest_t *self, zlist_t *messages);

//  True while the store is full (new messages are refused), or the last
//  batch could not be committed.
bool hs_ingest_no_room (hs_ingest_t *self);
bool hs_ingest_trouble (hs_ingest_t *self);

//  The rejection accounting (borrowed).
hs_reject_t *hs_ingest_reject (hs_ingest_t *self);

void hs_ingest_test (bool verbose);

#endif
