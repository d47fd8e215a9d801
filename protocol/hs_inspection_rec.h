/*  =========================================================================
    hs_inspection_rec - the inspection plan record (督查方案): what is
                        inspected, the convener's decision, the results
                        per unit and the rectifications (整改) they ask

    Owns the layout of a plan in the store's `inspections` table: its
    title, who drafted it and when, the units and streets inspected, the
    items checked, its dates; its state (drafted, returned, revised,
    approved, complete) with the convener's decision and note; per unit
    inspected its findings once recorded; and each rectification, with
    its owner, due date and where its supervision ladder stands
    (hs_ladder's rung, notices and next notice), and the plan's one timer.
    =========================================================================
*/

#ifndef HS_INSPECTION_REC_H_INCLUDED
#define HS_INSPECTION_REC_H_INCLUDED

#include "hs_pack.h"

#define HS_INSPECTION_MAX_UNITS     32
#define HS_INSPECTION_MAX_ITEMS     16
#define HS_INSPECTION_MAX_RECTIFY   32      //  over the whole plan
#define HS_INSPECTION_TITLE_MAX     256
#define HS_INSPECTION_ITEM_MAX      1024    //  an item checked, a rectification's text

//  Where a plan stands.
typedef enum {
    HS_INSPECTION_DRAFTED = 0,          //  the office drafted it: the convener decides
    HS_INSPECTION_RETURNED,             //  the convener returned it (with a note)
    HS_INSPECTION_REVISED,              //  a returned plan a later one revised
    HS_INSPECTION_APPROVED,             //  the convener approved it: it is carried out
    HS_INSPECTION_COMPLETE,             //  every unit's result in, every rectification done
    HS_INSPECTION_STATES
} hs_inspection_state_t;

//  A unit or street inspected, and its result once recorded.
typedef struct {
    char unit [HS_CODE_MAX + 1];
    int64_t found_at;                   //  when its result was recorded; 0: not yet
    uint64_t seq;                       //  ... the finding message's seq
    char findings [HS_NOTE_MAX + 1];
} hs_inspection_unit_t;

//  A rectification (整改) a result asks of an owner by a due date.
typedef struct {
    char id [HS_ID_MAX + 1];            //  `<plan>-r<n>`
    char unit [HS_CODE_MAX + 1];        //  the unit whose result asked for it
    char owner [HS_CODE_MAX + 1];       //  who rectifies
    char text [HS_INSPECTION_ITEM_MAX + 1];
    int64_t set;                        //  when the result was recorded
    int64_t due;
    int64_t done_at;                    //  when its owner reported it done; 0: not yet
    int64_t next;                       //  its next notice; 0: done
    int rung;                           //  hs_rung_t reached
    int notices;                        //  notices sent
} hs_rectify_t;

typedef struct {
    char id [HS_ID_MAX + 1];            //  `<district>-i<seq of the plan message>`
    char source [HS_CODE_MAX + 1];      //  who drafted it (the office)
    char title [HS_INSPECTION_TITLE_MAX + 1];
    char items [HS_INSPECTION_MAX_ITEMS][HS_INSPECTION_ITEM_MAX + 1];
    size_t item_count;
    hs_inspection_unit_t units [HS_INSPECTION_MAX_UNITS];
    size_t unit_count;
    int64_t start, end;                 //  the inspection's dates
    int64_t drafted;                    //  handling time of the plan message
    int state;                          //  hs_inspection_state_t
    char decider [HS_CODE_MAX + 1];     //  who approved or returned it
    int64_t decided_at;
    int64_t decide_next;                //  drafted: when the convener is reminded next; 0: none
    int reminders;                      //  ... reminders sent
    char note [HS_NOTE_MAX + 1];        //  the decision's note
    char revises [HS_ID_MAX + 1];       //  the returned plan this one revises, or ""
    char revised_by [HS_ID_MAX + 1];    //  revised: the plan that replaced it
    hs_rectify_t rectify [HS_INSPECTION_MAX_RECTIFY];
    size_t rectify_count;
    int64_t timer_at;                   //  the plan's one timer (0: none)
} hs_inspection_rec_t;

//  A state's name (drafted, returned, revised, approved, complete), and
//  back (-1: none).
const char *hs_inspection_state_name (int state);
int hs_inspection_state_parse (const char *name);

//  Start a drafted record. Text is copied (cut to its limit); units and
//  items are added with the functions below.
void hs_inspection_rec_init (hs_inspection_rec_t *plan, const char *id, const char *source,
                             const char *title, size_t title_size, int64_t start, int64_t end,
                             int64_t drafted);

//  Name a unit inspected (once, while there is room). Returns 0, or -1 if full.
int hs_inspection_rec_add_unit (hs_inspection_rec_t *plan, const char *unit);

//  Add an item checked (copied, cut). Returns 0, or -1 if full.
int hs_inspection_rec_add_item (hs_inspection_rec_t *plan, const char *text, size_t size);

//  The entry of a unit inspected, or NULL.
hs_inspection_unit_t *hs_inspection_rec_unit (hs_inspection_rec_t *plan, const char *unit);

//  Add a rectification asked by `unit`'s result, set at `set`, its ladder
//  from there; its id is `<plan>-r<n>`. Returns it, or NULL if full.
hs_rectify_t *hs_inspection_rec_add_rectify (hs_inspection_rec_t *plan, const char *unit,
                                             const char *owner, const char *text,
                                             size_t size, int64_t set, int64_t due);

//  The rectification of that id, or NULL.
hs_rectify_t *hs_inspection_rec_rectify (hs_inspection_rec_t *plan, const char *id);

//  The plan a rectification id belongs to (`<plan>-r<n>` without -r<n>)
//  into `plan_id`. Returns 0, or -1 if it is not such an id.
int hs_inspection_rec_plan_of (const char *rectify_id, char *plan_id, size_t size);

//  Every unit's result in and every rectification done?
bool hs_inspection_rec_finished (const hs_inspection_rec_t *plan);

//  Encode / decode the stored record. decode returns 0 or -1.
void hs_inspection_rec_encode (const hs_inspection_rec_t *plan, hs_pack_t *pack);
int hs_inspection_rec_decode (const void *data, size_t size, hs_inspection_rec_t *plan);

void hs_inspection_rec_test (bool verbose);

#endif
