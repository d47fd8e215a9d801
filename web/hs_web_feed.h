/*  =========================================================================
    hs_web_feed - the daemon's live stream, held for the board and its
                  Server-Sent Events

    One thread of its own joins the daemon's publish socket as the Clone
    pattern does (PROTOCOL.md §6.4: subscribe, hello until our token comes
    back, then page the replay), keeps the recent events (the last
    HS_WEB_FEED_KEPT, for /api/alerts and the last briefings), fills any gap from the replay (a seq
    jumping ahead, a heartbeat's next_seq ahead of what we have), and
    hands every event to the SSE streams. It watches hs.heartbeat: three
    intervals without one and the streams get `stale`, the next one
    `fresh`; before any beat is seen the daemon's state is unknown, never
    stale.

    Each SSE stream (at most HS_WEB_FEED_STREAMS) has a bounded queue; one
    that falls behind is ended and its browser reconnects with
    Last-Event-ID. A stream that starts from a seq joins the queue first,
    then pages the replay from that seq on its own connection's thread,
    then sends what queued with a later seq: no gap, no duplicate.
    Everything shared with MHD's threads is under one lock.
    =========================================================================
*/

#ifndef HS_WEB_FEED_H_INCLUDED
#define HS_WEB_FEED_H_INCLUDED

#include "hs_web_link.h"
#include <jansson.h>
#include <microhttpd.h>

#define HS_WEB_FEED_KEPT        4096    //  recent events held
#define HS_WEB_FEED_STREAMS     64      //  SSE clients at most
#define HS_WEB_FEED_QUEUE       512     //  events queued per SSE client before it is dropped
#define HS_WEB_FEED_KEEPALIVE   15000   //  ms between ": keepalive" comments
#define HS_WEB_FEED_MISSED      3       //  beats missed: stale

typedef struct _hs_web_feed_t hs_web_feed_t;

//  Start following the daemon (a thread). Caller owns it; the link must
//  outlive it.
hs_web_feed_t *hs_web_feed_new (hs_web_link_t *link);

//  End every SSE stream (their next read ends them), so that MHD can stop.
void hs_web_feed_close_streams (hs_web_feed_t *self);

//  Stop the thread and free everything. Idempotent.
void hs_web_feed_destroy (hs_web_feed_t **self_p);

//  A new SSE response: from `since` (the events after it, from the
//  replay; -1: live only). NULL if HS_WEB_FEED_STREAMS are open already.
struct MHD_Response *hs_web_feed_stream (hs_web_feed_t *self, int64_t since);

//  SSE streams open now.
size_t hs_web_feed_streams (hs_web_feed_t *self);

//  The most recent alerts, newest first, at most `limit`: the rows of
//  /api/alerts. Caller owns the array.
json_t *hs_web_feed_alerts (hs_web_feed_t *self, size_t limit);

//  The last brief.<period> body seen, or NULL. Caller owns it.
json_t *hs_web_feed_brief (hs_web_feed_t *self, const char *period);

//  The heartbeat's state: {seen, stale, at, wall, next_seq, interval_ms,
//  last_seq}. Caller owns it.
json_t *hs_web_feed_beat (hs_web_feed_t *self);

//  The SSE text of one event (id, event, data lines and the blank line).
//  Caller frees it.
char *hs_web_feed_format (int64_t seq, const char *topic, json_t *body);

void hs_web_feed_test (bool verbose);

#endif
