/*  =========================================================================
    hs_proto - the huishang wire codec, shared by the daemon and the clients

    Inbound bodies go through three gates, in order: hs_proto_guard walks
    the raw bytes and refuses anything whose declared lengths or nesting
    could make msgpack-c allocate more than the body justifies; msgpack-c
    then unpacks what is left; the decoders check every field's presence,
    type and range. Nothing here asserts on input.
    =========================================================================
*/

#include "hs_proto.h"
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <assert.h>

static const char *s_level_names [] = {
    "general", "significant", "major", "critical"
};
static const char *s_level_zh [] = {
    "一般", "较大", "重大", "特别重大"
};
static const char *s_category_names [] = {
    "wage_arrears", "layoff", "social_insurance", "work_stoppage",
    "negotiation", "contract", "injury", "other"
};
static const char *s_ownership_names [] = {
    "private", "state", "foreign", "collective", "other"
};
static const char *s_flag_names [] = {
    "gathering", "petition_visit", "road_blocking", "extreme", "media",
    "litigation", "repeat", "cross_district", "epidemic"
};
static const char *s_status_names [] = {
    "accepted", "mediating", "resolved", "closed", "failed"
};

#define COUNT_OF(a) ((int) (sizeof (a) / sizeof ((a) [0])))

static const char *
s_name (const char **names, int count, int value)
{
    return value >= 0 && value < count? names [value]: NULL;
}

static int
s_parse (const char **names, int count, const char *name)
{
    if (name)
        for (int index = 0; index < count; index++)
            if (strcmp (names [index], name) == 0)
                return index;
    return -1;
}

const char *hs_level_name (int v)     { return s_name (s_level_names, COUNT_OF (s_level_names), v); }
const char *hs_level_zh (int v)       { return s_name (s_level_zh, COUNT_OF (s_level_zh), v); }
const char *hs_category_name (int v)  { return s_name (s_category_names, COUNT_OF (s_category_names), v); }
const char *hs_ownership_name (int v) { return s_name (s_ownership_names, COUNT_OF (s_ownership_names), v); }
const char *hs_flag_name (int v)      { return s_name (s_flag_names, COUNT_OF (s_flag_names), v); }
const char *hs_status_name (int v)    { return s_name (s_status_names, COUNT_OF (s_status_names), v); }
int hs_level_parse (const char *n)     { return s_parse (s_level_names, COUNT_OF (s_level_names), n); }
int hs_category_parse (const char *n)  { return s_parse (s_category_names, COUNT_OF (s_category_names), n); }
int hs_ownership_parse (const char *n) { return s_parse (s_ownership_names, COUNT_OF (s_ownership_names), n); }
int hs_flag_parse (const char *n)      { return s_parse (s_flag_names, COUNT_OF (s_flag_names), n); }
int hs_status_parse (const char *n)    { return s_parse (s_status_names, COUNT_OF (s_status_names), n); }

void
hs_limits_default (hs_limits_t *limits)
{
    limits->max_body = 65536;
    limits->max_depth = 8;
    limits->max_items = 256;
    limits->max_objects = 4096;
    limits->max_str = 8192;
    limits->max_workers = 1000000;
    limits->max_amount = 1000000000000LL;
    limits->min_at = 946684800000LL;            //  2000-01-01
    limits->max_future_ms = 24LL * 3600 * 1000;
}

void
hs_limits_stored (hs_limits_t *limits)
{
    hs_limits_default (limits);
    limits->max_body = 1 << 28;
    limits->max_depth = 16;
    limits->max_items = 1 << 20;
    limits->max_objects = 1 << 26;
    limits->max_str = 1 << 24;
}

int
hs_why (hs_why_t *why, const char *code, const char *format, ...)
{
    why->code = code;
    va_list args;
    va_start (args, format);
    vsnprintf (why->detail, sizeof (why->detail), format, args);
    va_end (args);
    return -1;
}

//  ---------------------------------------------------------------------
//  The guard

#define GUARD_DEPTH_CAP 64

//  Read a big-endian unsigned integer of `width` bytes.
static uint64_t
s_read_be (const uint8_t *data, size_t width)
{
    uint64_t value = 0;
    for (size_t index = 0; index < width; index++)
        value = (value << 8) | data [index];
    return value;
}

int
hs_proto_guard (const uint8_t *data, size_t size,
                const hs_limits_t *limits, hs_why_t *why)
{
    if (size == 0)
        return hs_why (why, "malformed", "empty body");
    if (size > limits->max_body)
        return hs_why (why, "oversized", "body of %zu bytes exceeds %zu",
                       size, limits->max_body);

    size_t max_depth = limits->max_depth < GUARD_DEPTH_CAP?
                       limits->max_depth: GUARD_DEPTH_CAP;
    uint64_t pending [GUARD_DEPTH_CAP + 1];     //  items left per open level
    size_t depth = 1;
    pending [0] = 1;                            //  the one root object
    size_t pos = 0;
    size_t objects = 0;

    while (depth > 0) {
        if (pending [depth - 1] == 0) {
            depth--;
            continue;
        }
        pending [depth - 1]--;
        if (pos >= size)
            return hs_why (why, "malformed", "truncated at byte %zu", pos);
        if (++objects > limits->max_objects)
            return hs_why (why, "too_large", "more than %zu objects",
                           limits->max_objects);
        uint8_t type = data [pos++];
        size_t skip = 0;                //  fixed payload bytes
        size_t length_width = 0;        //  bytes of a declared length
        size_t extra = 0;               //  payload bytes beyond the length
        uint64_t items = 0;             //  children of a container
        bool container = false;
        bool payload = false;           //  str / bin / ext with a length

        if (type <= 0x7f || type >= 0xe0 || type == 0xc0
        ||  type == 0xc2 || type == 0xc3)
            ;                           //  fixint, nil, bool
        else
        if (type >= 0x80 && type <= 0x8f) {
            container = true;
            items = 2 * (uint64_t) (type & 0x0f);
        }
        else
        if (type >= 0x90 && type <= 0x9f) {
            container = true;
            items = type & 0x0f;
        }
        else
        if (type >= 0xa0 && type <= 0xbf) {
            payload = true;
            items = type & 0x1f;        //  reused as the declared length
        }
        else {
            switch (type) {
                case 0xc4: case 0xd9: length_width = 1; payload = true; break;
                case 0xc5: case 0xda: length_width = 2; payload = true; break;
                case 0xc6: case 0xdb: length_width = 4; payload = true; break;
                case 0xc7: length_width = 1; extra = 1; payload = true; break;
                case 0xc8: length_width = 2; extra = 1; payload = true; break;
                case 0xc9: length_width = 4; extra = 1; payload = true; break;
                case 0xca: skip = 4; break;
                case 0xcb: skip = 8; break;
                case 0xcc: case 0xd0: skip = 1; break;
                case 0xcd: case 0xd1: skip = 2; break;
                case 0xce: case 0xd2: skip = 4; break;
                case 0xcf: case 0xd3: skip = 8; break;
                case 0xd4: skip = 2; break;
                case 0xd5: skip = 3; break;
                case 0xd6: skip = 5; break;
                case 0xd7: skip = 9; break;
                case 0xd8: skip = 17; break;
                case 0xdc: length_width = 2; container = true; break;
                case 0xdd: length_width = 4; container = true; break;
                case 0xde: length_width = 2; container = true; break;
                case 0xdf: length_width = 4; container = true; break;
                default:
                    return hs_why (why, "malformed",
                                   "invalid type byte 0x%02x at %zu", type, pos - 1);
            }
            if (length_width) {
                if (size - pos < length_width)
                    return hs_why (why, "malformed", "truncated length at byte %zu", pos);
                items = s_read_be (data + pos, length_width);
                pos += length_width;
                if (type == 0xde || type == 0xdf)
                    items *= 2;         //  a map holds key + value per entry
            }
        }
        if (skip) {
            if (size - pos < skip)
                return hs_why (why, "malformed", "truncated value at byte %zu", pos);
            pos += skip;
        }
        else
        if (payload) {
            if (items > limits->max_str)
                return hs_why (why, "too_large",
                               "declared length %llu exceeds %zu",
                               (unsigned long long) items, limits->max_str);
            if (items + extra > size - pos)
                return hs_why (why, "malformed",
                               "declared length %llu exceeds the %zu bytes left",
                               (unsigned long long) items, size - pos);
            pos += items + extra;
        }
        else
        if (container && items > 0) {
            bool is_map = (type >= 0x80 && type <= 0x8f) || type == 0xde || type == 0xdf;
            uint64_t entries = is_map? items / 2: items;
            if (entries > (uint64_t) limits->max_items)
                return hs_why (why, "too_large",
                               "container declares %llu entries (limit %zu)",
                               (unsigned long long) entries, limits->max_items);
            if (items > size - pos)
                return hs_why (why, "malformed",
                               "container declares %llu items, %zu bytes left",
                               (unsigned long long) items, size - pos);
            if (depth > max_depth)
                return hs_why (why, "too_deep", "nesting deeper than %zu", max_depth);
            pending [depth++] = items;
        }
    }
    if (pos != size)
        return hs_why (why, "malformed", "%zu trailing bytes after the body", size - pos);
    return 0;
}

int
hs_proto_unpack_map (const uint8_t *data, size_t size,
                     const hs_limits_t *limits,
                     msgpack_unpacked *result, hs_why_t *why)
{
    if (hs_proto_guard (data, size, limits, why))
        return -1;
    size_t offset = 0;
    msgpack_unpack_return rc = msgpack_unpack_next (result, (const char *) data, size, &offset);
    if (rc != MSGPACK_UNPACK_SUCCESS)
        return hs_why (why, "malformed", "msgpack-c could not unpack it (%d)", (int) rc);
    if (result->data.type != MSGPACK_OBJECT_MAP)
        return hs_why (why, "not_a_map", "the body is not a msgpack map");
    return 0;
}

int
hs_proto_unpack_stored (const void *data, size_t size, msgpack_unpacked *result)
{
    hs_limits_t limits;
    hs_limits_stored (&limits);
    hs_why_t why;
    return hs_proto_unpack_map ((const uint8_t *) data, size, &limits, result, &why);
}

const msgpack_object *
hs_proto_get (const msgpack_object *map, const char *key)
{
    if (!map || map->type != MSGPACK_OBJECT_MAP)
        return NULL;
    size_t key_size = strlen (key);
    for (uint32_t index = 0; index < map->via.map.size; index++) {
        const msgpack_object_kv *kv = &map->via.map.ptr [index];
        if (kv->key.type == MSGPACK_OBJECT_STR
        &&  kv->key.via.str.size == key_size
        &&  memcmp (kv->key.via.str.ptr, key, key_size) == 0)
            return &kv->val;
    }
    return NULL;
}

int64_t
hs_proto_int (const msgpack_object *map, const char *key, int64_t fallback)
{
    const msgpack_object *obj = hs_proto_get (map, key);
    if (obj && obj->type == MSGPACK_OBJECT_POSITIVE_INTEGER && obj->via.u64 <= (uint64_t) INT64_MAX)
        return (int64_t) obj->via.u64;
    if (obj && obj->type == MSGPACK_OBJECT_NEGATIVE_INTEGER)
        return obj->via.i64;
    return fallback;
}

bool
hs_proto_bool (const msgpack_object *map, const char *key)
{
    const msgpack_object *obj = hs_proto_get (map, key);
    return obj && obj->type == MSGPACK_OBJECT_BOOLEAN && obj->via.boolean;
}

size_t
hs_strjoin (char *dest, size_t size, ...)
{
    va_list args;
    va_start (args, size);
    size_t length = 0;
    const char *part;
    while ((part = va_arg (args, const char *))) {
        size_t part_size = strnlen (part, size - 1 - length);
        memcpy (dest + length, part, part_size);
        length += part_size;
    }
    va_end (args);
    dest [length] = 0;
    return length;
}

void
hs_strcpy (char *dest, size_t size, const char *src)
{
    size_t length = strnlen (src, size - 1);
    memmove (dest, src, length);
    dest [length] = 0;
}

int
hs_proto_strcpy (const msgpack_object *obj, char *dest, size_t size)
{
    if (!obj || obj->type != MSGPACK_OBJECT_STR)
        return -1;
    size_t length = obj->via.str.size;
    if (length >= size || memchr (obj->via.str.ptr, 0, length))
        return -1;
    memcpy (dest, obj->via.str.ptr, length);
    dest [length] = 0;
    return 0;
}

//  ---------------------------------------------------------------------
//  Field decoding

//  True if the bytes are well-formed UTF-8 (no overlongs, no surrogates).
static bool
s_utf8_valid (const uint8_t *text, size_t size)
{
    size_t pos = 0;
    while (pos < size) {
        uint8_t byte = text [pos];
        size_t follow;
        uint32_t code;
        if (byte < 0x80) { pos++; continue; }
        else if ((byte & 0xe0) == 0xc0) { follow = 1; code = byte & 0x1f; }
        else if ((byte & 0xf0) == 0xe0) { follow = 2; code = byte & 0x0f; }
        else if ((byte & 0xf8) == 0xf0) { follow = 3; code = byte & 0x07; }
        else return false;
        if (size - pos <= follow)
            return false;
        for (size_t index = 1; index <= follow; index++) {
            if ((text [pos + index] & 0xc0) != 0x80)
                return false;
            code = (code << 6) | (text [pos + index] & 0x3f);
        }
        if ((follow == 1 && code < 0x80) || (follow == 2 && code < 0x800)
        ||  (follow == 3 && code < 0x10000) || code > 0x10ffff
        ||  (code >= 0xd800 && code <= 0xdfff))
            return false;
        pos += follow + 1;
    }
    return true;
}

//  A code or id: printable ASCII, no spaces (they travel in topics).
static bool
s_token_valid (const char *text)
{
    if (!*text)
        return false;
    for (; *text; text++)
        if (*text <= 0x20 || *text >= 0x7f)
            return false;
    return true;
}

//  Read a string field. Returns 0 if present and valid, 1 if absent and
//  optional, -1 on error with `why` set.
static int
s_get_str (const msgpack_object *map, const char *key, bool required,
           char *dest, size_t size, hs_why_t *why)
{
    const msgpack_object *obj = hs_proto_get (map, key);
    *dest = 0;
    if (!obj || obj->type == MSGPACK_OBJECT_NIL) {
        if (required)
            return hs_why (why, "missing_field", "required field '%s' is missing", key);
        return 1;
    }
    if (obj->type != MSGPACK_OBJECT_STR)
        return hs_why (why, "bad_type", "field '%s' must be a string", key);
    if (obj->via.str.size == 0)
        return hs_why (why, "bad_value", "field '%s' is empty", key);
    if (obj->via.str.size >= size)
        return hs_why (why, "bad_value", "field '%s' is longer than %zu bytes", key, size - 1);
    if (hs_proto_strcpy (obj, dest, size)
    || !s_utf8_valid ((const uint8_t *) dest, obj->via.str.size))
        return hs_why (why, "bad_value", "field '%s' is not valid UTF-8 text", key);
    return 0;
}

//  Read a string field that must be one of an enumeration's names.
static int
s_get_enum (const msgpack_object *map, const char *key, bool required,
            int (*parse) (const char *), int *value, hs_why_t *why)
{
    char text [HS_CODE_MAX + 1];
    int rc = s_get_str (map, key, required, text, sizeof (text), why);
    if (rc) {
        *value = -1;
        return rc;
    }
    *value = parse (text);
    if (*value < 0)
        return hs_why (why, "bad_value", "field '%s' has unknown value '%.40s'", key, text);
    return 0;
}

//  Read an integer field within [min, max].
static int
s_get_int (const msgpack_object *map, const char *key, bool required,
           int64_t min, int64_t max, int64_t *value, hs_why_t *why)
{
    const msgpack_object *obj = hs_proto_get (map, key);
    if (!obj || obj->type == MSGPACK_OBJECT_NIL) {
        if (required)
            return hs_why (why, "missing_field", "required field '%s' is missing", key);
        return 1;
    }
    if (obj->type == MSGPACK_OBJECT_POSITIVE_INTEGER) {
        if (obj->via.u64 > (uint64_t) INT64_MAX)
            return hs_why (why, "bad_value", "field '%s' is out of range", key);
        *value = (int64_t) obj->via.u64;
    }
    else
    if (obj->type == MSGPACK_OBJECT_NEGATIVE_INTEGER)
        *value = obj->via.i64;
    else
        return hs_why (why, "bad_type", "field '%s' must be an integer", key);
    if (*value < min || *value > max)
        return hs_why (why, "bad_value", "field '%s' = %lld is outside %lld..%lld",
                       key, (long long) *value, (long long) min, (long long) max);
    return 0;
}

//  Read an optional free-text field, borrowed from the body.
static int
s_get_text (const msgpack_object *map, const char *key, size_t max,
            const char **text, size_t *size, hs_why_t *why)
{
    *text = NULL;
    *size = 0;
    const msgpack_object *obj = hs_proto_get (map, key);
    if (!obj || obj->type == MSGPACK_OBJECT_NIL)
        return 0;
    if (obj->type != MSGPACK_OBJECT_STR)
        return hs_why (why, "bad_type", "field '%s' must be a string", key);
    if (obj->via.str.size > max)
        return hs_why (why, "bad_value", "field '%s' is longer than %zu bytes", key, max);
    if (!s_utf8_valid ((const uint8_t *) obj->via.str.ptr, obj->via.str.size)
    ||  memchr (obj->via.str.ptr, 0, obj->via.str.size))
        return hs_why (why, "bad_value", "field '%s' is not valid UTF-8 text", key);
    *text = obj->via.str.ptr;
    *size = obj->via.str.size;
    return 0;
}

//  The fields every inbound body has: v, id, source, at.
static int
s_get_common (const msgpack_object *map, const hs_limits_t *limits, int64_t now_ms,
              char *id, char *source, int64_t *at, hs_why_t *why)
{
    int64_t version;
    if (s_get_int (map, "v", true, 0, INT32_MAX, &version, why))
        return -1;
    if (version != HS_PROTO_VERSION)
        return hs_why (why, "bad_version", "protocol version %lld is not %d",
                       (long long) version, HS_PROTO_VERSION);
    if (s_get_str (map, "id", true, id, HS_ID_MAX + 1, why))
        return -1;
    if (!s_token_valid (id))
        return hs_why (why, "bad_value", "field 'id' must be printable ASCII without spaces");
    if (s_get_str (map, "source", true, source, HS_CODE_MAX + 1, why))
        return -1;
    if (!s_token_valid (source))
        return hs_why (why, "bad_value", "field 'source' is not a unit code");
    if (s_get_int (map, "at", true, limits->min_at, now_ms + limits->max_future_ms, at, why))
        return -1;
    return 0;
}

int
hs_report_decode (const msgpack_object *map, const hs_limits_t *limits,
                  int64_t now_ms, hs_report_t *report, hs_why_t *why)
{
    memset (report, 0, sizeof (*report));
    report->ownership = -1;
    report->amount = -1;
    if (s_get_common (map, limits, now_ms, report->id, report->source, &report->at, why))
        return -1;
    if (s_get_str (map, "street", false, report->street, sizeof (report->street), why) < 0)
        return -1;
    if (*report->street && !s_token_valid (report->street))
        return hs_why (why, "bad_value", "field 'street' is not a unit code");

    const msgpack_object *enterprise = hs_proto_get (map, "enterprise");
    if (!enterprise || enterprise->type == MSGPACK_OBJECT_NIL)
        return hs_why (why, "missing_field", "required field 'enterprise' is missing");
    if (enterprise->type != MSGPACK_OBJECT_MAP)
        return hs_why (why, "bad_type", "field 'enterprise' must be a map");
    if (s_get_str (enterprise, "name", true, report->enterprise, sizeof (report->enterprise), why))
        return -1;
    const msgpack_object *code = hs_proto_get (enterprise, "credit_code");
    if (code && code->type != MSGPACK_OBJECT_NIL) {
        if (code->type != MSGPACK_OBJECT_STR)
            return hs_why (why, "bad_type", "field 'enterprise.credit_code' must be a string");
        if (code->via.str.size != HS_CREDIT_CODE_LEN
        ||  hs_proto_strcpy (code, report->credit_code, sizeof (report->credit_code)))
            return hs_why (why, "bad_credit_code",
                           "credit code must be %d characters", HS_CREDIT_CODE_LEN);
        if (!hs_credit_code_valid (report->credit_code))
            return hs_why (why, "bad_credit_code",
                           "credit code '%s' fails the GB 32100-2015 check", report->credit_code);
    }
    if (s_get_enum (enterprise, "ownership", false, hs_ownership_parse, &report->ownership, why) < 0)
        return -1;
    if (s_get_str (enterprise, "sector", false, report->sector, sizeof (report->sector), why) < 0)
        return -1;

    if (s_get_enum (map, "category", true, hs_category_parse, &report->category, why))
        return -1;
    if (s_get_int (map, "workers", true, 1, limits->max_workers, &report->workers, why))
        return -1;
    if (s_get_int (map, "amount", false, 0, limits->max_amount, &report->amount, why) < 0)
        return -1;

    const msgpack_object *flags = hs_proto_get (map, "flags");
    if (flags && flags->type != MSGPACK_OBJECT_NIL) {
        if (flags->type != MSGPACK_OBJECT_ARRAY)
            return hs_why (why, "bad_type", "field 'flags' must be an array of strings");
        for (uint32_t index = 0; index < flags->via.array.size; index++) {
            const msgpack_object *item = &flags->via.array.ptr [index];
            char name [32];
            if (item->type != MSGPACK_OBJECT_STR)
                return hs_why (why, "bad_type", "field 'flags' must be an array of flag names");
            if (hs_proto_strcpy (item, name, sizeof (name)))
                return hs_why (why, "bad_value", "unknown flag of %u bytes", item->via.str.size);
            int flag = hs_flag_parse (name);
            if (flag < 0)
                return hs_why (why, "bad_value", "unknown flag '%s'", name);
            report->flags |= 1u << flag;
        }
    }
    if (s_get_text (map, "summary", HS_SUMMARY_MAX, &report->summary, &report->summary_size, why))
        return -1;
    if (s_get_int (map, "fseq", false, 1, INT64_MAX / 2, &report->fseq, why) < 0)
        return -1;
    return 0;
}

//  A msgpack array of at most `max` strings, each a token if `tokens`,
//  else valid text of at most HS_NOTE_MAX bytes. Absent or nil: NULL.
static int
s_get_strings (const msgpack_object *map, const char *key, bool tokens, size_t max,
               const msgpack_object **list, hs_why_t *why)
{
    const msgpack_object *obj = hs_proto_get (map, key);
    *list = NULL;
    if (!obj || obj->type == MSGPACK_OBJECT_NIL)
        return 0;
    if (obj->type != MSGPACK_OBJECT_ARRAY)
        return hs_why (why, "bad_type", "field '%s' must be an array of strings", key);
    if (obj->via.array.size > max)
        return hs_why (why, "bad_value", "field '%s' has more than %zu items", key, max);
    for (uint32_t index = 0; index < obj->via.array.size; index++) {
        const msgpack_object *item = &obj->via.array.ptr [index];
        if (item->type != MSGPACK_OBJECT_STR)
            return hs_why (why, "bad_type", "field '%s' must be an array of strings", key);
        char token [HS_ID_MAX + 1];
        if (tokens && (hs_proto_strcpy (item, token, sizeof (token)) || !s_token_valid (token)))
            return hs_why (why, "bad_value", "field '%s' holds something that is not a code", key);
        if (!tokens && (item->via.str.size > HS_NOTE_MAX
                    ||  !s_utf8_valid ((const uint8_t *) item->via.str.ptr, item->via.str.size)
                    ||  memchr (item->via.str.ptr, 0, item->via.str.size)))
            return hs_why (why, "bad_value", "field '%s' holds invalid or overlong text", key);
    }
    *list = obj;
    return 0;
}

static int
s_get_meeting_id (const msgpack_object *map, char *meeting_id, hs_why_t *why)
{
    if (s_get_str (map, "meeting", true, meeting_id, HS_ID_MAX + 1, why))
        return -1;
    if (!s_token_valid (meeting_id))
        return hs_why (why, "bad_value", "field 'meeting' is not a meeting id");
    return 0;
}

int
hs_rsvp_decode (const msgpack_object *map, const hs_limits_t *limits,
                int64_t now_ms, hs_rsvp_t *rsvp, hs_why_t *why)
{
    memset (rsvp, 0, sizeof (*rsvp));
    if (s_get_common (map, limits, now_ms, rsvp->id, rsvp->source, &rsvp->at, why)
    ||  s_get_meeting_id (map, rsvp->meeting_id, why))
        return -1;
    char answer [16];
    if (s_get_str (map, "answer", true, answer, sizeof (answer), why))
        return -1;
    if (strcmp (answer, "attend") && strcmp (answer, "decline"))
        return hs_why (why, "bad_value", "field 'answer' must be attend or decline");
    rsvp->attend = strcmp (answer, "attend") == 0;
    return s_get_text (map, "note", HS_NOTE_MAX, &rsvp->note, &rsvp->note_size, why);
}

int
hs_minutes_decode (const msgpack_object *map, const hs_limits_t *limits,
                   int64_t now_ms, hs_minutes_t *minutes, hs_why_t *why)
{
    memset (minutes, 0, sizeof (*minutes));
    if (s_get_common (map, limits, now_ms, minutes->id, minutes->source, &minutes->at, why)
    ||  s_get_meeting_id (map, minutes->meeting_id, why)
    ||  s_get_strings (map, "decisions", false, HS_MINUTES_MAX_ITEMS, &minutes->decisions, why)
    ||  s_get_strings (map, "followup", true, HS_MINUTES_MAX_ITEMS, &minutes->followup, why)
    ||  s_get_strings (map, "cases", true, HS_MINUTES_MAX_ITEMS, &minutes->cases, why))
        return -1;
    return s_get_text (map, "note", HS_NOTE_MAX, &minutes->note, &minutes->note_size, why);
}

int
hs_update_decode (const msgpack_object *map, const hs_limits_t *limits,
                  int64_t now_ms, hs_update_t *update, hs_why_t *why)
{
    memset (update, 0, sizeof (*update));
    if (s_get_common (map, limits, now_ms, update->id, update->source, &update->at, why))
        return -1;
    if (s_get_str (map, "case", true, update->case_id, sizeof (update->case_id), why))
        return -1;
    if (!s_token_valid (update->case_id))
        return hs_why (why, "bad_value", "field 'case' is not a case id");
    if (s_get_enum (map, "status", true, hs_status_parse, &update->status, why))
        return -1;
    if (s_get_text (map, "note", HS_NOTE_MAX, &update->note, &update->note_size, why))
        return -1;
    if (s_get_int (map, "fseq", false, 1, INT64_MAX / 2, &update->fseq, why) < 0)
        return -1;
    return 0;
}

int
hs_brief_in_decode (const msgpack_object *map, const hs_limits_t *limits,
                    int64_t now_ms, hs_brief_in_t *brief, hs_why_t *why)
{
    memset (brief, 0, sizeof (*brief));
    if (s_get_common (map, limits, now_ms, brief->id, brief->source, &brief->at, why))
        return -1;
    if (s_get_int (map, "fseq", false, 1, INT64_MAX / 2, &brief->fseq, why) < 0)
        return -1;
    brief->brief = hs_proto_get (map, "brief");
    if (!brief->brief)
        return hs_why (why, "missing_field", "required field 'brief' is missing");
    if (brief->brief->type != MSGPACK_OBJECT_MAP)
        return hs_why (why, "bad_type", "field 'brief' must be a map");
    return 0;
}

int
hs_heartbeat_decode (const msgpack_object *map, const hs_limits_t *limits,
                     int64_t now_ms, hs_heartbeat_t *heartbeat, hs_why_t *why)
{
    memset (heartbeat, 0, sizeof (*heartbeat));
    int64_t version;
    if (s_get_int (map, "v", true, 0, INT32_MAX, &version, why))
        return -1;
    if (version != HS_PROTO_VERSION)
        return hs_why (why, "bad_version", "protocol version %lld is not %d",
                       (long long) version, HS_PROTO_VERSION);
    if (s_get_str (map, "source", true, heartbeat->source, sizeof (heartbeat->source), why))
        return -1;
    if (!s_token_valid (heartbeat->source))
        return hs_why (why, "bad_value", "field 'source' is not a unit code");
    if (s_get_int (map, "at", true, limits->min_at, now_ms + limits->max_future_ms, &heartbeat->at, why))
        return -1;
    if (s_get_int (map, "fseq", false, 1, INT64_MAX / 2, &heartbeat->fseq, why) < 0)
        return -1;
    return 0;
}

//  GB 32100-2015: 18 characters from a 31-symbol alphabet (digits and
//  capitals without I, O, Z, S, V); the 18th is a check character computed
//  from the first 17 with weights 3^(i) mod 31.
bool
hs_credit_code_valid (const char *code)
{
    static const char alphabet [] = "0123456789ABCDEFGHJKLMNPQRTUWXY";
    if (!code || strlen (code) != HS_CREDIT_CODE_LEN)
        return false;
    int values [HS_CREDIT_CODE_LEN];
    for (int index = 0; index < HS_CREDIT_CODE_LEN; index++) {
        const char *found = code [index]? strchr (alphabet, code [index]): NULL;
        if (!found)
            return false;
        values [index] = (int) (found - alphabet);
    }
    //  Positions 3-8 are the administrative division code: digits only.
    for (int index = 2; index < 8; index++)
        if (values [index] > 9)
            return false;
    int sum = 0;
    int weight = 1;
    for (int index = 0; index < HS_CREDIT_CODE_LEN - 1; index++) {
        sum += values [index] * weight;
        weight = (weight * 3) % 31;
    }
    int check = (31 - sum % 31) % 31;
    return values [HS_CREDIT_CODE_LEN - 1] == check;
}

//  ---------------------------------------------------------------------
//  Encoding

struct _hs_pack_t {
    msgpack_sbuffer buffer;     //  the bytes packed so far
    msgpack_packer packer;      //  writes into buffer
};

hs_pack_t *
hs_pack_new (void)
{
    hs_pack_t *self = (hs_pack_t *) calloc (1, sizeof (hs_pack_t));
    assert (self);
    msgpack_sbuffer_init (&self->buffer);
    msgpack_packer_init (&self->packer, &self->buffer, msgpack_sbuffer_write);
    return self;
}

void
hs_pack_destroy (hs_pack_t **self_p)
{
    assert (self_p);
    if (*self_p) {
        msgpack_sbuffer_destroy (&(*self_p)->buffer);
        free (*self_p);
        *self_p = NULL;
    }
}

void hs_pack_reset (hs_pack_t *self) { msgpack_sbuffer_clear (&self->buffer); }
const uint8_t *hs_pack_data (hs_pack_t *self) { return (const uint8_t *) self->buffer.data; }
size_t hs_pack_size (hs_pack_t *self) { return self->buffer.size; }
void hs_pack_map (hs_pack_t *self, size_t n) { msgpack_pack_map (&self->packer, n); }
void hs_pack_array (hs_pack_t *self, size_t n) { msgpack_pack_array (&self->packer, n); }
void hs_pack_int (hs_pack_t *self, int64_t v) { msgpack_pack_int64 (&self->packer, v); }
void hs_pack_nil (hs_pack_t *self) { msgpack_pack_nil (&self->packer); }
void hs_pack_object (hs_pack_t *self, const msgpack_object *o) { msgpack_pack_object (&self->packer, *o); }

void
hs_pack_bool (hs_pack_t *self, bool value)
{
    if (value)
        msgpack_pack_true (&self->packer);
    else
        msgpack_pack_false (&self->packer);
}

void
hs_pack_strn (hs_pack_t *self, const char *string, size_t size)
{
    msgpack_pack_str (&self->packer, size);
    msgpack_pack_str_body (&self->packer, string, size);
}

void
hs_pack_str (hs_pack_t *self, const char *string)
{
    hs_pack_strn (self, string? string: "", string? strlen (string): 0);
}

void
hs_pack_bin (hs_pack_t *self, const void *data, size_t size)
{
    msgpack_pack_bin (&self->packer, size);
    msgpack_pack_bin_body (&self->packer, data, size);
}

void
hs_pack_raw (hs_pack_t *self, const void *data, size_t size)
{
    msgpack_sbuffer_write (&self->buffer, (const char *) data, size);
}

void
hs_pack_strv (hs_pack_t *self, const char *const *strings)
{
    size_t count = 0;
    while (strings && strings [count])
        count++;
    hs_pack_array (self, count);
    for (size_t index = 0; index < count; index++)
        hs_pack_str (self, strings [index]);
}

void
hs_pack_flags (hs_pack_t *self, uint32_t flags)
{
    size_t count = 0;
    for (int flag = 0; flag < HS_FLAG_COUNT; flag++)
        if (flags & (1u << flag))
            count++;
    hs_pack_array (self, count);
    for (int flag = 0; flag < HS_FLAG_COUNT; flag++)
        if (flags & (1u << flag))
            hs_pack_str (self, hs_flag_name (flag));
}

void
hs_map_begin (hs_map_t *map, hs_pack_t *pack)
{
    static const uint8_t header [5] = { 0xdf, 0, 0, 0, 0 };
    map->pack = pack;
    map->start = pack->buffer.size;
    map->entries = 0;
    hs_pack_raw (pack, header, sizeof (header));
}

void
hs_map_key (hs_map_t *map, const char *key)
{
    map->entries++;
    hs_pack_str (map->pack, key);
}

void
hs_map_str (hs_map_t *map, const char *key, const char *value)
{
    hs_map_key (map, key);
    hs_pack_str (map->pack, value);
}

void
hs_map_int (hs_map_t *map, const char *key, int64_t value)
{
    hs_map_key (map, key);
    hs_pack_int (map->pack, value);
}

void
hs_map_end (hs_map_t *map)
{
    uint8_t *header = (uint8_t *) map->pack->buffer.data + map->start;
    header [1] = (uint8_t) (map->entries >> 24);
    header [2] = (uint8_t) (map->entries >> 16);
    header [3] = (uint8_t) (map->entries >> 8);
    header [4] = (uint8_t) map->entries;
}

int
hs_report_encode (const hs_report_t *report, hs_pack_t *pack)
{
    hs_map_t map;
    hs_map_begin (&map, pack);
    hs_map_int (&map, "v", HS_PROTO_VERSION);
    hs_map_str (&map, "id", report->id);
    hs_map_str (&map, "source", report->source);
    hs_map_int (&map, "at", report->at);
    if (*report->street)
        hs_map_str (&map, "street", report->street);
    hs_map_key (&map, "enterprise");
    hs_map_t enterprise;
    hs_map_begin (&enterprise, pack);
    hs_map_str (&enterprise, "name", report->enterprise);
    if (*report->credit_code)
        hs_map_str (&enterprise, "credit_code", report->credit_code);
    if (report->ownership >= 0)
        hs_map_str (&enterprise, "ownership", hs_ownership_name (report->ownership));
    if (*report->sector)
        hs_map_str (&enterprise, "sector", report->sector);
    hs_map_end (&enterprise);
    hs_map_str (&map, "category", hs_category_name (report->category));
    hs_map_int (&map, "workers", report->workers);
    if (report->amount >= 0)
        hs_map_int (&map, "amount", report->amount);
    if (report->flags) {
        hs_map_key (&map, "flags");
        hs_pack_flags (pack, report->flags);
    }
    if (report->summary) {
        hs_map_key (&map, "summary");
        hs_pack_strn (pack, report->summary, report->summary_size);
    }
    hs_map_end (&map);
    return 0;
}

int
hs_update_encode (const hs_update_t *update, hs_pack_t *pack)
{
    hs_map_t map;
    hs_map_begin (&map, pack);
    hs_map_int (&map, "v", HS_PROTO_VERSION);
    hs_map_str (&map, "id", update->id);
    hs_map_str (&map, "source", update->source);
    hs_map_int (&map, "at", update->at);
    hs_map_str (&map, "case", update->case_id);
    hs_map_str (&map, "status", hs_status_name (update->status));
    if (update->note) {
        hs_map_key (&map, "note");
        hs_pack_strn (pack, update->note, update->note_size);
    }
    hs_map_end (&map);
    return 0;
}

//  The description of a case that alerts and escalations share.
static void
s_case_fields (hs_map_t *map, const char *case_id, int level, int category,
               const char *street, const char *enterprise, int64_t workers,
               int64_t amount, uint32_t flags, const char *const *units,
               const char *const *reasons, int64_t at)
{
    hs_map_str (map, "case", case_id);
    hs_map_str (map, "level", hs_level_name (level));
    hs_map_str (map, "category", hs_category_name (category));
    hs_map_str (map, "street", street);
    hs_map_str (map, "enterprise", enterprise);
    hs_map_int (map, "workers", workers);
    if (amount >= 0)
        hs_map_int (map, "amount", amount);
    hs_map_key (map, "flags");
    hs_pack_flags (map->pack, flags);
    hs_map_key (map, "units");
    hs_pack_strv (map->pack, units);
    hs_map_key (map, "reasons");
    hs_pack_strv (map->pack, reasons);
    hs_map_int (map, "at", at);
}

int
hs_alert_encode (const hs_alert_t *alert, hs_pack_t *pack)
{
    hs_map_t map;
    hs_map_begin (&map, pack);
    hs_map_int (&map, "v", HS_PROTO_VERSION);
    hs_map_int (&map, "seq", (int64_t) alert->seq);
    hs_map_str (&map, "kind", alert->kind);
    s_case_fields (&map, alert->case_id, alert->level, alert->category, alert->street,
                   alert->enterprise, alert->workers, alert->amount, alert->flags,
                   alert->units, alert->reasons, alert->at);
    if (alert->previous_level >= 0)
        hs_map_str (&map, "previous_level", hs_level_name (alert->previous_level));
    if (alert->report_source) {
        hs_map_str (&map, "source", alert->report_source);
        hs_map_str (&map, alert->from_update? "update": "report", alert->report_id);
    }
    hs_map_end (&map);
    return 0;
}

int
hs_meeting_encode (const hs_meeting_t *meeting, hs_pack_t *pack)
{
    hs_map_t map;
    hs_map_begin (&map, pack);
    hs_map_int (&map, "v", HS_PROTO_VERSION);
    hs_map_int (&map, "seq", (int64_t) meeting->seq);
    hs_map_str (&map, "meeting", meeting->meeting_id);
    hs_map_str (&map, "kind", meeting->kind);
    if (meeting->case_id)
        hs_map_str (&map, "case", meeting->case_id);
    if (meeting->level >= 0)
        hs_map_str (&map, "level", hs_level_name (meeting->level));
    hs_map_key (&map, "participants");
    hs_pack_strv (pack, meeting->participants);
    hs_map_key (&map, "chairs");
    hs_pack_strv (pack, meeting->chairs);
    hs_map_str (&map, "urgency", meeting->urgency);
    hs_map_int (&map, "deadline", meeting->deadline);
    hs_map_key (&map, "reasons");
    hs_pack_strv (pack, meeting->reasons);
    hs_map_int (&map, "at", meeting->at);
    hs_map_end (&map);
    return 0;
}

int
hs_escalation_encode (const hs_escalation_t *escalation, hs_pack_t *pack)
{
    hs_map_t map;
    hs_map_begin (&map, pack);
    hs_map_int (&map, "v", HS_PROTO_VERSION);
    hs_map_int (&map, "seq", (int64_t) escalation->seq);
    hs_map_str (&map, "to", escalation->to);
    hs_map_str (&map, "from", escalation->from);
    s_case_fields (&map, escalation->case_id, escalation->level, escalation->category,
                   escalation->street, escalation->enterprise, escalation->workers,
                   escalation->amount, escalation->flags, escalation->units,
                   escalation->reasons, escalation->at);
    hs_map_end (&map);
    return 0;
}

int
hs_warning_encode (const hs_warning_t *warning, hs_pack_t *pack)
{
    hs_map_t map;
    hs_map_begin (&map, pack);
    hs_map_int (&map, "v", HS_PROTO_VERSION);
    hs_map_int (&map, "seq", (int64_t) warning->seq);
    hs_map_str (&map, "kind", warning->kind);
    if (warning->case_id)
        hs_map_str (&map, "case", warning->case_id);
    if (warning->meeting_id)
        hs_map_str (&map, "meeting", warning->meeting_id);
    if (warning->source)
        hs_map_str (&map, "source", warning->source);
    if (warning->from > 0) {
        hs_map_int (&map, "from", warning->from);
        hs_map_int (&map, "to", warning->to);
    }
    if (warning->last_heard > 0)
        hs_map_int (&map, "last_heard", warning->last_heard);
    if (warning->enterprise)
        hs_map_str (&map, "enterprise", warning->enterprise);
    if (warning->credit_code && *warning->credit_code)
        hs_map_str (&map, "credit_code", warning->credit_code);
    if (warning->street)
        hs_map_str (&map, "street", warning->street);
    if (warning->category >= 0)
        hs_map_str (&map, "category", hs_category_name (warning->category));
    if (warning->count >= 0)
        hs_map_int (&map, "count", warning->count);
    if (warning->window_ms > 0)
        hs_map_int (&map, "window_ms", warning->window_ms);
    if (warning->streets) {
        hs_map_key (&map, "streets");
        hs_pack_strv (pack, warning->streets);
    }
    hs_map_key (&map, "units");
    hs_pack_strv (pack, warning->units);
    hs_map_key (&map, "reasons");
    hs_pack_strv (pack, warning->reasons);
    hs_map_int (&map, "at", warning->at);
    hs_map_end (&map);
    return 0;
}

int
hs_reminder_encode (const hs_reminder_t *reminder, hs_pack_t *pack)
{
    hs_map_t map;
    hs_map_begin (&map, pack);
    hs_map_int (&map, "v", HS_PROTO_VERSION);
    hs_map_int (&map, "seq", (int64_t) reminder->seq);
    hs_map_str (&map, "meeting", reminder->meeting_id);
    if (reminder->case_id)
        hs_map_str (&map, "case", reminder->case_id);
    hs_map_key (&map, "to");
    hs_pack_strv (pack, reminder->to);
    hs_map_int (&map, "deadline", reminder->deadline);
    hs_map_int (&map, "at", reminder->at);
    hs_map_end (&map);
    return 0;
}

int
hs_event_encode (const hs_event_t *event, hs_pack_t *pack)
{
    hs_map_t map;
    hs_map_begin (&map, pack);
    hs_map_int (&map, "v", HS_PROTO_VERSION);
    hs_map_int (&map, "seq", (int64_t) event->seq);
    hs_map_int (&map, "at", event->at);
    hs_map_str (&map, "type", event->type);
    hs_map_str (&map, "topic", event->topic);
    if (event->case_id)
        hs_map_str (&map, "case", event->case_id);
    if (event->level >= 0) {
        hs_map_str (&map, "level", hs_level_name (event->level));
        hs_map_key (&map, "reasons");
        hs_pack_strv (pack, event->reasons);
        hs_map_str (&map, "rules_version", event->rules_version);
    }
    hs_map_key (&map, "body");
    hs_pack_raw (pack, event->body, event->body_size);
    hs_map_end (&map);
    return 0;
}

//  ---------------------------------------------------------------------
//  Self test

static bool
s_streq (const char *a, const char *b)
{
    return strcmp (a, b) == 0;
}

static int
s_guard_bytes (const uint8_t *data, size_t size, hs_why_t *why)
{
    hs_limits_t limits;
    hs_limits_default (&limits);
    return hs_proto_guard (data, size, &limits, why);
}

void
hs_proto_test (bool verbose)
{
    if (verbose)
        printf (" * hs_proto: ");
    hs_why_t why;
    hs_limits_t limits;
    hs_limits_default (&limits);

    //  Credit codes: a known-good example from the standard's annex, and
    //  the same code with its check character changed.
    assert (hs_credit_code_valid ("91350100M000100Y43"));
    assert (!hs_credit_code_valid ("91350100M000100Y44"));
    assert (!hs_credit_code_valid ("91350100M000100Y4"));
    assert (!hs_credit_code_valid ("9135O100M000100Y43"));
    assert (!hs_credit_code_valid (NULL));

    //  Enumerations round-trip.
    for (int level = 0; level < HS_LEVEL_COUNT; level++)
        assert (hs_level_parse (hs_level_name (level)) == level);
    assert (hs_flag_parse ("extreme") == HS_FLAG_EXTREME);
    assert (hs_category_parse ("nonsense") == -1);
    assert (hs_level_name (HS_LEVEL_COUNT) == NULL);

    //  The guard against declared lengths: issue #1013's five bytes.
    const uint8_t huge_array [] = { 0xdd, 0xff, 0xff, 0xff, 0xff };
    assert (s_guard_bytes (huge_array, sizeof (huge_array), &why) == -1);
    const uint8_t huge_str [] = { 0xdb, 0x7f, 0xff, 0xff, 0xff, 'a' };
    assert (s_guard_bytes (huge_str, sizeof (huge_str), &why) == -1);
    assert (s_streq (why.code, "too_large"));
    const uint8_t huge_map [] = { 0xdf, 0x10, 0x00, 0x00, 0x00 };
    assert (s_guard_bytes (huge_map, sizeof (huge_map), &why) == -1);
    //  Deep nesting: 100 nested one-element arrays.
    uint8_t deep [101];
    memset (deep, 0x91, 100);
    deep [100] = 0x01;
    assert (s_guard_bytes (deep, sizeof (deep), &why) == -1);
    assert (s_streq (why.code, "too_deep"));
    //  Arrays count items, maps count entries, both against max_items.
    uint8_t array [3 + 300];
    array [0] = 0xdc;
    array [1] = 0x01;
    array [2] = 0x2c;                   //  300 items
    memset (array + 3, 0x01, 300);
    assert (s_guard_bytes (array, sizeof (array), &why) == -1);
    array [2] = 0x00;                   //  256 items
    assert (s_guard_bytes (array, 3 + 256, &why) == 0);
    //  Truncated, trailing bytes, the never-used byte.
    const uint8_t truncated [] = { 0x82, 0xa1, 'a' };
    assert (s_guard_bytes (truncated, sizeof (truncated), &why) == -1);
    const uint8_t trailing [] = { 0x80, 0x00 };
    assert (s_guard_bytes (trailing, sizeof (trailing), &why) == -1);
    const uint8_t never_used [] = { 0xc1 };
    assert (s_guard_bytes (never_used, sizeof (never_used), &why) == -1);
    assert (s_guard_bytes (NULL, 0, &why) == -1);

    //  A report encodes, passes the guard, and decodes to the same fields.
    hs_report_t report;
    memset (&report, 0, sizeof (report));
    strcpy (report.id, "r-1");
    strcpy (report.source, "street.caoyang");
    report.at = 1780000000000LL;
    strcpy (report.enterprise, "上海某某制衣有限公司");
    strcpy (report.credit_code, "91350100M000100Y43");
    report.ownership = HS_OWNERSHIP_PRIVATE;
    report.category = HS_CATEGORY_WAGE_ARREARS;
    report.workers = 42;
    report.amount = 600000;
    report.flags = (1u << HS_FLAG_GATHERING) | (1u << HS_FLAG_MEDIA);
    report.summary = "拖欠工资";
    report.summary_size = strlen (report.summary);
    hs_pack_t *pack = hs_pack_new ();
    hs_report_encode (&report, pack);
    msgpack_unpacked unpacked;
    msgpack_unpacked_init (&unpacked);
    int rc = hs_proto_unpack_map (hs_pack_data (pack), hs_pack_size (pack), &limits, &unpacked, &why);
    assert (rc == 0);
    hs_report_t decoded;
    rc = hs_report_decode (&unpacked.data, &limits, report.at, &decoded, &why);
    assert (rc == 0);
    assert (s_streq (decoded.enterprise, report.enterprise));
    assert (decoded.workers == 42 && decoded.amount == 600000);
    assert (decoded.flags == report.flags);
    assert (decoded.ownership == HS_OWNERSHIP_PRIVATE);
    assert (decoded.summary_size == report.summary_size);
    assert (*decoded.street == 0);
    msgpack_unpacked_destroy (&unpacked);

    //  Field-level rejections.
    report.workers = 0;
    hs_pack_reset (pack);
    hs_report_encode (&report, pack);
    msgpack_unpacked_init (&unpacked);
    assert (hs_proto_unpack_map (hs_pack_data (pack), hs_pack_size (pack), &limits, &unpacked, &why) == 0);
    assert (hs_report_decode (&unpacked.data, &limits, report.at, &decoded, &why) == -1);
    assert (s_streq (why.code, "bad_value"));
    msgpack_unpacked_destroy (&unpacked);

    report.workers = 5;
    strcpy (report.credit_code, "91350100M000100Y44");
    hs_pack_reset (pack);
    hs_report_encode (&report, pack);
    msgpack_unpacked_init (&unpacked);
    assert (hs_proto_unpack_map (hs_pack_data (pack), hs_pack_size (pack), &limits, &unpacked, &why) == 0);
    assert (hs_report_decode (&unpacked.data, &limits, report.at, &decoded, &why) == -1);
    assert (s_streq (why.code, "bad_credit_code"));
    msgpack_unpacked_destroy (&unpacked);

    //  `at` far in the future is absurd.
    strcpy (report.credit_code, "");
    hs_pack_reset (pack);
    hs_report_encode (&report, pack);
    msgpack_unpacked_init (&unpacked);
    assert (hs_proto_unpack_map (hs_pack_data (pack), hs_pack_size (pack), &limits, &unpacked, &why) == 0);
    assert (hs_report_decode (&unpacked.data, &limits, report.at - 2 * limits.max_future_ms, &decoded, &why) == -1);
    msgpack_unpacked_destroy (&unpacked);

    //  A body that is not a map.
    const uint8_t array_body [] = { 0x91, 0x01 };
    msgpack_unpacked_init (&unpacked);
    assert (hs_proto_unpack_map (array_body, sizeof (array_body), &limits, &unpacked, &why) == -1);
    assert (s_streq (why.code, "not_a_map"));
    msgpack_unpacked_destroy (&unpacked);

    //  Updates round-trip.
    hs_update_t update;
    memset (&update, 0, sizeof (update));
    strcpy (update.id, "u-1");
    strcpy (update.source, "hrss");
    update.at = report.at;
    strcpy (update.case_id, "putuo-1");
    update.status = HS_STATUS_MEDIATING;
    hs_pack_reset (pack);
    hs_update_encode (&update, pack);
    msgpack_unpacked_init (&unpacked);
    assert (hs_proto_unpack_map (hs_pack_data (pack), hs_pack_size (pack), &limits, &unpacked, &why) == 0);
    hs_update_t update_decoded;
    assert (hs_update_decode (&unpacked.data, &limits, report.at, &update_decoded, &why) == 0);
    assert (update_decoded.status == HS_STATUS_MEDIATING);
    assert (s_streq (update_decoded.case_id, "putuo-1"));
    msgpack_unpacked_destroy (&unpacked);

    //  UTF-8: an overlong encoding is refused.
    assert (!s_utf8_valid ((const uint8_t *) "\xc0\xaf", 2));
    assert (s_utf8_valid ((const uint8_t *) "曹杨", strlen ("曹杨")));

    hs_pack_destroy (&pack);
    assert (pack == NULL);
    if (verbose)
        printf ("OK\n");
}
