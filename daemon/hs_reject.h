/*  =========================================================================
    hs_reject - accounting for rejected input: counters, logs, dead letters

    Every rejected message is counted under its reason code, logged (at
    most once per reason per interval, with a count of what was held back,
    so a flood of bad input cannot flood the log), and turned into a
    dead-letter record for the store. Counts are staged per batch and made
    visible only when the batch commits, like everything else.
    =========================================================================
*/

#ifndef HS_REJECT_H_INCLUDED
#define HS_REJECT_H_INCLUDED

#include <czmq.h>
#include "../protocol/hs_protocol.h"

typedef struct _hs_reject_t hs_reject_t;

//  Create the accounting; `interval_ms` is the log interval per reason.
hs_reject_t *hs_reject_new (int64_t interval_ms);
void hs_reject_destroy (hs_reject_t **self_p);

//  Note one rejected message: stage its count, log it if its reason has
//  not been logged this interval, and pack its dead-letter record (the
//  reason, the detail, and each frame's first bytes) into `pack` (NULL:
//  none, it is not kept).
void hs_reject_note (hs_reject_t *self, const hs_why_t *why, zmsg_t *msg,
                     int64_t now_ms, hs_pack_t *pack);

//  Make the staged counts visible (the batch committed) or drop them.
void hs_reject_commit (hs_reject_t *self);
void hs_reject_abort (hs_reject_t *self);

//  Committed rejections in total.
uint64_t hs_reject_total (hs_reject_t *self);

//  Committed count for one reason code (0 if never seen).
uint64_t hs_reject_count (hs_reject_t *self, const char *code);

//  The reasons seen so far: how many, and each one's code and committed
//  count.
size_t hs_reject_size (hs_reject_t *self);
const char *hs_reject_at (hs_reject_t *self, size_t index, uint64_t *count);

//  Log what the interval held back for reasons whose interval has ended.
void hs_reject_tick (hs_reject_t *self, int64_t now_ms);

//  The committed counts by reason into `tally` (at most `max`; names are
//  the static reason codes). Returns how many.
size_t hs_reject_tally (hs_reject_t *self, hs_tally_t *tally, size_t max);

void hs_reject_test (bool verbose);

#endif
