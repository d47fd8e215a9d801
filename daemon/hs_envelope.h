/*  =========================================================================
    hs_envelope - the envelope of an acknowledged submit

    What a client sends on the submit (ROUTER) socket before an empty
    delimiter frame is its envelope; the daemon echoes it in the answer,
    so a DEALER that keeps many submits in flight can tell which answer is
    which (ZeroMQ's envelope semantics; PROTOCOL.md §1.1):
        REQ:     [empty] [topic] [body]        -> [empty] [status] [map]
        DEALER:  [tag] [empty] [topic] [body]  -> [tag] [empty] [status] [map]
        DEALER:  [topic] [body]                -> [status] [map]
    It is bounded: at most HS_ENVELOPE_FRAMES frames of at most
    HS_ENVELOPE_BYTES bytes each before the delimiter.
    =========================================================================
*/

#ifndef HS_ENVELOPE_H_INCLUDED
#define HS_ENVELOPE_H_INCLUDED

#include <czmq.h>

#define HS_ENVELOPE_FRAMES  4       //  frames before the delimiter, at most
#define HS_ENVELOPE_BYTES   255     //  bytes in one of them, at most

//  Split a message read from the submit socket, after its ROUTER identity:
//  the envelope (the frames up to and with the first empty frame, if any)
//  moves from the front of `frames` to the end of `reply` (the answer's
//  head, holding the identity); the content stays in `frames`. Returns 0,
//  or -1 if the envelope breaks the bounds: then it is dropped, `reply`
//  gets a bare delimiter (the client is answered as a REQ would be) and
//  `frames` keeps what came after the delimiter.
int hs_envelope_split (zmsg_t *frames, zmsg_t *reply);

void hs_envelope_test (bool verbose);

#endif
