/*  =========================================================================
    hs_inspection_rec - the inspection plan record

    A map: v, id, source, title, items, units (maps: unit, found, seq,
    findings), start, end, drafted, state, decider, decided, note,
    revises, revised_by, rectify (maps: id, unit, owner, text, set, due,
    done, next, rung, notices), timer_at. A record that lacks a key reads
    it as zero or empty.
    =========================================================================
*/

#include "hs_inspection_rec.h"
#include "hs_handler.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <assert.h>

#define S_EQ(one, two) (strcmp ((one), (two)) == 0)

static const char *s_states [HS_INSPECTION_STATES + 1] = {
    "drafted", "returned", "revised", "approved", "complete", NULL
};

const char *
hs_inspection_state_name (int state)
{
    return state >= 0 && state < HS_INSPECTION_STATES? s_states [state]: "?";
}

int
hs_inspection_state_parse (const char *name)
{
    for (int state = 0; state < HS_INSPECTION_STATES; state++)
        if (strcmp (s_states [state], name) == 0)
            return state;
    return -1;
}

void
hs_inspection_rec_init (hs_inspection_rec_t *plan, const char *id, const char *source,
                        const char *title, size_t title_size, int64_t start, int64_t end,
                        int64_t drafted)
{
    memset (plan, 0, sizeof (*plan));
    hs_strcpy (plan->id, sizeof (plan->id), id);
    hs_strcpy (plan->source, sizeof (plan->source), source);
    snprintf (plan->title, sizeof (plan->title), "%.*s", (int) title_size, title);
    plan->start = start;
    plan->end = end;
    plan->drafted = drafted;
    plan->state = HS_INSPECTION_DRAFTED;
}

hs_inspection_unit_t *
hs_inspection_rec_unit (hs_inspection_rec_t *plan, const char *unit)
{
    for (size_t index = 0; index < plan->unit_count; index++)
        if (strcmp (plan->units [index].unit, unit) == 0)
            return &plan->units [index];
    return NULL;
}

int
hs_inspection_rec_add_unit (hs_inspection_rec_t *plan, const char *unit)
{
    if (hs_inspection_rec_unit (plan, unit))
        return 0;
    if (plan->unit_count == HS_INSPECTION_MAX_UNITS)
        return -1;
    hs_inspection_unit_t *entry = &plan->units [plan->unit_count++];
    memset (entry, 0, sizeof (*entry));
    hs_strcpy (entry->unit, sizeof (entry->unit), unit);
    return 0;
}

int
hs_inspection_rec_add_item (hs_inspection_rec_t *plan, const char *text, size_t size)
{
    if (plan->item_count == HS_INSPECTION_MAX_ITEMS)
        return -1;
    snprintf (plan->items [plan->item_count++], HS_INSPECTION_ITEM_MAX + 1, "%.*s", (int) size,
              text);
    return 0;
}

hs_rectify_t *
hs_inspection_rec_add_rectify (hs_inspection_rec_t *plan, const char *unit, const char *owner,
                               const char *text, size_t size, int64_t set, int64_t due)
{
    if (plan->rectify_count == HS_INSPECTION_MAX_RECTIFY)
        return NULL;
    hs_rectify_t *item = &plan->rectify [plan->rectify_count++];
    memset (item, 0, sizeof (*item));
    char id [HS_ID_MAX + 8];
    snprintf (id, sizeof (id), "%.56s-r%zu", plan->id, plan->rectify_count);
    hs_strcpy (item->id, sizeof (item->id), id);
    hs_strcpy (item->unit, sizeof (item->unit), unit);
    hs_strcpy (item->owner, sizeof (item->owner), owner);
    snprintf (item->text, sizeof (item->text), "%.*s", (int) size, text);
    item->set = set;
    item->due = due;
    item->next = due;
    return item;
}

hs_rectify_t *
hs_inspection_rec_rectify (hs_inspection_rec_t *plan, const char *id)
{
    for (size_t index = 0; index < plan->rectify_count; index++)
        if (strcmp (plan->rectify [index].id, id) == 0)
            return &plan->rectify [index];
    return NULL;
}

int
hs_inspection_rec_plan_of (const char *rectify_id, char *plan_id, size_t size)
{
    const char *mark = strrchr (rectify_id, '-');
    if (!mark || mark == rectify_id || mark [1] != 'r' || !mark [2]
    ||  strspn (mark + 2, "0123456789") != strlen (mark + 2)
    ||  (size_t) (mark - rectify_id) >= size)
        return -1;
    memcpy (plan_id, rectify_id, (size_t) (mark - rectify_id));
    plan_id [mark - rectify_id] = 0;
    return 0;
}

bool
hs_inspection_rec_finished (const hs_inspection_rec_t *plan)
{
    for (size_t index = 0; index < plan->unit_count; index++)
        if (!plan->units [index].found_at)
            return false;
    for (size_t index = 0; index < plan->rectify_count; index++)
        if (!plan->rectify [index].done_at)
            return false;
    return true;
}

void
hs_inspection_rec_encode (const hs_inspection_rec_t *plan, hs_pack_t *pack)
{
    hs_map_t map;
    hs_map_begin (&map, pack);
    hs_map_int (&map, "v", HS_PROTO_VERSION);
    hs_map_str (&map, "id", plan->id);
    hs_map_str (&map, "source", plan->source);
    hs_map_str (&map, "title", plan->title);
    hs_map_key (&map, "items");
    hs_pack_array (pack, plan->item_count);
    for (size_t index = 0; index < plan->item_count; index++)
        hs_pack_str (pack, plan->items [index]);
    hs_map_key (&map, "units");
    hs_pack_array (pack, plan->unit_count);
    for (size_t index = 0; index < plan->unit_count; index++) {
        const hs_inspection_unit_t *unit = &plan->units [index];
        hs_map_t inner;
        hs_map_begin (&inner, pack);
        hs_map_str (&inner, "unit", unit->unit);
        hs_map_int (&inner, "found", unit->found_at);
        hs_map_int (&inner, "seq", (int64_t) unit->seq);
        hs_map_str (&inner, "findings", unit->findings);
        hs_map_end (&inner);
    }
    hs_map_int (&map, "start", plan->start);
    hs_map_int (&map, "end", plan->end);
    hs_map_int (&map, "drafted", plan->drafted);
    hs_map_str (&map, "state", hs_inspection_state_name (plan->state));
    hs_map_str (&map, "decider", plan->decider);
    hs_map_int (&map, "decided", plan->decided_at);
    hs_map_int (&map, "decide_next", plan->decide_next);
    hs_map_int (&map, "reminders", plan->reminders);
    hs_map_str (&map, "note", plan->note);
    hs_map_str (&map, "revises", plan->revises);
    hs_map_str (&map, "revised_by", plan->revised_by);
    hs_map_key (&map, "rectify");
    hs_pack_array (pack, plan->rectify_count);
    for (size_t index = 0; index < plan->rectify_count; index++) {
        const hs_rectify_t *item = &plan->rectify [index];
        hs_map_t inner;
        hs_map_begin (&inner, pack);
        hs_map_str (&inner, "id", item->id);
        hs_map_str (&inner, "unit", item->unit);
        hs_map_str (&inner, "owner", item->owner);
        hs_map_str (&inner, "text", item->text);
        hs_map_int (&inner, "set", item->set);
        hs_map_int (&inner, "due", item->due);
        hs_map_int (&inner, "done", item->done_at);
        hs_map_int (&inner, "next", item->next);
        hs_map_key (&inner, "rung");
        if (item->rung > HS_RUNG_NONE)
            hs_pack_str (pack, hs_rung_name (item->rung));
        else
            hs_pack_nil (pack);
        hs_map_int (&inner, "notices", item->notices);
        hs_map_end (&inner);
    }
    hs_map_int (&map, "timer_at", plan->timer_at);
    hs_map_end (&map);
}

//  The units entries of a stored record.
static void
s_decode_units (const msgpack_object *units, hs_inspection_rec_t *plan)
{
    for (uint32_t index = 0; units && units->type == MSGPACK_OBJECT_ARRAY
                             && index < units->via.array.size
                             && plan->unit_count < HS_INSPECTION_MAX_UNITS; index++) {
        const msgpack_object *entry = &units->via.array.ptr [index];
        hs_inspection_unit_t *unit = &plan->units [plan->unit_count];
        if (hs_proto_strcpy (hs_proto_get (entry, "unit"), unit->unit, sizeof (unit->unit)))
            continue;
        unit->found_at = hs_proto_int (entry, "found", 0);
        unit->seq = (uint64_t) hs_proto_int (entry, "seq", 0);
        hs_proto_strcpy (hs_proto_get (entry, "findings"), unit->findings, sizeof (unit->findings));
        plan->unit_count++;
    }
}

//  The rectifications of a stored record.
static void
s_decode_rectify (const msgpack_object *list, hs_inspection_rec_t *plan)
{
    for (uint32_t index = 0; list && list->type == MSGPACK_OBJECT_ARRAY
                             && index < list->via.array.size
                             && plan->rectify_count < HS_INSPECTION_MAX_RECTIFY; index++) {
        const msgpack_object *entry = &list->via.array.ptr [index];
        hs_rectify_t *item = &plan->rectify [plan->rectify_count];
        if (hs_proto_strcpy (hs_proto_get (entry, "id"), item->id, sizeof (item->id))
        ||  hs_proto_strcpy (hs_proto_get (entry, "owner"), item->owner, sizeof (item->owner)))
            continue;
        hs_proto_strcpy (hs_proto_get (entry, "unit"), item->unit, sizeof (item->unit));
        hs_proto_strcpy (hs_proto_get (entry, "text"), item->text, sizeof (item->text));
        item->set = hs_proto_int (entry, "set", 0);
        item->due = hs_proto_int (entry, "due", 0);
        item->done_at = hs_proto_int (entry, "done", 0);
        item->next = hs_proto_int (entry, "next", 0);
        char rung [16] = "";
        hs_proto_strcpy (hs_proto_get (entry, "rung"), rung, sizeof (rung));
        item->rung = hs_rung_parse (rung) > 0? hs_rung_parse (rung): HS_RUNG_NONE;
        item->notices = (int) hs_proto_int (entry, "notices", 0);
        plan->rectify_count++;
    }
}

int
hs_inspection_rec_decode (const void *data, size_t size, hs_inspection_rec_t *plan)
{
    msgpack_unpacked unpacked;
    msgpack_unpacked_init (&unpacked);
    memset (plan, 0, sizeof (*plan));
    int rc = hs_proto_unpack_stored ((const uint8_t *) data, size, &unpacked);
    if (rc == 0) {
        const msgpack_object *map = &unpacked.data;
        hs_proto_strcpy (hs_proto_get (map, "id"), plan->id, sizeof (plan->id));
        hs_proto_strcpy (hs_proto_get (map, "source"), plan->source, sizeof (plan->source));
        hs_proto_strcpy (hs_proto_get (map, "title"), plan->title, sizeof (plan->title));
        const msgpack_object *items = hs_proto_get (map, "items");
        for (uint32_t index = 0; items && items->type == MSGPACK_OBJECT_ARRAY
                                 && index < items->via.array.size
                                 && plan->item_count < HS_INSPECTION_MAX_ITEMS; index++)
            if (hs_proto_strcpy (&items->via.array.ptr [index], plan->items [plan->item_count],
                                 HS_INSPECTION_ITEM_MAX + 1) == 0)
                plan->item_count++;
        s_decode_units (hs_proto_get (map, "units"), plan);
        plan->start = hs_proto_int (map, "start", 0);
        plan->end = hs_proto_int (map, "end", 0);
        plan->drafted = hs_proto_int (map, "drafted", 0);
        char state [16] = "";
        hs_proto_strcpy (hs_proto_get (map, "state"), state, sizeof (state));
        plan->state = hs_inspection_state_parse (state);
        hs_proto_strcpy (hs_proto_get (map, "decider"), plan->decider, sizeof (plan->decider));
        plan->decided_at = hs_proto_int (map, "decided", 0);
        plan->decide_next = hs_proto_int (map, "decide_next", 0);
        plan->reminders = (int) hs_proto_int (map, "reminders", 0);
        hs_proto_strcpy (hs_proto_get (map, "note"), plan->note, sizeof (plan->note));
        hs_proto_strcpy (hs_proto_get (map, "revises"), plan->revises, sizeof (plan->revises));
        hs_proto_strcpy (hs_proto_get (map, "revised_by"), plan->revised_by,
                         sizeof (plan->revised_by));
        s_decode_rectify (hs_proto_get (map, "rectify"), plan);
        plan->timer_at = hs_proto_int (map, "timer_at", 0);
        rc = *plan->id && plan->state >= 0? 0: -1;
    }
    msgpack_unpacked_destroy (&unpacked);
    return rc;
}

void
hs_inspection_rec_test (bool verbose)
{
    if (verbose)
        printf (" * hs_inspection_rec: ");
    hs_inspection_rec_t *plan = (hs_inspection_rec_t *) calloc (1, sizeof (hs_inspection_rec_t));
    const char *title = "2026年第一季度根治欠薪督查";
    hs_inspection_rec_init (plan, "putuo-i7", "office", title, strlen (title), 1000, 9000, 500);
    assert (hs_inspection_rec_add_unit (plan, "street.caoyang") == 0);
    assert (hs_inspection_rec_add_unit (plan, "hrss") == 0);
    assert (hs_inspection_rec_add_unit (plan, "hrss") == 0);                //  once
    assert (plan->unit_count == 2 && !hs_inspection_rec_unit (plan, "street.wanli"));
    const char *item = "工资支付保证金制度落实情况";
    assert (hs_inspection_rec_add_item (plan, item, strlen (item)) == 0);
    hs_inspection_unit_t *unit = hs_inspection_rec_unit (plan, "hrss");
    unit->found_at = 3000;
    unit->seq = 42;
    strcpy (unit->findings, "台账不全");
    hs_rectify_t *fix = hs_inspection_rec_add_rectify (plan, "hrss", "hrss", "补齐台账", 12,
                                                       3000, 6000);
    assert (fix && S_EQ (fix->id, "putuo-i7-r1") && fix->next == 6000);
    fix->rung = HS_RUNG_SUPERVISE;
    fix->notices = 2;
    plan->state = HS_INSPECTION_APPROVED;
    strcpy (plan->decider, "convener");
    strcpy (plan->revises, "putuo-i3");
    plan->timer_at = 6000;
    plan->decide_next = 7000;
    plan->reminders = 3;
    assert (!hs_inspection_rec_finished (plan));

    hs_pack_t *pack = hs_pack_new ();
    hs_inspection_rec_encode (plan, pack);
    hs_inspection_rec_t *copy = (hs_inspection_rec_t *) calloc (1, sizeof (hs_inspection_rec_t));
    assert (hs_inspection_rec_decode (hs_pack_data (pack), hs_pack_size (pack), copy) == 0);
    assert (S_EQ (copy->id, "putuo-i7") && S_EQ (copy->title, title));
    assert (copy->item_count == 1 && S_EQ (copy->items [0], item));
    assert (copy->unit_count == 2 && copy->units [1].found_at == 3000 && copy->units [1].seq == 42
         && S_EQ (copy->units [1].findings, "台账不全") && !copy->units [0].found_at);
    assert (copy->start == 1000 && copy->end == 9000 && copy->drafted == 500);
    assert (copy->state == HS_INSPECTION_APPROVED && S_EQ (copy->decider, "convener"));
    assert (S_EQ (copy->revises, "putuo-i3") && !*copy->revised_by && copy->timer_at == 6000);
    assert (copy->decide_next == 7000 && copy->reminders == 3);
    assert (copy->rectify_count == 1 && copy->rectify [0].rung == HS_RUNG_SUPERVISE
         && copy->rectify [0].notices == 2 && copy->rectify [0].due == 6000
         && S_EQ (copy->rectify [0].owner, "hrss") && S_EQ (copy->rectify [0].text, "补齐台账"));
    hs_rectify_t *found = hs_inspection_rec_rectify (copy, "putuo-i7-r1");
    assert (found && !hs_inspection_rec_rectify (copy, "putuo-i7-r2"));
    found->done_at = 5000;
    copy->units [0].found_at = 4000;
    assert (hs_inspection_rec_finished (copy));
    //  A rectification id names its plan.
    char plan_id [HS_ID_MAX + 1];
    assert (hs_inspection_rec_plan_of ("putuo-i7-r12", plan_id, sizeof (plan_id)) == 0
         && S_EQ (plan_id, "putuo-i7"));
    assert (hs_inspection_rec_plan_of ("putuo-i7", plan_id, sizeof (plan_id)) == -1);
    assert (hs_inspection_rec_plan_of ("putuo-i7-rx", plan_id, sizeof (plan_id)) == -1);
    assert (hs_inspection_rec_plan_of ("-r1", plan_id, sizeof (plan_id)) == -1);
    //  The states by name; not a record: refused.
    assert (hs_inspection_state_parse ("returned") == HS_INSPECTION_RETURNED);
    assert (hs_inspection_state_parse ("nope") == -1);
    assert (hs_inspection_rec_decode ("\x90", 1, copy) == -1);
    //  Room for HS_INSPECTION_MAX_RECTIFY rectifications.
    while (plan->rectify_count < HS_INSPECTION_MAX_RECTIFY)
        assert (hs_inspection_rec_add_rectify (plan, "hrss", "hrss", "x", 1, 1, 2));
    assert (!hs_inspection_rec_add_rectify (plan, "hrss", "hrss", "x", 1, 1, 2));
    hs_pack_destroy (&pack);
    free (copy);
    free (plan);
    if (verbose)
        printf ("OK\n");
}
