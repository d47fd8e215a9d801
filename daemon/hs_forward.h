/*  =========================================================================
    hs_forward - a district forwarding to its city (the upstream section)

    Every committed event whose topic starts with one of upstream/topics
    (escalate.city by default) goes up to the city daemon's submit
    endpoint, one at a time, acknowledged (hs_upstream: Lazy Pirate), in
    seq order, resent until the city has stored it. An escalation goes up
    as a report from our unit there, the weekly briefing as brief.<unit>
    (protocol/hs_outbound). How far forwarding got (forwarded_through,
    forward_fseq) follows the transaction, so after a restart it goes on
    where it stopped: nothing is sent twice that the city has confirmed,
    and nothing is skipped.
    =========================================================================
*/

#ifndef HS_FORWARD_H_INCLUDED
#define HS_FORWARD_H_INCLUDED

#include "hs_txn.h"
#include "hs_config.h"
#include "hs_upstream.h"

typedef struct _hs_forward_t hs_forward_t;

//  Forwarding for the events `txn` commits (joins it), as `config` says
//  (borrowed; its upstream settings are read once). Scans the events not
//  yet forwarded. Returns a new object (caller owns it), or NULL with the
//  reason in `error`.
hs_forward_t *hs_forward_new (hs_txn_t *txn, hs_config_t *config, char *error, size_t error_size);
void hs_forward_destroy (hs_forward_t **self_p);

//  The socket answers come on (poll it; it changes when a message is sent
//  again on a new socket: take it again after each tick).
zsock_t *hs_forward_socket (hs_forward_t *self);

//  Between units of work: take an answer, send the next event up, or send
//  the outstanding one again if its wait is over.
void hs_forward_tick (hs_forward_t *self);

//  Milliseconds until the outstanding message is due to be sent again
//  (-1: nothing outstanding).
int64_t hs_forward_wait_ms (hs_forward_t *self);

//  Figures for the metrics.
uint64_t hs_forward_stored (hs_forward_t *self);
uint64_t hs_forward_refused (hs_forward_t *self);
uint64_t hs_forward_retries (hs_forward_t *self);
uint64_t hs_forward_backlog (hs_forward_t *self);

void hs_forward_test (bool verbose);

#endif
