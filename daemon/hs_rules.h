/*  =========================================================================
    hs_rules - severity, routing and the escalation ladder, as data

    Owns the rule set loaded from rules.cfg (SPEC §3): severity rules that
    raise a case to a level, the routing table that names the responsible
    units (§四 of the seed), and the ladder that says what each level adds
    (office, convener, meetings, reports upward); and, through hs_policy,
    the work rules beside them. Each rule is a condition (hs_condition) in
    a small language over a case's facts, e.g.
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
#include "hs_condition.h"
#include "hs_policy.h"
#include "../protocol/hs_proto.h"

#define HS_RULES_MAX_OUT 64     //  most names in a decision's lists


//  What the rules decide. All strings are borrowed from the rules (or
//  the facts' street): valid while both live.
typedef struct {
    int level;
    int rules_level;                                //  what severity alone says
    const char *lead;                               //  主办: a routed unit, or NULL
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

//  Classify a case whose `level` a person may have set (a regrade, up or
//  down), when the severity rules last said `rules_level` (-1: never):
//  the case moves to what severity says only when that rose past both,
//  that is, only on new facts; else it keeps its level. Routing, the lead
//  and the ladder's roles follow the level decided. Returns 0.
int hs_rules_classify_case (hs_rules_t *self, const hs_facts_t *facts, int level,
                            int rules_level, hs_decision_t *decision);

//  What a case moving from `from_level` (-1 for a new case) up to
//  `to_level` sets off: the highest meeting among the levels passed and
//  every upward report of those levels.
void hs_rules_actions (hs_rules_t *self, int from_level, int to_level,
                       hs_ladder_actions_t *actions);

//  The work rules other than classification. Borrowed.
const hs_policy_t *hs_rules_policy (hs_rules_t *self);

void hs_rules_test (bool verbose);

#endif
