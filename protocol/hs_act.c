/*  =========================================================================
    hs_act - what a person of the mechanism decides on a case: `act.<unit>`

    Keys: v, id, source, at, case, act, then what the act needs: reason
    (regrade, reject_closure, mute, reroute, insist: required), note,
    level (regrade), into (merge), report (split), until (mute),
    satisfied (followup), unit (insist), add, remove, lead (reroute), and
    fseq. Keys an act does not use are ignored.
    =========================================================================
*/

#include "hs_act.h"
#include "hs_fields.h"
#include <stdio.h>
#include <string.h>
#include <assert.h>

static const char *s_act_names [HS_CASE_ACT_COUNT] = {
    "close", "reject_closure", "followup", "regrade", "merge", "split", "mute", "unmute",
    "reroute", "insist"
};

const char *
hs_case_act_name (int act)
{
    return act >= 0 && act < HS_CASE_ACT_COUNT? s_act_names [act]: NULL;
}

int
hs_case_act_parse (const char *name)
{
    for (int index = 0; name && index < HS_CASE_ACT_COUNT; index++)
        if (strcmp (s_act_names [index], name) == 0)
            return index;
    return -1;
}

//  A token field (a case id, a unit code).
static int
s_token (const msgpack_object *map, const char *key, bool required, char *dest, size_t size,
         hs_why_t *why)
{
    int rc = hs_field_str (map, key, required, dest, size, why);
    if (rc == 0 && !hs_field_token (dest))
        return hs_why (why, "bad_value", "field '%s' is not a code", key);
    return rc < 0? -1: 0;
}

//  A list of unit codes into fixed slots.
static int
s_units (const msgpack_object *map, const char *key, char (*dest)[HS_CODE_MAX + 1],
         size_t *count, hs_why_t *why)
{
    const msgpack_object *list;
    *count = 0;
    if (hs_field_strings (map, key, true, HS_ACT_MAX_UNITS, &list, why))
        return -1;
    for (uint32_t index = 0; list && index < list->via.array.size; index++)
        if (hs_proto_strcpy (&list->via.array.ptr [index], dest [(*count)++], HS_CODE_MAX + 1))
            return hs_why (why, "bad_value", "field '%s' holds an overlong unit code", key);
    return 0;
}

int
hs_case_act_decode (const msgpack_object *map, const hs_limits_t *limits, int64_t now_ms,
                    hs_case_act_t *act, hs_why_t *why)
{
    memset (act, 0, sizeof (*act));
    act->level = -1;
    act->satisfied = -1;
    if (hs_field_common (map, limits, now_ms, act->id, act->source, &act->at, why)
    ||  s_token (map, "case", true, act->case_id, sizeof (act->case_id), why)
    ||  hs_field_enum (map, "act", true, hs_case_act_parse, &act->act, why)
    ||  hs_field_text (map, "reason", HS_NOTE_MAX, &act->reason, &act->reason_size, why)
    ||  hs_field_text (map, "note", HS_NOTE_MAX, &act->note, &act->note_size, why))
        return -1;
    bool needs_reason = act->act == HS_CASE_ACT_REGRADE || act->act == HS_CASE_ACT_REJECT_CLOSURE
                     || act->act == HS_CASE_ACT_MUTE || act->act == HS_CASE_ACT_REROUTE
                     || act->act == HS_CASE_ACT_INSIST;
    if (needs_reason && !act->reason_size)
        return hs_why (why, "missing_field", "'%s' needs a 'reason'", hs_case_act_name (act->act));
    int rc = 0;
    switch (act->act) {
        case HS_CASE_ACT_REGRADE:
            rc = hs_field_enum (map, "level", true, hs_level_parse, &act->level, why);
            break;
        case HS_CASE_ACT_MERGE:
            rc = s_token (map, "into", true, act->into, sizeof (act->into), why);
            break;
        case HS_CASE_ACT_SPLIT:
            rc = hs_field_int (map, "report", true, 1, INT64_MAX / 2, &act->report, why);
            break;
        case HS_CASE_ACT_MUTE:
            rc = hs_field_int (map, "until", true, limits->min_at, INT64_MAX / 2, &act->until, why);
            break;
        case HS_CASE_ACT_FOLLOWUP: {
            const msgpack_object *satisfied = hs_proto_get (map, "satisfied");
            if (!satisfied || satisfied->type == MSGPACK_OBJECT_NIL)
                rc = hs_why (why, "missing_field", "required field 'satisfied' is missing");
            else
            if (satisfied->type != MSGPACK_OBJECT_BOOLEAN)
                rc = hs_why (why, "bad_type", "field 'satisfied' must be true or false");
            else
                act->satisfied = satisfied->via.boolean? 1: 0;
            break;
        }
        case HS_CASE_ACT_INSIST:
            rc = s_token (map, "unit", true, act->unit, sizeof (act->unit), why);
            break;
        case HS_CASE_ACT_REROUTE:
            rc = s_units (map, "add", act->add, &act->add_count, why)
              || s_units (map, "remove", act->remove, &act->remove_count, why)
              || s_token (map, "lead", false, act->lead, sizeof (act->lead), why)? -1: 0;
            if (rc == 0 && !act->add_count && !act->remove_count && !*act->lead)
                rc = hs_why (why, "bad_value", "a reroute adds, removes or sets the lead");
            break;
        default:
            break;
    }
    if (rc)
        return -1;
    if (hs_field_int (map, "fseq", false, 1, INT64_MAX / 2, &act->fseq, why) < 0
    ||  hs_field_person (map, act->person, why))
        return -1;
    return 0;
}

static void
s_pack_units (hs_map_t *map, const char *key, char (*units)[HS_CODE_MAX + 1], size_t count)
{
    if (!count)
        return;
    hs_map_key (map, key);
    hs_pack_array (map->pack, count);
    for (size_t index = 0; index < count; index++)
        hs_pack_str (map->pack, units [index]);
}

int
hs_case_act_encode (const hs_case_act_t *act, hs_pack_t *pack)
{
    hs_map_t map;
    hs_map_begin (&map, pack);
    hs_map_int (&map, "v", HS_PROTO_VERSION);
    hs_map_str (&map, "id", act->id);
    hs_map_str (&map, "source", act->source);
    hs_map_int (&map, "at", act->at);
    hs_map_str (&map, "case", act->case_id);
    hs_map_str (&map, "act", hs_case_act_name (act->act));
    if (act->reason) {
        hs_map_key (&map, "reason");
        hs_pack_strn (pack, act->reason, act->reason_size);
    }
    if (act->note) {
        hs_map_key (&map, "note");
        hs_pack_strn (pack, act->note, act->note_size);
    }
    if (act->level >= 0)
        hs_map_str (&map, "level", hs_level_name (act->level));
    if (*act->into)
        hs_map_str (&map, "into", act->into);
    if (act->report > 0)
        hs_map_int (&map, "report", act->report);
    if (act->until > 0)
        hs_map_int (&map, "until", act->until);
    if (act->satisfied >= 0) {
        hs_map_key (&map, "satisfied");
        hs_pack_bool (pack, act->satisfied == 1);
    }
    if (*act->unit)
        hs_map_str (&map, "unit", act->unit);
    s_pack_units (&map, "add", (char (*)[HS_CODE_MAX + 1]) act->add, act->add_count);
    s_pack_units (&map, "remove", (char (*)[HS_CODE_MAX + 1]) act->remove, act->remove_count);
    if (*act->lead)
        hs_map_str (&map, "lead", act->lead);
    if (*act->person)
        hs_map_str (&map, "person", act->person);
    hs_map_end (&map);
    return 0;
}

//  Encode, unpack and decode `act`; returns decode's result.
static int
s_round_trip (const hs_case_act_t *act, hs_case_act_t *read, hs_why_t *why)
{
    hs_limits_t limits;
    hs_limits_default (&limits);
    hs_pack_t *pack = hs_pack_new ();
    hs_case_act_encode (act, pack);
    msgpack_unpacked unpacked;
    msgpack_unpacked_init (&unpacked);
    int rc = hs_proto_unpack_map (hs_pack_data (pack), hs_pack_size (pack), &limits, &unpacked, why);
    if (rc == 0)
        rc = hs_case_act_decode (&unpacked.data, &limits, act->at, read, why);
    msgpack_unpacked_destroy (&unpacked);
    hs_pack_destroy (&pack);
    return rc;
}

void
hs_act_test (bool verbose)
{
    if (verbose)
        printf (" * hs_act: ");
    hs_why_t why;
    hs_case_act_t act, read;
    memset (&act, 0, sizeof (act));
    act.level = -1;
    act.satisfied = -1;
    strcpy (act.id, "a1");
    strcpy (act.source, "office");
    strcpy (act.case_id, "putuo-7");
    act.at = 1780000000000LL;
    act.act = HS_CASE_ACT_REGRADE;
    act.level = HS_LEVEL_MAJOR;
    //  A regrade needs a reason.
    assert (s_round_trip (&act, &read, &why) == -1 && strcmp (why.code, "missing_field") == 0);
    act.reason = "同一纠纷，人数核实为40人";
    act.reason_size = strlen (act.reason);
    assert (s_round_trip (&act, &read, &why) == 0);
    assert (read.act == HS_CASE_ACT_REGRADE && read.level == HS_LEVEL_MAJOR);
    assert (read.reason_size == act.reason_size && strcmp (read.case_id, "putuo-7") == 0);
    //  A reroute: units added and removed, a lead.
    act.act = HS_CASE_ACT_REROUTE;
    act.level = -1;
    strcpy (act.add [0], "justice");
    act.add_count = 1;
    strcpy (act.lead, "hrss");
    assert (s_round_trip (&act, &read, &why) == 0);
    assert (read.add_count == 1 && strcmp (read.add [0], "justice") == 0);
    assert (strcmp (read.lead, "hrss") == 0 && read.remove_count == 0);
    //  A follow-up says yes or no; a split names a report.
    act.act = HS_CASE_ACT_FOLLOWUP;
    assert (s_round_trip (&act, &read, &why) == -1 && strcmp (why.code, "missing_field") == 0);
    act.satisfied = 0;
    assert (s_round_trip (&act, &read, &why) == 0 && read.satisfied == 0);
    act.act = HS_CASE_ACT_SPLIT;
    assert (s_round_trip (&act, &read, &why) == -1);
    act.report = 42;
    assert (s_round_trip (&act, &read, &why) == 0 && read.report == 42);
    assert (hs_case_act_parse ("merge") == HS_CASE_ACT_MERGE && hs_case_act_parse ("x") == -1);
    //  The person who acted: absent, a name, or refused bad_value when
    //  too long, not UTF-8 or holding a control character.
    assert (*read.person == 0);
    strcpy (act.person, "张伟");
    assert (s_round_trip (&act, &read, &why) == 0 && strcmp (read.person, "张伟") == 0);
    memset (act.person, 'x', HS_PERSON_MAX);
    act.person [HS_PERSON_MAX] = 0;
    assert (s_round_trip (&act, &read, &why) == 0 && strlen (read.person) == HS_PERSON_MAX);
    const char *bad [] = { "\xff\xfe", "张\n伟", "tab\there", NULL };
    for (size_t index = 0; bad [index]; index++) {
        strcpy (act.person, bad [index]);
        assert (s_round_trip (&act, &read, &why) == -1 && strcmp (why.code, "bad_value") == 0);
    }
    hs_pack_t *pack = hs_pack_new ();
    for (int variant = 0; variant < 3; variant++) {
        hs_map_t map;
        hs_map_begin (&map, pack);
        hs_map_int (&map, "v", HS_PROTO_VERSION);
        hs_map_str (&map, "id", "a2");
        hs_map_str (&map, "source", "office");
        hs_map_int (&map, "at", act.at);
        hs_map_str (&map, "case", "putuo-7");
        hs_map_str (&map, "act", "close");
        if (variant == 0)
            hs_map_int (&map, "person", 7);
        else
        if (variant == 1)
            hs_map_str (&map, "person", "");
        else {
            char long_name [HS_PERSON_MAX + 2];
            memset (long_name, 'y', HS_PERSON_MAX + 1);
            long_name [HS_PERSON_MAX + 1] = 0;
            hs_map_str (&map, "person", long_name);
        }
        hs_map_end (&map);
        hs_limits_t limits;
        hs_limits_default (&limits);
        msgpack_unpacked unpacked;
        msgpack_unpacked_init (&unpacked);
        assert (hs_proto_unpack_map (hs_pack_data (pack), hs_pack_size (pack), &limits,
                                     &unpacked, &why) == 0);
        assert (hs_case_act_decode (&unpacked.data, &limits, act.at, &read, &why) == -1);
        assert (strcmp (why.code, variant == 0? "bad_type": "bad_value") == 0);
        msgpack_unpacked_destroy (&unpacked);
        hs_pack_reset (pack);
    }
    hs_pack_destroy (&pack);
    if (verbose)
        printf ("OK\n");
}
