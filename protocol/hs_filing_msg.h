/*  =========================================================================
    hs_filing_msg - the archive's wire: case.filed and the `filed` reply

    A closed case is filed (归档) once its quiet period is over (daemon/
    hs_filing). This class owns the layout of what says so, `case.filed`
    (PROTOCOL.md §4.16), and of the api's `filed` reply (§6.2): the
    filed cases of a period, in the order they were filed, with a cursor
    for the next page.
    =========================================================================
*/

#ifndef HS_FILING_MSG_H_INCLUDED
#define HS_FILING_MSG_H_INCLUDED

#include "hs_pack.h"
#include "hs_proto.h"

//  What case.filed says.
typedef struct {
    uint64_t seq;
    const char *case_id;
    const char *level;                  //  level name
    const char *street;
    const char *enterprise;
    int64_t closed;                     //  when the office closed it
    int64_t quiet_ms;                   //  archive/quiet when its filing was set
    uint32_t reopened;                  //  times it was opened again before
    const char *const *to;              //  notices/filed, NULL-terminated
    int64_t at;                         //  = when it was filed
} hs_filed_out_t;

void hs_filed_out_encode (const hs_filed_out_t *out, hs_pack_t *pack);

//  One entry of the `filed` reply.
typedef struct {
    char case_id [HS_ID_MAX + 1];
    int64_t filed;
} hs_filed_entry_t;

//  The reply: {v, count, next, cases: [{case, filed}]}; `next` (0: none)
//  is the `after` of the next page.
void hs_filed_reply_encode (hs_pack_t *pack, const hs_filed_entry_t *entries, size_t size,
                            const char *next);

//  The requests of `filed` (since, until, after: "" none) and `meeting`.
void hs_filed_request_encode (hs_pack_t *pack, int64_t since, int64_t until, const char *after);
void hs_meeting_request_encode (hs_pack_t *pack, const char *meeting_id);

//  The api's `meeting` reply: {v, meeting}, the stored record as stored.
void hs_meeting_reply_encode (hs_pack_t *pack, const void *record, size_t size);

void hs_filing_msg_test (bool verbose);

#endif
