/*  =========================================================================
    hs_act - what a person of the mechanism decides on a case: `act.<unit>`

    The office reviews and closes a case its lead resolved, or sends it
    back; a street or the union asks the workers afterwards (回访); the
    office or the convener re-grades it; the office merges two cases about
    one dispute, splits a report off, mutes a case's reminders, re-routes
    it or insists on a return. One body for all, `act` naming which; the
    decoder checks every field the act needs (SPEC §3, PROTOCOL §3.12).
    =========================================================================
*/

#ifndef HS_ACT_H_INCLUDED
#define HS_ACT_H_INCLUDED

#include "hs_pack.h"

typedef enum {
    HS_CASE_ACT_CLOSE = 0,          //  审核办结
    HS_CASE_ACT_REJECT_CLOSURE,     //  退回: not done yet
    HS_CASE_ACT_FOLLOWUP,           //  回访: satisfied or not
    HS_CASE_ACT_REGRADE,            //  a level, up or down
    HS_CASE_ACT_MERGE,              //  into another case
    HS_CASE_ACT_SPLIT,              //  a report off into its own case
    HS_CASE_ACT_MUTE,               //  reminders held until a time
    HS_CASE_ACT_UNMUTE,
    HS_CASE_ACT_REROUTE,            //  units added, removed, the lead set
    HS_CASE_ACT_INSIST,             //  a returned unit keeps the case
    HS_CASE_ACT_COUNT
} hs_case_act_kind_t;

#define HS_ACT_MAX_UNITS 16

typedef struct {
    char id [HS_ID_MAX + 1];
    char source [HS_CODE_MAX + 1];
    int64_t at;
    char case_id [HS_ID_MAX + 1];
    int act;                                //  hs_case_act_kind_t
    const char *reason;                     //  borrowed; NULL when absent
    size_t reason_size;
    const char *note;                       //  borrowed; NULL when absent
    size_t note_size;
    int level;                              //  regrade
    char into [HS_ID_MAX + 1];              //  merge
    int64_t report;                         //  split: the seq of the report
    int64_t until;                          //  mute: daemon clock, ms
    int satisfied;                          //  followup: 1 or 0 (-1 absent)
    char unit [HS_CODE_MAX + 1];            //  insist
    char lead [HS_CODE_MAX + 1];            //  reroute, "" when absent
    char add [HS_ACT_MAX_UNITS][HS_CODE_MAX + 1];
    size_t add_count;
    char remove [HS_ACT_MAX_UNITS][HS_CODE_MAX + 1];
    size_t remove_count;
    int64_t fseq;                           //  0 if absent
    char person [HS_PERSON_MAX + 1];        //  who in the unit did it, "" when absent
} hs_case_act_t;

const char *hs_case_act_name (int act);
int hs_case_act_parse (const char *name);

//  Decode and validate an act body (a map from hs_proto_unpack_map).
//  Returns 0, or -1 with `why` set.
int hs_case_act_decode (const msgpack_object *map, const hs_limits_t *limits, int64_t now_ms,
                        hs_case_act_t *act, hs_why_t *why);

//  Encode an act body (as a client sends it). Returns 0.
int hs_case_act_encode (const hs_case_act_t *act, hs_pack_t *pack);

void hs_act_test (bool verbose);

#endif
