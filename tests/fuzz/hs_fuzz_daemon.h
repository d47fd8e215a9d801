/*  =========================================================================
    hs_fuzz_daemon - what the engine-driving fuzzers share: a real engine
    on the built-in config, with its store under /tmp (removed by
    tests/fuzz/run.sh) and inproc endpoints; and a valid report message.
    =========================================================================
*/

#ifndef HS_FUZZ_DAEMON_H_INCLUDED
#define HS_FUZZ_DAEMON_H_INCLUDED

#include "../../daemon/hs_config.h"
#include "../../daemon/hs_engine.h"

//  An engine named `name` (store /tmp/hs_fuzz_<name>.<pid>). Never freed:
//  it lives as long as the fuzzer.
static hs_engine_t *
s_fuzz_engine (const char *name)
{
    char error [256];
    zsys_init ();
    zsys_set_logstream (NULL);
    hs_config_t *config = hs_config_load (NULL, error, sizeof (error));
    assert (config);
    char *text = zsys_sprintf ("/tmp/hs_fuzz_%s.%d", name, getpid ());
    hs_config_set (&config->store_path, text);
    zstr_free (&text);
    const char *kinds [] = { "ingest", "submit", "publish", "api" };
    char **endpoints [] = { &config->ingest, &config->submit, &config->publish, &config->api };
    for (int index = 0; index < 4; index++) {
        text = zsys_sprintf ("inproc://fuzz-%s-%s", name, kinds [index]);
        hs_config_set (endpoints [index], text);
        zstr_free (&text);
    }
    hs_engine_t *engine = hs_engine_new (config, error, sizeof (error));
    assert (engine);
    return engine;
}

//  A valid report from street.caoyang. Caller owns the message.
static zmsg_t *
s_fuzz_report (const char *id, int64_t workers)
{
    hs_report_t report;
    memset (&report, 0, sizeof (report));
    snprintf (report.id, sizeof (report.id), "%s", id);
    strcpy (report.source, "street.caoyang");
    snprintf (report.enterprise, sizeof (report.enterprise), "Fuzz %s", id);
    report.at = zclock_time ();
    report.ownership = -1;
    report.amount = -1;
    report.workers = workers;
    hs_pack_t *pack = hs_pack_new ();
    hs_report_encode (&report, pack);
    zmsg_t *msg = zmsg_new ();
    zmsg_addstr (msg, "report.street.caoyang");
    zmsg_addmem (msg, hs_pack_data (pack), hs_pack_size (pack));
    hs_pack_destroy (&pack);
    return msg;
}

#endif
