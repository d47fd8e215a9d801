/*  =========================================================================
    hs_proto - the huishang wire codec, shared by the daemon and the clients

    Owns every message layout on the wire (see protocol/PROTOCOL.md): the
    enumerations (levels, categories, flags, ownerships, statuses), the
    hostile-input guard that runs over msgpack bytes before msgpack-c is
    allowed to allocate anything, the decoders that turn a body into a
    validated report or update, and the encoders for everything we send.
    No other file packs or unpacks a message body by hand.
    =========================================================================
*/

#ifndef HS_PROTO_H_INCLUDED
#define HS_PROTO_H_INCLUDED

#include <stdint.h>
#include <stdbool.h>
#include <stddef.h>
#include <msgpack.h>

#define HS_PROTO_VERSION        1
#define HS_VERSION              "0.4.0"     //  of huishangd and huishang

//  Lengths of the fixed-size text fields of a decoded message, in bytes
//  (the wire limit; the buffers hold one more for the terminating NUL).
#define HS_ID_MAX               64
#define HS_CODE_MAX             64
#define HS_NAME_MAX             256
#define HS_CREDIT_CODE_LEN      18
#define HS_SECTOR_MAX           64
#define HS_SUMMARY_MAX          4096
#define HS_NOTE_MAX             4096
#define HS_TOPIC_MAX            128

//  Severity levels, lowest first. The numeric order is the ladder's order.
typedef enum {
    HS_LEVEL_GENERAL = 0,       //  一般 (IV)
    HS_LEVEL_SIGNIFICANT,       //  较大 (III)
    HS_LEVEL_MAJOR,             //  重大 (II)
    HS_LEVEL_CRITICAL,          //  特别重大 (I)
    HS_LEVEL_COUNT
} hs_level_t;

typedef enum {
    HS_CATEGORY_WAGE_ARREARS = 0,
    HS_CATEGORY_LAYOFF,
    HS_CATEGORY_SOCIAL_INSURANCE,
    HS_CATEGORY_WORK_STOPPAGE,
    HS_CATEGORY_NEGOTIATION,
    HS_CATEGORY_CONTRACT,
    HS_CATEGORY_INJURY,
    HS_CATEGORY_OTHER,
    HS_CATEGORY_COUNT
} hs_category_t;

typedef enum {
    HS_OWNERSHIP_PRIVATE = 0,
    HS_OWNERSHIP_STATE,
    HS_OWNERSHIP_FOREIGN,
    HS_OWNERSHIP_COLLECTIVE,
    HS_OWNERSHIP_OTHER,
    HS_OWNERSHIP_COUNT
} hs_ownership_t;

//  Report flags; a report carries a bit set of them.
typedef enum {
    HS_FLAG_GATHERING = 0,
    HS_FLAG_PETITION_VISIT,
    HS_FLAG_ROAD_BLOCKING,
    HS_FLAG_EXTREME,
    HS_FLAG_MEDIA,
    HS_FLAG_LITIGATION,
    HS_FLAG_REPEAT,
    HS_FLAG_CROSS_DISTRICT,
    HS_FLAG_EPIDEMIC,
    HS_FLAG_COUNT
} hs_flag_t;

typedef enum {
    HS_STATUS_ACCEPTED = 0,
    HS_STATUS_MEDIATING,
    HS_STATUS_RESOLVED,
    HS_STATUS_CLOSED,
    HS_STATUS_FAILED,
    HS_STATUS_COUNT
} hs_status_t;

//  Names of the enumerations on the wire. Each returns a static string, or
//  NULL when the value is out of range.
const char *hs_level_name (int level);
const char *hs_level_zh (int level);
const char *hs_category_name (int category);
const char *hs_ownership_name (int ownership);
const char *hs_flag_name (int flag);
const char *hs_status_name (int status);

//  Parse a wire name into its enumeration value; -1 if the name is unknown.
int hs_level_parse (const char *name);
int hs_category_parse (const char *name);
int hs_ownership_parse (const char *name);
int hs_flag_parse (const char *name);
int hs_status_parse (const char *name);

//  Limits applied to every inbound body. The daemon fills them from its
//  config; hs_limits_default gives the shipped defaults.
typedef struct {
    size_t max_body;            //  bytes in the body frame
    size_t max_depth;           //  nesting of maps and arrays
    size_t max_items;           //  entries in any one map or array
    size_t max_objects;         //  objects in the whole body
    size_t max_str;             //  bytes in any one string / bin / ext
    int64_t max_workers;        //  an absurd head count beyond this
    int64_t max_amount;         //  an absurd amount (yuan) beyond this
    int64_t min_at;             //  earliest plausible `at`, Unix ms
    int64_t max_future_ms;      //  how far `at` may run ahead of our clock
} hs_limits_t;

void hs_limits_default (hs_limits_t *limits);

//  Generous limits for what we wrote ourselves (stored records, replies):
//  still bounded, but sized for a year of history rather than one report.
void hs_limits_stored (hs_limits_t *limits);

//  Why a message was rejected: a short fixed code (counted, used as the
//  counter's key) and a line of detail (logged and kept with the dead
//  letter). `code` always points to a static string.
typedef struct {
    const char *code;
    char detail [160];
} hs_why_t;

//  Set a rejection reason; returns -1 so callers can `return hs_why (...)`.
int hs_why (hs_why_t *why, const char *code, const char *format, ...);

//  Walk msgpack bytes without allocating and check that every declared
//  length fits in the bytes that are actually there and within the limits,
//  that nesting is bounded, and that the data is exactly one object. This
//  is what makes msgpack-c safe to call on hostile input (msgpack-c issue
//  #1013: it allocates for a declared size before checking the bytes).
//  Returns 0 if the bytes are safe to unpack, else -1 with `why` set.
int hs_proto_guard (const uint8_t *data, size_t size,
                    const hs_limits_t *limits, hs_why_t *why);

//  Guard, then unpack one msgpack map into `result` (initialised by the
//  caller with msgpack_unpacked_init, destroyed by the caller). Returns 0
//  with result->data a MAP, else -1 with `why` set.
int hs_proto_unpack_map (const uint8_t *data, size_t size,
                         const hs_limits_t *limits,
                         msgpack_unpacked *result, hs_why_t *why);

//  Unpack a record we wrote ourselves (a stored event, case or meeting, an
//  api reply) into `result`, under hs_limits_stored. Returns 0 with
//  result->data a map, or -1.
int hs_proto_unpack_stored (const void *data, size_t size, msgpack_unpacked *result);

//  Look up a string key in a msgpack map. Returns the value, borrowed from
//  the map (valid until the unpacked result is destroyed), or NULL.
const msgpack_object *hs_proto_get (const msgpack_object *map, const char *key);

//  An integer value of a map (`fallback` if absent or not an integer), and
//  a boolean one (false unless it is true).
int64_t hs_proto_int (const msgpack_object *map, const char *key, int64_t fallback);
bool hs_proto_bool (const msgpack_object *map, const char *key);

//  Copy a msgpack string object into a NUL-terminated buffer; returns 0, or
//  -1 if it is not a string, does not fit, or contains a NUL byte.
int hs_proto_strcpy (const msgpack_object *obj, char *dest, size_t size);

//  Copy a C string into dest (size bytes, > 0), cut short if it must be,
//  always terminated: snprintf's "%s" without the format machinery.
void hs_strcpy (char *dest, size_t size, const char *src);

//  Join C strings (the list ends with NULL) into dest (size bytes, > 0),
//  cut short if they must be, always terminated. Returns the length.
size_t hs_strjoin (char *dest, size_t size, ...);

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
    int64_t fseq;                           //  the feeder's own sequence number, 0 if absent
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
    const char *note;
    size_t note_size;
} hs_minutes_t;

int hs_rsvp_decode (const msgpack_object *map, const hs_limits_t *limits,
                    int64_t now_ms, hs_rsvp_t *rsvp, hs_why_t *why);
int hs_minutes_decode (const msgpack_object *map, const hs_limits_t *limits,
                       int64_t now_ms, hs_minutes_t *minutes, hs_why_t *why);

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

//  ---------------------------------------------------------------------
//  Encoding. An hs_pack_t is a growable msgpack buffer with a packer.

typedef struct _hs_pack_t hs_pack_t;

//  Create a packer. Caller owns it; destroy with hs_pack_destroy.
hs_pack_t *hs_pack_new (void);
void hs_pack_destroy (hs_pack_t **self_p);
//  Forget what was packed, keeping the buffer for reuse.
void hs_pack_reset (hs_pack_t *self);
//  The packed bytes, borrowed: valid until the next call on the packer.
const uint8_t *hs_pack_data (hs_pack_t *self);
size_t hs_pack_size (hs_pack_t *self);

void hs_pack_map (hs_pack_t *self, size_t entries);
void hs_pack_array (hs_pack_t *self, size_t entries);
void hs_pack_str (hs_pack_t *self, const char *string);
void hs_pack_strn (hs_pack_t *self, const char *string, size_t size);
void hs_pack_int (hs_pack_t *self, int64_t value);
void hs_pack_bool (hs_pack_t *self, bool value);
void hs_pack_nil (hs_pack_t *self);
void hs_pack_bin (hs_pack_t *self, const void *data, size_t size);
//  Copy an already-packed object's bytes in as they are.
void hs_pack_raw (hs_pack_t *self, const void *data, size_t size);
//  Pack a decoded msgpack object (deep copy).
void hs_pack_object (hs_pack_t *self, const msgpack_object *object);
//  Pack a string array from a NULL-terminated list of strings.
void hs_pack_strv (hs_pack_t *self, const char *const *strings);
//  Pack the names of the flags set in a flag bit set, as an array.
void hs_pack_flags (hs_pack_t *self, uint32_t flags);

//  A map whose entries are counted as they are written: begin, then for
//  each entry hs_map_key (or a hs_map_<type> shortcut) and its value, then
//  end, which patches the count in. A layout cannot drift from its size.
typedef struct {
    hs_pack_t *pack;            //  where the map is written
    size_t start;               //  offset of its header
    uint32_t entries;           //  entries so far
} hs_map_t;

void hs_map_begin (hs_map_t *map, hs_pack_t *pack);
void hs_map_key (hs_map_t *map, const char *key);
void hs_map_str (hs_map_t *map, const char *key, const char *value);
void hs_map_int (hs_map_t *map, const char *key, int64_t value);
void hs_map_end (hs_map_t *map);

//  Encode a report body (as a feeder sends it). Returns 0.
int hs_report_encode (const hs_report_t *report, hs_pack_t *pack);

//  Encode an update body. Returns 0.
int hs_update_encode (const hs_update_t *update, hs_pack_t *pack);

//  What an outbound alert says. Arrays are NULL-terminated and borrowed.
typedef struct {
    uint64_t seq;
    const char *kind;           //  new|escalated|overdue|warning|resolved
    const char *case_id;
    int level;
    int previous_level;         //  -1 unless kind is "escalated"
    int category;
    const char *street;
    const char *enterprise;
    int64_t workers;
    int64_t amount;             //  -1 when unknown
    uint32_t flags;
    const char *const *units;
    const char *const *reasons;
    const char *report_source;  //  the unit whose message caused it
    const char *report_id;      //  that message's id
    bool from_update;           //  it was an update, not a report
    int64_t at;
} hs_alert_t;

//  Encode an `alert.<level>.<street>` body. Returns 0.
int hs_alert_encode (const hs_alert_t *alert, hs_pack_t *pack);

typedef struct {
    uint64_t seq;
    const char *meeting_id;
    const char *case_id;        //  NULL for a plenary
    const char *kind;           //  special (专题会议) | plenary (全体会议)
    int level;                  //  -1 for a plenary
    const char *const *participants;
    const char *const *chairs;  //  one of them must attend
    const char *urgency;        //  normal|urgent
    int64_t deadline;           //  meet before, Unix ms
    const char *const *reasons;
    int64_t at;
} hs_meeting_t;

//  Encode a `meeting.request` body. Returns 0.
int hs_meeting_encode (const hs_meeting_t *meeting, hs_pack_t *pack);

typedef struct {
    uint64_t seq;
    const char *to;             //  district|city
    const char *from;           //  our district's name
    const char *case_id;
    int level;
    int category;
    const char *street;
    const char *enterprise;
    int64_t workers;
    int64_t amount;
    uint32_t flags;
    const char *const *units;
    const char *const *reasons;
    int64_t at;
} hs_escalation_t;

//  Encode an `escalate.<to>` body. Returns 0.
int hs_escalation_encode (const hs_escalation_t *escalation, hs_pack_t *pack);

//  An early warning or work prompt (`warning.<kind>`). Absent fields are
//  NULL / -1 and are left out.
typedef struct {
    uint64_t seq;
    const char *topic;          //  NULL: warning.<kind>
    const char *kind;           //  enterprise|street|prompt|quorum|store|gap|silent|resumed
    const char *source;         //  feed warnings: the feeder
    int64_t from, to;           //  gap: the missing fseq range (0: none)
    int64_t last_heard;         //  silent: when it was last heard (0: none)
    const char *case_id;
    const char *meeting_id;
    const char *enterprise;
    const char *credit_code;
    const char *street;
    int category;
    int64_t count;              //  reports (or streets) in the window
    int64_t window_ms;
    const char *const *streets; //  prompt: the streets it came from
    const char *const *units;   //  to whom
    const char *const *reasons;
    int64_t at;
} hs_warning_t;

int hs_warning_encode (const hs_warning_t *warning, hs_pack_t *pack);

//  A reminder to invited units that have not answered (`meeting.reminder`).
typedef struct {
    uint64_t seq;
    const char *meeting_id;
    const char *case_id;        //  NULL for a plenary
    const char *const *to;
    int64_t deadline;
    int64_t at;
} hs_reminder_t;

int hs_reminder_encode (const hs_reminder_t *reminder, hs_pack_t *pack);

//  A stored event (the `events` table): what happened, under which seq.
//  For a published event, topic and body are exactly what went out.
typedef struct {
    uint64_t seq;
    int64_t at;                 //  when the daemon handled it, Unix ms
    const char *type;           //  report|update|rsvp|minutes (inbound), alert|meeting|
                                //  reminder|warning|brief|escalate (published)
    const char *topic;
    const char *case_id;        //  NULL when it concerns no case
    const uint8_t *body;        //  one packed msgpack map
    size_t body_size;
    int level;                  //  a classification's result, -1 if none
    const char *const *reasons; //  the rules that fired (with level)
    const char *rules_version;  //  the rule set that decided (with level)
} hs_event_t;

//  Encode an event record. Returns 0.
int hs_event_encode (const hs_event_t *event, hs_pack_t *pack);

//  Self test of this class.
void hs_proto_test (bool verbose);

#endif
