/*  =========================================================================
    hs_proposal_msg - the messages of a major problem or policy proposal
                      (重大问题及对策建议): what the office and the members
                      send, what the daemon publishes

    Inbound: proposal.<unit> (the office drafts one), opinion.<unit> (a
    member unit agrees or asks for an amendment), and the optional keys
    of call.<unit> (`proposals`: the ids a meeting discusses) and
    minutes.<unit> (`proposals`: [{id, passed}], what it decided).
    Outbound: proposal.circulated, .opinion, .notice, .upward, .closed
    (PROTOCOL.md §3.14, §4.15).
    =========================================================================
*/

#ifndef HS_PROPOSAL_MSG_H_INCLUDED
#define HS_PROPOSAL_MSG_H_INCLUDED

#include "hs_pack.h"
#include "hs_proposal_rec.h"

//  The most proposals one meeting is called to discuss or decides.
#define HS_PROPOSAL_MAX_DECIDED 16

//  A proposal drafted, from a `proposal.<unit>` body: its kind, title,
//  text, maybe the cases it concerns and the opinions' due time. Text and
//  lists are borrowed, checked.
typedef struct {
    char id [HS_ID_MAX + 1];
    char source [HS_CODE_MAX + 1];
    int64_t at;
    char kind [16];                         //  problem | proposal (the default)
    const char *title;                      //  1..256 bytes, not NUL-terminated
    size_t title_size;
    const char *text;                       //  1..4096 bytes, not NUL-terminated
    size_t text_size;
    const msgpack_object *cases;            //  case ids, or NULL
    int64_t due;                            //  after now; 0 when absent (the default)
} hs_proposal_in_t;

int hs_proposal_decode (const msgpack_object *map, const hs_limits_t *limits,
                        int64_t now_ms, hs_proposal_in_t *proposal, hs_why_t *why);

//  A member unit's opinion, from an `opinion.<unit>` body: the proposal,
//  agree or amend, and a note (required for amend).
typedef struct {
    char id [HS_ID_MAX + 1];
    char source [HS_CODE_MAX + 1];
    int64_t at;
    char proposal [HS_ID_MAX + 1];
    int opinion;                            //  hs_opinion_t: agree | amend
    const char *note;                       //  NULL when absent; borrowed
    size_t note_size;                       //  at most HS_PROPOSAL_NOTE_MAX
} hs_opinion_in_t;

int hs_opinion_decode (const msgpack_object *map, const hs_limits_t *limits,
                       int64_t now_ms, hs_opinion_in_t *opinion, hs_why_t *why);

//  The minutes' decisions on proposals: `proposals`, absent or an array
//  of at most HS_PROPOSAL_MAX_DECIDED maps {id: a proposal id, passed:
//  true | false}, no id twice. *list is the array (borrowed) or NULL.
//  Returns 0, or -1 with `why` set.
int hs_proposal_decisions_check (const msgpack_object *map, const msgpack_object **list,
                                 hs_why_t *why);

//  Decision `index` of a checked list: its id (copied) and passed.
void hs_proposal_decision (const msgpack_object *list, uint32_t index, char *id, bool *passed);

//  What is published about a proposal: `proposal.<kind>`, kind one of
//  circulated (to the members: its text, cases, members, due), opinion
//  (a member answered: `member`, its opinion, note, the message's id),
//  notice (a member late: `member`, its rung and count), upward (passed:
//  everything, every member's opinion and who never answered, the
//  meeting and its minutes' seq) and closed (not passed: never sent up).
typedef struct {
    uint64_t seq;
    const hs_proposal_rec_t *proposal;
    const char *kind;
    size_t member;                      //  opinion, notice: the member's index
    const char *update;                 //  opinion: the opinion message's id
    const char *const *to;
    const char *const *reasons;         //  notice; or NULL
    int64_t at;
} hs_proposal_out_t;

int hs_proposal_out_encode (const hs_proposal_out_t *out, hs_pack_t *pack);

void hs_proposal_msg_test (bool verbose);

#endif
