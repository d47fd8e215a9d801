/*  =========================================================================
    hs_fuzz_engine - libFuzzer target: whole inbound messages into the engine

    The input is split into frames at each "\n--\n" and handed to the real
    engine (store on disk under /tmp, inproc sockets) as one batch. The
    engine must never crash, and after every input it must still accept a
    valid report. Run with `make fuzz`.
    =========================================================================
*/

#include "../../daemon/hs_config.h"
#include "../../daemon/hs_engine.h"

static hs_config_t *s_config;
static hs_engine_t *s_engine;
static zmsg_t *s_valid;

static void
s_setup (void)
{
    char error [256];
    zsys_init ();
    zsys_set_logstream (NULL);
    s_config = hs_config_load (NULL, error, sizeof (error));
    assert (s_config);
    char *path = zsys_sprintf ("/tmp/hs_fuzz_engine.%d", getpid ());
    hs_config_set (&s_config->store_path, path);
    zstr_free (&path);
    hs_config_set (&s_config->ingest, "inproc://fuzz-ingest");
    hs_config_set (&s_config->submit, "inproc://fuzz-submit");
    hs_config_set (&s_config->publish, "inproc://fuzz-publish");
    hs_config_set (&s_config->api, "inproc://fuzz-api");
    s_engine = hs_engine_new (s_config, error, sizeof (error));
    assert (s_engine);
    hs_report_t report;
    memset (&report, 0, sizeof (report));
    strcpy (report.id, "fuzz-valid");
    strcpy (report.source, "street.caoyang");
    strcpy (report.enterprise, "Fuzz Ltd");
    report.at = zclock_time ();
    report.ownership = -1;
    report.amount = -1;
    report.workers = 3;
    hs_pack_t *pack = hs_pack_new ();
    hs_report_encode (&report, pack);
    s_valid = zmsg_new ();
    zmsg_addstr (s_valid, "report.street.caoyang");
    zmsg_addmem (s_valid, hs_pack_data (pack), hs_pack_size (pack));
    hs_pack_destroy (&pack);
}

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
    if (!s_engine)
        s_setup ();
    zmsg_t *msg = zmsg_new ();
    size_t start = 0;
    for (size_t pos = 0; pos + 4 <= size; pos++)
        if (memcmp (data + pos, "\n--\n", 4) == 0) {
            zmsg_addmem (msg, data + start, pos - start);
            start = pos + 4;
            pos += 3;
        }
    zmsg_addmem (msg, data + start, size - start);
    zlist_t *batch = zlist_new ();
    zlist_append (batch, msg);
    zlist_append (batch, zmsg_dup (s_valid));
    if (hs_engine_batch (s_engine, batch) != 2)
        __builtin_trap ();
    zlist_destroy (&batch);
    return 0;
}
