/*  =========================================================================
    hs_timers - what fires when: the `timers` table

    A timer is a row, key = due time (u64 ms, big-endian, daemon clock),
    its kind (one byte), the id of what it concerns (a case, a meeting).
    A timer is taken (deleted) in the same transaction that acts on it,
    so each fires exactly once, across restarts and crashes. Timers that
    find their subject moved on (the clock restarted, the case closed) do
    nothing. This class owns the key layout and knows, in memory, when
    the first timer is due, so the loop never walks the table to find out.
    =========================================================================
*/

#ifndef HS_TIMERS_H_INCLUDED
#define HS_TIMERS_H_INCLUDED

#include "hs_store.h"
#include "../protocol/hs_proto.h"

typedef enum {
    HS_TIMER_SUPERVISE = 's',   //  a case's handling: its first clock or mute is due
    HS_TIMER_QUORUM = 'q',      //  half a meeting's deadline: the quorum check
    HS_TIMER_ACTION = 'a',      //  a meeting's action items: the first of them is due
    HS_TIMER_MINUTES = 'n',     //  a meeting's minutes are due
    HS_TIMER_PROMPT = 'p',      //  a work prompt: the first street's signature is due
    HS_TIMER_PROPOSAL = 'j',    //  a proposal: the first member's opinion is due
    HS_TIMER_FILING = 'f',      //  a closed case: its quiet period is over, to be filed (归档)
    HS_TIMER_INSPECTION = 'i',  //  an inspection plan: its first rectification's notice is due
    HS_TIMER_OVERDUE = 'o',     //  0.4: a case's one clock (fires, does nothing)
    HS_TIMER_ESCALATE = 'e'     //  0.4: its rise (fires, does nothing)
} hs_timer_kind_t;

typedef struct {
    int64_t due;
    hs_timer_kind_t kind;
    char id [HS_ID_MAX + 1];
} hs_timer_t;

typedef struct _hs_timers_t hs_timers_t;

//  The timers of a store (borrowed). Reads the first due time from it.
//  The first due time follows the write transaction: whoever owns that
//  tells hs_timers_settle how each ended. Caller owns the result.
hs_timers_t *hs_timers_new (hs_store_t *store);
void hs_timers_destroy (hs_timers_t **self_p);

//  Set a timer, inside the transaction. Returns 0 or -1.
int hs_timers_add (hs_timers_t *self, int64_t due, hs_timer_kind_t kind, const char *id);

//  Take a timer back, inside the transaction (it moved: a case's clocks
//  changed). None there is no error. Returns 0 or -1.
int hs_timers_remove (hs_timers_t *self, int64_t due, hs_timer_kind_t kind, const char *id);

//  Move the one timer of `kind` for `id` from *timer_at (0: none) to
//  `due` (0: none), inside the transaction; nothing if it is there
//  already. *timer_at becomes `due`. Returns 0 or -1.
int hs_timers_move (hs_timers_t *self, int64_t *timer_at, int64_t due, hs_timer_kind_t kind,
                    const char *id);

//  Take up to `max` timers due at `now` (deleted in the transaction),
//  earliest first, into `timers`; *count says how many. Returns 0 or -1.
int hs_timers_take (hs_timers_t *self, int64_t now, hs_timer_t *timers, size_t max,
                    size_t *count);

//  The write transaction ended: committed, or not (what it set or took
//  is then forgotten).
void hs_timers_settle (hs_timers_t *self, bool committed);

//  When the first timer is due (daemon clock), 0 if none: as committed.
int64_t hs_timers_next (hs_timers_t *self);

//  Read a timer key back (verify). Returns 0, or -1 if it is malformed.
int hs_timers_parse (const void *key, size_t key_size, hs_timer_t *timer);

void hs_timers_test (bool verbose);

#endif
