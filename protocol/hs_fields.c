/*  =========================================================================
    hs_fields - reading one field of an inbound body, checked

    Shared by the inbound decoders (hs_inbound, hs_act): presence, type,
    range, UTF-8 without NUL bytes, printable ASCII tokens. A failure
    names the field in `why` and returns -1.
    =========================================================================
*/

#include "hs_fields.h"
#include <stdio.h>
#include <string.h>

//  ---------------------------------------------------------------------
//  Field decoding

//  A code or id: printable ASCII, no spaces (they travel in topics).
bool
hs_field_token (const char *text)
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
int
hs_field_str (const msgpack_object *map, const char *key, bool required,
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
    || !hs_proto_utf8 ((const uint8_t *) dest, obj->via.str.size))
        return hs_why (why, "bad_value", "field '%s' is not valid UTF-8 text", key);
    return 0;
}

//  Read a string field that must be one of an enumeration's names.
int
hs_field_enum (const msgpack_object *map, const char *key, bool required,
            int (*parse) (const char *), int *value, hs_why_t *why)
{
    char text [HS_CODE_MAX + 1];
    int rc = hs_field_str (map, key, required, text, sizeof (text), why);
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
int
hs_field_int (const msgpack_object *map, const char *key, bool required,
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
int
hs_field_text (const msgpack_object *map, const char *key, size_t max,
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
    if (!hs_proto_utf8 ((const uint8_t *) obj->via.str.ptr, obj->via.str.size)
    ||  memchr (obj->via.str.ptr, 0, obj->via.str.size))
        return hs_why (why, "bad_value", "field '%s' is not valid UTF-8 text", key);
    *text = obj->via.str.ptr;
    *size = obj->via.str.size;
    return 0;
}

//  The fields every inbound body has: v, id, source, at.
int
hs_field_common (const msgpack_object *map, const hs_limits_t *limits, int64_t now_ms,
              char *id, char *source, int64_t *at, hs_why_t *why)
{
    int64_t version;
    if (hs_field_int (map, "v", true, 0, INT32_MAX, &version, why))
        return -1;
    if (version != HS_PROTO_VERSION)
        return hs_why (why, "bad_version", "protocol version %lld is not %d",
                       (long long) version, HS_PROTO_VERSION);
    if (hs_field_str (map, "id", true, id, HS_ID_MAX + 1, why))
        return -1;
    if (!hs_field_token (id))
        return hs_why (why, "bad_value", "field 'id' must be printable ASCII without spaces");
    if (hs_field_str (map, "source", true, source, HS_CODE_MAX + 1, why))
        return -1;
    if (!hs_field_token (source))
        return hs_why (why, "bad_value", "field 'source' is not a unit code");
    if (hs_field_int (map, "at", true, limits->min_at, now_ms + limits->max_future_ms, at, why))
        return -1;
    return 0;
}

//  A msgpack array of at most `max` strings, each a token if `tokens`,
//  else valid text of at most HS_NOTE_MAX bytes. Absent or nil: NULL.
int
hs_field_strings (const msgpack_object *map, const char *key, bool tokens, size_t max,
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
        if (tokens && (hs_proto_strcpy (item, token, sizeof (token)) || !hs_field_token (token)))
            return hs_why (why, "bad_value", "field '%s' holds something that is not a code", key);
        if (!tokens && (item->via.str.size > HS_NOTE_MAX
                    ||  !hs_proto_utf8 ((const uint8_t *) item->via.str.ptr, item->via.str.size)
                    ||  memchr (item->via.str.ptr, 0, item->via.str.size)))
            return hs_why (why, "bad_value", "field '%s' holds invalid or overlong text", key);
    }
    *list = obj;
    return 0;
}


//  An optional array of flag names, as a bit set (absent or nil: 0).
int
hs_field_flags (const msgpack_object *map, const char *key, uint32_t *flags_out, hs_why_t *why)
{
    *flags_out = 0;
    const msgpack_object *flags = hs_proto_get (map, key);
    if (flags && flags->type != MSGPACK_OBJECT_NIL) {
        if (flags->type != MSGPACK_OBJECT_ARRAY)
            return hs_why (why, "bad_type", "field '%s' must be an array of strings", key);
        for (uint32_t index = 0; index < flags->via.array.size; index++) {
            const msgpack_object *item = &flags->via.array.ptr [index];
            char name [32];
            if (item->type != MSGPACK_OBJECT_STR)
                return hs_why (why, "bad_type", "field '%s' must be an array of flag names", key);
            if (hs_proto_strcpy (item, name, sizeof (name)))
                return hs_why (why, "bad_value", "unknown flag of %u bytes", item->via.str.size);
            int flag = hs_flag_parse (name);
            if (flag < 0)
                return hs_why (why, "bad_value", "unknown flag '%s'", name);
            *flags_out |= 1u << flag;
        }
    }
    return 0;
}

//  The person who acted (an update's or an act's `person`), optional.
//  Shown in a case's history line: no control characters (no newline).
int
hs_field_person (const msgpack_object *map, char *person, hs_why_t *why)
{
    if (hs_field_str (map, "person", false, person, HS_PERSON_MAX + 1, why) < 0)
        return -1;
    for (const char *scan = person; *scan; scan++)
        if ((unsigned char) *scan < 0x20 || *scan == 0x7f)
            return hs_why (why, "bad_value", "field 'person' holds a control character");
    return 0;
}
