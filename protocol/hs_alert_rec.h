/*  =========================================================================
    hs_alert_rec - an alert as the events table keeps it: its decision, not
                   a second copy of the body

    An alert is a consequence: what the daemon decided about a case, under
    the seq it went out with. The events table keeps the fields of that
    decision in a compact binary form (hs_bin), no names, no repeat of what
    the event's head already says (its seq, case and time), and the body
    that was published is packed again from them, by hs_alert_encode, the
    one owner of that body's layout, whenever the event is read. The body
    read back is byte for byte the body that went out: an alert the form
    cannot say exactly (text that is not UTF-8, a note holding a NUL, a
    field out of range) is not kept this way, and hs_event keeps its body.
    =========================================================================
*/

#ifndef HS_ALERT_REC_H_INCLUDED
#define HS_ALERT_REC_H_INCLUDED

#include "hs_outbound.h"
#include "hs_bin.h"

//  The largest compact record; an alert that needs more keeps its body.
#define HS_ALERT_REC_MAX 2048

//  Write `alert` compact, after the head of the event it is stored as
//  (seq, case id and time `at`). Returns 0, or -1 if the form cannot say
//  it exactly, or it does not fit the writer (the writer is then spoiled:
//  the caller stores the body instead).
int hs_alert_rec_put (hs_bin_writer_t *writer, const hs_alert_t *alert, uint64_t seq,
                      const char *case_id, int64_t at);

//  Pack the body a compact alert record says, as it was published, onto
//  `pack`, given its event's head, and when `topic` is not NULL the topic
//  it went out under (hs_alert_topic; `topic_size` bytes). Returns 0, or
//  -1 if the bytes are not one whole record (nothing then is appended).
int hs_alert_rec_body (const uint8_t *data, size_t size, uint64_t seq, const char *case_id,
                       int64_t at, hs_pack_t *pack, char *topic, size_t topic_size);

void hs_alert_rec_test (bool verbose);

#endif
