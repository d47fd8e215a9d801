/*  =========================================================================
    hs_query - the read-only api requests: case, cases, replay
    =========================================================================
*/

#include "hs_query.h"
#include "hs_cases.h"
#include "hs_ledger.h"
#include "hs_meeting_table.h"
#include "hs_guard.h"
#include "../protocol/hs_filing_msg.h"
#include "../protocol/hs_meetings_msg.h"

#define CASES_LIMIT_MAX     1000
#define REPLAY_LIMIT_MAX    10000
#define MEETINGS_LIMIT_MAX  200
#define MEETINGS_SCAN_MAX   20000       //  meetings one request looks at

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

//  A case's history from a seq on, as seqs in order (8 bytes each: the
//  events themselves are read only as far as the reply's budget goes).
typedef struct {
    zlistx_t *seqs;             //  uint64_t * each
    uint64_t from;              //  the first seq wanted
} s_history_walk_t;

static int
s_collect_history (uint64_t seq, const char *type, void *arg)
{
    (void) type;
    s_history_walk_t *walk = (s_history_walk_t *) arg;
    if (seq < walk->from)
        return 0;
    uint64_t *copy = (uint64_t *) malloc (sizeof (uint64_t));
    *copy = seq;
    zlistx_add_end (walk->seqs, copy);
    return 0;
}

static void
s_free_seq (void **item)
{
    free (*item);
    *item = NULL;
}

int
hs_query_case (hs_store_t *store, hs_config_t *config, const msgpack_object *args,
               hs_pack_t *reply, hs_why_t *why)
{
    char case_id [HS_ID_MAX + 1];
    int64_t from = 0;
    if (s_arg_str (args, "id", case_id, sizeof (case_id), why)
    ||  s_arg_int (args, "from", 0, INT64_MAX, &from, why))
        return -1;
    if (!*case_id)
        return hs_why (why, "missing_field", "'case' needs an id");
    const void *record;
    size_t record_size;
    int rc = hs_cases_record (store, case_id, &record, &record_size);
    if (rc < 0)
        return hs_why (why, "store", "the store could not be read");
    if (rc == 1)
        return hs_why (why, "unknown_case", "no case '%s'", case_id);
    //  The stored record is compact; a reply carries the case as a map.
    hs_case_t *decoded = (hs_case_t *) zmalloc (sizeof (hs_case_t));
    rc = hs_case_decode (record, record_size, decoded);
    hs_pack_t *map = hs_pack_new ();
    if (rc == 0)
        hs_case_encode_map (decoded, map);
    free (decoded);
    if (rc) {
        hs_pack_destroy (&map);
        return hs_why (why, "store", "case '%s' cannot be read (huishang verify says more)",
                       case_id);
    }
    record_size = hs_pack_size (map);
    s_history_walk_t walk = { zlistx_new (), (uint64_t) from };
    zlistx_set_destructor (walk.seqs, s_free_seq);
    rc = hs_ledger_history_walk (store, case_id, s_collect_history, &walk);
    size_t count = zlistx_size (walk.seqs);
    hs_bytes_t *history = (hs_bytes_t *) zmalloc ((count + 1) * sizeof (hs_bytes_t));
    size_t *offsets = (size_t *) zmalloc ((count + 1) * sizeof (size_t));
    hs_pack_t *entries = hs_pack_new ();    //  each event as the api shows it
    size_t index = 0, bytes = record_size;
    uint64_t next = 0;
    for (uint64_t *seq = (uint64_t *) zlistx_first (walk.seqs); seq;
         seq = (uint64_t *) zlistx_next (walk.seqs), index++) {
        const void *raw;
        size_t raw_size;
        offsets [index] = hs_pack_size (entries);
        if (hs_ledger_event_raw (store, *seq, &raw, &raw_size))
            history [index].data = NULL;
        else {
            //  One that cannot be read goes as it is: the reply's check
            //  finds it damaged.
            hs_event_map (raw, raw_size, entries);
            history [index].data = raw;
            history [index].size = hs_pack_size (entries) - offsets [index];
        }
        //  Past the budget (one entry at least): the rest is the next page's.
        bytes += history [index].data? history [index].size: 1;
        if (index > 0 && bytes > (size_t) config->reply_max) {
            next = *seq;
            break;
        }
    }
    for (size_t entry = 0; entry < index; entry++)
        if (history [entry].data)
            history [entry].data = hs_pack_data (entries) + offsets [entry];
    hs_bytes_t kase = { hs_pack_data (map), hs_pack_size (map) };
    hs_reply_case (reply, &kase, history, index, next);
    free (history);
    free (offsets);
    hs_pack_destroy (&entries);
    hs_pack_destroy (&map);
    zlistx_destroy (&walk.seqs);
    return rc? hs_why (why, "store", "the store could not be read"): 0;
}

int
hs_query_meeting (hs_store_t *store, const msgpack_object *args, hs_pack_t *reply, hs_why_t *why)
{
    char id [HS_ID_MAX + 1];
    if (s_arg_str (args, "id", id, sizeof (id), why))
        return -1;
    if (!*id)
        return hs_why (why, "missing_field", "'meeting' needs an id");
    hs_meeting_rec_t *meeting = (hs_meeting_rec_t *) zmalloc (sizeof (hs_meeting_rec_t));
    int rc = hs_meeting_table_load (store, id, meeting);
    if (rc == 0) {
        hs_pack_t *shown = hs_pack_new ();
        hs_meeting_rec_encode_map (meeting, shown);
        hs_meeting_reply_encode (reply, hs_pack_data (shown), hs_pack_size (shown));
        hs_pack_destroy (&shown);
    }
    free (meeting);
    if (rc < 0)
        return hs_why (why, "store", "the store could not be read");
    if (rc == 1)
        return hs_why (why, "unknown_meeting", "no meeting '%s'", id);
    return 0;
}

//  How far one `cases` request looks: index entries (cheap: no case is
//  decoded for them), and cases read to check a filter the summary does
//  not hold (the unit).
#define CASES_SCAN_MAX      200000
#define CASES_DECODE_FACTOR 20

typedef struct {
    hs_store_t *store;
    int level;                  //  -1: any
    char street [HS_CODE_MAX + 1];
    char unit [HS_CODE_MAX + 1];
    char status [16];           //  open | closed | a status name | "" any
    int status_value;           //  of a status name, or -2
    int overdue;                //  -1 any, 0 no, 1 yes
    int64_t since, until;       //  opened within
    int64_t limit;
    size_t budget;              //  bytes of records one reply may carry
    size_t bytes;               //  bytes of the records shown
    bool counting;              //  the count is not known otherwise: count matches
    hs_case_t *kase;            //  scratch: the record decoded
    hs_pack_t *map;             //  scratch: ... and as the map a reply carries
    zlistx_t *records;          //  the cases shown, as maps (zchunk_t *), newest first
    int64_t count;              //  matches seen
    size_t scanned, decoded;
    uint64_t next;              //  where the next page starts, 0: nothing more
} s_cases_walk_t;

static void
s_free_chunk (void **item)
{
    zchunk_t *chunk = (zchunk_t *) *item;
    zchunk_destroy (&chunk);
    *item = NULL;
}

static int
s_match_case (uint64_t first_seq, const hs_case_summary_t *summary, void *arg)
{
    s_cases_walk_t *walk = (s_cases_walk_t *) arg;
    if (++walk->scanned > CASES_SCAN_MAX
    ||  walk->decoded > (size_t) walk->limit * CASES_DECODE_FACTOR) {
        //  Looked far enough for one request: from this one on is the next
        //  page's (`before` takes the cases older than it: this one too).
        walk->next = first_seq + 1;
        walk->counting = false;
        return 1;
    }
    bool match = walk->level < 0 || summary->level == walk->level;
    if (match && *walk->street)
        match = streq (summary->street, walk->street);
    if (match && *walk->status) {
        if (streq (walk->status, "open"))
            match = !summary->closed;
        else
        if (streq (walk->status, "closed"))
            match = summary->closed;
        else
            match = summary->status == walk->status_value;
    }
    if (match && walk->overdue >= 0)
        match = (summary->overdue && !summary->closed) == (walk->overdue == 1);
    if (match && walk->since)
        match = summary->opened >= walk->since;
    if (match && walk->until)
        match = summary->opened < walk->until;
    bool shown = (int64_t) zlistx_size (walk->records) < walk->limit
              && (zlistx_size (walk->records) == 0 || walk->bytes < walk->budget);
    if (match && (*walk->unit || shown)) {
        const void *record;
        size_t size;
        int rc = hs_cases_record (walk->store, summary->id, &record, &size);
        if (rc < 0)
            return -1;
        walk->decoded++;
        if (rc == 1)
            match = false;
        else {
            //  A broken record is not shown (huishang verify reports it).
            match = hs_case_decode (record, size, walk->kase) == 0
                 && (!*walk->unit || hs_case_has_unit (walk->kase, walk->unit));
            hs_pack_reset (walk->map);
            if (match && shown)
                hs_case_encode_map (walk->kase, walk->map);
        }
        size = hs_pack_size (walk->map);
        if (match && shown && zlistx_size (walk->records) > 0 && walk->bytes + size > walk->budget) {
            shown = false;          //  over the reply's budget: the next page's
            walk->budget = 0;
        }
        if (match && shown) {
            zlistx_add_end (walk->records, zchunk_new (hs_pack_data (walk->map), size));
            walk->bytes += size;
        }
    }
    if (match)
        walk->count++;
    if (match && !shown && !walk->counting) {
        //  A page is full and the count comes from elsewhere: stop here.
        walk->next = first_seq + 1;
        return 1;
    }
    if (match && !shown && !walk->next)
        walk->next = first_seq + 1;     //  counting on: the next page starts here
    return 0;
}

int
hs_query_cases (hs_store_t *store, hs_config_t *config, const msgpack_object *args,
                hs_pack_t *reply, hs_why_t *why)
{
    s_cases_walk_t walk = { .store = store, .level = -1, .overdue = -1, .limit = 100,
                            .status_value = -2, .budget = (size_t) config->reply_max };
    char level [HS_CODE_MAX + 1];
    char street [HS_CODE_MAX + 1];
    int64_t before = 0;
    if (s_arg_str (args, "level", level, sizeof (level), why)
    ||  s_arg_str (args, "street", street, sizeof (street), why)
    ||  s_arg_str (args, "unit", walk.unit, sizeof (walk.unit), why)
    ||  s_arg_str (args, "status", walk.status, sizeof (walk.status), why)
    ||  s_arg_int (args, "since", 0, INT64_MAX, &walk.since, why)
    ||  s_arg_int (args, "until", 0, INT64_MAX, &walk.until, why)
    ||  s_arg_int (args, "limit", 1, CASES_LIMIT_MAX, &walk.limit, why)
    ||  s_arg_int (args, "before", 0, INT64_MAX, &before, why))
        return -1;
    if (*level && (walk.level = hs_level_parse (level)) < 0)
        return hs_why (why, "bad_value", "unknown level '%s'", level);
    if (*street) {
        const hs_unit_t *unit = hs_units_street (config->units, street);
        if (!unit)
            return hs_why (why, "unknown_street", "'%s' is not a street of ours", street);
        hs_strcpy (walk.street, sizeof (walk.street), unit->code);
    }
    if (*walk.status && !streq (walk.status, "open") && !streq (walk.status, "closed")) {
        walk.status_value = hs_status_parse (walk.status);
        if (walk.status_value < 0)
            return hs_why (why, "bad_value", "status must be open, closed or a status name");
    }
    const msgpack_object *overdue = args? hs_proto_get (args, "overdue"): NULL;
    if (overdue && overdue->type == MSGPACK_OBJECT_BOOLEAN)
        walk.overdue = overdue->via.boolean? 1: 0;
    else
    if (overdue && overdue->type != MSGPACK_OBJECT_NIL)
        return hs_why (why, "bad_type", "argument 'overdue' must be true or false");
    bool open_only = streq (walk.status, "open");
    bool filtered = walk.level >= 0 || *walk.street || *walk.unit || walk.overdue >= 0
                 || walk.since || walk.until || (*walk.status && !open_only);
    //  Unfiltered, the count is a counter; filtered, the walk counts.
    int64_t count = -1;
    if (!filtered && !before) {
        uint64_t cases;
        if (open_only? hs_store_meta_get (store, HS_META_OPEN_CASES, 0, &cases) == 0:
                       hs_store_count (store, HS_TABLE_CASES, &cases) == 0)
            count = (int64_t) cases;
    }
    walk.counting = count < 0 && !before;
    walk.kase = (hs_case_t *) zmalloc (sizeof (hs_case_t));
    walk.map = hs_pack_new ();
    walk.records = zlistx_new ();
    zlistx_set_destructor (walk.records, s_free_chunk);
    int rc = hs_cases_walk (store, open_only, (uint64_t) before, s_match_case, &walk);
    if (walk.counting)
        count = walk.count;
    size_t shown = zlistx_size (walk.records);
    hs_bytes_t *records = (hs_bytes_t *) zmalloc ((shown + 1) * sizeof (hs_bytes_t));
    size_t index = 0;
    for (zchunk_t *chunk = (zchunk_t *) zlistx_first (walk.records); chunk;
         chunk = (zchunk_t *) zlistx_next (walk.records), index++) {
        records [index].data = zchunk_data (chunk);
        records [index].size = zchunk_size (chunk);
    }
    hs_reply_cases (reply, count, records, shown, walk.next);
    free (records);
    zlistx_destroy (&walk.records);
    free (walk.kase);
    hs_pack_destroy (&walk.map);
    return rc? hs_why (why, "store", "the store could not be read"): 0;
}

//  `meetings`: a page of meeting records in id order.
typedef struct {
    bool open_only;             //  not held and not superseded
    bool chasing;               //  an action item not done yet
    int64_t since;              //  requested at or after (0: any)
    int64_t limit;
    size_t budget;              //  bytes of records one reply may carry
    size_t bytes;
    size_t scanned;
    zlistx_t *records;          //  the maps of the records shown (zchunk_t *)
    hs_pack_t *map;             //  one record's map, packed
    char last [HS_ID_MAX + 1];  //  the last meeting shown or looked at
    bool more;                  //  the page ended before the table did
} s_meetings_walk_t;

static int
s_match_meeting (const hs_meeting_rec_t *meeting, void *arg)
{
    s_meetings_walk_t *walk = (s_meetings_walk_t *) arg;
    if (++walk->scanned > MEETINGS_SCAN_MAX) {
        walk->more = true;          //  looked far enough: go on after the last looked at
        return 1;
    }
    bool match = (!walk->open_only || (!meeting->held && !*meeting->superseded_by))
              && meeting->requested >= walk->since;
    if (match && walk->chasing) {
        match = false;
        for (size_t index = 0; index < meeting->action_count && !match; index++)
            match = meeting->actions [index].next && !meeting->actions [index].done;
    }
    if (match) {
        size_t shown = zlistx_size (walk->records);
        hs_pack_reset (walk->map);
        hs_meeting_rec_encode_map (meeting, walk->map);
        size_t size = hs_pack_size (walk->map);
        if ((int64_t) shown >= walk->limit || (shown > 0 && walk->bytes + size > walk->budget)) {
            walk->more = true;      //  a full page: the next one starts after the last shown
            return 1;
        }
        zlistx_add_end (walk->records, zchunk_new (hs_pack_data (walk->map), size));
        walk->bytes += size;
    }
    hs_strcpy (walk->last, sizeof (walk->last), meeting->id);
    return 0;
}

int
hs_query_meetings (hs_store_t *store, hs_config_t *config, const msgpack_object *args,
                   hs_pack_t *reply, hs_why_t *why)
{
    s_meetings_walk_t walk = { .limit = 100, .budget = (size_t) config->reply_max };
    char state [16], after [HS_ID_MAX + 1];
    if (s_arg_str (args, "state", state, sizeof (state), why)
    ||  s_arg_str (args, "after", after, sizeof (after), why)
    ||  s_arg_int (args, "since", 0, INT64_MAX, &walk.since, why)
    ||  s_arg_int (args, "limit", 1, MEETINGS_LIMIT_MAX, &walk.limit, why))
        return -1;
    if (*state && !streq (state, "open") && !streq (state, "all") && !streq (state, "actions"))
        return hs_why (why, "bad_value", "state must be open, actions or all");
    walk.open_only = streq (state, "open");
    walk.chasing = streq (state, "actions");
    walk.records = zlistx_new ();
    zlistx_set_destructor (walk.records, s_free_chunk);
    walk.map = hs_pack_new ();
    hs_meeting_rec_t *meeting = (hs_meeting_rec_t *) zmalloc (sizeof (hs_meeting_rec_t));
    int rc = hs_meeting_table_walk_after (store, after, meeting, s_match_meeting, &walk);
    free (meeting);
    hs_pack_destroy (&walk.map);
    size_t shown = zlistx_size (walk.records);
    hs_bytes_t *records = (hs_bytes_t *) zmalloc ((shown + 1) * sizeof (hs_bytes_t));
    size_t index = 0;
    for (zchunk_t *chunk = (zchunk_t *) zlistx_first (walk.records); chunk;
         chunk = (zchunk_t *) zlistx_next (walk.records), index++) {
        records [index].data = zchunk_data (chunk);
        records [index].size = zchunk_size (chunk);
    }
    if (rc == 0)
        hs_meetings_reply_encode (reply, records, shown,
                                  walk.more && *walk.last? walk.last: NULL);
    free (records);
    zlistx_destroy (&walk.records);
    return rc? hs_why (why, "store", "the store could not be read"): 0;
}

//  One replayed event: its entry, and its topic, which the entry borrows.
typedef struct {
    hs_replay_entry_t entry;
    char topic [HS_TOPIC_MAX + 1];
    uint8_t *body;              //  a body packed again from its decision (an alert),
                                //  which lives no longer than the visit: a copy
} s_replayed_t;

typedef struct {
    s_replayed_t *events;       //  room for `limit`
    int64_t limit;
    int64_t count;
    uint64_t next;              //  the seq after the last one read
    size_t scanned;
    size_t budget;              //  bytes of bodies one reply may carry
    size_t bytes;               //  bytes of the bodies so far
} s_replay_walk_t;

static int
s_replay_event (uint64_t seq, const hs_event_read_t *event, void *arg)
{
    s_replay_walk_t *walk = (s_replay_walk_t *) arg;
    if (walk->count >= walk->limit || ++walk->scanned > (size_t) walk->limit * 50)
        return 1;
    if (event && hs_event_published (event->type) && walk->count > 0
    &&  walk->bytes + event->body_size > walk->budget)
        return 1;                   //  over the reply's budget: next starts here
    walk->next = seq + 1;
    //  A body that is not what we wrote (a byte changed inside a value,
    //  which the start's check cannot see) is left out like a record that
    //  does not read, and said: the store is damaged.
    if (event && hs_event_published (event->type) && !hs_proto_sound (event->body, event->body_size)) {
        char what [96];
        snprintf (what, sizeof (what), "event %llu's body is not what was stored",
                  (unsigned long long) seq);
        hs_guard_damaged (what);
        return 0;
    }
    if (event && hs_event_published (event->type)) {
        walk->bytes += event->body_size + strlen (event->topic);
        s_replayed_t *replayed = &walk->events [walk->count++];
        memcpy (replayed->topic, event->topic, sizeof (replayed->topic));
        replayed->entry.seq = seq;
        replayed->entry.topic = replayed->topic;
        replayed->entry.body = event->body;         //  borrowed until the view ends
        replayed->entry.body_size = event->body_size;
        if (event->compact) {
            replayed->body = (uint8_t *) zmalloc (event->body_size);
            memcpy (replayed->body, event->body, event->body_size);
            replayed->entry.body = replayed->body;
        }
    }
    return 0;
}

int
hs_query_replay (hs_store_t *store, hs_config_t *config, const msgpack_object *args,
                 hs_pack_t *reply, hs_why_t *why)
{
    int64_t since = 1, limit = 1000;
    if (s_arg_int (args, "since", 1, INT64_MAX, &since, why)
    ||  s_arg_int (args, "limit", 1, REPLAY_LIMIT_MAX, &limit, why))
        return -1;
    uint64_t next_seq;
    if (hs_store_meta_get (store, HS_META_NEXT_SEQ, 1, &next_seq))
        return hs_why (why, "store", "the store could not be read");
    s_replay_walk_t walk = { NULL, limit, 0, (uint64_t) since, 0, (size_t) config->reply_max, 0 };
    walk.events = (s_replayed_t *) zmalloc ((size_t) limit * sizeof (s_replayed_t));
    int rc = hs_ledger_walk_published (store, (uint64_t) since, s_replay_event, &walk);
    hs_replay_entry_t *entries = (hs_replay_entry_t *) zmalloc (((size_t) walk.count + 1)
                                                                * sizeof (hs_replay_entry_t));
    for (int64_t index = 0; index < walk.count; index++)
        entries [index] = walk.events [index].entry;
    hs_reply_replay (reply, walk.next, next_seq - 1, entries, (size_t) walk.count);
    free (entries);
    for (int64_t index = 0; index < walk.count; index++)
        free (walk.events [index].body);
    free (walk.events);
    return rc;
}

//  ---------------------------------------------------------------------
//  Self test: 30 cases, 10 of them closed; queries read about as many as
//  they show, page on, and count. The test writes the store itself,
//  standing in for hs_txn (the daemon's one writer), which is above it.

//  Ask `cases`; the reply's records' ids into `ids`, its count and next.
static int
s_test_cases (hs_store_t *store, hs_config_t *config, const hs_cases_request_t *request,
              char (*ids) [HS_ID_MAX + 1], size_t *shown, int64_t *count, uint64_t *next)
{
    hs_pack_t *args = hs_pack_new ();
    hs_pack_t *reply = hs_pack_new ();
    hs_cases_request_encode (args, request);
    msgpack_unpacked unpacked;
    msgpack_unpacked_init (&unpacked);
    hs_why_t why;
    assert (hs_proto_unpack_stored (hs_pack_data (args), hs_pack_size (args), &unpacked) == 0);
    int rc = hs_query_cases (store, config, &unpacked.data, reply, &why);
    msgpack_unpacked_destroy (&unpacked);
    if (rc) {
        hs_pack_destroy (&args);
        hs_pack_destroy (&reply);
        return rc;
    }
    msgpack_unpacked_init (&unpacked);
    assert (hs_proto_unpack_stored (hs_pack_data (reply), hs_pack_size (reply), &unpacked) == 0);
    *count = hs_proto_int (&unpacked.data, "count", -1);
    *next = (uint64_t) hs_proto_int (&unpacked.data, "next", 0);
    const msgpack_object *cases = hs_proto_get (&unpacked.data, "cases");
    *shown = cases? cases->via.array.size: 0;
    for (size_t index = 0; index < *shown; index++)
        hs_proto_strcpy (hs_proto_get (&cases->via.array.ptr [index], "id"), ids [index],
                         HS_ID_MAX + 1);
    msgpack_unpacked_destroy (&unpacked);
    hs_pack_destroy (&args);
    hs_pack_destroy (&reply);
    return rc;
}

//  Ask `meetings`; the ids shown into `ids` (`shown` of them), next into
//  `next` ("" none).
static int
s_test_meetings (hs_store_t *store, hs_config_t *config, const hs_meetings_request_t *request,
                 char (*ids) [HS_ID_MAX + 1], size_t *shown, char *next)
{
    hs_pack_t *args = hs_pack_new ();
    hs_pack_t *reply = hs_pack_new ();
    hs_meetings_request_encode (args, request);
    msgpack_unpacked unpacked;
    msgpack_unpacked_init (&unpacked);
    hs_why_t why;
    assert (hs_proto_unpack_stored (hs_pack_data (args), hs_pack_size (args), &unpacked) == 0);
    int rc = hs_query_meetings (store, config, &unpacked.data, reply, &why);
    msgpack_unpacked_destroy (&unpacked);
    if (rc == 0) {
        msgpack_unpacked_init (&unpacked);
        assert (hs_proto_unpack_stored (hs_pack_data (reply), hs_pack_size (reply), &unpacked) == 0);
        const msgpack_object *meetings = hs_proto_get (&unpacked.data, "meetings");
        *shown = meetings->via.array.size;
        assert ((size_t) hs_proto_int (&unpacked.data, "count", -1) == *shown);
        for (size_t index = 0; index < *shown; index++)
            assert (hs_proto_strcpy (hs_proto_get (&meetings->via.array.ptr [index], "id"),
                                     ids [index], HS_ID_MAX + 1) == 0);
        *next = 0;
        const msgpack_object *cursor = hs_proto_get (&unpacked.data, "next");
        if (cursor)
            assert (hs_proto_strcpy (cursor, next, HS_ID_MAX + 1) == 0);
        msgpack_unpacked_destroy (&unpacked);
    }
    hs_pack_destroy (&args);
    hs_pack_destroy (&reply);
    return rc;
}

//  Six meetings: m1 held (an action item open), m2 superseded, m3..m6 open (m3 long missed).
static void
s_test_meetings_all (hs_store_t *store, hs_config_t *config, hs_pack_t *pack)
{
    hs_meeting_rec_t *meeting = (hs_meeting_rec_t *) zmalloc (sizeof (hs_meeting_rec_t));
    const char *invited [] = { "hrss", "union", NULL };
    const char *chairs [] = { "convener", NULL };
    assert (hs_store_begin (store) == 0);
    for (int index = 1; index <= 6; index++) {
        char id [HS_ID_MAX + 1];
        snprintf (id, sizeof (id), "putuo-m%d", index);
        hs_meeting_rec_init (meeting, id, "special", HS_LEVEL_MAJOR, "putuo-10", "street.wanli",
                             invited, chairs, "normal", 1000 * index, 1000 * index + 500);
        meeting->held = index == 1;
        if (index == 1) {
            meeting->action_count = 1;
            hs_strcpy (meeting->actions [0].owner, sizeof (meeting->actions [0].owner), "hrss");
            meeting->actions [0].due = 9000;
            meeting->actions [0].next = 9000;
        }
        if (index == 2)
            hs_strcpy (meeting->superseded_by, sizeof (meeting->superseded_by), "putuo-m3");
        assert (hs_meeting_table_save (store, meeting, pack) == 0);
    }
    assert (hs_store_commit (store) == 0);
    free (meeting);
    assert (hs_store_view_begin (store) == 0);
    char ids [10][HS_ID_MAX + 1], next [HS_ID_MAX + 1];
    size_t shown;
    //  The open ones, two a page: m3 m4, then m5 m6, then no more.
    hs_meetings_request_t request = { "open", 0, 2, NULL };
    assert (s_test_meetings (store, config, &request, ids, &shown, next) == 0);
    assert (shown == 2 && streq (ids [0], "putuo-m3") && streq (ids [1], "putuo-m4")
            && streq (next, "putuo-m4"));
    char cursor [HS_ID_MAX + 1];
    hs_strcpy (cursor, sizeof (cursor), next);
    request.after = cursor;
    assert (s_test_meetings (store, config, &request, ids, &shown, next) == 0);
    assert (shown == 2 && streq (ids [0], "putuo-m5") && streq (ids [1], "putuo-m6") && !*next);
    //  All of them, held and superseded too; requested since 4000: m4..m6.
    hs_meetings_request_t all = { NULL, 0, 0, NULL };
    assert (s_test_meetings (store, config, &all, ids, &shown, next) == 0);
    assert (shown == 6 && streq (ids [0], "putuo-m1") && !*next);
    all.since = 4000;
    assert (s_test_meetings (store, config, &all, ids, &shown, next) == 0);
    assert (shown == 3 && streq (ids [0], "putuo-m4"));
    //  Those with an action item still chased: m1, held.
    hs_meetings_request_t chasing = { "actions", 0, 0, NULL };
    assert (s_test_meetings (store, config, &chasing, ids, &shown, next) == 0);
    assert (shown == 1 && streq (ids [0], "putuo-m1") && !*next);
    //  A tiny reply budget: one record a page, however big.
    int64_t reply_max = config->reply_max;
    config->reply_max = 1;
    all.since = 0;
    assert (s_test_meetings (store, config, &all, ids, &shown, next) == 0);
    assert (shown == 1 && streq (next, "putuo-m1"));
    config->reply_max = reply_max;
    //  Refusals: an unknown state, a limit out of range.
    hs_meetings_request_t bad = { "soon", 0, 0, NULL };
    assert (s_test_meetings (store, config, &bad, ids, &shown, next) == -1);
    bad.state = "open";
    bad.limit = 201;
    assert (s_test_meetings (store, config, &bad, ids, &shown, next) == -1);
    hs_store_view_end (store);
}

void
hs_query_test (bool verbose)
{
    if (verbose)
        printf (" * hs_query: ");
    char error [256];
    hs_config_t *config = hs_config_load (NULL, error, sizeof (error));
    char *path = zsys_sprintf ("/tmp/hs_query_test.%d", getpid ());
    hs_store_t *store = hs_store_new (path, 1 << 20, 1 << 24, error, sizeof (error));
    assert (config && store);
    hs_case_t *kase = (hs_case_t *) zmalloc (sizeof (hs_case_t));
    hs_pack_t *pack = hs_pack_new ();
    assert (hs_store_begin (store) == 0);
    for (int index = 1; index <= 30; index++) {
        hs_report_t report = { .source = "hrss", .ownership = -1, .amount = -1, .workers = 3,
                               .category = HS_CATEGORY_LAYOFF, .at = 1000 + index };
        snprintf (report.enterprise, sizeof (report.enterprise), "厂 %d", index);
        char id [HS_ID_MAX + 1];
        snprintf (id, sizeof (id), "putuo-%d", index * 10);
        hs_case_open (kase, id, (uint64_t) index * 10, &report,
                      index % 2? "street.wanli": "street.caoyang");
        const char *units [] = { "hrss", index % 5 == 0? "court": "union", NULL };
        int level = index % 4 == 0? HS_LEVEL_MAJOR: HS_LEVEL_GENERAL;
        hs_case_classified (kase, level, level, units, NULL, "v");
        kase->closed = index % 3 == 0;
        assert (hs_cases_save (store, kase, pack) == 0);
    }
    assert (hs_store_meta_put (store, HS_META_OPEN_CASES, 20) == 0);
    assert (hs_store_commit (store) == 0);

    assert (hs_store_view_begin (store) == 0);
    char ids [100][HS_ID_MAX + 1];
    size_t shown;
    int64_t count;
    uint64_t next;
    //  The newest open cases, five, counted by the counter.
    hs_cases_request_t request = { .status = "open", .overdue = -1, .limit = 5 };
    assert (s_test_cases (store, config, &request, ids, &shown, &count, &next) == 0);
    assert (shown == 5 && count == 20 && streq (ids [0], "putuo-290") && streq (ids [4], "putuo-230"));
    //  The next page starts just older than the last shown.
    request.before = next;
    assert (s_test_cases (store, config, &request, ids, &shown, &count, &next) == 0);
    assert (shown == 5 && streq (ids [0], "putuo-220"));
    //  All cases, newest first, counted.
    hs_cases_request_t all = { .overdue = -1, .limit = 3 };
    assert (s_test_cases (store, config, &all, ids, &shown, &count, &next) == 0);
    assert (shown == 3 && count == 30 && streq (ids [0], "putuo-300"));
    //  Filters count what matches: major (every fourth: 7), in caoyang
    //  (the even ones: 3 of those), closed; a unit (court: every fifth).
    hs_cases_request_t major = { .level = "major", .overdue = -1, .limit = 100 };
    assert (s_test_cases (store, config, &major, ids, &shown, &count, &next) == 0);
    assert (shown == 7 && count == 7 && next == 0);
    major.street = "caoyang";
    major.status = "closed";
    assert (s_test_cases (store, config, &major, ids, &shown, &count, &next) == 0);
    assert (count == 2 && streq (ids [0], "putuo-240") && streq (ids [1], "putuo-120"));
    hs_cases_request_t court = { .unit = "court", .overdue = -1, .limit = 2 };
    assert (s_test_cases (store, config, &court, ids, &shown, &count, &next) == 0);
    assert (shown == 2 && count == 6 && streq (ids [1], "putuo-250") && next == 201);
    //  A filter that is not one.
    hs_cases_request_t bad = { .level = "huge", .overdue = -1 };
    assert (s_test_cases (store, config, &bad, ids, &shown, &count, &next) == -1);
    hs_store_view_end (store);
    s_test_meetings_all (store, config, pack);

    free (kase);
    hs_pack_destroy (&pack);
    hs_store_destroy (&store);
    hs_store_remove (path);
    zstr_free (&path);
    hs_config_destroy (&config);
    if (verbose)
        printf ("OK\n");
}
