/*  =========================================================================
    hs_fuzz_api - libFuzzer target: api requests against a live engine

    The input is a command name, a NUL, and the request's argument bytes,
    answered by the real engine over a store that holds a few cases. Every
    request must get a reply map, never a fault. Run with `make fuzz`.
    =========================================================================
*/

#include "hs_fuzz_daemon.h"

static hs_engine_t *s_engine;
static hs_pack_t *s_reply;

static void
s_setup (void)
{
    s_engine = s_fuzz_engine ("api");
    zlist_t *batch = zlist_new ();
    zlist_append (batch, s_fuzz_report ("a", 3));
    zlist_append (batch, s_fuzz_report ("b", 40));
    zlist_append (batch, s_fuzz_report ("c", 150));
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
