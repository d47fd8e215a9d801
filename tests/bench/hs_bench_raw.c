/*  =========================================================================
    hs_bench_raw - the physical costs: raw libzmq, raw LMDB, and the
    minimal durable pipeline (SUB, unpack, one LMDB put, commit per batch,
    PUB after the commit): the floor any store-before-publish daemon pays
    =========================================================================
*/

#include "hs_bench.h"

//  ---------------------------------------------------------------------
//  1. raw libzmq

typedef struct {
    const char *endpoint;
    int64_t count;
} s_raw_args_t;

static void
s_raw_subscriber (zsock_t *pipe, void *arg)
{
    s_raw_args_t *args = (s_raw_args_t *) arg;
    zsock_t *sub = zsock_new (ZMQ_SUB);
    zsock_set_rcvhwm (sub, 0);
    zsock_set_subscribe (sub, "");
    zsock_bind (sub, "%s", args->endpoint);
    zsock_signal (pipe, 0);
    for (int64_t index = 0; index < args->count; index++) {
        zmsg_t *msg = zmsg_recv (sub);
        if (!msg)
            break;
        zmsg_destroy (&msg);
    }
    zsock_signal (pipe, 0);
    zsock_wait (pipe);
    zsock_destroy (&sub);
}

//  Messages per second, PUB -> SUB, same frames as a report.
double
bench_raw_zmq (const char *endpoint, int64_t count, hs_pack_t *body)
{
    s_raw_args_t args = { endpoint, count };
    zactor_t *subscriber = zactor_new (s_raw_subscriber, &args);
    zsock_t *pub = zsock_new (ZMQ_XPUB);
    zsock_set_sndhwm (pub, 0);
    zsock_connect (pub, "%s", endpoint);
    zsock_set_rcvtimeo (pub, 5000);
    zframe_t *subscription = zframe_recv (pub);        //  wait until connected
    zframe_destroy (&subscription);
    int64_t start = zclock_usecs ();
    for (int64_t index = 0; index < count; index++) {
        zmsg_t *msg = zmsg_new ();
        zmsg_addstr (msg, "report.hrss");
        zmsg_addmem (msg, hs_pack_data (body), hs_pack_size (body));
        zmsg_send (&msg, pub);
    }
    zsock_wait (subscriber);
    double rate = (double) count / bench_seconds (start);
    zsock_signal (subscriber, 0);
    zactor_destroy (&subscriber);
    zsock_destroy (&pub);
    return rate;
}

//  ---------------------------------------------------------------------
//  2. raw LMDB

double
bench_raw_lmdb (const char *folder, int64_t count, int batch, hs_pack_t *body, int64_t *bytes)
{
    zsys_dir_create ("%s", folder);
    MDB_env *env;
    mdb_env_create (&env);
    mdb_env_set_mapsize (env, (size_t) 64 << 30);
    mdb_env_open (env, folder, 0, 0640);
    MDB_dbi dbi;
    MDB_txn *txn;
    mdb_txn_begin (env, NULL, 0, &txn);
    mdb_dbi_open (txn, NULL, 0, &dbi);
    mdb_txn_commit (txn);
    int64_t start = zclock_usecs ();
    for (int64_t index = 0; index < count; ) {
        mdb_txn_begin (env, NULL, 0, &txn);
        for (int in_batch = 0; in_batch < batch && index < count; in_batch++, index++) {
            uint8_t key [8];
            for (int byte = 0; byte < 8; byte++)
                key [byte] = (uint8_t) (index >> (56 - 8 * byte));
            MDB_val mkey = { 8, key }, value = { hs_pack_size (body), (void *) hs_pack_data (body) };
            mdb_put (txn, dbi, &mkey, &value, MDB_APPEND);
        }
        mdb_txn_commit (txn);
    }
    double rate = (double) count / bench_seconds (start);
    MDB_envinfo info;
    MDB_stat stat;
    mdb_env_info (env, &info);
    mdb_env_stat (env, &stat);
    *bytes = (int64_t) (info.me_last_pgno + 1) * stat.ms_psize;
    mdb_env_close (env);
    return rate;
}

//  ---------------------------------------------------------------------
//  2b. the minimal durable pipeline: SUB -> unpack -> LMDB put, one
//  commit per batch -> PUB after the commit, one message out per message
//  in. What any daemon that stores before it tells must pay; the issue's
//  "quick prototype". Runs in a thread of the bench, on the same sockets'
//  kinds and the same batching rule as huishangd (read what is waiting,
//  up to 4096, then commit).

void
bench_floor_pipeline (zsock_t *pipe, void *arg)
{
    bench_floor_args_t *args = (bench_floor_args_t *) arg;
    args->tid = gettid ();
    zsys_dir_create ("%s", args->folder);
    MDB_env *env;
    mdb_env_create (&env);
    mdb_env_set_mapsize (env, (size_t) 64 << 30);
    mdb_env_open (env, args->folder, MDB_NOTLS, 0640);
    MDB_dbi dbi;
    MDB_txn *txn;
    mdb_txn_begin (env, NULL, 0, &txn);
    mdb_dbi_open (txn, NULL, 0, &dbi);
    mdb_txn_commit (txn);
    zsock_t *sub = zsock_new (ZMQ_SUB);
    zsock_set_rcvhwm (sub, 0);
    zsock_set_subscribe (sub, "");
    zsock_set_rcvtimeo (sub, 0);
    zsock_bind (sub, "%s", args->ingest);
    zsock_t *pub = zsock_new (ZMQ_XPUB);
    zsock_set_sndhwm (pub, 0);
    //  Every subscription, even one the last run's subscriber (still being
    //  taken down) holds too: XPUB passes on only the first otherwise.
    zsock_set_xpub_verbose (pub, 1);
    zsock_bind (pub, "%s", args->publish);
    zsock_signal (pipe, 0);
    //  Each run's subscriber is told to go once its subscription is in.
    zpoller_t *poller = zpoller_new (pipe, sub, pub, NULL);
    uint64_t seq = 0;
    zlist_t *outbox = zlist_new ();
    while (true) {
        void *which = zpoller_wait (poller, -1);
        if (which == pub) {
            zframe_t *subscription = zframe_recv (pub);
            if (subscription && zframe_size (subscription) > 0 && zframe_data (subscription) [0] == 1)
                zsock_signal (pipe, 0);
            zframe_destroy (&subscription);
            continue;
        }
        if (which != sub)
            break;
        mdb_txn_begin (env, NULL, 0, &txn);
        for (int count = 0; count < 4096; count++) {
            zmsg_t *msg = zmsg_recv (sub);
            if (!msg)
                break;
            zframe_t *body = zmsg_last (msg);
            msgpack_unpacked unpacked;
            msgpack_unpacked_init (&unpacked);
            if (msgpack_unpack_next (&unpacked, (const char *) zframe_data (body), zframe_size (body),
                                     NULL) == MSGPACK_UNPACK_SUCCESS) {
                uint8_t key [8];
                seq++;
                for (int byte = 0; byte < 8; byte++)
                    key [byte] = (uint8_t) (seq >> (56 - 8 * byte));
                MDB_val mkey = { 8, key }, value = { zframe_size (body), zframe_data (body) };
                mdb_put (txn, dbi, &mkey, &value, MDB_APPEND);
                zlist_append (outbox, msg);
            }
            else
                zmsg_destroy (&msg);
            msgpack_unpacked_destroy (&unpacked);
        }
        int64_t began = zclock_usecs ();
        mdb_txn_commit (txn);
        if (args->commit_count < args->commit_max) {
            args->commit_at [args->commit_count] = began;
            args->commit_us [args->commit_count++] = zclock_usecs () - began;
        }
        zmsg_t *msg;
        while ((msg = (zmsg_t *) zlist_pop (outbox)))
            zmsg_send (&msg, pub);
    }
    zlist_destroy (&outbox);
    zpoller_destroy (&poller);
    zsock_destroy (&sub);
    zsock_destroy (&pub);
    mdb_env_close (env);
}


size_t
bench_floor_commits (const bench_floor_args_t *args, int64_t since, double *p50, double *p99)
{
    int64_t *lengths = (int64_t *) calloc (args->commit_count + 1, sizeof (int64_t));
    size_t count = 0;
    for (size_t index = 0; index < args->commit_count; index++)
        if (args->commit_at [index] >= since)
            lengths [count++] = args->commit_us [index];
    qsort (lengths, count, sizeof (int64_t), bench_compare);
    *p50 = bench_percentile (lengths, (int64_t) count, 50);
    *p99 = bench_percentile (lengths, (int64_t) count, 99);
    free (lengths);
    return count;
}

int
bench_thread_io (pid_t pid, pid_t tid, bench_io_t *io)
{
    char path [64], line [128];
    snprintf (path, sizeof (path), "/proc/%d/task/%d/io", (int) pid, (int) tid);
    FILE *file = fopen (path, "r");
    io->bytes = io->calls = -1;
    while (file && fgets (line, sizeof (line), file)) {
        long long value;
        if (sscanf (line, "wchar: %lld", &value) == 1)
            io->bytes = value;
        if (sscanf (line, "syscw: %lld", &value) == 1)
            io->calls = value;
    }
    if (file)
        fclose (file);
    return io->bytes >= 0 && io->calls >= 0? 0: -1;
}

//  ---------------------------------------------------------------------
//  Where a commit's time goes on this disk: fdatasync after scattered
//  pages against after as many in a row (LMDB copies each page a commit
//  touches to a free page, wherever the free pages are).

static double
s_sync_p50 (int fd, int pages, int rounds, int64_t file_pages, bool scattered, uint8_t *page)
{
    int64_t *lengths = (int64_t *) calloc ((size_t) rounds, sizeof (int64_t));
    for (int round = 0; round < rounds; round++) {
        int64_t start = randof ((int) (file_pages - pages));
        for (int index = 0; index < pages; index++) {
            int64_t where = scattered? randof ((int) file_pages): start + index;
            page [0] = (uint8_t) round;
            if (pwrite (fd, page, 4096, (off_t) (where * 4096)) != 4096)
                break;
        }
        int64_t began = zclock_usecs ();
        if (fdatasync (fd) == 0)
            lengths [round] = zclock_usecs () - began;
    }
    qsort (lengths, (size_t) rounds, sizeof (int64_t), bench_compare);
    double p50 = bench_percentile (lengths, rounds, 50);
    free (lengths);
    return p50;
}

void
bench_disk_sync (const char *folder, int pages, int rounds, int file_mb, double *scattered,
                 double *contiguous)
{
    *scattered = *contiguous = -1;
    char path [320];
    snprintf (path, sizeof (path), "%s/disk-sync.scratch", folder);
    int fd = open (path, O_RDWR | O_CREAT | O_TRUNC, 0600);
    if (fd < 0)
        return;
    int64_t file_pages = (int64_t) file_mb * 256;
    uint8_t *page = (uint8_t *) zmalloc (4096);
    memset (page, 0x5a, 4096);
    bool written = pages > 0 && pages < file_pages;
    for (int64_t index = 0; written && index < file_pages; index++)
        written = pwrite (fd, page, 4096, (off_t) (index * 4096)) == 4096;
    if (written && fsync (fd) == 0) {
        *scattered = s_sync_p50 (fd, pages, rounds, file_pages, true, page);
        *contiguous = s_sync_p50 (fd, pages, rounds, file_pages, false, page);
    }
    free (page);
    close (fd);
    unlink (path);
}
