/*  =========================================================================
    hs_subscribers - who is connected to the publish socket, and what they
    may subscribe to

    The publish socket is an XPUB that passes every subscribe and
    unsubscribe up (ZMQ_XPUB_VERBOSER). This class reads each one and
    checks it is a prefix of a topic the daemon publishes (the families of
    PROTOCOL.md §4, with the levels and the streets of units.cfg; "" is a
    prefix of all). The rest is counted (`subscriptions_refused`) and
    logged at most once every ten seconds; such a subscription matches
    nothing we send, so it costs only the memory libzmq keeps for it until
    the connection closes.

    Why not manual mode (ZMQ_XPUB_MANUAL), which would let us apply only
    what we admit: libzmq 4.3.4 keeps every subscription of a manual-mode
    connection in a second table anyway (no memory saved), and applying
    one binds it to the connection of the last notice read, which may have
    closed meanwhile: libzmq then keeps a pointer to the freed pipe, and
    the next matching message touches freed memory (fixed only in part in
    4.3.5). Here libzmq alone decides where a subscription goes.

    Per connection: libzmq names a message's connection by its descriptor
    (the `__fd` property behind ZMQ_SRCFD, on every subscription notice),
    and a socket monitor tells when a descriptor is accepted and when it
    is gone. A connection that sends more than `subscribers/per_connection`
    subscriptions, or more than a few that are not prefixes of ours, is cut
    off: its socket is shut down (shutdown(2), after checking that the
    descriptor is still that connection), and libzmq then closes it as if
    the peer had gone, and frees what it held. When all of them together
    would hold more than `subscribers/total`, the connection holding the
    most refused subscriptions goes (so junk cannot lock real dashboards
    out). The same cut ends the open connection of a dashboard whose
    certificate was removed (hs_subscribers_revoke): ZAP refuses it when
    it reconnects.

    Queues: libzmq bounds each subscriber's queue (ZMQ_SNDHWM =
    `limits/publish_hwm` messages), not all of them together; so at most
    `subscribers/max` connections may hold subscriptions, and one more that
    subscribes is cut off. Together the queues hold at most max x
    publish_hwm messages. (Sharing a budget by changing ZMQ_SNDHWM as
    connections come and go is not safe in libzmq 4.3.4: the change is
    sent to the peers of pipes still in the socket's list while being
    terminated, and one already deleted crashes the I/O thread.)
    =========================================================================
*/

#ifndef HS_SUBSCRIBERS_H_INCLUDED
#define HS_SUBSCRIBERS_H_INCLUDED

#include "hs_config.h"

typedef struct _hs_subscribers_t hs_subscribers_t;

//  Watch `publish` (an XPUB, not yet bound: the monitor must see every
//  connection). Sets ZMQ_XPUB_VERBOSER. Caller owns the result.
hs_subscribers_t *hs_subscribers_new (zsock_t *publish, hs_config_t *config);
void hs_subscribers_destroy (hs_subscribers_t **self_p);

//  Topics and limits from a configuration (at start and on reload).
void hs_subscribers_set_config (hs_subscribers_t *self, hs_config_t *config);

//  Read what is pending: connections come and gone, then subscription
//  notices; apply, refuse or cut. Never blocks.
void hs_subscribers_read (hs_subscribers_t *self);

//  Cut every connection whose CURVE key (`User-Id`) was allowed when it
//  subscribed and no longer is. `allowed` answers for one key.
typedef bool (hs_subscribers_allowed_fn) (void *arg, const char *key);
void hs_subscribers_revoke (hs_subscribers_t *self, hs_subscribers_allowed_fn *allowed, void *arg);

//  True if `prefix` is a prefix of a topic the daemon publishes.
bool hs_subscribers_admits (hs_subscribers_t *self, const void *prefix, size_t size);

int64_t hs_subscribers_active (hs_subscribers_t *self);        //  admitted subscriptions (prefixes of ours)
uint64_t hs_subscribers_refused (hs_subscribers_t *self);      //  not a prefix of ours
uint64_t hs_subscribers_cut (hs_subscribers_t *self);          //  connections cut off
size_t hs_subscribers_connections (hs_subscribers_t *self);    //  open now
size_t hs_subscribers_subscribed (hs_subscribers_t *self);     //  connections holding one

void hs_subscribers_test (bool verbose);

#endif
