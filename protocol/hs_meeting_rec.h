/*  =========================================================================
    hs_meeting_rec - the meeting record: who was invited, who answered

    Owns the layout of a meeting in the store's `meetings` table: who was
    invited (participants and chairs), who answered what, the deadline,
    and whether it was held, and the quorum rule over those answers: one
    of the chairs, the lead unit, and at least a share of the invited.
    =========================================================================
*/

#ifndef HS_MEETING_REC_H_INCLUDED
#define HS_MEETING_REC_H_INCLUDED

#include "hs_pack.h"
#include "hs_bin.h"

#define HS_MEETING_MAX_INVITED  64
#define HS_MEETING_MAX_CHAIRS   4
#define HS_MEETING_MAX_CASES    16
#define HS_MEETING_MAX_ACTIONS  16
#define HS_ACTION_TEXT_MAX      1024

//  An action item (督办事项) a meeting's minutes decided: an owner unit
//  does it by a due time and reports it done; until then it is chased like
//  any clock (催办 at due, 督办 at twice the time, 通报 at three times).
typedef struct {
    char owner [HS_CODE_MAX + 1];
    char text [HS_ACTION_TEXT_MAX + 1];
    char case_id [HS_ID_MAX + 1];       //  the case it is about, or "" (a topic)
    int64_t start;                      //  decided at (daemon clock)
    int64_t due;                        //  due by
    int64_t next;                       //  its next notice; 0: done
    int rung;                           //  hs_rung_t reached
    int notices;                        //  notices sent
    int64_t done;                       //  reported done at; 0: not yet
} hs_action_item_t;

typedef struct {
    char id [HS_ID_MAX + 1];
    char kind [16];                             //  special | plenary
    int level;                                  //  -1 for a plenary
    char cases [HS_MEETING_MAX_CASES][HS_ID_MAX + 1];
    size_t case_count;
    char street [HS_CODE_MAX + 1];              //  the first case's street, or ""
    char invited [HS_MEETING_MAX_INVITED][HS_CODE_MAX + 1];
    char answers [HS_MEETING_MAX_INVITED];      //  0 none, 'a' attend, 'd' decline
    size_t invited_count;
    char chairs [HS_MEETING_MAX_CHAIRS][HS_CODE_MAX + 1];
    char chair_answers [HS_MEETING_MAX_CHAIRS];
    size_t chair_count;
    char urgency [16];
    int64_t requested;                          //  when it was requested
    int64_t deadline;                           //  meet before
    bool held;                                  //  minutes recorded
    bool reminded;                              //  the quorum check has run
    char superseded_by [HS_ID_MAX + 1];         //  closed for a later request, or ""
    hs_action_item_t actions [HS_MEETING_MAX_ACTIONS];  //  item n is `<id>-a<n+1>`
    size_t action_count;
    int64_t timer_at;                           //  the action items' one timer (0: none)
} hs_meeting_rec_t;

//  An action item's id, `<meeting>-a<n>`, for its index; and back: the
//  meeting id and the index. Return 0, or -1 if it is not an item id.
int hs_action_item_id (const hs_meeting_rec_t *meeting, size_t index, char *id, size_t size);
int hs_action_item_parse (const char *id, char *meeting_id, size_t size, size_t *index);

//  Start a record. Lists are NULL-terminated and copied.
void hs_meeting_rec_init (hs_meeting_rec_t *meeting, const char *id, const char *kind, int level,
                          const char *case_id, const char *street, const char *const *invited,
                          const char *const *chairs, const char *urgency, int64_t requested,
                          int64_t deadline);

//  Invite one more unit (if not invited yet and there is room).
void hs_meeting_rec_invite (hs_meeting_rec_t *meeting, const char *unit);

//  Record an answer. Returns 0, or -1 if the unit was not invited.
int hs_meeting_rec_answer (hs_meeting_rec_t *meeting, const char *unit, bool attend);

//  True if the answers so far make a quorum: a chair and `lead` attend,
//  and at least `percent` of the invited.
bool hs_meeting_rec_quorum (const hs_meeting_rec_t *meeting, const char *lead, int percent);

//  Invited units and chairs that have not answered, NULL-terminated into
//  `list` (HS_MEETING_MAX_INVITED + HS_MEETING_MAX_CHAIRS + 1 pointers,
//  borrowed from the record).
void hs_meeting_rec_unanswered (const hs_meeting_rec_t *meeting, const char **list);

//  Add a case the meeting covered (from its minutes), once.
void hs_meeting_rec_add_case (hs_meeting_rec_t *meeting, const char *case_id);

//  Encode / decode the stored record (compact, since store format 7).
//  decode also reads the map a store before format 7 kept; it returns 0,
//  or -1 if the bytes are not a whole record.
void hs_meeting_rec_encode (const hs_meeting_rec_t *meeting, hs_pack_t *pack);
int hs_meeting_rec_decode (const void *data, size_t size, hs_meeting_rec_t *meeting);

//  The record as the api shows it (and as stores before format 7 kept
//  it): a map of every field by name (PROTOCOL §7, `meetings`).
void hs_meeting_rec_encode_map (const hs_meeting_rec_t *meeting, hs_pack_t *pack);

void hs_meeting_rec_test (bool verbose);

#endif
