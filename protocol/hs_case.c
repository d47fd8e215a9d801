/*  =========================================================================
    hs_case - the case record: one dispute as the store keeps it

    The map form (the api's replies; stored before format 3): absent text
    is nil. Lists are bounded (HS_CASE_MAX_*): what does not fit is not
    kept, and a record is never written larger than those bounds allow.
    The stored record itself is hs_case_rec's.
    =========================================================================
*/

#include "hs_case.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <assert.h>

static void
s_copy (char *dest, size_t size, const char *src)
{
    hs_strcpy (dest, size, src? src: "");
}

static const char *s_stage_names [] = { "open", "resolved", "closed", "merged" };

const char *
hs_stage_name (int stage)
{
    return stage >= 0 && stage < HS_STAGE_COUNT? s_stage_names [stage]: NULL;
}

int
hs_stage_parse (const char *name)
{
    for (int index = 0; name && index < HS_STAGE_COUNT; index++)
        if (strcmp (s_stage_names [index], name) == 0)
            return index;
    return -1;
}

static void
s_add_source (hs_case_t *kase, const char *source)
{
    for (size_t index = 0; index < kase->source_count; index++)
        if (!strcmp (kase->sources [index], source))
            return;
    if (kase->source_count < HS_CASE_MAX_SOURCES)
        s_copy (kase->sources [kase->source_count++], HS_CODE_MAX + 1, source);
}

void
hs_case_add_unit (hs_case_t *kase, const char *unit)
{
    if (!hs_case_has_unit (kase, unit) && kase->unit_count < HS_CASE_MAX_UNITS)
        s_copy (kase->units [kase->unit_count++], HS_CODE_MAX + 1, unit);
}

void
hs_case_open (hs_case_t *kase, const char *case_id, uint64_t seq,
              const hs_report_t *report, const char *street)
{
    memset (kase, 0, sizeof (*kase));
    s_copy (kase->id, sizeof (kase->id), case_id);
    kase->level = -1;
    kase->rules_level = -1;
    kase->followup = -1;
    kase->category = report->category;
    s_copy (kase->street, sizeof (kase->street), street);
    s_copy (kase->enterprise, sizeof (kase->enterprise), report->enterprise);
    kase->ownership = -1;
    kase->amount = -1;
    kase->status = HS_CASE_OPEN;
    kase->opened = report->at;
    kase->first_seq = seq;
    hs_case_merge (kase, seq, report);
}

void
hs_case_merge (hs_case_t *kase, uint64_t seq, const hs_report_t *report)
{
    if (report->workers > kase->workers)
        kase->workers = report->workers;
    if (report->amount > kase->amount)
        kase->amount = report->amount;
    kase->flags |= report->flags;
    if (!*kase->credit_code)
        s_copy (kase->credit_code, sizeof (kase->credit_code), report->credit_code);
    if (kase->ownership < 0)
        kase->ownership = report->ownership;
    if (!*kase->sector)
        s_copy (kase->sector, sizeof (kase->sector), report->sector);
    s_add_source (kase, report->source);
    if (report->at > kase->updated)
        kase->updated = report->at;
    kase->last_seq = seq;
    kase->reports++;
}

void
hs_case_facts_join (hs_case_t *kase, int64_t workers, int64_t amount, uint32_t flags)
{
    if (workers > kase->workers)
        kase->workers = workers;
    if (amount > kase->amount)
        kase->amount = amount;
    kase->flags |= flags;
}

void
hs_case_absorb (hs_case_t *kase, const hs_case_t *absorbed)
{
    hs_case_facts_join (kase, absorbed->workers, absorbed->amount, absorbed->flags);
    for (size_t index = 0; index < absorbed->source_count; index++)
        s_add_source (kase, absorbed->sources [index]);
    for (size_t index = 0; index < absorbed->unit_count; index++)
        hs_case_add_unit (kase, absorbed->units [index]);
    if (!*kase->credit_code)
        s_copy (kase->credit_code, sizeof (kase->credit_code), absorbed->credit_code);
    if (kase->ownership < 0)
        kase->ownership = absorbed->ownership;
    if (!*kase->sector)
        s_copy (kase->sector, sizeof (kase->sector), absorbed->sector);
    kase->reports += absorbed->reports;
    if (absorbed->updated > kase->updated)
        kase->updated = absorbed->updated;
    if (kase->merged_count < HS_CASE_MAX_MERGED)
        s_copy (kase->merged_from [kase->merged_count++], HS_ID_MAX + 1, absorbed->id);
}

hs_handler_t *
hs_case_handler (hs_case_t *kase, const char *unit)
{
    for (size_t index = 0; index < kase->handler_count; index++)
        if (strcmp (kase->handlers [index].unit, unit) == 0)
            return &kase->handlers [index];
    return NULL;
}

void
hs_case_classified (hs_case_t *kase, int level, int rules_level, const char *const *units,
                    const char *const *reasons, const char *version)
{
    kase->level = level;
    kase->rules_level = rules_level;
    for (size_t index = 0; units && units [index]; index++)
        hs_case_add_unit (kase, units [index]);
    kase->reason_count = 0;
    for (size_t index = 0; reasons && reasons [index] && index < HS_CASE_MAX_REASONS; index++)
        s_copy (kase->reasons [kase->reason_count++], HS_CODE_MAX + 1, reasons [index]);
    s_copy (kase->rules_version, sizeof (kase->rules_version), version);
}

void
hs_case_add_reason (hs_case_t *kase, const char *reason)
{
    for (size_t index = 0; index < kase->reason_count; index++)
        if (strcmp (kase->reasons [index], reason) == 0)
            return;
    if (kase->reason_count < HS_CASE_MAX_REASONS)
        s_copy (kase->reasons [kase->reason_count++], HS_CODE_MAX + 1, reason);
}

bool
hs_case_has_unit (const hs_case_t *kase, const char *unit)
{
    for (size_t index = 0; index < kase->unit_count; index++)
        if (!strcmp (kase->units [index], unit))
            return true;
    return false;
}

void
hs_case_units (const hs_case_t *kase, const char **list)
{
    for (size_t index = 0; index < kase->unit_count; index++)
        list [index] = kase->units [index];
    list [kase->unit_count] = NULL;
}

void
hs_case_reasons (const hs_case_t *kase, const char **list)
{
    for (size_t index = 0; index < kase->reason_count; index++)
        list [index] = kase->reasons [index];
    list [kase->reason_count] = NULL;
}

void
hs_case_sources (const hs_case_t *kase, const char **list)
{
    for (size_t index = 0; index < kase->source_count; index++)
        list [index] = kase->sources [index];
    list [kase->source_count] = NULL;
}

//  ---------------------------------------------------------------------
//  The stored record

//  A text field; absent values are stored as nil.
static void
s_pack_kv (hs_map_t *map, const char *key, const char *value)
{
    hs_map_key (map, key);
    if (value && *value)
        hs_pack_str (map->pack, value);
    else
        hs_pack_nil (map->pack);
}

static void
s_pack_list (hs_map_t *map, const char *key, char (*list)[HS_CODE_MAX + 1], size_t count)
{
    hs_map_key (map, key);
    hs_pack_array (map->pack, count);
    for (size_t index = 0; index < count; index++)
        hs_pack_str (map->pack, list [index]);
}

void
hs_case_encode_map (const hs_case_t *kase, hs_pack_t *pack)
{
    hs_map_t map;
    hs_map_begin (&map, pack);
    s_pack_kv (&map, "id", kase->id);
    s_pack_kv (&map, "level", hs_level_name (kase->level));
    s_pack_kv (&map, "category", hs_category_name (kase->category));
    s_pack_kv (&map, "street", kase->street);
    s_pack_kv (&map, "enterprise", kase->enterprise);
    s_pack_kv (&map, "credit_code", kase->credit_code);
    s_pack_kv (&map, "ownership", hs_ownership_name (kase->ownership));
    s_pack_kv (&map, "sector", kase->sector);
    hs_map_int (&map, "workers", kase->workers);
    hs_map_int (&map, "amount", kase->amount);
    hs_map_key (&map, "flags");
    hs_pack_flags (pack, kase->flags);
    s_pack_list (&map, "sources", (char (*)[HS_CODE_MAX + 1]) kase->sources, kase->source_count);
    s_pack_list (&map, "units", (char (*)[HS_CODE_MAX + 1]) kase->units, kase->unit_count);
    s_pack_list (&map, "reasons", (char (*)[HS_CODE_MAX + 1]) kase->reasons, kase->reason_count);
    s_pack_kv (&map, "rules_version", kase->rules_version);
    s_pack_kv (&map, "status", kase->status == HS_CASE_OPEN? "open": hs_status_name (kase->status));
    hs_map_key (&map, "closed");
    hs_pack_bool (pack, kase->closed);
    hs_map_int (&map, "opened", kase->opened);
    hs_map_int (&map, "updated", kase->updated);
    hs_map_int (&map, "first_seq", (int64_t) kase->first_seq);
    hs_map_int (&map, "last_seq", (int64_t) kase->last_seq);
    hs_map_int (&map, "reports", (int64_t) kase->reports);
    hs_map_key (&map, "overdue");
    hs_pack_bool (pack, kase->overdue_sent);
    s_pack_kv (&map, "stage", hs_stage_name (kase->stage));
    s_pack_kv (&map, "rules_level", hs_level_name (kase->rules_level));
    s_pack_kv (&map, "lead", kase->lead);
    hs_map_key (&map, "handlers");
    hs_handlers_encode (kase->handlers, kase->handler_count, pack);
    hs_map_int (&map, "timer_at", kase->timer_at);
    hs_map_int (&map, "muted_until", kase->muted_until);
    s_pack_kv (&map, "followup", kase->followup < 0? NULL:
                                 kase->followup? "satisfied": "unsatisfied");
    hs_map_int (&map, "reopened", kase->reopened);
    s_pack_kv (&map, "merged_into", kase->merged_into);
    hs_map_key (&map, "merged_from");
    hs_pack_array (pack, kase->merged_count);
    for (size_t index = 0; index < kase->merged_count; index++)
        hs_pack_str (pack, kase->merged_from [index]);
    s_pack_kv (&map, "split_from", kase->split_from);
    s_pack_kv (&map, "meeting", kase->meeting);
    hs_map_key (&map, "lead_held");
    hs_pack_bool (pack, kase->lead_held);
    hs_map_int (&map, "upward", kase->upward);
    s_pack_kv (&map, "upward_level", kase->upward? hs_level_name (kase->upward_level): NULL);
    s_pack_kv (&map, "upward_lead", kase->upward_lead);
    hs_map_int (&map, "closed_at", kase->closed_at);
    hs_map_int (&map, "file_at", kase->file_at);
    hs_map_int (&map, "filed", kase->filed);
    hs_map_end (&map);
}

static void
s_get_str (const msgpack_object *map, const char *key, char *dest, size_t size)
{
    if (hs_proto_strcpy (hs_proto_get (map, key), dest, size))
        *dest = 0;
}

static size_t
s_get_list (const msgpack_object *map, const char *key, char (*list)[HS_CODE_MAX + 1], size_t max)
{
    const msgpack_object *array = hs_proto_get (map, key);
    size_t count = 0;
    if (array && array->type == MSGPACK_OBJECT_ARRAY)
        for (uint32_t index = 0; index < array->via.array.size && count < max; index++)
            if (hs_proto_strcpy (&array->via.array.ptr [index], list [count], HS_CODE_MAX + 1) == 0)
                count++;
    return count;
}

int
hs_case_decode_map (const void *data, size_t size, hs_case_t *kase)
{
    msgpack_unpacked unpacked;
    msgpack_unpacked_init (&unpacked);
    if (hs_proto_unpack_stored ((const uint8_t *) data, size, &unpacked)) {
        msgpack_unpacked_destroy (&unpacked);
        return -1;
    }
    const msgpack_object *map = &unpacked.data;
    memset (kase, 0, sizeof (*kase));
    char text [HS_CODE_MAX + 1];
    s_get_str (map, "id", kase->id, sizeof (kase->id));
    s_get_str (map, "level", text, sizeof (text));
    kase->level = hs_level_parse (text);
    s_get_str (map, "category", text, sizeof (text));
    kase->category = hs_category_parse (text);
    s_get_str (map, "street", kase->street, sizeof (kase->street));
    s_get_str (map, "enterprise", kase->enterprise, sizeof (kase->enterprise));
    s_get_str (map, "credit_code", kase->credit_code, sizeof (kase->credit_code));
    s_get_str (map, "ownership", text, sizeof (text));
    kase->ownership = hs_ownership_parse (text);
    s_get_str (map, "sector", kase->sector, sizeof (kase->sector));
    kase->workers = hs_proto_int (map, "workers", 0);
    kase->amount = hs_proto_int (map, "amount", 0);
    const msgpack_object *flags = hs_proto_get (map, "flags");
    if (flags && flags->type == MSGPACK_OBJECT_ARRAY)
        for (uint32_t index = 0; index < flags->via.array.size; index++) {
            char name [32];
            int flag = hs_proto_strcpy (&flags->via.array.ptr [index], name, sizeof (name))?
                       -1: hs_flag_parse (name);
            if (flag >= 0)
                kase->flags |= 1u << flag;
        }
    kase->source_count = s_get_list (map, "sources", kase->sources, HS_CASE_MAX_SOURCES);
    kase->unit_count = s_get_list (map, "units", kase->units, HS_CASE_MAX_UNITS);
    kase->reason_count = s_get_list (map, "reasons", kase->reasons, HS_CASE_MAX_REASONS);
    s_get_str (map, "rules_version", kase->rules_version, sizeof (kase->rules_version));
    s_get_str (map, "status", text, sizeof (text));
    kase->status = !strcmp (text, "open")? HS_CASE_OPEN: hs_status_parse (text);
    kase->closed = hs_proto_bool (map, "closed");
    kase->opened = hs_proto_int (map, "opened", 0);
    kase->updated = hs_proto_int (map, "updated", 0);
    kase->first_seq = (uint64_t) hs_proto_int (map, "first_seq", 0);
    kase->last_seq = (uint64_t) hs_proto_int (map, "last_seq", 0);
    kase->reports = (uint64_t) hs_proto_int (map, "reports", 0);
    kase->overdue_sent = hs_proto_bool (map, "overdue");
    //  Before per-unit handling (0.4) a record had one clock and no stage.
    const msgpack_object *handlers = hs_proto_get (map, "handlers");
    kase->legacy = handlers == NULL;
    kase->counted_open = !kase->closed;
    kase->counted_overdue = kase->overdue_sent && !kase->closed;
    kase->legacy_due = hs_proto_int (map, "due_at", 0);
    kase->handler_count = hs_handlers_decode (handlers, kase->handlers, HS_CASE_MAX_HANDLERS);
    s_get_str (map, "stage", text, sizeof (text));
    kase->stage = hs_stage_parse (text);
    if (kase->stage < 0)
        kase->stage = kase->closed? HS_STAGE_CLOSED: HS_STAGE_OPEN;
    s_get_str (map, "rules_level", text, sizeof (text));
    kase->rules_level = *text? hs_level_parse (text): kase->level;
    s_get_str (map, "lead", kase->lead, sizeof (kase->lead));
    kase->timer_at = hs_proto_int (map, "timer_at", 0);
    kase->muted_until = hs_proto_int (map, "muted_until", 0);
    s_get_str (map, "followup", text, sizeof (text));
    kase->followup = !strcmp (text, "satisfied")? 1: !strcmp (text, "unsatisfied")? 0: -1;
    kase->reopened = (uint32_t) hs_proto_int (map, "reopened", 0);
    s_get_str (map, "merged_into", kase->merged_into, sizeof (kase->merged_into));
    const msgpack_object *merged = hs_proto_get (map, "merged_from");
    if (merged && merged->type == MSGPACK_OBJECT_ARRAY)
        for (uint32_t index = 0; index < merged->via.array.size
                              && kase->merged_count < HS_CASE_MAX_MERGED; index++)
            if (hs_proto_strcpy (&merged->via.array.ptr [index],
                                 kase->merged_from [kase->merged_count], HS_ID_MAX + 1) == 0)
                kase->merged_count++;
    s_get_str (map, "split_from", kase->split_from, sizeof (kase->split_from));
    s_get_str (map, "meeting", kase->meeting, sizeof (kase->meeting));
    kase->lead_held = hs_proto_bool (map, "lead_held");
    kase->upward = (int) hs_proto_int (map, "upward", 0);
    s_get_str (map, "upward_level", text, sizeof (text));
    kase->upward_level = hs_level_parse (text);
    s_get_str (map, "upward_lead", kase->upward_lead, sizeof (kase->upward_lead));
    //  A record from before the archive (issue 14): never closed since, not filed.
    kase->closed_at = hs_proto_int (map, "closed_at", 0);
    kase->file_at = hs_proto_int (map, "file_at", 0);
    kase->filed = hs_proto_int (map, "filed", 0);
    msgpack_unpacked_destroy (&unpacked);
    return *kase->id && kase->level >= 0 && kase->category >= 0? 0: -1;
}

hs_case_t *
hs_case_test_new (hs_report_t *report, int category, int64_t workers, int64_t at,
                  const char *id, uint64_t seq)
{
    memset (report, 0, sizeof (*report));
    strcpy (report->id, "r1");
    strcpy (report->source, "street.caoyang");
    strcpy (report->enterprise, "上海某某制衣有限公司");
    report->ownership = -1;
    report->amount = -1;
    report->category = category;
    report->workers = workers;
    report->at = at;
    hs_case_t *kase = (hs_case_t *) calloc (1, sizeof (hs_case_t));
    hs_case_open (kase, id, seq, report, "street.caoyang");
    return kase;
}

void
hs_case_test (bool verbose)
{
    if (verbose)
        printf (" * hs_case: ");
    hs_report_t report;
    hs_case_t *kase = hs_case_test_new (&report, HS_CATEGORY_LAYOFF, 12, 1000, "putuo-1", 1);
    assert (kase->level == -1 && kase->reports == 1 && kase->workers == 12);
    const char *units [] = { "hrss", "street.caoyang", NULL };
    const char *reasons [] = { "significant.workers", NULL };
    hs_case_classified (kase, HS_LEVEL_SIGNIFICANT, HS_LEVEL_SIGNIFICANT, units, reasons, "v1");
    //  A later report: more workers, a flag, another source; the units
    //  only grow.
    strcpy (report.source, "union");
    report.workers = 40;
    report.amount = 700000;
    report.flags = 1u << HS_FLAG_GATHERING;
    report.at = 2000;
    hs_case_merge (kase, 5, &report);
    const char *more [] = { "union", NULL };
    hs_case_classified (kase, HS_LEVEL_SIGNIFICANT, HS_LEVEL_GENERAL, more, NULL, "v2");
    assert (kase->level == HS_LEVEL_SIGNIFICANT);
    assert (kase->workers == 40 && kase->amount == 700000 && kase->reports == 2);
    assert (kase->unit_count == 3 && hs_case_has_unit (kase, "union"));
    assert (kase->source_count == 2 && kase->last_seq == 5 && kase->updated == 2000);
    hs_case_add_reason (kase, "warning.enterprise");
    hs_case_add_reason (kase, "warning.enterprise");
    assert (kase->reason_count == 1);

    kase->closed_at = 3000;
    kase->filed = 4000;
    hs_pack_t *pack = hs_pack_new ();
    hs_case_encode_map (kase, pack);
    hs_case_t *copy = (hs_case_t *) calloc (1, sizeof (hs_case_t));
    assert (hs_case_decode_map (hs_pack_data (pack), hs_pack_size (pack), copy) == 0);
    assert (strcmp (copy->id, "putuo-1") == 0 && copy->level == HS_LEVEL_SIGNIFICANT);
    assert (copy->flags == (1u << HS_FLAG_GATHERING) && copy->unit_count == 3);
    assert (strcmp (copy->rules_version, "v2") == 0 && copy->status == HS_CASE_OPEN);
    assert (copy->rules_level == HS_LEVEL_GENERAL && copy->stage == HS_STAGE_OPEN);
    assert (!copy->legacy && copy->followup == -1 && copy->handler_count == 0);
    assert (copy->closed_at == 3000 && copy->filed == 4000 && copy->file_at == 0);
    const char *list [HS_CASE_MAX_SOURCES + 1];
    hs_case_sources (copy, list);
    assert (strcmp (list [1], "union") == 0 && list [2] == NULL);
    assert (hs_case_decode_map (hs_pack_data (pack), 3, copy) == -1);
    hs_pack_destroy (&pack);
    free (copy);
    free (kase);
    if (verbose)
        printf ("OK\n");
}
