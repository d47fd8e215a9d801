/*  =========================================================================
    hs_outbound - what the daemon publishes, and what a district sends up

    The case description (case, level, category, street, enterprise,
    workers, amount, flags, units, reasons, at) is written the same way in
    alerts and in reports upward, by one function.
    =========================================================================
*/

#include "hs_outbound.h"
#include "hs_handler.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <assert.h>

//  The description of a case that alerts and escalations share.
static void
s_case_fields (hs_map_t *map, const char *case_id, int level, int category,
               const char *street, const char *enterprise, int64_t workers,
               int64_t amount, uint32_t flags, const char *const *units,
               const char *const *reasons, int64_t at)
{
    hs_map_str (map, "case", case_id);
    hs_map_str (map, "level", hs_level_name (level));
    hs_map_str (map, "category", hs_category_name (category));
    hs_map_str (map, "street", street);
    hs_map_str (map, "enterprise", enterprise);
    hs_map_int (map, "workers", workers);
    if (amount >= 0)
        hs_map_int (map, "amount", amount);
    hs_map_key (map, "flags");
    hs_pack_flags (map->pack, flags);
    hs_map_key (map, "units");
    hs_pack_strv (map->pack, units);
    hs_map_key (map, "reasons");
    hs_pack_strv (map->pack, reasons);
    hs_map_int (map, "at", at);
}

void
hs_alert_topic (int level, const char *street, char *topic, size_t size)
{
    const char *name = hs_level_name (level);
    snprintf (topic, size, "alert.%s.%s", name? name: "", hs_proto_street_short (street? street: ""));
}

int
hs_alert_encode (const hs_alert_t *alert, hs_pack_t *pack)
{
    hs_map_t map;
    hs_map_begin (&map, pack);
    hs_map_int (&map, "v", HS_PROTO_VERSION);
    hs_map_int (&map, "seq", (int64_t) alert->seq);
    hs_map_str (&map, "kind", alert->kind);
    s_case_fields (&map, alert->case_id, alert->level, alert->category, alert->street,
                   alert->enterprise, alert->workers, alert->amount, alert->flags,
                   alert->units, alert->reasons, alert->at);
    if (alert->previous_level >= 0)
        hs_map_str (&map, "previous_level", hs_level_name (alert->previous_level));
    if (alert->cause && alert->cause->source) {
        hs_map_str (&map, "source", alert->cause->source);
        hs_map_str (&map, alert->cause->report? "report": "update", alert->cause->id);
        if (alert->cause->person && *alert->cause->person)
            hs_map_str (&map, "person", alert->cause->person);
    }
    const hs_alert_more_t *more = alert->more;
    if (more) {
        if (more->unit)
            hs_map_str (&map, "unit", more->unit);
        if (more->clock)
            hs_map_str (&map, "clock", more->clock);
        if (more->rung)
            hs_map_str (&map, "rung", more->rung);
        if (more->count > 0)
            hs_map_int (&map, "count", more->count);
        if (more->due > 0)
            hs_map_int (&map, "due", more->due);
        if (more->clock)
            hs_map_int (&map, "late_ms", more->late_ms);
        if (more->note && more->note_size) {
            hs_map_key (&map, "note");
            hs_pack_strn (pack, more->note, more->note_size);
        }
        if (more->into)
            hs_map_str (&map, "into", more->into);
        if (more->satisfied >= 0) {
            hs_map_key (&map, "satisfied");
            hs_pack_bool (pack, more->satisfied == 1);
        }
    }
    hs_map_end (&map);
    return 0;
}

int
hs_meeting_encode (const hs_meeting_t *meeting, hs_pack_t *pack)
{
    hs_map_t map;
    hs_map_begin (&map, pack);
    hs_map_int (&map, "v", HS_PROTO_VERSION);
    hs_map_int (&map, "seq", (int64_t) meeting->seq);
    hs_map_str (&map, "meeting", meeting->meeting_id);
    hs_map_str (&map, "kind", meeting->kind);
    if (meeting->case_id)
        hs_map_str (&map, "case", meeting->case_id);
    if (meeting->level >= 0)
        hs_map_str (&map, "level", hs_level_name (meeting->level));
    hs_map_key (&map, "participants");
    hs_pack_strv (pack, meeting->participants);
    hs_map_key (&map, "chairs");
    hs_pack_strv (pack, meeting->chairs);
    hs_map_str (&map, "urgency", meeting->urgency);
    hs_map_int (&map, "deadline", meeting->deadline);
    hs_map_key (&map, "reasons");
    hs_pack_strv (pack, meeting->reasons);
    if (meeting->call) {
        hs_map_str (&map, "called_by", meeting->call->source);
        hs_map_int (&map, "time", meeting->call->time);
        hs_map_key (&map, "place");
        hs_pack_strn (pack, meeting->call->place, meeting->call->place_size);
        hs_map_key (&map, "agenda");
        hs_pack_object (pack, meeting->call->agenda);
        if (meeting->call->cases) {
            hs_map_key (&map, "cases");
            hs_pack_object (pack, meeting->call->cases);
        }
        if (meeting->call->proposals) {
            hs_map_key (&map, "proposals");
            hs_pack_object (pack, meeting->call->proposals);
        }
    }
    hs_map_int (&map, "at", meeting->at);
    hs_map_end (&map);
    return 0;
}

int
hs_escalation_encode (const hs_escalation_t *escalation, hs_pack_t *pack)
{
    hs_map_t map;
    hs_map_begin (&map, pack);
    hs_map_int (&map, "v", HS_PROTO_VERSION);
    hs_map_int (&map, "seq", (int64_t) escalation->seq);
    hs_map_str (&map, "to", escalation->to);
    hs_map_str (&map, "from", escalation->from);
    s_case_fields (&map, escalation->case_id, escalation->level, escalation->category,
                   escalation->street, escalation->enterprise, escalation->workers,
                   escalation->amount, escalation->flags, escalation->units,
                   escalation->reasons, escalation->at);
    if (escalation->report)
        hs_map_str (&map, "report", escalation->report);
    if (escalation->changed) {
        hs_map_key (&map, "changed");
        hs_pack_strv (pack, escalation->changed);
    }
    hs_map_end (&map);
    return 0;
}

int
hs_warning_encode (const hs_warning_t *warning, hs_pack_t *pack)
{
    hs_map_t map;
    hs_map_begin (&map, pack);
    hs_map_int (&map, "v", HS_PROTO_VERSION);
    hs_map_int (&map, "seq", (int64_t) warning->seq);
    hs_map_str (&map, "kind", warning->kind);
    if (warning->case_id)
        hs_map_str (&map, "case", warning->case_id);
    if (warning->meeting_id)
        hs_map_str (&map, "meeting", warning->meeting_id);
    if (warning->source)
        hs_map_str (&map, "source", warning->source);
    if (warning->from > 0) {
        hs_map_int (&map, "from", warning->from);
        hs_map_int (&map, "to", warning->to);
    }
    if (warning->last_heard > 0)
        hs_map_int (&map, "last_heard", warning->last_heard);
    if (warning->enterprise)
        hs_map_str (&map, "enterprise", warning->enterprise);
    if (warning->credit_code && *warning->credit_code)
        hs_map_str (&map, "credit_code", warning->credit_code);
    if (warning->street)
        hs_map_str (&map, "street", warning->street);
    if (warning->category >= 0)
        hs_map_str (&map, "category", hs_category_name (warning->category));
    if (warning->count >= 0)
        hs_map_int (&map, "count", warning->count);
    if (warning->window_ms > 0)
        hs_map_int (&map, "window_ms", warning->window_ms);
    if (warning->streets) {
        hs_map_key (&map, "streets");
        hs_pack_strv (pack, warning->streets);
    }
    if (warning->suggested) {
        hs_map_key (&map, "suggested");
        hs_pack_bool (pack, true);
    }
    hs_map_key (&map, "units");
    hs_pack_strv (pack, warning->units);
    hs_map_key (&map, "reasons");
    hs_pack_strv (pack, warning->reasons);
    hs_map_int (&map, "at", warning->at);
    hs_map_end (&map);
    return 0;
}

int
hs_reminder_encode (const hs_reminder_t *reminder, hs_pack_t *pack)
{
    hs_map_t map;
    hs_map_begin (&map, pack);
    hs_map_int (&map, "v", HS_PROTO_VERSION);
    hs_map_int (&map, "seq", (int64_t) reminder->seq);
    hs_map_str (&map, "meeting", reminder->meeting_id);
    if (reminder->case_id)
        hs_map_str (&map, "case", reminder->case_id);
    hs_map_key (&map, "to");
    hs_pack_strv (pack, reminder->to);
    if (reminder->about)
        hs_map_str (&map, "about", reminder->about);
    hs_map_int (&map, "deadline", reminder->deadline);
    hs_map_int (&map, "at", reminder->at);
    hs_map_end (&map);
    return 0;
}

int
hs_meeting_closed_encode (const hs_meeting_closed_t *closed, hs_pack_t *pack)
{
    hs_map_t map;
    hs_map_begin (&map, pack);
    hs_map_int (&map, "v", HS_PROTO_VERSION);
    hs_map_int (&map, "seq", (int64_t) closed->seq);
    hs_map_str (&map, "meeting", closed->meeting_id);
    if (closed->case_id)
        hs_map_str (&map, "case", closed->case_id);
    hs_map_str (&map, "superseded_by", closed->superseded_by);
    hs_map_key (&map, "to");
    hs_pack_strv (pack, closed->to);
    hs_map_key (&map, "reasons");
    hs_pack_strv (pack, closed->reasons);
    hs_map_int (&map, "at", closed->at);
    hs_map_end (&map);
    return 0;
}

//  One action item's keys, into an open map.
static void
s_action_fields (hs_map_t *map, const hs_meeting_rec_t *meeting, size_t index)
{
    const hs_action_item_t *item = &meeting->actions [index];
    char id [HS_ID_MAX + 8];
    hs_action_item_id (meeting, index, id, sizeof (id));
    hs_map_str (map, "item", id);
    hs_map_str (map, "owner", item->owner);
    hs_map_str (map, "text", item->text);
    if (*item->case_id)
        hs_map_str (map, "case", item->case_id);
    hs_map_int (map, "due", item->due);
}

int
hs_minutes_out_encode (const hs_minutes_out_t *minutes, hs_pack_t *pack)
{
    hs_map_t map;
    hs_map_begin (&map, pack);
    hs_map_int (&map, "v", HS_PROTO_VERSION);
    hs_map_int (&map, "seq", (int64_t) minutes->seq);
    hs_map_str (&map, "meeting", minutes->meeting->id);
    hs_map_str (&map, "kind", minutes->meeting->kind);
    hs_map_key (&map, "cases");
    hs_pack_array (pack, minutes->meeting->case_count);
    for (size_t index = 0; index < minutes->meeting->case_count; index++)
        hs_pack_str (pack, minutes->meeting->cases [index]);
    hs_map_key (&map, "decisions");
    if (minutes->decisions)
        hs_pack_object (pack, minutes->decisions);
    else
        hs_pack_array (pack, 0);
    hs_map_key (&map, "actions");
    hs_pack_array (pack, minutes->count);
    for (size_t index = minutes->first; index < minutes->first + minutes->count; index++) {
        hs_map_t inner;
        hs_map_begin (&inner, pack);
        s_action_fields (&inner, minutes->meeting, index);
        hs_map_end (&inner);
    }
    if (minutes->note && minutes->note_size) {
        hs_map_key (&map, "note");
        hs_pack_strn (pack, minutes->note, minutes->note_size);
    }
    hs_map_key (&map, "to");
    hs_pack_strv (pack, minutes->to);
    hs_map_int (&map, "at", minutes->at);
    hs_map_end (&map);
    return 0;
}

int
hs_action_out_encode (const hs_action_out_t *action, hs_pack_t *pack)
{
    const hs_action_item_t *item = &action->meeting->actions [action->index];
    hs_map_t map;
    hs_map_begin (&map, pack);
    hs_map_int (&map, "v", HS_PROTO_VERSION);
    hs_map_int (&map, "seq", (int64_t) action->seq);
    hs_map_str (&map, "kind", action->kind);
    hs_map_str (&map, "meeting", action->meeting->id);
    s_action_fields (&map, action->meeting, action->index);
    if (strcmp (action->kind, "notice") == 0) {
        hs_map_str (&map, "rung", hs_rung_name (item->rung));
        hs_map_int (&map, "count", item->notices);
        hs_map_int (&map, "late_ms", action->at - item->due);
    }
    else
        hs_map_int (&map, "done", item->done);
    if (action->source) {
        hs_map_str (&map, "source", action->source);
        hs_map_str (&map, "update", action->update);
    }
    hs_map_key (&map, "to");
    hs_pack_strv (pack, action->to);
    hs_map_key (&map, "reasons");
    hs_pack_strv (pack, action->reasons);
    hs_map_int (&map, "at", action->at);
    hs_map_end (&map);
    return 0;
}

int
hs_prompt_out_encode (const hs_prompt_out_t *out, hs_pack_t *pack)
{
    const hs_prompt_rec_t *prompt = out->prompt;
    bool issued = strcmp (out->kind, "issued") == 0;
    const hs_prompt_street_t *street = issued? NULL: &prompt->streets [out->street];
    hs_map_t map;
    hs_map_begin (&map, pack);
    hs_map_int (&map, "v", HS_PROTO_VERSION);
    hs_map_int (&map, "seq", (int64_t) out->seq);
    hs_map_str (&map, "prompt", prompt->id);
    if (issued)
        hs_map_str (&map, "source", prompt->source);
    else
        hs_map_str (&map, "unit", street->unit);
    hs_map_str (&map, "title", prompt->title);
    if (issued) {
        hs_map_str (&map, "guidance", prompt->guidance);
        hs_map_key (&map, "streets");
        hs_pack_array (pack, prompt->street_count);
        for (size_t index = 0; index < prompt->street_count; index++)
            hs_pack_str (pack, prompt->streets [index].unit);
        hs_map_key (&map, "cases");
        hs_pack_array (pack, prompt->case_count);
        for (size_t index = 0; index < prompt->case_count; index++)
            hs_pack_str (pack, prompt->cases [index]);
    }
    if (strcmp (out->kind, "notice") == 0) {
        hs_map_str (&map, "rung", hs_rung_name (street->rung));
        hs_map_int (&map, "count", street->notices);
    }
    hs_map_int (&map, "due", prompt->due);
    if (strcmp (out->kind, "notice") == 0)
        hs_map_int (&map, "late_ms", out->at - prompt->due);
    if (out->note && out->note_size) {
        hs_map_key (&map, "note");
        hs_pack_strn (pack, out->note, out->note_size);
    }
    if (out->update)
        hs_map_str (&map, "update", out->update);
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

static void
s_pack_levels (hs_pack_t *pack, const int64_t *counts)
{
    hs_pack_map (pack, HS_LEVEL_COUNT);
    for (int level = 0; level < HS_LEVEL_COUNT; level++) {
        hs_pack_str (pack, hs_level_name (level));
        hs_pack_int (pack, counts [level]);
    }
}

static void
s_pack_tally (hs_pack_t *pack, const hs_tally_t *tally, size_t count)
{
    hs_pack_map (pack, count);
    for (size_t index = 0; index < count; index++) {
        hs_pack_str (pack, tally [index].name);
        hs_pack_int (pack, tally [index].count);
    }
}

int
hs_brief_encode (const hs_brief_t *brief, hs_pack_t *pack)
{
    hs_map_t map, news;
    hs_map_begin (&map, pack);
    hs_map_int (&map, "v", HS_PROTO_VERSION);
    hs_map_int (&map, "seq", (int64_t) brief->seq);
    hs_map_str (&map, "period", brief->period);
    hs_map_str (&map, "district", brief->district);
    if (brief->to) {
        //  As every report upward: to whom, from which district.
        hs_map_str (&map, "to", brief->to);
        hs_map_str (&map, "from", brief->district);
    }
    if (brief->units) {
        hs_map_key (&map, "units");
        hs_pack_strv (pack, brief->units);
    }
    hs_map_int (&map, "since", brief->since);
    hs_map_int (&map, "until", brief->until);
    hs_map_key (&map, "new");
    hs_map_begin (&news, pack);
    hs_map_int (&news, "total", brief->new_total);
    hs_map_key (&news, "by_level");
    s_pack_levels (pack, brief->new_by_level);
    hs_map_key (&news, "by_street");
    s_pack_tally (pack, brief->new_by_street, brief->street_count);
    hs_map_key (&news, "by_category");
    s_pack_tally (pack, brief->new_by_category, brief->category_count);
    hs_map_end (&news);
    hs_map_int (&map, "open", brief->open);
    hs_map_key (&map, "open_by_level");
    s_pack_levels (pack, brief->open_by_level);
    hs_map_int (&map, "overdue", brief->overdue);
    hs_map_int (&map, "overdue_alerts", brief->overdue_alerts);
    hs_map_int (&map, "escalated", brief->escalated);
    hs_map_int (&map, "resolved", brief->resolved);
    hs_map_int (&map, "meetings_requested", brief->meetings_requested);
    hs_map_int (&map, "meetings_held", brief->meetings_held);
    hs_map_int (&map, "warnings", brief->warnings);
    hs_map_int (&map, "closed", brief->closed);
    hs_map_int (&map, "reopened", brief->reopened);
    hs_map_key (&map, "supervision");
    hs_pack_array (pack, brief->supervision_count);
    for (size_t index = 0; index < brief->supervision_count; index++) {
        const hs_brief_notices_t *notices = &brief->supervision [index];
        hs_map_t unit;
        hs_map_begin (&unit, pack);
        hs_map_str (&unit, "unit", notices->unit);
        hs_map_int (&unit, "remind", notices->remind);
        hs_map_int (&unit, "supervise", notices->supervise);
        hs_map_int (&unit, "circulate", notices->circulate);
        hs_map_int (&unit, "signed", notices->signed_count);
        if (notices->signed_count)
            hs_map_int (&unit, "sign_avg_ms", notices->sign_ms / notices->signed_count);
        hs_map_int (&unit, "resolved", notices->resolved_count);
        if (notices->resolved_count)
            hs_map_int (&unit, "resolve_avg_ms", notices->resolve_ms / notices->resolved_count);
        hs_map_end (&unit);
    }
    hs_map_key (&map, "named");
    hs_pack_strv (pack, brief->named);
    hs_map_int (&map, "actions_open", brief->actions_open);
    hs_map_int (&map, "actions_late", brief->actions_late);
    hs_map_int (&map, "rectify_open", brief->rectify_open);
    hs_map_int (&map, "rectify_late", brief->rectify_late);
    //  The work prompts of the period, each street signed, late or not yet due.
    hs_map_key (&map, "prompts");
    hs_pack_array (pack, brief->prompt_count);
    for (size_t index = 0; index < brief->prompt_count; index++) {
        const hs_prompt_rec_t *prompt = &brief->prompts [index];
        hs_map_t entry;
        hs_map_begin (&entry, pack);
        hs_map_str (&entry, "prompt", prompt->id);
        hs_map_str (&entry, "title", prompt->title);
        hs_map_int (&entry, "issued", prompt->issued);
        hs_map_int (&entry, "due", prompt->due);
        static const char *states [] = { "signed", "late", "waiting" };
        for (int state = 0; state < 3; state++) {
            const char *units [HS_PROMPT_MAX_STREETS + 1];
            size_t count = 0;
            for (size_t at = 0; at < prompt->street_count; at++) {
                const hs_prompt_street_t *street = &prompt->streets [at];
                int its = street->signed_at? 0: brief->at >= prompt->due? 1: 2;
                if (its == state)
                    units [count++] = street->unit;
            }
            units [count] = NULL;
            hs_map_key (&entry, states [state]);
            hs_pack_strv (pack, units);
        }
        hs_map_end (&entry);
    }
    hs_map_int (&map, "at", brief->at);
    hs_map_end (&map);
    return 0;
}

int
hs_brief_district_encode (uint64_t seq, const char *from, const char *id, int64_t at,
                          const msgpack_object *brief, hs_pack_t *pack)
{
    hs_map_t map;
    hs_map_begin (&map, pack);
    hs_map_int (&map, "v", HS_PROTO_VERSION);
    hs_map_int (&map, "seq", (int64_t) seq);
    hs_map_str (&map, "from", from);
    hs_map_str (&map, "id", id);
    hs_map_int (&map, "at", at);
    hs_map_key (&map, "brief");
    hs_pack_object (pack, brief);
    hs_map_end (&map);
    return 0;
}

int
hs_hello_encode (const char *token, hs_pack_t *pack)
{
    hs_map_t map;
    hs_map_begin (&map, pack);
    hs_map_int (&map, "v", HS_PROTO_VERSION);
    hs_map_str (&map, "token", token);
    hs_map_end (&map);
    return 0;
}

//  An escalation, re-told as a report from our unit to the level above.
static void
s_forward_report (const hs_forwarded_t *forward, const msgpack_object *body, hs_pack_t *pack)
{
    char text [HS_NAME_MAX + 1], level [32], case_id [HS_ID_MAX + 1];
    hs_map_t map, enterprise;
    hs_map_begin (&map, pack);
    hs_map_int (&map, "v", HS_PROTO_VERSION);
    hs_map_str (&map, "id", forward->id);
    hs_map_str (&map, "source", forward->unit);
    hs_map_int (&map, "at", hs_proto_int (body, "at", forward->now));
    hs_map_key (&map, "enterprise");
    hs_map_begin (&enterprise, pack);
    if (hs_proto_strcpy (hs_proto_get (body, "enterprise"), text, sizeof (text)))
        *text = 0;
    hs_map_str (&enterprise, "name", text);
    hs_map_end (&enterprise);
    if (hs_proto_strcpy (hs_proto_get (body, "category"), text, sizeof (text)))
        *text = 0;
    hs_map_str (&map, "category", text);
    hs_map_int (&map, "workers", hs_proto_int (body, "workers", 0));
    if (hs_proto_int (body, "amount", -1) >= 0)
        hs_map_int (&map, "amount", hs_proto_int (body, "amount", 0));
    const msgpack_object *flags = hs_proto_get (body, "flags");
    if (flags && flags->type == MSGPACK_OBJECT_ARRAY) {
        hs_map_key (&map, "flags");
        hs_pack_object (pack, flags);
    }
    if (hs_proto_strcpy (hs_proto_get (body, "level"), level, sizeof (level)))
        *level = 0;
    if (hs_proto_strcpy (hs_proto_get (body, "case"), case_id, sizeof (case_id)))
        *case_id = 0;
    char summary [256];
    snprintf (summary, sizeof (summary), "%s case %s, %s, sent up as %s", forward->district,
              case_id, level, forward->event_topic);
    hs_map_str (&map, "summary", summary);
    hs_map_int (&map, "fseq", forward->fseq);
    hs_map_str (&map, "district_case", case_id);
    hs_map_str (&map, "district_level", level);
    hs_map_end (&map);
}

int
hs_forwarded_encode (const hs_forwarded_t *forward, const uint8_t *body, size_t body_size,
                   char *topic, size_t topic_size, hs_pack_t *pack)
{
    msgpack_unpacked unpacked;
    msgpack_unpacked_init (&unpacked);
    if (hs_proto_unpack_stored (body, body_size, &unpacked)) {
        msgpack_unpacked_destroy (&unpacked);
        return -1;
    }
    const msgpack_object *map = &unpacked.data;
    hs_pack_reset (pack);
    int rc = 1;
    //  escalate.city carries the weekly briefing too (汇报): it has a period.
    bool briefing = hs_proto_get (map, "period") != NULL;
    if (briefing) {
        hs_map_t out;
        hs_map_begin (&out, pack);
        hs_map_int (&out, "v", HS_PROTO_VERSION);
        hs_map_str (&out, "id", forward->id);
        hs_map_str (&out, "source", forward->unit);
        hs_map_int (&out, "at", hs_proto_int (map, "at", forward->now));
        hs_map_int (&out, "fseq", forward->fseq);
        hs_map_key (&out, "brief");
        hs_pack_raw (pack, body, body_size);
        hs_map_end (&out);
        hs_strjoin (topic, topic_size, "brief.", forward->unit, NULL);
        rc = 0;
    }
    else
    if (strncmp (forward->event_topic, "escalate.", 9) == 0) {
        s_forward_report (forward, map, pack);
        hs_strjoin (topic, topic_size, "report.", forward->unit, NULL);
        rc = 0;
    }
    msgpack_unpacked_destroy (&unpacked);
    return rc;
}

//  ---------------------------------------------------------------------
//  Self test

void
hs_outbound_test (bool verbose)
{
    if (verbose)
        printf (" * hs_outbound: ");
    hs_pack_t *pack = hs_pack_new ();
    const char *units [] = { "hrss", "street.caoyang", NULL };
    const char *reasons [] = { "major.workers", NULL };
    hs_escalation_t escalation = {
        .seq = 9, .to = "city", .from = "putuo", .case_id = "putuo-3", .level = HS_LEVEL_CRITICAL,
        .category = HS_CATEGORY_LAYOFF, .street = "street.caoyang", .enterprise = "某厂",
        .workers = 120, .amount = -1, .flags = 1u << HS_FLAG_EXTREME, .units = units,
        .reasons = reasons, .at = 1780000000000LL
    };
    hs_escalation_encode (&escalation, pack);
    hs_pack_t *body = hs_pack_new ();
    hs_pack_raw (body, hs_pack_data (pack), hs_pack_size (pack));

    //  A work prompt's notice names the street, its rung and count.
    hs_prompt_rec_t *prompt = (hs_prompt_rec_t *) calloc (1, sizeof (hs_prompt_rec_t));
    hs_prompt_rec_init (prompt, "putuo-p4", "office", "排查", 6, "排查工地", 12, 1000, 5000);
    hs_prompt_rec_add_street (prompt, "street.caoyang");
    prompt->streets [0].rung = HS_RUNG_SUPERVISE;
    prompt->streets [0].notices = 2;
    const char *rung_reasons [] = { "prompt.supervise", NULL };
    hs_prompt_out_t said = { .seq = 7, .prompt = prompt, .kind = "notice", .to = units,
                             .reasons = rung_reasons, .at = 11000 };
    hs_pack_reset (pack);
    hs_prompt_out_encode (&said, pack);
    msgpack_unpacked said_back;
    msgpack_unpacked_init (&said_back);
    assert (hs_proto_unpack_stored (hs_pack_data (pack), hs_pack_size (pack), &said_back) == 0);
    char said_text [64];
    assert (hs_proto_strcpy (hs_proto_get (&said_back.data, "unit"), said_text,
                             sizeof (said_text)) == 0 && strcmp (said_text, "street.caoyang") == 0);
    assert (hs_proto_strcpy (hs_proto_get (&said_back.data, "rung"), said_text,
                             sizeof (said_text)) == 0 && strcmp (said_text, "supervise") == 0);
    assert (hs_proto_int (&said_back.data, "count", 0) == 2
         && hs_proto_int (&said_back.data, "late_ms", 0) == 6000
         && !hs_proto_get (&said_back.data, "guidance"));
    msgpack_unpacked_destroy (&said_back);
    free (prompt);

    //  An escalation goes up as a report from our unit, carrying its case.
    hs_forwarded_t forward = { "putuo-9", "street.putuo", "putuo", "escalate.city", 4, 1 };
    char topic [HS_TOPIC_MAX + 1];
    assert (hs_forwarded_encode (&forward, hs_pack_data (body), hs_pack_size (body), topic,
                               sizeof (topic), pack) == 0);
    assert (strcmp (topic, "report.street.putuo") == 0);
    msgpack_unpacked unpacked;
    msgpack_unpacked_init (&unpacked);
    assert (hs_proto_unpack_stored (hs_pack_data (pack), hs_pack_size (pack), &unpacked) == 0);
    char text [64];
    assert (hs_proto_strcpy (hs_proto_get (&unpacked.data, "district_case"), text, sizeof (text)) == 0);
    assert (strcmp (text, "putuo-3") == 0);
    assert (hs_proto_int (&unpacked.data, "workers", 0) == 120);
    assert (hs_proto_int (&unpacked.data, "fseq", 0) == 4);
    assert (hs_proto_get (&unpacked.data, "amount") == NULL);
    msgpack_unpacked_destroy (&unpacked);

    //  A briefing goes up whole as brief.<unit>.
    hs_tally_t streets [] = { { "street.caoyang", 2 } };
    hs_brief_notices_t chased [] = { { "street.caoyang", 3, 1, 1, 2, 7200000, 1, 86400000 },
                                     { "hrss", 1, 0, 0, 0, 0, 0, 0 } };
    const char *named [] = { "street.caoyang", NULL };
    hs_brief_t brief = {
        .seq = 10, .period = "weekly", .district = "putuo", .to = "city", .since = 1, .until = 2,
        .new_total = 2, .new_by_street = streets, .street_count = 1, .supervision = chased,
        .supervision_count = 2, .named = named, .at = 2
    };
    hs_pack_reset (body);
    hs_brief_encode (&brief, body);
    forward.event_topic = "escalate.city";
    assert (hs_forwarded_encode (&forward, hs_pack_data (body), hs_pack_size (body), topic,
                               sizeof (topic), pack) == 0);
    assert (strcmp (topic, "brief.street.putuo") == 0);
    msgpack_unpacked_init (&unpacked);
    assert (hs_proto_unpack_stored (hs_pack_data (pack), hs_pack_size (pack), &unpacked) == 0);
    const msgpack_object *inner = hs_proto_get (&unpacked.data, "brief");
    assert (hs_proto_int (hs_proto_get (hs_proto_get (inner, "new"), "by_street"),
                          "street.caoyang", 0) == 2);
    const msgpack_object *supervision = hs_proto_get (inner, "supervision");
    assert (supervision && supervision->type == MSGPACK_OBJECT_ARRAY
         && supervision->via.array.size == 2);
    assert (hs_proto_int (&supervision->via.array.ptr [0], "remind", 0) == 3
         && hs_proto_int (&supervision->via.array.ptr [0], "circulate", 0) == 1);
    //  Sign-off and resolution: counts, and the average when there is one.
    assert (hs_proto_int (&supervision->via.array.ptr [0], "sign_avg_ms", 0) == 3600000
         && hs_proto_int (&supervision->via.array.ptr [0], "resolve_avg_ms", 0) == 86400000);
    assert (hs_proto_int (&supervision->via.array.ptr [1], "signed", -1) == 0
         && !hs_proto_get (&supervision->via.array.ptr [1], "sign_avg_ms"));
    const msgpack_object *names = hs_proto_get (inner, "named");
    assert (names && names->type == MSGPACK_OBJECT_ARRAY && names->via.array.size == 1);
    msgpack_unpacked_destroy (&unpacked);

    //  An alert does not go up.
    hs_alert_t alert = {
        .seq = 11, .kind = "new", .case_id = "putuo-3", .level = HS_LEVEL_GENERAL,
        .previous_level = -1, .category = HS_CATEGORY_OTHER, .street = "street.caoyang",
        .enterprise = "某厂", .workers = 3, .amount = -1, .units = units, .reasons = reasons
    };
    hs_pack_reset (body);
    hs_alert_encode (&alert, body);
    forward.event_topic = "alert.general.caoyang";
    assert (hs_forwarded_encode (&forward, hs_pack_data (body), hs_pack_size (body), topic,
                               sizeof (topic), pack) == 1);
    hs_pack_destroy (&body);
    hs_pack_destroy (&pack);
    if (verbose)
        printf ("OK\n");
}
