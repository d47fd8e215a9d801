/*  =========================================================================
    hs_ledger - the event log: events, each case's history, and dedup

    Owns three tables' key layouts:
        events      seq (u64, big-endian) -> event record (protocol/hs_event)
        history     case id (its key form, hs_idkey), NUL, seq (u64, BE)
                    -> event type: a case's events in order
        dedup       "<kind letter>/<source>/<id>" -> seq (u64, BE) of the
                    message first stored under that source and id
    Nothing else spells these keys: writers and readers (the api, verify,
    the tools) go through the functions here. Each works inside whatever
    transaction or view the store has open.
    =========================================================================
*/

#ifndef HS_LEDGER_H_INCLUDED
#define HS_LEDGER_H_INCLUDED

#include "hs_store.h"
#include "../protocol/hs_protocol.h"

//  What is deduplicated: each inbound kind with a source and an id.
typedef enum {
    HS_DEDUP_REPORT = 0,        //  r/  report.<unit>
    HS_DEDUP_UPDATE,            //  u/  update.<unit>
    HS_DEDUP_RSVP,              //  v/  rsvp.<unit>
    HS_DEDUP_MINUTES,           //  m/  minutes.office
    HS_DEDUP_BRIEF,             //  b/  brief.<unit>, a briefing from below
    HS_DEDUP_ACT,               //  a/  act.<unit>, what a person decided on a case
    HS_DEDUP_ACTION,            //  d/  action.<unit>, a meeting's action item done
    HS_DEDUP_CALL,              //  c/  call.<unit>, a meeting called
    HS_DEDUP_PROMPT,            //  p/  prompt.<unit>, a work prompt issued
    HS_DEDUP_PROMPTSIGN,        //  s/  promptsign.<unit>, a street signed for one
    HS_DEDUP_PROPOSAL,          //  j/  proposal.<unit>, a major problem or policy proposal
    HS_DEDUP_OPINION,           //  k/  opinion.<unit>, a member unit's opinion on one
    HS_DEDUP_INSPECT,           //  i/  inspect.<unit>, an inspection plan drafted
    HS_DEDUP_INSPECTPLAN,       //  y/  inspectplan.<unit>, the convener's decision on one
    HS_DEDUP_FINDING,           //  x/  finding.<unit>, a unit's inspection result
    HS_DEDUP_RECTIFIED,         //  z/  rectified.<unit>, a rectification done
    HS_DEDUP_COUNT,
    HS_DEDUP_NONE = -1          //  a kind that is not deduplicated (heartbeats)
} hs_dedup_t;

//  The type of event a dedup kind's key names ("report", "update", ...).
const char *hs_ledger_dedup_type (hs_dedup_t kind);

//  Seen before? 0 no, 1 yes (*seq: the first one's), -1 the store failed.
int hs_ledger_seen (hs_store_t *store, hs_dedup_t kind, const char *source, const char *id,
                    uint64_t *seq);

//  Note that source+id is stored under seq. Returns 0 or -1.
int hs_ledger_mark (hs_store_t *store, hs_dedup_t kind, const char *source, const char *id,
                    uint64_t seq);

//  Read a dedup key back: its kind, source and id. Returns 0, or -1 if it
//  is not one this version writes.
int hs_ledger_dedup_parse (const void *key, size_t key_size, hs_dedup_t *kind,
                           char *source, size_t source_size, char *id, size_t id_size);

//  Store an event record, and an entry in its case's history if it
//  concerns one. `scratch` is a packer to encode into. Returns 0 or -1.
int hs_ledger_record (hs_store_t *store, const hs_event_t *event, hs_pack_t *scratch);

//  Note in a case's history an event already stored (minutes that cover
//  several cases). Returns 0 or -1.
int hs_ledger_history_add (hs_store_t *store, const char *case_id, uint64_t seq,
                           const char *type);

//  Is event `seq` in the case's history? Returns 0 if it is, 1 if not,
//  -1 if the store failed.
int hs_ledger_history_has (hs_store_t *store, const char *case_id, uint64_t seq);

//  Take event `seq` out of one case's history into another's (a report
//  split off). Returns 0 or -1.
int hs_ledger_history_move (hs_store_t *store, const char *from, uint64_t seq, const char *to);

//  Put the first `max` entries of one case's history into another's too
//  (a merge). Returns 0 or -1.
int hs_ledger_history_join (hs_store_t *store, const char *from, const char *into, size_t max);

//  Visit a case's history in order: each entry's seq and event type.
//  The visitor returns 0 to go on. Returns 0, or -1 if the store failed.
typedef int (hs_ledger_history_fn) (uint64_t seq, const char *type, void *arg);
int hs_ledger_history_walk (hs_store_t *store, const char *case_id,
                            hs_ledger_history_fn *visit, void *arg);

//  Read a history key back (either form of its case id, hs_idkey).
//  Returns 0, or -1 if it is malformed.
int hs_ledger_history_parse (const void *key, size_t key_size, char *case_id,
                             size_t case_size, uint64_t *seq);

//  A history key's current form (an hs_idkey_map_fn: store format 4 keyed
//  the case id in numeric order). True, with `fresh`, if `key` is older.
bool hs_ledger_history_map (const void *key, size_t size, uint8_t *fresh, size_t *fresh_size);

//  One event by seq: its raw record (borrowed until the transaction
//  ends). Returns 0, 1 if there is none, -1 if the store failed.
int hs_ledger_event_raw (hs_store_t *store, uint64_t seq, const void **data, size_t *size);

//  One event by seq, read (hs_event_decode). Returns 0, 1 if there is
//  none, -1 if the store failed or the record cannot be read.
int hs_ledger_event (hs_store_t *store, uint64_t seq, hs_event_read_t *event);

//  Visit events in seq order from `from` (or backwards from the last one
//  when `reverse`). `event` is NULL for a record that cannot be read; its
//  bytes are borrowed until the visitor returns. The visitor returns 0 to
//  go on. Returns 0, or -1 if the store failed.
typedef int (hs_ledger_event_fn) (uint64_t seq, const hs_event_read_t *event, void *arg);
int hs_ledger_walk (hs_store_t *store, uint64_t from, bool reverse, hs_ledger_event_fn *visit,
                    void *arg);

//  The same, forwards, for a reader of what was published (replay, sending
//  again after a crash): an event whose head says it is not published is
//  not read further, and is visited with its seq alone (its type empty).
int hs_ledger_walk_published (hs_store_t *store, uint64_t from, hs_ledger_event_fn *visit,
                              void *arg);

void hs_ledger_test (bool verbose);

#endif
