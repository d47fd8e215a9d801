/*  =========================================================================
    hs_proposal_rec - the record of a major problem or policy proposal

    A map: v, id, source, kind, title, text, cases, members (maps: unit,
    opinion (nil until answered), note, answered, next, rung, notices),
    meetings, issued, due, state, meeting, minutes, decided, upward,
    timer_at. A record that lacks a key reads it as zero or empty.
    =========================================================================
*/

#include "hs_proposal_rec.h"
#include "hs_handler.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <assert.h>

static const char *s_opinions [] = { "none", "agree", "amend" };
static const char *s_states [] = { "open", "passed", "rejected" };

const char *
hs_opinion_name (int opinion)
{
    return opinion > HS_OPINION_NONE && opinion <= HS_OPINION_AMEND? s_opinions [opinion]: NULL;
}

int
hs_opinion_parse (const char *name)
{
    for (int index = HS_OPINION_AGREE; index <= HS_OPINION_AMEND; index++)
        if (name && strcmp (name, s_opinions [index]) == 0)
            return index;
    return -1;
}

const char *
hs_proposal_state_name (int state)
{
    return state >= HS_PROPOSAL_OPEN && state <= HS_PROPOSAL_REJECTED? s_states [state]: "open";
}

void
hs_proposal_rec_init (hs_proposal_rec_t *proposal, const char *id, const char *source,
                      const char *kind, const char *title, size_t title_size,
                      const char *text, size_t text_size, int64_t issued, int64_t due)
{
    memset (proposal, 0, sizeof (*proposal));
    hs_strcpy (proposal->id, sizeof (proposal->id), id);
    hs_strcpy (proposal->source, sizeof (proposal->source), source);
    hs_strcpy (proposal->kind, sizeof (proposal->kind), kind);
    snprintf (proposal->title, sizeof (proposal->title), "%.*s", (int) title_size, title);
    snprintf (proposal->text, sizeof (proposal->text), "%.*s", (int) text_size, text);
    proposal->issued = issued;
    proposal->due = due;
}

hs_proposal_member_t *
hs_proposal_rec_member (hs_proposal_rec_t *proposal, const char *unit)
{
    for (size_t index = 0; index < proposal->member_count; index++)
        if (strcmp (proposal->members [index].unit, unit) == 0)
            return &proposal->members [index];
    return NULL;
}

int
hs_proposal_rec_add_member (hs_proposal_rec_t *proposal, const char *unit)
{
    if (hs_proposal_rec_member (proposal, unit))
        return 0;
    if (proposal->member_count == HS_PROPOSAL_MAX_MEMBERS)
        return -1;
    hs_proposal_member_t *member = &proposal->members [proposal->member_count++];
    memset (member, 0, sizeof (*member));
    hs_strcpy (member->unit, sizeof (member->unit), unit);
    member->next = proposal->due;
    return 0;
}

int
hs_proposal_rec_add_case (hs_proposal_rec_t *proposal, const char *case_id)
{
    for (size_t index = 0; index < proposal->case_count; index++)
        if (strcmp (proposal->cases [index], case_id) == 0)
            return 0;
    if (proposal->case_count == HS_PROPOSAL_MAX_CASES)
        return -1;
    hs_strcpy (proposal->cases [proposal->case_count++], HS_ID_MAX + 1, case_id);
    return 0;
}

bool
hs_proposal_rec_on_agenda (const hs_proposal_rec_t *proposal, const char *meeting_id)
{
    for (size_t index = 0; index < proposal->meeting_count; index++)
        if (strcmp (proposal->meetings [index], meeting_id) == 0)
            return true;
    return false;
}

void
hs_proposal_rec_add_meeting (hs_proposal_rec_t *proposal, const char *meeting_id)
{
    if (hs_proposal_rec_on_agenda (proposal, meeting_id))
        return;
    if (proposal->meeting_count == HS_PROPOSAL_MAX_MEETINGS) {
        memmove (proposal->meetings [0], proposal->meetings [1],
                 (HS_PROPOSAL_MAX_MEETINGS - 1) * sizeof (proposal->meetings [0]));
        proposal->meeting_count--;
    }
    hs_strcpy (proposal->meetings [proposal->meeting_count++], HS_ID_MAX + 1, meeting_id);
}

void
hs_proposal_rec_encode (const hs_proposal_rec_t *proposal, hs_pack_t *pack)
{
    hs_map_t map;
    hs_map_begin (&map, pack);
    hs_map_int (&map, "v", HS_PROTO_VERSION);
    hs_map_str (&map, "id", proposal->id);
    hs_map_str (&map, "source", proposal->source);
    hs_map_str (&map, "kind", proposal->kind);
    hs_map_str (&map, "title", proposal->title);
    hs_map_str (&map, "text", proposal->text);
    hs_map_key (&map, "cases");
    hs_pack_array (pack, proposal->case_count);
    for (size_t index = 0; index < proposal->case_count; index++)
        hs_pack_str (pack, proposal->cases [index]);
    hs_map_key (&map, "members");
    hs_pack_array (pack, proposal->member_count);
    for (size_t index = 0; index < proposal->member_count; index++) {
        const hs_proposal_member_t *member = &proposal->members [index];
        hs_map_t inner;
        hs_map_begin (&inner, pack);
        hs_map_str (&inner, "unit", member->unit);
        hs_map_key (&inner, "opinion");
        if (hs_opinion_name (member->opinion))
            hs_pack_str (pack, hs_opinion_name (member->opinion));
        else
            hs_pack_nil (pack);
        hs_map_str (&inner, "note", member->note);
        hs_map_int (&inner, "answered", member->answered);
        hs_map_int (&inner, "next", member->next);
        hs_map_key (&inner, "rung");
        if (member->rung > HS_RUNG_NONE)
            hs_pack_str (pack, hs_rung_name (member->rung));
        else
            hs_pack_nil (pack);
        hs_map_int (&inner, "notices", member->notices);
        hs_map_end (&inner);
    }
    hs_map_key (&map, "meetings");
    hs_pack_array (pack, proposal->meeting_count);
    for (size_t index = 0; index < proposal->meeting_count; index++)
        hs_pack_str (pack, proposal->meetings [index]);
    hs_map_int (&map, "issued", proposal->issued);
    hs_map_int (&map, "due", proposal->due);
    hs_map_str (&map, "state", hs_proposal_state_name (proposal->state));
    hs_map_str (&map, "meeting", proposal->meeting);
    hs_map_int (&map, "minutes", (int64_t) proposal->minutes);
    hs_map_int (&map, "decided", proposal->decided);
    hs_map_int (&map, "upward", (int64_t) proposal->upward);
    hs_map_int (&map, "timer_at", proposal->timer_at);
    hs_map_end (&map);
}

//  The strings of array `list` into `rows` of `width` bytes, at most `max`.
static size_t
s_strings (const msgpack_object *list, char *rows, size_t width, size_t max)
{
    size_t count = 0;
    for (uint32_t index = 0; list && list->type == MSGPACK_OBJECT_ARRAY
                             && index < list->via.array.size && count < max; index++)
        if (hs_proto_strcpy (&list->via.array.ptr [index], rows + count * width, width) == 0)
            count++;
    return count;
}

int
hs_proposal_rec_decode (const void *data, size_t size, hs_proposal_rec_t *proposal)
{
    msgpack_unpacked unpacked;
    msgpack_unpacked_init (&unpacked);
    memset (proposal, 0, sizeof (*proposal));
    int rc = hs_proto_unpack_stored ((const uint8_t *) data, size, &unpacked);
    if (rc == 0) {
        const msgpack_object *map = &unpacked.data;
        hs_proto_strcpy (hs_proto_get (map, "id"), proposal->id, sizeof (proposal->id));
        hs_proto_strcpy (hs_proto_get (map, "source"), proposal->source, sizeof (proposal->source));
        hs_proto_strcpy (hs_proto_get (map, "kind"), proposal->kind, sizeof (proposal->kind));
        hs_proto_strcpy (hs_proto_get (map, "title"), proposal->title, sizeof (proposal->title));
        hs_proto_strcpy (hs_proto_get (map, "text"), proposal->text, sizeof (proposal->text));
        proposal->case_count = s_strings (hs_proto_get (map, "cases"), proposal->cases [0],
                                          HS_ID_MAX + 1, HS_PROPOSAL_MAX_CASES);
        proposal->meeting_count = s_strings (hs_proto_get (map, "meetings"),
                                             proposal->meetings [0], HS_ID_MAX + 1,
                                             HS_PROPOSAL_MAX_MEETINGS);
        const msgpack_object *members = hs_proto_get (map, "members");
        for (uint32_t index = 0; members && members->type == MSGPACK_OBJECT_ARRAY
                                 && index < members->via.array.size
                                 && proposal->member_count < HS_PROPOSAL_MAX_MEMBERS; index++) {
            const msgpack_object *entry = &members->via.array.ptr [index];
            hs_proposal_member_t *member = &proposal->members [proposal->member_count];
            if (hs_proto_strcpy (hs_proto_get (entry, "unit"), member->unit, sizeof (member->unit)))
                continue;
            char word [16] = "";
            hs_proto_strcpy (hs_proto_get (entry, "opinion"), word, sizeof (word));
            member->opinion = hs_opinion_parse (word) > 0? hs_opinion_parse (word): HS_OPINION_NONE;
            hs_proto_strcpy (hs_proto_get (entry, "note"), member->note, sizeof (member->note));
            member->answered = hs_proto_int (entry, "answered", 0);
            member->next = hs_proto_int (entry, "next", 0);
            *word = 0;
            hs_proto_strcpy (hs_proto_get (entry, "rung"), word, sizeof (word));
            member->rung = hs_rung_parse (word) > 0? hs_rung_parse (word): HS_RUNG_NONE;
            member->notices = (int) hs_proto_int (entry, "notices", 0);
            proposal->member_count++;
        }
        proposal->issued = hs_proto_int (map, "issued", 0);
        proposal->due = hs_proto_int (map, "due", 0);
        char state [16] = "";
        hs_proto_strcpy (hs_proto_get (map, "state"), state, sizeof (state));
        proposal->state = strcmp (state, "passed") == 0? HS_PROPOSAL_PASSED:
                          strcmp (state, "rejected") == 0? HS_PROPOSAL_REJECTED: HS_PROPOSAL_OPEN;
        hs_proto_strcpy (hs_proto_get (map, "meeting"), proposal->meeting,
                         sizeof (proposal->meeting));
        proposal->minutes = (uint64_t) hs_proto_int (map, "minutes", 0);
        proposal->decided = hs_proto_int (map, "decided", 0);
        proposal->upward = (uint64_t) hs_proto_int (map, "upward", 0);
        proposal->timer_at = hs_proto_int (map, "timer_at", 0);
        rc = *proposal->id? 0: -1;
    }
    msgpack_unpacked_destroy (&unpacked);
    return rc;
}

void
hs_proposal_rec_test (bool verbose)
{
    if (verbose)
        printf (" * hs_proposal_rec: ");
    hs_proposal_rec_t *proposal = (hs_proposal_rec_t *) calloc (1, sizeof (hs_proposal_rec_t));
    const char *title = "关于建立欠薪应急周转金的建议";
    const char *text = "建议区财政设立欠薪应急周转金，用于群体性欠薪事件的先行垫付";
    hs_proposal_rec_init (proposal, "putuo-j7", "office", "proposal", title, strlen (title),
                          text, strlen (text), 1000, 5000);
    assert (hs_proposal_rec_add_member (proposal, "hrss") == 0);
    assert (hs_proposal_rec_add_member (proposal, "legal") == 0);
    assert (hs_proposal_rec_add_member (proposal, "hrss") == 0);          //  once
    assert (proposal->member_count == 2 && proposal->members [1].next == 5000);
    assert (hs_proposal_rec_add_case (proposal, "putuo-3") == 0 && proposal->case_count == 1);
    hs_proposal_rec_add_meeting (proposal, "putuo-m9");
    hs_proposal_rec_add_meeting (proposal, "putuo-m9");
    assert (proposal->meeting_count == 1 && hs_proposal_rec_on_agenda (proposal, "putuo-m9"));
    assert (!hs_proposal_rec_on_agenda (proposal, "putuo-m8"));
    hs_proposal_member_t *member = hs_proposal_rec_member (proposal, "legal");
    assert (member && !hs_proposal_rec_member (proposal, "court"));
    member->opinion = HS_OPINION_AMEND;
    strcpy (member->note, "建议明确垫付后的追偿程序");
    member->answered = 2000;
    member->next = 0;
    proposal->members [0].rung = HS_RUNG_SUPERVISE;
    proposal->members [0].notices = 2;
    proposal->state = HS_PROPOSAL_PASSED;
    strcpy (proposal->meeting, "putuo-m9");
    proposal->minutes = 12;
    proposal->decided = 8000;
    proposal->upward = 13;
    proposal->timer_at = 9000;

    hs_pack_t *pack = hs_pack_new ();
    hs_proposal_rec_encode (proposal, pack);
    hs_proposal_rec_t *copy = (hs_proposal_rec_t *) calloc (1, sizeof (hs_proposal_rec_t));
    assert (hs_proposal_rec_decode (hs_pack_data (pack), hs_pack_size (pack), copy) == 0);
    assert (!strcmp (copy->id, "putuo-j7") && !strcmp (copy->source, "office"));
    assert (!strcmp (copy->kind, "proposal") && !strcmp (copy->title, title));
    assert (!strcmp (copy->text, text));
    assert (copy->case_count == 1 && !strcmp (copy->cases [0], "putuo-3"));
    assert (copy->meeting_count == 1 && !strcmp (copy->meetings [0], "putuo-m9"));
    assert (copy->member_count == 2 && copy->members [0].rung == HS_RUNG_SUPERVISE
         && copy->members [0].notices == 2 && copy->members [0].next == 5000
         && copy->members [0].opinion == HS_OPINION_NONE && !copy->members [0].answered);
    assert (copy->members [1].opinion == HS_OPINION_AMEND && copy->members [1].answered == 2000
         && !strcmp (copy->members [1].note, member->note) && !copy->members [1].next);
    assert (copy->issued == 1000 && copy->due == 5000 && copy->timer_at == 9000);
    assert (copy->state == HS_PROPOSAL_PASSED && !strcmp (copy->meeting, "putuo-m9"));
    assert (copy->minutes == 12 && copy->decided == 8000 && copy->upward == 13);
    assert (hs_opinion_parse ("agree") == HS_OPINION_AGREE && hs_opinion_parse ("no") == -1);
    assert (!hs_opinion_name (HS_OPINION_NONE));
    //  Not a record: refused.
    assert (hs_proposal_rec_decode ("\x90", 1, copy) == -1);
    //  Room for HS_PROPOSAL_MAX_MEMBERS; the meetings keep the newest.
    for (int index = 0; index < HS_PROPOSAL_MAX_MEMBERS + 2; index++) {
        char unit [32];
        snprintf (unit, sizeof (unit), "unit%d", index);
        hs_proposal_rec_add_member (proposal, unit);
        snprintf (unit, sizeof (unit), "putuo-m%d", 100 + index);
        hs_proposal_rec_add_meeting (proposal, unit);
    }
    assert (proposal->member_count == HS_PROPOSAL_MAX_MEMBERS);
    assert (hs_proposal_rec_add_member (proposal, "one_more") == -1);
    assert (proposal->meeting_count == HS_PROPOSAL_MAX_MEETINGS);
    assert (hs_proposal_rec_on_agenda (proposal, "putuo-m165")
         && !hs_proposal_rec_on_agenda (proposal, "putuo-m9"));
    hs_pack_destroy (&pack);
    free (copy);
    free (proposal);
    if (verbose)
        printf ("OK\n");
}
