/*  =========================================================================
    hs_engine - the pipeline: ingest -> validate -> correlate -> classify
                -> route -> escalate -> commit -> publish

    A batch is handled inside one write transaction. Every outbound message
    the batch causes is stored as an event under its own seq and queued in
    the outbox; the outbox goes out only after the commit succeeds. If the
    commit fails because the map is full, the map grows and the same batch
    is handled again from the start (it is still in hand, and handling is
    deterministic given the store), so nothing is lost and no seq repeats.
    Counters are staged the same way and become visible at commit.
    =========================================================================
*/

#include "hs_engine.h"
#include "hs_store.h"
#include "hs_cases.h"
#include "hs_reject.h"
#include "hs_bus.h"

#define HS_VERSION "0.1.0"

typedef struct {
    uint64_t reports;           //  reports accepted and stored
    uint64_t updates;           //  updates accepted and stored
    uint64_t duplicates;        //  repeats of a seen source+id
    uint64_t cases_opened;
    uint64_t escalated;         //  level rises through correlation
    uint64_t resolved;          //  cases resolved or closed
    uint64_t alerts;
    uint64_t meetings;
    uint64_t escalations;       //  escalate.district / escalate.city
} s_counts_t;

struct _hs_engine_t {
    hs_config_t *config;        //  borrowed
    hs_store_t *store;          //  the LMDB environment
    hs_bus_t *bus;              //  the sockets
    hs_reject_t *reject;        //  rejection accounting
    hs_pack_t *body;            //  scratch: an outbound body
    hs_pack_t *record;          //  scratch: an event or case record
    hs_case_t *kase;            //  scratch: the case in hand
    zlist_t *outbox;            //  messages to publish after commit
    s_counts_t counts;          //  committed
    s_counts_t staged;          //  in the open batch
    uint64_t received;          //  inbound messages read
    uint64_t lost;              //  messages the store could not take
    uint64_t batches;           //  transactions committed
    uint64_t batch_last;        //  messages in the last batch
    uint64_t batch_largest;     //  most messages in one batch
    int64_t commit_us_last;     //  duration of the last commit
    int64_t commit_us_max;      //  longest commit
    int64_t started;            //  when we started, Unix ms
};

hs_engine_t *
hs_engine_new (hs_config_t *config, char *error, size_t error_size)
{
    hs_engine_t *self = (hs_engine_t *) zmalloc (sizeof (hs_engine_t));
    self->config = config;
    self->store = hs_store_new (config->store_path, config->map_size, config->map_size_max,
                                error, error_size);
    if (!self->store) {
        hs_engine_destroy (&self);
        return NULL;
    }
    self->bus = hs_bus_new (config, error, error_size);
    if (!self->bus) {
        hs_engine_destroy (&self);
        return NULL;
    }
    self->reject = hs_reject_new (config->reject_interval_ms);
    self->body = hs_pack_new ();
    self->record = hs_pack_new ();
    self->kase = (hs_case_t *) zmalloc (sizeof (hs_case_t));
    self->outbox = zlist_new ();
    self->started = zclock_time ();
    return self;
}

static void
s_outbox_clear (hs_engine_t *self)
{
    zmsg_t *msg;
    while ((msg = (zmsg_t *) zlist_pop (self->outbox)))
        zmsg_destroy (&msg);
}

void
hs_engine_destroy (hs_engine_t **self_p)
{
    assert (self_p);
    if (*self_p) {
        hs_engine_t *self = *self_p;
        if (self->outbox) {
            s_outbox_clear (self);
            zlist_destroy (&self->outbox);
        }
        hs_bus_destroy (&self->bus);
        hs_store_destroy (&self->store);
        hs_reject_destroy (&self->reject);
        hs_pack_destroy (&self->body);
        hs_pack_destroy (&self->record);
        free (self->kase);
        free (self);
        *self_p = NULL;
    }
}

//  ---------------------------------------------------------------------
//  Events and outbound messages

//  Store an event record around a body.
static int
s_record (hs_engine_t *self, uint64_t seq, const char *type, const char *topic,
          const char *case_id, const uint8_t *body, size_t body_size, int64_t now)
{
    hs_event_t event = {
        .seq = seq, .at = now, .type = type, .topic = topic, .case_id = case_id,
        .body = body, .body_size = body_size
    };
    hs_pack_reset (self->record);
    hs_event_encode (&event, self->record);
    return hs_store_event_put (self->store, seq, hs_pack_data (self->record),
                               hs_pack_size (self->record));
}

//  Store the body in self->body as an event and queue it for publishing.
static int
s_emit (hs_engine_t *self, uint64_t seq, const char *type, const char *topic,
        const char *case_id, int64_t now)
{
    if (s_record (self, seq, type, topic, case_id, hs_pack_data (self->body),
                  hs_pack_size (self->body), now))
        return -1;
    zmsg_t *msg = zmsg_new ();
    zmsg_addstr (msg, topic);
    zmsg_addmem (msg, hs_pack_data (self->body), hs_pack_size (self->body));
    zlist_append (self->outbox, msg);
    return 0;
}

static int
s_alert (hs_engine_t *self, hs_case_t *kase, const char *kind, int previous_level,
         const char *source, const char *message_id, int64_t now)
{
    const char *units [HS_CASE_MAX_UNITS + 1];
    const char *reasons [HS_CASE_MAX_REASONS + 1];
    hs_case_units (kase, units);
    hs_case_reasons (kase, reasons);
    hs_alert_t alert = {
        .seq = hs_store_next_seq (self->store), .kind = kind, .case_id = kase->id,
        .level = kase->level, .previous_level = previous_level, .category = kase->category,
        .street = kase->street, .enterprise = kase->enterprise, .workers = kase->workers,
        .amount = kase->amount, .flags = kase->flags, .units = units, .reasons = reasons,
        .report_source = source, .report_id = message_id,
        .from_update = streq (kind, "resolved"), .at = now
    };
    hs_pack_reset (self->body);
    hs_alert_encode (&alert, self->body);
    char topic [HS_TOPIC_MAX + 1];
    snprintf (topic, sizeof (topic), "alert.%s.%s", hs_level_name (kase->level),
              hs_units_street_short (kase->street));
    self->staged.alerts++;
    kase->last_seq = alert.seq;
    return s_emit (self, alert.seq, "alert", topic, kase->id, now);
}

//  What the ladder sets off when a case reaches a new level.
static int
s_ladder (hs_engine_t *self, hs_case_t *kase, int from_level, const hs_decision_t *decision,
          int64_t now)
{
    hs_ladder_actions_t actions;
    hs_rules_actions (self->config->rules, from_level, kase->level, &actions);
    const char *reasons [HS_CASE_MAX_REASONS + 1];
    hs_case_reasons (kase, reasons);
    if (actions.meeting) {
        uint64_t seq = hs_store_next_seq (self->store);
        char meeting_id [HS_ID_MAX + 1];
        snprintf (meeting_id, sizeof (meeting_id), "%s-m%llu", self->config->district,
                  (unsigned long long) seq);
        hs_meeting_t meeting = {
            .seq = seq, .meeting_id = meeting_id, .case_id = kase->id, .level = kase->level,
            .participants = actions.meeting_members? hs_units_members (self->config->units):
                                                     decision->routed,
            .urgency = actions.meeting, .deadline = now + actions.deadline_ms,
            .reasons = reasons, .at = now
        };
        hs_pack_reset (self->body);
        hs_meeting_encode (&meeting, self->body);
        self->staged.meetings++;
        kase->last_seq = seq;
        if (s_emit (self, seq, "meeting", "meeting.request", kase->id, now))
            return -1;
    }
    const char *units [HS_CASE_MAX_UNITS + 1];
    hs_case_units (kase, units);
    for (size_t index = 0; actions.escalate [index]; index++) {
        uint64_t seq = hs_store_next_seq (self->store);
        hs_escalation_t escalation = {
            .seq = seq, .to = actions.escalate [index], .from = self->config->district,
            .case_id = kase->id, .level = kase->level, .category = kase->category,
            .street = kase->street, .enterprise = kase->enterprise, .workers = kase->workers,
            .amount = kase->amount, .flags = kase->flags, .units = units, .reasons = reasons,
            .at = now
        };
        hs_pack_reset (self->body);
        hs_escalation_encode (&escalation, self->body);
        char topic [HS_TOPIC_MAX + 1];
        snprintf (topic, sizeof (topic), "escalate.%s", actions.escalate [index]);
        self->staged.escalations++;
        kase->last_seq = seq;
        if (s_emit (self, seq, "escalate", topic, kase->id, now))
            return -1;
    }
    return 0;
}

//  ---------------------------------------------------------------------
//  Inbound messages

//  Reject a message: count, log, keep a dead letter. Returns 0, or -1 if
//  the store failed.
static int
s_reject (hs_engine_t *self, const hs_why_t *why, zmsg_t *msg, int64_t now)
{
    hs_reject_note (self->reject, why, msg, now, self->record);
    return hs_store_deadletter_put (self->store, hs_pack_data (self->record),
                                    hs_pack_size (self->record));
}

static int
s_handle_report (hs_engine_t *self, zmsg_t *msg, const msgpack_object *map,
                 const char *unit, const uint8_t *body, size_t body_size, int64_t now)
{
    hs_why_t why;
    hs_report_t report;
    hs_units_t *units = self->config->units;
    if (hs_report_decode (map, &self->config->limits, now, &report, &why))
        return s_reject (self, &why, msg, now);
    if (!streq (report.source, unit)) {
        hs_why (&why, "source_mismatch", "source '%s' does not match topic unit '%s'",
                report.source, unit);
        return s_reject (self, &why, msg, now);
    }
    const hs_unit_t *street = NULL;
    if (*report.street) {
        street = hs_units_street (units, report.street);
        if (!street) {
            hs_why (&why, "unknown_street", "'%s' is not a street or town of ours", report.street);
            return s_reject (self, &why, msg, now);
        }
    }
    else {
        street = hs_units_street (units, report.source);
        if (!street) {
            hs_why (&why, "missing_field", "required field 'street' is missing "
                    "(only a street's own reports may leave it out)");
            return s_reject (self, &why, msg, now);
        }
    }
    char key [HS_ID_MAX + HS_CODE_MAX + 8];
    snprintf (key, sizeof (key), "r/%s/%s", report.source, report.id);
    uint64_t seen;
    int rc = hs_store_dedup_get (self->store, key, &seen);
    if (rc < 0)
        return -1;
    if (rc == 0) {
        self->staged.duplicates++;
        return 0;
    }
    uint64_t seq = hs_store_next_seq (self->store);
    hs_case_t *kase = self->kase;
    rc = hs_cases_find (self->store, &report, street->code, kase);
    if (rc < 0)
        return -1;
    bool is_new = rc == 1;
    int previous_level = -1;
    if (is_new) {
        char case_id [HS_ID_MAX + 1];
        snprintf (case_id, sizeof (case_id), "%s-%llu", self->config->district,
                  (unsigned long long) seq);
        hs_case_open (kase, case_id, seq, &report, street->code);
        self->staged.cases_opened++;
    }
    else {
        previous_level = kase->level;
        hs_case_merge (kase, seq, &report);
    }
    const char *sources [HS_CASE_MAX_SOURCES + 1];
    hs_facts_t facts;
    hs_case_facts (kase, &facts, sources);
    hs_decision_t decision;
    hs_rules_classify (self->config->rules, &facts, &decision);
    hs_case_classified (kase, &decision, hs_rules_version (self->config->rules));

    char topic [HS_TOPIC_MAX + 1];
    snprintf (topic, sizeof (topic), "report.%s", unit);
    if (s_record (self, seq, "report", topic, kase->id, body, body_size, now)
    ||  hs_store_dedup_put (self->store, key, seq))
        return -1;
    self->staged.reports++;
    if (is_new)
        rc = s_alert (self, kase, "new", -1, report.source, report.id, now);
    else
    if (kase->level > previous_level) {
        self->staged.escalated++;
        rc = s_alert (self, kase, "escalated", previous_level, report.source, report.id, now);
    }
    if (rc == 0 && kase->level > previous_level)
        rc = s_ladder (self, kase, previous_level, &decision, now);
    if (rc == 0)
        rc = hs_cases_save (self->store, kase, self->record);
    return rc;
}

static int
s_handle_update (hs_engine_t *self, zmsg_t *msg, const msgpack_object *map,
                 const char *unit, const uint8_t *body, size_t body_size, int64_t now)
{
    hs_why_t why;
    hs_update_t update;
    if (hs_update_decode (map, &self->config->limits, now, &update, &why))
        return s_reject (self, &why, msg, now);
    if (!streq (update.source, unit)) {
        hs_why (&why, "source_mismatch", "source '%s' does not match topic unit '%s'",
                update.source, unit);
        return s_reject (self, &why, msg, now);
    }
    char key [HS_ID_MAX + HS_CODE_MAX + 8];
    snprintf (key, sizeof (key), "u/%s/%s", update.source, update.id);
    uint64_t seen;
    int rc = hs_store_dedup_get (self->store, key, &seen);
    if (rc < 0)
        return -1;
    if (rc == 0) {
        self->staged.duplicates++;
        return 0;
    }
    hs_case_t *kase = self->kase;
    rc = hs_cases_load (self->store, update.case_id, kase);
    if (rc < 0)
        return -1;
    if (rc == 1) {
        hs_why (&why, "unknown_case", "no case '%s'", update.case_id);
        return s_reject (self, &why, msg, now);
    }
    if (!streq (update.source, "office") && !hs_case_has_unit (kase, update.source)) {
        hs_why (&why, "not_routed", "unit '%s' is not routed on case '%s'",
                update.source, update.case_id);
        return s_reject (self, &why, msg, now);
    }
    uint64_t seq = hs_store_next_seq (self->store);
    char topic [HS_TOPIC_MAX + 1];
    snprintf (topic, sizeof (topic), "update.%s", unit);
    if (s_record (self, seq, "update", topic, kase->id, body, body_size, now)
    ||  hs_store_dedup_put (self->store, key, seq))
        return -1;
    self->staged.updates++;
    kase->status = update.status;
    kase->last_seq = seq;
    if (update.at > kase->updated)
        kase->updated = update.at;
    bool closing = update.status == HS_STATUS_RESOLVED || update.status == HS_STATUS_CLOSED;
    rc = 0;
    if (closing && !kase->closed) {
        kase->closed = true;
        self->staged.resolved++;
        rc = s_alert (self, kase, "resolved", -1, update.source, update.id, now);
    }
    if (rc == 0)
        rc = hs_cases_save (self->store, kase, self->record);
    return rc;
}

//  Handle one inbound message inside the open transaction. Returns 0 (it
//  was accepted, a duplicate or rejected), or -1 if the store failed.
static int
s_handle (hs_engine_t *self, zmsg_t *msg, int64_t now)
{
    hs_why_t why;
    if (zmsg_size (msg) != 2) {
        hs_why (&why, "frames", "%zu frames, expected 2 (topic, body)", zmsg_size (msg));
        return s_reject (self, &why, msg, now);
    }
    zframe_t *topic_frame = zmsg_first (msg);
    zframe_t *body_frame = zmsg_next (msg);
    size_t topic_size = zframe_size (topic_frame);
    char topic [HS_TOPIC_MAX + 1];
    bool printable = topic_size > 0 && topic_size <= HS_TOPIC_MAX;
    for (size_t index = 0; printable && index < topic_size; index++) {
        char c = (char) zframe_data (topic_frame) [index];
        printable = c > 0x20 && c < 0x7f;
    }
    if (!printable) {
        hs_why (&why, "bad_topic", "topic must be 1..%d printable ASCII bytes", HS_TOPIC_MAX);
        return s_reject (self, &why, msg, now);
    }
    memcpy (topic, zframe_data (topic_frame), topic_size);
    topic [topic_size] = 0;
    bool is_report = strncmp (topic, "report.", 7) == 0;
    bool is_update = strncmp (topic, "update.", 7) == 0;
    if (!is_report && !is_update) {
        hs_why (&why, "unknown_topic", "topic '%s' is neither report.<unit> nor update.<unit>", topic);
        return s_reject (self, &why, msg, now);
    }
    const char *unit = topic + 7;
    const hs_unit_t *known = hs_units_find (self->config->units, unit);
    if (!known) {
        hs_why (&why, "unknown_unit", "'%s' is not a unit of ours", unit);
        return s_reject (self, &why, msg, now);
    }
    const uint8_t *body = zframe_data (body_frame);
    size_t body_size = zframe_size (body_frame);
    msgpack_unpacked unpacked;
    msgpack_unpacked_init (&unpacked);
    int rc;
    if (hs_proto_unpack_map (body, body_size, &self->config->limits, &unpacked, &why))
        rc = s_reject (self, &why, msg, now);
    else
    if (is_report)
        rc = s_handle_report (self, msg, &unpacked.data, unit, body, body_size, now);
    else
        rc = s_handle_update (self, msg, &unpacked.data, unit, body, body_size, now);
    msgpack_unpacked_destroy (&unpacked);
    return rc;
}

static void
s_counts_add (s_counts_t *total, const s_counts_t *staged)
{
    total->reports += staged->reports;
    total->updates += staged->updates;
    total->duplicates += staged->duplicates;
    total->cases_opened += staged->cases_opened;
    total->escalated += staged->escalated;
    total->resolved += staged->resolved;
    total->alerts += staged->alerts;
    total->meetings += staged->meetings;
    total->escalations += staged->escalations;
}

//  One attempt at the whole batch in one transaction. Returns 0 if it
//  committed, -1 if not (everything staged is dropped).
static int
s_attempt (hs_engine_t *self, zlist_t *batch, int64_t now)
{
    memset (&self->staged, 0, sizeof (self->staged));
    if (hs_store_begin (self->store))
        return -1;
    int rc = 0;
    for (zmsg_t *msg = (zmsg_t *) zlist_first (batch); msg && rc == 0;
         msg = (zmsg_t *) zlist_next (batch))
        rc = s_handle (self, msg, now);
    if (rc) {
        hs_store_abort (self->store);
    }
    else {
        int64_t start = zclock_usecs ();
        rc = hs_store_commit (self->store);
        self->commit_us_last = zclock_usecs () - start;
        if (self->commit_us_last > self->commit_us_max)
            self->commit_us_max = self->commit_us_last;
    }
    if (rc) {
        hs_reject_abort (self->reject);
        s_outbox_clear (self);
        return -1;
    }
    hs_reject_commit (self->reject);
    s_counts_add (&self->counts, &self->staged);
    return 0;
}

int
hs_engine_batch (hs_engine_t *self, zlist_t *batch)
{
    int size = (int) zlist_size (batch);
    if (size == 0)
        return 0;
    int64_t now = zclock_time ();
    int rc = s_attempt (self, batch, now);
    while (rc && hs_store_map_full (self->store) && hs_store_grow (self->store) == 0)
        rc = s_attempt (self, batch, now);
    zmsg_t *msg;
    while ((msg = (zmsg_t *) zlist_pop (batch)))
        zmsg_destroy (&msg);
    if (rc) {
        self->lost += size;
        zsys_error ("hs_engine: the store could not take a batch of %d messages; they are lost "
                    "(%llu so far)", size, (unsigned long long) self->lost);
        return -1;
    }
    self->batches++;
    self->batch_last = size;
    if ((uint64_t) size > self->batch_largest)
        self->batch_largest = size;
    //  Committed: now, and only now, tell the world.
    while ((msg = (zmsg_t *) zlist_pop (self->outbox)))
        hs_bus_publish (self->bus, &msg);
    return size;
}

//  Read what is waiting on the ingest socket, up to batch_max, and handle it.
static void
s_ingest (hs_engine_t *self)
{
    zlist_t *batch = zlist_new ();
    zsock_t *ingest = hs_bus_ingest (self->bus);
    while ((int) zlist_size (batch) < self->config->batch_max) {
        zmsg_t *msg = zmsg_recv (ingest);
        if (!msg)
            break;
        self->received++;
        zlist_append (batch, msg);
    }
    hs_engine_batch (self, batch);
    zlist_destroy (&batch);
}

//  ---------------------------------------------------------------------
//  The api

//  The health / stats reply body.
static void
s_pack_health (hs_engine_t *self, hs_pack_t *pack)
{
    hs_store_stats_t store;
    bool store_ok = hs_store_stats (self->store, &store) == 0;
    int64_t now = zclock_time ();
    hs_map_t map, counters, store_map;
    hs_map_begin (&map, pack);
    hs_map_int (&map, "v", HS_PROTO_VERSION);
    hs_map_str (&map, "status", store_ok && !self->lost? "ok": "degraded");
    hs_map_str (&map, "version", HS_VERSION);
    hs_map_str (&map, "district", self->config->district);
    hs_map_str (&map, "rules_version", hs_rules_version (self->config->rules));
    hs_map_int (&map, "uptime_ms", now - self->started);
    hs_map_int (&map, "at", now);
    hs_map_key (&map, "counters");
    hs_map_begin (&counters, pack);
    hs_map_int (&counters, "received", (int64_t) self->received);
    hs_map_int (&counters, "reports", (int64_t) self->counts.reports);
    hs_map_int (&counters, "updates", (int64_t) self->counts.updates);
    hs_map_int (&counters, "duplicates", (int64_t) self->counts.duplicates);
    hs_map_int (&counters, "rejected", (int64_t) hs_reject_total (self->reject));
    hs_map_int (&counters, "lost", (int64_t) self->lost);
    hs_map_int (&counters, "cases_opened", (int64_t) self->counts.cases_opened);
    hs_map_int (&counters, "escalated", (int64_t) self->counts.escalated);
    hs_map_int (&counters, "resolved", (int64_t) self->counts.resolved);
    hs_map_int (&counters, "alerts", (int64_t) self->counts.alerts);
    hs_map_int (&counters, "meetings", (int64_t) self->counts.meetings);
    hs_map_int (&counters, "escalations", (int64_t) self->counts.escalations);
    hs_map_int (&counters, "published", (int64_t) hs_bus_published (self->bus));
    hs_map_int (&counters, "publish_overflows", (int64_t) hs_bus_overflows (self->bus));
    hs_map_int (&counters, "subscriptions", hs_bus_subscriptions_count (self->bus));
    hs_map_int (&counters, "batches", (int64_t) self->batches);
    hs_map_int (&counters, "batch_last", (int64_t) self->batch_last);
    hs_map_int (&counters, "batch_largest", (int64_t) self->batch_largest);
    hs_map_int (&counters, "commit_us_last", self->commit_us_last);
    hs_map_int (&counters, "commit_us_max", self->commit_us_max);
    hs_map_int (&counters, "next_seq", (int64_t) store.next_seq);
    hs_map_end (&counters);
    hs_map_key (&map, "rejections");
    hs_reject_pack (self->reject, pack);
    hs_map_key (&map, "store");
    hs_map_begin (&store_map, pack);
    hs_map_str (&store_map, "path", self->config->store_path);
    hs_map_int (&store_map, "events", (int64_t) store.events);
    hs_map_int (&store_map, "dedup", (int64_t) store.dedup);
    hs_map_int (&store_map, "cases", (int64_t) store.cases);
    hs_map_int (&store_map, "open_cases", (int64_t) store.open_cases);
    hs_map_int (&store_map, "deadletters", (int64_t) store.deadletters);
    hs_map_int (&store_map, "map_size", store.map_size);
    hs_map_int (&store_map, "map_used", store.map_used);
    hs_map_end (&store_map);
    hs_map_end (&map);
}

void
hs_engine_api (hs_engine_t *self)
{
    zsock_t *api = hs_bus_api (self->bus);
    for (int count = 0; count < 1000; count++) {
        zmsg_t *request = zmsg_recv (api);
        if (!request)
            break;
        //  Envelope: the peer's identity, then an empty delimiter if the
        //  peer is a REQ socket (or a DEALER that follows REQ's framing).
        zframe_t *identity = zmsg_pop (request);
        zframe_t *delimiter = NULL;
        zframe_t *first = zmsg_first (request);
        if (first && zframe_size (first) == 0)
            delimiter = zmsg_pop (request);
        char *command = zmsg_popstr (request);
        zmsg_t *reply = zmsg_new ();
        zmsg_append (reply, &identity);
        if (delimiter)
            zmsg_append (reply, &delimiter);
        hs_pack_reset (self->body);
        if (command && (streq (command, "health") || streq (command, "stats"))) {
            zmsg_addstr (reply, "ok");
            s_pack_health (self, self->body);
        }
        else {
            zmsg_addstr (reply, "error");
            hs_map_t map;
            hs_map_begin (&map, self->body);
            hs_map_int (&map, "v", HS_PROTO_VERSION);
            hs_map_str (&map, "error", "unknown command: expected 'health' or 'stats'");
            hs_map_end (&map);
        }
        zmsg_addmem (reply, hs_pack_data (self->body), hs_pack_size (self->body));
        zmsg_send (&reply, api);
        zmsg_destroy (&reply);
        zstr_free (&command);
        zmsg_destroy (&request);
    }
}

//  ---------------------------------------------------------------------
//  The loop

int
hs_engine_run (hs_engine_t *self)
{
    zpoller_t *poller = zpoller_new (hs_bus_ingest (self->bus), hs_bus_api (self->bus),
                                     hs_bus_publish_socket (self->bus), NULL);
    assert (poller);
    zsys_notice ("huishangd: district %s, rules %.12s, ingest %s, publish %s, api %s, store %s",
                 self->config->district, hs_rules_version (self->config->rules),
                 self->config->ingest, self->config->publish, self->config->api,
                 self->config->store_path);
    while (!zsys_interrupted) {
        void *which = zpoller_wait (poller, 1000);
        if (which == hs_bus_ingest (self->bus))
            s_ingest (self);
        else
        if (which == hs_bus_api (self->bus))
            hs_engine_api (self);
        else
        if (which == hs_bus_publish_socket (self->bus))
            hs_bus_subscriptions (self->bus);
        else
        if (zpoller_terminated (poller))
            break;
        hs_reject_tick (self->reject, zclock_time ());
    }
    zpoller_destroy (&poller);
    hs_store_stats_t store;
    hs_store_stats (self->store, &store);
    zsys_notice ("huishangd: stopping: %llu reports stored, %llu rejected, next seq %llu",
                 (unsigned long long) self->counts.reports,
                 (unsigned long long) hs_reject_total (self->reject),
                 (unsigned long long) store.next_seq);
    return 0;
}

//  ---------------------------------------------------------------------
//  Self test: the pipeline end to end, in process, over inproc sockets.

static zmsg_t *
s_report_msg (const char *source, const char *id, const char *street, int64_t workers,
              uint32_t flags)
{
    hs_report_t report;
    memset (&report, 0, sizeof (report));
    snprintf (report.id, sizeof (report.id), "%s", id);
    snprintf (report.source, sizeof (report.source), "%s", source);
    snprintf (report.street, sizeof (report.street), "%s", street);
    snprintf (report.enterprise, sizeof (report.enterprise), "Test Garments Ltd");
    report.at = zclock_time ();
    report.ownership = -1;
    report.amount = -1;
    report.category = HS_CATEGORY_WAGE_ARREARS;
    report.workers = workers;
    report.flags = flags;
    hs_pack_t *pack = hs_pack_new ();
    hs_report_encode (&report, pack);
    zmsg_t *msg = zmsg_new ();
    zmsg_addstrf (msg, "report.%s", source);
    zmsg_addmem (msg, hs_pack_data (pack), hs_pack_size (pack));
    hs_pack_destroy (&pack);
    return msg;
}

void
hs_engine_test (bool verbose)
{
    if (verbose)
        printf (" * hs_engine: ");
    char error [256];
    hs_config_t *config = hs_config_load (NULL, error, sizeof (error));
    assert (config);
    char *path = zsys_sprintf ("/tmp/hs_engine_test.%d", getpid ());
    hs_config_set (&config->store_path, path);
    hs_config_set (&config->ingest, "inproc://hs_engine_test_ingest");
    hs_config_set (&config->publish, "inproc://hs_engine_test_publish");
    hs_config_set (&config->api, "inproc://hs_engine_test_api");
    hs_engine_t *engine = hs_engine_new (config, error, sizeof (error));
    assert (engine);
    zsock_t *watcher = zsock_new_sub ("inproc://hs_engine_test_publish", "");
    assert (watcher);
    zsock_set_rcvtimeo (watcher, 2000);
    //  Let the subscription reach the publisher before anything goes out.
    zclock_sleep (50);
    hs_bus_subscriptions (engine->bus);

    zlist_t *batch = zlist_new ();
    zlist_append (batch, s_report_msg ("street.caoyang", "a1", "", 12, 0));
    zlist_append (batch, s_report_msg ("street.caoyang", "a1", "", 12, 0));       //  duplicate
    zlist_append (batch, s_report_msg ("hrss", "h1", "wanli", 12, 0));            //  a short street name
    zmsg_t *bad = zmsg_new ();
    zmsg_addstr (bad, "report.hrss");
    zmsg_addmem (bad, "\xdd\xff\xff\xff\xff", 5);
    zlist_append (batch, bad);
    assert (hs_engine_batch (engine, batch) == 4);
    assert (engine->counts.reports == 2);
    assert (engine->counts.duplicates == 1);
    assert (hs_reject_total (engine->reject) == 1);
    assert (hs_reject_count (engine->reject, "too_large") == 1);

    //  Two new cases, two alerts, each with the seq it is stored under.
    for (int index = 0; index < 2; index++) {
        zmsg_t *alert = zmsg_recv (watcher);
        assert (alert);
        char *topic = zmsg_popstr (alert);
        assert (streq (topic, index == 0? "alert.significant.caoyang": "alert.significant.wanli"));
        zframe_t *body = zmsg_pop (alert);
        msgpack_unpacked unpacked;
        msgpack_unpacked_init (&unpacked);
        hs_why_t why;
        assert (hs_proto_unpack_map (zframe_data (body), zframe_size (body), &config->limits,
                                     &unpacked, &why) == 0);
        const msgpack_object *seq = hs_proto_get (&unpacked.data, "seq");
        assert (seq && seq->type == MSGPACK_OBJECT_POSITIVE_INTEGER);
        assert (seq->via.u64 == (index == 0? 2u: 4u));
        msgpack_unpacked_destroy (&unpacked);
        zframe_destroy (&body);
        zstr_free (&topic);
        zmsg_destroy (&alert);
    }

    //  Correlation: the same enterprise in the same street, now 35 workers
    //  with a gathering: the case rises to major, with a meeting request.
    zlist_append (batch, s_report_msg ("union", "u1", "caoyang", 35, 1u << HS_FLAG_GATHERING));
    assert (hs_engine_batch (engine, batch) == 1);
    assert (engine->counts.escalated == 1 && engine->counts.meetings == 1);
    zmsg_t *alert = zmsg_recv (watcher);
    assert (alert);
    char *topic = zmsg_popstr (alert);
    assert (streq (topic, "alert.major.caoyang"));
    zstr_free (&topic);
    zmsg_destroy (&alert);
    zmsg_t *meeting = zmsg_recv (watcher);
    assert (meeting);
    topic = zmsg_popstr (meeting);
    assert (streq (topic, "meeting.request"));
    zstr_free (&topic);
    zmsg_destroy (&meeting);

    zlist_destroy (&batch);
    zsock_destroy (&watcher);
    hs_engine_destroy (&engine);
    assert (!engine);
    hs_config_destroy (&config);
    hs_store_remove (path);
    zstr_free (&path);
    if (verbose)
        printf ("OK\n");
}
