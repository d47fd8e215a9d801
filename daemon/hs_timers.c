/*  =========================================================================
    hs_timers - what fires when: the `timers` table

    The first due time is kept in memory: read once at start, lowered by
    each committed transaction that set an earlier timer, and read again
    after timers were taken (the taker does not know what comes after the
    last one it took).
    =========================================================================
*/

#include "hs_timers.h"

#define KEY_MAX (9 + HS_ID_MAX)

struct _hs_timers_t {
    hs_store_t *store;          //  borrowed
    int64_t next;               //  the first due time, as committed (0: none)
    int64_t staged_next;        //  the first the open transaction set (0: none)
    bool stale;                 //  the open transaction took timers: read again
};

static size_t
s_key (int64_t due, hs_timer_kind_t kind, const char *id, uint8_t *key)
{
    size_t size = strlen (id);
    if (size == 0 || size > HS_ID_MAX)
        return 0;
    hs_store_be64_put (key, (uint64_t) due);
    key [8] = (uint8_t) kind;
    memcpy (key + 9, id, size);
    return 9 + size;
}

int
hs_timers_parse (const void *key, size_t key_size, hs_timer_t *timer)
{
    const uint8_t *bytes = (const uint8_t *) key;
    if (key_size < 10 || key_size > KEY_MAX)
        return -1;
    char kind = (char) bytes [8];
    if (kind != HS_TIMER_SUPERVISE && kind != HS_TIMER_QUORUM && kind != HS_TIMER_OVERDUE
    &&  kind != HS_TIMER_ESCALATE && kind != HS_TIMER_ACTION && kind != HS_TIMER_MINUTES
    &&  kind != HS_TIMER_PROMPT && kind != HS_TIMER_PROPOSAL && kind != HS_TIMER_FILING
    &&  kind != HS_TIMER_INSPECTION)
        return -1;
    if (memchr (bytes + 9, 0, key_size - 9))
        return -1;
    timer->due = (int64_t) hs_store_be64_get (bytes);
    timer->kind = (hs_timer_kind_t) kind;
    memcpy (timer->id, bytes + 9, key_size - 9);
    timer->id [key_size - 9] = 0;
    return 0;
}

//  The first key of the table, read in a view or the open transaction.
static int
s_first_visit (const void *key, size_t key_size, const void *data, size_t size, void *arg)
{
    (void) data;
    (void) size;
    hs_timer_t timer;
    if (hs_timers_parse (key, key_size, &timer))
        return 0;                       //  not ours: verify reports it
    *(int64_t *) arg = timer.due;
    return 1;
}

static int64_t
s_read_first (hs_store_t *store)
{
    int64_t first = 0;
    hs_store_walk (store, HS_TABLE_TIMERS, NULL, 0, false, s_first_visit, &first);
    return first;
}

void
hs_timers_settle (hs_timers_t *self, bool committed)
{
    if (committed && self->stale) {
        if (hs_store_view_begin (self->store) == 0) {
            self->next = s_read_first (self->store);
            hs_store_view_end (self->store);
        }
    }
    else
    if (committed && self->staged_next && (self->next == 0 || self->staged_next < self->next))
        self->next = self->staged_next;
    self->staged_next = 0;
    self->stale = false;
}

hs_timers_t *
hs_timers_new (hs_store_t *store)
{
    hs_timers_t *self = (hs_timers_t *) zmalloc (sizeof (hs_timers_t));
    self->store = store;
    if (hs_store_view_begin (store) == 0) {
        self->next = s_read_first (store);
        hs_store_view_end (store);
    }
    return self;
}

void
hs_timers_destroy (hs_timers_t **self_p)
{
    assert (self_p);
    if (*self_p) {
        free (*self_p);
        *self_p = NULL;
    }
}

int
hs_timers_add (hs_timers_t *self, int64_t due, hs_timer_kind_t kind, const char *id)
{
    uint8_t key [KEY_MAX];
    size_t size = s_key (due, kind, id, key);
    if (!size)
        return -1;
    if (self->staged_next == 0 || due < self->staged_next)
        self->staged_next = due;
    return hs_store_put (self->store, HS_TABLE_TIMERS, key, size, "", 0);
}

int
hs_timers_remove (hs_timers_t *self, int64_t due, hs_timer_kind_t kind, const char *id)
{
    uint8_t key [KEY_MAX];
    size_t size = s_key (due, kind, id, key);
    if (!size)
        return -1;
    int rc = hs_store_del (self->store, HS_TABLE_TIMERS, key, size);
    //  It may have been the first, as committed or as this transaction
    //  has it (a timer set and moved in one batch).
    if (rc == 0 && (due <= self->next || (self->staged_next && due <= self->staged_next)))
        self->stale = true;
    return rc < 0? -1: 0;
}

int
hs_timers_move (hs_timers_t *self, int64_t *timer_at, int64_t due, hs_timer_kind_t kind,
                const char *id)
{
    if (due == *timer_at)
        return 0;
    if (*timer_at && hs_timers_remove (self, *timer_at, kind, id))
        return -1;
    *timer_at = due;
    return due? hs_timers_add (self, due, kind, id): 0;
}

typedef struct {
    int64_t now;
    hs_timer_t *timers;
    size_t max;
    size_t count;
} s_take_t;

static int
s_take_visit (const void *key, size_t key_size, const void *data, size_t size, void *arg)
{
    (void) data;
    (void) size;
    s_take_t *take = (s_take_t *) arg;
    hs_timer_t timer;
    if (hs_timers_parse (key, key_size, &timer))
        return 0;
    if (timer.due > take->now || take->count == take->max)
        return 1;
    take->timers [take->count++] = timer;
    return 0;
}

int
hs_timers_take (hs_timers_t *self, int64_t now, hs_timer_t *timers, size_t max, size_t *count)
{
    hs_store_t *store = self->store;
    s_take_t take = { now, timers, max, 0 };
    *count = 0;
    if (hs_store_walk (store, HS_TABLE_TIMERS, NULL, 0, false, s_take_visit, &take))
        return -1;
    for (size_t index = 0; index < take.count; index++) {
        uint8_t key [KEY_MAX];
        size_t size = s_key (timers [index].due, timers [index].kind, timers [index].id, key);
        if (hs_store_del (store, HS_TABLE_TIMERS, key, size))
            return -1;
    }
    self->stale = self->stale || take.count > 0;
    *count = take.count;
    return 0;
}

int64_t
hs_timers_next (hs_timers_t *self)
{
    return self->next;
}

//  ---------------------------------------------------------------------
//  Self test: it stands in for hs_txn, the one owner of the write
//  transaction in the daemon, which this class is below.

void
hs_timers_test (bool verbose)
{
    if (verbose)
        printf (" * hs_timers: ");
    char error [256];
    char *path = zsys_sprintf ("/tmp/hs_timers_test.%d", getpid ());
    hs_store_t *store = hs_store_new (path, 1 << 20, 1 << 24, error, sizeof (error));
    assert (store);
    hs_timers_t *timers = hs_timers_new (store);
    assert (hs_timers_next (timers) == 0);
    assert (hs_store_begin (store) == 0);
    assert (hs_timers_add (timers, 3000, HS_TIMER_QUORUM, "putuo-m4") == 0);
    assert (hs_timers_add (timers, 1000, HS_TIMER_OVERDUE, "putuo-1") == 0);
    assert (hs_timers_add (timers, 2000, HS_TIMER_ESCALATE, "putuo-1") == 0);
    assert (hs_store_commit (store) == 0);
    hs_timers_settle (timers, true);
    assert (hs_timers_next (timers) == 1000);
    //  A transaction that is not committed leaves the first due time as it was.
    assert (hs_store_begin (store) == 0);
    assert (hs_timers_add (timers, 10, HS_TIMER_OVERDUE, "putuo-9") == 0);
    hs_store_abort (store);
    hs_timers_settle (timers, false);
    assert (hs_timers_next (timers) == 1000);
    //  Taken in due order, each once; what is left is read again.
    hs_timer_t taken [4];
    size_t count;
    assert (hs_store_begin (store) == 0);
    assert (hs_timers_take (timers, 2500, taken, 4, &count) == 0);
    assert (hs_store_commit (store) == 0);
    hs_timers_settle (timers, true);
    assert (count == 2 && taken [0].kind == HS_TIMER_OVERDUE);
    assert (taken [1].due == 2000 && streq (taken [1].id, "putuo-1"));
    assert (hs_timers_next (timers) == 3000);
    assert (hs_store_begin (store) == 0);
    assert (hs_timers_take (timers, 2500, taken, 4, &count) == 0 && count == 0);
    assert (hs_timers_take (timers, 5000, taken, 4, &count) == 0 && count == 1);
    assert (hs_store_commit (store) == 0);
    hs_timers_settle (timers, true);
    assert (streq (taken [0].id, "putuo-m4") && hs_timers_next (timers) == 0);
    //  A case's timer moved: the old row goes, the first due time follows.
    assert (hs_store_begin (store) == 0);
    assert (hs_timers_add (timers, 6000, HS_TIMER_SUPERVISE, "putuo-2") == 0);
    assert (hs_store_commit (store) == 0);
    hs_timers_settle (timers, true);
    assert (hs_store_begin (store) == 0);
    assert (hs_timers_remove (timers, 6000, HS_TIMER_SUPERVISE, "putuo-2") == 0);
    assert (hs_timers_add (timers, 8000, HS_TIMER_SUPERVISE, "putuo-2") == 0);
    assert (hs_timers_remove (timers, 7000, HS_TIMER_SUPERVISE, "putuo-2") == 0);    //  none
    assert (hs_store_commit (store) == 0);
    hs_timers_settle (timers, true);
    assert (hs_timers_next (timers) == 8000);
    assert (hs_store_begin (store) == 0);
    assert (hs_timers_take (timers, 9000, taken, 4, &count) == 0 && count == 1);
    assert (hs_store_commit (store) == 0);
    hs_timers_settle (timers, true);
    assert (taken [0].due == 8000 && hs_timers_next (timers) == 0);
    //  A work prompt's one timer moves: set, moved later, then none.
    int64_t timer_at = 0;
    assert (hs_store_begin (store) == 0);
    assert (hs_timers_move (timers, &timer_at, 9500, HS_TIMER_PROMPT, "putuo-p7") == 0);
    assert (hs_timers_move (timers, &timer_at, 9500, HS_TIMER_PROMPT, "putuo-p7") == 0);
    assert (hs_timers_move (timers, &timer_at, 9900, HS_TIMER_PROMPT, "putuo-p7") == 0);
    assert (hs_store_commit (store) == 0);
    hs_timers_settle (timers, true);
    assert (timer_at == 9900 && hs_timers_next (timers) == 9900);
    assert (hs_store_begin (store) == 0);
    assert (hs_timers_take (timers, 9800, taken, 4, &count) == 0 && count == 0);
    assert (hs_timers_move (timers, &timer_at, 0, HS_TIMER_PROMPT, "putuo-p7") == 0);
    assert (hs_store_commit (store) == 0);
    hs_timers_settle (timers, true);
    assert (timer_at == 0 && hs_timers_next (timers) == 0);
    hs_timer_t timer;
    uint8_t key [KEY_MAX];
    size_t size = s_key (77, HS_TIMER_QUORUM, "x", key);
    assert (hs_timers_parse (key, size, &timer) == 0 && timer.due == 77);
    key [8] = 'z';
    assert (hs_timers_parse (key, size, &timer) == -1);
    hs_timers_destroy (&timers);
    hs_store_destroy (&store);
    hs_store_remove (path);
    zstr_free (&path);
    if (verbose)
        printf ("OK\n");
}
