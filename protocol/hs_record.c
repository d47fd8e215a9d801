/*  =========================================================================
    hs_record - the smaller records the daemon stores
    =========================================================================
*/

#include "hs_record.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <assert.h>

int
hs_deadletter_encode (int64_t at, const char *code, const char *detail, size_t frames,
                      size_t total, const hs_bytes_t *kept, size_t kept_count, hs_pack_t *pack)
{
    hs_map_t map;
    hs_map_begin (&map, pack);
    hs_map_int (&map, "v", HS_PROTO_VERSION);
    hs_map_int (&map, "at", at);
    hs_map_str (&map, "reason", code);
    hs_map_str (&map, "detail", detail);
    hs_map_int (&map, "frames", (int64_t) frames);
    hs_map_int (&map, "size", (int64_t) total);
    hs_map_key (&map, "data");
    hs_pack_array (pack, kept_count);
    for (size_t index = 0; index < kept_count; index++)
        hs_pack_bin (pack, kept [index].data, kept [index].size);
    hs_map_end (&map);
    return 0;
}

int
hs_feed_state_encode (const hs_feed_state_t *state, hs_pack_t *pack)
{
    hs_map_t map;
    hs_map_begin (&map, pack);
    hs_map_int (&map, "fseq", state->fseq);
    hs_map_int (&map, "heard", state->heard);
    hs_map_key (&map, "silent");
    hs_pack_bool (pack, state->silent);
    hs_map_key (&map, "beats");
    hs_pack_bool (pack, state->beats);
    if (state->gap_at)
        hs_map_int (&map, "gap_at", state->gap_at);
    hs_map_end (&map);
    return 0;
}

int
hs_feed_state_decode (const void *data, size_t size, hs_feed_state_t *state)
{
    memset (state, 0, sizeof (*state));
    msgpack_unpacked unpacked;
    msgpack_unpacked_init (&unpacked);
    int rc = hs_proto_unpack_stored (data, size, &unpacked);
    if (rc == 0) {
        state->fseq = hs_proto_int (&unpacked.data, "fseq", 0);
        state->heard = hs_proto_int (&unpacked.data, "heard", 0);
        state->silent = hs_proto_bool (&unpacked.data, "silent");
        state->beats = hs_proto_bool (&unpacked.data, "beats");
        state->gap_at = hs_proto_int (&unpacked.data, "gap_at", 0);
    }
    msgpack_unpacked_destroy (&unpacked);
    return rc;
}

int
hs_rules_change_encode (const char *from, const char *to, const char *file, hs_pack_t *pack)
{
    hs_map_t map;
    hs_map_begin (&map, pack);
    hs_map_int (&map, "v", HS_PROTO_VERSION);
    hs_map_str (&map, "from", from);
    hs_map_str (&map, "to", to);
    hs_map_str (&map, "rules_file", file);
    hs_map_end (&map);
    return 0;
}

int
hs_clock_change_encode (int64_t from, int64_t to, const char *why, hs_pack_t *pack)
{
    hs_map_t map;
    hs_map_begin (&map, pack);
    hs_map_int (&map, "v", HS_PROTO_VERSION);
    hs_map_int (&map, "from", from);
    hs_map_int (&map, "to", to);
    hs_map_str (&map, "why", why);
    hs_map_end (&map);
    return 0;
}

void
hs_record_test (bool verbose)
{
    if (verbose)
        printf (" * hs_record: ");
    hs_pack_t *pack = hs_pack_new ();
    hs_feed_state_t state = { 41, 1780000000000LL, true, true, 1779000000000LL }, copy;
    hs_feed_state_encode (&state, pack);
    assert (hs_feed_state_decode (hs_pack_data (pack), hs_pack_size (pack), &copy) == 0);
    assert (copy.fseq == 41 && copy.heard == state.heard && copy.silent && copy.beats
            && copy.gap_at == state.gap_at);
    assert (hs_feed_state_decode (hs_pack_data (pack), 2, &copy) == -1);
    //  A record from 0.4, without `beats`: a feeder that never opted in.
    hs_pack_reset (pack);
    hs_map_t old;
    hs_map_begin (&old, pack);
    hs_map_int (&old, "fseq", 3);
    hs_map_int (&old, "heard", 5);
    hs_map_key (&old, "silent");
    hs_pack_bool (pack, false);
    hs_map_end (&old);
    assert (hs_feed_state_decode (hs_pack_data (pack), hs_pack_size (pack), &copy) == 0);
    assert (copy.fseq == 3 && !copy.beats);

    hs_pack_reset (pack);
    hs_bytes_t kept [] = { { "report.x", 8 }, { "\xc1", 1 } };
    hs_deadletter_encode (5, "malformed", "invalid type byte", 2, 9, kept, 2, pack);
    msgpack_unpacked unpacked;
    msgpack_unpacked_init (&unpacked);
    assert (hs_proto_unpack_stored (hs_pack_data (pack), hs_pack_size (pack), &unpacked) == 0);
    const msgpack_object *data = hs_proto_get (&unpacked.data, "data");
    assert (data && data->type == MSGPACK_OBJECT_ARRAY && data->via.array.size == 2);
    assert (data->via.array.ptr [1].type == MSGPACK_OBJECT_BIN);
    assert (hs_proto_int (&unpacked.data, "size", 0) == 9);
    msgpack_unpacked_destroy (&unpacked);
    hs_pack_destroy (&pack);
    if (verbose)
        printf ("OK\n");
}
