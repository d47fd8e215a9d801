/*  =========================================================================
    hs_bus - huishangd's sockets for messages: ingest, publish, submit

    Owns the sockets and their options:
        ingest   SUB, bound, subscribed to everything (so that unknown
                 topics are seen and rejected, not silently filtered),
                 with a deep receive HWM and ZMQ_MAXMSGSIZE;
        publish  XPUB, bound: alerts out. A subscriber that cannot keep up
                 loses messages alone, and each time one overflows it is
                 counted; publishing never blocks the daemon. Who may
                 subscribe to what, and how much all queues hold
                 together, is hs_subscribers';
        submit   ROUTER, bound: acknowledged submits from REQ or DEALER
                 clients, answered after the commit.
    (The api's ROUTER belongs to hs_api, on its own thread.) With security
    on, every socket is a CurveZMQ server (publish, and the api, when
    dashboards must hold keys too); czmq's zauth admits the keys of the
    certificates in the clients folder, and hs_keys tells which unit a
    message's key belongs to.
    =========================================================================
*/

#ifndef HS_BUS_H_INCLUDED
#define HS_BUS_H_INCLUDED

#include "hs_config.h"

typedef struct _hs_bus_t hs_bus_t;

//  Create and bind the sockets. Returns a new bus (caller owns it), or
//  NULL with a message naming the endpoint in `error`.
hs_bus_t *hs_bus_new (hs_config_t *config, char *error, size_t error_size);
void hs_bus_destroy (hs_bus_t **self_p);

//  The sockets, borrowed: valid while the bus lives.
zsock_t *hs_bus_ingest (hs_bus_t *self);
zsock_t *hs_bus_publish_socket (hs_bus_t *self);
zsock_t *hs_bus_submit (hs_bus_t *self);

//  Publish a message (topic frame, body frame) without ever blocking.
//  Takes ownership of *msg_p and nulls it. If some subscriber's queue is
//  full the message still goes to every other subscriber, and the overflow
//  is counted. Returns 0, or -1 if the message could not be sent at all.
int hs_bus_publish (hs_bus_t *self, zmsg_t **msg_p);

//  The same, for a message that is a topic and a body in memory (copied).
int hs_bus_publish_mem (hs_bus_t *self, const void *topic, size_t topic_size, const void *body,
                        size_t body_size);

//  Send a marker that is not an event (hs.hello): as hs_bus_publish, but
//  not counted as published.
int hs_bus_announce (hs_bus_t *self, zmsg_t **msg_p);

//  Read pending subscribe / unsubscribe notices from the publish socket,
//  and apply those it admits (hs_subscribers).
void hs_bus_subscriptions (hs_bus_t *self);

//  True if the sockets use CurveZMQ.
bool hs_bus_secure (hs_bus_t *self);

uint64_t hs_bus_published (hs_bus_t *self);     //  messages sent
//  Times a subscriber's queue overflowed. libzmq then drops for that
//  subscriber, silently, until it has drained to its low-water mark, so
//  one overflow can cost it several messages: subscribers see the loss as
//  a gap in `seq`.
uint64_t hs_bus_overflows (hs_bus_t *self);
int64_t hs_bus_subscriptions_count (hs_bus_t *self);

//  The publish socket's peers (hs_subscribers): subscriptions refused (no
//  topic of ours), connections cut off, connections open.
void hs_bus_peers (hs_bus_t *self, uint64_t *refused, uint64_t *cut, uint64_t *connections);

//  The topics and limits of a configuration that has been reloaded.
void hs_bus_set_config (hs_bus_t *self, hs_config_t *config);

//  Called every turn: reads pending subscriptions if the poller has not
//  served the publish socket for a while (it serves the first ready
//  socket, ingest first), and at most once a second, with secure
//  dashboards, cuts the open subscriber connections of certificates that
//  were removed. True if the subscribers changed.
bool hs_bus_tick (hs_bus_t *self);

#endif
