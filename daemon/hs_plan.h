/*  =========================================================================
    hs_plan - regular meetings (定期召开): when a plenary or an office meeting meets

    The mechanism meets regularly (seed §三(二)): the plenary (全体会议) and
    the office meeting (办公室会议) each have a plan in rules.cfg
    (meetings/plenary, meetings/office): how often (week, month, quarter
    or none), on which day of the period, at what local time, how long
    before it the request goes out, where, and the standing agenda. A day
    that is not a working day moves to the next one. This class reads a
    plan and does its arithmetic; hs_schedule calls the meetings.
    =========================================================================
*/

#ifndef HS_PLAN_H_INCLUDED
#define HS_PLAN_H_INCLUDED

#include "hs_zpl.h"
#include "hs_calendar.h"

#define HS_PLAN_AGENDA_MAX  16          //  items, as a call.<unit> may carry

typedef enum {
    HS_PLAN_PLENARY = 0,                //  全体会议: the convener chairs, the members attend
    HS_PLAN_OFFICE,                     //  办公室会议: the office director, the office members
    HS_PLAN_COUNT
} hs_plan_kind_t;

typedef enum {
    HS_PLAN_NONE = 0,                   //  not held regularly
    HS_PLAN_WEEK,
    HS_PLAN_MONTH,
    HS_PLAN_QUARTER                     //  in January, April, July and October
} hs_plan_every_t;

typedef struct {
    hs_plan_every_t every;
    int on;                             //  weekday 0 (Monday) .. 6 for a week; day 1..28 otherwise
    int minute;                         //  local minute of day it meets
    int64_t notice_ms;                  //  the request goes out this long before (plain time)
    char *place;                        //  owned
    char *agenda [HS_PLAN_AGENDA_MAX + 1];  //  owned, NULL-terminated
} hs_plan_t;

//  The kind's name, as a meeting's `kind` says it: "plenary", "office".
const char *hs_plan_kind_name (hs_plan_kind_t kind);

//  Read the plan under `node` (meetings/plenary or meetings/office; NULL:
//  not held). Returns 0, or -1 with a line-numbered message in `error`
//  (nothing is then held).
int hs_plan_load (hs_plan_t *plan, hs_zpl_t *zpl, zconfig_t *node, char *error, size_t error_size);

//  Free what hs_plan_load allocated.
void hs_plan_free (hs_plan_t *plan);

//  When the first meeting of the plan after `after` meets (its request
//  goes out notice_ms earlier), on `calendar`; 0 if the plan holds none.
int64_t hs_plan_next (const hs_plan_t *plan, hs_calendar_t *calendar, int64_t after);

void hs_plan_test (bool verbose);

#endif
