/*  =========================================================================
    hs_inspection_msg - the wire of inspection (督查): the plan drafted,
                        the convener's decision, a unit's result, a
                        rectification done, and what the daemon says of them

    Inbound (PROTOCOL.md §3.15): `inspect.<unit>` (a plan drafted, or a
    returned one revised), `inspectplan.<unit>` (the convener approves or
    returns it), `finding.<unit>` (a unit's result with the
    rectifications it asks), `rectified.<unit>` (a rectification done).
    Each decoder checks every field's presence, type and range; a
    failure names the field. Outbound (§4.17): `inspection.<kind>`.
    =========================================================================
*/

#ifndef HS_INSPECTION_MSG_H_INCLUDED
#define HS_INSPECTION_MSG_H_INCLUDED

#include "hs_inbound.h"
#include "hs_inspection_rec.h"

#define HS_FINDING_MAX_RECTIFY  16      //  rectifications one result asks

//  An inspection plan drafted (督查方案), from an `inspect.<unit>` body:
//  a title, the units and streets inspected, the items checked, its
//  dates, maybe the returned plan it revises. Text and lists borrowed.
typedef struct {
    char id [HS_ID_MAX + 1];
    char source [HS_CODE_MAX + 1];
    int64_t at;
    const char *title;                      //  1..256 bytes, not NUL-terminated
    size_t title_size;
    const msgpack_object *units;            //  1..32 unit codes or short names
    const msgpack_object *items;            //  1..16 texts of 1..1024 bytes
    int64_t start, end;                     //  end after start
    char plan [HS_ID_MAX + 1];              //  the returned plan it revises, or ""
} hs_inspect_in_t;

int hs_inspect_decode (const msgpack_object *map, const hs_limits_t *limits,
                       int64_t now_ms, hs_inspect_in_t *inspect, hs_why_t *why);

//  The convener's decision on a plan, from an `inspectplan.<unit>` body:
//  approve, or return with a note (required).
typedef struct {
    char id [HS_ID_MAX + 1];
    char source [HS_CODE_MAX + 1];
    int64_t at;
    char plan [HS_ID_MAX + 1];
    bool approve;                           //  approve, or return
    const char *note;                       //  NULL when absent; borrowed
    size_t note_size;
} hs_inspect_decision_t;

int hs_inspect_decision_decode (const msgpack_object *map, const hs_limits_t *limits,
                                int64_t now_ms, hs_inspect_decision_t *decision,
                                hs_why_t *why);

//  A unit's result (督查结果), from a `finding.<unit>` body: the plan, the
//  unit inspected, the findings, and the rectifications it asks: maps
//  {owner, text, due}, checked (due after now).
typedef struct {
    char id [HS_ID_MAX + 1];
    char source [HS_CODE_MAX + 1];
    int64_t at;
    char plan [HS_ID_MAX + 1];
    char unit [HS_CODE_MAX + 1];            //  a code or short name
    const char *findings;                   //  1..4096 bytes, not NUL-terminated
    size_t findings_size;
    const msgpack_object *rectify;          //  0..16 maps, or NULL
} hs_finding_in_t;

int hs_finding_decode (const msgpack_object *map, const hs_limits_t *limits,
                       int64_t now_ms, hs_finding_in_t *finding, hs_why_t *why);

//  A rectification reported done (整改完成), from a `rectified.<unit>`
//  body: `item` is `<plan>-r<n>`, with maybe a note.
typedef hs_answer_t hs_rectified_t;

int hs_rectified_decode (const msgpack_object *map, const hs_limits_t *limits,
                         int64_t now_ms, hs_rectified_t *done, hs_why_t *why);

//  Encode a plan's and a result's bodies, as a client sends them (tests):
//  lists NULL-terminated; `plan` of a plan NULL unless it revises one.
//  Returns 0.
int hs_inspect_encode (const char *id, const char *source, int64_t at, const char *title,
                       const char *const *units, const char *const *items, int64_t start,
                       int64_t end, const char *plan, hs_pack_t *pack);
int hs_finding_encode (const char *id, const char *source, int64_t at, const char *plan,
                       const char *unit, const char *findings, const hs_rectify_t *rectify,
                       size_t count, hs_pack_t *pack);

//  What is said of a plan (`inspection.<kind>`): plan (drafted), approved,
//  returned, result (unit `unit`'s), notice (rectification `item` late),
//  rectified (`item` done), complete, reminder (a plan not decided).
typedef struct {
    uint64_t seq;
    const hs_inspection_rec_t *plan;
    const char *kind;
    size_t unit;                            //  result: the unit's index
    size_t item;                            //  notice, rectified: the rectification's index
    const char *note;                       //  rectified: not NUL-terminated, or NULL
    size_t note_size;
    const char *update;                     //  the message's id (result, rectified), or NULL
    const char *const *to;
    const char *const *reasons;             //  notice
    int64_t at;
} hs_inspection_out_t;

int hs_inspection_out_encode (const hs_inspection_out_t *out, hs_pack_t *pack);

void hs_inspection_msg_test (bool verbose);

#endif
