/*  =========================================================================
    hs_engine_test - the engine's self test: the pipeline end to end, in
    process, over inproc sockets
    =========================================================================
*/

#include "hs_engine.h"
#include "hs_bus.h"
#include "hs_stats.h"
#include "hs_ingest.h"
#include "hs_store.h"
#include "hs_defaults.h"

static zmsg_t *
s_report_msg (const char *source, const char *id, const char *street, int64_t workers,
              uint32_t flags)
{
    hs_report_t report;
    memset (&report, 0, sizeof (report));
    hs_strcpy (report.id, sizeof (report.id), id);
    hs_strcpy (report.source, sizeof (report.source), source);
    hs_strcpy (report.street, sizeof (report.street), street);
    snprintf (report.enterprise, sizeof (report.enterprise), "Test Garments Ltd");
    report.at = zclock_time ();
    report.ownership = -1;
    report.amount = -1;
    report.category = HS_CATEGORY_WAGE_ARREARS;
    report.workers = workers;
    report.flags = flags;
    hs_pack_t *pack = hs_pack_new ();
    hs_report_encode (&report, pack);
    zmsg_t *msg = zmsg_new ();
    zmsg_addstrf (msg, "report.%s", source);
    zmsg_addmem (msg, hs_pack_data (pack), hs_pack_size (pack));
    hs_pack_destroy (&pack);
    return msg;
}

//  The next message's topic, and its body's seq (0 if it has none).
static char *
s_recv (zsock_t *watcher, uint64_t *seq)
{
    zmsg_t *msg = zmsg_recv (watcher);
    char *topic = msg? zmsg_popstr (msg): NULL;
    zframe_t *body = msg? zmsg_pop (msg): NULL;
    msgpack_unpacked unpacked;
    msgpack_unpacked_init (&unpacked);
    *seq = body && hs_proto_unpack_stored (zframe_data (body), zframe_size (body), &unpacked) == 0?
           (uint64_t) hs_proto_int (&unpacked.data, "seq", 0): 0;
    msgpack_unpacked_destroy (&unpacked);
    zframe_destroy (&body);
    zmsg_destroy (&msg);
    return topic;
}

//  A loader (hs_engine_load_fn): the config file `arg`.
static hs_config_t *
s_test_load (void *arg, char *error, size_t error_size)
{
    return hs_config_load ((const char *) arg, error, error_size);
}

static const char *s_test_files [] = {
    "huishang.cfg", "units.cfg", "holidays-cn-2026.txt", "rules.cfg"
};

//  Write the shipped config into `folder`, with `rules` as rules.cfg.
static void
s_test_config (const char *folder, const char *rules)
{
    zsys_dir_create ("%s", folder);
    const char *texts [] = { hs_default_huishang_cfg, hs_default_units_cfg,
                             hs_default_holidays_cn_2026_txt, rules };
    for (int index = 0; index < 4; index++) {
        char *path = zsys_sprintf ("%s/%s", folder, s_test_files [index]);
        FILE *file = fopen (path, "w");
        assert (file && fputs (texts [index], file) >= 0 && fclose (file) == 0);
        zstr_free (&path);
    }
}

void
hs_engine_test (bool verbose)
{
    if (verbose)
        printf (" * hs_engine: ");
    char error [256];
    hs_config_t *config = hs_config_load (NULL, error, sizeof (error));
    assert (config);
    char *path = zsys_sprintf ("/tmp/hs_engine_test.%d", getpid ());
    hs_config_set (&config->store_path, path);
    hs_config_set (&config->ingest, "inproc://hs_engine_test_ingest");
    hs_config_set (&config->publish, "inproc://hs_engine_test_publish");
    hs_config_set (&config->api, "inproc://hs_engine_test_api");
    hs_config_set (&config->submit, "inproc://hs_engine_test_submit");
    hs_engine_t *engine = hs_engine_new (config, error, sizeof (error));
    assert (engine);
    zsock_t *watcher = zsock_new_sub ("inproc://hs_engine_test_publish", "alert.");
    zsock_set_subscribe (watcher, "meeting.");
    assert (watcher);
    zsock_set_rcvtimeo (watcher, 2000);
    //  Let the subscription reach the publisher before anything goes out.
    zclock_sleep (50);
    hs_bus_subscriptions (hs_engine_bus (engine));

    zlist_t *batch = zlist_new ();
    zlist_append (batch, s_report_msg ("street.caoyang", "a1", "", 12, 0));
    zlist_append (batch, s_report_msg ("street.caoyang", "a1", "", 12, 0));       //  duplicate
    zlist_append (batch, s_report_msg ("hrss", "h1", "wanli", 12, 0));            //  a short street name
    zmsg_t *bad = zmsg_new ();
    zmsg_addstr (bad, "report.hrss");
    zmsg_addmem (bad, "\xdd\xff\xff\xff\xff", 5);
    zlist_append (batch, bad);
    assert (hs_engine_batch (engine, batch) == 4);
    assert (hs_stats_get (hs_engine_stats (engine), HS_STAT_REPORTS) == 2);
    assert (hs_stats_get (hs_engine_stats (engine), HS_STAT_DUPLICATES) == 1);
    assert (hs_reject_total (hs_ingest_reject (hs_engine_ingest (engine))) == 1);
    assert (hs_reject_count (hs_ingest_reject (hs_engine_ingest (engine)), "too_large") == 1);

    //  Two new cases, two alerts, each with the seq it is stored under.
    uint64_t seq;
    char *topic = s_recv (watcher, &seq);
    assert (topic && streq (topic, "alert.significant.caoyang") && seq == 2);
    zstr_free (&topic);
    topic = s_recv (watcher, &seq);
    assert (topic && streq (topic, "alert.significant.wanli") && seq == 4);
    zstr_free (&topic);

    //  Correlation: the same enterprise in the same street, now 35 workers
    //  with a gathering: the case rises to major, with a meeting request.
    zlist_append (batch, s_report_msg ("union", "u1", "caoyang", 35, 1u << HS_FLAG_GATHERING));
    assert (hs_engine_batch (engine, batch) == 1);
    assert (hs_stats_get (hs_engine_stats (engine), HS_STAT_ESCALATED) == 1
         && hs_stats_get (hs_engine_stats (engine), HS_STAT_MEETINGS) == 1);
    topic = s_recv (watcher, &seq);
    assert (topic && streq (topic, "alert.major.caoyang"));
    zstr_free (&topic);
    topic = s_recv (watcher, &seq);
    assert (topic && streq (topic, "meeting.request"));
    zstr_free (&topic);

    //  A third unit reporting the same dispute joins its case: the early
    //  warning counts disputes, so this is no third one of the
    //  enterprise: no warning, no rise.
    zlist_append (batch, s_report_msg ("petition", "p1", "caoyang", 3, 0));
    assert (hs_engine_batch (engine, batch) == 1);
    assert (hs_stats_get (hs_engine_stats (engine), HS_STAT_WARNINGS) == 0
         && hs_stats_get (hs_engine_stats (engine), HS_STAT_ESCALATED) == 1);

    //  Queries see it all: the case, its history in order, its reasons.
    hs_pack_t *reply = hs_pack_new ();
    hs_pack_t *args = hs_pack_new ();
    hs_why_t why;
    hs_request_encode (args, "id", "putuo-1", NULL);
    assert (hs_engine_request (engine, "case", hs_pack_data (args), hs_pack_size (args), reply) == 0);
    msgpack_unpacked unpacked;
    hs_limits_t big;
    hs_limits_default (&big);
    big.max_body = 1 << 24;
    msgpack_unpacked_init (&unpacked);
    assert (hs_proto_unpack_map (hs_pack_data (reply), hs_pack_size (reply), &big, &unpacked, &why) == 0);
    const msgpack_object *history = hs_proto_get (&unpacked.data, "history");
    assert (history && history->type == MSGPACK_OBJECT_ARRAY && history->via.array.size >= 6);
    const msgpack_object *first_event = &history->via.array.ptr [0];
    char type [16];
    assert (hs_proto_strcpy (hs_proto_get (first_event, "type"), type, sizeof (type)) == 0);
    assert (streq (type, "report"));
    assert (hs_proto_get (first_event, "rules_version"));
    msgpack_unpacked_destroy (&unpacked);
    hs_pack_reset (reply);
    assert (hs_engine_request (engine, "case", NULL, 0, reply) == -1);   //  no id
    hs_pack_reset (reply);
    assert (hs_engine_request (engine, "cases", NULL, 0, reply) == 0);
    hs_pack_reset (reply);
    assert (hs_engine_request (engine, "plenary", NULL, 0, reply) == -1);    //  not the convener
    hs_pack_destroy (&reply);
    hs_pack_destroy (&args);

    //  A reload with a bad rules file is refused with its line, and the
    //  running rules stay; a good one is taken, and recorded as an event.
    char *folder = zsys_sprintf ("%s.cfg", path);
    char *file = zsys_sprintf ("%s/huishang.cfg", folder);
    s_test_config (folder, "rules\n    severity\n        x\n            level = huge\n"
                   "            when = always\n    routing\n    ladder\n");
    assert (hs_engine_reload (engine, s_test_load, file, error, sizeof (error)) == -1);
    assert (strstr (error, "rules.cfg:4:") && hs_engine_config (engine) == config);
    s_test_config (folder, hs_default_rules_cfg);
    assert (hs_engine_reload (engine, s_test_load, file, error, sizeof (error)) == 0);
    assert (hs_engine_config (engine) != config);
    zsys_dir_delete ("%s", folder);

    zlist_destroy (&batch);
    zsock_destroy (&watcher);
    hs_engine_destroy (&engine);
    assert (!engine);
    hs_config_destroy (&config);
    hs_store_remove (path);
    for (int index = 0; index < 4; index++) {
        char *written = zsys_sprintf ("%s/%s", folder, s_test_files [index]);
        zsys_file_delete (written);
        zstr_free (&written);
    }
    zsys_dir_delete ("%s", folder);
    zstr_free (&folder);
    zstr_free (&file);
    zstr_free (&path);
    if (verbose)
        printf ("OK\n");
}
