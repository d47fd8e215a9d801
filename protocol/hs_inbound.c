/*  =========================================================================
    hs_inbound - what feeders send: decoding and validating each body

    Every field is checked for presence, type and range before anything
    uses it; text must be valid UTF-8 without NUL bytes, codes and ids
    printable ASCII (they travel in topics), credit codes must pass the
    GB 32100-2015 check. A failure names the field and returns -1.
    =========================================================================
*/

#include "hs_inbound.h"
#include "hs_fields.h"
#include "hs_meeting_rec.h"
#include "hs_prompt_rec.h"
#include "hs_proposal_msg.h"
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <assert.h>

int
hs_report_decode (const msgpack_object *map, const hs_limits_t *limits,
                  int64_t now_ms, hs_report_t *report, hs_why_t *why)
{
    memset (report, 0, sizeof (*report));
    report->ownership = -1;
    report->amount = -1;
    if (hs_field_common (map, limits, now_ms, report->id, report->source, &report->at, why))
        return -1;
    if (hs_field_str (map, "street", false, report->street, sizeof (report->street), why) < 0)
        return -1;
    if (*report->street && !hs_field_token (report->street))
        return hs_why (why, "bad_value", "field 'street' is not a unit code");

    const msgpack_object *enterprise = hs_proto_get (map, "enterprise");
    if (!enterprise || enterprise->type == MSGPACK_OBJECT_NIL)
        return hs_why (why, "missing_field", "required field 'enterprise' is missing");
    if (enterprise->type != MSGPACK_OBJECT_MAP)
        return hs_why (why, "bad_type", "field 'enterprise' must be a map");
    if (hs_field_str (enterprise, "name", true, report->enterprise, sizeof (report->enterprise), why))
        return -1;
    const msgpack_object *code = hs_proto_get (enterprise, "credit_code");
    if (code && code->type != MSGPACK_OBJECT_NIL) {
        if (code->type != MSGPACK_OBJECT_STR)
            return hs_why (why, "bad_type", "field 'enterprise.credit_code' must be a string");
        if (code->via.str.size != HS_CREDIT_CODE_LEN
        ||  hs_proto_strcpy (code, report->credit_code, sizeof (report->credit_code)))
            return hs_why (why, "bad_credit_code",
                           "credit code must be %d characters", HS_CREDIT_CODE_LEN);
        if (!hs_credit_code_valid (report->credit_code))
            return hs_why (why, "bad_credit_code",
                           "credit code '%s' fails the GB 32100-2015 check", report->credit_code);
    }
    if (hs_field_enum (enterprise, "ownership", false, hs_ownership_parse, &report->ownership, why) < 0)
        return -1;
    if (hs_field_str (enterprise, "sector", false, report->sector, sizeof (report->sector), why) < 0)
        return -1;

    if (hs_field_enum (map, "category", true, hs_category_parse, &report->category, why))
        return -1;
    if (hs_field_int (map, "workers", true, 1, limits->max_workers, &report->workers, why))
        return -1;
    if (hs_field_int (map, "amount", false, 0, limits->max_amount, &report->amount, why) < 0)
        return -1;

    if (hs_field_flags (map, "flags", &report->flags, why))
        return -1;
    if (hs_field_text (map, "summary", HS_SUMMARY_MAX, &report->summary, &report->summary_size, why))
        return -1;
    if (hs_field_int (map, "fseq", false, 1, INT64_MAX / 2, &report->fseq, why) < 0)
        return -1;
    return 0;
}

static int
s_get_meeting_id (const msgpack_object *map, char *meeting_id, hs_why_t *why)
{
    if (hs_field_str (map, "meeting", true, meeting_id, HS_ID_MAX + 1, why))
        return -1;
    if (!hs_field_token (meeting_id))
        return hs_why (why, "bad_value", "field 'meeting' is not a meeting id");
    return 0;
}

int
hs_rsvp_decode (const msgpack_object *map, const hs_limits_t *limits,
                int64_t now_ms, hs_rsvp_t *rsvp, hs_why_t *why)
{
    memset (rsvp, 0, sizeof (*rsvp));
    if (hs_field_common (map, limits, now_ms, rsvp->id, rsvp->source, &rsvp->at, why)
    ||  s_get_meeting_id (map, rsvp->meeting_id, why))
        return -1;
    char answer [16];
    if (hs_field_str (map, "answer", true, answer, sizeof (answer), why))
        return -1;
    if (strcmp (answer, "attend") && strcmp (answer, "decline"))
        return hs_why (why, "bad_value", "field 'answer' must be attend or decline");
    rsvp->attend = strcmp (answer, "attend") == 0;
    return hs_field_text (map, "note", HS_NOTE_MAX, &rsvp->note, &rsvp->note_size, why);
}

//  The minutes' action items: at most HS_MEETING_MAX_ACTIONS maps, each
//  with an owner (a unit code), a text, a due time and maybe a case.
static int
s_check_actions (const msgpack_object *map, const msgpack_object **actions, hs_why_t *why)
{
    *actions = hs_proto_get (map, "actions");
    if (!*actions || (*actions)->type == MSGPACK_OBJECT_NIL) {
        *actions = NULL;
        return 0;
    }
    if ((*actions)->type != MSGPACK_OBJECT_ARRAY)
        return hs_why (why, "bad_type", "field 'actions' must be an array of maps");
    if ((*actions)->via.array.size > HS_MEETING_MAX_ACTIONS)
        return hs_why (why, "bad_value", "at most %d action items", HS_MEETING_MAX_ACTIONS);
    for (uint32_t index = 0; index < (*actions)->via.array.size; index++) {
        const msgpack_object *item = &(*actions)->via.array.ptr [index];
        if (item->type != MSGPACK_OBJECT_MAP)
            return hs_why (why, "bad_type", "action item %u must be a map", index + 1);
        char owner [HS_CODE_MAX + 1], case_id [HS_ID_MAX + 1] = "";
        const char *text;
        size_t text_size;
        int64_t due;
        int rc = hs_field_str (item, "case", false, case_id, sizeof (case_id), why);
        if (hs_field_str (item, "owner", true, owner, sizeof (owner), why)
        ||  hs_field_text (item, "text", HS_ACTION_TEXT_MAX, &text, &text_size, why)
        ||  hs_field_int (item, "due", true, 1, INT64_MAX / 4, &due, why) < 0 || rc < 0)
            return -1;
        if (!hs_field_token (owner) || (*case_id && !hs_field_token (case_id)))
            return hs_why (why, "bad_value", "action item %u: 'owner' and 'case' are codes",
                           index + 1);
        if (!text)
            return hs_why (why, "missing_field", "action item %u needs a 'text'", index + 1);
        if (!text_size)
            return hs_why (why, "bad_value", "action item %u: its 'text' is empty", index + 1);
    }
    return 0;
}

void
hs_call_agenda_encode (const char *const *items, hs_pack_t *pack)
{
    hs_pack_strv (pack, items);
}

int
hs_call_decode (const msgpack_object *map, const hs_limits_t *limits, int64_t now_ms,
                hs_call_t *call, hs_why_t *why)
{
    memset (call, 0, sizeof (*call));
    if (hs_field_common (map, limits, now_ms, call->id, call->source, &call->at, why)
    ||  hs_field_str (map, "kind", true, call->kind, sizeof (call->kind), why)
    ||  hs_field_int (map, "time", true, 1, INT64_MAX / 4, &call->time, why) < 0
    ||  hs_field_text (map, "place", HS_CALL_PLACE_MAX, &call->place, &call->place_size, why)
    ||  hs_field_strings (map, "agenda", false, HS_CALL_AGENDA_MAX, &call->agenda, why)
    ||  hs_field_strings (map, "cases", true, HS_CALL_AGENDA_MAX, &call->cases, why)
    ||  hs_field_strings (map, "proposals", true, HS_PROPOSAL_MAX_DECIDED, &call->proposals, why))
        return -1;
    if (strcmp (call->kind, "plenary") && strcmp (call->kind, "office"))
        return hs_why (why, "bad_value", "field 'kind' must be plenary or office");
    if (!call->place || !call->place_size)
        return hs_why (why, "missing_field", "a meeting called needs a 'place'");
    if (!call->agenda || call->agenda->via.array.size == 0)
        return hs_why (why, "missing_field", "a meeting called needs an 'agenda' (议题)");
    for (uint32_t index = 0; index < call->agenda->via.array.size; index++)
        if (call->agenda->via.array.ptr [index].via.str.size == 0
        ||  call->agenda->via.array.ptr [index].via.str.size > HS_ACTION_TEXT_MAX)
            return hs_why (why, "bad_value", "agenda item %u is empty or longer than %d bytes",
                           index + 1, HS_ACTION_TEXT_MAX);
    return 0;
}

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
hs_prompt_decode (const msgpack_object *map, const hs_limits_t *limits, int64_t now_ms,
                  hs_prompt_in_t *prompt, hs_why_t *why)
{
    memset (prompt, 0, sizeof (*prompt));
    if (hs_field_common (map, limits, now_ms, prompt->id, prompt->source, &prompt->at, why)
    ||  s_required_text (map, "title", HS_PROMPT_TITLE_MAX, &prompt->title,
                         &prompt->title_size, why)
    ||  s_required_text (map, "guidance", HS_PROMPT_GUIDANCE_MAX, &prompt->guidance,
                         &prompt->guidance_size, why))
        return -1;
    //  The streets: a list of them, or the word "streets" for all.
    const msgpack_object *streets = hs_proto_get (map, "streets");
    if (!streets || streets->type == MSGPACK_OBJECT_NIL)
        return hs_why (why, "missing_field", "required field 'streets' is missing");
    if (streets->type == MSGPACK_OBJECT_STR) {
        if (streets->via.str.size != 7 || memcmp (streets->via.str.ptr, "streets", 7))
            return hs_why (why, "bad_value", "field 'streets' is a list of street codes, or "
                           "\"streets\" for all of them");
    }
    else
    if (hs_field_strings (map, "streets", true, HS_PROMPT_MAX_STREETS, &prompt->streets, why))
        return -1;
    else
    if (prompt->streets->via.array.size == 0)
        return hs_why (why, "bad_value", "field 'streets' names no street");
    if (hs_field_strings (map, "cases", true, HS_PROMPT_MAX_CASES, &prompt->cases, why)
    ||  hs_field_int (map, "due", false, now_ms + 1, INT64_MAX / 4, &prompt->due, why) < 0)
        return -1;
    return 0;
}

//  A unit answers for one thing named by its id under `key` (an action
//  item done, a work prompt signed), with maybe a note.
static int
s_answer_decode (const msgpack_object *map, const hs_limits_t *limits, int64_t now_ms,
                 const char *key, const char *what, hs_answer_t *answer, hs_why_t *why)
{
    memset (answer, 0, sizeof (*answer));
    if (hs_field_common (map, limits, now_ms, answer->id, answer->source, &answer->at, why)
    ||  hs_field_str (map, key, true, answer->item, sizeof (answer->item), why))
        return -1;
    if (!hs_field_token (answer->item))
        return hs_why (why, "bad_value", "field '%s' is not %s id", key, what);
    return hs_field_text (map, "note", HS_NOTE_MAX, &answer->note, &answer->note_size, why);
}

int
hs_prompt_sign_decode (const msgpack_object *map, const hs_limits_t *limits, int64_t now_ms,
                       hs_prompt_sign_t *sign, hs_why_t *why)
{
    return s_answer_decode (map, limits, now_ms, "prompt", "a work prompt", sign, why);
}

int
hs_action_done_decode (const msgpack_object *map, const hs_limits_t *limits,
                       int64_t now_ms, hs_action_done_t *done, hs_why_t *why)
{
    return s_answer_decode (map, limits, now_ms, "item", "an action item", done, why);
}

int
hs_minutes_decode (const msgpack_object *map, const hs_limits_t *limits,
                   int64_t now_ms, hs_minutes_t *minutes, hs_why_t *why)
{
    memset (minutes, 0, sizeof (*minutes));
    if (hs_field_common (map, limits, now_ms, minutes->id, minutes->source, &minutes->at, why)
    ||  s_get_meeting_id (map, minutes->meeting_id, why)
    ||  hs_field_strings (map, "decisions", false, HS_MINUTES_MAX_ITEMS, &minutes->decisions, why)
    ||  hs_field_strings (map, "followup", true, HS_MINUTES_MAX_ITEMS, &minutes->followup, why)
    ||  hs_field_strings (map, "cases", true, HS_MINUTES_MAX_ITEMS, &minutes->cases, why)
    ||  s_check_actions (map, &minutes->actions, why)
    ||  hs_proposal_decisions_check (map, &minutes->proposals, why))
        return -1;
    return hs_field_text (map, "note", HS_NOTE_MAX, &minutes->note, &minutes->note_size, why);
}

int
hs_update_decode (const msgpack_object *map, const hs_limits_t *limits,
                  int64_t now_ms, hs_update_t *update, hs_why_t *why)
{
    memset (update, 0, sizeof (*update));
    if (hs_field_common (map, limits, now_ms, update->id, update->source, &update->at, why))
        return -1;
    if (hs_field_str (map, "case", true, update->case_id, sizeof (update->case_id), why))
        return -1;
    if (!hs_field_token (update->case_id))
        return hs_why (why, "bad_value", "field 'case' is not a case id");
    if (hs_field_enum (map, "status", true, hs_status_parse, &update->status, why))
        return -1;
    if (hs_field_text (map, "note", HS_NOTE_MAX, &update->note, &update->note_size, why))
        return -1;
    update->amount = -1;
    if (hs_field_int (map, "workers", false, 1, limits->max_workers, &update->workers, why) < 0
    ||  hs_field_int (map, "amount", false, 0, limits->max_amount, &update->amount, why) < 0
    ||  hs_field_flags (map, "flags", &update->flags, why))
        return -1;
    if (update->status == HS_STATUS_RETURNED && !update->note_size)
        return hs_why (why, "missing_field", "a return (退单) needs a 'note': the reason");
    if (hs_field_int (map, "fseq", false, 1, INT64_MAX / 2, &update->fseq, why) < 0
    ||  hs_field_person (map, update->person, why))
        return -1;
    return 0;
}

int
hs_brief_in_decode (const msgpack_object *map, const hs_limits_t *limits,
                    int64_t now_ms, hs_brief_in_t *brief, hs_why_t *why)
{
    memset (brief, 0, sizeof (*brief));
    if (hs_field_common (map, limits, now_ms, brief->id, brief->source, &brief->at, why))
        return -1;
    if (hs_field_int (map, "fseq", false, 1, INT64_MAX / 2, &brief->fseq, why) < 0)
        return -1;
    brief->brief = hs_proto_get (map, "brief");
    if (!brief->brief)
        return hs_why (why, "missing_field", "required field 'brief' is missing");
    if (brief->brief->type != MSGPACK_OBJECT_MAP)
        return hs_why (why, "bad_type", "field 'brief' must be a map");
    return 0;
}

int
hs_heartbeat_decode (const msgpack_object *map, const hs_limits_t *limits,
                     int64_t now_ms, hs_heartbeat_t *heartbeat, hs_why_t *why)
{
    memset (heartbeat, 0, sizeof (*heartbeat));
    int64_t version;
    if (hs_field_int (map, "v", true, 0, INT32_MAX, &version, why))
        return -1;
    if (version != HS_PROTO_VERSION)
        return hs_why (why, "bad_version", "protocol version %lld is not %d",
                       (long long) version, HS_PROTO_VERSION);
    if (hs_field_str (map, "source", true, heartbeat->source, sizeof (heartbeat->source), why))
        return -1;
    if (!hs_field_token (heartbeat->source))
        return hs_why (why, "bad_value", "field 'source' is not a unit code");
    if (hs_field_int (map, "at", true, limits->min_at, now_ms + limits->max_future_ms, &heartbeat->at, why))
        return -1;
    if (hs_field_int (map, "fseq", false, 1, INT64_MAX / 2, &heartbeat->fseq, why) < 0)
        return -1;
    return 0;
}

//  GB 32100-2015: 18 characters from a 31-symbol alphabet (digits and
//  capitals without I, O, Z, S, V); the 18th is a check character computed
//  from the first 17 with weights 3^(i) mod 31.
bool
hs_credit_code_valid (const char *code)
{
    static const char alphabet [] = "0123456789ABCDEFGHJKLMNPQRTUWXY";
    if (!code || strlen (code) != HS_CREDIT_CODE_LEN)
        return false;
    int values [HS_CREDIT_CODE_LEN];
    for (int index = 0; index < HS_CREDIT_CODE_LEN; index++) {
        const char *found = code [index]? strchr (alphabet, code [index]): NULL;
        if (!found)
            return false;
        values [index] = (int) (found - alphabet);
    }
    //  Positions 3-8 are the administrative division code: digits only.
    for (int index = 2; index < 8; index++)
        if (values [index] > 9)
            return false;
    int sum = 0;
    int weight = 1;
    for (int index = 0; index < HS_CREDIT_CODE_LEN - 1; index++) {
        sum += values [index] * weight;
        weight = (weight * 3) % 31;
    }
    int check = (31 - sum % 31) % 31;
    return values [HS_CREDIT_CODE_LEN - 1] == check;
}


//  ---------------------------------------------------------------------
//  Encoding (feeders, tests, the bench)

int
hs_report_encode (const hs_report_t *report, hs_pack_t *pack)
{
    hs_map_t map;
    hs_map_begin (&map, pack);
    hs_map_int (&map, "v", HS_PROTO_VERSION);
    hs_map_str (&map, "id", report->id);
    hs_map_str (&map, "source", report->source);
    hs_map_int (&map, "at", report->at);
    if (*report->street)
        hs_map_str (&map, "street", report->street);
    hs_map_key (&map, "enterprise");
    hs_map_t enterprise;
    hs_map_begin (&enterprise, pack);
    hs_map_str (&enterprise, "name", report->enterprise);
    if (*report->credit_code)
        hs_map_str (&enterprise, "credit_code", report->credit_code);
    if (report->ownership >= 0)
        hs_map_str (&enterprise, "ownership", hs_ownership_name (report->ownership));
    if (*report->sector)
        hs_map_str (&enterprise, "sector", report->sector);
    hs_map_end (&enterprise);
    hs_map_str (&map, "category", hs_category_name (report->category));
    hs_map_int (&map, "workers", report->workers);
    if (report->amount >= 0)
        hs_map_int (&map, "amount", report->amount);
    if (report->flags) {
        hs_map_key (&map, "flags");
        hs_pack_flags (pack, report->flags);
    }
    if (report->summary) {
        hs_map_key (&map, "summary");
        hs_pack_strn (pack, report->summary, report->summary_size);
    }
    hs_map_end (&map);
    return 0;
}

int
hs_update_encode (const hs_update_t *update, hs_pack_t *pack)
{
    hs_map_t map;
    hs_map_begin (&map, pack);
    hs_map_int (&map, "v", HS_PROTO_VERSION);
    hs_map_str (&map, "id", update->id);
    hs_map_str (&map, "source", update->source);
    hs_map_int (&map, "at", update->at);
    hs_map_str (&map, "case", update->case_id);
    hs_map_str (&map, "status", hs_status_name (update->status));
    if (update->note) {
        hs_map_key (&map, "note");
        hs_pack_strn (pack, update->note, update->note_size);
    }
    if (update->workers > 0)
        hs_map_int (&map, "workers", update->workers);
    if (update->amount > 0)
        hs_map_int (&map, "amount", update->amount);
    if (update->flags) {
        hs_map_key (&map, "flags");
        hs_pack_flags (pack, update->flags);
    }
    if (*update->person)
        hs_map_str (&map, "person", update->person);
    hs_map_end (&map);
    return 0;
}


void
hs_inbound_test (bool verbose)
{
    if (verbose)
        printf (" * hs_inbound: ");
    hs_why_t why;
    hs_limits_t limits;
    hs_limits_default (&limits);

    //  Credit codes: a known-good example from the standard's annex, and
    //  the same code with its check character changed.
    assert (hs_credit_code_valid ("91350100M000100Y43"));
    assert (!hs_credit_code_valid ("91350100M000100Y44"));
    assert (!hs_credit_code_valid ("91350100M000100Y4"));
    assert (!hs_credit_code_valid ("9135O100M000100Y43"));
    assert (!hs_credit_code_valid (NULL));

    //  A report encodes, passes the guard, and decodes to the same fields.
    hs_report_t report;
    memset (&report, 0, sizeof (report));
    strcpy (report.id, "r-1");
    strcpy (report.source, "street.caoyang");
    report.at = 1780000000000LL;
    strcpy (report.enterprise, "上海某某制衣有限公司");
    strcpy (report.credit_code, "91350100M000100Y43");
    report.ownership = HS_OWNERSHIP_PRIVATE;
    report.category = HS_CATEGORY_WAGE_ARREARS;
    report.workers = 42;
    report.amount = 600000;
    report.flags = (1u << HS_FLAG_GATHERING) | (1u << HS_FLAG_MEDIA);
    report.summary = "拖欠工资";
    report.summary_size = strlen (report.summary);
    hs_pack_t *pack = hs_pack_new ();
    hs_report_encode (&report, pack);
    msgpack_unpacked unpacked;
    msgpack_unpacked_init (&unpacked);
    int rc = hs_proto_unpack_map (hs_pack_data (pack), hs_pack_size (pack), &limits, &unpacked, &why);
    assert (rc == 0);
    hs_report_t decoded;
    rc = hs_report_decode (&unpacked.data, &limits, report.at, &decoded, &why);
    assert (rc == 0);
    assert (!strcmp (decoded.enterprise, report.enterprise));
    assert (decoded.workers == 42 && decoded.amount == 600000);
    assert (decoded.flags == report.flags);
    assert (decoded.ownership == HS_OWNERSHIP_PRIVATE);
    assert (decoded.summary_size == report.summary_size);
    assert (*decoded.street == 0);
    msgpack_unpacked_destroy (&unpacked);

    //  Field-level rejections.
    report.workers = 0;
    hs_pack_reset (pack);
    hs_report_encode (&report, pack);
    msgpack_unpacked_init (&unpacked);
    assert (hs_proto_unpack_map (hs_pack_data (pack), hs_pack_size (pack), &limits, &unpacked, &why) == 0);
    assert (hs_report_decode (&unpacked.data, &limits, report.at, &decoded, &why) == -1);
    assert (!strcmp (why.code, "bad_value"));
    msgpack_unpacked_destroy (&unpacked);

    report.workers = 5;
    strcpy (report.credit_code, "91350100M000100Y44");
    hs_pack_reset (pack);
    hs_report_encode (&report, pack);
    msgpack_unpacked_init (&unpacked);
    assert (hs_proto_unpack_map (hs_pack_data (pack), hs_pack_size (pack), &limits, &unpacked, &why) == 0);
    assert (hs_report_decode (&unpacked.data, &limits, report.at, &decoded, &why) == -1);
    assert (!strcmp (why.code, "bad_credit_code"));
    msgpack_unpacked_destroy (&unpacked);

    //  `at` far in the future is absurd.
    strcpy (report.credit_code, "");
    hs_pack_reset (pack);
    hs_report_encode (&report, pack);
    msgpack_unpacked_init (&unpacked);
    assert (hs_proto_unpack_map (hs_pack_data (pack), hs_pack_size (pack), &limits, &unpacked, &why) == 0);
    assert (hs_report_decode (&unpacked.data, &limits, report.at - 2 * limits.max_future_ms, &decoded, &why) == -1);
    msgpack_unpacked_destroy (&unpacked);

    //  Updates round-trip.
    hs_update_t update;
    memset (&update, 0, sizeof (update));
    strcpy (update.id, "u-1");
    strcpy (update.source, "hrss");
    update.at = report.at;
    strcpy (update.case_id, "putuo-1");
    update.status = HS_STATUS_MEDIATING;
    strcpy (update.person, "张伟");
    hs_pack_reset (pack);
    hs_update_encode (&update, pack);
    msgpack_unpacked_init (&unpacked);
    assert (hs_proto_unpack_map (hs_pack_data (pack), hs_pack_size (pack), &limits, &unpacked, &why) == 0);
    hs_update_t update_decoded;
    assert (hs_update_decode (&unpacked.data, &limits, report.at, &update_decoded, &why) == 0);
    assert (update_decoded.status == HS_STATUS_MEDIATING);
    assert (!strcmp (update_decoded.case_id, "putuo-1") && !strcmp (update_decoded.person, "张伟"));
    msgpack_unpacked_destroy (&unpacked);

    //  A work prompt: its streets a list, or the word "streets"; a due
    //  time before now, no title, a street list of something else refused.
    const char *variants [][2] = {
        { "list", NULL }, { "all", NULL }, { "past", "bad_value" }, { "untitled", "missing_field" },
        { "number", "bad_type" }, { "word", "bad_value" }, { "empty", "bad_value" }
    };
    for (size_t index = 0; index < sizeof (variants) / sizeof (variants [0]); index++) {
        const char *variant = variants [index][0];
        hs_pack_reset (pack);
        hs_map_t map;
        hs_map_begin (&map, pack);
        hs_map_int (&map, "v", 1);
        hs_map_str (&map, "id", "p-1");
        hs_map_str (&map, "source", "office");
        hs_map_int (&map, "at", report.at);
        if (strcmp (variant, "untitled"))
            hs_map_str (&map, "title", "欠薪排查");
        hs_map_str (&map, "guidance", "各街镇排查辖区工地");
        hs_map_key (&map, "streets");
        if (!strcmp (variant, "list")) {
            const char *streets [] = { "caoyang", "street.wanli", NULL };
            hs_pack_strv (pack, streets);
            const char *cases [] = { "putuo-1", NULL };
            hs_map_key (&map, "cases");
            hs_pack_strv (pack, cases);
        }
        else
        if (!strcmp (variant, "number"))
            hs_pack_int (pack, 3);
        else
        if (!strcmp (variant, "word"))
            hs_pack_str (pack, "all");
        else
        if (!strcmp (variant, "empty"))
            hs_pack_array (pack, 0);
        else
            hs_pack_str (pack, "streets");
        hs_map_int (&map, "due", !strcmp (variant, "past")? report.at: report.at + 3600000);
        hs_map_end (&map);
        msgpack_unpacked_init (&unpacked);
        assert (hs_proto_unpack_map (hs_pack_data (pack), hs_pack_size (pack), &limits, &unpacked,
                                     &why) == 0);
        hs_prompt_in_t prompt;
        rc = hs_prompt_decode (&unpacked.data, &limits, report.at, &prompt, &why);
        if (variants [index][1])
            assert (rc == -1 && !strcmp (why.code, variants [index][1]));
        else {
            assert (rc == 0 && prompt.due == report.at + 3600000 && prompt.title_size == 12);
            assert (!strcmp (variant, "all")? !prompt.streets && !prompt.cases:
                    prompt.streets->via.array.size == 2 && prompt.cases->via.array.size == 1);
        }
        msgpack_unpacked_destroy (&unpacked);
    }

    //  UTF-8: an overlong encoding is refused.
    assert (!hs_proto_utf8 ((const uint8_t *) "\xc0\xaf", 2));
    assert (hs_proto_utf8 ((const uint8_t *) "曹杨", strlen ("曹杨")));

    hs_pack_destroy (&pack);
    assert (pack == NULL);
    if (verbose)
        printf ("OK\n");
}
