/*  =========================================================================
    hs_reply - what the api and the acknowledged-submit socket answer
               (and the simplest questions put to the api)

    An api reply is two frames, "ok" or "error" and a body map. An error's
    body is {v, error: detail, code}. The submit socket answers "ok" (with
    the seq the message is stored under), "duplicate" (with the original's
    seq), "rejected" (reason, detail: final) or "error" (send it again).
    The submit reply's decoder is shared by every client and by the
    district's forwarder, which speaks to its city the same way.
    =========================================================================
*/

#ifndef HS_REPLY_H_INCLUDED
#define HS_REPLY_H_INCLUDED

#include "hs_pack.h"

//  An api request's arguments: a map of string keys and string values,
//  given as pairs ending with NULL. Returns 0.
int hs_request_encode (hs_pack_t *pack, ...);

//  A `cases` request: the filters (NULL, -1 or 0: any), how many at most
//  (0: the default), and where a page starts (0: the newest case).
typedef struct {
    const char *level, *street, *unit, *status;
    int overdue;                //  -1 any, 0 not overdue, 1 overdue
    int64_t since, until;       //  opened within, Unix ms (0: open ended)
    int64_t limit;
    uint64_t before;            //  a previous answer's `next`
} hs_cases_request_t;

int hs_cases_request_encode (hs_pack_t *pack, const hs_cases_request_t *request);

//  A `replay` request: published events from seq `since`, at most `limit`
//  (0: the default).
int hs_replay_request_encode (hs_pack_t *pack, uint64_t since, int64_t limit);

//  A `case` request: the case, and the seq its history goes on from (a
//  previous answer's `next`; 0: from the start).
int hs_case_request_encode (hs_pack_t *pack, const char *case_id, uint64_t from);

//  An error reply's body.
int hs_reply_error (hs_pack_t *pack, const char *code, const char *detail);

//  ---------------------------------------------------------------------
//  Acknowledged submit

typedef enum {
    HS_SUBMIT_ERROR = 0,        //  not stored: send it again (same id)
    HS_SUBMIT_OK,               //  stored under seq
    HS_SUBMIT_DUPLICATE,        //  seen before: stored under seq
    HS_SUBMIT_REJECTED          //  refused for good: reason, detail
} hs_submit_status_t;

typedef struct {
    hs_submit_status_t status;
    uint64_t seq;               //  ok, duplicate
    char reason [HS_CODE_MAX + 1];  //  rejected, error
    char detail [160];
} hs_submit_reply_t;

//  The status frame's text ("ok", "duplicate", "rejected", "error").
const char *hs_submit_status_name (hs_submit_status_t status);

//  The reply's body. Returns 0.
int hs_submit_reply_encode (const hs_submit_reply_t *reply, hs_pack_t *pack);

//  Read a reply from its status frame and body. Returns 0, or -1 if it is
//  not a submit reply (an unknown status, a body that is not a map).
int hs_submit_reply_decode (const char *status, const void *body, size_t size,
                            hs_submit_reply_t *reply);

//  ---------------------------------------------------------------------
//  The api's answers

//  Counters the daemon keeps, as `health` shows them.
typedef struct {
    uint64_t received, reports, updates, rsvps, minutes, duplicates, rejected, lost;
    uint64_t cases_opened, escalated, resolved, acts, alerts, overdue, meetings, reminders;
    uint64_t escalations, warnings, briefs, timers, heartbeats, spoofing;
    uint64_t deadletters_dropped, deadletters_skipped;
    uint64_t published, publish_overflows, subscriptions, batches, batch_last, batch_largest;
    int64_t commit_us_last, commit_us_max;
    uint64_t next_seq;
    //  The api's own, and the descriptor table's (counted on their threads).
    uint64_t api_dropped;       //  replies dropped: the peer did not read (api_hwm)
    uint64_t api_revoked;       //  requests refused: the connection's certificate is gone
    uint64_t connections_refused;   //  connections closed at once: descriptors used up
    //  The publish socket's peers (hs_subscribers)
    uint64_t subscriptions_refused, subscribers_cut, subscribers;
} hs_health_counters_t;

//  The store, as `health` shows it.
typedef struct {
    const char *path;
    uint64_t events, dedup, cases, open_cases, index_keys, deadletters;
    int64_t map_size, map_used;
    bool full;
    const char *check;          //  the start's check (hs_check_start_state): off | none |
                                //  checking | sound | damaged | unchecked | newer
} hs_health_store_t;

//  A feeder, as `health` shows it.
typedef struct {
    char unit [HS_CODE_MAX + 1];
    int64_t last;               //  last heard, daemon clock
    const char *state;          //  ok | silent | gap
} hs_health_feeder_t;

//  The holiday lists, as `health` shows them: the years listed, the last
//  day covered without a gap from today ("" if today's year has none), the
//  days left until then (-1: none), calendar/warn_days, and whether to warn.
typedef struct {
    const int *years;
    size_t year_count;
    char until [16];
    int64_t days_left;
    int64_t warn_days;
    bool warn;
} hs_health_holidays_t;

typedef struct {
    const char *status;         //  ok | degraded
    const char *version;
    const char *district;
    const char *rules_version;
    int64_t uptime_ms;
    int64_t at;                 //  the daemon's clock
    double time_scale;
    hs_health_counters_t counters;
    const hs_tally_t *rejections;   //  reason code -> count
    size_t rejection_count;
    hs_health_store_t store;
    const hs_health_feeder_t *feeders;  //  each feeder heard (since issue 15)
    size_t feeder_count;
    hs_health_holidays_t holidays;      //  the holiday lists' coverage (issue 16)
} hs_health_t;

int hs_reply_health (hs_pack_t *pack, const hs_health_t *health);

//  `rules`: the rule set's version and where the configuration came from.
int hs_reply_rules (hs_pack_t *pack, const char *version, const char *rules_file,
                    const char *units_file, const char *config);

//  A text answer (`metrics`: the Prometheus page).
int hs_reply_text (hs_pack_t *pack, const char *text);

//  A meeting called (`plenary`): its id and deadline.
int hs_reply_meeting (hs_pack_t *pack, const char *meeting_id, int64_t deadline);

//  `case`: the case record as stored and its history, each event as
//  stored (an entry with no data is nil: an event that could not be read).
//  `next`, when not 0, is the seq the history goes on from (`from` in the
//  next request): the reply held no more.
int hs_reply_case (hs_pack_t *pack, const hs_bytes_t *record, const hs_bytes_t *history,
                   size_t history_count, uint64_t next);

//  `cases`: the matching records, newest first. `count` is how many match
//  in all, -1 when that is not known (then it is left out); `next`, when
//  not 0, is where the next page starts (`before` in the next request).
int hs_reply_cases (hs_pack_t *pack, int64_t count, const hs_bytes_t *records, size_t size,
                    uint64_t next);

//  One published event, for `replay`.
typedef struct {
    uint64_t seq;
    const char *topic;
    const uint8_t *body;        //  the body as published
    size_t body_size;
} hs_replay_entry_t;

//  `replay`: events from a seq on, with `next` (the seq to ask for next)
//  and `last` (the last seq committed).
int hs_reply_replay (hs_pack_t *pack, uint64_t next, uint64_t last,
                     const hs_replay_entry_t *entries, size_t size);

void hs_reply_test (bool verbose);

#endif
