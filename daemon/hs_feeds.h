/*  =========================================================================
    hs_feeds - feeders: gaps in their fseq, and silence

    A feeder may number what it sends (`fseq`) and send heartbeats. A
    number beyond the next expected one means messages were lost on the
    way (a PUB socket drops silently): warning.feed of kind `gap` names the
    missing range. Silence is watched only for a feeder that opted in by
    sending a heartbeat (at least one, ever: kept as `beats` in its
    record): one not heard for feeds/silence is reported `silent` once,
    and `resumed` when heard again. A feeder that only sends reports and
    updates is quiet when it has nothing to report, not silent. The state lives in the
    store's `feeds` table (written in the transaction; read back if the
    transaction is not committed) and in memory, so the loop knows when
    the next silence falls without reading the store.
    =========================================================================
*/

#ifndef HS_FEEDS_H_INCLUDED
#define HS_FEEDS_H_INCLUDED

#include "hs_notices.h"
#include "hs_config.h"

typedef struct _hs_feeds_t hs_feeds_t;

//  Feeders of the store `txn` writes (joins it), warned of through
//  `notices`, under `config` (borrowed until hs_feeds_set_config). Reads
//  their state. Returns a new object (caller owns it), or NULL if the
//  state could not be read.
hs_feeds_t *hs_feeds_new (hs_txn_t *txn, hs_notices_t *notices, hs_config_t *config);
void hs_feeds_destroy (hs_feeds_t **self_p);

void hs_feeds_set_config (hs_feeds_t *self, hs_config_t *config);

//  A feeder was heard from, with its fseq (0: none). A heartbeat's fseq
//  is the last it sent, so it is itself expected. Returns 0 or -1.
int hs_feeds_heard (hs_feeds_t *self, const char *source, int64_t fseq, bool heartbeat);

//  Warn of feeders that send heartbeats and have been silent past
//  feeds/silence, once each, inside the transaction. Returns 0 or -1.
int hs_feeds_silence (hs_feeds_t *self);

//  When the next feeder that sends heartbeats falls silent (daemon
//  clock), 0 if none is watched.
int64_t hs_feeds_next_silence (hs_feeds_t *self);

//  Feeders known, and how many of them are silent.
size_t hs_feeds_size (hs_feeds_t *self);
size_t hs_feeds_silent (hs_feeds_t *self);

//  The api's view of the feeders (health's `feeders`), from the store's
//  `feeds` table inside the caller's read view, in unit order, at most
//  `max`: each unit heard, when it was last heard (daemon clock), and its
//  state at `now`: `silent` (reported silent, not heard since), `gap` (a
//  gap in its fseq seen within feeds/silence), else `ok`. Returns 0 or -1.
int hs_feeds_list (hs_store_t *store, const hs_config_t *config, int64_t now,
                   hs_health_feeder_t *rows, size_t max, size_t *count);

void hs_feeds_test (bool verbose);

#endif
