/*  =========================================================================
    hs_escalate_rec - a report upward as the events table keeps it: its
                      decision, not a second copy of the body

    A report upward (`escalate.<to>`, 汇报, SPEC §3) is a consequence of a
    case's level and of what changed in it: to whom, which report (first,
    follow-up, final), why, and the case's facts as they were. The events
    table keeps those fields compact (hs_bin), no names, nothing the
    event's head says (its seq, case and time; its topic is `escalate.`
    and `to`), and the body that was published is packed again from them
    by hs_escalation_encode, the one owner of that body's layout, whenever
    the event is read: byte for byte the body that went out. One the form
    cannot say exactly is not kept this way, and hs_event keeps its body.
    =========================================================================
*/

#ifndef HS_ESCALATE_REC_H_INCLUDED
#define HS_ESCALATE_REC_H_INCLUDED

#include "hs_outbound.h"
#include "hs_bin.h"

//  The largest compact record; a report that needs more keeps its body.
#define HS_ESCALATE_REC_MAX 2048

//  Write `escalation` compact, after the head of the event it is stored as
//  (seq, case id, time `at`). Returns 0, or -1 if the form cannot say it
//  exactly or it does not fit (the caller then stores the body).
int hs_escalate_rec_put (hs_bin_writer_t *writer, const hs_escalation_t *escalation,
                         uint64_t seq, const char *case_id, int64_t at);

//  Pack the body a compact record says, as it was published, onto `pack`,
//  given its event's head, and its topic (`escalate.<to>`) into `topic`
//  (`topic_size` bytes). Returns 0, or -1 if the bytes are not one whole
//  record (nothing is appended).
int hs_escalate_rec_body (const uint8_t *data, size_t size, uint64_t seq, const char *case_id,
                          int64_t at, hs_pack_t *pack, char *topic, size_t topic_size);

//  The topic a report upward goes out under: `escalate.<to>`.
void hs_escalate_topic (const char *to, char *topic, size_t size);

void hs_escalate_rec_test (bool verbose);

#endif
