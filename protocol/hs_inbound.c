/*  =========================================================================
    hs_inbound - what feeders send: decoding and validating each body

    Every field is checked for presence, type and range before anything
    uses it; text must be valid UTF-8 without NUL bytes, codes and ids
    printable ASCII (they travel in topics), credit codes must pass the
    GB 32100-2015 check. A failure names the field and returns -1.
    =========================================================================
*/

#include "hs_inbound.h"
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <assert.h>

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
//  Encoding (feeders, tests, the bench)

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


void
hs_inbound_test (bool verbose)
{
    if (verbose)
        printf (" * hs_inbound: ");
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
    assert (!strcmp (decoded.enterprise, report.enterprise));
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
    assert (!strcmp (why.code, "bad_value"));
    msgpack_unpacked_destroy (&unpacked);

    report.workers = 5;
    strcpy (report.credit_code, "91350100M000100Y44");
    hs_pack_reset (pack);
    hs_report_encode (&report, pack);
    msgpack_unpacked_init (&unpacked);
    assert (hs_proto_unpack_map (hs_pack_data (pack), hs_pack_size (pack), &limits, &unpacked, &why) == 0);
    assert (hs_report_decode (&unpacked.data, &limits, report.at, &decoded, &why) == -1);
    assert (!strcmp (why.code, "bad_credit_code"));
    msgpack_unpacked_destroy (&unpacked);

    //  `at` far in the future is absurd.
    strcpy (report.credit_code, "");
    hs_pack_reset (pack);
    hs_report_encode (&report, pack);
    msgpack_unpacked_init (&unpacked);
    assert (hs_proto_unpack_map (hs_pack_data (pack), hs_pack_size (pack), &limits, &unpacked, &why) == 0);
    assert (hs_report_decode (&unpacked.data, &limits, report.at - 2 * limits.max_future_ms, &decoded, &why) == -1);
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
    assert (!strcmp (update_decoded.case_id, "putuo-1"));
    msgpack_unpacked_destroy (&unpacked);

    //  UTF-8: an overlong encoding is refused.
    assert (!s_utf8_valid ((const uint8_t *) "\xc0\xaf", 2));
    assert (s_utf8_valid ((const uint8_t *) "曹杨", strlen ("曹杨")));

    hs_pack_destroy (&pack);
    assert (pack == NULL);
    if (verbose)
        printf ("OK\n");
}
