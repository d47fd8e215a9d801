/*  =========================================================================
    huishang_window - acknowledged submit with a window of submits in flight

    A DEALER to the submit endpoint keeps up to N messages in flight; each
    goes with a tag (its number, 8 bytes) before the empty delimiter, and
    the daemon echoes the tag in its answer (PROTOCOL.md §1.1). Lazy
    Pirate per message: one without an answer after the timeout is sent
    again (same bytes, same id: the daemon answers duplicate if it was
    stored); if nothing at all comes back for the timeout, a fresh socket
    is opened and every outstanding message sent again on it. The socket
    before it is still read until the next one is opened (what it sent may
    have reached a daemon that was only just up: its answer is as good).
    Answers are handed over in the order the messages were given.
    =========================================================================
*/

#ifndef HUISHANG_WINDOW_H_INCLUDED
#define HUISHANG_WINDOW_H_INCLUDED

#include "hs_client.h"

#define HUISHANG_WINDOW_DEFAULT 500     //  submits in flight, by default: half the default HWM

typedef struct _huishang_window_t huishang_window_t;

//  A message's fate, in input order: `reply` holds a final answer (ok,
//  duplicate or rejected), or is NULL if it was given up on (said).
typedef void (huishang_window_fn) (void *arg, const char *topic, const char *where,
                                   const hs_submit_reply_t *reply);

//  A window of `size` submits in flight (1: one at a time) through
//  `client`'s submit endpoint, timeout, resends and deadline (borrowed).
huishang_window_t *huishang_window_new (hs_client_t *client, int size,
                                        huishang_window_fn *on_answer, void *arg);
void huishang_window_destroy (huishang_window_t **self_p);

//  Send one message (copied), after waiting for room in the window.
//  `where` names it in what is said. Returns 0, or -1 on Ctrl-C.
int huishang_window_submit (huishang_window_t *self, const char *topic, const void *body,
                            size_t size, const char *where);

//  Wait until every message sent has its fate. Returns 0, or -1 on Ctrl-C.
int huishang_window_finish (huishang_window_t *self);

#endif
