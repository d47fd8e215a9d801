/*  =========================================================================
    hs_rules - severity, routing and the escalation ladder, as data

    Owns the rule set loaded from rules.cfg (SPEC §3): severity rules that
    raise a case to a level, the routing table that names the responsible
    units (§四 of the seed), and the ladder that says what each level adds
    (office, convener, meetings, reports upward). Each rule is a condition
    in a small language over a case's facts, e.g.
        "workers >= 30 or amount >= 2000000"
        "flags has gathering media cross_district"
        "source = petition or flags has petition_visit"
    hs_rules_classify is a pure function of the facts and the rules.
    =========================================================================
*/

#ifndef HS_RULES_H_INCLUDED
#define HS_RULES_H_INCLUDED

#include "hs_zpl.h"
#include "hs_units.h"
#include "../protocol/hs_proto.h"

#define HS_RULES_MAX_OUT 64     //  most names in a decision's lists

//  What the rules look at: a case's merged facts.
typedef struct {
    int64_t workers;
    int64_t amount;             //  -1 when unknown
    uint32_t flags;
    int category;
    int ownership;              //  -1 when unknown
    const char *sector;         //  "" when unknown
    const char *street;         //  the street's unit code
    const char **sources;       //  units that reported it, NULL-terminated
} hs_facts_t;

//  What the rules decide. All strings are borrowed from the rules (or
//  the facts' street): valid while both live.
typedef struct {
    int level;
    const char *reasons [HS_RULES_MAX_OUT + 1];     //  rules that fired, NULL-terminated
    const char *routed [HS_RULES_MAX_OUT + 1];      //  routed units, NULL-terminated
    const char *units [HS_RULES_MAX_OUT + 1];       //  routed + ladder roles, NULL-terminated
} hs_decision_t;

//  What reaching a level sets off, over and above lower levels.
typedef struct {
    const char *meeting;        //  urgency (normal|urgent), NULL for none
    bool meeting_members;       //  true: all members; false: the routed units
    int64_t deadline_ms;        //  meet within this long
    const char *escalate [8];   //  upward reports (district, city), NULL-terminated
} hs_ladder_actions_t;

//  The mechanism's other work rules, from the same file: supervision due
//  times, early-warning windows, meeting quorum, briefing schedule.
typedef struct {
    int64_t due_ms [HS_LEVEL_COUNT];    //  supervision: first update due within
    int64_t enterprise_window_ms;       //  warning.enterprise
    int enterprise_threshold;
    int enterprise_raise;               //  levels the case rises
    int64_t street_window_ms;           //  warning.street
    int street_threshold;
    int64_t prompt_window_ms;           //  warning.prompt
    int prompt_streets;
    const char *chairs [4];             //  one must attend; NULL-terminated
    const char *lead;                   //  must attend
    int quorum_percent;                 //  of the invited
    int64_t plenary_deadline_ms;
    int brief_daily_minute;             //  local minute of day
    int brief_weekly_weekday;           //  0 = Monday
    int brief_weekly_minute;
} hs_policy_t;

typedef struct _hs_rules_t hs_rules_t;

//  Load the rules from the "rules" section of a parsed file, checking
//  every unit against `units`. Returns a new rule set (caller owns it), or
//  NULL with a line-numbered message in `error`.
hs_rules_t *hs_rules_load (hs_zpl_t *zpl, hs_units_t *units, char *error, size_t error_size);

void hs_rules_destroy (hs_rules_t **self_p);

//  The rule set's version: the SHA-1 of its file. Borrowed.
const char *hs_rules_version (hs_rules_t *self);

//  Classify: the level, the rules that fired, the routed units and every
//  unit the ladder adds up to that level. The level is at least
//  `floor_level` (a case's level never falls, and may have risen for
//  reasons beyond severity: warnings, supervision); routing sees the final
//  level. Returns 0.
int hs_rules_classify (hs_rules_t *self, const hs_facts_t *facts, int floor_level,
                       hs_decision_t *decision);

//  What a case moving from `from_level` (-1 for a new case) up to
//  `to_level` sets off: the highest meeting among the levels passed and
//  every upward report of those levels.
void hs_rules_actions (hs_rules_t *self, int from_level, int to_level,
                       hs_ladder_actions_t *actions);

//  The work rules other than classification. Borrowed.
const hs_policy_t *hs_rules_policy (hs_rules_t *self);

void hs_rules_test (bool verbose);

#endif
