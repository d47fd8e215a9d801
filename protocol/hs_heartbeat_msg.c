/*  =========================================================================
    hs_heartbeat_msg - the daemon's heartbeat: hs.heartbeat
    =========================================================================
*/

#include "hs_heartbeat_msg.h"
#include <stdio.h>
#include <string.h>
#include <assert.h>

void
hs_pulse_encode (const hs_pulse_t *beat, hs_pack_t *pack)
{
    hs_map_t map;
    hs_map_begin (&map, pack);
    hs_map_int (&map, "v", HS_PROTO_VERSION);
    hs_map_int (&map, "at", beat->at);
    hs_map_int (&map, "next_seq", (int64_t) beat->next_seq);
    hs_map_int (&map, "wall", beat->wall);
    hs_map_int (&map, "interval_ms", beat->interval_ms);
    hs_map_end (&map);
}

int
hs_pulse_decode (const msgpack_object *body, hs_pulse_t *beat)
{
    if (!body || body->type != MSGPACK_OBJECT_MAP)
        return -1;
    hs_pulse_t read = {
        hs_proto_int (body, "at", -1), 0, hs_proto_int (body, "wall", -1),
        hs_proto_int (body, "interval_ms", -1)
    };
    int64_t next_seq = hs_proto_int (body, "next_seq", -1);
    if (read.at < 0 || read.wall < 0 || next_seq < 0 || read.interval_ms < 0)
        return -1;
    read.next_seq = (uint64_t) next_seq;
    *beat = read;
    return 0;
}

void
hs_heartbeat_msg_test (bool verbose)
{
    (void) verbose;
    hs_pack_t *pack = hs_pack_new ();
    hs_pulse_t beat = { 1770966000000LL, 42, 1770966001234LL, 2000 }, back;
    hs_pulse_encode (&beat, pack);
    msgpack_unpacked unpacked;
    msgpack_unpacked_init (&unpacked);
    assert (msgpack_unpack_next (&unpacked, (const char *) hs_pack_data (pack), hs_pack_size (pack), NULL)
            == MSGPACK_UNPACK_SUCCESS);
    assert (hs_proto_int (&unpacked.data, "v", 0) == HS_PROTO_VERSION);
    assert (hs_proto_get (&unpacked.data, "seq") == NULL);
    assert (hs_pulse_decode (&unpacked.data, &back) == 0);
    assert (back.at == beat.at && back.next_seq == 42 && back.wall == beat.wall);
    assert (back.interval_ms == 2000);
    //  Something else is not a heartbeat.
    hs_pack_reset (pack);
    hs_map_t map;
    hs_map_begin (&map, pack);
    hs_map_str (&map, "token", "x");
    hs_map_end (&map);
    msgpack_unpacked_destroy (&unpacked);
    msgpack_unpacked_init (&unpacked);
    assert (msgpack_unpack_next (&unpacked, (const char *) hs_pack_data (pack), hs_pack_size (pack), NULL)
            == MSGPACK_UNPACK_SUCCESS);
    back.at = 7;
    assert (hs_pulse_decode (&unpacked.data, &back) == -1 && back.at == 7);
    assert (hs_pulse_decode (NULL, &back) == -1);
    msgpack_unpacked_destroy (&unpacked);
    hs_pack_destroy (&pack);
}
