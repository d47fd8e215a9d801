/*  =========================================================================
    hs_filing_msg - the archive's wire: case.filed and the `filed` reply
    =========================================================================
*/

#include "hs_filing_msg.h"
#include <stdio.h>
#include <string.h>
#include <assert.h>

void
hs_filed_out_encode (const hs_filed_out_t *out, hs_pack_t *pack)
{
    hs_map_t map;
    hs_map_begin (&map, pack);
    hs_map_int (&map, "v", HS_PROTO_VERSION);
    hs_map_int (&map, "seq", (int64_t) out->seq);
    hs_map_str (&map, "case", out->case_id);
    hs_map_str (&map, "level", out->level);
    hs_map_str (&map, "street", out->street);
    hs_map_str (&map, "enterprise", out->enterprise);
    hs_map_int (&map, "closed", out->closed);
    hs_map_int (&map, "quiet_ms", out->quiet_ms);
    hs_map_int (&map, "reopened", out->reopened);
    hs_map_int (&map, "filed", out->at);
    hs_map_key (&map, "to");
    hs_pack_strv (pack, out->to);
    hs_map_int (&map, "at", out->at);
    hs_map_end (&map);
}

void
hs_filed_reply_encode (hs_pack_t *pack, const hs_filed_entry_t *entries, size_t size,
                       const char *next)
{
    hs_map_t map;
    hs_map_begin (&map, pack);
    hs_map_int (&map, "v", HS_PROTO_VERSION);
    hs_map_int (&map, "count", (int64_t) size);
    if (next && *next)
        hs_map_str (&map, "next", next);
    hs_map_key (&map, "cases");
    hs_pack_array (pack, size);
    for (size_t index = 0; index < size; index++) {
        hs_map_t entry;
        hs_map_begin (&entry, pack);
        hs_map_str (&entry, "case", entries [index].case_id);
        hs_map_int (&entry, "filed", entries [index].filed);
        hs_map_end (&entry);
    }
    hs_map_end (&map);
}

void
hs_filed_request_encode (hs_pack_t *pack, int64_t since, int64_t until, const char *after)
{
    hs_map_t map;
    hs_map_begin (&map, pack);
    hs_map_int (&map, "since", since);
    hs_map_int (&map, "until", until);
    hs_map_int (&map, "limit", 1000);
    if (after && *after)
        hs_map_str (&map, "after", after);
    hs_map_end (&map);
}

void
hs_meeting_request_encode (hs_pack_t *pack, const char *meeting_id)
{
    hs_map_t map;
    hs_map_begin (&map, pack);
    hs_map_str (&map, "id", meeting_id);
    hs_map_end (&map);
}

void
hs_meeting_reply_encode (hs_pack_t *pack, const void *record, size_t size)
{
    hs_map_t map;
    hs_map_begin (&map, pack);
    hs_map_int (&map, "v", HS_PROTO_VERSION);
    hs_map_key (&map, "meeting");
    hs_pack_raw (pack, (const uint8_t *) record, size);
    hs_map_end (&map);
}

void
hs_filing_msg_test (bool verbose)
{
    if (verbose)
        printf (" * hs_filing_msg: ");
    hs_pack_t *pack = hs_pack_new ();
    const char *to [] = { "office", NULL };
    hs_filed_out_t out = { 9, "putuo-1", "major", "street.caoyang", "某厂", 1000, 7000, 1, to,
                           8000 };
    hs_filed_out_encode (&out, pack);
    msgpack_unpacked unpacked;
    msgpack_unpacked_init (&unpacked);
    assert (hs_proto_unpack_stored (hs_pack_data (pack), hs_pack_size (pack), &unpacked) == 0);
    char text [HS_ID_MAX + 1];
    assert (hs_proto_strcpy (hs_proto_get (&unpacked.data, "case"), text, sizeof (text)) == 0
            && strcmp (text, "putuo-1") == 0);
    assert (hs_proto_int (&unpacked.data, "filed", 0) == 8000
            && hs_proto_int (&unpacked.data, "closed", 0) == 1000
            && hs_proto_int (&unpacked.data, "reopened", 0) == 1);
    msgpack_unpacked_destroy (&unpacked);

    hs_filed_entry_t entries [2] = { { "putuo-1", 8000 }, { "putuo-7", 9000 } };
    hs_pack_reset (pack);
    hs_filed_reply_encode (pack, entries, 2, "next-cursor");
    msgpack_unpacked_init (&unpacked);
    assert (hs_proto_unpack_stored (hs_pack_data (pack), hs_pack_size (pack), &unpacked) == 0);
    const msgpack_object *cases = hs_proto_get (&unpacked.data, "cases");
    assert (cases && cases->type == MSGPACK_OBJECT_ARRAY && cases->via.array.size == 2);
    assert (hs_proto_int (&cases->via.array.ptr [1], "filed", 0) == 9000);
    assert (hs_proto_strcpy (hs_proto_get (&unpacked.data, "next"), text, sizeof (text)) == 0
            && strcmp (text, "next-cursor") == 0);
    msgpack_unpacked_destroy (&unpacked);
    hs_pack_destroy (&pack);
    if (verbose)
        printf ("OK\n");
}
