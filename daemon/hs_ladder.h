/*  =========================================================================
    hs_ladder - the supervision ladder (督促检查) of something due by a date

    What a person must do by a given time and is chased for until it is
    done — a meeting's action item (hs_actions), a street's signature on
    a work prompt (hs_prompts) — climbs one ladder, on plain time: with
    d its time (due - set), 催办 (remind) at due, 督办 (supervise) at
    due + d, 通报 (circulate) at due + 2d, the rung reached again every
    `repeat` until it is done. This class is that arithmetic and who is
    told at each rung; the callers keep the item's state in their own
    records (protocol/hs_meeting_rec, hs_prompt_rec). A case's clocks
    (hs_handling) climb the same rungs on working days.
    =========================================================================
*/

#ifndef HS_LADDER_H_INCLUDED
#define HS_LADDER_H_INCLUDED

#include "hs_policy.h"
#include "../protocol/hs_handler.h"

//  When something set at `start` and due at `due` reaches `rung` (1, the
//  due time; 2, twice the time; 3, three times). No time at all between
//  them counts as a millisecond a rung.
int64_t hs_ladder_rung_at (int64_t start, int64_t due, int rung);

//  Its notice came due at `now`: the rung reached (never below *rung,
//  which becomes it), one more in *notices, and *next its next notice:
//  the next rung, or `repeat_ms` from now, whichever comes first. A
//  notice late by several rungs (the daemon was down) is one, at the
//  highest. Returns the rung.
int hs_ladder_climb (int64_t start, int64_t due, int64_t now, int64_t repeat_ms,
                     int *rung, int *notices, int64_t *next);

//  The sooner of two next-notice times, 0 being none (not chased): what
//  an item's one timer is set to, over its parts.
int64_t hs_ladder_sooner (int64_t one, int64_t two);

//  Who is told of a notice at `rung` about `unit`: notices/remind,
//  supervise or circulate (hs_policy_told), into `list` of room `max`
//  with its NULL. Returns the count.
size_t hs_ladder_told (const hs_policy_t *policy, int rung, const char *unit,
                       const char **list, size_t max);

//  Who is told that `unit` did it: those who supervise (notices/
//  supervise), then the unit. Returns the count.
size_t hs_ladder_told_done (const hs_policy_t *policy, const char *unit,
                            const char **list, size_t max);

void hs_ladder_test (bool verbose);

#endif
