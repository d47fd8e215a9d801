/*  =========================================================================
    hs_meeting_rec - the meeting record: who was invited, who answered

    Stored compact since store format 7 (PROTOCOL §7): the layout byte 1,
    which begins no msgpack map, then every field in a fixed order with no
    names (hs_bin), every time but `requested` as its distance from it.
    Before format 7 the record was the map the api still shows
    (hs_meeting_rec_encode_map); such a record is still read.
    =========================================================================
*/

#include "hs_meeting_rec.h"
#include "hs_handler.h"
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <assert.h>

#define S_LAYOUT    1           //  compact: a positive fixint, never a map's first byte
#define S_REC_MAX   32768       //  the bounds of hs_meeting_rec_t allow under 24 KB
#define S_HELD      1
#define S_REMINDED  2

static void
s_copy (char *dest, size_t size, const char *src)
{
    hs_strcpy (dest, size, src? src: "");
}

void
hs_meeting_rec_init (hs_meeting_rec_t *meeting, const char *id, const char *kind, int level,
                 const char *case_id, const char *street, const char *const *invited,
                 const char *const *chairs, const char *urgency, int64_t requested,
                 int64_t deadline)
{
    memset (meeting, 0, sizeof (*meeting));
    s_copy (meeting->id, sizeof (meeting->id), id);
    s_copy (meeting->kind, sizeof (meeting->kind), kind);
    meeting->level = level;
    if (case_id)
        hs_meeting_rec_add_case (meeting, case_id);
    s_copy (meeting->street, sizeof (meeting->street), street);
    for (size_t index = 0; invited && invited [index] && index < HS_MEETING_MAX_INVITED; index++)
        s_copy (meeting->invited [meeting->invited_count++], HS_CODE_MAX + 1, invited [index]);
    for (size_t index = 0; chairs && chairs [index] && index < HS_MEETING_MAX_CHAIRS; index++)
        s_copy (meeting->chairs [meeting->chair_count++], HS_CODE_MAX + 1, chairs [index]);
    s_copy (meeting->urgency, sizeof (meeting->urgency), urgency);
    meeting->requested = requested;
    meeting->deadline = deadline;
}

void
hs_meeting_rec_invite (hs_meeting_rec_t *meeting, const char *unit)
{
    for (size_t index = 0; index < meeting->invited_count; index++)
        if (!strcmp (meeting->invited [index], unit))
            return;
    if (meeting->invited_count < HS_MEETING_MAX_INVITED)
        s_copy (meeting->invited [meeting->invited_count++], HS_CODE_MAX + 1, unit);
}

int
hs_meeting_rec_answer (hs_meeting_rec_t *meeting, const char *unit, bool attend)
{
    int found = -1;
    for (size_t index = 0; index < meeting->invited_count; index++)
        if (!strcmp (meeting->invited [index], unit)) {
            meeting->answers [index] = attend? 'a': 'd';
            found = 0;
        }
    for (size_t index = 0; index < meeting->chair_count; index++)
        if (!strcmp (meeting->chairs [index], unit)) {
            meeting->chair_answers [index] = attend? 'a': 'd';
            found = 0;
        }
    return found;
}

static bool
s_attends (const hs_meeting_rec_t *meeting, const char *unit)
{
    for (size_t index = 0; index < meeting->invited_count; index++)
        if (!strcmp (meeting->invited [index], unit) && meeting->answers [index] == 'a')
            return true;
    for (size_t index = 0; index < meeting->chair_count; index++)
        if (!strcmp (meeting->chairs [index], unit) && meeting->chair_answers [index] == 'a')
            return true;
    return false;
}

bool
hs_meeting_rec_quorum (const hs_meeting_rec_t *meeting, const char *lead, int percent)
{
    bool chair = false;
    for (size_t index = 0; index < meeting->chair_count; index++)
        chair |= meeting->chair_answers [index] == 'a';
    if (!chair || !s_attends (meeting, lead))
        return false;
    size_t attending = 0;
    for (size_t index = 0; index < meeting->invited_count; index++)
        attending += meeting->answers [index] == 'a';
    //  "at least half": attending / invited >= percent / 100, in integers.
    return attending * 100 >= meeting->invited_count * (size_t) percent;
}

void
hs_meeting_rec_unanswered (const hs_meeting_rec_t *meeting, const char **list)
{
    size_t out = 0;
    for (size_t index = 0; index < meeting->chair_count; index++)
        if (!meeting->chair_answers [index])
            list [out++] = meeting->chairs [index];
    for (size_t index = 0; index < meeting->invited_count; index++)
        if (!meeting->answers [index])
            list [out++] = meeting->invited [index];
    list [out] = NULL;
}

void
hs_meeting_rec_add_case (hs_meeting_rec_t *meeting, const char *case_id)
{
    for (size_t index = 0; index < meeting->case_count; index++)
        if (!strcmp (meeting->cases [index], case_id))
            return;
    if (meeting->case_count < HS_MEETING_MAX_CASES)
        s_copy (meeting->cases [meeting->case_count++], HS_ID_MAX + 1, case_id);
}

//  A list of codes with their answers, as a map code -> attend|decline|nil.
static void
s_pack_answers (hs_pack_t *pack, char (*units)[HS_CODE_MAX + 1], const char *answers, size_t count)
{
    hs_pack_map (pack, count);
    for (size_t index = 0; index < count; index++) {
        hs_pack_str (pack, units [index]);
        if (answers [index])
            hs_pack_str (pack, answers [index] == 'a'? "attend": "decline");
        else
            hs_pack_nil (pack);
    }
}

void
hs_meeting_rec_encode_map (const hs_meeting_rec_t *meeting, hs_pack_t *pack)
{
    hs_map_t map;
    hs_map_begin (&map, pack);
    hs_map_int (&map, "v", HS_PROTO_VERSION);
    hs_map_str (&map, "id", meeting->id);
    hs_map_str (&map, "kind", meeting->kind);
    hs_map_key (&map, "level");
    if (meeting->level >= 0)
        hs_pack_str (pack, hs_level_name (meeting->level));
    else
        hs_pack_nil (pack);
    hs_map_key (&map, "cases");
    hs_pack_array (pack, meeting->case_count);
    for (size_t index = 0; index < meeting->case_count; index++)
        hs_pack_str (pack, meeting->cases [index]);
    hs_map_str (&map, "street", meeting->street);
    hs_map_key (&map, "invited");
    s_pack_answers (pack, (char (*)[HS_CODE_MAX + 1]) meeting->invited, meeting->answers,
                    meeting->invited_count);
    hs_map_key (&map, "chairs");
    s_pack_answers (pack, (char (*)[HS_CODE_MAX + 1]) meeting->chairs, meeting->chair_answers,
                    meeting->chair_count);
    hs_map_str (&map, "urgency", meeting->urgency);
    hs_map_int (&map, "requested", meeting->requested);
    hs_map_int (&map, "deadline", meeting->deadline);
    hs_map_key (&map, "held");
    hs_pack_bool (pack, meeting->held);
    hs_map_key (&map, "reminded");
    hs_pack_bool (pack, meeting->reminded);
    hs_map_key (&map, "superseded_by");
    if (*meeting->superseded_by)
        hs_pack_str (pack, meeting->superseded_by);
    else
        hs_pack_nil (pack);
    hs_map_key (&map, "actions");
    hs_pack_array (pack, meeting->action_count);
    for (size_t index = 0; index < meeting->action_count; index++) {
        const hs_action_item_t *item = &meeting->actions [index];
        hs_map_t inner;
        hs_map_begin (&inner, pack);
        hs_map_str (&inner, "owner", item->owner);
        hs_map_str (&inner, "text", item->text);
        hs_map_key (&inner, "case");
        if (*item->case_id)
            hs_pack_str (pack, item->case_id);
        else
            hs_pack_nil (pack);
        hs_map_int (&inner, "start", item->start);
        hs_map_int (&inner, "due", item->due);
        hs_map_int (&inner, "next", item->next);
        hs_map_key (&inner, "rung");
        if (item->rung > HS_RUNG_NONE)
            hs_pack_str (pack, hs_rung_name (item->rung));
        else
            hs_pack_nil (pack);
        hs_map_int (&inner, "notices", item->notices);
        hs_map_int (&inner, "done", item->done);
        hs_map_end (&inner);
    }
    hs_map_int (&map, "timer_at", meeting->timer_at);
    hs_map_end (&map);
}

int
hs_action_item_id (const hs_meeting_rec_t *meeting, size_t index, char *id, size_t size)
{
    int length = snprintf (id, size, "%s-a%zu", meeting->id, index + 1);
    return length > 0 && (size_t) length < size? 0: -1;
}

int
hs_action_item_parse (const char *id, char *meeting_id, size_t size, size_t *index)
{
    const char *mark = strrchr (id, '-');
    if (!mark || mark [1] != 'a' || !isdigit ((unsigned char) mark [2]))
        return -1;
    char *end;
    unsigned long number = strtoul (mark + 2, &end, 10);
    size_t length = (size_t) (mark - id);
    if (*end || number < 1 || number > HS_MEETING_MAX_ACTIONS || length == 0 || length >= size)
        return -1;
    memcpy (meeting_id, id, length);
    meeting_id [length] = 0;
    *index = number - 1;
    return 0;
}

static size_t
s_unpack_answers (const msgpack_object *obj, char (*units)[HS_CODE_MAX + 1], char *answers, size_t max)
{
    size_t count = 0;
    if (!obj || obj->type != MSGPACK_OBJECT_MAP)
        return 0;
    for (uint32_t index = 0; index < obj->via.map.size && count < max; index++) {
        const msgpack_object_kv *kv = &obj->via.map.ptr [index];
        if (hs_proto_strcpy (&kv->key, units [count], HS_CODE_MAX + 1))
            continue;
        char answer [16] = "";
        hs_proto_strcpy (&kv->val, answer, sizeof (answer));
        answers [count] = !strcmp (answer, "attend")? 'a': !strcmp (answer, "decline")? 'd': 0;
        count++;
    }
    return count;
}

static bool
s_utf8 (const char *text)
{
    return hs_proto_utf8 ((const uint8_t *) text, strlen (text));
}

//  Every text of a record read from a map is UTF-8, as the daemon wrote
//  it (the compact form, which it is written as next, holds nothing else).
static bool
s_text_sound (const hs_meeting_rec_t *meeting)
{
    bool sound = s_utf8 (meeting->id) && s_utf8 (meeting->kind) && s_utf8 (meeting->street)
              && s_utf8 (meeting->urgency) && s_utf8 (meeting->superseded_by);
    for (size_t index = 0; sound && index < meeting->case_count; index++)
        sound = s_utf8 (meeting->cases [index]);
    for (size_t index = 0; sound && index < meeting->invited_count; index++)
        sound = s_utf8 (meeting->invited [index]);
    for (size_t index = 0; sound && index < meeting->chair_count; index++)
        sound = s_utf8 (meeting->chairs [index]);
    for (size_t index = 0; sound && index < meeting->action_count; index++) {
        const hs_action_item_t *item = &meeting->actions [index];
        sound = s_utf8 (item->owner) && s_utf8 (item->text) && s_utf8 (item->case_id);
    }
    return sound;
}

static int
s_decode_map (const void *data, size_t size, hs_meeting_rec_t *meeting)
{
    msgpack_unpacked unpacked;
    msgpack_unpacked_init (&unpacked);
    memset (meeting, 0, sizeof (*meeting));
    int rc = hs_proto_unpack_stored ((const uint8_t *) data, size, &unpacked);
    if (rc == 0) {
        const msgpack_object *map = &unpacked.data;
        hs_proto_strcpy (hs_proto_get (map, "id"), meeting->id, sizeof (meeting->id));
        hs_proto_strcpy (hs_proto_get (map, "kind"), meeting->kind, sizeof (meeting->kind));
        char level [16] = "";
        hs_proto_strcpy (hs_proto_get (map, "level"), level, sizeof (level));
        meeting->level = hs_level_parse (level);
        const msgpack_object *cases = hs_proto_get (map, "cases");
        if (cases && cases->type == MSGPACK_OBJECT_ARRAY)
            for (uint32_t index = 0; index < cases->via.array.size
                 && meeting->case_count < HS_MEETING_MAX_CASES; index++)
                if (hs_proto_strcpy (&cases->via.array.ptr [index],
                                     meeting->cases [meeting->case_count], HS_ID_MAX + 1) == 0)
                    meeting->case_count++;
        hs_proto_strcpy (hs_proto_get (map, "street"), meeting->street, sizeof (meeting->street));
        meeting->invited_count = s_unpack_answers (hs_proto_get (map, "invited"), meeting->invited,
                                                   meeting->answers, HS_MEETING_MAX_INVITED);
        meeting->chair_count = s_unpack_answers (hs_proto_get (map, "chairs"), meeting->chairs,
                                                 meeting->chair_answers, HS_MEETING_MAX_CHAIRS);
        hs_proto_strcpy (hs_proto_get (map, "urgency"), meeting->urgency, sizeof (meeting->urgency));
        meeting->requested = hs_proto_int (map, "requested", 0);
        meeting->deadline = hs_proto_int (map, "deadline", 0);
        meeting->held = hs_proto_bool (map, "held");
        meeting->reminded = hs_proto_bool (map, "reminded");
        if (hs_proto_strcpy (hs_proto_get (map, "superseded_by"), meeting->superseded_by,
                             sizeof (meeting->superseded_by)))
            *meeting->superseded_by = 0;
        const msgpack_object *actions = hs_proto_get (map, "actions");
        for (uint32_t index = 0; actions && actions->type == MSGPACK_OBJECT_ARRAY
                                 && index < actions->via.array.size
                                 && meeting->action_count < HS_MEETING_MAX_ACTIONS; index++) {
            const msgpack_object *entry = &actions->via.array.ptr [index];
            hs_action_item_t *item = &meeting->actions [meeting->action_count++];
            hs_proto_strcpy (hs_proto_get (entry, "owner"), item->owner, sizeof (item->owner));
            hs_proto_strcpy (hs_proto_get (entry, "text"), item->text, sizeof (item->text));
            if (hs_proto_strcpy (hs_proto_get (entry, "case"), item->case_id, sizeof (item->case_id)))
                *item->case_id = 0;
            item->start = hs_proto_int (entry, "start", 0);
            item->due = hs_proto_int (entry, "due", 0);
            item->next = hs_proto_int (entry, "next", 0);
            char rung [16] = "";
            hs_proto_strcpy (hs_proto_get (entry, "rung"), rung, sizeof (rung));
            item->rung = hs_rung_parse (rung) > 0? hs_rung_parse (rung): HS_RUNG_NONE;
            item->notices = (int) hs_proto_int (entry, "notices", 0);
            item->done = hs_proto_int (entry, "done", 0);
        }
        meeting->timer_at = hs_proto_int (map, "timer_at", 0);
        rc = *meeting->id && s_text_sound (meeting)? 0: -1;
    }
    msgpack_unpacked_destroy (&unpacked);
    return rc;
}

//  The compact record's lists of units, each with its answer: 0 none, 1
//  attend, 2 decline.
static void
s_put_answers (hs_bin_writer_t *writer, const char (*units)[HS_CODE_MAX + 1],
               const char *answers, size_t count)
{
    hs_bin_put_u (writer, count);
    for (size_t index = 0; index < count; index++) {
        hs_bin_put_str (writer, units [index]);
        hs_bin_put_u (writer, answers [index] == 'a'? 1: answers [index] == 'd'? 2: 0);
    }
}

static size_t
s_get_answers (hs_bin_reader_t *reader, char (*units)[HS_CODE_MAX + 1], char *answers,
               size_t max)
{
    uint64_t count = hs_bin_get_u (reader);
    if (count > max) {
        reader->bad = true;
        return 0;
    }
    for (size_t index = 0; index < count && !reader->bad; index++) {
        hs_bin_get_str (reader, units [index], HS_CODE_MAX + 1);
        uint64_t answer = hs_bin_get_u (reader);
        if (answer > 2)
            reader->bad = true;
        answers [index] = answer == 1? 'a': answer == 2? 'd': 0;
    }
    return reader->bad? 0: (size_t) count;
}

void
hs_meeting_rec_encode (const hs_meeting_rec_t *meeting, hs_pack_t *pack)
{
    uint8_t *bytes = (uint8_t *) malloc (S_REC_MAX);
    assert (bytes);
    hs_bin_writer_t writer;
    hs_bin_writer_init (&writer, bytes, S_REC_MAX);
    int64_t base = meeting->requested;
    hs_bin_put_u (&writer, S_LAYOUT);
    hs_bin_put_str (&writer, meeting->id);
    hs_bin_put_str (&writer, meeting->kind);
    hs_bin_put_i (&writer, meeting->level);
    hs_bin_put_u (&writer, meeting->case_count);
    for (size_t index = 0; index < meeting->case_count; index++)
        hs_bin_put_str (&writer, meeting->cases [index]);
    hs_bin_put_str (&writer, meeting->street);
    s_put_answers (&writer, meeting->invited, meeting->answers, meeting->invited_count);
    s_put_answers (&writer, meeting->chairs, meeting->chair_answers, meeting->chair_count);
    hs_bin_put_str (&writer, meeting->urgency);
    hs_bin_put_i (&writer, meeting->requested);
    hs_bin_put_time (&writer, base, meeting->deadline);
    hs_bin_put_u (&writer, (meeting->held? S_HELD: 0) | (meeting->reminded? S_REMINDED: 0));
    hs_bin_put_str (&writer, meeting->superseded_by);
    hs_bin_put_u (&writer, meeting->action_count);
    for (size_t index = 0; index < meeting->action_count; index++) {
        const hs_action_item_t *item = &meeting->actions [index];
        hs_bin_put_str (&writer, item->owner);
        hs_bin_put_str (&writer, item->text);
        hs_bin_put_str (&writer, item->case_id);
        hs_bin_put_time (&writer, base, item->start);
        hs_bin_put_time (&writer, base, item->due);
        hs_bin_put_time (&writer, base, item->next);
        hs_bin_put_u (&writer, (uint64_t) item->rung);
        hs_bin_put_i (&writer, item->notices);
        hs_bin_put_time (&writer, base, item->done);
    }
    hs_bin_put_time (&writer, base, meeting->timer_at);
    //  The bounds of hs_meeting_rec_t cannot reach S_REC_MAX.
    assert (!writer.overflow);
    hs_pack_raw (pack, bytes, writer.used);
    free (bytes);
}

int
hs_meeting_rec_decode (const void *data, size_t size, hs_meeting_rec_t *meeting)
{
    if (size == 0 || *(const uint8_t *) data != S_LAYOUT)
        return s_decode_map (data, size, meeting);
    memset (meeting, 0, sizeof (*meeting));
    hs_bin_reader_t reader;
    hs_bin_reader_init (&reader, data, size);
    hs_bin_get_u (&reader);
    hs_bin_get_str (&reader, meeting->id, sizeof (meeting->id));
    hs_bin_get_str (&reader, meeting->kind, sizeof (meeting->kind));
    int64_t level = hs_bin_get_i (&reader);
    uint64_t cases = hs_bin_get_u (&reader);
    if (cases > HS_MEETING_MAX_CASES)
        reader.bad = true;
    for (size_t index = 0; index < cases && !reader.bad; index++)
        hs_bin_get_str (&reader, meeting->cases [meeting->case_count++], HS_ID_MAX + 1);
    hs_bin_get_str (&reader, meeting->street, sizeof (meeting->street));
    meeting->invited_count = s_get_answers (&reader, meeting->invited, meeting->answers,
                                            HS_MEETING_MAX_INVITED);
    meeting->chair_count = s_get_answers (&reader, meeting->chairs, meeting->chair_answers,
                                          HS_MEETING_MAX_CHAIRS);
    hs_bin_get_str (&reader, meeting->urgency, sizeof (meeting->urgency));
    meeting->requested = hs_bin_get_i (&reader);
    int64_t base = meeting->requested;
    meeting->deadline = hs_bin_get_time (&reader, base);
    uint64_t bits = hs_bin_get_u (&reader);
    meeting->held = bits & S_HELD;
    meeting->reminded = bits & S_REMINDED;
    hs_bin_get_str (&reader, meeting->superseded_by, sizeof (meeting->superseded_by));
    uint64_t actions = hs_bin_get_u (&reader);
    if (actions > HS_MEETING_MAX_ACTIONS)
        reader.bad = true;
    for (size_t index = 0; index < actions && !reader.bad; index++) {
        hs_action_item_t *item = &meeting->actions [meeting->action_count++];
        hs_bin_get_str (&reader, item->owner, sizeof (item->owner));
        hs_bin_get_str (&reader, item->text, sizeof (item->text));
        hs_bin_get_str (&reader, item->case_id, sizeof (item->case_id));
        item->start = hs_bin_get_time (&reader, base);
        item->due = hs_bin_get_time (&reader, base);
        item->next = hs_bin_get_time (&reader, base);
        uint64_t rung = hs_bin_get_u (&reader);
        int64_t notices = hs_bin_get_i (&reader);
        if (rung >= HS_RUNG_COUNT || notices < INT32_MIN || notices > INT32_MAX)
            reader.bad = true;
        item->rung = (int) (rung % HS_RUNG_COUNT);
        item->notices = (int) notices;
        item->done = hs_bin_get_time (&reader, base);
    }
    meeting->timer_at = hs_bin_get_time (&reader, base);
    //  Whole, to the last byte, every count and number in range.
    if (reader.bad || reader.used != size || !*meeting->id || (bits >> 2)
    ||  level < -1 || level >= HS_LEVEL_COUNT)
        return -1;
    meeting->level = (int) level;
    return 0;
}

void
hs_meeting_rec_test (bool verbose)
{
    if (verbose)
        printf (" * hs_meeting_rec: ");
    const char *invited [] = { "hrss", "legal", "union", "street.caoyang", NULL };
    const char *chairs [] = { "convener", "vice_convener", NULL };
    hs_meeting_rec_t *meeting = (hs_meeting_rec_t *) calloc (1, sizeof (hs_meeting_rec_t));
    hs_meeting_rec_init (meeting, "putuo-m3", "special", HS_LEVEL_MAJOR, "putuo-1", "street.caoyang",
                     invited, chairs, "normal", 1000, 2000);
    assert (!hs_meeting_rec_quorum (meeting, "hrss", 50));
    assert (hs_meeting_rec_answer (meeting, "police", true) == -1);     //  not invited
    assert (hs_meeting_rec_answer (meeting, "hrss", true) == 0);
    assert (hs_meeting_rec_answer (meeting, "legal", true) == 0);
    assert (!hs_meeting_rec_quorum (meeting, "hrss", 50));                 //  no chair yet
    assert (hs_meeting_rec_answer (meeting, "vice_convener", true) == 0);
    assert (hs_meeting_rec_quorum (meeting, "hrss", 50));                  //  2 of 4 invited
    assert (hs_meeting_rec_answer (meeting, "legal", false) == 0);      //  changed its mind
    assert (!hs_meeting_rec_quorum (meeting, "hrss", 50));
    const char *list [HS_MEETING_MAX_INVITED + HS_MEETING_MAX_CHAIRS + 1];
    hs_meeting_rec_unanswered (meeting, list);
    assert (!strcmp (list [0], "convener") && !strcmp (list [1], "union")
         && !strcmp (list [2], "street.caoyang") && !list [3]);

    hs_pack_t *pack = hs_pack_new ();
    hs_meeting_rec_encode (meeting, pack);
    hs_meeting_rec_t *copy = (hs_meeting_rec_t *) calloc (1, sizeof (hs_meeting_rec_t));
    assert (hs_meeting_rec_decode (hs_pack_data (pack), hs_pack_size (pack), copy) == 0);
    assert (!strcmp (copy->id, "putuo-m3") && copy->level == HS_LEVEL_MAJOR);
    assert (copy->invited_count == 4 && copy->answers [0] == 'a' && copy->answers [1] == 'd');
    assert (copy->chair_count == 2 && copy->chair_answers [1] == 'a' && !copy->chair_answers [0]);
    assert (copy->case_count == 1 && copy->deadline == 2000);
    //  The compact record says every field exactly, an action item's too,
    //  and a cut or a byte more is refused.
    meeting->held = true;
    meeting->timer_at = 900;                    //  before it was requested
    strcpy (meeting->superseded_by, "putuo-m9");
    hs_action_item_t *item = &meeting->actions [meeting->action_count++];
    strcpy (item->owner, "hrss");
    strcpy (item->text, "核实欠薪数额");
    item->start = 1500;
    item->due = 90000;
    item->next = 90000;
    item->rung = HS_RUNG_SUPERVISE;
    item->notices = 2;
    meeting->level = -1;
    hs_pack_reset (pack);
    hs_meeting_rec_encode (meeting, pack);
    size_t compact = hs_pack_size (pack);
    memset (copy, 0xff, sizeof (*copy));
    assert (hs_meeting_rec_decode (hs_pack_data (pack), compact, copy) == 0);
    assert (memcmp (copy, meeting, sizeof (*meeting)) == 0);
    for (size_t cut = 0; cut < compact; cut++)
        assert (hs_meeting_rec_decode (hs_pack_data (pack), cut, copy) == -1);
    hs_pack_raw (pack, "", 1);
    assert (hs_meeting_rec_decode (hs_pack_data (pack), compact + 1, copy) == -1);
    //  The map (the api's; a store's before format 7) reads the same, and
    //  is larger.
    hs_pack_reset (pack);
    hs_meeting_rec_encode_map (meeting, pack);
    assert (hs_pack_size (pack) > compact + 100);
    assert (hs_meeting_rec_decode (hs_pack_data (pack), hs_pack_size (pack), copy) == 0);
    assert (memcmp (copy, meeting, sizeof (*meeting)) == 0);
    hs_pack_destroy (&pack);
    free (copy);
    free (meeting);
    if (verbose)
        printf ("OK\n");
}
