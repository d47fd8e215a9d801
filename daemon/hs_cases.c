/*  =========================================================================
    hs_cases - dispute cases: correlation of reports, and the case record

    A case is indexed (hs_caseindex) under its enterprise and category, one
    key per way it can be matched: its credit code, and its normalised name
    in its street. A case with a credit code is indexed under both, so a
    later report that carries only the name still joins it; a name match is
    refused when both sides carry different credit codes (two enterprises,
    same name).
    =========================================================================
*/

#include "hs_cases.h"
#include "hs_idkey.h"
#include "hs_caseindex.h"
#include "hs_log.h"

int
hs_cases_record (hs_store_t *store, const char *case_id, const void **data, size_t *size)
{
    return hs_idkey_lookup (store, HS_TABLE_CASES, case_id, data, size);
}

int
hs_cases_load (hs_store_t *store, const char *case_id, hs_case_t *kase)
{
    const void *data;
    size_t size;
    int rc = hs_cases_record (store, case_id, &data, &size);
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
    char enterprise [HS_CASEINDEX_KEY_MAX];
    char case_id [HS_ID_MAX + 1];
    int rc = 1;
    if (*report->credit_code) {
        hs_caseindex_enterprise (report->credit_code, street, report->enterprise, enterprise);
        rc = hs_caseindex_case (store, enterprise, report->category, case_id, sizeof (case_id));
        if (rc < 0)
            return -1;
    }
    if (rc == 1) {
        hs_caseindex_enterprise (NULL, street, report->enterprise, enterprise);
        rc = hs_caseindex_case (store, enterprise, report->category, case_id, sizeof (case_id));
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

//  Put or delete the case's key under an enterprise. A key that points
//  to another case is left alone when that case is open: a re-opened case
//  (mediation failed after all) must not take the key of a newer open case
//  about the same enterprise.
static int
s_index (hs_store_t *store, const char *enterprise, const hs_case_t *kase)
{
    char current [HS_ID_MAX + 1];
    int rc = hs_caseindex_case (store, enterprise, kase->category, current, sizeof (current));
    if (rc < 0)
        return -1;
    bool ours = rc == 0 && streq (current, kase->id);
    if (kase->closed)
        return ours? hs_caseindex_unset (store, enterprise, kase->category): 0;
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
    return ours? 0: hs_caseindex_set (store, enterprise, kase->category, kase->id);
}

//  ---------------------------------------------------------------------
//  The order of cases: caseorder (every case) and opencases (the open
//  ones), both keyed by the seq of the case's first report, so that the
//  newest come last; caseorder's value is the case's summary, what the
//  api's filters look at, so a query never decodes a case it does not
//  show (opencases' is empty since store format 7: the same summary is
//  read from caseorder):
//      level (1), overdue (1), status (1, HS_CASE_OPEN as 0xff),
//      closed (1), opened (8, BE), street length (1), street, id

#define SUMMARY_MAX (13 + HS_CODE_MAX + HS_ID_MAX)

static size_t
s_summary (const hs_case_t *kase, uint8_t *summary)
{
    size_t street = strlen (kase->street), id = strlen (kase->id);
    summary [0] = (uint8_t) kase->level;
    summary [1] = kase->overdue_sent;
    summary [2] = kase->status == HS_CASE_OPEN? 0xff: (uint8_t) kase->status;
    summary [3] = kase->closed;
    hs_store_be64_put (summary + 4, (uint64_t) kase->opened);
    summary [12] = (uint8_t) street;
    memcpy (summary + 13, kase->street, street);
    memcpy (summary + 13 + street, kase->id, id);
    return 13 + street + id;
}

int
hs_cases_summary_decode (const void *data, size_t size, hs_case_summary_t *summary)
{
    const uint8_t *bytes = (const uint8_t *) data;
    if (size < 14 || size > SUMMARY_MAX || 13 + (size_t) bytes [12] >= size
    ||  bytes [12] > HS_CODE_MAX || size - 13 - bytes [12] > HS_ID_MAX)
        return -1;
    summary->level = bytes [0];
    summary->overdue = bytes [1] != 0;
    summary->status = bytes [2] == 0xff? HS_CASE_OPEN: bytes [2];
    summary->closed = bytes [3] != 0;
    summary->opened = (int64_t) hs_store_be64_get (bytes + 4);
    memcpy (summary->street, bytes + 13, bytes [12]);
    summary->street [bytes [12]] = 0;
    size_t id = size - 13 - bytes [12];
    memcpy (summary->id, bytes + 13 + bytes [12], id);
    summary->id [id] = 0;
    return 0;
}

//  Keep one order table's entry for the case as its summary says. The
//  summary is kept in `caseorder`; `opencases` holds its keys alone (store
//  format 7; before it, the summary again, which is still read).
static int
s_order (hs_store_t *store, hs_table_t table, const hs_case_t *kase, bool present,
         const uint8_t *summary, size_t size)
{
    if (table == HS_TABLE_OPENCASES)
        size = 0;
    uint8_t key [8];
    hs_store_be64_put (key, kase->first_seq);
    const void *data;
    size_t length;
    int rc = hs_store_get (store, table, key, 8, &data, &length);
    if (rc < 0)
        return -1;
    if (!present)
        return rc == 0? hs_store_del (store, table, key, 8): 0;
    if (rc == 0 && length == size && memcmp (data, summary, size) == 0)
        return 0;                       //  as it was: nothing to write
    return hs_store_put (store, table, key, 8, summary, size);
}

int
hs_cases_save (hs_store_t *store, const hs_case_t *kase, hs_pack_t *pack)
{
    hs_pack_reset (pack);
    hs_case_encode (kase, pack);
    uint8_t id_key [HS_IDKEY_MAX];
    size_t id_size = hs_idkey_put (id_key, kase->id);
    if (id_size == 0
    ||  hs_store_put (store, HS_TABLE_CASES, id_key, id_size, hs_pack_data (pack),
                      hs_pack_size (pack)))
        return -1;
    char enterprise [HS_CASEINDEX_KEY_MAX];
    hs_caseindex_enterprise (NULL, kase->street, kase->enterprise, enterprise);
    if (s_index (store, enterprise, kase))
        return -1;
    if (*kase->credit_code) {
        hs_caseindex_enterprise (kase->credit_code, kase->street, kase->enterprise, enterprise);
        if (s_index (store, enterprise, kase))
            return -1;
    }
    uint8_t summary [SUMMARY_MAX];
    size_t size = s_summary (kase, summary);
    return s_order (store, HS_TABLE_CASEORDER, kase, true, summary, size)
        || s_order (store, HS_TABLE_OPENCASES, kase, !kase->closed, summary, size)? -1: 0;
}

typedef struct {
    hs_store_t *store;
    hs_case_t *kase;
    size_t count;
    int rc;
} s_build_t;

static int
s_build_visit (const void *key, size_t key_size, const void *data, size_t size, void *arg)
{
    (void) key;
    (void) key_size;
    s_build_t *build = (s_build_t *) arg;
    if (hs_case_decode (data, size, build->kase))
        return 0;                       //  verify reports it
    uint8_t summary [SUMMARY_MAX];
    size_t length = s_summary (build->kase, summary);
    build->rc = s_order (build->store, HS_TABLE_CASEORDER, build->kase, true, summary, length)
             || s_order (build->store, HS_TABLE_OPENCASES, build->kase, !build->kase->closed,
                         summary, length);
    build->count++;
    return build->rc;
}

int
hs_cases_order (hs_store_t *store, size_t *count)
{
    uint64_t built = 0;
    if (hs_store_meta_get (store, HS_META_CASE_ORDER, 0, &built))
        return -1;
    *count = 0;
    if (built)
        return 0;
    s_build_t build = { store, (hs_case_t *) zmalloc (sizeof (hs_case_t)), 0, 0 };
    int rc = hs_store_walk (store, HS_TABLE_CASES, NULL, 0, false, s_build_visit, &build);
    free (build.kase);
    *count = build.count;
    if (rc || build.rc)
        return -1;
    return hs_store_meta_put (store, HS_META_CASE_ORDER, 1);
}

typedef struct {
    zlistx_t *keys;             //  keys of the older records seen (zchunk_t *), to rewrite
    hs_cases_compaction_t *compaction;
    size_t seen;
    bool skip;                  //  the first entry may be `from` itself
} s_compact_t;

static void
s_chunk_free (void **item)
{
    zchunk_t *chunk = (zchunk_t *) *item;
    zchunk_destroy (&chunk);
    *item = NULL;
}

static int
s_compact_visit (const void *key, size_t key_size, const void *data, size_t size, void *arg)
{
    s_compact_t *compact = (s_compact_t *) arg;
    hs_cases_compaction_t *compaction = compact->compaction;
    bool first = compact->skip;
    compact->skip = false;
    if (first && key_size == compaction->from_size
    &&  memcmp (key, compaction->from, key_size) == 0)
        return 0;                       //  the last chunk's last: done already
    if (key_size > HS_CASES_KEY_MAX)
        return 0;                       //  not from LMDB: cannot be
    memcpy (compaction->next, key, key_size);
    compaction->next_size = key_size;
    if (!hs_case_record_compact (data, size))
        zlistx_add_end (compact->keys, zchunk_new (key, key_size));
    //  Looking is cheap, rewriting dirties pages: bound both.
    return zlistx_size (compact->keys) >= HS_CASES_COMPACT_CHUNK
        || ++compact->seen >= 20 * HS_CASES_COMPACT_CHUNK;
}

int
hs_cases_compact_work (void *arg)
{
    hs_cases_compaction_t *compaction = (hs_cases_compaction_t *) arg;
    hs_store_t *store = compaction->store;
    s_compact_t compact = { .keys = zlistx_new (), .compaction = compaction,
                            .skip = compaction->from_size > 0 };
    zlistx_set_destructor (compact.keys, s_chunk_free);
    compaction->next_size = 0;
    compaction->chunk = 0;
    int rc = hs_store_walk (store, HS_TABLE_CASES,
                            compaction->from_size? compaction->from: NULL, compaction->from_size,
                            false, s_compact_visit, &compact);
    compaction->done = compact.seen < 20 * HS_CASES_COMPACT_CHUNK
                    && zlistx_size (compact.keys) < HS_CASES_COMPACT_CHUNK;
    hs_case_t *kase = (hs_case_t *) zmalloc (sizeof (hs_case_t));
    hs_pack_t *pack = hs_pack_new ();
    for (zchunk_t *key = (zchunk_t *) zlistx_first (compact.keys); rc == 0 && key;
         key = (zchunk_t *) zlistx_next (compact.keys)) {
        const void *data;
        size_t size;
        if (hs_store_get (store, HS_TABLE_CASES, zchunk_data (key), zchunk_size (key), &data,
                          &size))
            rc = -1;
        else
        if (hs_case_decode (data, size, kase))
            continue;                   //  unreadable either way: verify reports it
        else {
            hs_pack_reset (pack);
            hs_case_encode (kase, pack);
            rc = hs_store_put (store, HS_TABLE_CASES, zchunk_data (key), zchunk_size (key),
                               hs_pack_data (pack), hs_pack_size (pack));
            compaction->chunk++;
        }
    }
    hs_pack_destroy (&pack);
    free (kase);
    zlistx_destroy (&compact.keys);
    return rc;
}

typedef struct {
    hs_cases_order_fn *visit;
    void *arg;
    hs_store_t *store;          //  to read an open case's summary from caseorder
    bool failed;                //  ... and the store failed to
} s_walk_t;

static int
s_walk_visit (const void *key, size_t key_size, const void *data, size_t size, void *arg)
{
    s_walk_t *walk = (s_walk_t *) arg;
    hs_case_summary_t summary;
    if (key_size != 8)
        return 0;
    if (size == 0 && walk->store) {         //  an open case's key: its summary is caseorder's
        int rc = hs_store_get (walk->store, HS_TABLE_CASEORDER, key, key_size, &data, &size);
        if (rc < 0) {
            walk->failed = true;
            return -1;
        }
        if (rc == 1)
            return 0;                       //  verify says so
    }
    if (hs_cases_summary_decode (data, size, &summary))
        return 0;
    return walk->visit (hs_store_be64_get ((const uint8_t *) key), &summary, walk->arg);
}

int
hs_cases_walk (hs_store_t *store, bool open_only, uint64_t before, hs_cases_order_fn *visit,
               void *arg)
{
    s_walk_t walk = { visit, arg, open_only? store: NULL, false };
    hs_table_t table = open_only? HS_TABLE_OPENCASES: HS_TABLE_CASEORDER;
    uint8_t key [8];
    hs_store_be64_put (key, before);
    int rc = before == 0? hs_store_walk (store, table, NULL, 0, true, s_walk_visit, &walk)
                        : hs_store_walk_before (store, table, key, 8, s_walk_visit, &walk);
    return rc || walk.failed? -1: 0;
}

void
hs_cases_classified (hs_case_t *kase, const hs_decision_t *decision, const char *version)
{
    hs_case_classified (kase, decision->level, decision->rules_level, decision->units,
                        decision->reasons, version);
}

void
hs_cases_facts (const hs_case_t *kase, hs_facts_t *facts, const char **sources)
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
hs_cases_test (bool verbose)
{
    if (verbose)
        printf (" * hs_cases: ");
    char error [256];
    char *path = zsys_sprintf ("/tmp/hs_cases_test.%d", getpid ());
    hs_store_t *store = hs_store_new (path, 1 << 25, 1 << 26, error, sizeof (error));
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
    hs_cases_classified (kase, &decision, "abc");
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

    //  An older store's records (maps) are rewritten compact, a chunk a
    //  transaction; a compact one among them is left as it is.
    size_t older = 2 * HS_CASES_COMPACT_CHUNK + 7;
    assert (hs_store_begin (store) == 0);
    for (size_t index = 0; index < older; index++) {
        snprintf (kase->id, sizeof (kase->id), "putuo-%zu", index + 10);
        hs_pack_reset (pack);
        if (index == 3)
            hs_case_encode (kase, pack);
        else
            hs_case_encode_map (kase, pack);
        assert (hs_store_put (store, HS_TABLE_CASES, kase->id, strlen (kase->id),
                              hs_pack_data (pack), hs_pack_size (pack)) == 0);
    }
    assert (hs_store_commit (store) == 0);
    hs_cases_compaction_t compaction = { .store = store };
    int chunks = 0;
    size_t rewritten = 0;
    do {
        //  A chunk done twice (the map grew: the work runs again) is the same.
        assert (hs_store_begin (store) == 0);
        assert (hs_cases_compact_work (&compaction) == 0);
        hs_store_abort (store);
        size_t first = compaction.chunk;
        assert (hs_store_begin (store) == 0);
        assert (hs_cases_compact_work (&compaction) == 0 && compaction.chunk == first);
        assert (hs_store_commit (store) == 0);
        rewritten += compaction.chunk;
        memcpy (compaction.from, compaction.next, compaction.next_size);
        compaction.from_size = compaction.next_size;
        chunks++;
    } while (!compaction.done);
    assert (chunks == 3 && rewritten == older - 1);
    assert (hs_store_view_begin (store) == 0);
    const void *data;
    size_t size;
    assert (hs_store_get (store, HS_TABLE_CASES, "putuo-5000", 10, &data, &size) == 0);
    assert (hs_case_record_compact (data, size) && hs_case_decode (data, size, found) == 0);
    assert (streq (found->id, "putuo-5000") && found->closed && found->workers == 12);
    hs_store_view_end (store);

    free (kase);
    free (found);
    hs_pack_destroy (&pack);
    hs_store_destroy (&store);
    hs_store_remove (path);
    zstr_free (&path);
    if (verbose)
        printf ("OK\n");
}
