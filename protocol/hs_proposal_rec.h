/*  =========================================================================
    hs_proposal_rec - the record of a major problem or policy proposal
                      (重大问题及对策建议): its text, the member units'
                      opinions, the meeting that decided it

    Owns the layout of a proposal in the store's `proposals` table: who
    drafted it (the office) and when, its kind (problem | proposal), title
    and text, the cases it concerns, the opinions' due time; per member
    unit asked its opinion (agree | amend, with a note) or where its
    supervision ladder stands (hs_ladder's rung, notices and next notice);
    the meetings called to discuss it; the decision (passed or not, by
    which meeting's minutes) and the seq of what went upward; its one
    timer. Seed §三(一): only a proposal the members were consulted on and
    a meeting passed is reported upward.
    =========================================================================
*/

#ifndef HS_PROPOSAL_REC_H_INCLUDED
#define HS_PROPOSAL_REC_H_INCLUDED

#include "hs_pack.h"

#define HS_PROPOSAL_MAX_MEMBERS     64
#define HS_PROPOSAL_MAX_CASES       16
#define HS_PROPOSAL_MAX_MEETINGS    8
#define HS_PROPOSAL_TITLE_MAX       256
#define HS_PROPOSAL_TEXT_MAX        4096
#define HS_PROPOSAL_NOTE_MAX        1024

//  A member's opinion.
typedef enum {
    HS_OPINION_NONE = 0,                //  not answered (yet)
    HS_OPINION_AGREE,                   //  同意
    HS_OPINION_AMEND                    //  修改意见: with a note
} hs_opinion_t;

//  A proposal's state.
typedef enum {
    HS_PROPOSAL_OPEN = 0,               //  circulated, not decided
    HS_PROPOSAL_PASSED,                 //  a meeting passed it: reported upward
    HS_PROPOSAL_REJECTED                //  a meeting did not pass it: closed, never sent up
} hs_proposal_state_t;

//  One member unit asked for its opinion; until it answers it is chased.
typedef struct {
    char unit [HS_CODE_MAX + 1];
    int opinion;                        //  hs_opinion_t
    char note [HS_PROPOSAL_NOTE_MAX + 1];
    int64_t answered;                   //  when (daemon clock); 0: not yet
    int64_t next;                       //  its next notice; 0: answered or decided
    int rung;                           //  hs_rung_t reached
    int notices;                        //  notices sent
} hs_proposal_member_t;

typedef struct {
    char id [HS_ID_MAX + 1];            //  `<district>-j<seq of the proposal message>`
    char source [HS_CODE_MAX + 1];      //  who drafted it (the office)
    char kind [16];                     //  problem | proposal
    char title [HS_PROPOSAL_TITLE_MAX + 1];
    char text [HS_PROPOSAL_TEXT_MAX + 1];
    char cases [HS_PROPOSAL_MAX_CASES][HS_ID_MAX + 1];
    size_t case_count;
    hs_proposal_member_t members [HS_PROPOSAL_MAX_MEMBERS];
    size_t member_count;
    char meetings [HS_PROPOSAL_MAX_MEETINGS][HS_ID_MAX + 1];   //  called to discuss it
    size_t meeting_count;
    int64_t issued;                     //  handling time of the proposal message
    int64_t due;                        //  the members answer by then
    int state;                          //  hs_proposal_state_t
    char meeting [HS_ID_MAX + 1];       //  decided by this meeting's minutes ("": open)
    uint64_t minutes;                   //  ... the seq of those minutes
    int64_t decided;                    //  when
    uint64_t upward;                    //  passed: the seq of proposal.upward
    int64_t timer_at;                   //  the proposal's one timer (0: none)
} hs_proposal_rec_t;

//  Start a record issued at `issued`, opinions due at `due`. Text is
//  copied (cut to its limit); lists are added with the functions below.
void hs_proposal_rec_init (hs_proposal_rec_t *proposal, const char *id, const char *source,
                           const char *kind, const char *title, size_t title_size,
                           const char *text, size_t text_size, int64_t issued, int64_t due);

//  Ask a member (once, while there is room; its first notice at `due`).
//  Returns 0, or -1 if full.
int hs_proposal_rec_add_member (hs_proposal_rec_t *proposal, const char *unit);

//  Name a case (once, while there is room). Returns 0, or -1 if full.
int hs_proposal_rec_add_case (hs_proposal_rec_t *proposal, const char *case_id);

//  A meeting called to discuss it (once; the oldest forgotten when full).
void hs_proposal_rec_add_meeting (hs_proposal_rec_t *proposal, const char *meeting_id);

//  Is `meeting_id` one of the meetings called to discuss it?
bool hs_proposal_rec_on_agenda (const hs_proposal_rec_t *proposal, const char *meeting_id);

//  The member entry of `unit`, or NULL if it was not asked.
hs_proposal_member_t *hs_proposal_rec_member (hs_proposal_rec_t *proposal, const char *unit);

//  Names: of an opinion ("agree", "amend", NULL for none), of a state
//  ("open", "passed", "rejected"). parse returns the value or -1.
const char *hs_opinion_name (int opinion);
int hs_opinion_parse (const char *name);
const char *hs_proposal_state_name (int state);

//  Encode / decode the stored record. decode returns 0 or -1.
void hs_proposal_rec_encode (const hs_proposal_rec_t *proposal, hs_pack_t *pack);
int hs_proposal_rec_decode (const void *data, size_t size, hs_proposal_rec_t *proposal);

void hs_proposal_rec_test (bool verbose);

#endif
