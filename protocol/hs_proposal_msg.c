/*  =========================================================================
    hs_proposal_msg - the messages of a major problem or policy proposal

    Every field is checked for presence, type and range before anything
    uses it (as protocol/hs_inbound does): a failure names the field.
    =========================================================================
*/

#include "hs_proposal_msg.h"
#include "hs_fields.h"
#include "hs_handler.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <assert.h>

//  A required text of 1..max bytes. Returns 0, or -1 with `why` set.
static int
s_required_text (const msgpack_object *map, const char *key, size_t max, const char **text,
                 size_t *size, hs_why_t *why)
{
    if (hs_field_text (map, key, max, text, size, why))
        return -1;
    if (!*text)
        return hs_why (why, "missing_field", "required field '%s' is missing", key);
    if (!*size)
        return hs_why (why, "bad_value", "field '%s' is empty", key);
    return 0;
}

int
hs_proposal_decode (const msgpack_object *map, const hs_limits_t *limits, int64_t now_ms,
                    hs_proposal_in_t *proposal, hs_why_t *why)
{
    memset (proposal, 0, sizeof (*proposal));
    if (hs_field_common (map, limits, now_ms, proposal->id, proposal->source, &proposal->at, why)
    ||  hs_field_str (map, "kind", false, proposal->kind, sizeof (proposal->kind), why) < 0
    ||  s_required_text (map, "title", HS_PROPOSAL_TITLE_MAX, &proposal->title,
                         &proposal->title_size, why)
    ||  s_required_text (map, "text", HS_PROPOSAL_TEXT_MAX, &proposal->text,
                         &proposal->text_size, why)
    ||  hs_field_strings (map, "cases", true, HS_PROPOSAL_MAX_CASES, &proposal->cases, why)
    ||  hs_field_int (map, "due", false, now_ms + 1, INT64_MAX / 4, &proposal->due, why) < 0)
        return -1;
    if (!*proposal->kind)
        strcpy (proposal->kind, "proposal");
    if (strcmp (proposal->kind, "problem") && strcmp (proposal->kind, "proposal"))
        return hs_why (why, "bad_value", "field 'kind' must be problem (重大问题) or proposal "
                       "(对策建议)");
    return 0;
}

int
hs_opinion_decode (const msgpack_object *map, const hs_limits_t *limits, int64_t now_ms,
                   hs_opinion_in_t *opinion, hs_why_t *why)
{
    memset (opinion, 0, sizeof (*opinion));
    char word [16];
    if (hs_field_common (map, limits, now_ms, opinion->id, opinion->source, &opinion->at, why)
    ||  hs_field_str (map, "proposal", true, opinion->proposal, sizeof (opinion->proposal), why)
    ||  hs_field_str (map, "opinion", true, word, sizeof (word), why)
    ||  hs_field_text (map, "note", HS_PROPOSAL_NOTE_MAX, &opinion->note, &opinion->note_size,
                       why))
        return -1;
    if (!hs_field_token (opinion->proposal))
        return hs_why (why, "bad_value", "field 'proposal' is not a proposal id");
    opinion->opinion = hs_opinion_parse (word);
    if (opinion->opinion < 0)
        return hs_why (why, "bad_value", "field 'opinion' must be agree (同意) or amend (修改)");
    if (opinion->opinion == HS_OPINION_AMEND && !opinion->note_size)
        return hs_why (why, "missing_field", "an amendment needs a 'note': what to change");
    return 0;
}

int
hs_proposal_decisions_check (const msgpack_object *map, const msgpack_object **list,
                             hs_why_t *why)
{
    *list = hs_proto_get (map, "proposals");
    if (!*list || (*list)->type == MSGPACK_OBJECT_NIL) {
        *list = NULL;
        return 0;
    }
    if ((*list)->type != MSGPACK_OBJECT_ARRAY)
        return hs_why (why, "bad_type", "field 'proposals' must be an array of maps "
                       "{id, passed}");
    if ((*list)->via.array.size > HS_PROPOSAL_MAX_DECIDED)
        return hs_why (why, "bad_value", "at most %d proposals decided", HS_PROPOSAL_MAX_DECIDED);
    for (uint32_t index = 0; index < (*list)->via.array.size; index++) {
        const msgpack_object *item = &(*list)->via.array.ptr [index];
        if (item->type != MSGPACK_OBJECT_MAP)
            return hs_why (why, "bad_type", "proposal decision %u must be a map", index + 1);
        char id [HS_ID_MAX + 1];
        if (hs_field_str (item, "id", true, id, sizeof (id), why))
            return -1;
        if (!hs_field_token (id))
            return hs_why (why, "bad_value", "proposal decision %u: 'id' is not a proposal id",
                           index + 1);
        const msgpack_object *passed = hs_proto_get (item, "passed");
        if (!passed || passed->type == MSGPACK_OBJECT_NIL)
            return hs_why (why, "missing_field", "proposal decision %u needs 'passed'",
                           index + 1);
        if (passed->type != MSGPACK_OBJECT_BOOLEAN)
            return hs_why (why, "bad_type", "proposal decision %u: 'passed' is true or false",
                           index + 1);
        for (uint32_t other = 0; other < index; other++) {
            char before [HS_ID_MAX + 1];
            bool ignored;
            hs_proposal_decision (*list, other, before, &ignored);
            if (strcmp (before, id) == 0)
                return hs_why (why, "bad_value", "proposal '%s' is decided twice in the "
                               "minutes", id);
        }
    }
    return 0;
}

void
hs_proposal_decision (const msgpack_object *list, uint32_t index, char *id, bool *passed)
{
    const msgpack_object *item = &list->via.array.ptr [index];
    *id = 0;
    hs_proto_strcpy (hs_proto_get (item, "id"), id, HS_ID_MAX + 1);
    *passed = hs_proto_bool (item, "passed");
}

//  The members' opinions, as published upward: [{unit, opinion, note,
//  at}], nil opinion for one that never answered.
static void
s_pack_opinions (const hs_proposal_rec_t *proposal, hs_pack_t *pack)
{
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
        if (*member->note)
            hs_map_str (&inner, "note", member->note);
        hs_map_int (&inner, "at", member->answered);
        hs_map_end (&inner);
    }
}

int
hs_proposal_out_encode (const hs_proposal_out_t *out, hs_pack_t *pack)
{
    const hs_proposal_rec_t *proposal = out->proposal;
    const char *kind = out->kind;
    bool full = strcmp (kind, "circulated") == 0 || strcmp (kind, "upward") == 0;
    bool decided = strcmp (kind, "upward") == 0 || strcmp (kind, "closed") == 0;
    bool about_member = strcmp (kind, "opinion") == 0 || strcmp (kind, "notice") == 0;
    const hs_proposal_member_t *member = about_member? &proposal->members [out->member]: NULL;
    hs_map_t map;
    hs_map_begin (&map, pack);
    hs_map_int (&map, "v", HS_PROTO_VERSION);
    hs_map_int (&map, "seq", (int64_t) out->seq);
    hs_map_str (&map, "proposal", proposal->id);
    hs_map_str (&map, "kind", proposal->kind);
    hs_map_str (&map, "title", proposal->title);
    if (member)
        hs_map_str (&map, "unit", member->unit);
    if (full) {
        hs_map_str (&map, "source", proposal->source);
        hs_map_str (&map, "text", proposal->text);
        hs_map_key (&map, "cases");
        hs_pack_array (pack, proposal->case_count);
        for (size_t index = 0; index < proposal->case_count; index++)
            hs_pack_str (pack, proposal->cases [index]);
        hs_map_int (&map, "issued", proposal->issued);
    }
    if (strcmp (kind, "circulated") == 0) {
        hs_map_key (&map, "members");
        hs_pack_array (pack, proposal->member_count);
        for (size_t index = 0; index < proposal->member_count; index++)
            hs_pack_str (pack, proposal->members [index].unit);
    }
    if (strcmp (kind, "opinion") == 0) {
        hs_map_str (&map, "opinion", hs_opinion_name (member->opinion));
        if (*member->note)
            hs_map_str (&map, "note", member->note);
        if (out->update)
            hs_map_str (&map, "update", out->update);
    }
    if (strcmp (kind, "notice") == 0) {
        hs_map_str (&map, "rung", hs_rung_name (member->rung));
        hs_map_int (&map, "count", member->notices);
        hs_map_int (&map, "late_ms", out->at - proposal->due);
    }
    hs_map_int (&map, "due", proposal->due);
    if (decided) {
        hs_map_key (&map, "passed");
        hs_pack_bool (pack, proposal->state == HS_PROPOSAL_PASSED);
        hs_map_str (&map, "meeting", proposal->meeting);
        hs_map_int (&map, "minutes", (int64_t) proposal->minutes);
        hs_map_key (&map, "opinions");
        s_pack_opinions (proposal, pack);
        size_t silent = 0;
        for (size_t index = 0; index < proposal->member_count; index++)
            silent += proposal->members [index].opinion == HS_OPINION_NONE;
        hs_map_key (&map, "unanswered");
        hs_pack_array (pack, silent);
        for (size_t index = 0; index < proposal->member_count; index++)
            if (proposal->members [index].opinion == HS_OPINION_NONE)
                hs_pack_str (pack, proposal->members [index].unit);
    }
    hs_map_key (&map, "to");
    hs_pack_strv (pack, out->to);
    if (out->reasons) {
        hs_map_key (&map, "reasons");
        hs_pack_strv (pack, out->reasons);
    }
    hs_map_int (&map, "at", out->at);
    hs_map_end (&map);
    return 0;
}

//  ---------------------------------------------------------------------
//  Self test

static void
s_test_opinion (hs_pack_t *pack, const char *variant)
{
    hs_map_t map;
    hs_map_begin (&map, pack);
    hs_map_int (&map, "v", 1);
    hs_map_str (&map, "id", "k-1");
    hs_map_str (&map, "source", "legal");
    hs_map_int (&map, "at", 1780000000000LL);
    hs_map_str (&map, "proposal", strcmp (variant, "badid")? "putuo-j7": "putuo j7");
    hs_map_str (&map, "opinion", strcmp (variant, "word") == 0? "maybe":
                                 strncmp (variant, "amend", 5) == 0? "amend": "agree");
    if (strcmp (variant, "amend") == 0)
        hs_map_str (&map, "note", "第三条宜明确追偿");
    hs_map_end (&map);
}

static void
s_test_minutes (hs_pack_t *pack, const char *variant)
{
    hs_map_t map;
    hs_map_begin (&map, pack);
    hs_map_key (&map, "proposals");
    if (strcmp (variant, "number") == 0)
        hs_pack_int (pack, 7);
    else {
        bool twice = strcmp (variant, "twice") == 0;
        hs_pack_array (pack, 2);
        for (int index = 0; index < 2; index++) {
            hs_map_t item;
            hs_map_begin (&item, pack);
            hs_map_str (&item, "id", index && !twice? "putuo-j9": "putuo-j7");
            if (strcmp (variant, "nopass") || index == 0) {
                hs_map_key (&item, "passed");
                if (strcmp (variant, "string") == 0)
                    hs_pack_str (pack, "yes");
                else
                    hs_pack_bool (pack, index == 0);
            }
            hs_map_end (&item);
        }
    }
    hs_map_end (&map);
}

void
hs_proposal_msg_test (bool verbose)
{
    if (verbose)
        printf (" * hs_proposal_msg: ");
    hs_limits_t limits;
    hs_limits_default (&limits);
    hs_why_t why;
    hs_pack_t *pack = hs_pack_new ();
    msgpack_unpacked unpacked;

    //  Opinions: agree, amend with a note; amend without one, a word that
    //  is neither, an id that is no token: refused.
    const char *opinions [][2] = {
        { "agree", NULL }, { "amend", NULL }, { "amend-bare", "missing_field" },
        { "word", "bad_value" }, { "badid", "bad_value" }
    };
    for (size_t index = 0; index < sizeof (opinions) / sizeof (opinions [0]); index++) {
        hs_pack_reset (pack);
        s_test_opinion (pack, opinions [index][0]);
        msgpack_unpacked_init (&unpacked);
        assert (hs_proto_unpack_map (hs_pack_data (pack), hs_pack_size (pack), &limits,
                                     &unpacked, &why) == 0);
        hs_opinion_in_t opinion;
        int rc = hs_opinion_decode (&unpacked.data, &limits, 1780000000000LL, &opinion, &why);
        if (opinions [index][1])
            assert (rc == -1 && !strcmp (why.code, opinions [index][1]));
        else
            assert (rc == 0 && !strcmp (opinion.proposal, "putuo-j7")
                 && opinion.opinion == (index? HS_OPINION_AMEND: HS_OPINION_AGREE)
                 && (index == 0 || opinion.note_size > 0));
        msgpack_unpacked_destroy (&unpacked);
    }
    //  The minutes' decisions: a list of {id, passed}; not a list, an id
    //  twice, no `passed`, a passed that is no boolean: refused.
    const char *minutes [][2] = {
        { "good", NULL }, { "number", "bad_type" }, { "twice", "bad_value" },
        { "nopass", "missing_field" }, { "string", "bad_type" }
    };
    for (size_t index = 0; index < sizeof (minutes) / sizeof (minutes [0]); index++) {
        hs_pack_reset (pack);
        s_test_minutes (pack, minutes [index][0]);
        msgpack_unpacked_init (&unpacked);
        assert (hs_proto_unpack_map (hs_pack_data (pack), hs_pack_size (pack), &limits,
                                     &unpacked, &why) == 0);
        const msgpack_object *list;
        int rc = hs_proposal_decisions_check (&unpacked.data, &list, &why);
        if (minutes [index][1])
            assert (rc == -1 && !strcmp (why.code, minutes [index][1]));
        else {
            char id [HS_ID_MAX + 1];
            bool passed;
            assert (rc == 0 && list && list->via.array.size == 2);
            hs_proposal_decision (list, 0, id, &passed);
            assert (!strcmp (id, "putuo-j7") && passed);
            hs_proposal_decision (list, 1, id, &passed);
            assert (!strcmp (id, "putuo-j9") && !passed);
        }
        msgpack_unpacked_destroy (&unpacked);
    }
    //  Upward: every member's opinion, and who never answered.
    hs_proposal_rec_t *proposal = (hs_proposal_rec_t *) calloc (1, sizeof (hs_proposal_rec_t));
    hs_proposal_rec_init (proposal, "putuo-j7", "office", "problem", "标题", 6, "正文", 6,
                          1000, 5000);
    hs_proposal_rec_add_member (proposal, "hrss");
    hs_proposal_rec_add_member (proposal, "legal");
    proposal->members [0].opinion = HS_OPINION_AGREE;
    proposal->state = HS_PROPOSAL_PASSED;
    strcpy (proposal->meeting, "putuo-m9");
    proposal->minutes = 11;
    const char *to [] = { "district", "city", NULL };
    hs_proposal_out_t out = { .seq = 12, .proposal = proposal, .kind = "upward", .to = to,
                              .at = 6000 };
    hs_pack_reset (pack);
    hs_proposal_out_encode (&out, pack);
    msgpack_unpacked_init (&unpacked);
    assert (hs_proto_unpack_stored (hs_pack_data (pack), hs_pack_size (pack), &unpacked) == 0);
    const msgpack_object *body = &unpacked.data;
    assert (hs_proto_bool (body, "passed") && hs_proto_int (body, "minutes", 0) == 11);
    const msgpack_object *silent = hs_proto_get (body, "unanswered");
    assert (silent && silent->type == MSGPACK_OBJECT_ARRAY && silent->via.array.size == 1);
    const msgpack_object *all = hs_proto_get (body, "opinions");
    assert (all && all->via.array.size == 2);
    msgpack_unpacked_destroy (&unpacked);
    free (proposal);
    hs_pack_destroy (&pack);
    if (verbose)
        printf ("OK\n");
}
