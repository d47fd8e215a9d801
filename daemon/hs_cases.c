/*  =========================================================================
    hs_cases - dispute cases: correlation of reports, and the case record

    Index keys, one per way a case can be matched:
        cc/<credit code>/<category>
        nm/<street>/<category>/<normalised name>
    A case with a credit code is indexed under both, so a later report that
    carries only the name still joins it; a name match is refused when both
    sides carry different credit codes (two enterprises, same name).
    =========================================================================
*/

#include "hs_cases.h"
#include "hs_log.h"

#define KEY_MAX 480

static void
s_copy (char *dest, size_t size, const char *src)
{
    hs_strcpy (dest, size, src? src: "");
}

void
hs_cases_normalise (const char *name, char *dest, size_t size)
{
    const uint8_t *in = (const uint8_t *) name;
    size_t out = 0;
    while (*in && out + 4 < size) {
        uint32_t ascii = 0;
        if (in [0] == 0xe3 && in [1] == 0x80 && in [2] == 0x80) {
            in += 3;                    //  ideographic space
            continue;
        }
        if (in [0] == 0xef && (in [1] == 0xbc || in [1] == 0xbd) && in [2]) {
            //  Full-width ASCII variants U+FF01..U+FF5E -> ASCII
            uint32_t code = ((in [0] & 0x0f) << 12) | ((in [1] & 0x3f) << 6) | (in [2] & 0x3f);
            if (code >= 0xff01 && code <= 0xff5e) {
                ascii = code - 0xff01 + 0x21;
                in += 3;
            }
        }
        if (!ascii && *in < 0x80)
            ascii = *in++;
        if (ascii) {
            if (isalnum ((int) ascii))
                dest [out++] = (char) tolower ((int) ascii);
            continue;                   //  spaces and punctuation drop out
        }
        //  Other multi-byte characters are kept as they are.
        size_t length = (*in & 0xe0) == 0xc0? 2: (*in & 0xf0) == 0xe0? 3: (*in & 0xf8) == 0xf0? 4: 1;
        for (size_t index = 0; index < length && *in && out + 1 < size; index++)
            dest [out++] = (char) *in++;
    }
    dest [out] = 0;
}

static void
s_key_credit (char *key, const char *credit_code, int category)
{
    hs_strjoin (key, KEY_MAX, "cc/", credit_code, "/", hs_category_name (category), NULL);
}

static void
s_key_name (char *key, const char *street, int category, const char *enterprise)
{
    char normal [HS_NAME_MAX + 1];
    hs_cases_normalise (enterprise, normal, sizeof (normal));
    hs_strjoin (key, KEY_MAX, "nm/", street, "/", hs_category_name (category), "/", normal, NULL);
}

int
hs_cases_load (hs_store_t *store, const char *case_id, hs_case_t *kase)
{
    const void *data;
    size_t size;
    int rc = hs_store_case_get (store, case_id, &data, &size);
    if (rc)
        return rc;
    if (hs_case_decode (data, size, kase)) {
        hs_log_error ("hs_cases: stored case %s cannot be decoded", case_id);
        return -1;
    }
    return 0;
}

int
hs_cases_find (hs_store_t *store, const hs_report_t *report, const char *street, hs_case_t *kase)
{
    char key [KEY_MAX];
    char case_id [HS_ID_MAX + 1];
    int rc = 1;
    if (*report->credit_code) {
        s_key_credit (key, report->credit_code, report->category);
        rc = hs_store_index_get (store, key, case_id, sizeof (case_id));
        if (rc < 0)
            return -1;
    }
    if (rc == 1) {
        s_key_name (key, street, report->category, report->enterprise);
        rc = hs_store_index_get (store, key, case_id, sizeof (case_id));
        if (rc)
            return rc;
    }
    rc = hs_cases_load (store, case_id, kase);
    if (rc)
        return rc < 0? -1: 1;
    if (kase->closed)
        return 1;
    if (*report->credit_code && *kase->credit_code && strcmp (report->credit_code, kase->credit_code))
        return 1;
    return 0;
}

//  Put or delete an index key. A key that points to another case is left
//  alone when that case is open: a re-opened case (mediation failed after
//  all) must not take the key of a newer open case about the same
//  enterprise.
static int
s_index (hs_store_t *store, const char *key, const hs_case_t *kase)
{
    char current [HS_ID_MAX + 1];
    int rc = hs_store_index_get (store, key, current, sizeof (current));
    if (rc < 0)
        return -1;
    bool ours = rc == 0 && streq (current, kase->id);
    if (kase->closed)
        return ours? hs_store_index_del (store, key): 0;
    if (rc == 0 && !ours) {
        hs_case_t *other = (hs_case_t *) malloc (sizeof (hs_case_t));
        int found = hs_cases_load (store, current, other);
        bool other_open = found == 0 && !other->closed;
        free (other);
        if (found < 0)
            return -1;
        if (other_open)
            return 0;
    }
    return ours? 0: hs_store_index_put (store, key, kase->id);
}

int
hs_cases_save (hs_store_t *store, const hs_case_t *kase, hs_pack_t *pack)
{
    hs_pack_reset (pack);
    hs_case_encode (kase, pack);
    if (hs_store_case_put (store, kase->id, hs_pack_data (pack), hs_pack_size (pack)))
        return -1;
    char key [KEY_MAX];
    s_key_name (key, kase->street, kase->category, kase->enterprise);
    if (s_index (store, key, kase))
        return -1;
    if (*kase->credit_code) {
        s_key_credit (key, kase->credit_code, kase->category);
        if (s_index (store, key, kase))
            return -1;
    }
    return 0;
}

static void
s_add_source (hs_case_t *kase, const char *source)
{
    for (size_t index = 0; index < kase->source_count; index++)
        if (streq (kase->sources [index], source))
            return;
    if (kase->source_count < HS_CASE_MAX_SOURCES)
        s_copy (kase->sources [kase->source_count++], HS_CODE_MAX + 1, source);
}

static void
s_add_unit (hs_case_t *kase, const char *unit)
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
hs_case_classified (hs_case_t *kase, const hs_decision_t *decision, const char *version)
{
    if (decision->level > kase->level)
        kase->level = decision->level;
    for (size_t index = 0; decision->units [index]; index++)
        s_add_unit (kase, decision->units [index]);
    kase->reason_count = 0;
    for (size_t index = 0; decision->reasons [index] && index < HS_CASE_MAX_REASONS; index++)
        s_copy (kase->reasons [kase->reason_count++], HS_CODE_MAX + 1, decision->reasons [index]);
    s_copy (kase->rules_version, sizeof (kase->rules_version), version);
}

bool
hs_case_has_unit (const hs_case_t *kase, const char *unit)
{
    for (size_t index = 0; index < kase->unit_count; index++)
        if (streq (kase->units [index], unit))
            return true;
    return false;
}

void
hs_case_facts (const hs_case_t *kase, hs_facts_t *facts, const char **sources)
{
    for (size_t index = 0; index < kase->source_count; index++)
        sources [index] = kase->sources [index];
    sources [kase->source_count] = NULL;
    facts->workers = kase->workers;
    facts->amount = kase->amount;
    facts->flags = kase->flags;
    facts->category = kase->category;
    facts->ownership = kase->ownership;
    facts->sector = kase->sector;
    facts->street = kase->street;
    facts->sources = sources;
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

//  ---------------------------------------------------------------------
//  The stored record: a msgpack map.

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
hs_case_encode (const hs_case_t *kase, hs_pack_t *pack)
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
    hs_map_int (&map, "clock_start", kase->clock_start);
    hs_map_int (&map, "due_at", kase->due_at);
    hs_map_int (&map, "escalate_at", kase->escalate_at);
    hs_map_key (&map, "overdue");
    hs_pack_bool (pack, kase->overdue_sent);
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
hs_case_decode (const void *data, size_t size, hs_case_t *kase)
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
    kase->status = streq (text, "open")? HS_CASE_OPEN: hs_status_parse (text);
    kase->closed = hs_proto_bool (map, "closed");
    kase->opened = hs_proto_int (map, "opened", 0);
    kase->updated = hs_proto_int (map, "updated", 0);
    kase->first_seq = (uint64_t) hs_proto_int (map, "first_seq", 0);
    kase->last_seq = (uint64_t) hs_proto_int (map, "last_seq", 0);
    kase->reports = (uint64_t) hs_proto_int (map, "reports", 0);
    kase->clock_start = hs_proto_int (map, "clock_start", 0);
    kase->due_at = hs_proto_int (map, "due_at", 0);
    kase->escalate_at = hs_proto_int (map, "escalate_at", 0);
    kase->overdue_sent = hs_proto_bool (map, "overdue");
    msgpack_unpacked_destroy (&unpacked);
    return *kase->id && kase->level >= 0 && kase->category >= 0? 0: -1;
}

void
hs_cases_test (bool verbose)
{
    if (verbose)
        printf (" * hs_cases: ");
    char normal [64];
    hs_cases_normalise ("ACME  Co., Ltd.", normal, sizeof (normal));
    assert (streq (normal, "acmecoltd"));
    hs_cases_normalise ("上海（某某）制衣　有限公司", normal, sizeof (normal));
    assert (streq (normal, "上海某某制衣有限公司"));
    hs_cases_normalise ("ＡＢＣ公司", normal, sizeof (normal));
    assert (streq (normal, "abc公司"));

    char error [256];
    char *path = zsys_sprintf ("/tmp/hs_cases_test.%d", getpid ());
    hs_store_t *store = hs_store_new (path, 1 << 20, 1 << 24, error, sizeof (error));
    assert (store);
    hs_pack_t *pack = hs_pack_new ();
    hs_report_t report;
    memset (&report, 0, sizeof (report));
    strcpy (report.id, "1");
    strcpy (report.source, "street.caoyang");
    strcpy (report.enterprise, "ACME Co., Ltd.");
    report.category = HS_CATEGORY_WAGE_ARREARS;
    report.workers = 12;
    report.amount = -1;
    report.ownership = -1;
    report.at = 1000;

    hs_case_t *kase = (hs_case_t *) zmalloc (sizeof (hs_case_t));
    hs_case_t *found = (hs_case_t *) zmalloc (sizeof (hs_case_t));
    assert (hs_store_begin (store) == 0);
    assert (hs_cases_find (store, &report, "street.caoyang", found) == 1);
    hs_case_open (kase, "putuo-1", 1, &report, "street.caoyang");
    hs_decision_t decision = { .level = HS_LEVEL_SIGNIFICANT,
                               .reasons = { "significant.workers", NULL },
                               .routed = { "hrss", NULL }, .units = { "hrss", "office", NULL } };
    hs_case_classified (kase, &decision, "abc");
    assert (hs_cases_save (store, kase, pack) == 0);

    //  Same name, other spacing and case: same case. Merge keeps maxima.
    strcpy (report.enterprise, "acme co ltd");
    report.workers = 5;
    report.amount = 700000;
    report.flags = 1u << HS_FLAG_MEDIA;
    strcpy (report.source, "union");
    assert (hs_cases_find (store, &report, "street.caoyang", found) == 0);
    assert (streq (found->id, "putuo-1"));
    hs_case_merge (found, 2, &report);
    assert (found->workers == 12 && found->amount == 700000 && found->reports == 2);
    assert (found->source_count == 2);
    assert (found->level == HS_LEVEL_SIGNIFICANT && hs_case_has_unit (found, "office"));
    //  Another category or street: not the same case.
    report.category = HS_CATEGORY_LAYOFF;
    assert (hs_cases_find (store, &report, "street.caoyang", found) == 1);
    report.category = HS_CATEGORY_WAGE_ARREARS;
    assert (hs_cases_find (store, &report, "street.wanli", found) == 1);

    //  Closing takes it out of correlation.
    kase->closed = true;
    assert (hs_cases_save (store, kase, pack) == 0);
    assert (hs_cases_find (store, &report, "street.caoyang", found) == 1);
    assert (hs_cases_load (store, "putuo-1", found) == 0 && found->closed);
    hs_store_abort (store);

    free (kase);
    free (found);
    hs_pack_destroy (&pack);
    hs_store_destroy (&store);
    hs_store_remove (path);
    zstr_free (&path);
    if (verbose)
        printf ("OK\n");
}
