/*  =========================================================================
    hs_meetings_msg - the api's `meetings` request and reply

    Owns their layout (protocol/PROTOCOL.md §6.2): the request's `state`
    (open | all), `since`, `limit` and `after`, and the reply's page of
    meeting records, as stored, with its `count` and `next`.
    =========================================================================
*/

#ifndef HS_MEETINGS_MSG_H_INCLUDED
#define HS_MEETINGS_MSG_H_INCLUDED

#include "hs_pack.h"
#include "hs_proto.h"

typedef struct {
    const char *state;          //  "open", "all", or NULL (all)
    int64_t since;              //  requested at or after (0: any)
    int64_t limit;              //  0: the default
    const char *after;          //  a previous reply's `next`, or NULL
} hs_meetings_request_t;

void hs_meetings_request_encode (hs_pack_t *pack, const hs_meetings_request_t *request);

//  The reply: {v, count, next?, meetings: [records as stored]}; `count` is
//  how many this page holds, `next` (NULL or "": none) the `after` of the
//  next page.
void hs_meetings_reply_encode (hs_pack_t *pack, const hs_bytes_t *records, size_t size,
                               const char *next);

void hs_meetings_msg_test (bool verbose);

#endif
