/*  =========================================================================
    hs_inbound - what feeders send: reports, updates, answers, minutes,
                 heartbeats and briefings from below

    The decoders take a map that hs_proto_unpack_map let through and check
    every field's presence, type and range; a failure names the field in
    `why`. The encoders write the same bodies (clients, tests, the bench).
    =========================================================================
*/

#ifndef HS_INBOUND_H_INCLUDED
#define HS_INBOUND_H_INCLUDED

#include "hs_pack.h"

//  A dispute report, as decoded and validated from a `report.<unit>` body.
//  Text fields are copies; `summary` is borrowed from the unpacked body.
typedef struct {
    char id [HS_ID_MAX + 1];
    char source [HS_CODE_MAX + 1];
    int64_t at;
    char street [HS_CODE_MAX + 1];          //  "" when absent on the wire
    char enterprise [HS_NAME_MAX + 1];
    char credit_code [HS_CREDIT_CODE_LEN + 1]; //  "" when absent
    int ownership;                          //  -1 when absent
    char sector [HS_SECTOR_MAX + 1];        //  "" when absent
    int category;
    int64_t workers;
    int64_t amount;                         //  -1 when absent
    uint32_t flags;                         //  bit (1 << hs_flag_t)
    const char *summary;                    //  NULL when absent; not NUL-terminated
    size_t summary_size;
    int64_t fseq;                           //  the feeder's own sequence number, 0 if absent
} hs_report_t;

//  A unit's progress on a case, from an `update.<unit>` body.
typedef struct {
    char id [HS_ID_MAX + 1];
    char source [HS_CODE_MAX + 1];
    int64_t at;
    char case_id [HS_ID_MAX + 1];
    int status;
    const char *note;                       //  NULL when absent; borrowed
    size_t note_size;
    int64_t workers;                        //  a new head count, 0 when absent
    int64_t amount;                         //  a new amount, -1 when absent
    uint32_t flags;                         //  flags it adds
    int64_t fseq;                           //  the feeder's own sequence number, 0 if absent
    char person [HS_PERSON_MAX + 1];        //  who in the unit did it, "" when absent
} hs_update_t;

//  A feeder's sign of life, from a `heartbeat.<unit>` body: it is there,
//  and (optionally) the last `fseq` it sent.
typedef struct {
    char source [HS_CODE_MAX + 1];
    int64_t at;
    int64_t fseq;                           //  0 if absent
} hs_heartbeat_t;

int hs_heartbeat_decode (const msgpack_object *map, const hs_limits_t *limits,
                         int64_t now_ms, hs_heartbeat_t *heartbeat, hs_why_t *why);

//  A lower daemon's briefing, forwarded (brief.<unit>): v, id, source, at,
//  and `brief`, the briefing's body as the lower daemon published it.
typedef struct {
    char id [HS_ID_MAX + 1];
    char source [HS_CODE_MAX + 1];
    int64_t at;
    const msgpack_object *brief;            //  a map, borrowed
    int64_t fseq;                           //  0 if absent
} hs_brief_in_t;

int hs_brief_in_decode (const msgpack_object *map, const hs_limits_t *limits,
                        int64_t now_ms, hs_brief_in_t *brief, hs_why_t *why);

//  An answer to a meeting request, from an `rsvp.<unit>` body.
typedef struct {
    char id [HS_ID_MAX + 1];
    char source [HS_CODE_MAX + 1];
    int64_t at;
    char meeting_id [HS_ID_MAX + 1];
    bool attend;                            //  attend, or decline
    const char *note;                       //  NULL when absent; borrowed
    size_t note_size;
} hs_rsvp_t;

//  The record of a meeting held, from a `minutes.office` body. The lists
//  are borrowed msgpack arrays of strings (checked), NULL when absent.
#define HS_MINUTES_MAX_ITEMS 64
typedef struct {
    char id [HS_ID_MAX + 1];
    char source [HS_CODE_MAX + 1];
    int64_t at;
    char meeting_id [HS_ID_MAX + 1];
    const msgpack_object *decisions;        //  free text, each <= HS_NOTE_MAX
    const msgpack_object *followup;         //  unit codes
    const msgpack_object *cases;            //  case ids
    const msgpack_object *actions;          //  action items: maps {owner, text, due, case}, checked
    const msgpack_object *proposals;        //  proposals decided: maps {id, passed}, checked
    const char *note;
    size_t note_size;
} hs_minutes_t;

int hs_rsvp_decode (const msgpack_object *map, const hs_limits_t *limits,
                    int64_t now_ms, hs_rsvp_t *rsvp, hs_why_t *why);
int hs_minutes_decode (const msgpack_object *map, const hs_limits_t *limits,
                       int64_t now_ms, hs_minutes_t *minutes, hs_why_t *why);

//  A meeting called (a plenary by the convener, an office meeting by the
//  office), from a `call.<unit>` body. Lists are borrowed, checked.
#define HS_CALL_PLACE_MAX   256
#define HS_CALL_AGENDA_MAX  16
typedef struct {
    char id [HS_ID_MAX + 1];
    char source [HS_CODE_MAX + 1];
    int64_t at;
    char kind [16];                         //  plenary | office
    int64_t time;                           //  when it meets (daemon clock)
    const char *place;                      //  borrowed, not NUL-terminated
    size_t place_size;
    const msgpack_object *agenda;           //  1..16 texts
    const msgpack_object *cases;            //  case ids, or NULL
    const msgpack_object *proposals;        //  proposal ids it discusses, or NULL
} hs_call_t;

int hs_call_decode (const msgpack_object *map, const hs_limits_t *limits,
                    int64_t now_ms, hs_call_t *call, hs_why_t *why);

//  An agenda as a call carries it (an array of texts), from a
//  NULL-terminated list: what a regular meeting's plan gives.
void hs_call_agenda_encode (const char *const *items, hs_pack_t *pack);

//  A unit answers for one thing by its id, with maybe a note: an action
//  item reported done by its owner (`action.<unit>`, `item`), a work
//  prompt signed for by a street (`promptsign.<unit>`, `prompt`).
typedef struct {
    char id [HS_ID_MAX + 1];
    char source [HS_CODE_MAX + 1];
    int64_t at;
    char item [HS_ID_MAX + 1];              //  `<meeting>-a<n>`, `<district>-p<n>`
    const char *note;                       //  NULL when absent; borrowed
    size_t note_size;
} hs_answer_t;

typedef hs_answer_t hs_action_done_t;

int hs_action_done_decode (const msgpack_object *map, const hs_limits_t *limits,
                           int64_t now_ms, hs_action_done_t *done, hs_why_t *why);

//  A work prompt (工作提示) issued, from a `prompt.<unit>` body: a title,
//  the guidance (指导意见), the streets it goes to, maybe the cases it is
//  about and a due time. Text and lists are borrowed, checked.
typedef struct {
    char id [HS_ID_MAX + 1];
    char source [HS_CODE_MAX + 1];
    int64_t at;
    const char *title;                      //  1..256 bytes, not NUL-terminated
    size_t title_size;
    const char *guidance;                   //  1..4096 bytes, not NUL-terminated
    size_t guidance_size;
    const msgpack_object *streets;          //  street codes or short names; NULL: all
    const msgpack_object *cases;            //  case ids, or NULL
    int64_t due;                            //  after now; 0 when absent (the default)
} hs_prompt_in_t;

int hs_prompt_decode (const msgpack_object *map, const hs_limits_t *limits,
                      int64_t now_ms, hs_prompt_in_t *prompt, hs_why_t *why);

//  A street signs for a work prompt (签收), from a `promptsign.<unit>`
//  body: `item` is the prompt.
typedef hs_answer_t hs_prompt_sign_t;

int hs_prompt_sign_decode (const msgpack_object *map, const hs_limits_t *limits,
                           int64_t now_ms, hs_prompt_sign_t *sign, hs_why_t *why);

//  Decode and validate a report body (a map from hs_proto_unpack_map).
//  `now_ms` bounds `at` from above. Returns 0, or -1 with `why` set.
int hs_report_decode (const msgpack_object *map, const hs_limits_t *limits,
                      int64_t now_ms, hs_report_t *report, hs_why_t *why);

//  Decode and validate an update body. Returns 0, or -1 with `why` set.
int hs_update_decode (const msgpack_object *map, const hs_limits_t *limits,
                      int64_t now_ms, hs_update_t *update, hs_why_t *why);

//  True if `code` is an 18-character unified social credit code whose
//  check digit is right under GB 32100-2015.
bool hs_credit_code_valid (const char *code);


//  Encode a report body (as a feeder sends it). Returns 0.
int hs_report_encode (const hs_report_t *report, hs_pack_t *pack);

//  Encode an update body. Returns 0.
int hs_update_encode (const hs_update_t *update, hs_pack_t *pack);


void hs_inbound_test (bool verbose);

#endif
