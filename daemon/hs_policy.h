/*  =========================================================================
    hs_policy - the mechanism's work rules, as data: supervision clocks,
                early-warning windows, meetings, briefings, who is told
                of what and who may do what

    Loaded from the rules file beside severity and routing (hs_rules).
    Recipients and authority name units and roles of the units file, or
    stand for a group:
        streets     every street and town
        members     every member unit (agencies and streets)
        routed      (authority only) a unit the case is routed to
        street      (authority only) the case's own street
        handler     (notices about a unit only) the unit being chased, that
                    returned the case, that a closure is sent back to
    A rules file from before a key existed (0.4) gets it from the shipped
    rules file compiled in (config/rules.cfg): nothing is written in C.
    so that §三 and §四 of the seed can be checked against config/ alone,
    and another district can change them without changing C.
    =========================================================================
*/

#ifndef HS_POLICY_H_INCLUDED
#define HS_POLICY_H_INCLUDED

#include "hs_zpl.h"
#include "hs_units.h"
#include "hs_plan.h"
#include "../protocol/hs_proto.h"

//  The notices whose recipients the rules name.
typedef enum {
    HS_NOTICE_ENTERPRISE = 0,   //  warning.enterprise
    HS_NOTICE_STREET,           //  warning.street
    HS_NOTICE_PROMPT,           //  warning.prompt, the work prompt
    HS_NOTICE_FEED,             //  warning.feed: a gap, silence, resumption
    HS_NOTICE_STORE,            //  warning.store: the store is full
    HS_NOTICE_NO_QUORUM,        //  a meeting short of a quorum at half its deadline
    HS_NOTICE_BRIEFS,           //  the daily and weekly briefings
    HS_NOTICE_WEEKLY_UP,        //  the weekly briefing reported upward (汇报): district | city
    HS_NOTICE_REMIND,           //  催办: a handler's clock is past due
    HS_NOTICE_SUPERVISE,        //  督办: past twice the due time
    HS_NOTICE_SUPERVISE_MAJOR,  //  督办 of a case at major or above (added to the above)
    HS_NOTICE_CIRCULATE,        //  通报: past three times
    HS_NOTICE_RETURNED,         //  退单: a unit returned a case
    HS_NOTICE_REVIEW,           //  办结: the lead resolved a case, for review
    HS_NOTICE_SENT_BACK,        //  退回: the office sent a resolved case back to its lead
    HS_NOTICE_FAILED,           //  mediation failed on an open case
    HS_NOTICE_UNMUTED,          //  a case's mute ended or was lifted
    HS_NOTICE_OFFICE_MEETING,   //  who an office meeting (办公室会议) invites
    HS_NOTICE_MINUTES,          //  who is reminded of minutes not yet recorded
    HS_NOTICE_PROPOSAL,         //  the member units asked for opinions on a proposal (征求意见)
    HS_NOTICE_PROPOSAL_UP,      //  a proposal a meeting passed, reported upward: district | city
    HS_NOTICE_FILED,            //  case.filed: a closed case filed (归档) after its quiet period
    HS_NOTICE_INSPECT_PLAN,     //  who decides an inspection plan drafted (and is told it is complete)
    HS_NOTICE_COUNT
} hs_notice_t;

//  What the rules say who may do.
typedef enum {
    HS_ACT_UPDATE = 0,          //  report progress on a case (update.<unit>)
    HS_ACT_MINUTES,             //  record a meeting's minutes
    HS_ACT_PLENARY,             //  call a plenary meeting
    HS_ACT_BRIEF_UP,            //  send a briefing from below (brief.<unit>)
    HS_ACT_CLOSE,               //  审核办结: close a resolved case
    HS_ACT_REJECT_CLOSURE,      //  send a resolved case back
    HS_ACT_FOLLOWUP,            //  回访: ask the workers after closure
    HS_ACT_REGRADE,             //  set a case's level, up or down
    HS_ACT_MERGE,               //  merge two cases about one dispute
    HS_ACT_SPLIT,               //  split a report off into its own case
    HS_ACT_MUTE,                //  hold a case's supervision notices until a time
    HS_ACT_REROUTE,             //  add or remove units, set the lead, insist on a return
    HS_ACT_ACTION,              //  report a meeting's action item done (besides its owner)
    HS_ACT_OFFICE_MEETING,      //  call an office meeting (办公室会议)
    HS_ACT_PROMPT,              //  issue a work prompt (工作提示) to the streets
    HS_ACT_PROPOSAL,            //  draft a major problem or policy proposal (重大问题及对策建议)
    HS_ACT_INSPECT_PLAN,        //  draft an inspection plan (督查方案)
    HS_ACT_INSPECT_APPROVE,     //  approve or return one (报召集人同意)
    HS_ACT_INSPECT_RESULT,      //  record a unit's inspection result
    HS_ACT_RECTIFIED,           //  report a rectification (整改) done (besides its owner)
    HS_ACT_COUNT
} hs_act_t;

//  The clocks of a routed unit's handling (protocol/hs_handler).
#define HS_POLICY_CLOCKS 3

typedef struct {
    //  Supervision: each handler's clocks are due within (sign-off,
    //  progress, resolution: hs_clock_kind_t), per level; notices repeat
    //  every repeat_ms at the rung reached; a mute lasts at most mute_max_ms.
    int64_t clock_ms [HS_POLICY_CLOCKS][HS_LEVEL_COUNT];
    int64_t repeat_ms [HS_LEVEL_COUNT];
    int64_t mute_max_ms;
    int64_t enterprise_window_ms;       //  warning.enterprise: distinct cases
    int enterprise_threshold;
    int64_t street_window_ms;           //  warning.street
    int street_threshold;
    int64_t prompt_window_ms;           //  warning.prompt (a suggestion to the office)
    int prompt_streets;
    int prompt_rearm;                   //  armed again once a count finds at most this many
    const char *chairs [4];             //  one must attend; NULL-terminated
    const char *office_chairs [4];      //  an office meeting's (办公室主任)
    const char *lead;                   //  must attend
    int quorum_percent;                 //  of the invited
    int64_t plenary_deadline_ms;
    int64_t action_repeat_ms;           //  an action item's notices repeat this often
    int64_t minutes_due_ms;             //  minutes are due this long after a meeting's time
    int64_t prompt_sign_ms;             //  a work prompt is due to be signed this long after
    int64_t prompt_repeat_ms;           //  ... and a street late to sign is chased again this often
    int64_t proposal_opinions_ms;       //  the members' opinions on a proposal are due this long after
    int64_t proposal_repeat_ms;         //  ... and a member late to answer is chased again this often
    int64_t archive_quiet_ms;           //  a closed case is filed (归档) this long after its closure
    int64_t inspect_repeat_ms;          //  a late rectification (整改) is chased again this often
    int64_t inspect_decide_ms;          //  the convener is reminded of a plan not decided this often
    int brief_daily_minute;             //  local minute of day
    int brief_weekly_weekday;           //  0 = Monday
    int brief_weekly_minute;
    hs_plan_t plans [HS_PLAN_COUNT];    //  regular plenary and office meetings
    //  Who receives each notice: unit codes, NULL-terminated, groups
    //  expanded.
    const char *const *recipients [HS_NOTICE_COUNT];
    int handler_at [HS_NOTICE_COUNT];   //  "handler" comes before recipients [n][handler_at]; -1: absent
    //  Who may do each thing: unit codes (groups expanded), and whether a
    //  unit routed on the case may too.
    const char *const *authority [HS_ACT_COUNT];
    bool routed_may [HS_ACT_COUNT];
    bool street_may [HS_ACT_COUNT];     //  "street": the case's own street may
    void *owned;                        //  the strings above (hs_policy_free)
} hs_policy_t;

//  Load the work rules from the rules section `root` of a parsed rules
//  file, every unit checked against `units`. Returns 0, or -1 with a
//  line-numbered message in `error` (what was loaded is freed).
int hs_policy_load (hs_policy_t *policy, hs_zpl_t *zpl, zconfig_t *root, hs_units_t *units,
                    char *error, size_t error_size);

//  Free what hs_policy_load allocated.
void hs_policy_free (hs_policy_t *policy);

//  The sections of the rules file this class reads.
extern const char *const hs_policy_sections [];

//  Who receives a notice (borrowed, NULL-terminated).
const char *const *hs_policy_recipients (const hs_policy_t *policy, hs_notice_t notice);

//  Add who receives `notice` about `unit` (the "handler" group; NULL:
//  nobody) to `list`, which holds `size` codes and room for `max` with
//  its NULL, each code once, in the rules' order. Returns the new size.
size_t hs_policy_told (const hs_policy_t *policy, hs_notice_t notice, const char *unit,
                       const char **list, size_t size, size_t max);

//  May `unit` do `act`? `routed`: the unit is routed on the case concerned.
bool hs_policy_may (const hs_policy_t *policy, hs_act_t act, const char *unit, bool routed);

//  The same, on a case: `own_street` says the unit is the case's street.
bool hs_policy_may_on (const hs_policy_t *policy, hs_act_t act, const char *unit, bool routed,
                       bool own_street);

//  The units that may do `act`, as one line for a refusal ("office or a
//  routed unit").
void hs_policy_who (const hs_policy_t *policy, hs_act_t act, char *line, size_t size);

void hs_policy_test (bool verbose);

#endif
