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
