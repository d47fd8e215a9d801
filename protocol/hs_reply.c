/*  =========================================================================
    hs_reply - what the api and the acknowledged-submit socket answer
    =========================================================================
*/

#include "hs_reply.h"
#include <stdio.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <assert.h>

int
hs_request_encode (hs_pack_t *pack, ...)
{
    va_list args;
    va_start (args, pack);
    hs_map_t map;
    hs_map_begin (&map, pack);
    const char *key;
    while ((key = va_arg (args, const char *))) {
        const char *value = va_arg (args, const char *);
        hs_map_str (&map, key, value);
    }
    hs_map_end (&map);
    va_end (args);
    return 0;
}

int
hs_cases_request_encode (hs_pack_t *pack, const hs_cases_request_t *request)
{
    hs_map_t map;
    hs_map_begin (&map, pack);
    const char *texts [] = { "level", request->level, "street", request->street,
                             "unit", request->unit, "status", request->status };
    for (size_t index = 0; index < 8; index += 2)
        if (texts [index + 1])
            hs_map_str (&map, texts [index], texts [index + 1]);
    if (request->overdue >= 0) {
        hs_map_key (&map, "overdue");
        hs_pack_bool (pack, request->overdue == 1);
    }
    if (request->since)
        hs_map_int (&map, "since", request->since);
    if (request->until)
        hs_map_int (&map, "until", request->until);
    if (request->limit)
        hs_map_int (&map, "limit", request->limit);
    if (request->before)
        hs_map_int (&map, "before", (int64_t) request->before);
    hs_map_end (&map);
    return 0;
}

int
hs_replay_request_encode (hs_pack_t *pack, uint64_t since, int64_t limit)
{
    hs_map_t map;
    hs_map_begin (&map, pack);
    hs_map_int (&map, "since", (int64_t) since);
    if (limit)
        hs_map_int (&map, "limit", limit);
    hs_map_end (&map);
    return 0;
}

int
hs_case_request_encode (hs_pack_t *pack, const char *case_id, uint64_t from)
{
    hs_map_t map;
    hs_map_begin (&map, pack);
    hs_map_str (&map, "id", case_id);
    if (from)
        hs_map_int (&map, "from", (int64_t) from);
    hs_map_end (&map);
    return 0;
}

int
hs_reply_error (hs_pack_t *pack, const char *code, const char *detail)
{
    hs_map_t map;
    hs_map_begin (&map, pack);
    hs_map_int (&map, "v", HS_PROTO_VERSION);
    hs_map_str (&map, "error", detail);
    hs_map_str (&map, "code", code? code: "error");
    hs_map_end (&map);
    return 0;
}

//  ---------------------------------------------------------------------
//  Acknowledged submit

static const char *s_status_names [] = { "error", "ok", "duplicate", "rejected" };

const char *
hs_submit_status_name (hs_submit_status_t status)
{
    return status <= HS_SUBMIT_REJECTED? s_status_names [status]: "error";
}

int
hs_submit_reply_encode (const hs_submit_reply_t *reply, hs_pack_t *pack)
{
    hs_map_t map;
    hs_map_begin (&map, pack);
    hs_map_int (&map, "v", HS_PROTO_VERSION);
    if (reply->status == HS_SUBMIT_OK || reply->status == HS_SUBMIT_DUPLICATE)
        hs_map_int (&map, "seq", (int64_t) reply->seq);
    else {
        hs_map_str (&map, "reason", reply->reason);
        hs_map_str (&map, "detail", reply->detail);
    }
    hs_map_end (&map);
    return 0;
}

int
hs_submit_reply_decode (const char *status, const void *body, size_t size,
                        hs_submit_reply_t *reply)
{
    memset (reply, 0, sizeof (*reply));
    int kind = -1;
    for (int index = 0; index <= HS_SUBMIT_REJECTED; index++)
        if (status && strcmp (status, s_status_names [index]) == 0)
            kind = index;
    if (kind < 0)
        return -1;
    reply->status = (hs_submit_status_t) kind;
    msgpack_unpacked unpacked;
    msgpack_unpacked_init (&unpacked);
    int rc = body? hs_proto_unpack_stored (body, size, &unpacked): -1;
    if (rc == 0) {
        int64_t seq = hs_proto_int (&unpacked.data, "seq", 0);
        reply->seq = seq > 0? (uint64_t) seq: 0;
        if (hs_proto_strcpy (hs_proto_get (&unpacked.data, "reason"), reply->reason,
                             sizeof (reply->reason)))
            *reply->reason = 0;
        if (hs_proto_strcpy (hs_proto_get (&unpacked.data, "detail"), reply->detail,
                             sizeof (reply->detail)))
            *reply->detail = 0;
        if ((reply->status == HS_SUBMIT_OK || reply->status == HS_SUBMIT_DUPLICATE) && !reply->seq)
            rc = -1;
    }
    msgpack_unpacked_destroy (&unpacked);
    return rc;
}

//  ---------------------------------------------------------------------
//  The api's answers

int
hs_reply_health (hs_pack_t *pack, const hs_health_t *health)
{
    const hs_health_counters_t *c = &health->counters;
    hs_map_t map, counters, store;
    hs_map_begin (&map, pack);
    hs_map_int (&map, "v", HS_PROTO_VERSION);
    hs_map_str (&map, "status", health->status);
    hs_map_str (&map, "version", health->version);
    hs_map_str (&map, "district", health->district);
    hs_map_str (&map, "rules_version", health->rules_version);
    hs_map_int (&map, "uptime_ms", health->uptime_ms);
    hs_map_int (&map, "at", health->at);
    hs_map_key (&map, "time_scale");
    msgpack_object scale = { .type = MSGPACK_OBJECT_FLOAT64, .via.f64 = health->time_scale };
    hs_pack_object (pack, &scale);
    hs_map_key (&map, "counters");
    hs_map_begin (&counters, pack);
    struct { const char *name; int64_t value; } list [] = {
        { "received", (int64_t) c->received }, { "reports", (int64_t) c->reports },
        { "updates", (int64_t) c->updates }, { "rsvps", (int64_t) c->rsvps },
        { "minutes", (int64_t) c->minutes }, { "duplicates", (int64_t) c->duplicates },
        { "rejected", (int64_t) c->rejected }, { "lost", (int64_t) c->lost },
        { "cases_opened", (int64_t) c->cases_opened }, { "escalated", (int64_t) c->escalated },
        { "resolved", (int64_t) c->resolved }, { "acts", (int64_t) c->acts },
        { "alerts", (int64_t) c->alerts },
        { "overdue", (int64_t) c->overdue }, { "meetings", (int64_t) c->meetings },
        { "reminders", (int64_t) c->reminders }, { "escalations", (int64_t) c->escalations },
        { "warnings", (int64_t) c->warnings }, { "briefs", (int64_t) c->briefs },
        { "timers", (int64_t) c->timers }, { "heartbeats", (int64_t) c->heartbeats },
        { "spoofing", (int64_t) c->spoofing }, { "published", (int64_t) c->published },
        { "deadletters_dropped", (int64_t) c->deadletters_dropped },
        { "deadletters_skipped", (int64_t) c->deadletters_skipped },
        { "publish_overflows", (int64_t) c->publish_overflows },
        { "subscriptions", (int64_t) c->subscriptions }, { "batches", (int64_t) c->batches },
        { "batch_last", (int64_t) c->batch_last }, { "batch_largest", (int64_t) c->batch_largest },
        { "commit_us_last", c->commit_us_last }, { "commit_us_max", c->commit_us_max },
        { "next_seq", (int64_t) c->next_seq },
        { "api_dropped", (int64_t) c->api_dropped }, { "api_revoked", (int64_t) c->api_revoked },
        { "connections_refused", (int64_t) c->connections_refused },
        { "subscriptions_refused", (int64_t) c->subscriptions_refused },
        { "subscribers_cut", (int64_t) c->subscribers_cut },
        { "subscribers", (int64_t) c->subscribers }
    };
    for (size_t index = 0; index < sizeof (list) / sizeof (list [0]); index++)
        hs_map_int (&counters, list [index].name, list [index].value);
    hs_map_end (&counters);
    hs_map_key (&map, "rejections");
    hs_pack_map (pack, health->rejection_count);
    for (size_t index = 0; index < health->rejection_count; index++) {
        hs_pack_str (pack, health->rejections [index].name);
        hs_pack_int (pack, health->rejections [index].count);
    }
    const hs_health_store_t *s = &health->store;
    hs_map_key (&map, "store");
    hs_map_begin (&store, pack);
    hs_map_str (&store, "path", s->path);
    hs_map_int (&store, "events", (int64_t) s->events);
    hs_map_int (&store, "dedup", (int64_t) s->dedup);
    hs_map_int (&store, "cases", (int64_t) s->cases);
    hs_map_int (&store, "open_cases", (int64_t) s->open_cases);
    hs_map_int (&store, "index_keys", (int64_t) s->index_keys);
    hs_map_int (&store, "deadletters", (int64_t) s->deadletters);
    hs_map_int (&store, "map_size", s->map_size);
    hs_map_int (&store, "map_used", s->map_used);
    hs_map_key (&store, "full");
    hs_pack_bool (pack, s->full);
    hs_map_str (&store, "check", s->check? s->check: "off");
    hs_map_end (&store);
    hs_map_key (&map, "feeders");
    hs_pack_array (pack, health->feeder_count);
    for (size_t index = 0; index < health->feeder_count; index++) {
        hs_map_t feeder;
        hs_map_begin (&feeder, pack);
        hs_map_str (&feeder, "unit", health->feeders [index].unit);
        hs_map_int (&feeder, "last", health->feeders [index].last);
        hs_map_str (&feeder, "state", health->feeders [index].state);
        hs_map_end (&feeder);
    }
    const hs_health_holidays_t *h = &health->holidays;
    hs_map_t holidays;
    hs_map_key (&map, "holidays");
    hs_map_begin (&holidays, pack);
    hs_map_key (&holidays, "years");
    hs_pack_array (pack, h->year_count);
    for (size_t index = 0; index < h->year_count; index++)
        hs_pack_int (pack, h->years [index]);
    hs_map_str (&holidays, "until", h->until);
    hs_map_int (&holidays, "days_left", h->days_left);
    hs_map_int (&holidays, "warn_days", h->warn_days);
    hs_map_key (&holidays, "warn");
    hs_pack_bool (pack, h->warn);
    hs_map_end (&holidays);
    hs_map_end (&map);
    return 0;
}

int
hs_reply_rules (hs_pack_t *pack, const char *version, const char *rules_file,
                const char *units_file, const char *config)
{
    hs_map_t map;
    hs_map_begin (&map, pack);
    hs_map_int (&map, "v", HS_PROTO_VERSION);
    hs_map_str (&map, "version", version);
    hs_map_str (&map, "rules_file", rules_file);
    hs_map_str (&map, "units_file", units_file);
    hs_map_str (&map, "config", config);
    hs_map_end (&map);
    return 0;
}

int
hs_reply_text (hs_pack_t *pack, const char *text)
{
    hs_map_t map;
    hs_map_begin (&map, pack);
    hs_map_int (&map, "v", HS_PROTO_VERSION);
    hs_map_str (&map, "text", text);
    hs_map_end (&map);
    return 0;
}

int
hs_reply_meeting (hs_pack_t *pack, const char *meeting_id, int64_t deadline)
{
    hs_map_t map;
    hs_map_begin (&map, pack);
    hs_map_int (&map, "v", HS_PROTO_VERSION);
    hs_map_str (&map, "meeting", meeting_id);
    hs_map_int (&map, "deadline", deadline);
    hs_map_end (&map);
    return 0;
}

int
hs_reply_case (hs_pack_t *pack, const hs_bytes_t *record, const hs_bytes_t *history,
               size_t history_count, uint64_t next)
{
    hs_map_t map;
    hs_map_begin (&map, pack);
    hs_map_int (&map, "v", HS_PROTO_VERSION);
    if (next)
        hs_map_int (&map, "next", (int64_t) next);
    hs_map_key (&map, "case");
    hs_pack_raw (pack, record->data, record->size);
    hs_map_key (&map, "history");
    hs_pack_array (pack, history_count);
    for (size_t index = 0; index < history_count; index++)
        if (history [index].data)
            hs_pack_raw (pack, history [index].data, history [index].size);
        else
            hs_pack_nil (pack);
    hs_map_end (&map);
    return 0;
}

int
hs_reply_cases (hs_pack_t *pack, int64_t count, const hs_bytes_t *records, size_t size,
                uint64_t next)
{
    hs_map_t map;
    hs_map_begin (&map, pack);
    hs_map_int (&map, "v", HS_PROTO_VERSION);
    if (count >= 0)
        hs_map_int (&map, "count", count);
    if (next)
        hs_map_int (&map, "next", (int64_t) next);
    hs_map_key (&map, "cases");
    hs_pack_array (pack, size);
    for (size_t index = 0; index < size; index++)
        hs_pack_raw (pack, records [index].data, records [index].size);
    hs_map_end (&map);
    return 0;
}

int
hs_reply_replay (hs_pack_t *pack, uint64_t next, uint64_t last,
                 const hs_replay_entry_t *entries, size_t size)
{
    hs_map_t map;
    hs_map_begin (&map, pack);
    hs_map_int (&map, "v", HS_PROTO_VERSION);
    hs_map_int (&map, "next", (int64_t) next);
    hs_map_int (&map, "last", (int64_t) last);
    hs_map_key (&map, "events");
    hs_pack_array (pack, size);
    for (size_t index = 0; index < size; index++) {
        hs_map_t entry;
        hs_map_begin (&entry, pack);
        hs_map_int (&entry, "seq", (int64_t) entries [index].seq);
        hs_map_str (&entry, "topic", entries [index].topic);
        hs_map_key (&entry, "body");
        hs_pack_raw (pack, entries [index].body, entries [index].body_size);
        hs_map_end (&entry);
    }
    hs_map_end (&map);
    return 0;
}

void
hs_reply_test (bool verbose)
{
    if (verbose)
        printf (" * hs_reply: ");
    hs_pack_t *pack = hs_pack_new ();
    hs_submit_reply_t reply = { .status = HS_SUBMIT_DUPLICATE, .seq = 77 }, read;
    hs_submit_reply_encode (&reply, pack);
    assert (hs_submit_reply_decode ("duplicate", hs_pack_data (pack), hs_pack_size (pack), &read) == 0);
    assert (read.status == HS_SUBMIT_DUPLICATE && read.seq == 77);
    assert (hs_submit_reply_decode ("maybe", hs_pack_data (pack), hs_pack_size (pack), &read) == -1);
    hs_pack_reset (pack);
    reply.status = HS_SUBMIT_REJECTED;
    strcpy (reply.reason, "not_routed");
    strcpy (reply.detail, "unit 'court' is not routed on case 'putuo-1'");
    hs_submit_reply_encode (&reply, pack);
    assert (hs_submit_reply_decode ("rejected", hs_pack_data (pack), hs_pack_size (pack), &read) == 0);
    assert (read.status == HS_SUBMIT_REJECTED && strcmp (read.reason, "not_routed") == 0);
    assert (strcmp (hs_submit_status_name (HS_SUBMIT_OK), "ok") == 0);
    //  "ok" without a seq is no answer a client can trust.
    hs_pack_reset (pack);
    hs_reply_error (pack, "x", "y");
    assert (hs_submit_reply_decode ("ok", hs_pack_data (pack), hs_pack_size (pack), &read) == -1);

    //  Replay entries carry the body as it was published.
    hs_pack_t *body = hs_pack_new ();
    hs_map_t map;
    hs_map_begin (&map, body);
    hs_map_str (&map, "kind", "new");
    hs_map_end (&map);
    hs_replay_entry_t entries [] = {
        { 3, "alert.general.wanli", hs_pack_data (body), hs_pack_size (body) },
        { 5, "meeting.request", hs_pack_data (body), hs_pack_size (body) }
    };
    hs_pack_reset (pack);
    hs_reply_replay (pack, 6, 9, entries, 2);
    msgpack_unpacked unpacked;
    msgpack_unpacked_init (&unpacked);
    assert (hs_proto_unpack_stored (hs_pack_data (pack), hs_pack_size (pack), &unpacked) == 0);
    const msgpack_object *events = hs_proto_get (&unpacked.data, "events");
    assert (events && events->via.array.size == 2);
    assert (hs_proto_int (&events->via.array.ptr [1], "seq", 0) == 5);
    char kind [16];
    assert (hs_proto_strcpy (hs_proto_get (hs_proto_get (&events->via.array.ptr [0], "body"), "kind"),
                             kind, sizeof (kind)) == 0 && strcmp (kind, "new") == 0);
    assert (hs_proto_int (&unpacked.data, "last", 0) == 9);
    msgpack_unpacked_destroy (&unpacked);

    //  A count that is not known is left out; a next page is named.
    hs_bytes_t records [] = { { hs_pack_data (body), hs_pack_size (body) } };
    hs_pack_reset (pack);
    hs_reply_cases (pack, -1, records, 1, 41);
    msgpack_unpacked_init (&unpacked);
    assert (hs_proto_unpack_stored (hs_pack_data (pack), hs_pack_size (pack), &unpacked) == 0);
    assert (!hs_proto_get (&unpacked.data, "count") && hs_proto_int (&unpacked.data, "next", 0) == 41);
    msgpack_unpacked_destroy (&unpacked);
    hs_pack_destroy (&body);
    hs_pack_destroy (&pack);
    if (verbose)
        printf ("OK\n");
}
