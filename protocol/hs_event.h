/*  =========================================================================
    hs_event - the stored event record: what happened, under which seq

    Every event the daemon stores (the `events` table) is one record in
    this layout, and this class is the only one that writes or reads it.
    Reading does not unpack the body: an event's body comes back as the
    bytes that were published, so replay and forwarding copy, not repack.
    The record is compact (hs_event.c says how); the api shows it as a map.
    An alert is kept as its decision (hs_alert_rec), and so are a meeting
    request (hs_request_rec) and a report upward (hs_escalate_rec), not a
    second copy of the body: reading it packs the body again, the bytes
    that went out.
    =========================================================================
*/

#ifndef HS_EVENT_H_INCLUDED
#define HS_EVENT_H_INCLUDED

#include "hs_pack.h"
#include "hs_outbound.h"

//  A stored event (the `events` table): what happened, under which seq.
//  For a published event, topic and body are exactly what went out.
typedef struct {
    uint64_t seq;
    int64_t at;                 //  when the daemon handled it, Unix ms
    const char *type;           //  report|update|rsvp|minutes|prompt|... (inbound),
                                //  alert|meeting|reminder|warning|brief|escalate|
                                //  workprompt|consult|filing (published)
    const char *topic;
    const char *case_id;        //  NULL when it concerns no case
    const uint8_t *body;        //  one packed msgpack map
    size_t body_size;
    int level;                  //  a classification's result, -1 if none
    const char *const *reasons; //  the rules that fired (with level)
    const char *rules_version;  //  the rule set that decided (with level)
    const hs_alert_t *alert;    //  an alert: what `body` was packed from, or NULL
    const hs_meeting_t *meeting;    //  a meeting request: what `body` was packed from, or NULL
    const hs_escalation_t *escalation;  //  a report upward: the same, or NULL
} hs_event_t;

//  The layout of a compact record, its second byte (PROTOCOL.md §7).
typedef enum {
    HS_EVENT_AS_IS = 1,         //  the body as it is
    HS_EVENT_ALERT,             //  an alert's decision, its body packed again when read
    HS_EVENT_REQUEST,           //  a meeting request's decision, likewise
    HS_EVENT_ESCALATE,          //  a report upward's decision, likewise
    HS_EVENT_WORDS              //  the body with the contract's words as two bytes (hs_words)
} hs_event_layout_t;

//  Encode an event record. Returns 0.
int hs_event_encode (const hs_event_t *event, hs_pack_t *pack);


#define HS_EVENT_TYPE_MAX 16
//  The most a classification's reasons take, as a msgpack array or a
//  list (HS_CASE_MAX_REASONS names of at most HS_CODE_MAX bytes).
#define HS_EVENT_REASONS_MAX (8 + 32 * (HS_CODE_MAX + 4))
//  The largest body kept as its decision; a larger one is kept as it is.
#define HS_EVENT_DERIVED_MAX 4096

//  An event record as read back. Text is copied; `body` and `reasons` are
//  the raw msgpack bytes, borrowed from the record (valid as long as it),
//  or for an alert kept as its decision, the body packed again into
//  `derived`, and for a body kept with its words as two bytes (store
//  format 9, hs_words), the body written out again there (valid as long
//  as this struct: do not copy it).
typedef struct {
    uint64_t seq;
    int64_t at;
    char type [HS_EVENT_TYPE_MAX];
    char topic [HS_TOPIC_MAX + 1];
    char case_id [HS_ID_MAX + 1];       //  "" when it concerns no case
    int level;                          //  -1 when no classification
    char rules_version [41];            //  "" when none
    const uint8_t *reasons;             //  a msgpack array, or NULL
    size_t reasons_size;
    const uint8_t *body;                //  a msgpack map
    size_t body_size;
    bool compact;                       //  the body is in `derived`: packed again from the
                                        //  decision, or its words written out again
    uint8_t derived [HS_EVENT_DERIVED_MAX];
    uint8_t reasons_packed [HS_EVENT_REASONS_MAX];  //  layout 5's reasons, packed again
} hs_event_read_t;

//  Read an event record. Returns 0, or -1 if the bytes are not one (a
//  record missing its type or body counts as not one).
int hs_event_decode (const void *data, size_t size, hs_event_read_t *event);

//  A record as the api shows it (a case's history): a msgpack map of v,
//  seq, at, type, topic, case, level, reasons, rules_version and body,
//  appended to `pack`; a record of a store before format 4 is that map
//  already, copied. Returns 0, or -1 if the record cannot be read (its
//  bytes are appended as they are: a reply's check of what it sends finds
//  them damaged).
int hs_event_map (const void *data, size_t size, hs_pack_t *pack);

//  False if the record's head says it is of a type that is not published
//  (a report, an update: hs_event_published), read from the head alone;
//  true for any other (a record of a store before format 4, a map, is read
//  to know).
bool hs_event_maybe_published (const void *data, size_t size);

//  The names of the rules an event's classification fired, copied into
//  `names` (at most `max`); returns how many (0 if it has none).
size_t hs_event_reasons (const hs_event_read_t *event, char (*names) [HS_CODE_MAX + 1],
                         size_t max);

//  True for the event types that are published (and so replayed).
bool hs_event_published (const char *type);

void hs_event_test (bool verbose);

#endif
