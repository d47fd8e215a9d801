/*  =========================================================================
    hs_fuzz_engine - libFuzzer target: whole inbound messages into the engine

    The input is split into frames at each "\n--\n" and handed to the real
    engine (store on disk under /tmp, inproc sockets) as one batch. The
    engine must never crash, and after every input it must still accept a
    valid report. Run with `make fuzz`.
    =========================================================================
*/

#include "hs_fuzz_daemon.h"

static hs_engine_t *s_engine;
static zmsg_t *s_valid;

static void
s_setup (void)
{
    s_engine = s_fuzz_engine ("engine");
    s_valid = s_fuzz_report ("fuzz-valid", 3);
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
