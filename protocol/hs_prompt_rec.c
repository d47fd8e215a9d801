/*  =========================================================================
    hs_prompt_rec - the work prompt record

    A map: v, id, source, title, guidance, cases, streets (maps: unit,
    signed, next, rung, notices), issued, due, timer_at. A record that
    lacks a key reads it as zero or empty.
    =========================================================================
*/

#include "hs_prompt_rec.h"
#include "hs_handler.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <assert.h>

void
hs_prompt_rec_init (hs_prompt_rec_t *prompt, const char *id, const char *source,
                    const char *title, size_t title_size, const char *guidance,
                    size_t guidance_size, int64_t issued, int64_t due)
{
    memset (prompt, 0, sizeof (*prompt));
    hs_strcpy (prompt->id, sizeof (prompt->id), id);
    hs_strcpy (prompt->source, sizeof (prompt->source), source);
    snprintf (prompt->title, sizeof (prompt->title), "%.*s", (int) title_size, title);
    snprintf (prompt->guidance, sizeof (prompt->guidance), "%.*s", (int) guidance_size, guidance);
    prompt->issued = issued;
    prompt->due = due;
}

hs_prompt_street_t *
hs_prompt_rec_street (hs_prompt_rec_t *prompt, const char *unit)
{
    for (size_t index = 0; index < prompt->street_count; index++)
        if (strcmp (prompt->streets [index].unit, unit) == 0)
            return &prompt->streets [index];
    return NULL;
}

int
hs_prompt_rec_add_street (hs_prompt_rec_t *prompt, const char *unit)
{
    if (hs_prompt_rec_street (prompt, unit))
        return 0;
    if (prompt->street_count == HS_PROMPT_MAX_STREETS)
        return -1;
    hs_prompt_street_t *street = &prompt->streets [prompt->street_count++];
    memset (street, 0, sizeof (*street));
    hs_strcpy (street->unit, sizeof (street->unit), unit);
    street->next = prompt->due;
    return 0;
}

int
hs_prompt_rec_add_case (hs_prompt_rec_t *prompt, const char *case_id)
{
    for (size_t index = 0; index < prompt->case_count; index++)
        if (strcmp (prompt->cases [index], case_id) == 0)
            return 0;
    if (prompt->case_count == HS_PROMPT_MAX_CASES)
        return -1;
    hs_strcpy (prompt->cases [prompt->case_count++], HS_ID_MAX + 1, case_id);
    return 0;
}

void
hs_prompt_rec_encode (const hs_prompt_rec_t *prompt, hs_pack_t *pack)
{
    hs_map_t map;
    hs_map_begin (&map, pack);
    hs_map_int (&map, "v", HS_PROTO_VERSION);
    hs_map_str (&map, "id", prompt->id);
    hs_map_str (&map, "source", prompt->source);
    hs_map_str (&map, "title", prompt->title);
    hs_map_str (&map, "guidance", prompt->guidance);
    hs_map_key (&map, "cases");
    hs_pack_array (pack, prompt->case_count);
    for (size_t index = 0; index < prompt->case_count; index++)
        hs_pack_str (pack, prompt->cases [index]);
    hs_map_key (&map, "streets");
    hs_pack_array (pack, prompt->street_count);
    for (size_t index = 0; index < prompt->street_count; index++) {
        const hs_prompt_street_t *street = &prompt->streets [index];
        hs_map_t inner;
        hs_map_begin (&inner, pack);
        hs_map_str (&inner, "unit", street->unit);
        hs_map_int (&inner, "signed", street->signed_at);
        hs_map_int (&inner, "next", street->next);
        hs_map_key (&inner, "rung");
        if (street->rung > HS_RUNG_NONE)
            hs_pack_str (pack, hs_rung_name (street->rung));
        else
            hs_pack_nil (pack);
        hs_map_int (&inner, "notices", street->notices);
        hs_map_end (&inner);
    }
    hs_map_int (&map, "issued", prompt->issued);
    hs_map_int (&map, "due", prompt->due);
    hs_map_int (&map, "timer_at", prompt->timer_at);
    hs_map_end (&map);
}

int
hs_prompt_rec_decode (const void *data, size_t size, hs_prompt_rec_t *prompt)
{
    msgpack_unpacked unpacked;
    msgpack_unpacked_init (&unpacked);
    memset (prompt, 0, sizeof (*prompt));
    int rc = hs_proto_unpack_stored ((const uint8_t *) data, size, &unpacked);
    if (rc == 0) {
        const msgpack_object *map = &unpacked.data;
        hs_proto_strcpy (hs_proto_get (map, "id"), prompt->id, sizeof (prompt->id));
        hs_proto_strcpy (hs_proto_get (map, "source"), prompt->source, sizeof (prompt->source));
        hs_proto_strcpy (hs_proto_get (map, "title"), prompt->title, sizeof (prompt->title));
        hs_proto_strcpy (hs_proto_get (map, "guidance"), prompt->guidance,
                         sizeof (prompt->guidance));
        const msgpack_object *cases = hs_proto_get (map, "cases");
        for (uint32_t index = 0; cases && cases->type == MSGPACK_OBJECT_ARRAY
                                 && index < cases->via.array.size
                                 && prompt->case_count < HS_PROMPT_MAX_CASES; index++)
            if (hs_proto_strcpy (&cases->via.array.ptr [index], prompt->cases [prompt->case_count],
                                 HS_ID_MAX + 1) == 0)
                prompt->case_count++;
        const msgpack_object *streets = hs_proto_get (map, "streets");
        for (uint32_t index = 0; streets && streets->type == MSGPACK_OBJECT_ARRAY
                                 && index < streets->via.array.size
                                 && prompt->street_count < HS_PROMPT_MAX_STREETS; index++) {
            const msgpack_object *entry = &streets->via.array.ptr [index];
            hs_prompt_street_t *street = &prompt->streets [prompt->street_count];
            if (hs_proto_strcpy (hs_proto_get (entry, "unit"), street->unit, sizeof (street->unit)))
                continue;
            street->signed_at = hs_proto_int (entry, "signed", 0);
            street->next = hs_proto_int (entry, "next", 0);
            char rung [16] = "";
            hs_proto_strcpy (hs_proto_get (entry, "rung"), rung, sizeof (rung));
            street->rung = hs_rung_parse (rung) > 0? hs_rung_parse (rung): HS_RUNG_NONE;
            street->notices = (int) hs_proto_int (entry, "notices", 0);
            prompt->street_count++;
        }
        prompt->issued = hs_proto_int (map, "issued", 0);
        prompt->due = hs_proto_int (map, "due", 0);
        prompt->timer_at = hs_proto_int (map, "timer_at", 0);
        rc = *prompt->id? 0: -1;
    }
    msgpack_unpacked_destroy (&unpacked);
    return rc;
}

void
hs_prompt_rec_test (bool verbose)
{
    if (verbose)
        printf (" * hs_prompt_rec: ");
    hs_prompt_rec_t *prompt = (hs_prompt_rec_t *) calloc (1, sizeof (hs_prompt_rec_t));
    const char *title = "关于做好欠薪排查的工作提示";
    const char *guidance = "各街镇于24小时内完成辖区建筑工地欠薪排查";
    hs_prompt_rec_init (prompt, "putuo-p9", "office", title, strlen (title), guidance,
                        strlen (guidance), 1000, 5000);
    assert (hs_prompt_rec_add_street (prompt, "street.caoyang") == 0);
    assert (hs_prompt_rec_add_street (prompt, "street.wanli") == 0);
    assert (hs_prompt_rec_add_street (prompt, "street.caoyang") == 0);      //  once
    assert (prompt->street_count == 2 && prompt->streets [1].next == 5000);
    assert (hs_prompt_rec_add_case (prompt, "putuo-3") == 0 && prompt->case_count == 1);
    hs_prompt_street_t *street = hs_prompt_rec_street (prompt, "street.wanli");
    assert (street && !hs_prompt_rec_street (prompt, "street.taopu"));
    street->signed_at = 2000;
    street->next = 0;
    prompt->streets [0].rung = HS_RUNG_SUPERVISE;
    prompt->streets [0].notices = 2;
    prompt->timer_at = 9000;

    hs_pack_t *pack = hs_pack_new ();
    hs_prompt_rec_encode (prompt, pack);
    hs_prompt_rec_t *copy = (hs_prompt_rec_t *) calloc (1, sizeof (hs_prompt_rec_t));
    assert (hs_prompt_rec_decode (hs_pack_data (pack), hs_pack_size (pack), copy) == 0);
    assert (!strcmp (copy->id, "putuo-p9") && !strcmp (copy->source, "office"));
    assert (!strcmp (copy->title, title) && !strcmp (copy->guidance, guidance));
    assert (copy->case_count == 1 && !strcmp (copy->cases [0], "putuo-3"));
    assert (copy->street_count == 2 && copy->streets [0].rung == HS_RUNG_SUPERVISE
         && copy->streets [0].notices == 2 && copy->streets [0].next == 5000
         && !copy->streets [0].signed_at);
    assert (copy->streets [1].signed_at == 2000 && !copy->streets [1].next
         && copy->streets [1].rung == HS_RUNG_NONE);
    assert (copy->issued == 1000 && copy->due == 5000 && copy->timer_at == 9000);
    //  Not a record: refused.
    assert (hs_prompt_rec_decode ("\x90", 1, copy) == -1);
    //  Room for HS_PROMPT_MAX_STREETS streets.
    for (int index = 0; index < HS_PROMPT_MAX_STREETS + 2; index++) {
        char unit [32];
        snprintf (unit, sizeof (unit), "street.s%d", index);
        hs_prompt_rec_add_street (prompt, unit);
    }
    assert (prompt->street_count == HS_PROMPT_MAX_STREETS);
    assert (hs_prompt_rec_add_street (prompt, "street.one_more") == -1);
    hs_pack_destroy (&pack);
    free (copy);
    free (prompt);
    if (verbose)
        printf ("OK\n");
}
