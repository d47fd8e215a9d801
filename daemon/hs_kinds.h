/*  =========================================================================
    hs_kinds - the kinds of inbound message, and what the opening needs of each

    One row per kind: its topic prefix, its dedup kind, whether it says
    its feeder is alive, its body's decoder, and where its source, id
    and feeder seq are once decoded. hs_ingest runs every message
    through the same opening with these; a kind's handler is registered
    there (hs_ingest_route). A new kind of message is a value in
    hs_msg_kind_t, a member of hs_msg_t's union and one row here.
    =========================================================================
*/

#ifndef HS_KINDS_H_INCLUDED
#define HS_KINDS_H_INCLUDED

#include "hs_ledger.h"
#include "hs_config.h"

//  The kinds of inbound message.
typedef enum {
    HS_MSG_REPORT = 0,          //  report.<unit>
    HS_MSG_UPDATE,              //  update.<unit>
    HS_MSG_RSVP,                //  rsvp.<unit>
    HS_MSG_MINUTES,             //  minutes.<unit>
    HS_MSG_HEARTBEAT,           //  heartbeat.<unit>
    HS_MSG_BRIEF,               //  brief.<unit>: a lower level's briefing
    HS_MSG_ACT,                 //  act.<unit>: what a person decided on a case
    HS_MSG_ACTION,              //  action.<unit>: a meeting's action item done
    HS_MSG_CALL,                //  call.<unit>: a plenary or office meeting called
    HS_MSG_PROMPT,              //  prompt.<unit>: a work prompt issued to the streets
    HS_MSG_PROMPTSIGN,          //  promptsign.<unit>: a street signed for a work prompt
    HS_MSG_PROPOSAL,            //  proposal.<unit>: a major problem or policy proposal drafted
    HS_MSG_OPINION,             //  opinion.<unit>: a member unit's opinion on one
    HS_MSG_INSPECT,             //  inspect.<unit>: an inspection plan drafted (督查方案)
    HS_MSG_INSPECTPLAN,         //  inspectplan.<unit>: the convener approves or returns it
    HS_MSG_FINDING,             //  finding.<unit>: a unit's inspection result
    HS_MSG_RECTIFIED,           //  rectified.<unit>: a rectification (整改) done
    HS_MSG_COUNT
} hs_msg_kind_t;

//  A message as its handler sees it, through the opening.
typedef struct {
    hs_msg_kind_t kind;
    const char *topic;
    const char *unit;           //  the unit the topic names (= the source)
    const uint8_t *body;        //  the body frame, as it came
    size_t body_size;
    union {
        hs_report_t report;
        hs_update_t update;
        hs_rsvp_t rsvp;
        hs_minutes_t minutes;
        hs_heartbeat_t heartbeat;
        hs_brief_in_t brief;
        hs_case_act_t act;
        hs_action_done_t action;
        hs_call_t call;
        hs_prompt_in_t prompt;
        hs_prompt_sign_t sign;
        hs_proposal_in_t proposal;
        hs_opinion_in_t opinion;
        hs_inspect_in_t inspect;
        hs_inspect_decision_t decision;
        hs_finding_in_t finding;
        hs_rectified_t rectified;
    } as;                       //  decoded, by kind
    //  Set by the handler:
    uint64_t seq;               //  accepted: stored under this seq (0: nothing stored)
    hs_why_t why;               //  refused: why
} hs_msg_t;

//  The kind whose prefix `topic` begins with, or -1.
int hs_kinds_find (const char *topic);

//  A kind's topic prefix ("report."), dedup kind, and whether a message
//  of it says its feeder is alive.
const char *hs_kinds_prefix (hs_msg_kind_t kind);
hs_dedup_t hs_kinds_dedup (hs_msg_kind_t kind);
bool hs_kinds_feeds (hs_msg_kind_t kind);

//  Decode the body `map` of a message of msg->kind into msg->as.
//  Returns 0, or -1 with `why` set.
int hs_kinds_decode (hs_msg_t *msg, const msgpack_object *map, const hs_limits_t *limits,
                     int64_t now, hs_why_t *why);

//  A decoded message's source, id (NULL: it has none) and feeder seq
//  (0: none).
void hs_kinds_common (const hs_msg_t *msg, const char **source, const char **id, int64_t *fseq);

void hs_kinds_test (bool verbose);

#endif
