/*  =========================================================================
    hs_inspection_msg - the wire of inspection: decoding each inbound body,
                        encoding what is published

    The same checks as the other decoders (protocol/hs_fields): text
    valid UTF-8 without NUL, codes and ids printable tokens; a failure
    names the field and returns -1.
    =========================================================================
*/

#include "hs_inspection_msg.h"
#include "hs_fields.h"
#include "hs_handler.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <assert.h>

//  A required text of 1..max bytes. Returns 0, or -1 with `why` set.
static int
s_required_text (const msgpack_object *map, const char *key, size_t max, const char **text,
                 size_t *size, hs_why_t *why)
{
    if (hs_field_text (map, key, max, text, size, why))
        return -1;
    if (!*text)
        return hs_why (why, "missing_field", "required field '%s' is missing", key);
    if (!*size)
        return hs_why (why, "bad_value", "field '%s' is empty", key);
    return 0;
}

//  A required plan id under `key`.
static int
s_plan_id (const msgpack_object *map, const char *key, bool required, char *plan, hs_why_t *why)
{
    int rc = hs_field_str (map, key, required, plan, HS_ID_MAX + 1, why);
    if (rc < 0 || (rc == 0 && !hs_field_token (plan)))
        return rc < 0? -1: hs_why (why, "bad_value", "field '%s' is not a plan id", key);
    return 0;
}

//  A required list of 1..max strings; texts of at most `text_max` bytes.
static int
s_list (const msgpack_object *map, const char *key, bool tokens, size_t max, size_t text_max,
        const msgpack_object **list, hs_why_t *why)
{
    if (hs_field_strings (map, key, tokens, max, list, why))
        return -1;
    if (!*list)
        return hs_why (why, "missing_field", "required field '%s' is missing", key);
    if ((*list)->via.array.size == 0)
        return hs_why (why, "bad_value", "field '%s' is empty", key);
    for (uint32_t index = 0; index < (*list)->via.array.size; index++) {
        size_t size = (*list)->via.array.ptr [index].via.str.size;
        if (size == 0 || size > text_max)
            return hs_why (why, "bad_value", "%s %u is empty or longer than %zu bytes", key,
                           index + 1, text_max);
    }
    return 0;
}

int
hs_inspect_decode (const msgpack_object *map, const hs_limits_t *limits, int64_t now_ms,
                   hs_inspect_in_t *inspect, hs_why_t *why)
{
    memset (inspect, 0, sizeof (*inspect));
    if (hs_field_common (map, limits, now_ms, inspect->id, inspect->source, &inspect->at, why)
    ||  s_required_text (map, "title", HS_INSPECTION_TITLE_MAX, &inspect->title,
                         &inspect->title_size, why)
    ||  s_list (map, "units", true, HS_INSPECTION_MAX_UNITS, HS_CODE_MAX, &inspect->units, why)
    ||  s_list (map, "items", false, HS_INSPECTION_MAX_ITEMS, HS_INSPECTION_ITEM_MAX,
                &inspect->items, why)
    ||  hs_field_int (map, "start", true, 1, INT64_MAX / 4, &inspect->start, why)
    ||  hs_field_int (map, "end", true, 1, INT64_MAX / 4, &inspect->end, why)
    ||  s_plan_id (map, "plan", false, inspect->plan, why))
        return -1;
    if (inspect->end <= inspect->start)
        return hs_why (why, "bad_value", "field 'end' must come after 'start'");
    return 0;
}

int
hs_inspect_decision_decode (const msgpack_object *map, const hs_limits_t *limits,
                            int64_t now_ms, hs_inspect_decision_t *decision, hs_why_t *why)
{
    memset (decision, 0, sizeof (*decision));
    char word [16];
    if (hs_field_common (map, limits, now_ms, decision->id, decision->source, &decision->at, why)
    ||  s_plan_id (map, "plan", true, decision->plan, why)
    ||  hs_field_str (map, "decision", true, word, sizeof (word), why)
    ||  hs_field_text (map, "note", HS_NOTE_MAX, &decision->note, &decision->note_size, why))
        return -1;
    if (strcmp (word, "approve") && strcmp (word, "return"))
        return hs_why (why, "bad_value", "field 'decision' must be approve or return");
    decision->approve = strcmp (word, "approve") == 0;
    if (!decision->approve && (!decision->note || !decision->note_size))
        return hs_why (why, "missing_field", "a plan returned needs a 'note' saying why");
    return 0;
}

//  The rectifications a result asks: maps {owner, text, due}.
static int
s_check_rectify (const msgpack_object *map, int64_t now_ms, const msgpack_object **list,
                 hs_why_t *why)
{
    *list = hs_proto_get (map, "rectify");
    if (!*list || (*list)->type == MSGPACK_OBJECT_NIL) {
        *list = NULL;
        return 0;
    }
    if ((*list)->type != MSGPACK_OBJECT_ARRAY)
        return hs_why (why, "bad_type", "field 'rectify' must be an array of maps");
    if ((*list)->via.array.size > HS_FINDING_MAX_RECTIFY)
        return hs_why (why, "bad_value", "at most %d rectifications a result",
                       HS_FINDING_MAX_RECTIFY);
    for (uint32_t index = 0; index < (*list)->via.array.size; index++) {
        const msgpack_object *item = &(*list)->via.array.ptr [index];
        if (item->type != MSGPACK_OBJECT_MAP)
            return hs_why (why, "bad_type", "rectification %u must be a map", index + 1);
        char owner [HS_CODE_MAX + 1];
        const char *text;
        size_t text_size;
        int64_t due;
        if (hs_field_str (item, "owner", true, owner, sizeof (owner), why)
        ||  s_required_text (item, "text", HS_INSPECTION_ITEM_MAX, &text, &text_size, why)
        ||  hs_field_int (item, "due", true, 1, INT64_MAX / 4, &due, why))
            return -1;
        if (!hs_field_token (owner))
            return hs_why (why, "bad_value", "rectification %u: 'owner' is a unit code",
                           index + 1);
        if (due <= now_ms)
            return hs_why (why, "bad_value", "rectification %u: its 'due' time has passed",
                           index + 1);
    }
    return 0;
}

int
hs_finding_decode (const msgpack_object *map, const hs_limits_t *limits, int64_t now_ms,
                   hs_finding_in_t *finding, hs_why_t *why)
{
    memset (finding, 0, sizeof (*finding));
    if (hs_field_common (map, limits, now_ms, finding->id, finding->source, &finding->at, why)
    ||  s_plan_id (map, "plan", true, finding->plan, why)
    ||  hs_field_str (map, "unit", true, finding->unit, sizeof (finding->unit), why)
    ||  s_required_text (map, "findings", HS_NOTE_MAX, &finding->findings,
                         &finding->findings_size, why)
    ||  s_check_rectify (map, now_ms, &finding->rectify, why))
        return -1;
    if (!hs_field_token (finding->unit))
        return hs_why (why, "bad_value", "field 'unit' is not a unit code");
    return 0;
}

int
hs_rectified_decode (const msgpack_object *map, const hs_limits_t *limits, int64_t now_ms,
                     hs_rectified_t *done, hs_why_t *why)
{
    memset (done, 0, sizeof (*done));
    if (hs_field_common (map, limits, now_ms, done->id, done->source, &done->at, why)
    ||  hs_field_str (map, "item", true, done->item, sizeof (done->item), why))
        return -1;
    if (!hs_field_token (done->item))
        return hs_why (why, "bad_value", "field 'item' is not a rectification id");
    return hs_field_text (map, "note", HS_NOTE_MAX, &done->note, &done->note_size, why);
}

//  The common fields of a body a client sends.
static void
s_begin (hs_map_t *map, hs_pack_t *pack, const char *id, const char *source, int64_t at)
{
    hs_pack_reset (pack);
    hs_map_begin (map, pack);
    hs_map_int (map, "v", HS_PROTO_VERSION);
    hs_map_str (map, "id", id);
    hs_map_str (map, "source", source);
    hs_map_int (map, "at", at);
}

int
hs_inspect_encode (const char *id, const char *source, int64_t at, const char *title,
                   const char *const *units, const char *const *items, int64_t start,
                   int64_t end, const char *plan, hs_pack_t *pack)
{
    hs_map_t map;
    s_begin (&map, pack, id, source, at);
    hs_map_str (&map, "title", title);
    hs_map_key (&map, "units");
    hs_pack_strv (pack, units);
    hs_map_key (&map, "items");
    hs_pack_strv (pack, items);
    hs_map_int (&map, "start", start);
    hs_map_int (&map, "end", end);
    if (plan)
        hs_map_str (&map, "plan", plan);
    hs_map_end (&map);
    return 0;
}

int
hs_finding_encode (const char *id, const char *source, int64_t at, const char *plan,
                   const char *unit, const char *findings, const hs_rectify_t *rectify,
                   size_t count, hs_pack_t *pack)
{
    hs_map_t map;
    s_begin (&map, pack, id, source, at);
    hs_map_str (&map, "plan", plan);
    hs_map_str (&map, "unit", unit);
    hs_map_str (&map, "findings", findings);
    hs_map_key (&map, "rectify");
    hs_pack_array (pack, count);
    for (size_t index = 0; index < count; index++) {
        hs_map_t item;
        hs_map_begin (&item, pack);
        hs_map_str (&item, "owner", rectify [index].owner);
        hs_map_str (&item, "text", rectify [index].text);
        hs_map_int (&item, "due", rectify [index].due);
        hs_map_end (&item);
    }
    hs_map_end (&map);
    return 0;
}

//  ---------------------------------------------------------------------
//  Outbound

//  A rectification as said: item, unit, owner, text, due.
static void
s_pack_rectify (hs_pack_t *pack, const hs_rectify_t *item)
{
    hs_map_t map;
    hs_map_begin (&map, pack);
    hs_map_str (&map, "item", item->id);
    hs_map_str (&map, "unit", item->unit);
    hs_map_str (&map, "owner", item->owner);
    hs_map_str (&map, "text", item->text);
    hs_map_int (&map, "due", item->due);
    hs_map_end (&map);
}

int
hs_inspection_out_encode (const hs_inspection_out_t *out, hs_pack_t *pack)
{
    const hs_inspection_rec_t *plan = out->plan;
    const char *kind = out->kind;
    bool drafted = strcmp (kind, "plan") == 0, approved = strcmp (kind, "approved") == 0;
    bool result = strcmp (kind, "result") == 0, notice = strcmp (kind, "notice") == 0;
    bool item = notice || strcmp (kind, "rectified") == 0;
    hs_map_t map;
    hs_map_begin (&map, pack);
    hs_map_int (&map, "v", HS_PROTO_VERSION);
    hs_map_int (&map, "seq", (int64_t) out->seq);
    hs_map_str (&map, "plan", plan->id);
    hs_map_str (&map, "title", plan->title);
    hs_map_str (&map, "state", hs_inspection_state_name (plan->state));
    if (drafted || approved) {
        hs_map_str (&map, "source", plan->source);
        hs_map_key (&map, "units");
        hs_pack_array (pack, plan->unit_count);
        for (size_t index = 0; index < plan->unit_count; index++)
            hs_pack_str (pack, plan->units [index].unit);
        hs_map_key (&map, "items");
        hs_pack_array (pack, plan->item_count);
        for (size_t index = 0; index < plan->item_count; index++)
            hs_pack_str (pack, plan->items [index]);
        hs_map_int (&map, "start", plan->start);
        hs_map_int (&map, "end", plan->end);
        if (*plan->revises)
            hs_map_str (&map, "revises", plan->revises);
    }
    if (approved || strcmp (kind, "returned") == 0) {
        hs_map_str (&map, "decider", plan->decider);
        hs_map_str (&map, "note", plan->note);
    }
    if (result) {
        const hs_inspection_unit_t *unit = &plan->units [out->unit];
        hs_map_str (&map, "unit", unit->unit);
        hs_map_str (&map, "findings", unit->findings);
        size_t count = 0;
        for (size_t index = 0; index < plan->rectify_count; index++)
            count += strcmp (plan->rectify [index].unit, unit->unit) == 0;
        hs_map_key (&map, "rectify");
        hs_pack_array (pack, count);
        for (size_t index = 0; index < plan->rectify_count; index++)
            if (strcmp (plan->rectify [index].unit, unit->unit) == 0)
                s_pack_rectify (pack, &plan->rectify [index]);
    }
    if (item) {
        const hs_rectify_t *fix = &plan->rectify [out->item];
        hs_map_str (&map, "item", fix->id);
        hs_map_str (&map, "unit", fix->unit);
        hs_map_str (&map, "owner", fix->owner);
        hs_map_str (&map, "text", fix->text);
        hs_map_int (&map, "due", fix->due);
        if (notice) {
            hs_map_str (&map, "rung", hs_rung_name (fix->rung));
            hs_map_int (&map, "count", fix->notices);
            hs_map_int (&map, "late_ms", out->at - fix->due);
        }
        else
            hs_map_int (&map, "done", fix->done_at);
    }
    if (strcmp (kind, "complete") == 0)
        hs_map_int (&map, "rectifications", (int64_t) plan->rectify_count);
    if (strcmp (kind, "reminder") == 0) {
        hs_map_int (&map, "drafted", plan->drafted);
        hs_map_int (&map, "count", plan->reminders);
        hs_map_int (&map, "waiting_ms", out->at - plan->drafted);
    }
    if (out->note && out->note_size) {
        hs_map_key (&map, "note");
        hs_pack_strn (pack, out->note, out->note_size);
    }
    if (out->update)
        hs_map_str (&map, "update", out->update);
    hs_map_key (&map, "to");
    hs_pack_strv (pack, out->to);
    if (out->reasons) {
        hs_map_key (&map, "reasons");
        hs_pack_strv (pack, out->reasons);
    }
    hs_map_int (&map, "at", out->at);
    hs_map_end (&map);
    return 0;
}

//  ---------------------------------------------------------------------
//  Self test

//  Decode a body written as msgpack by `fill`; the decoder's return code
//  and, refused, its reason's code.
typedef int (s_decoder_fn) (const msgpack_object *map, hs_why_t *why);

static int s_inspect (const msgpack_object *map, hs_why_t *why)
{
    hs_limits_t limits;
    hs_limits_default (&limits);
    hs_inspect_in_t in;
    return hs_inspect_decode (map, &limits, 1800000000000LL, &in, why);
}

static int s_decide (const msgpack_object *map, hs_why_t *why)
{
    hs_limits_t limits;
    hs_limits_default (&limits);
    hs_inspect_decision_t in;
    return hs_inspect_decision_decode (map, &limits, 1800000000000LL, &in, why);
}

static int s_finding (const msgpack_object *map, hs_why_t *why)
{
    hs_limits_t limits;
    hs_limits_default (&limits);
    hs_finding_in_t in;
    return hs_finding_decode (map, &limits, 1800000000000LL, &in, why);
}

//  Decode the body in `pack`: NULL if taken, else the refusal's code.
static const char *
s_try (s_decoder_fn *decode, hs_pack_t *pack)
{
    static hs_why_t why;
    msgpack_unpacked unpacked;
    msgpack_unpacked_init (&unpacked);
    size_t offset = 0;
    assert (msgpack_unpack_next (&unpacked, (const char *) hs_pack_data (pack),
                                 hs_pack_size (pack), &offset) == MSGPACK_UNPACK_SUCCESS);
    memset (&why, 0, sizeof (why));
    int rc = decode (&unpacked.data, &why);
    msgpack_unpacked_destroy (&unpacked);
    return rc? why.code: NULL;
}

static void
s_common (hs_map_t *map, hs_pack_t *pack, const char *source)
{
    hs_pack_reset (pack);
    hs_map_begin (map, pack);
    hs_map_int (map, "v", HS_PROTO_VERSION);
    hs_map_str (map, "id", "t-1");
    hs_map_str (map, "source", source);
    hs_map_int (map, "at", 1800000000000LL - 1000);
}

//  A plan body, with `end` and maybe without items.
static const char *
s_plan_body (hs_pack_t *pack, int64_t end, bool items)
{
    hs_map_t map;
    s_common (&map, pack, "office");
    hs_map_str (&map, "title", "根治欠薪专项督查");
    hs_map_key (&map, "units");
    hs_pack_array (pack, 2);
    hs_pack_str (pack, "hrss");
    hs_pack_str (pack, "caoyang");
    if (items) {
        hs_map_key (&map, "items");
        hs_pack_array (pack, 1);
        hs_pack_str (pack, "工资专户落实情况");
    }
    hs_map_int (&map, "start", 1800000000000LL);
    hs_map_int (&map, "end", end);
    hs_map_end (&map);
    return s_try (s_inspect, pack);
}

//  A decision body.
static const char *
s_decision_body (hs_pack_t *pack, const char *decision, const char *note)
{
    hs_map_t map;
    s_common (&map, pack, "convener");
    hs_map_str (&map, "plan", "putuo-i4");
    hs_map_str (&map, "decision", decision);
    if (note)
        hs_map_str (&map, "note", note);
    hs_map_end (&map);
    return s_try (s_decide, pack);
}

//  A finding body with one rectification due at `due`.
static const char *
s_finding_body (hs_pack_t *pack, int64_t due, const char *owner)
{
    hs_map_t map;
    s_common (&map, pack, "office");
    hs_map_str (&map, "plan", "putuo-i4");
    hs_map_str (&map, "unit", "hrss");
    hs_map_str (&map, "findings", "台账不全");
    hs_map_key (&map, "rectify");
    hs_pack_array (pack, 1);
    hs_map_t item;
    hs_map_begin (&item, pack);
    hs_map_str (&item, "owner", owner);
    hs_map_str (&item, "text", "补齐台账");
    hs_map_int (&item, "due", due);
    hs_map_end (&item);
    hs_map_end (&map);
    return s_try (s_finding, pack);
}

void
hs_inspection_msg_test (bool verbose)
{
    if (verbose)
        printf (" * hs_inspection_msg: ");
    hs_pack_t *pack = hs_pack_new ();
    int64_t now = 1800000000000LL;
    assert (!s_plan_body (pack, now + 1000, true));
    assert (strcmp (s_plan_body (pack, now, true), "bad_value") == 0);      //  end = start
    assert (strcmp (s_plan_body (pack, now + 1000, false), "missing_field") == 0);
    assert (!s_decision_body (pack, "approve", NULL));
    assert (!s_decision_body (pack, "return", "督查范围过窄"));
    assert (strcmp (s_decision_body (pack, "return", NULL), "missing_field") == 0);
    assert (strcmp (s_decision_body (pack, "maybe", NULL), "bad_value") == 0);
    assert (!s_finding_body (pack, now + 1000, "hrss"));
    assert (strcmp (s_finding_body (pack, now - 1, "hrss"), "bad_value") == 0);   //  past due
    assert (strcmp (s_finding_body (pack, now + 1000, "two words"), "bad_value") == 0);

    //  What is said of a result: its unit's findings and rectifications.
    hs_inspection_rec_t *plan = (hs_inspection_rec_t *) calloc (1, sizeof (hs_inspection_rec_t));
    hs_inspection_rec_init (plan, "putuo-i4", "office", "督查", 6, now, now + 1000, now);
    hs_inspection_rec_add_unit (plan, "hrss");
    hs_inspection_rec_add_unit (plan, "street.caoyang");
    strcpy (plan->units [0].findings, "台账不全");
    hs_inspection_rec_add_rectify (plan, "hrss", "hrss", "补齐台账", 12, now, now + 500);
    hs_inspection_rec_add_rectify (plan, "street.caoyang", "street.caoyang", "x", 1, now, now + 9);
    plan->rectify [0].rung = HS_RUNG_REMIND;
    plan->rectify [0].notices = 1;
    const char *to [] = { "hrss", NULL };
    const char *reasons [] = { "inspection.remind", NULL };
    hs_inspection_out_t out = { .seq = 9, .plan = plan, .kind = "result", .unit = 0, .to = to,
                                .at = now + 10 };
    for (int round = 0; round < 2; round++) {
        hs_pack_reset (pack);
        hs_inspection_out_encode (&out, pack);
        msgpack_unpacked back;
        msgpack_unpacked_init (&back);
        assert (hs_proto_unpack_stored (hs_pack_data (pack), hs_pack_size (pack), &back) == 0);
        char text [64];
        if (round == 0) {
            const msgpack_object *list = hs_proto_get (&back.data, "rectify");
            assert (list && list->type == MSGPACK_OBJECT_ARRAY && list->via.array.size == 1);
            assert (hs_proto_strcpy (hs_proto_get (&back.data, "findings"), text,
                                     sizeof (text)) == 0 && strcmp (text, "台账不全") == 0);
        }
        else {
            assert (hs_proto_strcpy (hs_proto_get (&back.data, "rung"), text,
                                     sizeof (text)) == 0 && strcmp (text, "remind") == 0);
            assert (hs_proto_int (&back.data, "late_ms", 0) == 100);
            assert (hs_proto_int (&back.data, "count", 0) == 1 && !hs_proto_get (&back.data,
                                                                                "findings"));
        }
        msgpack_unpacked_destroy (&back);
        out.kind = "notice";
        out.item = 0;
        out.reasons = reasons;
        out.at = now + 600;
    }
    free (plan);
    hs_pack_destroy (&pack);
    if (verbose)
        printf ("OK\n");
}
