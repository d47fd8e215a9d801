/*  =========================================================================
    hs_proto - the wire's vocabulary and the gate every inbound body passes

    protocol/ owns every msgpack layout huishang writes or reads, on the
    wire and in the store, one family a file: hs_proto (this: the
    enumerations, the limits, the hostile-input guard, reading maps),
    hs_pack (the packer), hs_inbound (what feeders send), hs_outbound (what
    the daemon publishes), hs_event (the stored event record), hs_case and
    hs_meeting_rec (the case and meeting records), hs_record (the smaller
    stored records), hs_reply (api and submit replies) and hs_json (the
    command line's JSON bridge). hs_protocol.h includes them all. No file
    outside protocol/ packs a body.
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
#define HS_PERSON_MAX           64      //  who in the unit acted (a name)
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
    HS_STATUS_SIGNED,           //  签收: a routed unit takes the case on
    HS_STATUS_RETURNED,         //  退单: a routed unit says it is not its own
    HS_STATUS_COUNT
} hs_status_t;

//  The name of `value` in a table of `count` names, NULL when out of
//  range; the index of `name` in it, -1 when absent (NULL too). For every
//  enumeration's names, here and in the records' classes.
const char *hs_proto_name_of (const char *const *names, int count, int value);
int hs_proto_index_of (const char *const *names, int count, const char *name);

//  A street office's unit code is its short name after this prefix
//  ("street.caoyang"); the short name is what topics carry (`alert.major.
//  caoyang`). hs_proto_street_short gives it (a code without the prefix
//  as it is), borrowed from `code`.
#define HS_STREET_PREFIX "street."
const char *hs_proto_street_short (const char *code);

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

//  The same for a handler's refusal, which returns 1 (-1 is the store
//  failing): `return hs_refuse (...)`.
int hs_refuse (hs_why_t *why, const char *code, const char *format, ...);

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


//  Bytes borrowed from somewhere else (a frame, a stored record).
typedef struct {
    const void *data;
    size_t size;
} hs_bytes_t;

//  Walk one msgpack object at the start of `data` (what we wrote
//  ourselves, so under the stored limits) and give its length in bytes.
//  Returns 0, or -1 if the bytes do not hold one whole object.
int hs_proto_skip (const uint8_t *data, size_t size, size_t *length);

//  Walk one msgpack object that is the whole of `data` (under the stored
//  limits) and call `fn` with each string in it, in order: its bytes from
//  its first (the header) to its last. With `words`, 0xc1 and the byte
//  after it are taken as one object too, and given to `fn` the same way
//  (a word, hs_words). Returns 0, or -1 if the bytes are not one whole
//  object or `fn` returned non-zero.
typedef int (hs_proto_text_fn) (const uint8_t *text, size_t size, void *arg);
int hs_proto_texts (const uint8_t *data, size_t size, bool words, hs_proto_text_fn *fn,
                    void *arg);

//  True if the bytes are well-formed UTF-8 (no overlongs, no surrogates).
bool hs_proto_utf8 (const uint8_t *text, size_t size);

//  True if bytes read back from the store (what we wrote ourselves) are
//  one whole msgpack object, under the stored limits, whose every string
//  is UTF-8: what a damaged page inside a value, which the store's check
//  cannot see, makes them not (before they go to a client).
bool hs_proto_sound (const void *data, size_t size);

//  A cursor over msgpack bytes, for records read field by field without
//  unpacking them (the event log): each read takes the next object.
typedef struct {
    const uint8_t *data;
    size_t size;
    size_t pos;
} hs_proto_reader_t;

void hs_proto_reader_init (hs_proto_reader_t *reader, const void *data, size_t size);
//  A map header: its number of entries. Returns 0 or -1.
int hs_proto_read_map (hs_proto_reader_t *reader, uint32_t *entries);
//  A string: its bytes, borrowed, not NUL-terminated. Returns 0 or -1.
int hs_proto_read_str (hs_proto_reader_t *reader, const char **text, size_t *size);
//  An integer (positive or negative). Returns 0 or -1.
int hs_proto_read_int (hs_proto_reader_t *reader, int64_t *value);
//  Any one object, as raw bytes borrowed from the reader. Returns 0 or -1.
int hs_proto_read_raw (hs_proto_reader_t *reader, const uint8_t **start, size_t *size);

//  Self test of this class.
void hs_proto_test (bool verbose);

#endif
