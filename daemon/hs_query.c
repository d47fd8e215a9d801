/*  =========================================================================
    hs_query - the read-only api requests: case, cases, replay
    =========================================================================
*/

#include "hs_query.h"
#include "hs_cases.h"

#define CASES_LIMIT_MAX     1000
#define REPLAY_LIMIT_MAX    10000

static const char *s_published [] = {
    "alert", "meeting", "escalate", "warning", "reminder", "brief", NULL
};

bool
hs_query_published (const char *type)
{
    for (int index = 0; s_published [index]; index++)
        if (streq (s_published [index], type))
            return true;
    return false;
}

//  Optional arguments. Each returns 0 (absent: default kept), or -1.
static int
s_arg_int (const msgpack_object *args, const char *key, int64_t min, int64_t max,
           int64_t *value, hs_why_t *why)
{
    const msgpack_object *obj = args? hs_proto_get (args, key): NULL;
    if (!obj || obj->type == MSGPACK_OBJECT_NIL)
        return 0;
    int64_t number;
    if (obj->type == MSGPACK_OBJECT_POSITIVE_INTEGER && obj->via.u64 <= (uint64_t) INT64_MAX)
        number = (int64_t) obj->via.u64;
    else
    if (obj->type == MSGPACK_OBJECT_NEGATIVE_INTEGER)
        number = obj->via.i64;
    else
        return hs_why (why, "bad_type", "argument '%s' must be an integer", key);
    if (number < min || number > max)
        return hs_why (why, "bad_value", "argument '%s' is out of range", key);
    *value = number;
    return 0;
}

static int
s_arg_str (const msgpack_object *args, const char *key, char *value, size_t size, hs_why_t *why)
{
    const msgpack_object *obj = args? hs_proto_get (args, key): NULL;
    *value = 0;
    if (!obj || obj->type == MSGPACK_OBJECT_NIL)
        return 0;
    if (hs_proto_strcpy (obj, value, size))
        return hs_why (why, "bad_type", "argument '%s' must be a short string", key);
    return 0;
}

//  The walk over one case's history: keys are "<case>\0<seq>".
typedef struct {
    hs_store_t *store;
    const char *prefix;
    size_t prefix_size;
    zlistx_t *seqs;
} s_prefix_walk_t;

static int
s_collect_history (const void *key, size_t key_size, const void *data, size_t size, void *arg)
{
    (void) data;
    (void) size;
    s_prefix_walk_t *walk = (s_prefix_walk_t *) arg;
    if (key_size != walk->prefix_size + 8 || memcmp (key, walk->prefix, walk->prefix_size))
        return 1;
    uint64_t *seq = (uint64_t *) malloc (sizeof (uint64_t));
    *seq = hs_store_be64_get ((const uint8_t *) key + walk->prefix_size);
    zlistx_add_end (walk->seqs, seq);
    return 0;
}

static void
s_free_seq (void **item)
{
    free (*item);
    *item = NULL;
}

int
hs_query_case (hs_store_t *store, const msgpack_object *args, hs_pack_t *reply, hs_why_t *why)
{
    char case_id [HS_ID_MAX + 1];
    if (s_arg_str (args, "id", case_id, sizeof (case_id), why))
        return -1;
    if (!*case_id)
        return hs_why (why, "missing_field", "'case' needs an id");
    const void *record;
    size_t record_size;
    int rc = hs_store_get (store, HS_TABLE_CASES, case_id, strlen (case_id), &record, &record_size);
    if (rc < 0)
        return hs_why (why, "store", "the store could not be read");
    if (rc == 1)
        return hs_why (why, "unknown_case", "no case '%s'", case_id);

    char prefix [HS_ID_MAX + 2];
    size_t prefix_size = strlen (case_id) + 1;
    memcpy (prefix, case_id, prefix_size);       //  with its NUL
    s_prefix_walk_t walk = { store, prefix, prefix_size, zlistx_new () };
    zlistx_set_destructor (walk.seqs, s_free_seq);
    rc = hs_store_walk (store, HS_TABLE_HISTORY, prefix, prefix_size, false, s_collect_history, &walk);

    hs_map_t map;
    hs_map_begin (&map, reply);
    hs_map_int (&map, "v", HS_PROTO_VERSION);
    hs_map_key (&map, "case");
    hs_pack_raw (reply, record, record_size);
    hs_map_key (&map, "history");
    hs_pack_array (reply, zlistx_size (walk.seqs));
    for (uint64_t *seq = (uint64_t *) zlistx_first (walk.seqs); seq;
         seq = (uint64_t *) zlistx_next (walk.seqs)) {
        uint8_t key [8];
        hs_store_be64_put (key, *seq);
        const void *event;
        size_t event_size;
        if (hs_store_get (store, HS_TABLE_EVENTS, key, 8, &event, &event_size) == 0)
            hs_pack_raw (reply, event, event_size);
        else
            hs_pack_nil (reply);
    }
    hs_map_end (&map);
    zlistx_destroy (&walk.seqs);
    return rc;
}

typedef struct {
    hs_config_t *config;
    int level;                  //  -1: any
    char street [HS_CODE_MAX + 1];
    char unit [HS_CODE_MAX + 1];
    char status [16];           //  open | closed | a status name | "" any
    int overdue;                //  -1 any, 0 no, 1 yes
    int64_t since, until;       //  opened within
    int64_t limit;
    zlistx_t *matches;          //  copies of matching records (zchunk_t *)
    int64_t count;
} s_cases_walk_t;

static void
s_free_chunk (void **item)
{
    zchunk_t *chunk = (zchunk_t *) *item;
    zchunk_destroy (&chunk);
    *item = NULL;
}

static int
s_match_case (const void *key, size_t key_size, const void *data, size_t size, void *arg)
{
    (void) key;
    (void) key_size;
    s_cases_walk_t *walk = (s_cases_walk_t *) arg;
    hs_case_t *kase = (hs_case_t *) malloc (sizeof (hs_case_t));
    bool match = hs_case_decode (data, size, kase) == 0;
    if (match && walk->level >= 0)
        match = kase->level == walk->level;
    if (match && *walk->street)
        match = streq (kase->street, walk->street);
    if (match && *walk->unit)
        match = hs_case_has_unit (kase, walk->unit);
    if (match && *walk->status) {
        if (streq (walk->status, "open"))
            match = !kase->closed;
        else
        if (streq (walk->status, "closed"))
            match = kase->closed;
        else
            match = hs_status_parse (walk->status) == kase->status;
    }
    if (match && walk->overdue >= 0)
        match = (kase->overdue_sent && !kase->closed) == (walk->overdue == 1);
    if (match && walk->since)
        match = kase->opened >= walk->since;
    if (match && walk->until)
        match = kase->opened < walk->until;
    free (kase);
    if (match) {
        walk->count++;
        zlistx_add_end (walk->matches, zchunk_new (data, size));
    }
    return 0;
}

//  Newest first: by the seq of their first report, descending.
static int
s_compare_newest (const void *a, const void *b)
{
    hs_case_t *first = (hs_case_t *) malloc (sizeof (hs_case_t));
    hs_case_t *second = (hs_case_t *) malloc (sizeof (hs_case_t));
    hs_case_decode (zchunk_data ((zchunk_t *) a), zchunk_size ((zchunk_t *) a), first);
    hs_case_decode (zchunk_data ((zchunk_t *) b), zchunk_size ((zchunk_t *) b), second);
    int result = first->first_seq < second->first_seq? 1: first->first_seq > second->first_seq? -1: 0;
    free (first);
    free (second);
    return result;
}

int
hs_query_cases (hs_store_t *store, hs_config_t *config, const msgpack_object *args,
                hs_pack_t *reply, hs_why_t *why)
{
    s_cases_walk_t walk = { .config = config, .level = -1, .overdue = -1, .limit = 100 };
    char level [HS_CODE_MAX + 1];
    char street [HS_CODE_MAX + 1];
    if (s_arg_str (args, "level", level, sizeof (level), why)
    ||  s_arg_str (args, "street", street, sizeof (street), why)
    ||  s_arg_str (args, "unit", walk.unit, sizeof (walk.unit), why)
    ||  s_arg_str (args, "status", walk.status, sizeof (walk.status), why)
    ||  s_arg_int (args, "since", 0, INT64_MAX, &walk.since, why)
    ||  s_arg_int (args, "until", 0, INT64_MAX, &walk.until, why)
    ||  s_arg_int (args, "limit", 1, CASES_LIMIT_MAX, &walk.limit, why))
        return -1;
    if (*level && (walk.level = hs_level_parse (level)) < 0)
        return hs_why (why, "bad_value", "unknown level '%s'", level);
    if (*street) {
        const hs_unit_t *unit = hs_units_street (config->units, street);
        if (!unit)
            return hs_why (why, "unknown_street", "'%s' is not a street of ours", street);
        hs_strcpy (walk.street, sizeof (walk.street), unit->code);
    }
    if (*walk.status && !streq (walk.status, "open") && !streq (walk.status, "closed")
    &&  hs_status_parse (walk.status) < 0)
        return hs_why (why, "bad_value", "status must be open, closed or a status name");
    const msgpack_object *overdue = args? hs_proto_get (args, "overdue"): NULL;
    if (overdue && overdue->type == MSGPACK_OBJECT_BOOLEAN)
        walk.overdue = overdue->via.boolean? 1: 0;
    else
    if (overdue && overdue->type != MSGPACK_OBJECT_NIL)
        return hs_why (why, "bad_type", "argument 'overdue' must be true or false");

    walk.matches = zlistx_new ();
    zlistx_set_destructor (walk.matches, s_free_chunk);
    zlistx_set_comparator (walk.matches, s_compare_newest);
    int rc = hs_store_walk (store, HS_TABLE_CASES, NULL, 0, false, s_match_case, &walk);
    zlistx_sort (walk.matches);
    size_t shown = (size_t) walk.count < (size_t) walk.limit? (size_t) walk.count: (size_t) walk.limit;
    hs_map_t map;
    hs_map_begin (&map, reply);
    hs_map_int (&map, "v", HS_PROTO_VERSION);
    hs_map_int (&map, "count", walk.count);
    hs_map_key (&map, "cases");
    hs_pack_array (reply, shown);
    size_t index = 0;
    for (zchunk_t *chunk = (zchunk_t *) zlistx_first (walk.matches); chunk && index < shown;
         chunk = (zchunk_t *) zlistx_next (walk.matches), index++)
        hs_pack_raw (reply, zchunk_data (chunk), zchunk_size (chunk));
    hs_map_end (&map);
    zlistx_destroy (&walk.matches);
    return rc;
}

typedef struct {
    hs_pack_t *events;          //  packed replay entries
    int64_t limit;
    int64_t count;
    uint64_t next;              //  the seq after the last one read
    size_t scanned;
} s_replay_walk_t;

static int
s_replay_event (const void *key, size_t key_size, const void *data, size_t size, void *arg)
{
    s_replay_walk_t *walk = (s_replay_walk_t *) arg;
    if (key_size != 8)
        return 0;
    if (walk->count >= walk->limit || ++walk->scanned > (size_t) walk->limit * 50)
        return 1;
    walk->next = hs_store_be64_get ((const uint8_t *) key) + 1;
    msgpack_unpacked unpacked;
    msgpack_unpacked_init (&unpacked);
    if (hs_proto_unpack_stored ((const uint8_t *) data, size, &unpacked) == 0) {
        char type [32];
        if (hs_proto_strcpy (hs_proto_get (&unpacked.data, "type"), type, sizeof (type)) == 0
        &&  hs_query_published (type)) {
            //  An entry: {seq, topic, body} from the stored event.
            hs_map_t entry;
            hs_map_begin (&entry, walk->events);
            hs_map_int (&entry, "seq", (int64_t) (walk->next - 1));
            hs_map_key (&entry, "topic");
            hs_pack_object (walk->events, hs_proto_get (&unpacked.data, "topic"));
            hs_map_key (&entry, "body");
            hs_pack_object (walk->events, hs_proto_get (&unpacked.data, "body"));
            hs_map_end (&entry);
            walk->count++;
        }
    }
    msgpack_unpacked_destroy (&unpacked);
    return 0;
}

int
hs_query_replay (hs_store_t *store, const msgpack_object *args, hs_pack_t *reply, hs_why_t *why)
{
    int64_t since = 1, limit = 1000;
    if (s_arg_int (args, "since", 1, INT64_MAX, &since, why)
    ||  s_arg_int (args, "limit", 1, REPLAY_LIMIT_MAX, &limit, why))
        return -1;
    uint64_t next_seq;
    if (hs_store_meta_get (store, "next_seq", 1, &next_seq))
        return hs_why (why, "store", "the store could not be read");
    s_replay_walk_t walk = { hs_pack_new (), limit, 0, (uint64_t) since, 0 };
    uint8_t from [8];
    hs_store_be64_put (from, (uint64_t) since);
    int rc = hs_store_walk (store, HS_TABLE_EVENTS, from, 8, false, s_replay_event, &walk);
    hs_map_t map;
    hs_map_begin (&map, reply);
    hs_map_int (&map, "v", HS_PROTO_VERSION);
    hs_map_int (&map, "next", (int64_t) walk.next);
    hs_map_int (&map, "last", (int64_t) next_seq - 1);
    hs_map_key (&map, "events");
    hs_pack_array (reply, (size_t) walk.count);
    hs_pack_raw (reply, hs_pack_data (walk.events), hs_pack_size (walk.events));
    hs_map_end (&map);
    hs_pack_destroy (&walk.events);
    return rc;
}

void
hs_query_test (bool verbose)
{
    if (verbose)
        printf (" * hs_query: ");
    assert (hs_query_published ("alert") && hs_query_published ("brief"));
    assert (!hs_query_published ("report") && !hs_query_published ("update"));
    //  The queries themselves run against a live store in hs_engine_test
    //  and in the integration tests.
    if (verbose)
        printf ("OK\n");
}
