/*  =========================================================================
    hs_ledger - the event log: events, each case's history, and dedup

    LMDB refuses keys above 511 bytes; a dedup key is at most a letter,
    two slashes, a unit code (64) and an id (64), a history key a case id
    (64), a NUL and 8 bytes.
    =========================================================================
*/

#include "hs_ledger.h"
#include "hs_idkey.h"
#include "hs_log.h"
#include "hs_guard.h"

#define DEDUP_KEY_MAX (3 + HS_CODE_MAX + HS_ID_MAX)
#define HISTORY_KEY_MAX (HS_IDKEY_MAX + 9)

//  The kinds, by hs_dedup_t: the letter in the key, the event type.
static const struct {
    char letter;
    const char *type;
} s_kinds [HS_DEDUP_COUNT] = {
    { 'r', "report" }, { 'u', "update" }, { 'v', "rsvp" }, { 'm', "minutes" }, { 'b', "brief" },
    { 'a', "act" }, { 'd', "action" }, { 'c', "call" }, { 'p', "prompt" },
    { 's', "promptsign" }, { 'j', "proposal" }, { 'k', "opinion" },
    { 'i', "inspect" }, { 'y', "inspectplan" }, { 'x', "finding" },
    { 'z', "rectified" }
};

const char *
hs_ledger_dedup_type (hs_dedup_t kind)
{
    assert (kind >= 0 && kind < HS_DEDUP_COUNT);
    return s_kinds [kind].type;
}

//  The key, or 0 if source or id cannot be in one (too long, a slash in
//  the source).
static size_t
s_dedup_key (hs_dedup_t kind, const char *source, const char *id, char *key)
{
    assert (kind >= 0 && kind < HS_DEDUP_COUNT);
    size_t source_size = strlen (source), id_size = strlen (id);
    if (!source_size || !id_size || source_size > HS_CODE_MAX || id_size > HS_ID_MAX
    ||  strchr (source, '/'))
        return 0;
    key [0] = s_kinds [kind].letter;
    key [1] = '/';
    memcpy (key + 2, source, source_size);
    key [2 + source_size] = '/';
    memcpy (key + 3 + source_size, id, id_size);
    return 3 + source_size + id_size;
}

int
hs_ledger_seen (hs_store_t *store, hs_dedup_t kind, const char *source, const char *id,
                uint64_t *seq)
{
    char key [DEDUP_KEY_MAX];
    size_t size = s_dedup_key (kind, source, id, key);
    if (!size)
        return -1;
    const void *data;
    size_t data_size;
    int rc = hs_store_get (store, HS_TABLE_DEDUP, key, size, &data, &data_size);
    if (rc == 0) {
        if (data_size != 8)
            return -1;
        *seq = hs_store_be64_get ((const uint8_t *) data);
        return 1;
    }
    return rc == 1? 0: -1;
}

int
hs_ledger_mark (hs_store_t *store, hs_dedup_t kind, const char *source, const char *id,
                uint64_t seq)
{
    char key [DEDUP_KEY_MAX];
    size_t size = s_dedup_key (kind, source, id, key);
    if (!size)
        return -1;
    uint8_t value [8];
    hs_store_be64_put (value, seq);
    return hs_store_put (store, HS_TABLE_DEDUP, key, size, value, 8);
}

int
hs_ledger_dedup_parse (const void *key, size_t key_size, hs_dedup_t *kind,
                       char *source, size_t source_size, char *id, size_t id_size)
{
    const char *text = (const char *) key;
    if (key_size < 5 || key_size > DEDUP_KEY_MAX || text [1] != '/')
        return -1;
    int found = -1;
    for (int index = 0; index < HS_DEDUP_COUNT; index++)
        if (s_kinds [index].letter == text [0])
            found = index;
    const char *slash = (const char *) memchr (text + 2, '/', key_size - 2);
    if (found < 0 || !slash || slash == text + 2 || slash == text + key_size - 1)
        return -1;
    size_t length = (size_t) (slash - text - 2);
    size_t rest = key_size - 3 - length;
    if (length >= source_size || rest >= id_size)
        return -1;
    memcpy (source, text + 2, length);
    source [length] = 0;
    memcpy (id, slash + 1, rest);
    id [rest] = 0;
    *kind = (hs_dedup_t) found;
    return 0;
}

//  ---------------------------------------------------------------------
//  History

static size_t
s_history_key (const char *case_id, uint64_t seq, uint8_t *key)
{
    size_t size = hs_idkey_put (key, case_id);
    if (size == 0)
        return 0;
    key [size] = 0;
    hs_store_be64_put (key + size + 1, seq);
    return size + 9;
}

int
hs_ledger_history_add (hs_store_t *store, const char *case_id, uint64_t seq, const char *type)
{
    uint8_t key [HISTORY_KEY_MAX];
    size_t size = s_history_key (case_id, seq, key);
    if (!size)
        return -1;
    return hs_store_put (store, HS_TABLE_HISTORY, key, size, type, strlen (type));
}

int
hs_ledger_history_has (hs_store_t *store, const char *case_id, uint64_t seq)
{
    uint8_t key [HISTORY_KEY_MAX];
    size_t size = s_history_key (case_id, seq, key);
    const void *data;
    size_t length;
    return size? hs_store_get (store, HS_TABLE_HISTORY, key, size, &data, &length): -1;
}

int
hs_ledger_history_move (hs_store_t *store, const char *from, uint64_t seq, const char *to)
{
    uint8_t key [HISTORY_KEY_MAX];
    size_t size = s_history_key (from, seq, key);
    const void *data;
    size_t length;
    if (!size || hs_store_get (store, HS_TABLE_HISTORY, key, size, &data, &length))
        return -1;
    char type [HS_EVENT_TYPE_MAX];
    snprintf (type, sizeof (type), "%.*s", (int) length, (const char *) data);
    return hs_store_del (store, HS_TABLE_HISTORY, key, size)
        || hs_ledger_history_add (store, to, seq, type)? -1: 0;
}

typedef struct {
    hs_store_t *store;
    const char *into;
    size_t left;
} s_join_t;

static int
s_join_visit (uint64_t seq, const char *type, void *arg)
{
    s_join_t *join = (s_join_t *) arg;
    if (join->left == 0)
        return 1;
    join->left--;
    return hs_ledger_history_add (join->store, join->into, seq, type);
}

int
hs_ledger_history_join (hs_store_t *store, const char *from, const char *into, size_t max)
{
    s_join_t join = { store, into, max };
    return hs_ledger_history_walk (store, from, s_join_visit, &join) < 0? -1: 0;
}

int
hs_ledger_history_parse (const void *key, size_t key_size, char *case_id, size_t case_size,
                         uint64_t *seq)
{
    const uint8_t *bytes = (const uint8_t *) key;
    if (key_size < 10 || key_size > HISTORY_KEY_MAX)
        return -1;
    size_t id_size = key_size - 9;
    if (bytes [id_size] != 0 || hs_idkey_get (bytes, id_size, case_id, case_size))
        return -1;
    *seq = hs_store_be64_get (bytes + id_size + 1);
    return 0;
}

bool
hs_ledger_history_map (const void *key, size_t size, uint8_t *fresh, size_t *fresh_size)
{
    char case_id [HS_ID_MAX + 1];
    uint64_t seq;
    if (hs_ledger_history_parse (key, size, case_id, sizeof (case_id), &seq))
        return false;                   //  verify reports it
    *fresh_size = s_history_key (case_id, seq, fresh);
    return *fresh_size != size;
}

typedef struct {
    const uint8_t *prefix;      //  the case id and its NUL
    size_t prefix_size;
    hs_ledger_history_fn *visit;
    void *arg;
    size_t visited;
} s_history_walk_t;

static int
s_history_visit (const void *key, size_t key_size, const void *data, size_t size, void *arg)
{
    s_history_walk_t *walk = (s_history_walk_t *) arg;
    if (key_size != walk->prefix_size + 8 || memcmp (key, walk->prefix, walk->prefix_size))
        return 1;                       //  past this case's entries
    walk->visited++;
    char type [HS_EVENT_TYPE_MAX];
    size_t length = size < sizeof (type) - 1? size: sizeof (type) - 1;
    memcpy (type, data, length);
    type [length] = 0;
    return walk->visit (hs_store_be64_get ((const uint8_t *) key + walk->prefix_size), type,
                        walk->arg);
}

int
hs_ledger_history_walk (hs_store_t *store, const char *case_id, hs_ledger_history_fn *visit,
                        void *arg)
{
    uint8_t key [HISTORY_KEY_MAX];
    size_t size = s_history_key (case_id, 0, key);
    if (!size)
        return 0;
    s_history_walk_t walk = { key, size - 8, visit, arg, 0 };
    int rc = hs_store_walk (store, HS_TABLE_HISTORY, key, size - 8, false, s_history_visit, &walk);
    size_t text_size = strlen (case_id) + 1;
    if (rc == 0 && walk.visited == 0 && text_size != walk.prefix_size) {
        //  A store not yet upgraded (format 3) keyed the history by the
        //  id as text (tools read it so).
        memcpy (key, case_id, text_size);
        walk.prefix_size = text_size;
        rc = hs_store_walk (store, HS_TABLE_HISTORY, key, text_size, false, s_history_visit, &walk);
    }
    return rc;
}

//  ---------------------------------------------------------------------
//  Events

int
hs_ledger_record (hs_store_t *store, const hs_event_t *event, hs_pack_t *scratch)
{
    hs_pack_reset (scratch);
    hs_event_encode (event, scratch);
    uint8_t key [8];
    hs_store_be64_put (key, event->seq);
    if (hs_store_put (store, HS_TABLE_EVENTS, key, 8, hs_pack_data (scratch),
                      hs_pack_size (scratch)))
        return -1;
    return event->case_id? hs_ledger_history_add (store, event->case_id, event->seq, event->type): 0;
}

int
hs_ledger_event_raw (hs_store_t *store, uint64_t seq, const void **data, size_t *size)
{
    uint8_t key [8];
    hs_store_be64_put (key, seq);
    return hs_store_get (store, HS_TABLE_EVENTS, key, 8, data, size);
}

//  A stored event that does not read (a byte changed inside it, which the
//  start's check cannot see): the store is damaged, and said.
static void
s_unreadable (uint64_t seq)
{
    char what [64];
    snprintf (what, sizeof (what), "event %llu does not read", (unsigned long long) seq);
    hs_guard_damaged (what);
}

int
hs_ledger_event (hs_store_t *store, uint64_t seq, hs_event_read_t *event)
{
    const void *data;
    size_t size;
    int rc = hs_ledger_event_raw (store, seq, &data, &size);
    if (rc)
        return rc;
    if (hs_event_decode (data, size, event) == 0)
        return 0;
    s_unreadable (seq);
    return -1;
}

typedef struct {
    hs_ledger_event_fn *visit;
    void *arg;
    bool published;             //  read in full only what is published
} s_event_walk_t;

static int
s_event_visit (const void *key, size_t key_size, const void *data, size_t size, void *arg)
{
    s_event_walk_t *walk = (s_event_walk_t *) arg;
    if (key_size != 8)
        return 0;
    hs_event_read_t event;
    if (walk->published && !hs_event_maybe_published (data, size)) {
        memset (&event, 0, offsetof (hs_event_read_t, derived));
        event.seq = hs_store_be64_get ((const uint8_t *) key);
        event.level = -1;
        return walk->visit (event.seq, &event, walk->arg);
    }
    bool readable = hs_event_decode (data, size, &event) == 0;
    if (!readable)
        s_unreadable (hs_store_be64_get ((const uint8_t *) key));
    return walk->visit (hs_store_be64_get ((const uint8_t *) key), readable? &event: NULL,
                        walk->arg);
}

int
hs_ledger_walk (hs_store_t *store, uint64_t from, bool reverse, hs_ledger_event_fn *visit,
                void *arg)
{
    uint8_t key [8];
    hs_store_be64_put (key, from);
    s_event_walk_t walk = { visit, arg, false };
    return hs_store_walk (store, HS_TABLE_EVENTS, reverse? NULL: key, reverse? 0: 8, reverse,
                          s_event_visit, &walk);
}

int
hs_ledger_walk_published (hs_store_t *store, uint64_t from, hs_ledger_event_fn *visit, void *arg)
{
    uint8_t key [8];
    hs_store_be64_put (key, from);
    s_event_walk_t walk = { visit, arg, true };
    return hs_store_walk (store, HS_TABLE_EVENTS, key, 8, false, s_event_visit, &walk);
}

//  ---------------------------------------------------------------------
//  Self test

static int
s_test_history (uint64_t seq, const char *type, void *arg)
{
    zlistx_t *seen = (zlistx_t *) arg;
    zlistx_add_end (seen, zsys_sprintf ("%llu %s", (unsigned long long) seq, type));
    return 0;
}

static int
s_test_events (uint64_t seq, const hs_event_read_t *event, void *arg)
{
    uint64_t *last = (uint64_t *) arg;
    assert (event && event->seq == seq);
    *last = seq;
    return seq == 3;                    //  stop there
}

static int
s_test_published (uint64_t seq, const hs_event_read_t *event, void *arg)
{
    zlistx_add_end ((zlistx_t *) arg, zsys_sprintf ("%llu %s %zu", (unsigned long long) seq,
                                                    event->type, event->body_size));
    return 0;
}

void
hs_ledger_test (bool verbose)
{
    if (verbose)
        printf (" * hs_ledger: ");
    //  Dedup keys of every kind read back as written; ids may hold slashes.
    char source [HS_CODE_MAX + 1], id [HS_ID_MAX + 1];
    hs_dedup_t kind;
    char key [DEDUP_KEY_MAX];
    for (int index = 0; index < HS_DEDUP_COUNT; index++) {
        size_t size = s_dedup_key ((hs_dedup_t) index, "street.caoyang", "wk-1/a", key);
        assert (size && hs_ledger_dedup_parse (key, size, &kind, source, sizeof (source),
                                               id, sizeof (id)) == 0);
        assert (kind == index && streq (source, "street.caoyang") && streq (id, "wk-1/a"));
    }
    assert (streq (hs_ledger_dedup_type (HS_DEDUP_BRIEF), "brief"));
    assert (hs_ledger_dedup_parse ("q/hrss/1", 8, &kind, source, sizeof (source), id, sizeof (id)) == -1);
    assert (hs_ledger_dedup_parse ("r/hrss", 6, &kind, source, sizeof (source), id, sizeof (id)) == -1);
    assert (hs_ledger_dedup_parse ("r/hrss/", 7, &kind, source, sizeof (source), id, sizeof (id)) == -1);

    char error [256];
    char *path = zsys_sprintf ("/tmp/hs_ledger_test.%d", getpid ());
    hs_store_t *store = hs_store_new (path, 1 << 20, 1 << 24, error, sizeof (error));
    assert (store);
    hs_pack_t *scratch = hs_pack_new ();
    hs_pack_t *body = hs_pack_new ();
    hs_hello_encode ("x", body);
    assert (hs_store_view_begin (store) == 0);
    uint64_t seq = 0;
    assert (hs_ledger_seen (store, HS_DEDUP_REPORT, "hrss", "1", &seq) == 0);
    hs_store_view_end (store);

    //  Writing needs the write transaction; this test stands in for hs_txn,
    //  which is the only class that opens one in the daemon.
    assert (hs_store_begin (store) == 0);
    for (uint64_t index = 1; index <= 4; index++) {
        hs_event_t event = {
            .seq = index, .at = 1000, .type = index == 2? "alert": "report", .topic = "t",
            .case_id = index == 4? NULL: "putuo-1", .body = hs_pack_data (body),
            .body_size = hs_pack_size (body), .level = -1
        };
        assert (hs_ledger_record (store, &event, scratch) == 0);
    }
    assert (hs_ledger_mark (store, HS_DEDUP_REPORT, "hrss", "1", 1) == 0);
    assert (hs_ledger_history_add (store, "putuo-2", 4, "minutes") == 0);
    assert (hs_store_commit (store) == 0);

    assert (hs_store_view_begin (store) == 0);
    assert (hs_ledger_seen (store, HS_DEDUP_REPORT, "hrss", "1", &seq) == 1 && seq == 1);
    assert (hs_ledger_seen (store, HS_DEDUP_UPDATE, "hrss", "1", &seq) == 0);
    zlistx_t *seen = zlistx_new ();
    zlistx_set_destructor (seen, (zlistx_destructor_fn *) zstr_free);
    assert (hs_ledger_history_walk (store, "putuo-1", s_test_history, seen) == 0);
    assert (zlistx_size (seen) == 3);
    assert (streq ((char *) zlistx_first (seen), "1 report"));
    assert (streq ((char *) zlistx_next (seen), "2 alert"));
    zlistx_purge (seen);
    assert (hs_ledger_history_walk (store, "putuo-2", s_test_history, seen) == 0);
    assert (zlistx_size (seen) == 1 && streq ((char *) zlistx_first (seen), "4 minutes"));
    zlistx_destroy (&seen);
    hs_event_read_t event;
    assert (hs_ledger_event (store, 2, &event) == 0 && streq (event.type, "alert"));
    assert (hs_ledger_event (store, 9, &event) == 1);
    uint64_t last = 0;
    assert (hs_ledger_walk (store, 2, false, s_test_events, &last) == 0 && last == 3);
    assert (hs_ledger_walk (store, 0, true, s_test_events, &last) == 0 && last == 3);
    //  A reader of what was published reads the alert; the reports only
    //  by their seq.
    seen = zlistx_new ();
    zlistx_set_destructor (seen, (zlistx_destructor_fn *) zstr_free);
    assert (hs_ledger_walk_published (store, 1, s_test_published, seen) == 0);
    assert (zlistx_size (seen) == 4 && streq ((char *) zlistx_first (seen), "1  0"));
    char *alert = zsys_sprintf ("2 alert %zu", hs_pack_size (body));
    assert (streq ((char *) zlistx_next (seen), alert));
    zstr_free (&alert);
    zlistx_destroy (&seen);
    hs_store_view_end (store);
    uint8_t history_key [HISTORY_KEY_MAX];
    size_t size = s_history_key ("putuo-1", 77, history_key);
    char case_id [HS_ID_MAX + 1];
    assert (hs_ledger_history_parse (history_key, size, case_id, sizeof (case_id), &seq) == 0);
    assert (streq (case_id, "putuo-1") && seq == 77);
    assert (hs_ledger_history_parse (history_key, size - 1, case_id, sizeof (case_id), &seq) == -1);
    //  A store of format 3 keyed it by the id as text: read, and mapped to
    //  the current form, which sorts putuo-9 before putuo-10.
    uint8_t text_key [HISTORY_KEY_MAX], fresh [HISTORY_KEY_MAX], ten [HISTORY_KEY_MAX];
    memcpy (text_key, "putuo-9", 8);
    hs_store_be64_put (text_key + 8, 5);
    assert (hs_ledger_history_parse (text_key, 16, case_id, sizeof (case_id), &seq) == 0);
    assert (streq (case_id, "putuo-9") && seq == 5);
    size_t fresh_size, ten_size = s_history_key ("putuo-10", 1, ten);
    assert (hs_ledger_history_map (text_key, 16, fresh, &fresh_size) && fresh_size == 17);
    assert (ten_size == 18 && memcmp (fresh, ten, 8) < 0);
    assert (!hs_ledger_history_map (fresh, fresh_size, ten, &size));
    assert (hs_store_begin (store) == 0);
    assert (hs_store_put (store, HS_TABLE_HISTORY, text_key, 16, "report", 6) == 0);
    assert (hs_store_commit (store) == 0);
    assert (hs_store_view_begin (store) == 0);
    seen = zlistx_new ();
    zlistx_set_destructor (seen, (zlistx_destructor_fn *) zstr_free);
    assert (hs_ledger_history_walk (store, "putuo-9", s_test_history, seen) == 0);
    assert (zlistx_size (seen) == 1 && streq ((char *) zlistx_first (seen), "5 report"));
    zlistx_destroy (&seen);
    hs_store_view_end (store);

    hs_pack_destroy (&scratch);
    hs_pack_destroy (&body);
    hs_store_destroy (&store);
    hs_store_remove (path);
    zstr_free (&path);
    if (verbose)
        printf ("OK\n");
}
