/*  =========================================================================
    hs_handler - a routed unit's handling of a case (办理), as the case
                 record keeps it

    Every agency or street a case is routed to handles it: it signs for it
    (签收) or returns it (退单), reports progress, and finally its part is
    done; one of them leads (主办), the others assist (协办). Each has
    its own clocks (sign-off, progress, resolution), and each clock its
    own supervision ladder: 催办 (remind), 督办 (supervise), 通报
    (circulate). This class owns the handler's layout inside the case
    record (protocol/hs_case) and its names on the wire; what happens to
    a handler, and when, is daemon/hs_handling's.
    =========================================================================
*/

#ifndef HS_HANDLER_H_INCLUDED
#define HS_HANDLER_H_INCLUDED

#include "hs_pack.h"
#include "hs_bin.h"

#define HS_CASE_MAX_HANDLERS 24

typedef enum {
    HS_CLOCK_SIGN = 0,          //  签收: sign for it (every handler, while routed)
    HS_CLOCK_PROGRESS,          //  进展: report progress (the lead)
    HS_CLOCK_RESOLVE,           //  办结: finish (every handler)
    HS_CLOCK_COUNT
} hs_clock_kind_t;

typedef enum {
    HS_RUNG_NONE = 0,
    HS_RUNG_REMIND,             //  催办: past the due time, the unit is reminded
    HS_RUNG_SUPERVISE,          //  督办: past twice, the office supervises
    HS_RUNG_CIRCULATE,          //  通报: past three times, named to all members
    HS_RUNG_COUNT
} hs_rung_t;

typedef enum {
    HS_HANDLER_ROUTED = 0,      //  派单: sent to it, not signed for yet
    HS_HANDLER_SIGNED,          //  签收: it has taken the case on
    HS_HANDLER_DONE,            //  its part is done (the lead: the case resolved)
    HS_HANDLER_RETURNED,        //  退单: it said the case is not its own
    HS_HANDLER_REMOVED,         //  the office took it off the case
    HS_HANDLER_STATE_COUNT
} hs_handler_state_t;

//  One clock of one handler. A clock runs while `next` is not 0.
typedef struct {
    int64_t start;              //  when it (last) started
    int64_t due;                //  once due (start + the due time, working days)
    int64_t next;               //  when its next notice is due; 0: stopped
    int rung;                   //  the last rung reached (hs_rung_t)
    int notices;                //  notices sent since it started
} hs_duty_clock_t;

typedef struct {
    char unit [HS_CODE_MAX + 1];
    bool lead;                  //  主办; else 协办
    int state;                  //  hs_handler_state_t
    int64_t routed;             //  when it was routed (or re-routed)
    int64_t signed_at;          //  when it signed, 0 if not yet
    int64_t progress;           //  its latest progress, 0 if none
    int64_t done;               //  when its part was done, 0 if not yet
    hs_duty_clock_t clocks [HS_CLOCK_COUNT];
} hs_handler_t;

//  Wire names (static strings; NULL when out of range) and their parsers
//  (-1 when unknown).
const char *hs_clock_name (int clock);
const char *hs_clock_zh (int clock);
const char *hs_rung_name (int rung);
const char *hs_rung_zh (int rung);
const char *hs_handler_state_name (int state);
int hs_clock_parse (const char *name);
int hs_rung_parse (const char *name);
int hs_handler_state_parse (const char *name);

//  True while the handler is on the case (not returned, not removed).
bool hs_handler_active (const hs_handler_t *handler);

//  Encode `count` handlers as an array of maps; decode such an array
//  (NULL or not an array: none). decode returns the number read.
void hs_handlers_encode (const hs_handler_t *handlers, size_t count, hs_pack_t *pack);
size_t hs_handlers_decode (const msgpack_object *array, hs_handler_t *handlers, size_t max);

//  The compact form the stored case record keeps (protocol/hs_case_rec,
//  layout 4, store format 7): the count, then per handler its unit as its
//  place in the case's `units` plus one (0: its name follows), (state << 1
//  | lead), and a mask of the fields that differ from the handler before
//  it (for the first, from all 0), then only those: the four times, and
//  per clock start, due, next and (notices << 2 | rung). Handlers routed
//  together share their times, so each after the first takes three bytes.
//  Times go through `base` (hs_case_rec's: 0 stays 0, others relative to
//  the case's opening). get returns the number read (the reader turns bad
//  past `max` or on a damaged field). get_v3 reads the layout before
//  (every field of every handler, the unit by name), which records of a
//  store before format 7 keep.
void hs_handlers_put (const hs_handler_t *handlers, size_t count, int64_t base,
                      const char (*units)[HS_CODE_MAX + 1], size_t unit_count,
                      hs_bin_writer_t *writer);
size_t hs_handlers_get (hs_bin_reader_t *reader, int64_t base,
                        const char (*units)[HS_CODE_MAX + 1], size_t unit_count,
                        hs_handler_t *handlers, size_t max);
size_t hs_handlers_get_v3 (hs_bin_reader_t *reader, int64_t base, hs_handler_t *handlers,
                           size_t max);

//  A time relative to `base`, as the compact records write it: 0 (none)
//  as 0, any other as its zigzagged distance from base, plus one.
void hs_bin_put_time (hs_bin_writer_t *writer, int64_t base, int64_t value);
int64_t hs_bin_get_time (hs_bin_reader_t *reader, int64_t base);

void hs_handler_test (bool verbose);

#endif
