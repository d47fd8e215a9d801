/*  =========================================================================
    hs_store - the durable store: one LMDB environment, one writer

    LMDB return codes stop at this boundary: each failure is logged with
    the operation's name and mdb_strerror, and callers see 0 / -1. A full
    map is remembered so the engine can grow it and redo the batch; the
    batch is still in the engine's hands, so nothing is lost.
    =========================================================================
*/

#include "hs_store.h"
#include "hs_log.h"
#include "hs_guard.h"
#include <lmdb.h>
#include <pthread.h>
#include <sys/stat.h>

//  What a writer's handle and its readers' handles share: the environment
//  and a lock that keeps readers' views out of the way while the writer
//  resizes the map (LMDB allows that only with no transaction open in the
//  process). Freed with the writer, which outlives its readers.
typedef struct {
    pthread_rwlock_t resize;    //  views hold it shared, a resize exclusive
} s_shared_t;

struct _hs_store_t {
    char *path;                 //  the environment's folder
    MDB_env *env;               //  the environment (a reader's is its writer's)
    bool reader;                //  a reader's handle: views only, another thread
    bool resize_held;           //  a reader's: it holds shared->resize (a view, or one begun)
    s_shared_t *shared;         //  with the readers, or NULL (read-only tools)
    MDB_txn *txn;               //  the open write transaction, or NULL
    MDB_txn *view;              //  the open read view, or NULL
    MDB_dbi dbis [HS_TABLE_COUNT];  //  one per hs_table_t
    bool absent [HS_TABLE_COUNT];   //  read-only: a table this store never had
    uint64_t next_seq;          //  committed value
    uint64_t next_dead;         //  committed value
    uint64_t txn_next_seq;      //  value inside the open transaction
    uint64_t txn_next_dead;
    int64_t map_size;           //  current map size
    int64_t map_size_max;       //  growth stops here
    bool map_full;              //  the last failure was MDB_MAP_FULL
    bool disk_full;             //  the last failure was the disk (ENOSPC, EDQUOT)
};

//  The sub-databases' names, by hs_table_t.
//  Room for the named tables LMDB keeps open: ours, and as many again to
//  come (a store opened by an older daemon has fewer).
#define S_MAXDBS    32

static const char *s_table_names [HS_TABLE_COUNT] = {
    "events", "dedup", "cases", "caseindex", "deadletter", "history", "timers", "meetings",
    "feeds", "meta", "windows", "caseorder", "opencases", "prompts",
    "proposals", "filed", "inspections"
};

static const char *s_meta_names [HS_META_COUNT] = {
    "next_seq", "next_dead", "clock", "published_through", "open_cases", "overdue_cases",
    "windows", "forwarded_through", "forward_fseq",
    "brief.daily.from", "brief.daily.seq", "brief.daily.next",
    "brief.weekly.from", "brief.weekly.seq", "brief.weekly.next", "case_order",
    "format", "clock.drill", "clock.resets", "handling", "plenary.next", "office.next",
    "plenary.last", "office.last"
};

const char *
hs_store_meta_name (hs_meta_t meta)
{
    assert (meta < HS_META_COUNT);
    return s_meta_names [meta];
}

static int
s_fail (hs_store_t *self, const char *operation, int rc)
{
    if (rc == MDB_MAP_FULL)
        self->map_full = true;
    if (rc == ENOSPC || rc == EDQUOT)
        self->disk_full = true;
    hs_log_error ("hs_store: %s failed: %s", operation, mdb_strerror (rc));
    //  What only a damaged page makes LMDB say (a cursor stack full is a
    //  page pointer that leads back up the tree): health says damaged, and
    //  the next start reads the whole store first.
    if (rc == MDB_CORRUPTED || rc == MDB_PAGE_NOTFOUND || rc == MDB_CURSOR_FULL)
        hs_guard_damaged (mdb_strerror (rc));
    return -1;
}

static void
s_put_be64 (uint8_t *bytes, uint64_t value)
{
    for (int index = 7; index >= 0; index--, value >>= 8)
        bytes [index] = (uint8_t) value;
}

static uint64_t
s_get_be64 (const uint8_t *bytes)
{
    uint64_t value = 0;
    for (int index = 0; index < 8; index++)
        value = (value << 8) | bytes [index];
    return value;
}

static int
s_meta_read (hs_store_t *self, MDB_txn *txn, const char *name, uint64_t *value)
{
    MDB_val key = { strlen (name), (void *) name }, data;
    int rc = mdb_get (txn, self->dbis [HS_TABLE_META], &key, &data);
    if (rc == MDB_NOTFOUND) {
        *value = 1;
        return 0;
    }
    if (rc)
        return s_fail (self, "mdb_get (meta)", rc);
    if (data.mv_size != 8) {
        hs_log_error ("hs_store: meta '%s' is corrupt (%zu bytes)", name, data.mv_size);
        return -1;
    }
    *value = s_get_be64 ((const uint8_t *) data.mv_data);
    return 0;
}

static int
s_meta_write (hs_store_t *self, const char *name, uint64_t value)
{
    uint8_t bytes [8];
    s_put_be64 (bytes, value);
    MDB_val key = { strlen (name), (void *) name }, data = { 8, bytes };
    int rc = mdb_put (self->txn, self->dbis [HS_TABLE_META], &key, &data, 0);
    return rc? s_fail (self, "mdb_put (meta)", rc): 0;
}

static uint64_t s_meta_value (hs_store_t *self, MDB_txn *txn, hs_meta_t meta, uint64_t fallback);

//  Where the map is, for hs_guard: only a fault there is a damaged page.
static void
s_guard_region (hs_store_t *self)
{
    MDB_envinfo info;
    if (mdb_env_info (self->env, &info) == 0)
        hs_guard_region (info.me_mapaddr, info.me_mapsize);
}

//  Open the environment read-only (tools on a live daemon's store).
static hs_store_t *
s_open_readonly (const char *path, char *error, size_t error_size)
{
    hs_store_t *self = (hs_store_t *) zmalloc (sizeof (hs_store_t));
    self->path = strdup (path);
    int rc = mdb_env_create (&self->env);
    if (!rc)
        rc = mdb_env_set_maxdbs (self->env, S_MAXDBS);
    if (!rc)        //  a damaged page fails a guarded read, not the process
        rc = mdb_env_set_assert (self->env, (MDB_assert_func *) hs_guard_lmdb_assert);
    if (!rc)
        rc = mdb_env_open (self->env, path, MDB_RDONLY | MDB_NOTLS, 0640);
    if (!rc)
        s_guard_region (self);
    MDB_txn *txn = NULL;
    if (!rc)
        rc = mdb_txn_begin (self->env, NULL, MDB_RDONLY, &txn);
    for (int table = 0; !rc && table < HS_TABLE_COUNT; table++) {
        rc = mdb_dbi_open (txn, s_table_names [table], 0, &self->dbis [table]);
        if (rc == MDB_NOTFOUND && table != HS_TABLE_EVENTS && table != HS_TABLE_META) {
            self->absent [table] = true;        //  an older version had none: empty
            rc = 0;
        }
    }
    if (txn)
        mdb_txn_commit (txn);       //  keeps the handles open for later transactions
    if (rc) {
        snprintf (error, error_size, "cannot open store %s: %s", path, mdb_strerror (rc));
        hs_store_destroy (&self);
        return NULL;
    }
    return self;
}

hs_store_t *
hs_store_open_readonly (const char *path, char *error, size_t error_size)
{
    return s_open_readonly (path, error, error_size);
}

int
hs_store_backup (hs_store_t *self, const char *folder, char *error, size_t error_size)
{
    //  Workers' names and disputes are in it: the folder 0700 and the copy
    //  0600, whatever the caller's umask (LMDB creates data.mdb 0666 & ~umask);
    //  a folder that was there already keeps its mode
    mode_t umask_was = umask (077);
    int rc = 0;
    if (zsys_dir_create ("%s", folder)) {
        snprintf (error, error_size, "cannot create %s: %s", folder, strerror (errno));
        rc = -1;
    }
    if (!rc) {
        int lmdb_rc = mdb_env_copy2 (self->env, folder, MDB_CP_COMPACT);
        if (lmdb_rc) {
            snprintf (error, error_size, "cannot copy the store to %s: %s", folder,
                      mdb_strerror (lmdb_rc));
            rc = -1;
        }
    }
    umask (umask_was);
    if (!rc) {
        char path [PATH_MAX];
        snprintf (path, sizeof (path), "%s/data.mdb", folder);
        if (chmod (path, 0600)) {
            snprintf (error, error_size, "cannot make %s private: %s", path, strerror (errno));
            rc = -1;
        }
    }
    return rc;
}

hs_store_t *
hs_store_new (const char *path, int64_t map_size, int64_t map_size_max,
              char *error, size_t error_size)
{
    if (zsys_dir_create ("%s", path)) {
        snprintf (error, error_size, "cannot create store folder %s: %s", path, strerror (errno));
        return NULL;
    }
    hs_store_t *self = (hs_store_t *) zmalloc (sizeof (hs_store_t));
    self->path = strdup (path);
    self->map_size = map_size;
    self->map_size_max = map_size_max;
    int rc = mdb_env_create (&self->env);
    if (!rc)
        rc = mdb_env_set_maxdbs (self->env, S_MAXDBS);
    if (!rc)
        rc = mdb_env_set_mapsize (self->env, (size_t) map_size);
    if (!rc)
        rc = mdb_env_set_assert (self->env, (MDB_assert_func *) hs_guard_lmdb_assert);
    if (!rc)
        rc = mdb_env_open (self->env, path, MDB_NOTLS, 0640);
    if (!rc)
        s_guard_region (self);
    if (rc) {
        snprintf (error, error_size, "cannot open store %s: %s", path, mdb_strerror (rc));
        hs_store_destroy (&self);
        return NULL;
    }
    self->shared = (s_shared_t *) zmalloc (sizeof (s_shared_t));
    pthread_rwlock_init (&self->shared->resize, NULL);
    //  A map that an earlier run grew is bigger than the configured size.
    MDB_envinfo info;
    mdb_env_info (self->env, &info);
    if ((int64_t) info.me_mapsize > self->map_size)
        self->map_size = (int64_t) info.me_mapsize;
    hs_store_readers_check (self);

    MDB_txn *txn;
    rc = mdb_txn_begin (self->env, NULL, 0, &txn);
    for (int table = 0; !rc && table < HS_TABLE_COUNT; table++)
        rc = mdb_dbi_open (txn, s_table_names [table], MDB_CREATE, &self->dbis [table]);
    if (rc) {
        snprintf (error, error_size, "cannot open store databases in %s: %s", path, mdb_strerror (rc));
        if (txn)
            mdb_txn_abort (txn);
        hs_store_destroy (&self);
        return NULL;
    }
    if (s_meta_read (self, txn, s_meta_names [HS_META_NEXT_SEQ], &self->next_seq)
    ||  s_meta_read (self, txn, s_meta_names [HS_META_NEXT_DEAD], &self->next_dead)) {
        snprintf (error, error_size, "store %s: cannot read its counters", path);
        mdb_txn_abort (txn);
        hs_store_destroy (&self);
        return NULL;
    }
    //  A newer build's store: its layout is not ours to write into.
    uint64_t format = s_meta_value (self, txn, HS_META_FORMAT, 0);
    if (format > HS_STORE_FORMAT) {
        snprintf (error, error_size, "store %s has format %llu, newer than this huishangd's %d: "
                  "run the version that wrote it", path, (unsigned long long) format, HS_STORE_FORMAT);
        mdb_txn_abort (txn);
        hs_store_destroy (&self);
        return NULL;
    }
    //  Never trust the counter alone: the highest stored seq wins.
    MDB_cursor *cursor;
    MDB_val key, data;
    if (mdb_cursor_open (txn, self->dbis [HS_TABLE_EVENTS], &cursor) == 0) {
        if (mdb_cursor_get (cursor, &key, &data, MDB_LAST) == 0 && key.mv_size == 8) {
            uint64_t last = s_get_be64 ((const uint8_t *) key.mv_data);
            if (last >= self->next_seq)
                self->next_seq = last + 1;
        }
        mdb_cursor_close (cursor);
    }
    rc = mdb_txn_commit (txn);
    if (rc) {
        snprintf (error, error_size, "store %s: %s", path, mdb_strerror (rc));
        hs_store_destroy (&self);
        return NULL;
    }
    return self;
}

void
hs_store_destroy (hs_store_t **self_p)
{
    assert (self_p);
    if (*self_p) {
        hs_store_t *self = *self_p;
        if (self->txn)
            hs_store_abort (self);
        hs_store_view_end (self);
        if (self->env && !self->reader)
            mdb_env_close (self->env);
        if (self->shared && !self->reader) {
            pthread_rwlock_destroy (&self->shared->resize);
            free (self->shared);
        }
        free (self->path);
        free (self);
        *self_p = NULL;
    }
}

int
hs_store_begin (hs_store_t *self)
{
    assert (!self->reader);
    assert (!self->txn);
    assert (!self->view);
    self->map_full = false;
    self->disk_full = false;
    int rc = mdb_txn_begin (self->env, NULL, 0, &self->txn);
    if (rc) {
        self->txn = NULL;
        return s_fail (self, "mdb_txn_begin", rc);
    }
    self->txn_next_seq = self->next_seq;
    self->txn_next_dead = self->next_dead;
    return 0;
}

int
hs_store_commit (hs_store_t *self)
{
    assert (self->txn);
    if (s_meta_write (self, s_meta_names [HS_META_NEXT_SEQ], self->txn_next_seq)
    ||  s_meta_write (self, s_meta_names [HS_META_NEXT_DEAD], self->txn_next_dead)) {
        hs_store_abort (self);
        return -1;
    }
    int rc = mdb_txn_commit (self->txn);
    self->txn = NULL;
    if (rc)
        return s_fail (self, "mdb_txn_commit", rc);
    self->next_seq = self->txn_next_seq;
    self->next_dead = self->txn_next_dead;
    return 0;
}

void
hs_store_abort (hs_store_t *self)
{
    if (self->txn) {
        mdb_txn_abort (self->txn);
        self->txn = NULL;
    }
}

bool hs_store_map_full (hs_store_t *self) { return self->map_full; }
bool hs_store_no_room (hs_store_t *self) { return self->disk_full || (self->map_full && self->map_size >= self->map_size_max); }

int64_t
hs_store_room (hs_store_t *self)
{
    MDB_envinfo info;
    MDB_stat stat;
    if (mdb_env_info (self->env, &info) || mdb_env_stat (self->env, &stat))
        return 0;
    return self->map_size_max - (int64_t) (info.me_last_pgno + 1) * (int64_t) stat.ms_psize;
}

void
hs_store_set_max (hs_store_t *self, int64_t map_size_max)
{
    if (map_size_max != self->map_size_max)
        hs_log_notice ("hs_store: map may now grow to %lld bytes", (long long) map_size_max);
    self->map_size_max = map_size_max;
}

int
hs_store_grow (hs_store_t *self)
{
    assert (!self->txn);
    if (self->map_size >= self->map_size_max)
        return -1;
    int64_t size = self->map_size * 2;
    if (size > self->map_size_max)
        size = self->map_size_max;
    if (self->shared)
        pthread_rwlock_wrlock (&self->shared->resize);
    int rc = mdb_env_set_mapsize (self->env, (size_t) size);
    if (self->shared)
        pthread_rwlock_unlock (&self->shared->resize);
    if (rc)
        return s_fail (self, "mdb_env_set_mapsize", rc);
    s_guard_region (self);
    hs_log_notice ("hs_store: map grown from %lld to %lld bytes",
                 (long long) self->map_size, (long long) size);
    self->map_size = size;
    self->map_full = false;
    return 0;
}

uint64_t
hs_store_next_seq (hs_store_t *self)
{
    assert (self->txn);
    return self->txn_next_seq++;
}

uint64_t
hs_store_peek_seq (hs_store_t *self)
{
    return self->txn? self->txn_next_seq: self->next_seq;
}

//  Tables whose keys mostly grow (seqs, case and meeting ids, due times):
//  a key past the table's last goes in with MDB_APPEND, which packs pages
//  full where a plain put would leave them half empty. The others' keys
//  (names, feeders' ids) land anywhere: a plain put.
_Static_assert (HS_TABLE_COUNT <= S_MAXDBS, "more tables than S_MAXDBS");

static const bool s_keys_grow [HS_TABLE_COUNT] = {
    [HS_TABLE_EVENTS] = true, [HS_TABLE_CASES] = true, [HS_TABLE_DEADLETTER] = true,
    [HS_TABLE_HISTORY] = true, [HS_TABLE_TIMERS] = true, [HS_TABLE_MEETINGS] = true,
    [HS_TABLE_CASEORDER] = true, [HS_TABLE_OPENCASES] = true, [HS_TABLE_PROMPTS] = true,
    [HS_TABLE_PROPOSALS] = true,
    [HS_TABLE_FILED] = true,
    [HS_TABLE_INSPECTIONS] = true
};

static int
s_put (hs_store_t *self, hs_table_t table, const void *key_data, size_t key_size,
       const void *data, size_t size)
{
    assert (self->txn);
    MDB_val key = { key_size, (void *) key_data }, value = { size, (void *) data };
    int rc = s_keys_grow [table]? mdb_put (self->txn, self->dbis [table], &key, &value, MDB_APPEND):
                                  MDB_KEYEXIST;
    if (rc == MDB_KEYEXIST)
        rc = mdb_put (self->txn, self->dbis [table], &key, &value, 0);
    if (rc) {
        char operation [64];
        snprintf (operation, sizeof (operation), "mdb_put (%s)", s_table_names [table]);
        return s_fail (self, operation, rc);
    }
    return 0;
}

static int
s_get (hs_store_t *self, MDB_dbi dbi, const char *name, const void *key_data, size_t key_size,
       const void **data, size_t *size)
{
    MDB_txn *txn = self->txn? self->txn: self->view;
    assert (txn);
    MDB_val key = { key_size, (void *) key_data }, value;
    int rc = mdb_get (txn, dbi, &key, &value);
    if (rc == MDB_NOTFOUND)
        return 1;
    if (rc)
        return s_fail (self, name, rc);
    *data = value.mv_data;
    *size = value.mv_size;
    return 0;
}

int
hs_store_deadletter_put (hs_store_t *self, const void *data, size_t size)
{
    uint8_t key [8];
    s_put_be64 (key, self->txn_next_dead++);
    return s_put (self, HS_TABLE_DEADLETTER, key, 8, data, size);
}

//  The 8-byte meta value `meta` in a transaction, or `fallback`.
static uint64_t
s_meta_value (hs_store_t *self, MDB_txn *txn, hs_meta_t meta, uint64_t fallback)
{
    MDB_val key = { strlen (s_meta_names [meta]), (void *) s_meta_names [meta] }, data;
    if (mdb_get (txn, self->dbis [HS_TABLE_META], &key, &data) == 0 && data.mv_size == 8)
        return s_get_be64 ((const uint8_t *) data.mv_data);
    return fallback;
}

int
hs_store_stats (hs_store_t *self, hs_store_stats_t *stats)
{
    memset (stats, 0, sizeof (*stats));
    //  A reader's (the api's) read is its view, so that hs_store_view_end
    //  after a guarded fault (hs_guard) gives back the slot and the lock.
    MDB_txn *txn;
    bool viewed = self->reader && !self->view;
    if (viewed && hs_store_view_begin (self))
        return -1;
    int rc = self->reader? 0: mdb_txn_begin (self->env, NULL, MDB_RDONLY, &txn);
    if (rc)
        return s_fail (self, "mdb_txn_begin (stats)", rc);
    if (self->reader)
        txn = self->view;
    MDB_stat stat;
    struct { MDB_dbi dbi; uint64_t *count; } dbs [] = {
        { self->dbis [HS_TABLE_EVENTS], &stats->events }, { self->dbis [HS_TABLE_DEDUP], &stats->dedup },
        { self->dbis [HS_TABLE_CASES], &stats->cases },
        { self->dbis [HS_TABLE_CASEINDEX], &stats->index_keys },
        { self->dbis [HS_TABLE_DEADLETTER], &stats->deadletters }
    };
    for (size_t index = 0; index < sizeof (dbs) / sizeof (dbs [0]); index++)
        if (mdb_stat (txn, dbs [index].dbi, &stat) == 0)
            *dbs [index].count = stat.ms_entries;
    //  The writer knows its counter; a reader reads what was committed.
    stats->next_seq = self->reader? s_meta_value (self, txn, HS_META_NEXT_SEQ, 1): self->next_seq;
    stats->open_cases = s_meta_value (self, txn, HS_META_OPEN_CASES, 0);
    MDB_envinfo info;
    mdb_env_info (self->env, &info);
    mdb_env_stat (self->env, &stat);
    stats->map_size = (int64_t) info.me_mapsize;
    stats->map_used = (int64_t) (info.me_last_pgno + 1) * stat.ms_psize;
    if (!self->reader)
        mdb_txn_abort (txn);
    if (viewed)
        hs_store_view_end (self);
    return 0;
}

int
hs_store_get (hs_store_t *self, hs_table_t table, const void *key, size_t key_size,
              const void **data, size_t *size)
{
    if (key_size == 0 || key_size > 511 || self->absent [table])
        return 1;
    return s_get (self, self->dbis [table], s_table_names [table], key, key_size, data, size);
}

int
hs_store_put (hs_store_t *self, hs_table_t table, const void *key, size_t key_size,
              const void *data, size_t size)
{
    if (key_size == 0 || key_size > 511)
        return -1;
    return s_put (self, table, key, key_size, data, size);
}

int
hs_store_del (hs_store_t *self, hs_table_t table, const void *key, size_t key_size)
{
    assert (self->txn);
    if (key_size == 0 || key_size > 511)
        return 0;
    MDB_val mkey = { key_size, (void *) key };
    int rc = mdb_del (self->txn, self->dbis [table], &mkey, NULL);
    return rc && rc != MDB_NOTFOUND? s_fail (self, s_table_names [table], rc): 0;
}

int
hs_store_walk (hs_store_t *self, hs_table_t table, const void *from, size_t from_size,
               bool reverse, hs_store_walk_fn *visit, void *arg)
{
    MDB_txn *txn = self->txn? self->txn: self->view;
    assert (txn);
    if (self->absent [table])
        return 0;
    MDB_cursor *cursor;
    int rc = mdb_cursor_open (txn, self->dbis [table], &cursor);
    if (rc)
        return s_fail (self, "mdb_cursor_open", rc);
    MDB_val key = { from_size, (void *) from }, data;
    MDB_cursor_op op = reverse? MDB_LAST: from? MDB_SET_RANGE: MDB_FIRST;
    rc = mdb_cursor_get (cursor, &key, &data, op);
    while (rc == 0) {
        if (visit (key.mv_data, key.mv_size, data.mv_data, data.mv_size, arg))
            break;
        rc = mdb_cursor_get (cursor, &key, &data, reverse? MDB_PREV: MDB_NEXT);
    }
    mdb_cursor_close (cursor);
    return rc && rc != MDB_NOTFOUND? s_fail (self, "mdb_cursor_get", rc): 0;
}

int
hs_store_readers_check (hs_store_t *self)
{
    int dead = 0;
    mdb_reader_check (self->env, &dead);
    if (dead)
        hs_log_notice ("hs_store: cleared %d stale reader slots (a reader that died)", dead);
    return dead;
}

const char *
hs_store_table_name (hs_table_t table)
{
    assert (table < HS_TABLE_COUNT);
    return s_table_names [table];
}

int
hs_store_walk_free (hs_store_t *self, hs_store_walk_fn *visit, void *arg)
{
    assert (self->view);
    MDB_cursor *cursor;
    int rc = mdb_cursor_open (self->view, 0, &cursor);     //  FREE_DBI
    if (rc)
        return s_fail (self, "mdb_cursor_open (free)", rc);
    MDB_val key, data;
    rc = mdb_cursor_get (cursor, &key, &data, MDB_FIRST);
    while (rc == 0 && !visit (key.mv_data, key.mv_size, data.mv_data, data.mv_size, arg))
        rc = mdb_cursor_get (cursor, &key, &data, MDB_NEXT);
    mdb_cursor_close (cursor);
    return rc && rc != MDB_NOTFOUND? s_fail (self, "mdb_cursor_get (free)", rc): 0;
}

int
hs_store_count (hs_store_t *self, hs_table_t table, uint64_t *count)
{
    MDB_txn *txn = self->txn? self->txn: self->view;
    assert (txn);
    *count = 0;
    if (self->absent [table])
        return 0;
    MDB_stat stat;
    int rc = mdb_stat (txn, self->dbis [table], &stat);
    if (rc)
        return s_fail (self, "mdb_stat", rc);
    *count = stat.ms_entries;
    return 0;
}

int
hs_store_walk_before (hs_store_t *self, hs_table_t table, const void *before, size_t before_size,
                      hs_store_walk_fn *visit, void *arg)
{
    MDB_txn *txn = self->txn? self->txn: self->view;
    assert (txn);
    if (self->absent [table])
        return 0;
    MDB_cursor *cursor;
    int rc = mdb_cursor_open (txn, self->dbis [table], &cursor);
    if (rc)
        return s_fail (self, "mdb_cursor_open", rc);
    MDB_val key = { before_size, (void *) before }, data;
    rc = mdb_cursor_get (cursor, &key, &data, MDB_SET_RANGE);
    //  At the first key >= before: the one before it; past the end: the last.
    rc = rc == MDB_NOTFOUND? mdb_cursor_get (cursor, &key, &data, MDB_LAST):
         rc == 0? mdb_cursor_get (cursor, &key, &data, MDB_PREV): rc;
    while (rc == 0) {
        if (visit (key.mv_data, key.mv_size, data.mv_data, data.mv_size, arg))
            break;
        rc = mdb_cursor_get (cursor, &key, &data, MDB_PREV);
    }
    mdb_cursor_close (cursor);
    return rc && rc != MDB_NOTFOUND? s_fail (self, "mdb_cursor_get", rc): 0;
}

int
hs_store_view_begin (hs_store_t *self)
{
    assert (!self->txn);
    if (self->view)
        return 0;
    //  Held until hs_store_view_end, even if the begin faults (a guarded
    //  read jumps out of it): a lock left held would stop the writer's
    //  next resize for good.
    if (self->reader && !self->resize_held) {
        pthread_rwlock_rdlock (&self->shared->resize);
        self->resize_held = true;
    }
    int rc = mdb_txn_begin (self->env, NULL, MDB_RDONLY, &self->view);
    if (rc == MDB_MAP_RESIZED && !self->shared) {
        //  A read-only process of its own (a check, verify) beside a daemon
        //  that grew the map: take the new size (no transaction is open
        //  here) and go on.
        rc = mdb_env_set_mapsize (self->env, 0);
        if (!rc) {
            s_guard_region (self);
            rc = mdb_txn_begin (self->env, NULL, MDB_RDONLY, &self->view);
        }
    }
    if (rc) {
        self->view = NULL;
        hs_store_view_end (self);
        return s_fail (self, "mdb_txn_begin (view)", rc);
    }
    return 0;
}

uint64_t
hs_store_view_id (hs_store_t *self)
{
    return self->view? (uint64_t) mdb_txn_id (self->view): 0;
}

void
hs_store_view_end (hs_store_t *self)
{
    if (self->view) {
        mdb_txn_abort (self->view);
        self->view = NULL;
    }
    if (self->resize_held) {
        self->resize_held = false;
        pthread_rwlock_unlock (&self->shared->resize);
    }
}

hs_store_t *
hs_store_reader_new (hs_store_t *writer)
{
    assert (writer->shared && !writer->reader);
    hs_store_t *self = (hs_store_t *) zmalloc (sizeof (hs_store_t));
    self->path = strdup (writer->path);
    self->env = writer->env;
    self->reader = true;
    self->shared = writer->shared;
    memcpy (self->dbis, writer->dbis, sizeof (self->dbis));
    memcpy (self->absent, writer->absent, sizeof (self->absent));
    self->map_size = writer->map_size;
    self->map_size_max = writer->map_size_max;
    return self;
}

int
hs_store_meta_get (hs_store_t *self, hs_meta_t meta, uint64_t fallback, uint64_t *value)
{
    const char *name = hs_store_meta_name (meta);
    const void *data;
    size_t size;
    int rc = hs_store_get (self, HS_TABLE_META, name, strlen (name), &data, &size);
    if (rc == 1)
        *value = fallback;
    else
    if (rc == 0 && size == 8)
        *value = s_get_be64 ((const uint8_t *) data);
    else
        return -1;
    return 0;
}

int
hs_store_meta_put (hs_store_t *self, hs_meta_t meta, uint64_t value)
{
    const char *name = hs_store_meta_name (meta);
    uint8_t bytes [8];
    s_put_be64 (bytes, value);
    return hs_store_put (self, HS_TABLE_META, name, strlen (name), bytes, 8);
}

int
hs_store_format_work (void *arg)
{
    hs_store_t *self = (hs_store_t *) arg;
    uint64_t format = 0;
    if (hs_store_meta_get (self, HS_META_FORMAT, 0, &format))
        return -1;
    if (format == HS_STORE_FORMAT)
        return 0;
    hs_log_notice ("hs_store: %s marked format %d (it was %llu: 0 is before formats)", self->path,
                   HS_STORE_FORMAT, (unsigned long long) format);
    return hs_store_meta_put (self, HS_META_FORMAT, HS_STORE_FORMAT);
}

void hs_store_be64_put (uint8_t *bytes, uint64_t value) { s_put_be64 (bytes, value); }
uint64_t hs_store_be64_get (const uint8_t *bytes) { return s_get_be64 (bytes); }

int
hs_store_remove (const char *path)
{
    const char *files [] = { "data.mdb", "lock.mdb", "huishangd.lock", NULL };
    for (int index = 0; files [index]; index++) {
        char *file = zsys_sprintf ("%s/%s", path, files [index]);
        zsys_file_delete (file);
        zstr_free (&file);
    }
    return zsys_dir_delete ("%s", path);
}
