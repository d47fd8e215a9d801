/*  =========================================================================
    hs_record - the smaller records the daemon stores

    A dead letter (a rejected message kept for inspection: why, and the
    first bytes of each frame), a feeder's state (its last fseq, when it
    was last heard, whether it is silent, and whether it sends
    heartbeats: `beats`, false in a record from before 0.5), and the body of the event
    that marks a change of rules.
    =========================================================================
*/

#ifndef HS_RECORD_H_INCLUDED
#define HS_RECORD_H_INCLUDED

#include "hs_pack.h"

//  A dead letter: when, the reason code and detail, how many frames and
//  bytes the message had, and the kept prefix of its first frames.
int hs_deadletter_encode (int64_t at, const char *code, const char *detail, size_t frames,
                          size_t total, const hs_bytes_t *kept, size_t kept_count,
                          hs_pack_t *pack);

//  What the daemon knows of one feeder.
typedef struct {
    int64_t fseq;               //  the last fseq it sent
    int64_t heard;              //  when it was last heard, daemon clock
    bool silent;                //  reported silent, not heard since
    bool beats;                 //  it has sent a heartbeat: its silence is watched
    int64_t gap_at;             //  when a gap in its fseq was last seen (0: never)
} hs_feed_state_t;

int hs_feed_state_encode (const hs_feed_state_t *state, hs_pack_t *pack);
//  Returns 0, or -1 if the bytes are not a feeder's state.
int hs_feed_state_decode (const void *data, size_t size, hs_feed_state_t *state);

//  The body of a `rules` event: the rule set's version before and after,
//  and the file it came from.
int hs_rules_change_encode (const char *from, const char *to, const char *file, hs_pack_t *pack);

//  The body of a `clock` event: the daemon clock set back at start from
//  the store's last reading `from` to `to`, and why ("reset": asked with
//  --clock-reset; "drill": a drill's time not kept on the real clock).
int hs_clock_change_encode (int64_t from, int64_t to, const char *why, hs_pack_t *pack);

void hs_record_test (bool verbose);

#endif
