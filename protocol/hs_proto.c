/*  =========================================================================
    hs_proto - the wire's vocabulary and the gate every inbound body passes

    Inbound bodies go through three gates, in order: hs_proto_guard walks
    the raw bytes and refuses anything whose declared lengths or nesting
    could make msgpack-c allocate more than the body justifies; msgpack-c
    then unpacks what is left; the decoders (hs_inbound) check every
    field's presence, type and range. Nothing here asserts on input.
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
    "accepted", "mediating", "resolved", "closed", "failed", "signed", "returned"
};

#define COUNT_OF(a) ((int) (sizeof (a) / sizeof ((a) [0])))

const char *
hs_proto_street_short (const char *code)
{
    size_t prefix = strlen (HS_STREET_PREFIX);
    return strncmp (code, HS_STREET_PREFIX, prefix) == 0? code + prefix: code;
}

const char *
hs_proto_name_of (const char *const *names, int count, int value)
{
    return value >= 0 && value < count? names [value]: NULL;
}

int
hs_proto_index_of (const char *const *names, int count, const char *name)
{
    for (int index = 0; name && index < count; index++)
        if (strcmp (names [index], name) == 0)
            return index;
    return -1;
}

#define s_name(names, count, value) hs_proto_name_of ((const char *const *) (names), count, value)
#define s_parse(names, count, name) hs_proto_index_of ((const char *const *) (names), count, name)

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

static void
s_why (hs_why_t *why, const char *code, const char *format, va_list args)
{
    why->code = code;
    vsnprintf (why->detail, sizeof (why->detail), format, args);
}

int
hs_why (hs_why_t *why, const char *code, const char *format, ...)
{
    va_list args;
    va_start (args, format);
    s_why (why, code, format, args);
    va_end (args);
    return -1;
}

int
hs_refuse (hs_why_t *why, const char *code, const char *format, ...)
{
    va_list args;
    va_start (args, format);
    s_why (why, code, format, args);
    va_end (args);
    return 1;
}

//  ---------------------------------------------------------------------
//  The guard

//  True if the bytes are well-formed UTF-8 (no overlongs, no surrogates).
bool
hs_proto_utf8 (const uint8_t *text, size_t size)
{
    //  The well-formed sequences of Unicode's table 3-7, byte by byte: no
    //  overlongs (C0, C1, E0 80-9F, F0 80-8F), no surrogates (ED A0-BF),
    //  nothing past U+10FFFF (F4 90-, F5-).
    size_t pos = 0;
    while (pos < size) {
        //  ASCII eight bytes at a time (most of what we store).
        if (size - pos >= 8) {
            uint64_t word;
            memcpy (&word, text + pos, 8);
            if ((word & 0x8080808080808080ULL) == 0) {
                pos += 8;
                continue;
            }
        }
        uint8_t byte = text [pos];
        if (byte < 0x80) {
            pos++;
            continue;
        }
        size_t left = size - pos;
        if (byte >= 0xc2 && byte <= 0xdf) {
            if (left < 2 || (text [pos + 1] & 0xc0) != 0x80)
                return false;
            pos += 2;
        }
        else
        if (byte >= 0xe0 && byte <= 0xf4) {
            //  Three bytes (E0-EF) or four (F0-F4): the second byte's range
            //  is narrower at the ends, the rest are plain continuations.
            size_t length = byte >= 0xf0? 4: 3;
            if (left < length)
                return false;
            uint8_t second = text [pos + 1];
            uint8_t low = byte == 0xe0? 0xa0: byte == 0xf0? 0x90: 0x80;
            uint8_t high = byte == 0xed? 0x9f: byte == 0xf4? 0x8f: 0xbf;
            if (second < low || second > high)
                return false;
            for (size_t index = 2; index < length; index++)
                if ((text [pos + index] & 0xc0) != 0x80)
                    return false;
            pos += length;
        }
        else
            return false;
    }
    return true;
}


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

//  Walk the one root object at the start of `data` under `limits`; its
//  length goes to *end. The guard then insists nothing follows it.
//  What a walk does beside checking: call `fn` for each string, and with
//  `words` take 0xc1 and the byte after it as one object (hs_words).
typedef struct {
    hs_proto_text_fn *fn;
    void *arg;
    bool words;
} s_visit_t;

static int
s_walk (const uint8_t *data, size_t size, const hs_limits_t *limits, bool utf8, hs_why_t *why,
        size_t *end, const s_visit_t *visit)
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
        size_t start = pos;
        uint8_t type = data [pos++];
        if (type == 0xc1 && visit && visit->words) {
            if (pos >= size)
                return hs_why (why, "malformed", "a word cut short at byte %zu", start);
            pos++;
            if (visit->fn (data + start, 2, visit->arg))
                return hs_why (why, "malformed", "a word refused at byte %zu", start);
            continue;
        }
        size_t skip = 0;                //  fixed payload bytes
        size_t length_width = 0;        //  bytes of a declared length
        size_t extra = 0;               //  payload bytes beyond the length
        uint64_t items = 0;             //  children of a container
        bool container = false;
        bool payload = false;           //  str / bin / ext with a length
        bool text = (type >= 0xa0 && type <= 0xbf) || type == 0xd9 || type == 0xda
                 || type == 0xdb;

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
            if (utf8 && text && !hs_proto_utf8 (data + pos, (size_t) items))
                return hs_why (why, "malformed", "a string at byte %zu is not UTF-8", pos);
            pos += items + extra;
            if (text && visit && visit->fn (data + start, pos - start, visit->arg))
                return hs_why (why, "malformed", "a string refused at byte %zu", start);
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
    *end = pos;
    return 0;
}

int
hs_proto_guard (const uint8_t *data, size_t size,
                const hs_limits_t *limits, hs_why_t *why)
{
    size_t end;
    if (s_walk (data, size, limits, false, why, &end, NULL))
        return -1;
    if (end != size)
        return hs_why (why, "malformed", "%zu trailing bytes after the body", size - end);
    return 0;
}

//  A walk of what we wrote ourselves: under the stored limits, however
//  long the bytes are.
static int
s_walk_stored (const uint8_t *data, size_t size, bool utf8, size_t *end, const s_visit_t *visit)
{
    hs_limits_t limits;
    hs_limits_stored (&limits);
    if (size > limits.max_body)
        limits.max_body = size;
    hs_why_t why;
    return s_walk (data, size, &limits, utf8, &why, end, visit);
}

int
hs_proto_skip (const uint8_t *data, size_t size, size_t *length)
{
    return s_walk_stored (data, size, false, length, NULL);
}

bool
hs_proto_sound (const void *data, size_t size)
{
    size_t end;
    return s_walk_stored ((const uint8_t *) data, size, true, &end, NULL) == 0 && end == size;
}

int
hs_proto_texts (const uint8_t *data, size_t size, bool words, hs_proto_text_fn *fn, void *arg)
{
    size_t end;
    s_visit_t visit = { fn, arg, words };
    return s_walk_stored (data, size, false, &end, &visit) == 0 && end == size? 0: -1;
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
//  Reading records field by field

void
hs_proto_reader_init (hs_proto_reader_t *reader, const void *data, size_t size)
{
    reader->data = (const uint8_t *) data;
    reader->size = size;
    reader->pos = 0;
}

int
hs_proto_read_raw (hs_proto_reader_t *reader, const uint8_t **start, size_t *size)
{
    size_t length;
    if (reader->pos >= reader->size
    ||  hs_proto_skip (reader->data + reader->pos, reader->size - reader->pos, &length))
        return -1;
    *start = reader->data + reader->pos;
    *size = length;
    reader->pos += length;
    return 0;
}

int
hs_proto_read_map (hs_proto_reader_t *reader, uint32_t *entries)
{
    if (reader->pos >= reader->size)
        return -1;
    const uint8_t *at = reader->data + reader->pos;
    size_t left = reader->size - reader->pos;
    if (at [0] >= 0x80 && at [0] <= 0x8f) {
        *entries = at [0] & 0x0f;
        reader->pos += 1;
    }
    else
    if (at [0] == 0xde && left >= 3) {
        *entries = (uint32_t) s_read_be (at + 1, 2);
        reader->pos += 3;
    }
    else
    if (at [0] == 0xdf && left >= 5) {
        *entries = (uint32_t) s_read_be (at + 1, 4);
        reader->pos += 5;
    }
    else
        return -1;
    return 0;
}

int
hs_proto_read_str (hs_proto_reader_t *reader, const char **text, size_t *size)
{
    if (reader->pos >= reader->size)
        return -1;
    const uint8_t *at = reader->data + reader->pos;
    size_t left = reader->size - reader->pos;
    size_t header, length;
    if (at [0] >= 0xa0 && at [0] <= 0xbf) {
        header = 1;
        length = at [0] & 0x1f;
    }
    else
    if (at [0] == 0xd9 && left >= 2) {
        header = 2;
        length = at [1];
    }
    else
    if (at [0] == 0xda && left >= 3) {
        header = 3;
        length = (size_t) s_read_be (at + 1, 2);
    }
    else
    if (at [0] == 0xdb && left >= 5) {
        header = 5;
        length = (size_t) s_read_be (at + 1, 4);
    }
    else
        return -1;
    if (length > left - header)
        return -1;
    *text = (const char *) at + header;
    *size = length;
    reader->pos += header + length;
    return 0;
}

int
hs_proto_read_int (hs_proto_reader_t *reader, int64_t *value)
{
    if (reader->pos >= reader->size)
        return -1;
    const uint8_t *at = reader->data + reader->pos;
    size_t left = reader->size - reader->pos;
    uint8_t type = at [0];
    if (type <= 0x7f) {
        *value = type;
        reader->pos += 1;
        return 0;
    }
    if (type >= 0xe0) {
        *value = (int8_t) type;
        reader->pos += 1;
        return 0;
    }
    size_t width = type == 0xcc || type == 0xd0? 1: type == 0xcd || type == 0xd1? 2:
                   type == 0xce || type == 0xd2? 4: type == 0xcf || type == 0xd3? 8: 0;
    if (width == 0 || left < 1 + width)
        return -1;
    uint64_t raw = s_read_be (at + 1, width);
    if (type >= 0xd0) {
        //  Signed: sign-extend from its width.
        int shift = 64 - 8 * (int) width;
        *value = shift? (int64_t) (raw << shift) >> shift: (int64_t) raw;
    }
    else {
        if (raw > (uint64_t) INT64_MAX)
            return -1;
        *value = (int64_t) raw;
    }
    reader->pos += 1 + width;
    return 0;
}

//  ---------------------------------------------------------------------
//  Self test

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
    assert (strcmp (why.code, "too_large") == 0);
    const uint8_t huge_map [] = { 0xdf, 0x10, 0x00, 0x00, 0x00 };
    assert (s_guard_bytes (huge_map, sizeof (huge_map), &why) == -1);
    //  UTF-8 as Unicode's table 3-7 has it (what python3's strict decoder
    //  takes: the two agreed on 220,000 random sequences when this was written).
    static const struct { const char *bytes; size_t size; bool good; } texts [] = {
        { "plain ascii, longer than a word", 31, true }, { "\xe4\xb8\x8a", 3, true },
        { "\xc2\x80", 2, true }, { "\xdf\xbf", 2, true }, { "\xef\xbf\xbf", 3, true },
        { "\xf0\x90\x80\x80", 4, true }, { "\xf4\x8f\xbf\xbf", 4, true },
        { "\xc0\x80", 2, false }, { "\xc1\xbf", 2, false }, { "\xe0\x9f\xbf", 3, false },
        { "\xed\xa0\x80", 3, false }, { "\xf0\x8f\xbf\xbf", 4, false },
        { "\xf4\x90\x80\x80", 4, false }, { "\xf5\x80\x80\x80", 4, false },
        { "\xe4\xb8", 2, false }, { "\x80", 1, false }, { "abcdefg\xff", 8, false }
    };
    for (size_t index = 0; index < sizeof (texts) / sizeof (texts [0]); index++)
        assert (hs_proto_utf8 ((const uint8_t *) texts [index].bytes, texts [index].size)
                == texts [index].good);
    //  Read back from the store: whole, and every string UTF-8 ("上" is
    //  e4 b8 8a; one byte of it changed is not), keys too; bin is not text.
    const uint8_t sound [] = { 0x82, 0xa1, 'k', 0xa3, 0xe4, 0xb8, 0x8a, 0xa1, 'b', 0xc4, 1, 0xff };
    assert (hs_proto_sound (sound, sizeof (sound)));
    assert (!hs_proto_sound (sound, sizeof (sound) - 1));
    uint8_t damaged [sizeof (sound)];
    memcpy (damaged, sound, sizeof (sound));
    damaged [5] = 0x41;
    assert (!hs_proto_sound (damaged, sizeof (damaged)));
    memcpy (damaged, sound, sizeof (sound));
    damaged [2] = 0xe3;
    assert (!hs_proto_sound (damaged, sizeof (damaged)));
    //  Deep nesting: 100 nested one-element arrays.
    uint8_t deep [101];
    memset (deep, 0x91, 100);
    deep [100] = 0x01;
    assert (s_guard_bytes (deep, sizeof (deep), &why) == -1);
    assert (strcmp (why.code, "too_deep") == 0);
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

    //  A body that is not a map.
    hs_limits_t limits;
    hs_limits_default (&limits);
    const uint8_t array_body [] = { 0x91, 0x01 };
    msgpack_unpacked unpacked;
    msgpack_unpacked_init (&unpacked);
    assert (hs_proto_unpack_map (array_body, sizeof (array_body), &limits, &unpacked, &why) == -1);
    assert (strcmp (why.code, "not_a_map") == 0);
    msgpack_unpacked_destroy (&unpacked);

    //  Skipping one object among several; reading a map field by field:
    //  {"a": -3, "bb": "xy", "c": [1, 2]} then a trailing 7.
    const uint8_t record [] = { 0x83, 0xa1, 'a', 0xfd, 0xa2, 'b', 'b', 0xa2, 'x', 'y',
                                0xa1, 'c', 0x92, 0x01, 0x02, 0x07 };
    size_t length;
    assert (hs_proto_skip (record, sizeof (record), &length) == 0 && length == sizeof (record) - 1);
    assert (hs_proto_skip (truncated, sizeof (truncated), &length) == -1);
    hs_proto_reader_t reader;
    hs_proto_reader_init (&reader, record, sizeof (record));
    uint32_t entries;
    const char *text;
    size_t size;
    int64_t number;
    const uint8_t *raw;
    assert (hs_proto_read_map (&reader, &entries) == 0 && entries == 3);
    assert (hs_proto_read_str (&reader, &text, &size) == 0 && size == 1 && *text == 'a');
    assert (hs_proto_read_int (&reader, &number) == 0 && number == -3);
    assert (hs_proto_read_str (&reader, &text, &size) == 0 && size == 2);
    assert (hs_proto_read_int (&reader, &number) == -1);        //  a string is no integer
    assert (hs_proto_read_raw (&reader, &raw, &size) == 0 && size == 3 && raw [0] == 0xa2);
    assert (hs_proto_read_str (&reader, &text, &size) == 0 && *text == 'c');
    assert (hs_proto_read_raw (&reader, &raw, &size) == 0 && size == 3 && raw [0] == 0x92);
    assert (hs_proto_read_int (&reader, &number) == 0 && number == 7);
    assert (hs_proto_read_int (&reader, &number) == -1);        //  nothing left
    const uint8_t wide [] = { 0xd1, 0xff, 0x38, 0xcf, 0, 0, 0, 1, 0, 0, 0, 0 };
    hs_proto_reader_init (&reader, wide, sizeof (wide));
    assert (hs_proto_read_int (&reader, &number) == 0 && number == -200);
    assert (hs_proto_read_int (&reader, &number) == 0 && number == (int64_t) 1 << 32);

    //  Strings: copied whole or refused, never cut.
    char small [4];
    hs_strcpy (small, sizeof (small), "abcdef");
    assert (strcmp (small, "abc") == 0);
    char joined [16];
    assert (hs_strjoin (joined, sizeof (joined), "alert.", "major", ".", "wanli", NULL) == 15);
    assert (strcmp (joined, "alert.major.wan") == 0);
    if (verbose)
        printf ("OK\n");
}
