/*  =========================================================================
    hs_meetings_msg - the api's `meetings` request and reply
    =========================================================================
*/

#include "hs_meetings_msg.h"
#include <stdio.h>
#include <string.h>
#include <assert.h>

void
hs_meetings_request_encode (hs_pack_t *pack, const hs_meetings_request_t *request)
{
    hs_map_t map;
    hs_map_begin (&map, pack);
    if (request->state)
        hs_map_str (&map, "state", request->state);
    if (request->since)
        hs_map_int (&map, "since", request->since);
    if (request->limit)
        hs_map_int (&map, "limit", request->limit);
    if (request->after && *request->after)
        hs_map_str (&map, "after", request->after);
    hs_map_end (&map);
}

void
hs_meetings_reply_encode (hs_pack_t *pack, const hs_bytes_t *records, size_t size,
                          const char *next)
{
    hs_map_t map;
    hs_map_begin (&map, pack);
    hs_map_int (&map, "v", HS_PROTO_VERSION);
    hs_map_int (&map, "count", (int64_t) size);
    if (next && *next)
        hs_map_str (&map, "next", next);
    hs_map_key (&map, "meetings");
    hs_pack_array (pack, size);
    for (size_t index = 0; index < size; index++)
        hs_pack_raw (pack, (const uint8_t *) records [index].data, records [index].size);
    hs_map_end (&map);
}

void
hs_meetings_msg_test (bool verbose)
{
    if (verbose)
        printf (" * hs_meetings_msg: ");
    hs_pack_t *pack = hs_pack_new ();
    hs_meetings_request_t request = { "open", 0, 50, "putuo-m9" };
    hs_meetings_request_encode (pack, &request);
    msgpack_unpacked unpacked;
    msgpack_unpacked_init (&unpacked);
    assert (hs_proto_unpack_stored (hs_pack_data (pack), hs_pack_size (pack), &unpacked) == 0);
    char text [64];
    assert (hs_proto_strcpy (hs_proto_get (&unpacked.data, "state"), text, sizeof (text)) == 0
            && strcmp (text, "open") == 0);
    assert (hs_proto_int (&unpacked.data, "limit", 0) == 50 && !hs_proto_get (&unpacked.data, "since"));
    assert (hs_proto_strcpy (hs_proto_get (&unpacked.data, "after"), text, sizeof (text)) == 0
            && strcmp (text, "putuo-m9") == 0);
    msgpack_unpacked_destroy (&unpacked);
    //  Two records as stored, and no next: the last page.
    hs_pack_t *record = hs_pack_new ();
    hs_map_t map;
    hs_map_begin (&map, record);
    hs_map_str (&map, "id", "putuo-m3");
    hs_map_end (&map);
    hs_bytes_t records [2] = { { hs_pack_data (record), hs_pack_size (record) },
                               { hs_pack_data (record), hs_pack_size (record) } };
    hs_pack_reset (pack);
    hs_meetings_reply_encode (pack, records, 2, NULL);
    msgpack_unpacked_init (&unpacked);
    assert (hs_proto_unpack_stored (hs_pack_data (pack), hs_pack_size (pack), &unpacked) == 0);
    const msgpack_object *meetings = hs_proto_get (&unpacked.data, "meetings");
    assert (meetings && meetings->type == MSGPACK_OBJECT_ARRAY && meetings->via.array.size == 2);
    assert (hs_proto_int (&unpacked.data, "count", 0) == 2 && !hs_proto_get (&unpacked.data, "next"));
    assert (hs_proto_strcpy (hs_proto_get (&meetings->via.array.ptr [1], "id"), text,
                             sizeof (text)) == 0 && strcmp (text, "putuo-m3") == 0);
    msgpack_unpacked_destroy (&unpacked);
    hs_pack_destroy (&record);
    hs_pack_destroy (&pack);
    if (verbose)
        printf ("OK\n");
}
