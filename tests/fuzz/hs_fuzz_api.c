/*  =========================================================================
    hs_fuzz_api - libFuzzer target: api requests against a live engine

    The input is a command name, a NUL, and the request's argument bytes,
    answered by the real engine over a store that holds a few cases. Every
    request must get a reply map, never a fault. Run with `make fuzz`.
    =========================================================================
*/

#include "../../daemon/hs_config.h"
#include "../../daemon/hs_engine.h"

static hs_config_t *s_config;
static hs_engine_t *s_engine;
static hs_pack_t *s_reply;

static zmsg_t *
s_report (const char *id, int64_t workers)
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

static void
s_setup (void)
{
    char error [256];
    zsys_init ();
    zsys_set_logstream (NULL);
    s_config = hs_config_load (NULL, error, sizeof (error));
    assert (s_config);
    char *path = zsys_sprintf ("/tmp/hs_fuzz_api.%d", getpid ());
    hs_config_set (&s_config->store_path, path);
    zstr_free (&path);
    hs_config_set (&s_config->ingest, "inproc://fuzz-api-ingest");
    hs_config_set (&s_config->submit, "inproc://fuzz-api-submit");
    hs_config_set (&s_config->publish, "inproc://fuzz-api-publish");
    hs_config_set (&s_config->api, "inproc://fuzz-api-api");
    s_engine = hs_engine_new (s_config, error, sizeof (error));
    assert (s_engine);
    zlist_t *batch = zlist_new ();
    zlist_append (batch, s_report ("a", 3));
    zlist_append (batch, s_report ("b", 40));
    zlist_append (batch, s_report ("c", 150));
    hs_engine_batch (s_engine, batch);
    zlist_destroy (&batch);
    s_reply = hs_pack_new ();
}

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
    if (!s_engine)
        s_setup ();
    const uint8_t *nul = (const uint8_t *) memchr (data, 0, size);
    if (!nul || nul - data > 64)
        return 0;
    char command [65];
    memcpy (command, data, (size_t) (nul - data) + 1);
    //  A plenary is a write: keep the store from growing without end.
    if (streq (command, "plenary"))
        return 0;
    size_t args_size = size - (size_t) (nul - data) - 1;
    hs_engine_request (s_engine, command, args_size? nul + 1: NULL, args_size, s_reply);
    if (hs_pack_size (s_reply) == 0)
        __builtin_trap ();
    return 0;
}
