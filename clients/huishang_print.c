/*  =========================================================================
    huishang_print - what huishang shows: fields, times, units, events

    The one place that decides how a message, an event or a case reads on
    a terminal, so watch, replay, case and why show them alike.
    =========================================================================
*/

#include "huishang_print.h"
#include "huishang_print_kinds.h"
#include "../protocol/hs_handler.h"
#include "../protocol/hs_event.h"
#include "../protocol/hs_json.h"

const char *
huishang_print_str (const msgpack_object *map, const char *key, char *buffer, size_t size)
{
    if (hs_proto_strcpy (hs_proto_get (map, key), buffer, size))
        snprintf (buffer, size, "-");
    return buffer;
}

const char *
huishang_print_field (const msgpack_object *map, const char *key, char *buffer, size_t size)
{
    if (hs_proto_strcpy (hs_proto_get (map, key), buffer, size))
        *buffer = 0;
    return buffer;
}

bool
huishang_print_bool (const msgpack_object *map, const char *key)
{
    const msgpack_object *value = hs_proto_get (map, key);
    return value && value->type == MSGPACK_OBJECT_BOOLEAN && value->via.boolean;
}

int64_t
huishang_print_int (const msgpack_object *map, const char *key)
{
    return hs_proto_int (map, key, -1);
}

//  The district's wall time (calendar/utc_offset), whatever the machine's
//  TZ: huishang_time owns it.
void
huishang_print_zone (int64_t utc_offset_ms)
{
    huishang_time_zone (utc_offset_ms);
}

void
huishang_print_time (int64_t ms, char *buffer, size_t size)
{
    huishang_time_format (ms, buffer, size);
}

void
huishang_print_units (hs_units_t *units, const msgpack_object *list)
{
    if (!list || list->type != MSGPACK_OBJECT_ARRAY)
        return;
    for (uint32_t index = 0; index < list->via.array.size; index++) {
        char code [HS_CODE_MAX + 1];
        if (hs_proto_strcpy (&list->via.array.ptr [index], code, sizeof (code)) == 0)
            printf ("%s%s", index? "、": "", hs_units_zh (units, code));
    }
}

void
huishang_print_strings (const msgpack_object *list)
{
    if (!list || list->type != MSGPACK_OBJECT_ARRAY)
        return;
    for (uint32_t index = 0; index < list->via.array.size; index++) {
        const msgpack_object *item = &list->via.array.ptr [index];
        if (item->type == MSGPACK_OBJECT_STR)
            printf ("%s%.*s", index? ", ": "", (int) item->via.str.size, item->via.str.ptr);
    }
}

void
huishang_print_json (const msgpack_object *obj, bool indent)
{
    json_t *json = hs_json_from_object (obj);
    char *text = json_dumps (json, indent? JSON_INDENT (2): JSON_COMPACT);
    printf ("%s\n", text? text: "null");
    free (text);
    json_decref (json);
}

//  An inspection (督查): a plan drafted, decided, a result, a late or done
//  rectification (整改), the plan complete.
static void
s_print_inspection (hs_units_t *units, const char *topic, const msgpack_object *map)
{
    char plan [HS_ID_MAX + 1], title [HS_NOTE_MAX + 1], unit [HS_CODE_MAX + 1];
    char item [HS_ID_MAX + 1], owner [HS_CODE_MAX + 1], due [32], rung [HS_CODE_MAX + 1];
    huishang_print_str (map, "plan", plan, sizeof (plan));
    huishang_print_str (map, "title", title, sizeof (title));
    huishang_print_str (map, "unit", unit, sizeof (unit));
    huishang_print_str (map, "item", item, sizeof (item));
    huishang_print_str (map, "owner", owner, sizeof (owner));
    huishang_print_time (huishang_print_int (map, "due"), due, sizeof (due));
    const char *kind = topic + 11;
    if (streq (kind, "plan") || streq (kind, "approved")) {
        printf (" %s %s「%s」: ", streq (kind, "plan")? "督查方案 drafted": "已同意 approved",
                plan, title);
        huishang_print_units (units, hs_proto_get (map, "units"));
    }
    else
    if (streq (kind, "returned")) {
        char note [HS_NOTE_MAX + 1];
        printf (" 退回 returned %s「%s」: %s", plan, title,
                huishang_print_str (map, "note", note, sizeof (note)));
    }
    else
    if (streq (kind, "result")) {
        const msgpack_object *fixes = hs_proto_get (map, "rectify");
        printf (" 督查结果 %s「%s」 %s, %u 整改", plan, title, hs_units_zh (units, unit),
                fixes && fixes->type == MSGPACK_OBJECT_ARRAY? fixes->via.array.size: 0);
    }
    else
    if (streq (kind, "notice")) {
        int parsed = hs_rung_parse (huishang_print_str (map, "rung", rung, sizeof (rung)));
        printf (" %s(%s) #%lld 整改 %s: %s, due %s", parsed > 0? hs_rung_zh (parsed): "", rung,
                (long long) huishang_print_int (map, "count"), item, hs_units_zh (units, owner),
                due);
    }
    else
    if (streq (kind, "rectified"))
        printf (" 整改完成 rectified %s: %s", item, hs_units_zh (units, owner));
    else
    if (streq (kind, "reminder"))
        printf (" 待审批 #%lld %s「%s」 not decided", (long long) huishang_print_int (map, "count"),
                plan, title);
    else
        printf (" 督查完成 complete %s「%s」", plan, title);
}

void
huishang_print_line (hs_units_t *units, const char *topic, const msgpack_object *map)
{
    char when [32], level_text [96], kind [HS_CODE_MAX + 1], case_id [HS_ID_MAX + 1];
    char street [HS_CODE_MAX + 1], category [HS_CODE_MAX + 1], enterprise [HS_NAME_MAX + 1];
    int64_t at = huishang_print_int (map, "at");
    huishang_print_time (at > 0? at: zclock_time (), when, sizeof (when));
    char level_name [HS_CODE_MAX + 1];
    int level = hs_level_parse (huishang_print_str (map, "level", level_name, sizeof (level_name)));
    snprintf (level_text, sizeof (level_text), "%s(%s)", level >= 0? hs_level_zh (level): "",
              level_name);
    huishang_print_str (map, "case", case_id, sizeof (case_id));
    huishang_print_str (map, "street", street, sizeof (street));
    huishang_print_str (map, "category", category, sizeof (category));
    huishang_print_str (map, "enterprise", enterprise, sizeof (enterprise));
    if (huishang_print_int (map, "seq") >= 0)
        printf ("%s #%lld %s", when, (long long) huishang_print_int (map, "seq"), topic);
    else
        printf ("%s #- %s", when, topic);     //  not an event (hs.heartbeat, hs.hello)
    if (huishang_print_kinds (units, topic, map))
        ;                                   //  reminders, minutes, warnings, briefings ...
    else
    if (strncmp (topic, "alert.", 6) == 0) {
        printf (" [%s] %s case %s %s %s %lld人",
                huishang_print_str (map, "kind", kind, sizeof (kind)), level_text, case_id,
                hs_units_zh (units, street), category,
                (long long) huishang_print_int (map, "workers"));
        if (huishang_print_int (map, "amount") >= 0)
            printf (" ¥%lld", (long long) huishang_print_int (map, "amount"));
        printf (" %s → ", enterprise);
        huishang_print_units (units, hs_proto_get (map, "units"));
        printf (" (");
        huishang_print_strings (hs_proto_get (map, "reasons"));
        printf (")");
    }
    else
    if (streq (topic, "meeting.request")) {
        char deadline [32], urgency [HS_CODE_MAX + 1], meeting [HS_ID_MAX + 1];
        huishang_print_time (huishang_print_int (map, "deadline"), deadline, sizeof (deadline));
        printf (" [%s] %s %s case %s, meet before %s: ",
                huishang_print_str (map, "urgency", urgency, sizeof (urgency)),
                huishang_print_str (map, "meeting", meeting, sizeof (meeting)), level_text,
                case_id, deadline);
        huishang_print_units (units, hs_proto_get (map, "participants"));
    }
    else
    if (streq (topic, "meeting.closed")) {
        char meeting [HS_ID_MAX + 1], successor [HS_ID_MAX + 1];
        printf (" 已撤销 %s case %s, 由 %s 取代 superseded by %s",
                huishang_print_str (map, "meeting", meeting, sizeof (meeting)), case_id,
                huishang_print_str (map, "superseded_by", successor, sizeof (successor)), successor);
    }
    else
    if (strncmp (topic, "prompt.", 7) == 0) {
        //  A work prompt (工作提示): issued to streets, signed, or chased.
        char prompt [HS_ID_MAX + 1], unit [HS_CODE_MAX + 1], title [HS_NOTE_MAX + 1];
        char due [32], rung [HS_CODE_MAX + 1];
        huishang_print_time (huishang_print_int (map, "due"), due, sizeof (due));
        huishang_print_str (map, "prompt", prompt, sizeof (prompt));
        huishang_print_str (map, "title", title, sizeof (title));
        huishang_print_str (map, "unit", unit, sizeof (unit));
        if (streq (topic, "prompt.issued")) {
            printf (" 工作提示 %s「%s」, sign by %s: ", prompt, title, due);
            huishang_print_units (units, hs_proto_get (map, "streets"));
        }
        else
        if (streq (topic, "prompt.signed"))
            printf (" 已签收 signed %s「%s」: %s", prompt, title, hs_units_zh (units, unit));
        else {
            int parsed = hs_rung_parse (huishang_print_str (map, "rung", rung, sizeof (rung)));
            printf (" %s(%s) #%lld %s「%s」: %s, due %s", parsed > 0? hs_rung_zh (parsed): "",
                    rung, (long long) huishang_print_int (map, "count"), prompt, title,
                    hs_units_zh (units, unit), due);
        }
    }
    else
    if (strncmp (topic, "proposal.", 9) == 0) {
        //  A major problem or policy proposal (重大问题及对策建议).
        char proposal [HS_ID_MAX + 1], unit [HS_CODE_MAX + 1], title [HS_NOTE_MAX + 1];
        char due [32], word [HS_CODE_MAX + 1], meeting [HS_ID_MAX + 1];
        huishang_print_time (huishang_print_int (map, "due"), due, sizeof (due));
        huishang_print_str (map, "proposal", proposal, sizeof (proposal));
        huishang_print_str (map, "title", title, sizeof (title));
        huishang_print_str (map, "unit", unit, sizeof (unit));
        huishang_print_str (map, "meeting", meeting, sizeof (meeting));
        if (streq (topic, "proposal.circulated")) {
            printf (" 征求意见 %s「%s」, opinions by %s: ", proposal, title, due);
            huishang_print_units (units, hs_proto_get (map, "members"));
        }
        else
        if (streq (topic, "proposal.opinion"))
            printf (" 意见 %s「%s」: %s %s", proposal, title, hs_units_zh (units, unit),
                    streq (huishang_print_str (map, "opinion", word, sizeof (word)), "amend")?
                    "修改 amend": "同意 agree");
        else
        if (streq (topic, "proposal.notice")) {
            int parsed = hs_rung_parse (huishang_print_str (map, "rung", word, sizeof (word)));
            printf (" %s(%s) #%lld %s「%s」: %s, opinion due %s", parsed > 0? hs_rung_zh (parsed): "",
                    word, (long long) huishang_print_int (map, "count"), proposal, title,
                    hs_units_zh (units, unit), due);
        }
        else
        if (streq (topic, "proposal.upward")) {
            printf (" 上报 %s「%s」, passed by %s (minutes seq %lld) → ", proposal, title, meeting,
                    (long long) huishang_print_int (map, "minutes"));
            huishang_print_units (units, hs_proto_get (map, "to"));
        }
        else
            printf (" 未通过 not passed %s「%s」 by %s, not sent up", proposal, title, meeting);
    }
    else
    if (streq (topic, "case.filed")) {
        char closed [32];
        huishang_print_time (huishang_print_int (map, "closed"), closed, sizeof (closed));
        printf (" 归档 filed %s case %s %s %s, closed %s → ", level_text, case_id,
                hs_units_zh (units, street), enterprise, closed);
        huishang_print_units (units, hs_proto_get (map, "to"));
    }
    else
    if (strncmp (topic, "inspection.", 11) == 0)
        s_print_inspection (units, topic, map);
    else
    if (strncmp (topic, "escalate.", 9) == 0) {
        char to [HS_CODE_MAX + 1];
        printf (" → %s: %s case %s %s %s %lld人 %s",
                hs_units_zh (units, huishang_print_str (map, "to", to, sizeof (to))),
                level_text, case_id, hs_units_zh (units, street), category,
                (long long) huishang_print_int (map, "workers"), enterprise);
    }
    else
        huishang_print_fields (map);        //  a kind this client does not know yet
    printf ("\n");
}

void
huishang_print_message (hs_units_t *units, const char *topic, const msgpack_object *body,
                        bool json)
{
    if (json) {
        json_t *object = json_object ();
        json_object_set_new (object, "topic", json_string (topic));
        json_object_set_new (object, "body", hs_json_from_object (body));
        char *text = json_dumps (object, JSON_COMPACT);
        printf ("%s\n", text);
        free (text);
        json_decref (object);
    }
    else
        huishang_print_line (units, topic, body);
    fflush (stdout);
}

void
huishang_print_event (hs_units_t *units, const msgpack_object *event)
{
    char type [16], topic [HS_TOPIC_MAX + 1], when [32], text [HS_NOTE_MAX + 1];
    huishang_print_str (event, "type", type, sizeof (type));
    huishang_print_str (event, "topic", topic, sizeof (topic));
    const msgpack_object *body = hs_proto_get (event, "body");
    if (hs_event_published (type)) {
        huishang_print_line (units, topic, body);
        return;
    }
    huishang_print_time (huishang_print_int (event, "at"), when, sizeof (when));
    char source [HS_CODE_MAX + 1];
    printf ("%s #%lld %s: %s", when, (long long) huishang_print_int (event, "seq"), type,
            hs_units_zh (units, huishang_print_str (body, "source", source, sizeof (source))));
    if (streq (type, "report")) {
        char level [HS_CODE_MAX + 1];
        int parsed = hs_level_parse (huishang_print_str (event, "level", level, sizeof (level)));
        printf (" reports %lld人", (long long) huishang_print_int (body, "workers"));
        if (huishang_print_int (body, "amount") >= 0)
            printf (" ¥%lld", (long long) huishang_print_int (body, "amount"));
        printf (" → %s(%s) by ", parsed >= 0? hs_level_zh (parsed): "", level);
        huishang_print_strings (hs_proto_get (event, "reasons"));
    }
    else
    if (streq (type, "update")) {
        bool noted = hs_proto_get (body, "note") != NULL;
        printf (" %s", huishang_print_str (body, "status", text, sizeof (text)));
        if (noted)
            printf (": %s", huishang_print_str (body, "note", text, sizeof (text)));
    }
    else
    if (streq (type, "rsvp"))
        printf (" %s %s", huishang_print_str (body, "answer", text, sizeof (text)),
                huishang_print_str (body, "meeting", source, sizeof (source)));
    else
    if (streq (type, "minutes")) {
        printf (" minutes of %s: ", huishang_print_str (body, "meeting", source, sizeof (source)));
        huishang_print_strings (hs_proto_get (body, "decisions"));
    }
    printf ("\n");
}

void
huishang_print_case (hs_units_t *units, const msgpack_object *kase, bool long_form)
{
    char id [HS_ID_MAX + 1], level [HS_CODE_MAX + 1], street [HS_CODE_MAX + 1];
    char category [HS_CODE_MAX + 1], status [HS_CODE_MAX + 1], enterprise [HS_NAME_MAX + 1];
    int parsed = hs_level_parse (huishang_print_str (kase, "level", level, sizeof (level)));
    const msgpack_object *closed = hs_proto_get (kase, "closed");
    const msgpack_object *overdue = hs_proto_get (kase, "overdue");
    bool is_closed = closed && closed->type == MSGPACK_OBJECT_BOOLEAN && closed->via.boolean;
    bool is_overdue = !is_closed && overdue && overdue->type == MSGPACK_OBJECT_BOOLEAN
                    && overdue->via.boolean;
    //  Since 0.5 a case has a stage (open, resolved, closed, merged);
    //  before, only closed or not.
    char stage [HS_CODE_MAX + 1];
    if (hs_proto_strcpy (hs_proto_get (kase, "stage"), stage, sizeof (stage)))
        snprintf (stage, sizeof (stage), "%s", is_closed? "closed": "open");
    printf ("%s %s(%s) %s %s %lld人 %s/%s%s %s\n", huishang_print_str (kase, "id", id, sizeof (id)),
            parsed >= 0? hs_level_zh (parsed): "", level,
            hs_units_zh (units, huishang_print_str (kase, "street", street, sizeof (street))),
            huishang_print_str (kase, "category", category, sizeof (category)),
            (long long) huishang_print_int (kase, "workers"),
            stage, huishang_print_str (kase, "status", status, sizeof (status)),
            is_overdue? " OVERDUE": "",
            huishang_print_str (kase, "enterprise", enterprise, sizeof (enterprise)));
    if (!long_form)
        return;
    printf ("  units:   ");
    huishang_print_units (units, hs_proto_get (kase, "units"));
    printf ("\n  reasons: ");
    huishang_print_strings (hs_proto_get (kase, "reasons"));
    char version [48], when [32];
    printf ("\n  rules:   %.12s\n",
            huishang_print_str (kase, "rules_version", version, sizeof (version)));
    if (!is_closed && huishang_print_int (kase, "due_at") > 0) {
        huishang_print_time (huishang_print_int (kase, "due_at"), when, sizeof (when));
        printf ("  due:     an update by %s%s\n", when, is_overdue? " (overdue)": "");
    }
}
