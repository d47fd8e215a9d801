/*  =========================================================================
    hs_request_rec - a meeting request as the events table keeps it: its
                     decision, not a second copy of the body

    A meeting request (`meeting.request`, SPEC §4.3) is a consequence of a
    case's level under the rules: which meeting, of what kind, who is to
    come and who chairs, by when, and why. The events table keeps those
    fields compact (hs_bin), no names, nothing the event's head says (its
    seq, case and time), and the body that was published is packed again
    from them by hs_meeting_encode, the one owner of that body's layout,
    whenever the event is read: byte for byte the body that went out. A
    request the form cannot say exactly (a meeting called by a person,
    with its place and agenda; text not UTF-8; a field out of range) is
    not kept this way, and hs_event keeps its body.
    =========================================================================
*/

#ifndef HS_REQUEST_REC_H_INCLUDED
#define HS_REQUEST_REC_H_INCLUDED

#include "hs_outbound.h"
#include "hs_bin.h"

//  The largest compact record; a request that needs more keeps its body.
#define HS_REQUEST_REC_MAX 2048

//  Write `meeting` compact, after the head of the event it is stored as
//  (seq, case id or NULL, time `at`). Returns 0, or -1 if the form cannot
//  say it exactly or it does not fit (the caller then stores the body).
int hs_request_rec_put (hs_bin_writer_t *writer, const hs_meeting_t *meeting, uint64_t seq,
                        const char *case_id, int64_t at);

//  Pack the body a compact request record says, as it was published,
//  onto `pack`, given its event's head (`case_id` NULL: none). Returns 0,
//  or -1 if the bytes are not one whole record (nothing is appended).
int hs_request_rec_body (const uint8_t *data, size_t size, uint64_t seq, const char *case_id,
                         int64_t at, hs_pack_t *pack);

void hs_request_rec_test (bool verbose);

#endif
