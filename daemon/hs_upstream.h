/*  =========================================================================
    hs_upstream - forwarding to the level above (a district to its city)

    One message at a time to the upper daemon's submit endpoint, Lazy
    Pirate: a DEALER socket; the answer (ok, duplicate, rejected) comes
    only after the upper daemon has stored the message; no answer within
    the timeout, and the socket is closed, a new one opened and the same
    message sent again (same id: the upper daemon stores it once and
    answers `duplicate` with its seq). With security on, the socket carries
    our own certificate, so the upper daemon knows which district speaks.
    =========================================================================
*/

#ifndef HS_UPSTREAM_H_INCLUDED
#define HS_UPSTREAM_H_INCLUDED

#include <czmq.h>

typedef struct _hs_upstream_t hs_upstream_t;

typedef enum {
    HS_UPSTREAM_NOTHING = 0,    //  no answer yet
    HS_UPSTREAM_STORED,         //  ok or duplicate: the upper daemon has it
    HS_UPSTREAM_REFUSED         //  rejected: it never will (reason given)
} hs_upstream_result_t;

//  To `endpoint`; `cert` (borrowed, may be NULL) and the server's public
//  key `server_key` (may be NULL) turn CURVE on.
hs_upstream_t *hs_upstream_new (const char *endpoint, int64_t timeout_ms, zcert_t *cert,
                                const char *server_key);
void hs_upstream_destroy (hs_upstream_t **self_p);

//  The socket answers come on (it changes when a message is sent again).
zsock_t *hs_upstream_socket (hs_upstream_t *self);

//  True while a message waits for its answer.
bool hs_upstream_busy (hs_upstream_t *self);

//  Send a message (copied); `tag` comes back with its answer.
void hs_upstream_send (hs_upstream_t *self, const char *topic, const void *body, size_t size,
                       uint64_t tag);

//  Read an answer if there is one, or send again if the wait is over.
//  Sets *tag (and `reason` when refused). *reopened is set true when the
//  socket was replaced (take the new one into the poller).
hs_upstream_result_t hs_upstream_poll (hs_upstream_t *self, uint64_t *tag, char *reason,
                                       size_t reason_size, bool *reopened);

//  Milliseconds until the outstanding message is sent again (-1: none).
int64_t hs_upstream_wait_ms (hs_upstream_t *self);

//  Times a message was sent again (no answer, or "not now"), so far.
uint64_t hs_upstream_retries (hs_upstream_t *self);

#endif
