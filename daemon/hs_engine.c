/*  =========================================================================
    hs_engine - the pipeline: ingest -> validate -> correlate -> classify
                -> route -> escalate -> commit -> publish, and the clocks

    Every unit of work runs inside one LMDB write transaction: a batch of
    inbound messages, the timers that have come due, a briefing, a plenary
    called through the api. Every outbound message the work causes is
    stored as an event under its own seq and queued in the outbox; the
    outbox goes out only after the commit succeeds. If the commit fails
    because the map is full, the map grows and the same work is done again
    from the start (it is still in hand, and handling is deterministic given
    the store and the clock reading), so nothing is lost and no seq repeats.
    Counters are staged the same way and become visible at commit.

    Time is the daemon's clock (hs_clock), read once per unit of work: due
    times, windows and briefings never depend on what a reporter says.
    Timers (supervision, meeting quorum) are rows in the store, deleted in
    the same transaction that acts on them: each fires exactly once, across
    restarts and crashes.
    =========================================================================
*/

#include "hs_engine.h"
#include "hs_log.h"
#include "hs_service.h"
#include "hs_metrics.h"
#include "hs_upstream.h"
#include "hs_store.h"
#include "hs_cases.h"
#include "hs_reject.h"
#include "hs_bus.h"
#include "hs_clock.h"
#include "hs_warnings.h"
#include "hs_meetings.h"
#include "hs_query.h"


//  Timer kinds: the byte after the due time in a timer key.
#define TIMER_OVERDUE   'o'     //  a case's update is due
#define TIMER_ESCALATE  'e'     //  twice the due time: the case rises
#define TIMER_QUORUM    'q'     //  half a meeting's deadline: quorum check
#define TIMERS_PER_WORK 256     //  timers handled in one transaction
#define WINDOWS_PRUNE_STEP 4096 //  window states looked at in one pruning step
#define WINDOWS_PRUNE_EVERY 5000    //  ms between pruning steps

typedef struct {
    uint64_t reports;           //  reports accepted and stored
    uint64_t updates;           //  updates accepted and stored
    uint64_t rsvps;             //  meeting answers accepted
    uint64_t minutes;           //  meetings recorded as held
    uint64_t duplicates;        //  repeats of a seen source+id
    uint64_t cases_opened;
    uint64_t escalated;         //  level rises, for any reason
    uint64_t resolved;          //  cases resolved or closed
    uint64_t alerts;
    uint64_t overdue;           //  overdue alerts
    uint64_t meetings;          //  meeting requests
    uint64_t reminders;         //  meeting reminders (no quorum)
    uint64_t escalations;       //  escalate.district / escalate.city
    uint64_t warnings;          //  warning.* messages
    uint64_t briefs;            //  brief.* messages
    uint64_t timers;            //  timers handled
    uint64_t heartbeats;        //  feeders' heartbeats
    uint64_t spoofing;          //  messages whose key was not their unit's
    uint64_t alerts_by_level [HS_LEVEL_COUNT];
} s_counts_t;

//  What became of the messages of one source unit (by topic), for metrics.
typedef struct {
    uint64_t results [4];       //  by s_outcome_kind_t: committed
    uint64_t staged [4];        //  in the open transaction
} s_source_t;

//  What became of one inbound message: what an acknowledged submitter is
//  told once the batch is committed.
typedef enum { OUTCOME_NONE = 0, OUTCOME_OK, OUTCOME_DUPLICATE, OUTCOME_REJECTED } s_outcome_kind_t;

typedef struct {
    s_outcome_kind_t kind;
    uint64_t seq;               //  ok: its seq; duplicate: the original's
    const char *code;           //  rejected: the reason code
    char detail [160];          //  rejected: the reason
} s_outcome_t;

struct _hs_engine_t {
    hs_config_t *config;        //  the configuration in force (borrowed or owned)
    hs_config_t *owned;         //  a configuration loaded by a reload, or NULL
    hs_engine_reload_fn *reload;    //  how to load the configuration again
    void *reload_arg;
    hs_store_t *store;          //  the LMDB environment
    hs_bus_t *bus;              //  the sockets
    hs_reject_t *reject;        //  rejection accounting
    hs_clock_t *clock;          //  the daemon's clock
    hs_warnings_t *warnings;    //  early-warning windows
    hs_pack_t *body;            //  scratch: an outbound body
    hs_pack_t *record;          //  scratch: an event or case record
    hs_case_t *kase;            //  scratch: the case in hand
    hs_meeting_rec_t *meeting;  //  scratch: the meeting in hand
    hs_decision_t decision;     //  scratch: the last classification
    zchunk_t *outbox;           //  messages to publish after commit, end to end:
                                //  topic size (1 byte), topic, body size (4), body
    uint64_t outbox_seq;        //  the highest seq in the outbox
    uint64_t published_through; //  every event up to this seq has been sent
    uint64_t republish_upto;    //  the last run's last seq: resend up to it
    uint64_t last_sent;         //  the highest seq this run has published
    int64_t republish_at;       //  real ms: resend what a crash held back, or 0
    bool fault_after_commit;    //  fault injection: die between commit and publish
    s_outcome_t *outcome;       //  where the message in hand records its fate
    s_outcome_t no_outcome;     //  ... when nobody waits for it
    int64_t now;                //  the clock, read once per unit of work
    s_counts_t counts;          //  committed
    s_counts_t staged;          //  in the open transaction
    uint64_t received;          //  inbound messages read
    uint64_t lost;              //  messages the store could not take
    uint64_t batches;           //  ingest transactions committed
    uint64_t batch_last;        //  messages in the last batch
    uint64_t batch_largest;     //  most messages in one batch
    int64_t commit_us_last;     //  duration of the last commit
    int64_t commit_us_max;      //  longest commit
    int64_t started;            //  when we started, daemon clock
    int64_t started_mono;       //  when we started, real monotonic ms
    bool no_room;               //  the store is full: new messages are rejected
    bool store_trouble;         //  the last batch could not be committed
    const char *api_signer;     //  with security: the unit of the api request's key
    uint8_t prune_from [HS_WARNINGS_KEY_MAX + 2];   //  where the windows' pruning goes on
    size_t prune_from_size;
    uint64_t windows_pruned;    //  stale enterprise windows forgotten
    int64_t store_due;          //  the first timer or briefing due in the store, or 0
    int64_t staged_due;         //  the first timer the open transaction added, or 0
    int64_t open_delta;         //  open cases the open transaction added (or closed)
    int64_t overdue_delta;      //  overdue open cases it added (or took away)
    zhashx_t *sources;          //  unit -> s_source_t
    char unit_seen [HS_CODE_MAX + 1];   //  the unit of the message in hand ("-": none)
    hs_histogram_t batch_sizes;     //  messages per committed batch
    hs_histogram_t commit_seconds;  //  time in mdb_txn_commit
    hs_metrics_t *metrics;      //  the metrics page
    int64_t metrics_at;         //  zclock_mono () of the next write
    bool metrics_failing;       //  the last write failed (logged once)
    //  Forwarding to the level above (upstream/*), or upstream NULL
    hs_upstream_t *upstream;
    zcert_t *upstream_cert;     //  ours there, with security on
    zlistx_t *forward_topics;   //  topic prefixes forwarded (char *)
    uint64_t *forward_queue;    //  seqs of committed events still to forward
    size_t forward_head, forward_tail, forward_max;
    size_t forward_staged;      //  forward_tail when the transaction began
    uint64_t forwarded_through; //  every forwardable event up to it is upstream
    uint64_t forward_fseq;      //  messages stored upstream so far (their fseq)
    uint64_t forward_saved_through, forward_saved_fseq;     //  as last committed
    uint64_t forwarded, forward_refused;
    zhashx_t *buckets;          //  source unit -> s_bucket_t: the flood limit
    zhashx_t *feeds;            //  source unit -> s_feed_t: fseq and silence
    bool feeds_dirty;           //  the open transaction changed a feed
    int64_t pruned_at;          //  when the warning windows were last pruned
};

//  A token bucket per source unit (real time): at most `source_rate`
//  messages a second after a burst of `source_burst`.
typedef struct {
    double tokens;
    int64_t refilled;           //  zclock_mono () of the last refill
} s_bucket_t;

static void
s_bucket_free (void **item)
{
    free (*item);
    *item = NULL;
}

//  What we know of a feeder: its last fseq, when it was last heard, and
//  whether it has been reported silent. Kept in the store (feeds).
typedef struct {
    int64_t fseq;
    int64_t heard;
    bool silent;
    int64_t saved_heard;        //  `heard` as last written to the store
} s_feed_t;

//  A unit of work inside a transaction; returns 0, or -1 if the store failed.
typedef int (s_work_fn) (hs_engine_t *self, void *arg);

static int s_rebuild_warnings (hs_engine_t *self, void *arg);
static hs_warnings_t *s_warnings_new (hs_engine_t *self, hs_config_t *config);
static int s_load_feeds (hs_engine_t *self);
static int s_schedule_briefs (hs_engine_t *self, void *arg);
static int s_transact (hs_engine_t *self, s_work_fn *work, void *arg);
static void s_case_flags (hs_engine_t *self, hs_case_t *kase, bool overdue_sent, bool closed);
static void s_metrics_page (hs_engine_t *self);
static int s_count_overdue (hs_engine_t *self, void *arg);
static int s_forward_start (hs_engine_t *self, char *error, size_t error_size);
static void s_forward_push (hs_engine_t *self, uint64_t seq, const char *topic);
static int s_handle_brief (hs_engine_t *self, zmsg_t *msg, const msgpack_object *map,
                           const char *unit, const uint8_t *body, size_t body_size);

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
    //  The clock resumes from its last committed reading if that is later.
    uint64_t last_clock = 0;
    if (hs_store_view_begin (self->store) == 0) {
        hs_store_meta_get (self->store, "clock", 0, &last_clock);
        //  Until the resend at start, the mark stays where the last run left it.
        hs_store_meta_get (self->store, "published_through", 0, &self->published_through);
        uint64_t next_seq;
        hs_store_meta_get (self->store, "next_seq", 1, &next_seq);
        self->republish_upto = next_seq - 1;
        hs_store_view_end (self->store);
    }
    int64_t start = config->time_start? config->time_start: zclock_time ();
    if ((int64_t) last_clock > start)
        start = (int64_t) last_clock;
    self->clock = hs_clock_new (start, config->time_scale);
    self->started = start;
    self->started_mono = zclock_mono ();

    self->bus = hs_bus_new (config, error, error_size);
    if (!self->bus) {
        hs_engine_destroy (&self);
        return NULL;
    }
    self->reject = hs_reject_new (config->reject_interval_ms);
    self->warnings = s_warnings_new (self, config);
    self->body = hs_pack_new ();
    self->record = hs_pack_new ();
    self->kase = (hs_case_t *) zmalloc (sizeof (hs_case_t));
    self->meeting = (hs_meeting_rec_t *) zmalloc (sizeof (hs_meeting_rec_t));
    self->outbox = zchunk_new (NULL, 64 * 1024);
    self->outcome = &self->no_outcome;
    self->buckets = zhashx_new ();
    zhashx_set_destructor (self->buckets, s_bucket_free);
    self->feeds = zhashx_new ();
    zhashx_set_destructor (self->feeds, s_bucket_free);
    self->sources = zhashx_new ();
    zhashx_set_destructor (self->sources, s_bucket_free);
    self->metrics = hs_metrics_new ();
    const double batch_bounds [] = { 1, 4, 16, 64, 256, 1024, 4096, 16384 };
    hs_histogram_init (&self->batch_sizes, batch_bounds, 8);
    const double commit_bounds [] = { 0.0005, 0.001, 0.002, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1 };
    hs_histogram_init (&self->commit_seconds, commit_bounds, 10);
    if (s_load_feeds (self)) {
        snprintf (error, error_size, "cannot read the feeders' state in %s", config->store_path);
        hs_engine_destroy (&self);
        return NULL;
    }
    //  What the last run committed but may not have sent goes out again a
    //  second after start, once subscribers have had time to reconnect.
    if (self->republish_upto > self->published_through)
        self->republish_at = zclock_mono () + 1000;
    else
        self->published_through = self->republish_upto;
    self->fault_after_commit = getenv ("HUISHANGD_FAULT")
                            && streq (getenv ("HUISHANGD_FAULT"), "after-commit");
    if (config->upstream_submit && s_forward_start (self, error, error_size)) {
        hs_engine_destroy (&self);
        return NULL;
    }
    uint64_t windows = 0, overdue = 0;
    if (hs_store_view_begin (self->store) == 0) {
        hs_store_meta_get (self->store, "windows", 0, &windows);
        hs_store_meta_get (self->store, "overdue_cases", UINT64_MAX, &overdue);
        hs_store_view_end (self->store);
    }
    if ((!windows && s_transact (self, s_rebuild_warnings, NULL))
    ||  (overdue == UINT64_MAX && s_transact (self, s_count_overdue, NULL))
    ||  s_transact (self, s_schedule_briefs, NULL)) {
        snprintf (error, error_size, "cannot read the store's recent history in %s",
                  config->store_path);
        hs_engine_destroy (&self);
    }
    return self;
}

static void
s_outbox_clear (hs_engine_t *self)
{
    zchunk_set (self->outbox, NULL, 0);
}

void
hs_engine_destroy (hs_engine_t **self_p)
{
    assert (self_p);
    if (*self_p) {
        hs_engine_t *self = *self_p;
        if (self->outbox) {
            zchunk_destroy (&self->outbox);
        }
        hs_bus_destroy (&self->bus);
        hs_store_destroy (&self->store);
        hs_reject_destroy (&self->reject);
        hs_warnings_destroy (&self->warnings);
        hs_clock_destroy (&self->clock);
        hs_pack_destroy (&self->body);
        hs_pack_destroy (&self->record);
        hs_config_destroy (&self->owned);
        zhashx_destroy (&self->buckets);
        zhashx_destroy (&self->feeds);
        zhashx_destroy (&self->sources);
        hs_upstream_destroy (&self->upstream);
        zcert_destroy (&self->upstream_cert);
        zlistx_destroy (&self->forward_topics);
        free (self->forward_queue);
        hs_metrics_destroy (&self->metrics);
        free (self->kase);
        free (self->meeting);
        free (self);
        *self_p = NULL;
    }
}

//  ---------------------------------------------------------------------
//  Events, history, timers

//  Note that an event concerns a case, for the case's history.
static int
s_history (hs_engine_t *self, const char *case_id, uint64_t seq, const char *type)
{
    uint8_t key [HS_ID_MAX + 10];
    size_t size = strlen (case_id) + 1;
    memcpy (key, case_id, size);
    hs_store_be64_put (key + size, seq);
    return hs_store_put (self->store, HS_TABLE_HISTORY, key, size + 8, type, strlen (type));
}

//  Store an event record around a body, with the classification that
//  went with it when there was one.
static int
s_record (hs_engine_t *self, uint64_t seq, const char *type, const char *topic,
          const char *case_id, const uint8_t *body, size_t body_size,
          const hs_decision_t *decision)
{
    hs_event_t event = {
        .seq = seq, .at = self->now, .type = type, .topic = topic, .case_id = case_id,
        .body = body, .body_size = body_size, .level = -1
    };
    if (decision) {
        event.level = decision->level;
        event.reasons = decision->reasons;
        event.rules_version = hs_rules_version (self->config->rules);
    }
    hs_pack_reset (self->record);
    hs_event_encode (&event, self->record);
    if (hs_store_event_put (self->store, seq, hs_pack_data (self->record), hs_pack_size (self->record)))
        return -1;
    return case_id? s_history (self, case_id, seq, type): 0;
}

//  Store the body in self->body as an event and queue it for publishing.
static int
s_emit (hs_engine_t *self, uint64_t seq, const char *type, const char *topic, const char *case_id)
{
    if (s_record (self, seq, type, topic, case_id, hs_pack_data (self->body),
                  hs_pack_size (self->body), NULL))
        return -1;
    uint8_t topic_size = (uint8_t) strlen (topic);
    uint32_t body_size = (uint32_t) hs_pack_size (self->body);
    zchunk_extend (self->outbox, &topic_size, 1);
    zchunk_extend (self->outbox, topic, topic_size);
    zchunk_extend (self->outbox, &body_size, 4);
    zchunk_extend (self->outbox, hs_pack_data (self->body), body_size);
    if (self->upstream)
        s_forward_push (self, seq, topic);
    if (seq > self->outbox_seq)
        self->outbox_seq = seq;
    return 0;
}

static int
s_timer_add (hs_engine_t *self, int64_t due, char kind, const char *id)
{
    uint8_t key [HS_ID_MAX + 10];
    hs_store_be64_put (key, (uint64_t) due);
    key [8] = (uint8_t) kind;
    size_t size = strlen (id);
    memcpy (key + 9, id, size);
    if (self->staged_due == 0 || due < self->staged_due)
        self->staged_due = due;
    return hs_store_put (self->store, HS_TABLE_TIMERS, key, 9 + size, "", 0);
}

//  ---------------------------------------------------------------------
//  Alerts and the ladder

//  Publish an alert about a case. `units` and `reasons` default to the
//  case's own when NULL.
static int
s_alert (hs_engine_t *self, hs_case_t *kase, const char *kind, int previous_level,
         const char *source, const char *message_id, bool from_update,
         const char *const *units, const char *const *reasons)
{
    const char *case_units [HS_CASE_MAX_UNITS + 1];
    const char *case_reasons [HS_CASE_MAX_REASONS + 1];
    hs_case_units (kase, case_units);
    hs_case_reasons (kase, case_reasons);
    hs_alert_t alert = {
        .seq = hs_store_next_seq (self->store), .kind = kind, .case_id = kase->id,
        .level = kase->level, .previous_level = previous_level, .category = kase->category,
        .street = kase->street, .enterprise = kase->enterprise, .workers = kase->workers,
        .amount = kase->amount, .flags = kase->flags,
        .units = units? units: case_units, .reasons = reasons? reasons: case_reasons,
        .report_source = source, .report_id = message_id, .from_update = from_update,
        .at = self->now
    };
    hs_pack_reset (self->body);
    hs_alert_encode (&alert, self->body);
    char topic [HS_TOPIC_MAX + 1];
    hs_strjoin (topic, sizeof (topic), "alert.", hs_level_name (kase->level), ".",
                hs_units_street_short (kase->street), NULL);
    self->staged.alerts++;
    if (kase->level >= 0 && kase->level < HS_LEVEL_COUNT)
        self->staged.alerts_by_level [kase->level]++;
    kase->last_seq = alert.seq;
    return s_emit (self, alert.seq, "alert", topic, kase->id);
}

//  Request a meeting: store its record, publish the request, and set the
//  quorum check at half the deadline. `case_id` is NULL for a plenary.
static int
s_meeting_request (hs_engine_t *self, const char *kind, hs_case_t *kase,
                   const char *const *participants, const char *urgency, int64_t deadline_ms,
                   const char *const *reasons)
{
    const hs_policy_t *policy = hs_rules_policy (self->config->rules);
    uint64_t seq = hs_store_next_seq (self->store);
    char meeting_id [HS_ID_MAX + 1];
    snprintf (meeting_id, sizeof (meeting_id), "%s-m%llu", self->config->district,
              (unsigned long long) seq);
    int64_t deadline = self->now + deadline_ms;
    hs_meeting_t request = {
        .seq = seq, .meeting_id = meeting_id, .case_id = kase? kase->id: NULL, .kind = kind,
        .level = kase? kase->level: -1, .participants = participants, .chairs = policy->chairs,
        .urgency = urgency, .deadline = deadline, .reasons = reasons, .at = self->now
    };
    hs_pack_reset (self->body);
    hs_meeting_encode (&request, self->body);
    self->staged.meetings++;
    if (kase)
        kase->last_seq = seq;
    if (s_emit (self, seq, "meeting", "meeting.request", kase? kase->id: NULL))
        return -1;
    hs_meeting_init (self->meeting, meeting_id, kind, kase? kase->level: -1,
                     kase? kase->id: NULL, kase? kase->street: "", participants, policy->chairs,
                     urgency, self->now, deadline);
    //  The lead unit must attend for a quorum, so it is always invited.
    hs_meeting_invite (self->meeting, policy->lead);
    if (hs_meetings_save (self->store, self->meeting, self->record))
        return -1;
    return s_timer_add (self, self->now + deadline_ms / 2, TIMER_QUORUM, meeting_id);
}

//  What the ladder sets off when a case reaches a new level.
static int
s_ladder (hs_engine_t *self, hs_case_t *kase, int from_level)
{
    hs_ladder_actions_t actions;
    hs_rules_actions (self->config->rules, from_level, kase->level, &actions);
    const char *reasons [HS_CASE_MAX_REASONS + 1];
    hs_case_reasons (kase, reasons);
    if (actions.meeting
    &&  s_meeting_request (self, "special", kase,
                           actions.meeting_members? hs_units_members (self->config->units):
                                                    self->decision.routed,
                           actions.meeting, actions.deadline_ms, reasons))
        return -1;
    const char *units [HS_CASE_MAX_UNITS + 1];
    hs_case_units (kase, units);
    for (size_t index = 0; actions.escalate [index]; index++) {
        uint64_t seq = hs_store_next_seq (self->store);
        hs_escalation_t escalation = {
            .seq = seq, .to = actions.escalate [index], .from = self->config->district,
            .case_id = kase->id, .level = kase->level, .category = kase->category,
            .street = kase->street, .enterprise = kase->enterprise, .workers = kase->workers,
            .amount = kase->amount, .flags = kase->flags, .units = units, .reasons = reasons,
            .at = self->now
        };
        hs_pack_reset (self->body);
        hs_escalation_encode (&escalation, self->body);
        char topic [HS_TOPIC_MAX + 1];
        snprintf (topic, sizeof (topic), "escalate.%s", actions.escalate [index]);
        self->staged.escalations++;
        kase->last_seq = seq;
        if (s_emit (self, seq, "escalate", topic, kase->id))
            return -1;
    }
    return 0;
}

//  Classify the case under the rules, never below its level. The result
//  stays in self->decision.
static void
s_classify (hs_engine_t *self, hs_case_t *kase)
{
    const char *sources [HS_CASE_MAX_SOURCES + 1];
    hs_facts_t facts;
    hs_case_facts (kase, &facts, sources);
    hs_rules_classify (self->config->rules, &facts, kase->level, &self->decision);
    hs_case_classified (kase, &self->decision, hs_rules_version (self->config->rules));
}

//  (Re)start the case's supervision clock at its level: the overdue alert
//  at the due time, the rise at twice it (below critical).
static int
s_supervise (hs_engine_t *self, hs_case_t *kase)
{
    const hs_policy_t *policy = hs_rules_policy (self->config->rules);
    int64_t due = policy->due_ms [kase->level];
    kase->clock_start = self->now;
    kase->due_at = hs_calendar_due (self->config->calendar, self->now, due);
    kase->escalate_at = kase->level < HS_LEVEL_CRITICAL?
                        hs_calendar_due (self->config->calendar, self->now, 2 * due): 0;
    s_case_flags (self, kase, false, kase->closed);
    //  One timer at a time: the overdue one sets the escalation's.
    return s_timer_add (self, kase->due_at, TIMER_OVERDUE, kase->id);
}

//  Add a reason to the case's current reasons (why it rose).
static void
s_case_reason (hs_case_t *kase, const char *reason)
{
    for (size_t index = 0; index < kase->reason_count; index++)
        if (streq (kase->reasons [index], reason))
            return;
    if (kase->reason_count < HS_CASE_MAX_REASONS)
        hs_strcpy (kase->reasons [kase->reason_count++], HS_CODE_MAX + 1, reason);
}

//  Raise a case by `levels` (at most to critical) for a reason beyond
//  severity: re-route at the new level, alert, climb the ladder, restart
//  supervision. A case already at the top only restarts its clock.
static int
s_raise (hs_engine_t *self, hs_case_t *kase, int levels, const char *reason,
         const char *source, const char *message_id, bool from_update)
{
    int previous = kase->level;
    int target = previous + levels;
    if (target >= HS_LEVEL_COUNT)
        target = HS_LEVEL_CRITICAL;
    kase->level = target;
    s_classify (self, kase);
    s_case_reason (kase, reason);
    if (kase->level > previous) {
        self->staged.escalated++;
        if (s_alert (self, kase, "escalated", previous, source, message_id, from_update, NULL, NULL)
        ||  s_ladder (self, kase, previous))
            return -1;
    }
    return s_supervise (self, kase);
}

//  ---------------------------------------------------------------------
//  Early warnings

static const char *s_office [] = { "office", NULL };

static int
s_warning (hs_engine_t *self, hs_warning_t *warning)
{
    char topic [HS_TOPIC_MAX + 1];
    hs_strcpy (topic, sizeof (topic), warning->topic? warning->topic: "");
    if (!warning->topic)
        snprintf (topic, sizeof (topic), "warning.%s", warning->kind);
    warning->seq = hs_store_next_seq (self->store);
    warning->at = self->now;
    hs_pack_reset (self->body);
    hs_warning_encode (warning, self->body);
    self->staged.warnings++;
    return s_emit (self, warning->seq, "warning", topic, warning->case_id);
}

//  The key the enterprise window counts under: the credit code, else the
//  normalised name in its street (any category).
static void
s_enterprise_key (const hs_report_t *report, const char *street, char *key, size_t size)
{
    if (*report->credit_code)
        hs_strjoin (key, size, "cc/", report->credit_code, NULL);
    else {
        char normal [HS_NAME_MAX + 1];
        hs_cases_normalise (report->enterprise, normal, sizeof (normal));
        hs_strjoin (key, size, "nm/", street, "/", normal, NULL);
    }
}

//  Count a stored report in the windows and act on what it made cross.
//  The windows count each report in the report's own street (as the
//  rebuild at start does), whatever case it joined.
static int
s_warn (hs_engine_t *self, hs_case_t *kase, const hs_report_t *report, const char *street)
{
    const hs_policy_t *policy = hs_rules_policy (self->config->rules);
    char key [HS_NAME_MAX + HS_CODE_MAX + 8];
    s_enterprise_key (report, street, key, sizeof (key));
    hs_crossings_t crossed;
    if (hs_warnings_add (self->warnings, key, street, report->category, self->now, &crossed))
        return -1;
    if (crossed.enterprise) {
        const char *reasons [] = { "warning.enterprise", NULL };
        hs_warning_t warning = {
            .kind = "enterprise", .case_id = kase->id, .enterprise = kase->enterprise,
            .credit_code = kase->credit_code, .street = kase->street, .category = -1,
            .count = crossed.enterprise_count, .window_ms = policy->enterprise_window_ms,
            .units = s_office, .reasons = reasons
        };
        if (s_warning (self, &warning))
            return -1;
        if (policy->enterprise_raise > 0
        &&  s_raise (self, kase, policy->enterprise_raise, "warning.enterprise",
                     report->source, report->id, false))
            return -1;
    }
    if (crossed.street) {
        const char *reasons [] = { "warning.street", NULL };
        hs_warning_t warning = {
            .kind = "street", .street = street, .category = -1,
            .count = crossed.street_count, .window_ms = policy->street_window_ms,
            .units = s_office, .reasons = reasons
        };
        if (s_warning (self, &warning))
            return -1;
    }
    if (crossed.prompt) {
        //  A work prompt (工作提示) goes to every street.
        const char *streets [HS_CASE_MAX_UNITS + 1];
        size_t count = 0;
        for (size_t index = 0; index < hs_units_size (self->config->units) && count < HS_CASE_MAX_UNITS; index++)
            if (hs_units_at (self->config->units, index)->kind == HS_UNIT_STREET)
                streets [count++] = hs_units_at (self->config->units, index)->code;
        streets [count] = NULL;
        const char *reasons [] = { "warning.prompt", NULL };
        hs_warning_t warning = {
            .kind = "prompt", .category = report->category, .count = crossed.street_total,
            .window_ms = policy->prompt_window_ms, .streets = crossed.streets,
            .units = streets, .reasons = reasons
        };
        if (s_warning (self, &warning))
            return -1;
    }
    return 0;
}

//  The windows keep their state in the store, in the open transaction.
static int
s_windows_get (void *arg, const char *key, const void **data, size_t *size)
{
    return hs_store_get ((hs_store_t *) arg, HS_TABLE_WINDOWS, key, strlen (key), data, size);
}

static int
s_windows_put (void *arg, const char *key, const void *data, size_t size)
{
    return hs_store_put ((hs_store_t *) arg, HS_TABLE_WINDOWS, key, strlen (key), data, size);
}

static hs_warnings_t *
s_warnings_new (hs_engine_t *self, hs_config_t *config)
{
    hs_windows_io_t io = { s_windows_get, s_windows_put, self->store };
    return hs_warnings_new (hs_rules_policy (config->rules), &io);
}

//  A store written before the windows were kept in it (0.3): build them
//  once from the stored reports the longest window can still see, by
//  reading events backwards to the horizon and counting them in order.
//  Crossings already announced stay announced. Marks the store as done.
typedef struct {
    hs_engine_t *self;
    int64_t horizon;            //  oldest daemon time the windows see
    zlistx_t *reports;          //  event records (zchunk_t), newest first
} s_rebuild_t;

static int
s_rebuild_visit (const void *key, size_t key_size, const void *data, size_t size, void *arg)
{
    (void) key;
    (void) key_size;
    s_rebuild_t *rebuild = (s_rebuild_t *) arg;
    msgpack_unpacked unpacked;
    msgpack_unpacked_init (&unpacked);
    int stop = 0;
    if (hs_proto_unpack_stored (data, size, &unpacked) == 0) {
        const msgpack_object *at = hs_proto_get (&unpacked.data, "at");
        if (at && at->type == MSGPACK_OBJECT_POSITIVE_INTEGER
        &&  (int64_t) at->via.u64 < rebuild->horizon)
            stop = 1;
        char type [16];
        if (!stop && hs_proto_strcpy (hs_proto_get (&unpacked.data, "type"), type, sizeof (type)) == 0
        &&  streq (type, "report"))
            zlistx_add_start (rebuild->reports, zchunk_new (data, size));
    }
    msgpack_unpacked_destroy (&unpacked);
    return stop;
}

static void
s_chunk_free (void **item)
{
    zchunk_t *chunk = (zchunk_t *) *item;
    zchunk_destroy (&chunk);
    *item = NULL;
}

static int
s_rebuild_warnings (hs_engine_t *self, void *arg)
{
    (void) arg;
    s_rebuild_t rebuild = { self, self->now - hs_warnings_horizon (self->warnings), zlistx_new () };
    zlistx_set_destructor (rebuild.reports, s_chunk_free);
    int rc = hs_store_walk (self->store, HS_TABLE_EVENTS, NULL, 0, true, s_rebuild_visit, &rebuild);
    for (zchunk_t *chunk = (zchunk_t *) zlistx_first (rebuild.reports); chunk && rc == 0;
         chunk = (zchunk_t *) zlistx_next (rebuild.reports)) {
        hs_why_t why;
        msgpack_unpacked unpacked;
        msgpack_unpacked_init (&unpacked);
        if (hs_proto_unpack_stored (zchunk_data (chunk), zchunk_size (chunk), &unpacked) == 0) {
            const msgpack_object *at = hs_proto_get (&unpacked.data, "at");
            const msgpack_object *body = hs_proto_get (&unpacked.data, "body");
            hs_report_t report;
            if (at && at->type == MSGPACK_OBJECT_POSITIVE_INTEGER && body
            &&  hs_report_decode (body, &self->config->limits, INT64_MAX / 4, &report, &why) == 0) {
                const hs_unit_t *street = hs_units_street (self->config->units,
                                                           *report.street? report.street: report.source);
                if (street) {
                    char key [HS_NAME_MAX + HS_CODE_MAX + 8];
                    s_enterprise_key (&report, street->code, key, sizeof (key));
                    hs_crossings_t crossed;
                    rc = hs_warnings_add (self->warnings, key, street->code, report.category,
                                          (int64_t) at->via.u64, &crossed);
                }
            }
        }
        msgpack_unpacked_destroy (&unpacked);
    }
    size_t count = zlistx_size (rebuild.reports);
    zlistx_destroy (&rebuild.reports);
    if (rc == 0)
        rc = hs_store_meta_put (self->store, "windows", 1);
    if (rc == 0 && count)
        hs_log_notice ("hs_engine: early-warning windows built from %zu recent reports "
                     "(a store from before they were kept in it)", count);
    return rc;
}

//  Forget the windows of enterprises nobody has reported for a window:
//  a bounded step each time, going round the table.
typedef struct {
    hs_engine_t *self;
    size_t visited;
    size_t count;
    uint8_t keys [WINDOWS_PRUNE_STEP][HS_WARNINGS_KEY_MAX + 1];
    size_t sizes [WINDOWS_PRUNE_STEP];
    uint8_t last [HS_WARNINGS_KEY_MAX + 1];
    size_t last_size;
} s_prune_t;

static int
s_prune_visit (const void *key, size_t key_size, const void *data, size_t size, void *arg)
{
    s_prune_t *prune = (s_prune_t *) arg;
    if (key_size > HS_WARNINGS_KEY_MAX)
        return 0;
    memcpy (prune->last, key, key_size);
    prune->last_size = key_size;
    if (hs_warnings_stale (prune->self->warnings, (const char *) key, key_size, data, size,
                           prune->self->now)) {
        memcpy (prune->keys [prune->count], key, key_size);
        prune->sizes [prune->count++] = key_size;
    }
    return ++prune->visited == WINDOWS_PRUNE_STEP || prune->count == WINDOWS_PRUNE_STEP;
}

static int
s_prune_work (hs_engine_t *self, void *arg)
{
    s_prune_t *prune = (s_prune_t *) arg;
    int rc = 0;
    for (size_t index = 0; index < prune->count && rc == 0; index++)
        rc = hs_store_del (self->store, HS_TABLE_WINDOWS, prune->keys [index], prune->sizes [index]);
    return rc;
}

//  Look in a read view; only if something is stale, a transaction.
static void
s_prune_windows (hs_engine_t *self)
{
    s_prune_t *prune = (s_prune_t *) zmalloc (sizeof (s_prune_t));
    prune->self = self;
    self->now = hs_clock_now (self->clock);
    if (hs_store_view_begin (self->store) == 0) {
        int rc = hs_store_walk (self->store, HS_TABLE_WINDOWS,
                                self->prune_from_size? self->prune_from: NULL,
                                self->prune_from_size, false, s_prune_visit, prune);
        hs_store_view_end (self->store);
        if (rc == 0 && (prune->count == 0 || s_transact (self, s_prune_work, prune) == 0)) {
            //  Next time on from just past the last key seen; at the end, round again.
            if (prune->visited == WINDOWS_PRUNE_STEP || prune->count == WINDOWS_PRUNE_STEP) {
                memcpy (self->prune_from, prune->last, prune->last_size);
                self->prune_from [prune->last_size] = 0;        //  the next key up
                self->prune_from_size = prune->last_size + 1;
            }
            else
                self->prune_from_size = 0;
            self->windows_pruned += prune->count;
        }
    }
    free (prune);
}

//  ---------------------------------------------------------------------
//  Feeders: gaps in their fseq, and silence

static int
s_feed_visit (const void *key, size_t key_size, const void *data, size_t size, void *arg)
{
    hs_engine_t *self = (hs_engine_t *) arg;
    msgpack_unpacked unpacked;
    msgpack_unpacked_init (&unpacked);
    if (key_size <= HS_CODE_MAX && hs_proto_unpack_stored (data, size, &unpacked) == 0) {
        char source [HS_CODE_MAX + 1];
        snprintf (source, sizeof (source), "%.*s", (int) key_size, (const char *) key);
        s_feed_t *feed = (s_feed_t *) zmalloc (sizeof (s_feed_t));
        feed->fseq = hs_proto_int (&unpacked.data, "fseq", 0);
        feed->heard = hs_proto_int (&unpacked.data, "heard", 0);
        feed->silent = hs_proto_bool (&unpacked.data, "silent");
        zhashx_update (self->feeds, source, feed);
    }
    msgpack_unpacked_destroy (&unpacked);
    return 0;
}

//  (Re)load the feeders' state from the store.
static int
s_load_feeds (hs_engine_t *self)
{
    zhashx_purge (self->feeds);
    if (hs_store_view_begin (self->store))
        return -1;
    int rc = hs_store_walk (self->store, HS_TABLE_FEEDS, NULL, 0, false, s_feed_visit, self);
    hs_store_view_end (self->store);
    return rc;
}

static int
s_feed_save (hs_engine_t *self, const char *source, s_feed_t *feed)
{
    self->feeds_dirty = true;
    feed->saved_heard = feed->heard;
    hs_pack_t *pack = hs_pack_new ();
    hs_map_t map;
    hs_map_begin (&map, pack);
    hs_map_int (&map, "fseq", feed->fseq);
    hs_map_int (&map, "heard", feed->heard);
    hs_map_key (&map, "silent");
    hs_pack_bool (pack, feed->silent);
    hs_map_end (&map);
    int rc = hs_store_put (self->store, HS_TABLE_FEEDS, source, strlen (source),
                           hs_pack_data (pack), hs_pack_size (pack));
    hs_pack_destroy (&pack);
    return rc;
}

static int s_warning (hs_engine_t *self, hs_warning_t *warning);

//  A feeder was heard from, perhaps with its fseq (0: none). A number
//  beyond the next expected one means messages were lost on the way (a
//  PUB socket drops silently): warning.feed names the missing range. A
//  heartbeat's fseq is the last it sent, so it is itself expected.
static int
s_feed_heard (hs_engine_t *self, const char *source, int64_t fseq, bool heartbeat)
{
    s_feed_t *feed = (s_feed_t *) zhashx_lookup (self->feeds, source);
    if (!feed) {
        feed = (s_feed_t *) zmalloc (sizeof (s_feed_t));
        zhashx_insert (self->feeds, source, feed);
    }
    const char *reasons [] = { "feed", NULL };
    bool changed = false;
    if (feed->silent) {
        feed->silent = false;
        changed = true;
        hs_warning_t warning = {
            .topic = "warning.feed", .kind = "resumed", .source = source, .category = -1,
            .count = -1, .last_heard = feed->heard, .units = s_office, .reasons = reasons
        };
        if (s_warning (self, &warning))
            return -1;
    }
    feed->heard = self->now;
    if (fseq > 0) {
        int64_t expected = feed->fseq + 1;
        int64_t last_missing = heartbeat? fseq: fseq - 1;
        if (fseq == 1 && feed->fseq > 1)
            hs_log_notice ("hs_engine: feeder %s started counting again at 1", source);
        else
        if (last_missing >= expected) {
            hs_warning_t warning = {
                .topic = "warning.feed", .kind = "gap", .source = source, .category = -1,
                .from = expected, .to = last_missing, .count = last_missing - expected + 1,
                .units = s_office, .reasons = reasons
            };
            if (s_warning (self, &warning))
                return -1;
        }
        if (fseq > feed->fseq || fseq == 1) {
            changed |= feed->fseq != fseq;
            feed->fseq = fseq;
        }
    }
    //  Only "heard again": written at most once a second per feeder (a
    //  restart may then see it up to a second earlier than it was).
    if (!changed && feed->saved_heard && feed->heard - feed->saved_heard < 1000)
        return 0;
    return s_feed_save (self, source, feed);
}

//  Feeders silent past feeds/silence: one warning each, until heard again.
static int
s_feeds_silence (hs_engine_t *self)
{
    const char *reasons [] = { "feed", NULL };
    for (s_feed_t *feed = (s_feed_t *) zhashx_first (self->feeds); feed;
         feed = (s_feed_t *) zhashx_next (self->feeds)) {
        if (feed->silent || feed->heard + self->config->silence_ms > self->now)
            continue;
        const char *source = (const char *) zhashx_cursor (self->feeds);
        feed->silent = true;
        hs_warning_t warning = {
            .topic = "warning.feed", .kind = "silent", .source = source, .category = -1,
            .count = -1, .window_ms = self->config->silence_ms, .last_heard = feed->heard,
            .units = s_office, .reasons = reasons
        };
        if (s_warning (self, &warning) || s_feed_save (self, source, feed))
            return -1;
    }
    return 0;
}

//  When the next feeder falls silent (0: none is being watched).
static int64_t
s_feeds_next_silence (hs_engine_t *self)
{
    int64_t next = 0;
    for (s_feed_t *feed = (s_feed_t *) zhashx_first (self->feeds); feed;
         feed = (s_feed_t *) zhashx_next (self->feeds))
        if (!feed->silent && (next == 0 || feed->heard + self->config->silence_ms < next))
            next = feed->heard + self->config->silence_ms;
    return next;
}

//  ---------------------------------------------------------------------
//  Inbound messages

//  Reject a message: count, log, keep a dead letter. Returns 0, or -1 if
//  the store failed.
static int
s_reject (hs_engine_t *self, const hs_why_t *why, zmsg_t *msg)
{
    self->outcome->kind = OUTCOME_REJECTED;
    self->outcome->code = why->code;
    hs_strcpy (self->outcome->detail, sizeof (self->outcome->detail), why->detail);
    hs_reject_note (self->reject, why, msg, self->now, self->record);
    return hs_store_deadletter_put (self->store, hs_pack_data (self->record),
                                    hs_pack_size (self->record));
}

//  A message's `source` must be the unit its topic names. Returns 0, or
//  the result of rejecting it (1 if rejected, -1 if the store failed).
static int
s_source_matches (hs_engine_t *self, zmsg_t *msg, const char *source, const char *unit)
{
    if (streq (source, unit))
        return 0;
    hs_why_t why;
    hs_why (&why, "source_mismatch", "source '%s' does not match topic unit '%s'", source, unit);
    return s_reject (self, &why, msg)? -1: 1;
}

//  Record that the message in hand was accepted under `seq`.
static void
s_accepted (hs_engine_t *self, uint64_t seq)
{
    self->outcome->kind = OUTCOME_OK;
    self->outcome->seq = seq;
}

//  Idempotency: 0 new, 1 seen before (counted), -1 store failure.
static int
s_seen (hs_engine_t *self, char kind, const char *source, const char *id, char *key, size_t size)
{
    char prefix [3] = { kind, '/', 0 };
    hs_strjoin (key, size, prefix, source, "/", id, NULL);
    uint64_t seen;
    int rc = hs_store_dedup_get (self->store, key, &seen);
    if (rc == 0) {
        self->staged.duplicates++;
        self->outcome->kind = OUTCOME_DUPLICATE;
        self->outcome->seq = seen;
        return 1;
    }
    return rc < 0? -1: 0;
}

//  Keep the count of open cases (meta "open_cases") in step: the change
//  is written once, at the end of the transaction.
static int
s_open_cases_add (hs_engine_t *self, int delta)
{
    self->open_delta += delta;
    return 0;
}

static int
s_meta_add (hs_engine_t *self, const char *name, int64_t delta)
{
    uint64_t count;
    if (delta == 0)
        return 0;
    if (hs_store_meta_get (self->store, name, 0, &count))
        return -1;
    count = delta < 0 && count < (uint64_t) -delta? 0: count + delta;
    return hs_store_meta_put (self->store, name, count);
}

static int
s_open_cases_write (hs_engine_t *self)
{
    return s_meta_add (self, "open_cases", self->open_delta)
        || s_meta_add (self, "overdue_cases", self->overdue_delta)? -1: 0;
}

//  A store from before the count of overdue cases was kept: count them
//  once, at start.
static int
s_overdue_visit (const void *key, size_t key_size, const void *data, size_t size, void *arg)
{
    (void) key;
    (void) key_size;
    hs_engine_t *self = (hs_engine_t *) arg;
    if (hs_case_decode (data, size, self->kase) == 0)
        self->overdue_delta += self->kase->overdue_sent && !self->kase->closed;
    return 0;
}

static int
s_count_overdue (hs_engine_t *self, void *arg)
{
    (void) arg;
    int rc = hs_store_walk (self->store, HS_TABLE_CASES, NULL, 0, false, s_overdue_visit, self);
    if (rc == 0)
        rc = hs_store_meta_put (self->store, "overdue_cases", (uint64_t) self->overdue_delta);
    self->overdue_delta = 0;        //  written whole, not added
    return rc;
}

//  Set a case's overdue and closed flags, keeping the count of open
//  overdue cases (meta "overdue_cases", for metrics) in step.
static void
s_case_flags (hs_engine_t *self, hs_case_t *kase, bool overdue_sent, bool closed)
{
    bool before = kase->overdue_sent && !kase->closed;
    bool after = overdue_sent && !closed;
    self->overdue_delta += (int) after - (int) before;
    kase->overdue_sent = overdue_sent;
    kase->closed = closed;
}

static int
s_handle_report (hs_engine_t *self, zmsg_t *msg, const msgpack_object *map,
                 const char *unit, const uint8_t *body, size_t body_size)
{
    hs_why_t why;
    hs_report_t report;
    hs_units_t *units = self->config->units;
    if (hs_report_decode (map, &self->config->limits, self->now, &report, &why))
        return s_reject (self, &why, msg);
    int matches = s_source_matches (self, msg, report.source, unit);
    if (matches)
        return matches < 0? -1: 0;
    const hs_unit_t *street = NULL;
    if (*report.street) {
        street = hs_units_street (units, report.street);
        if (!street) {
            hs_why (&why, "unknown_street", "'%s' is not a street or town of ours", report.street);
            return s_reject (self, &why, msg);
        }
    }
    else {
        street = hs_units_street (units, report.source);
        if (!street) {
            hs_why (&why, "missing_field", "required field 'street' is missing "
                    "(only a street's own reports may leave it out)");
            return s_reject (self, &why, msg);
        }
    }
    char key [HS_ID_MAX + HS_CODE_MAX + 8];
    int rc = s_seen (self, 'r', report.source, report.id, key, sizeof (key));
    //  A repeat (a resend) says the feeder is alive, nothing about its fseq.
    if (rc >= 0 && s_feed_heard (self, report.source, rc? 0: report.fseq, false))
        return -1;
    if (rc)
        return rc < 0? -1: 0;
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
        if (s_open_cases_add (self, 1))
            return -1;
    }
    else {
        previous_level = kase->level;
        hs_case_merge (kase, seq, &report);
    }
    s_classify (self, kase);

    char topic [HS_TOPIC_MAX + 1];
    hs_strjoin (topic, sizeof (topic), "report.", unit, NULL);
    if (s_record (self, seq, "report", topic, kase->id, body, body_size, &self->decision)
    ||  hs_store_dedup_put (self->store, key, seq))
        return -1;
    self->staged.reports++;
    s_accepted (self, seq);
    if (is_new)
        rc = s_alert (self, kase, "new", -1, report.source, report.id, false, NULL, NULL);
    else
    if (kase->level > previous_level) {
        self->staged.escalated++;
        rc = s_alert (self, kase, "escalated", previous_level, report.source, report.id, false,
                      NULL, NULL);
    }
    if (rc == 0 && kase->level > previous_level)
        rc = s_ladder (self, kase, previous_level);
    if (rc == 0 && kase->level > previous_level)
        rc = s_supervise (self, kase);
    if (rc == 0)
        rc = s_warn (self, kase, &report, street->code);
    if (rc == 0)
        rc = hs_cases_save (self->store, kase, self->record);
    return rc;
}

static int
s_handle_update (hs_engine_t *self, zmsg_t *msg, const msgpack_object *map,
                 const char *unit, const uint8_t *body, size_t body_size)
{
    hs_why_t why;
    hs_update_t update;
    if (hs_update_decode (map, &self->config->limits, self->now, &update, &why))
        return s_reject (self, &why, msg);
    int matches = s_source_matches (self, msg, update.source, unit);
    if (matches)
        return matches < 0? -1: 0;
    char key [HS_ID_MAX + HS_CODE_MAX + 8];
    int rc = s_seen (self, 'u', update.source, update.id, key, sizeof (key));
    if (rc >= 0 && s_feed_heard (self, update.source, rc? 0: update.fseq, false))
        return -1;
    if (rc)
        return rc < 0? -1: 0;
    hs_case_t *kase = self->kase;
    rc = hs_cases_load (self->store, update.case_id, kase);
    if (rc < 0)
        return -1;
    if (rc == 1) {
        hs_why (&why, "unknown_case", "no case '%s'", update.case_id);
        return s_reject (self, &why, msg);
    }
    bool routed = hs_case_has_unit (kase, update.source)
               && hs_units_find (self->config->units, update.source)->kind != HS_UNIT_ROLE;
    if (!streq (update.source, "office") && !routed) {
        hs_why (&why, "not_routed", "unit '%s' is not routed on case '%s'",
                update.source, update.case_id);
        return s_reject (self, &why, msg);
    }
    uint64_t seq = hs_store_next_seq (self->store);
    char topic [HS_TOPIC_MAX + 1];
    snprintf (topic, sizeof (topic), "update.%s", unit);
    if (s_record (self, seq, "update", topic, kase->id, body, body_size, NULL)
    ||  hs_store_dedup_put (self->store, key, seq))
        return -1;
    self->staged.updates++;
    s_accepted (self, seq);
    kase->status = update.status;
    kase->last_seq = seq;
    if (update.at > kase->updated)
        kase->updated = update.at;
    rc = 0;
    if (update.status == HS_STATUS_RESOLVED || update.status == HS_STATUS_CLOSED) {
        //  Out of supervision; its timers find it closed and do nothing.
        kase->due_at = 0;
        kase->escalate_at = 0;
        if (!kase->closed) {
            s_case_flags (self, kase, kase->overdue_sent, true);
            self->staged.resolved++;
            if (s_open_cases_add (self, -1))
                return -1;
            rc = s_alert (self, kase, "resolved", -1, update.source, update.id, true, NULL, NULL);
        }
    }
    else
    if (update.status == HS_STATUS_FAILED) {
        //  Mediation failed: supervision re-opens one level higher.
        if (kase->closed && s_open_cases_add (self, 1))
            return -1;
        s_case_flags (self, kase, kase->overdue_sent, false);
        rc = s_raise (self, kase, 1, "update.failed", update.source, update.id, true);
    }
    else
    if (routed && !kase->closed)
        rc = s_supervise (self, kase);          //  progress: the clock starts again
    if (rc == 0)
        rc = hs_cases_save (self->store, kase, self->record);
    return rc;
}

//  Load the meeting a message names into self->meeting. Returns 0, 1 if
//  there is none (the message is rejected), or -1 if the store failed.
static int
s_meeting_named (hs_engine_t *self, zmsg_t *msg, const char *meeting_id)
{
    int rc = hs_meetings_load (self->store, meeting_id, self->meeting);
    if (rc != 1)
        return rc;
    hs_why_t why;
    hs_why (&why, "unknown_meeting", "no meeting '%s'", meeting_id);
    return s_reject (self, &why, msg)? -1: 1;
}

static int
s_handle_rsvp (hs_engine_t *self, zmsg_t *msg, const msgpack_object *map,
               const char *unit, const uint8_t *body, size_t body_size)
{
    hs_why_t why;
    hs_rsvp_t rsvp;
    if (hs_rsvp_decode (map, &self->config->limits, self->now, &rsvp, &why))
        return s_reject (self, &why, msg);
    int matches = s_source_matches (self, msg, rsvp.source, unit);
    if (matches)
        return matches < 0? -1: 0;
    char key [HS_ID_MAX + HS_CODE_MAX + 8];
    int rc = s_seen (self, 'v', rsvp.source, rsvp.id, key, sizeof (key));
    if (rc)
        return rc < 0? -1: 0;
    hs_meeting_rec_t *meeting = self->meeting;
    rc = s_meeting_named (self, msg, rsvp.meeting_id);
    if (rc)
        return rc < 0? -1: 0;
    if (hs_meeting_answer (meeting, rsvp.source, rsvp.attend)) {
        hs_why (&why, "not_invited", "unit '%s' is not invited to '%s'", rsvp.source, rsvp.meeting_id);
        return s_reject (self, &why, msg);
    }
    uint64_t seq = hs_store_next_seq (self->store);
    char topic [HS_TOPIC_MAX + 1];
    snprintf (topic, sizeof (topic), "rsvp.%s", unit);
    if (s_record (self, seq, "rsvp", topic, meeting->case_count? meeting->cases [0]: NULL,
                  body, body_size, NULL)
    ||  hs_store_dedup_put (self->store, key, seq)
    ||  hs_meetings_save (self->store, meeting, self->record))
        return -1;
    self->staged.rsvps++;
    s_accepted (self, seq);
    return 0;
}

static int
s_handle_minutes (hs_engine_t *self, zmsg_t *msg, const msgpack_object *map,
                  const char *unit, const uint8_t *body, size_t body_size)
{
    hs_why_t why;
    hs_minutes_t minutes;
    if (hs_minutes_decode (map, &self->config->limits, self->now, &minutes, &why))
        return s_reject (self, &why, msg);
    int matches = s_source_matches (self, msg, minutes.source, unit);
    if (matches)
        return matches < 0? -1: 0;
    if (!streq (unit, "office")) {
        hs_why (&why, "not_authorized", "only the office records minutes, not '%s'", unit);
        return s_reject (self, &why, msg);
    }
    char key [HS_ID_MAX + HS_CODE_MAX + 8];
    int rc = s_seen (self, 'm', minutes.source, minutes.id, key, sizeof (key));
    if (rc)
        return rc < 0? -1: 0;
    hs_meeting_rec_t *meeting = self->meeting;
    rc = s_meeting_named (self, msg, minutes.meeting_id);
    if (rc)
        return rc < 0? -1: 0;
    for (uint32_t index = 0; minutes.followup && index < minutes.followup->via.array.size; index++) {
        char code [HS_CODE_MAX + 1];
        if (hs_proto_strcpy (&minutes.followup->via.array.ptr [index], code, sizeof (code))
        ||  !hs_units_find (self->config->units, code)) {
            hs_why (&why, "unknown_unit", "follow-up unit is not a unit of ours");
            return s_reject (self, &why, msg);
        }
    }
    //  Every case the minutes cover must exist; they join the meeting's.
    for (uint32_t index = 0; minutes.cases && index < minutes.cases->via.array.size; index++) {
        char case_id [HS_ID_MAX + 1];
        hs_proto_strcpy (&minutes.cases->via.array.ptr [index], case_id, sizeof (case_id));
        const void *data;
        size_t size;
        rc = hs_store_case_get (self->store, case_id, &data, &size);
        if (rc < 0)
            return -1;
        if (rc == 1) {
            hs_why (&why, "unknown_case", "the minutes name no case '%s'", case_id);
            return s_reject (self, &why, msg);
        }
        hs_meeting_add_case (meeting, case_id);
    }
    uint64_t seq = hs_store_next_seq (self->store);
    if (s_record (self, seq, "minutes", "minutes.office", NULL, body, body_size, NULL)
    ||  hs_store_dedup_put (self->store, key, seq))
        return -1;
    //  The minutes go into each covered case's history (会议纪要).
    for (size_t index = 0; index < meeting->case_count; index++)
        if (s_history (self, meeting->cases [index], seq, "minutes"))
            return -1;
    meeting->held = true;
    self->staged.minutes++;
    s_accepted (self, seq);
    return hs_meetings_save (self->store, meeting, self->record);
}

//  True if the unit has used up its bucket (the message is refused).
static bool
s_flooding (hs_engine_t *self, const char *unit)
{
    int64_t now = zclock_mono ();
    s_bucket_t *bucket = (s_bucket_t *) zhashx_lookup (self->buckets, unit);
    if (!bucket) {
        bucket = (s_bucket_t *) zmalloc (sizeof (s_bucket_t));
        bucket->tokens = (double) self->config->source_burst;
        bucket->refilled = now;
        zhashx_insert (self->buckets, unit, bucket);
    }
    bucket->tokens += (double) (now - bucket->refilled) * (double) self->config->source_rate / 1000.0;
    if (bucket->tokens > (double) self->config->source_burst)
        bucket->tokens = (double) self->config->source_burst;
    bucket->refilled = now;
    if (bucket->tokens >= 1) {
        bucket->tokens -= 1;
        return false;
    }
    return true;
}

//  A heartbeat: the feeder is alive; its fseq says what it has sent.
//  A lower daemon's briefing (a district's, at the city): stored once, and
//  published to our subscribers as brief.district with the district named.
static int
s_handle_brief (hs_engine_t *self, zmsg_t *msg, const msgpack_object *map,
                const char *unit, const uint8_t *body, size_t body_size)
{
    (void) body;
    (void) body_size;
    hs_why_t why;
    hs_brief_in_t brief;
    if (hs_brief_in_decode (map, &self->config->limits, self->now, &brief, &why))
        return s_reject (self, &why, msg);
    int matches = s_source_matches (self, msg, brief.source, unit);
    if (matches)
        return matches < 0? -1: 0;
    if (!hs_units_street (self->config->units, unit)) {
        hs_why (&why, "not_authorized", "only a lower level (a street or district unit) "
                "sends its briefings up, not '%s'", unit);
        return s_reject (self, &why, msg);
    }
    char key [HS_ID_MAX + HS_CODE_MAX + 8];
    int rc = s_seen (self, 'b', brief.source, brief.id, key, sizeof (key));
    if (rc >= 0 && s_feed_heard (self, brief.source, rc? 0: brief.fseq, false))
        return -1;
    if (rc)
        return rc < 0? -1: 0;
    uint64_t seq = hs_store_next_seq (self->store);
    hs_pack_reset (self->body);
    hs_map_t out;
    hs_map_begin (&out, self->body);
    hs_map_int (&out, "v", HS_PROTO_VERSION);
    hs_map_int (&out, "seq", (int64_t) seq);
    hs_map_str (&out, "from", brief.source);
    hs_map_str (&out, "id", brief.id);
    hs_map_int (&out, "at", self->now);
    hs_map_key (&out, "brief");
    hs_pack_object (self->body, brief.brief);
    hs_map_end (&out);
    if (s_emit (self, seq, "brief", "brief.district", NULL)
    ||  hs_store_dedup_put (self->store, key, seq))
        return -1;
    self->staged.briefs++;
    s_accepted (self, seq);
    return 0;
}

//  Nothing is stored but the feeder's state.
static int
s_handle_heartbeat (hs_engine_t *self, zmsg_t *msg, const msgpack_object *map, const char *unit)
{
    hs_why_t why;
    hs_heartbeat_t heartbeat;
    if (hs_heartbeat_decode (map, &self->config->limits, self->now, &heartbeat, &why))
        return s_reject (self, &why, msg);
    int matches = s_source_matches (self, msg, heartbeat.source, unit);
    if (matches)
        return matches < 0? -1: 0;
    self->staged.heartbeats++;
    self->outcome->kind = OUTCOME_OK;
    return s_feed_heard (self, heartbeat.source, heartbeat.fseq, true);
}

//  Handle one inbound message inside the open transaction. Returns 0 (it
//  was accepted, a duplicate or rejected), or -1 if the store failed.
static int
s_handle (hs_engine_t *self, zmsg_t *msg)
{
    hs_why_t why;
    if (zmsg_size (msg) != 2) {
        hs_why (&why, "frames", "%zu frames, expected 2 (topic, body)", zmsg_size (msg));
        return s_reject (self, &why, msg);
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
        return s_reject (self, &why, msg);
    }
    memcpy (topic, zframe_data (topic_frame), topic_size);
    topic [topic_size] = 0;
    static const char *kinds [] = { "report.", "update.", "rsvp.", "minutes.", "heartbeat.",
                                    "brief.", NULL };
    int kind = -1;
    for (int index = 0; kinds [index]; index++)
        if (strncmp (topic, kinds [index], strlen (kinds [index])) == 0)
            kind = index;
    if (kind < 0) {
        hs_why (&why, "unknown_topic", "topic '%s' is not report., update., rsvp., minutes., "
                "heartbeat. or brief.<unit>", topic);
        return s_reject (self, &why, msg);
    }
    const char *unit = topic + strlen (kinds [kind]);
    if (!hs_units_find (self->config->units, unit)) {
        hs_why (&why, "unknown_unit", "'%s' is not a unit of ours", unit);
        return s_reject (self, &why, msg);
    }
    hs_strcpy (self->unit_seen, sizeof (self->unit_seen), unit);
    if (hs_bus_secure (self->bus)) {
        //  The key that sent it must belong to the unit it speaks for.
        const char *signer = hs_bus_sender_unit (self->bus, topic_frame);
        if (!signer || !streq (signer, unit)) {
            if (signer)
                hs_why (&why, "spoofing", "a message for unit '%s' came with the key of '%s'",
                        unit, signer);
            else
                hs_why (&why, "spoofing", "a message for unit '%s' came with a key that is not "
                        "(or no longer) allowed", unit);
            self->staged.spoofing++;
            return s_reject (self, &why, msg);
        }
    }
    if (s_flooding (self, unit)) {
        //  Counted and logged, but no dead letter: a flood must not fill
        //  the store either.
        hs_why (&why, "rate_limited", "unit '%s' sends more than %lld messages a second",
                unit, (long long) self->config->source_rate);
        self->outcome->kind = OUTCOME_REJECTED;
        self->outcome->code = why.code;
        hs_strcpy (self->outcome->detail, sizeof (self->outcome->detail), why.detail);
        hs_reject_note (self->reject, &why, msg, self->now, self->record);
        return 0;
    }
    const uint8_t *body = zframe_data (body_frame);
    size_t body_size = zframe_size (body_frame);
    msgpack_unpacked unpacked;
    msgpack_unpacked_init (&unpacked);
    int rc;
    if (hs_proto_unpack_map (body, body_size, &self->config->limits, &unpacked, &why))
        rc = s_reject (self, &why, msg);
    else
    if (kind == 0)
        rc = s_handle_report (self, msg, &unpacked.data, unit, body, body_size);
    else
    if (kind == 1)
        rc = s_handle_update (self, msg, &unpacked.data, unit, body, body_size);
    else
    if (kind == 2)
        rc = s_handle_rsvp (self, msg, &unpacked.data, unit, body, body_size);
    else
    if (kind == 3)
        rc = s_handle_minutes (self, msg, &unpacked.data, unit, body, body_size);
    else
    if (kind == 4)
        rc = s_handle_heartbeat (self, msg, &unpacked.data, unit);
    else
        rc = s_handle_brief (self, msg, &unpacked.data, unit, body, body_size);
    msgpack_unpacked_destroy (&unpacked);
    return rc;
}

//  ---------------------------------------------------------------------
//  Transactions

static void
s_counts_add (s_counts_t *total, const s_counts_t *staged)
{
    uint64_t *to = (uint64_t *) total;
    const uint64_t *from = (const uint64_t *) staged;
    for (size_t index = 0; index < sizeof (s_counts_t) / sizeof (uint64_t); index++)
        to [index] += from [index];
}

//  One attempt at a unit of work in one transaction. Returns 0 if it
//  committed, -1 if not (everything staged is dropped).
static int
s_attempt (hs_engine_t *self, s_work_fn *work, void *arg)
{
    memset (&self->staged, 0, sizeof (self->staged));
    self->outbox_seq = 0;
    self->staged_due = 0;
    self->open_delta = 0;
    self->overdue_delta = 0;
    self->forward_staged = self->forward_tail;
    for (s_source_t *source = (s_source_t *) zhashx_first (self->sources); source;
         source = (s_source_t *) zhashx_next (self->sources))
        memset (source->staged, 0, sizeof (source->staged));
    self->feeds_dirty = false;
    if (hs_store_begin (self->store))
        return -1;
    //  Note how far publishing had got: what a crash between a commit and
    //  its publishing held back is sent again at the next start. (Written
    //  with the next commit, so no transaction of its own is needed.)
    int rc = hs_store_meta_put (self->store, "published_through", self->published_through);
    if (rc == 0)
        rc = work (self, arg);
    if (rc == 0)
        rc = s_open_cases_write (self);
    uint64_t forwarded_through = self->forwarded_through;
    if (rc == 0 && self->upstream) {
        //  Nothing waits to go up: everything committed so far is up (once
        //  this commits: an aborted transaction's seqs are given again).
        if (self->forward_head == self->forward_tail && !hs_upstream_busy (self->upstream))
            forwarded_through = hs_store_peek_seq (self->store) - 1;
        //  Written when they moved, not with every batch.
        if (forwarded_through != self->forward_saved_through
        ||  self->forward_fseq != self->forward_saved_fseq)
            rc = hs_store_meta_put (self->store, "forwarded_through", forwarded_through)
              || hs_store_meta_put (self->store, "forward_fseq", self->forward_fseq)? -1: 0;
    }
    if (rc == 0)
        rc = hs_warnings_flush (self->warnings);
    if (rc == 0)
        rc = hs_store_meta_put (self->store, "clock", (uint64_t) self->now);
    if (rc) {
        hs_store_abort (self->store);
    }
    else {
        int64_t start = zclock_usecs ();
        rc = hs_store_commit (self->store);
        self->commit_us_last = zclock_usecs () - start;
        if (rc == 0)
            hs_histogram_observe (&self->commit_seconds, (double) self->commit_us_last / 1e6);
        if (self->commit_us_last > self->commit_us_max)
            self->commit_us_max = self->commit_us_last;
    }
    if (rc) {
        hs_reject_abort (self->reject);
        hs_warnings_forget (self->warnings);
        self->forward_tail = self->forward_staged;
        s_outbox_clear (self);
        return -1;
    }
    hs_reject_commit (self->reject);
    s_counts_add (&self->counts, &self->staged);
    for (s_source_t *source = (s_source_t *) zhashx_first (self->sources); source;
         source = (s_source_t *) zhashx_next (self->sources))
        for (int kind = 0; kind < 4; kind++)
            source->results [kind] += source->staged [kind];
    if (self->staged_due && (self->store_due == 0 || self->staged_due < self->store_due))
        self->store_due = self->staged_due;
    self->forwarded_through = forwarded_through;
    self->forward_saved_through = forwarded_through;
    self->forward_saved_fseq = self->forward_fseq;
    return 0;
}

//  Do a unit of work durably, then publish what it caused. Returns 0, or
//  -1 if the store could not take it (logged).
static int
s_transact (hs_engine_t *self, s_work_fn *work, void *arg)
{
    self->now = hs_clock_now (self->clock);
    int rc = s_attempt (self, work, arg);
    while (rc && hs_store_map_full (self->store) && hs_store_grow (self->store) == 0) {
        if (self->feeds_dirty)
            s_load_feeds (self);
        rc = s_attempt (self, work, arg);
    }
    if (rc) {
        if (self->feeds_dirty)
            s_load_feeds (self);
        return -1;
    }
    if (self->fault_after_commit && zchunk_size (self->outbox)) {
        hs_log_error ("hs_engine: HUISHANGD_FAULT=after-commit: dying between commit and publish");
        _exit (3);
    }
    //  Committed: now, and only now, tell the world.
    const uint8_t *next = zchunk_data (self->outbox);
    const uint8_t *end = next + zchunk_size (self->outbox);
    while (next < end) {
        const uint8_t *topic = next + 1;
        uint32_t body_size;
        memcpy (&body_size, topic + next [0], 4);
        hs_bus_publish_mem (self->bus, topic, next [0], topic + next [0] + 4, body_size);
        next = topic + next [0] + 4 + body_size;
    }
    s_outbox_clear (self);
    if (self->outbox_seq > self->last_sent)
        self->last_sent = self->outbox_seq;
    if (self->republish_at == 0 && self->last_sent > self->published_through)
        self->published_through = self->last_sent;
    return 0;
}

//  Send again every published-type event after the last noted
//  published_through: at least once, subscribers deduplicate by seq.
typedef struct {
    hs_engine_t *self;
    uint64_t count;
    uint64_t last;
} s_republish_t;

static int
s_republish_visit (const void *key, size_t key_size, const void *data, size_t size, void *arg)
{
    s_republish_t *republish = (s_republish_t *) arg;
    if (key_size != 8)
        return 0;
    uint64_t seq = hs_store_be64_get ((const uint8_t *) key);
    if (seq > republish->self->republish_upto)
        return 1;                       //  this run's own: already sent live
    republish->last = seq;
    msgpack_unpacked unpacked;
    msgpack_unpacked_init (&unpacked);
    if (hs_proto_unpack_stored ((const uint8_t *) data, size, &unpacked) == 0) {
        char type [16], topic [HS_TOPIC_MAX + 1];
        const msgpack_object *body = hs_proto_get (&unpacked.data, "body");
        if (hs_proto_strcpy (hs_proto_get (&unpacked.data, "type"), type, sizeof (type)) == 0
        &&  hs_query_published (type) && body
        &&  hs_proto_strcpy (hs_proto_get (&unpacked.data, "topic"), topic, sizeof (topic)) == 0) {
            hs_pack_t *pack = hs_pack_new ();
            hs_pack_object (pack, body);
            zmsg_t *msg = zmsg_new ();
            zmsg_addstr (msg, topic);
            zmsg_addmem (msg, hs_pack_data (pack), hs_pack_size (pack));
            hs_pack_destroy (&pack);
            hs_bus_publish (republish->self->bus, &msg);
            republish->count++;
        }
    }
    msgpack_unpacked_destroy (&unpacked);
    return 0;
}

static void
s_republish (hs_engine_t *self)
{
    self->republish_at = 0;
    uint64_t through = 0;
    if (hs_store_view_begin (self->store))
        return;
    hs_store_meta_get (self->store, "published_through", 0, &through);
    uint8_t from [8];
    hs_store_be64_put (from, through + 1);
    s_republish_t republish = { self, 0, through };
    hs_store_walk (self->store, HS_TABLE_EVENTS, from, 8, false, s_republish_visit, &republish);
    hs_store_view_end (self->store);
    //  Everything up to the last run's end, and all this run sent, is out.
    if (self->republish_upto > self->published_through)
        self->published_through = self->republish_upto;
    if (self->last_sent > self->published_through)
        self->published_through = self->last_sent;
    if (republish.count)
        hs_log_notice ("hs_engine: sent again %llu events committed by the last run after seq %llu",
                     (unsigned long long) republish.count, (unsigned long long) through);
}

typedef struct {
    zlist_t *messages;          //  the inbound messages
    s_outcome_t *outcomes;      //  one per message, or NULL: nobody waits
} s_batch_t;

static int
s_noop_work (hs_engine_t *self, void *arg)
{
    (void) self;
    (void) arg;
    return 0;
}

//  Count what became of a message, by its topic's unit ("-": none of
//  ours); staged until the commit unless `committed`.
static void
s_source_result (hs_engine_t *self, const char *unit, int kind, bool committed)
{
    s_source_t *source = (s_source_t *) zhashx_lookup (self->sources, unit);
    if (!source) {
        source = (s_source_t *) zmalloc (sizeof (s_source_t));
        zhashx_insert (self->sources, unit, source);
    }
    if (committed)
        source->results [kind]++;
    else
        source->staged [kind]++;
}

static int
s_batch_work (hs_engine_t *self, void *arg)
{
    s_batch_t *batch = (s_batch_t *) arg;
    size_t index = 0;
    int rc = 0;
    for (zmsg_t *msg = (zmsg_t *) zlist_first (batch->messages); msg && rc == 0;
         msg = (zmsg_t *) zlist_next (batch->messages), index++) {
        self->outcome = batch->outcomes? &batch->outcomes [index]: &self->no_outcome;
        memset (self->outcome, 0, sizeof (s_outcome_t));
        strcpy (self->unit_seen, "-");
        rc = s_handle (self, msg);
        s_source_result (self, self->unit_seen, self->outcome->kind, false);
    }
    self->outcome = &self->no_outcome;
    return rc;
}

//  The unit a message's topic names, if it is one of ours, else "-".
static const char *
s_topic_unit (hs_engine_t *self, zmsg_t *msg)
{
    zframe_t *frame = zmsg_first (msg);
    if (!frame)
        return "-";
    char topic [HS_TOPIC_MAX + 1];
    size_t size = zframe_size (frame) < HS_TOPIC_MAX? zframe_size (frame): HS_TOPIC_MAX;
    memcpy (topic, zframe_data (frame), size);
    topic [size] = 0;
    const char *dot = strchr (topic, '.');
    const hs_unit_t *unit = dot? hs_units_find (self->config->units, dot + 1): NULL;
    return unit? unit->code: "-";
}

//  Handle a batch in one transaction; outcomes (if any) are filled in.
//  Takes the messages. Returns the number handled, or -1 (lost, logged).
static int
s_batch (hs_engine_t *self, zlist_t *messages, s_outcome_t *outcomes)
{
    int size = (int) zlist_size (messages);
    if (size == 0)
        return 0;
    s_batch_t batch = { messages, outcomes };
    int rc = s_transact (self, s_batch_work, &batch);
    zmsg_t *msg;
    if (rc == 0)
        while ((msg = (zmsg_t *) zlist_pop (messages)))
            zmsg_destroy (&msg);
    if (rc) {
        //  Nothing of the batch is stored: each message is rejected, with
        //  the reason, counted (no dead letter: there is no room for one).
        hs_why_t why;
        if (hs_store_no_room (self->store))
            hs_why (&why, "store_full", "the store is full (disk, or map at store/map_size_max): "
                    "nothing new can be stored until there is room");
        else
            hs_why (&why, "store_error", "the store could not commit the batch (see the log)");
        size_t index = 0;
        bool full = streq (why.code, "store_full");
        self->store_trouble = true;
        for (zmsg_t *msg = (zmsg_t *) zlist_first (messages); msg; msg = (zmsg_t *) zlist_next (messages)) {
            hs_reject_note (self->reject, &why, msg, self->now, self->record);
            s_source_result (self, s_topic_unit (self, msg), OUTCOME_REJECTED, true);
            //  Full: a clear, final answer. Any other trouble: "error",
            //  and an acknowledged submitter sends it again.
            if (outcomes && !full)
                outcomes [index].kind = OUTCOME_NONE;
            else
            if (outcomes) {
                outcomes [index].kind = OUTCOME_REJECTED;
                outcomes [index].code = why.code;
                hs_strcpy (outcomes [index].detail, sizeof (outcomes [index].detail), why.detail);
            }
            index++;
        }
        hs_reject_commit (self->reject);
        while ((msg = (zmsg_t *) zlist_pop (messages)))
            zmsg_destroy (&msg);
        self->lost += size;
        if (!self->no_room && streq (why.code, "store_full")) {
            //  Once, on entering the state: an unstored warning (seq 0).
            self->no_room = true;
            hs_log_error ("hs_engine: the store is full: new messages are rejected until there is room");
            const char *reasons [] = { "store.full", NULL };
            hs_warning_t warning = {
                .kind = "store", .category = -1, .count = size, .units = s_office,
                .reasons = reasons, .at = self->now
            };
            hs_pack_reset (self->body);
            hs_warning_encode (&warning, self->body);
            zmsg_t *notice = zmsg_new ();
            zmsg_addstr (notice, "warning.store");
            zmsg_addmem (notice, hs_pack_data (self->body), hs_pack_size (self->body));
            hs_bus_publish (self->bus, &notice);
        }
        return -1;
    }
    self->store_trouble = false;
    if (self->no_room) {
        self->no_room = false;
        hs_log_notice ("hs_engine: the store has room again: ingest resumed");
    }
    self->batches++;
    hs_histogram_observe (&self->batch_sizes, size);
    self->batch_last = size;
    if ((uint64_t) size > self->batch_largest)
        self->batch_largest = size;
    return size;
}

int
hs_engine_batch (hs_engine_t *self, zlist_t *batch)
{
    return s_batch (self, batch, NULL);
}

//  Acknowledged submit: read what is waiting on the submit socket (up to
//  batch_max), handle it as one batch, and answer each submitter only
//  after the commit: ok + seq, duplicate + the original seq, rejected +
//  the reason, or error if the store could not take it (retry).
static void
s_submit (hs_engine_t *self)
{
    zsock_t *submit = hs_bus_submit (self->bus);
    zlist_t *messages = zlist_new ();
    zlist_t *envelopes = zlist_new ();
    while ((int) zlist_size (messages) < self->config->batch_max) {
        zmsg_t *msg = zmsg_recv (submit);
        if (!msg)
            break;
        self->received++;
        //  The envelope: identity, and the empty delimiter if there is one.
        zmsg_t *envelope = zmsg_new ();
        zframe_t *identity = zmsg_pop (msg);
        zmsg_append (envelope, &identity);
        zframe_t *first = zmsg_first (msg);
        if (first && zframe_size (first) == 0) {
            zframe_t *delimiter = zmsg_pop (msg);
            zmsg_append (envelope, &delimiter);
        }
        zlist_append (messages, msg);
        zlist_append (envelopes, envelope);
    }
    size_t count = zlist_size (messages);
    s_outcome_t *outcomes = (s_outcome_t *) zmalloc ((count + 1) * sizeof (s_outcome_t));
    s_batch (self, messages, outcomes);
    hs_pack_t *pack = hs_pack_new ();
    size_t index = 0;
    zmsg_t *envelope;
    while ((envelope = (zmsg_t *) zlist_pop (envelopes))) {
        s_outcome_t *outcome = &outcomes [index++];
        static const char *status [] = { "error", "ok", "duplicate", "rejected" };
        hs_pack_reset (pack);
        hs_map_t map;
        hs_map_begin (&map, pack);
        hs_map_int (&map, "v", HS_PROTO_VERSION);
        if (outcome->kind == OUTCOME_OK || outcome->kind == OUTCOME_DUPLICATE)
            hs_map_int (&map, "seq", (int64_t) outcome->seq);
        if (outcome->kind == OUTCOME_REJECTED) {
            hs_map_str (&map, "reason", outcome->code);
            hs_map_str (&map, "detail", outcome->detail);
        }
        if (outcome->kind == OUTCOME_NONE) {
            hs_map_str (&map, "reason", "store");
            hs_map_str (&map, "detail", "the store could not take it now: send it again");
        }
        hs_map_end (&map);
        zmsg_addstr (envelope, status [outcome->kind]);
        zmsg_addmem (envelope, hs_pack_data (pack), hs_pack_size (pack));
        zmsg_send (&envelope, submit);
        zmsg_destroy (&envelope);
    }
    hs_pack_destroy (&pack);
    free (outcomes);
    zlist_destroy (&messages);
    zlist_destroy (&envelopes);
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
//  Timers

typedef struct {
    int64_t now;
    uint8_t keys [TIMERS_PER_WORK][HS_ID_MAX + 10];
    size_t sizes [TIMERS_PER_WORK];
    size_t count;
    int64_t next;               //  the first timer not yet due, or 0
} s_due_t;

static int
s_due_visit (const void *key, size_t key_size, const void *data, size_t size, void *arg)
{
    (void) data;
    (void) size;
    s_due_t *due = (s_due_t *) arg;
    if (key_size < 10 || key_size > HS_ID_MAX + 9)
        return 0;
    int64_t when = (int64_t) hs_store_be64_get ((const uint8_t *) key);
    if (when > due->now || due->count == TIMERS_PER_WORK) {
        due->next = when;
        return 1;
    }
    memcpy (due->keys [due->count], key, key_size);
    due->sizes [due->count++] = key_size;
    return 0;
}

//  A case timer: overdue alert, or the rise at twice the due time. Stale
//  timers (the clock restarted, the case closed) do nothing.
static int
s_case_timer (hs_engine_t *self, char kind, int64_t due, const char *case_id)
{
    hs_case_t *kase = self->kase;
    int rc = hs_cases_load (self->store, case_id, kase);
    if (rc)
        return rc < 0? -1: 0;
    if (kase->closed)
        return 0;
    if (kind == TIMER_OVERDUE && kase->due_at == due && !kase->overdue_sent) {
        s_case_flags (self, kase, true, kase->closed);
        self->staged.overdue++;
        const char *reasons [] = { "supervision.overdue", NULL };
        rc = s_alert (self, kase, "overdue", -1, NULL, NULL, false, s_office, reasons);
        if (rc == 0 && kase->escalate_at)
            rc = s_timer_add (self, kase->escalate_at, TIMER_ESCALATE, kase->id);
    }
    else
    if (kind == TIMER_ESCALATE && kase->escalate_at == due)
        rc = s_raise (self, kase, 1, "supervision.escalated", NULL, NULL, false);
    else
        return 0;
    return rc? -1: hs_cases_save (self->store, kase, self->record);
}

//  Half a meeting's deadline: without a quorum, remind those who have not
//  answered and alert the convener.
static int
s_quorum_timer (hs_engine_t *self, const char *meeting_id)
{
    hs_meeting_rec_t *meeting = self->meeting;
    int rc = hs_meetings_load (self->store, meeting_id, meeting);
    if (rc)
        return rc < 0? -1: 0;
    const hs_policy_t *policy = hs_rules_policy (self->config->rules);
    if (meeting->held || meeting->reminded || hs_meeting_quorum (meeting, policy))
        return 0;
    meeting->reminded = true;
    const char *missing [HS_MEETING_MAX_INVITED + HS_MEETING_MAX_CHAIRS + 1];
    hs_meeting_unanswered (meeting, missing);
    const char *case_id = meeting->case_count? meeting->cases [0]: NULL;
    hs_reminder_t reminder = {
        .seq = hs_store_next_seq (self->store), .meeting_id = meeting->id, .case_id = case_id,
        .to = missing, .deadline = meeting->deadline, .at = self->now
    };
    hs_pack_reset (self->body);
    hs_reminder_encode (&reminder, self->body);
    self->staged.reminders++;
    if (s_emit (self, reminder.seq, "reminder", "meeting.reminder", case_id))
        return -1;
    const char *convener [] = { "convener", NULL };
    const char *reasons [] = { "meeting.no_quorum", NULL };
    if (case_id) {
        hs_case_t *kase = self->kase;
        rc = hs_cases_load (self->store, case_id, kase);
        if (rc < 0)
            return -1;
        if (rc == 0 && (s_alert (self, kase, "warning", -1, NULL, NULL, false, convener, reasons)
                    ||  hs_cases_save (self->store, kase, self->record)))
            return -1;
    }
    else {
        hs_warning_t warning = {
            .kind = "quorum", .meeting_id = meeting->id, .category = -1, .count = -1,
            .units = convener, .reasons = reasons
        };
        if (s_warning (self, &warning))
            return -1;
    }
    return hs_meetings_save (self->store, self->meeting, self->record);
}

static int
s_timers_work (hs_engine_t *self, void *arg)
{
    s_due_t *due = (s_due_t *) arg;
    due->now = self->now;
    due->count = 0;
    due->next = 0;
    if (hs_store_walk (self->store, HS_TABLE_TIMERS, NULL, 0, false, s_due_visit, due))
        return -1;
    for (size_t index = 0; index < due->count; index++) {
        const uint8_t *key = due->keys [index];
        char id [HS_ID_MAX + 1];
        size_t id_size = due->sizes [index] - 9;
        memcpy (id, key + 9, id_size);
        id [id_size] = 0;
        int64_t when = (int64_t) hs_store_be64_get (key);
        char kind = (char) key [8];
        if (hs_store_del (self->store, HS_TABLE_TIMERS, key, due->sizes [index]))
            return -1;
        self->staged.timers++;
        int rc = kind == TIMER_QUORUM? s_quorum_timer (self, id): s_case_timer (self, kind, when, id);
        if (rc)
            return -1;
    }
    return 0;
}

//  ---------------------------------------------------------------------
//  Briefings (通报)

typedef struct {
    const char *period;         //  daily | weekly
    int64_t from;               //  the period began (daemon clock)
    uint64_t from_seq;          //  the first seq of the period
    //  counted from the period's events:
    int64_t new_cases;
    int64_t by_level [HS_LEVEL_COUNT];
    zhashx_t *by_street;        //  street -> count (as pointer-sized integers)
    zhashx_t *by_category;
    int64_t resolved, overdue_alerts, escalated, meetings_requested, meetings_held, warnings;
    //  counted from the cases:
    int64_t open, open_by_level [HS_LEVEL_COUNT], overdue_open;
} s_brief_t;

static void
s_tally (zhashx_t *hash, const char *key)
{
    size_t count = (size_t) zhashx_lookup (hash, key);
    if (count)
        zhashx_update (hash, key, (void *) (count + 1));
    else
        zhashx_insert (hash, key, (void *) (size_t) 1);
}

static int
s_brief_event (const void *key, size_t key_size, const void *data, size_t size, void *arg)
{
    (void) key;
    (void) key_size;
    s_brief_t *brief = (s_brief_t *) arg;
    msgpack_unpacked unpacked;
    msgpack_unpacked_init (&unpacked);
    if (hs_proto_unpack_stored ((const uint8_t *) data, size, &unpacked) == 0) {
        const msgpack_object *event = &unpacked.data;
        const msgpack_object *body = hs_proto_get (event, "body");
        char type [16] = "", kind [16] = "", text [HS_CODE_MAX + 1] = "";
        hs_proto_strcpy (hs_proto_get (event, "type"), type, sizeof (type));
        hs_proto_strcpy (hs_proto_get (body, "kind"), kind, sizeof (kind));
        if (streq (type, "alert") && streq (kind, "new")) {
            brief->new_cases++;
            hs_proto_strcpy (hs_proto_get (body, "level"), text, sizeof (text));
            int level = hs_level_parse (text);
            if (level >= 0)
                brief->by_level [level]++;
            if (hs_proto_strcpy (hs_proto_get (body, "street"), text, sizeof (text)) == 0)
                s_tally (brief->by_street, text);
            if (hs_proto_strcpy (hs_proto_get (body, "category"), text, sizeof (text)) == 0)
                s_tally (brief->by_category, text);
        }
        else
        if (streq (type, "alert") && streq (kind, "resolved"))
            brief->resolved++;
        else
        if (streq (type, "alert") && streq (kind, "overdue"))
            brief->overdue_alerts++;
        else
        if (streq (type, "alert") && streq (kind, "escalated"))
            brief->escalated++;
        else
        if (streq (type, "meeting"))
            brief->meetings_requested++;
        else
        if (streq (type, "minutes"))
            brief->meetings_held++;
        else
        if (streq (type, "warning"))
            brief->warnings++;
    }
    msgpack_unpacked_destroy (&unpacked);
    return 0;
}

static int
s_brief_case (const void *key, size_t key_size, const void *data, size_t size, void *arg)
{
    (void) key;
    (void) key_size;
    s_brief_t *brief = (s_brief_t *) arg;
    hs_case_t kase;
    if (hs_case_decode (data, size, &kase) == 0 && !kase.closed) {
        brief->open++;
        brief->open_by_level [kase.level]++;
        brief->overdue_open += kase.overdue_sent;
    }
    return 0;
}

static void
s_pack_tally (hs_pack_t *pack, zhashx_t *hash)
{
    hs_pack_map (pack, zhashx_size (hash));
    for (void *count = zhashx_first (hash); count; count = zhashx_next (hash)) {
        hs_pack_str (pack, (const char *) zhashx_cursor (hash));
        hs_pack_int (pack, (int64_t) (size_t) count);
    }
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

//  Pack a briefing's body into self->body; `to` names the level it is
//  reported to (a copy upward), or NULL.
static void
s_brief_pack (hs_engine_t *self, s_brief_t *brief, uint64_t seq, const char *to)
{
    hs_pack_reset (self->body);
    hs_map_t map, news;
    hs_map_begin (&map, self->body);
    hs_map_int (&map, "v", HS_PROTO_VERSION);
    hs_map_int (&map, "seq", (int64_t) seq);
    hs_map_str (&map, "period", brief->period);
    hs_map_str (&map, "district", self->config->district);
    if (to) {
        //  As every report upward: to whom, from which district.
        hs_map_str (&map, "to", to);
        hs_map_str (&map, "from", self->config->district);
    }
    hs_map_int (&map, "since", brief->from);
    hs_map_int (&map, "until", self->now);
    hs_map_key (&map, "new");
    hs_map_begin (&news, self->body);
    hs_map_int (&news, "total", brief->new_cases);
    hs_map_key (&news, "by_level");
    s_pack_levels (self->body, brief->by_level);
    hs_map_key (&news, "by_street");
    s_pack_tally (self->body, brief->by_street);
    hs_map_key (&news, "by_category");
    s_pack_tally (self->body, brief->by_category);
    hs_map_end (&news);
    hs_map_int (&map, "open", brief->open);
    hs_map_key (&map, "open_by_level");
    s_pack_levels (self->body, brief->open_by_level);
    hs_map_int (&map, "overdue", brief->overdue_open);
    hs_map_int (&map, "overdue_alerts", brief->overdue_alerts);
    hs_map_int (&map, "escalated", brief->escalated);
    hs_map_int (&map, "resolved", brief->resolved);
    hs_map_int (&map, "meetings_requested", brief->meetings_requested);
    hs_map_int (&map, "meetings_held", brief->meetings_held);
    hs_map_int (&map, "warnings", brief->warnings);
    hs_map_int (&map, "at", self->now);
    hs_map_end (&map);
}

//  The next local time a briefing is due after `now`.
static int64_t
s_brief_next (hs_engine_t *self, bool weekly, int64_t now)
{
    const hs_policy_t *policy = hs_rules_policy (self->config->rules);
    hs_calendar_t *calendar = self->config->calendar;
    int minute = weekly? policy->brief_weekly_minute: policy->brief_daily_minute;
    for (int64_t day = hs_calendar_day (calendar, now); ; day++) {
        if (weekly && hs_calendar_weekday (day) != policy->brief_weekly_weekday)
            continue;
        int64_t at = hs_calendar_at (calendar, day, minute);
        if (at > now)
            return at;
    }
}

//  Publish one briefing for the period that ends now, and schedule the
//  next. The weekly one also goes to the city (汇报).
static int
s_brief (hs_engine_t *self, bool weekly)
{
    const char *period = weekly? "weekly": "daily";
    char name [64];
    s_brief_t brief = { .period = period };
    uint64_t value;
    snprintf (name, sizeof (name), "brief.%s.from", period);
    if (hs_store_meta_get (self->store, name, (uint64_t) self->now, &value))
        return -1;
    brief.from = (int64_t) value;
    snprintf (name, sizeof (name), "brief.%s.seq", period);
    if (hs_store_meta_get (self->store, name, 1, &brief.from_seq))
        return -1;
    brief.by_street = zhashx_new ();
    brief.by_category = zhashx_new ();
    uint8_t from [8];
    hs_store_be64_put (from, brief.from_seq);
    int rc = hs_store_walk (self->store, HS_TABLE_EVENTS, from, 8, false, s_brief_event, &brief);
    if (rc == 0)
        rc = hs_store_walk (self->store, HS_TABLE_CASES, NULL, 0, false, s_brief_case, &brief);
    if (rc == 0) {
        uint64_t seq = hs_store_next_seq (self->store);
        s_brief_pack (self, &brief, seq, NULL);
        char topic [32];
        snprintf (topic, sizeof (topic), "brief.%s", period);
        self->staged.briefs++;
        rc = s_emit (self, seq, "brief", topic, NULL);
        if (rc == 0 && weekly) {
            //  The same briefing, reported upward to the city (汇报).
            seq = hs_store_next_seq (self->store);
            s_brief_pack (self, &brief, seq, "city");
            self->staged.escalations++;
            rc = s_emit (self, seq, "escalate", "escalate.city", NULL);
        }
    }
    zhashx_destroy (&brief.by_street);
    zhashx_destroy (&brief.by_category);
    if (rc == 0) {
        snprintf (name, sizeof (name), "brief.%s.from", period);
        rc = hs_store_meta_put (self->store, name, (uint64_t) self->now);
    }
    if (rc == 0) {
        snprintf (name, sizeof (name), "brief.%s.seq", period);
        rc = hs_store_meta_put (self->store, name, hs_store_peek_seq (self->store));
    }
    if (rc == 0) {
        snprintf (name, sizeof (name), "brief.%s.next", period);
        rc = hs_store_meta_put (self->store, name, (uint64_t) s_brief_next (self, weekly, self->now));
    }
    return rc;
}

//  Make sure both briefings have a next time (the first start, or a
//  schedule change), and publish those that are due.
static int
s_schedule_briefs (hs_engine_t *self, void *arg)
{
    bool fire = arg != NULL;
    if (fire && s_feeds_silence (self))
        return -1;
    for (int weekly = 0; weekly < 2; weekly++) {
        char name [64];
        snprintf (name, sizeof (name), "brief.%s.next", weekly? "weekly": "daily");
        uint64_t next;
        if (hs_store_meta_get (self->store, name, 0, &next))
            return -1;
        if (next == 0) {
            //  The first period starts now, with the next event.
            char from [64], seq [64];
            snprintf (from, sizeof (from), "brief.%s.from", weekly? "weekly": "daily");
            snprintf (seq, sizeof (seq), "brief.%s.seq", weekly? "weekly": "daily");
            if (hs_store_meta_put (self->store, name, (uint64_t) s_brief_next (self, weekly, self->now))
            ||  hs_store_meta_put (self->store, from, (uint64_t) self->now)
            ||  hs_store_meta_put (self->store, seq, hs_store_peek_seq (self->store)))
                return -1;
        }
        else
        if (fire && (int64_t) next <= self->now && s_brief (self, weekly))
            return -1;
    }
    return 0;
}

//  Read when the store's next timer or briefing is due (daemon clock;
//  0 for none).
static void
s_store_due_read (hs_engine_t *self)
{
    int64_t next = 0;
    if (hs_store_view_begin (self->store))
        return;
    s_due_t *probe = (s_due_t *) zmalloc (sizeof (s_due_t));
    probe->now = INT64_MIN;
    hs_store_walk (self->store, HS_TABLE_TIMERS, NULL, 0, false, s_due_visit, probe);
    next = probe->next;
    free (probe);
    const char *names [] = { "brief.daily.next", "brief.weekly.next" };
    for (int index = 0; index < 2; index++) {
        uint64_t at;
        if (hs_store_meta_get (self->store, names [index], 0, &at) == 0 && at
        &&  (next == 0 || (int64_t) at < next))
            next = (int64_t) at;
    }
    hs_store_view_end (self->store);
    self->store_due = next;
}

//  The next time anything is due: the store's part is kept up to date
//  as timers are added (always in the future), and read again after
//  the clockwork has fired what was due; the feeders' silence is memory.
static int64_t
s_next_due (hs_engine_t *self)
{
    int64_t next = self->store_due;
    int64_t silence = s_feeds_next_silence (self);
    if (silence && (next == 0 || silence < next))
        next = silence;
    return next;
}

//  Fire what has come due: timers, then briefings.
static void
s_clockwork (hs_engine_t *self)
{
    s_due_t *due = (s_due_t *) zmalloc (sizeof (s_due_t));
    //  Each round takes up to TIMERS_PER_WORK timers; go on while full.
    for (int round = 0; round < 64; round++) {
        if (s_transact (self, s_timers_work, due) || due->count < TIMERS_PER_WORK)
            break;
    }
    free (due);
    s_transact (self, s_schedule_briefs, (void *) 1);
    s_store_due_read (self);
}

//  ---------------------------------------------------------------------
//  The api

//  The health / stats reply body.
static void
s_pack_health (hs_engine_t *self, hs_pack_t *pack)
{
    hs_store_stats_t store;
    bool store_ok = hs_store_stats (self->store, &store) == 0;
    int64_t now = hs_clock_now (self->clock);
    hs_map_t map, counters, store_map;
    hs_map_begin (&map, pack);
    hs_map_int (&map, "v", HS_PROTO_VERSION);
    hs_map_str (&map, "status", store_ok && !self->no_room && !self->store_trouble? "ok": "degraded");
    hs_map_str (&map, "version", HS_VERSION);
    hs_map_str (&map, "district", self->config->district);
    hs_map_str (&map, "rules_version", hs_rules_version (self->config->rules));
    hs_map_int (&map, "uptime_ms", zclock_mono () - self->started_mono);
    hs_map_int (&map, "at", now);
    hs_map_key (&map, "time_scale");
    msgpack_object scale = { .type = MSGPACK_OBJECT_FLOAT64, .via.f64 = hs_clock_scale (self->clock) };
    hs_pack_object (pack, &scale);
    hs_map_key (&map, "counters");
    hs_map_begin (&counters, pack);
    hs_map_int (&counters, "received", (int64_t) self->received);
    hs_map_int (&counters, "reports", (int64_t) self->counts.reports);
    hs_map_int (&counters, "updates", (int64_t) self->counts.updates);
    hs_map_int (&counters, "rsvps", (int64_t) self->counts.rsvps);
    hs_map_int (&counters, "minutes", (int64_t) self->counts.minutes);
    hs_map_int (&counters, "duplicates", (int64_t) self->counts.duplicates);
    hs_map_int (&counters, "rejected", (int64_t) hs_reject_total (self->reject));
    hs_map_int (&counters, "lost", (int64_t) self->lost);
    hs_map_int (&counters, "cases_opened", (int64_t) self->counts.cases_opened);
    hs_map_int (&counters, "escalated", (int64_t) self->counts.escalated);
    hs_map_int (&counters, "resolved", (int64_t) self->counts.resolved);
    hs_map_int (&counters, "alerts", (int64_t) self->counts.alerts);
    hs_map_int (&counters, "overdue", (int64_t) self->counts.overdue);
    hs_map_int (&counters, "meetings", (int64_t) self->counts.meetings);
    hs_map_int (&counters, "reminders", (int64_t) self->counts.reminders);
    hs_map_int (&counters, "escalations", (int64_t) self->counts.escalations);
    hs_map_int (&counters, "warnings", (int64_t) self->counts.warnings);
    hs_map_int (&counters, "briefs", (int64_t) self->counts.briefs);
    hs_map_int (&counters, "timers", (int64_t) self->counts.timers);
    hs_map_int (&counters, "heartbeats", (int64_t) self->counts.heartbeats);
    hs_map_int (&counters, "spoofing", (int64_t) self->counts.spoofing);
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
    hs_map_int (&store_map, "index_keys", (int64_t) store.index_keys);
    hs_map_int (&store_map, "deadletters", (int64_t) store.deadletters);
    hs_map_int (&store_map, "map_size", store.map_size);
    hs_map_int (&store_map, "map_used", store.map_used);
    hs_map_key (&store_map, "full");
    hs_pack_bool (pack, self->no_room);
    hs_map_end (&store_map);
    hs_map_end (&map);
}

static void
s_pack_rules (hs_engine_t *self, hs_pack_t *pack)
{
    hs_map_t map;
    hs_map_begin (&map, pack);
    hs_map_int (&map, "v", HS_PROTO_VERSION);
    hs_map_str (&map, "version", hs_rules_version (self->config->rules));
    hs_map_str (&map, "rules_file", self->config->rules_file);
    hs_map_str (&map, "units_file", self->config->units_file);
    hs_map_str (&map, "config", self->config->source);
    hs_map_end (&map);
}

typedef struct {
    const char *note;
} s_plenary_t;

static int
s_plenary_work (hs_engine_t *self, void *arg)
{
    (void) arg;
    const hs_policy_t *policy = hs_rules_policy (self->config->rules);
    const char *reasons [] = { "plenary.called", NULL };
    return s_meeting_request (self, "plenary", NULL, hs_units_members (self->config->units),
                              "normal", policy->plenary_deadline_ms, reasons);
}

//  Answer one request: `command` with optional `args`. Packs the reply
//  body into `reply`; returns 0 for "ok", -1 for "error" (body says why).
static int
s_request (hs_engine_t *self, const char *command, const msgpack_object *args, hs_pack_t *reply)
{
    hs_why_t why = { .code = NULL };
    int rc = 0;
    if (streq (command, "health") || streq (command, "stats"))
        s_pack_health (self, reply);
    else
    if (streq (command, "rules"))
        s_pack_rules (self, reply);
    else
    if (streq (command, "metrics")) {
        s_metrics_page (self);
        hs_map_t map;
        hs_map_begin (&map, reply);
        hs_map_int (&map, "v", HS_PROTO_VERSION);
        hs_map_str (&map, "text", hs_metrics_text (self->metrics));
        hs_map_end (&map);
    }
    else
    if (streq (command, "case") || streq (command, "cases") || streq (command, "replay")) {
        if (hs_store_view_begin (self->store))
            rc = hs_why (&why, "store", "the store could not be read");
        else {
            if (streq (command, "case"))
                rc = hs_query_case (self->store, args, reply, &why);
            else
            if (streq (command, "cases"))
                rc = hs_query_cases (self->store, self->config, args, reply, &why);
            else
                rc = hs_query_replay (self->store, args, reply, &why);
            hs_store_view_end (self->store);
        }
    }
    else
    if (streq (command, "plenary")) {
        char source [HS_CODE_MAX + 1] = "";
        hs_proto_strcpy (args? hs_proto_get (args, "source"): NULL, source, sizeof (source));
        if (hs_bus_secure (self->bus) && !(self->api_signer && streq (self->api_signer, "convener")))
            rc = hs_why (&why, "not_authorized", "only the convener's key calls a plenary");
        else
        if (!streq (source, "convener"))
            rc = hs_why (&why, "not_authorized", "only the convener calls a plenary "
                         "(send source = convener)");
        else
        if (s_transact (self, s_plenary_work, NULL))
            rc = hs_why (&why, "store", "the store could not take the request");
        else {
            hs_map_t map;
            hs_map_begin (&map, reply);
            hs_map_int (&map, "v", HS_PROTO_VERSION);
            hs_map_str (&map, "meeting", self->meeting->id);
            hs_map_int (&map, "deadline", self->meeting->deadline);
            hs_map_end (&map);
        }
    }
    else
    if (streq (command, "hello")) {
        //  Publish a marker a subscriber can wait for: once it arrives,
        //  its subscription is live (used by replay to join without a gap).
        char token [HS_ID_MAX + 1] = "";
        hs_proto_strcpy (args? hs_proto_get (args, "token"): NULL, token, sizeof (token));
        hs_pack_t *hello = hs_pack_new ();
        hs_map_t map;
        hs_map_begin (&map, hello);
        hs_map_int (&map, "v", HS_PROTO_VERSION);
        hs_map_str (&map, "token", token);
        hs_map_end (&map);
        zmsg_t *msg = zmsg_new ();
        zmsg_addstr (msg, "hs.hello");
        zmsg_addmem (msg, hs_pack_data (hello), hs_pack_size (hello));
        hs_bus_announce (self->bus, &msg);
        hs_pack_destroy (&hello);
        hs_map_begin (&map, reply);
        hs_map_int (&map, "v", HS_PROTO_VERSION);
        hs_map_str (&map, "token", token);
        hs_map_end (&map);
    }
    else
        rc = hs_why (&why, "unknown_command", "unknown command '%.40s': expected health, stats, "
                     "rules, case, cases, replay, plenary or hello", command);
    if (rc) {
        hs_pack_reset (reply);
        hs_map_t map;
        hs_map_begin (&map, reply);
        hs_map_int (&map, "v", HS_PROTO_VERSION);
        hs_map_str (&map, "error", why.detail);
        hs_map_str (&map, "code", why.code? why.code: "error");
        hs_map_end (&map);
    }
    return rc;
}

int
hs_engine_request (hs_engine_t *self, const char *command, const uint8_t *args, size_t args_size,
                   hs_pack_t *reply)
{
    hs_pack_reset (reply);
    msgpack_unpacked unpacked;
    msgpack_unpacked_init (&unpacked);
    hs_why_t why;
    int rc;
    if (args && hs_proto_unpack_map (args, args_size, &self->config->limits, &unpacked, &why)) {
        hs_map_t map;
        hs_map_begin (&map, reply);
        hs_map_int (&map, "v", HS_PROTO_VERSION);
        hs_map_str (&map, "error", why.detail);
        hs_map_str (&map, "code", why.code);
        hs_map_end (&map);
        rc = -1;
    }
    else
        rc = s_request (self, command, args? &unpacked.data: NULL, reply);
    msgpack_unpacked_destroy (&unpacked);
    return rc;
}

void
hs_engine_api (hs_engine_t *self)
{
    zsock_t *api = hs_bus_api (self->bus);
    hs_pack_t *reply_body = hs_pack_new ();
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
        zframe_t *command_frame = zmsg_first (request);
        self->api_signer = command_frame? hs_bus_sender_unit (self->bus, command_frame): NULL;
        char *command = zmsg_popstr (request);
        zframe_t *args_frame = zmsg_pop (request);
        int rc = hs_engine_request (self, command? command: "",
                                    args_frame? zframe_data (args_frame): NULL,
                                    args_frame? zframe_size (args_frame): 0, reply_body);
        zmsg_t *reply = zmsg_new ();
        zmsg_append (reply, &identity);
        if (delimiter)
            zmsg_append (reply, &delimiter);
        zmsg_addstr (reply, rc? "error": "ok");
        zmsg_addmem (reply, hs_pack_data (reply_body), hs_pack_size (reply_body));
        zmsg_send (&reply, api);
        zmsg_destroy (&reply);
        zframe_destroy (&args_frame);
        zstr_free (&command);
        zmsg_destroy (&request);
    }
    hs_pack_destroy (&reply_body);
}

//  ---------------------------------------------------------------------
//  Reloading the configuration

void
hs_engine_set_reload (hs_engine_t *self, hs_engine_reload_fn *reload, void *arg)
{
    self->reload = reload;
    self->reload_arg = arg;
}

typedef struct {
    const char *from;           //  the rules version before
    const char *to;             //  ... and after
    const char *file;
} s_rules_change_t;

//  The change of rules version, as an event in the store.
static int
s_rules_event_work (hs_engine_t *self, void *arg)
{
    s_rules_change_t *change = (s_rules_change_t *) arg;
    hs_pack_reset (self->body);
    hs_map_t map;
    hs_map_begin (&map, self->body);
    hs_map_int (&map, "v", HS_PROTO_VERSION);
    hs_map_str (&map, "from", change->from);
    hs_map_str (&map, "to", change->to);
    hs_map_str (&map, "rules_file", change->file);
    hs_map_end (&map);
    return s_record (self, hs_store_next_seq (self->store), "rules", "rules.reload", NULL,
                     hs_pack_data (self->body), hs_pack_size (self->body), NULL);
}

static void
s_restart_needed (const char *what, const char *old, const char *fresh)
{
    if (strcmp (old, fresh))
        hs_log_warning ("huishangd: reload: %s changed from %s to %s; it takes a restart", what, old, fresh);
}

int
hs_engine_reload (hs_engine_t *self, hs_config_t **fresh_p)
{
    hs_config_t *fresh = *fresh_p;
    *fresh_p = NULL;
    hs_config_t *old = self->config;
    s_restart_needed ("ingest", old->ingest, fresh->ingest);
    s_restart_needed ("submit", old->submit, fresh->submit);
    s_restart_needed ("publish", old->publish, fresh->publish);
    s_restart_needed ("api", old->api, fresh->api);
    s_restart_needed ("store", old->store_path, fresh->store_path);
    s_restart_needed ("district", old->district, fresh->district);
    if (fresh->security != old->security
    ||  strcmp (fresh->server_cert, old->server_cert) || strcmp (fresh->clients_dir, old->clients_dir)
    ||  fresh->secure_dashboards != old->secure_dashboards)
        hs_log_warning ("huishangd: reload: security settings changed; they take a restart");
    if (fresh->reject_interval_ms != old->reject_interval_ms)
        hs_log_warning ("huishangd: reload: log/reject_interval changed; it takes a restart");
    //  What lives on the sockets and the store stays as it is.
    hs_config_set (&fresh->ingest, old->ingest);
    hs_config_set (&fresh->submit, old->submit);
    hs_config_set (&fresh->publish, old->publish);
    hs_config_set (&fresh->api, old->api);
    hs_config_set (&fresh->store_path, old->store_path);
    hs_config_set (&fresh->district, old->district);
    hs_store_set_max (self->store, fresh->map_size_max);
    fresh->max_message = old->max_message;
    fresh->ingest_hwm = old->ingest_hwm;
    fresh->publish_hwm = old->publish_hwm;
    fresh->time_scale = old->time_scale;
    fresh->time_start = old->time_start;
    char from [41];
    hs_strcpy (from, sizeof (from), hs_rules_version (old->rules));
    //  The swap: between two units of work, so atomic for every message.
    self->config = fresh;
    hs_warnings_t *warnings = s_warnings_new (self, fresh);
    hs_warnings_destroy (&self->warnings);
    self->warnings = warnings;
    hs_config_destroy (&self->owned);
    self->owned = fresh;
    s_rules_change_t change = { from, hs_rules_version (fresh->rules), fresh->rules_file };
    if (strcmp (from, change.to))
        s_transact (self, s_rules_event_work, &change);
    hs_log_notice ("huishangd: configuration reloaded from %s: rules %.12s -> %.12s",
                 fresh->source, from, hs_rules_version (fresh->rules));
    return 0;
}

static volatile sig_atomic_t s_hangup = 0;

static void
s_on_hangup (int signal_number)
{
    (void) signal_number;
    s_hangup = 1;
}

//  ---------------------------------------------------------------------
//  Metrics (Prometheus text format)

static void
s_metrics_page (hs_engine_t *self)
{
    hs_metrics_t *page = self->metrics;
    hs_metrics_reset (page);
    hs_store_stats_t store;
    uint64_t overdue = 0;
    bool store_ok = hs_store_stats (self->store, &store) == 0;
    if (store_ok && hs_store_view_begin (self->store) == 0) {
        hs_store_meta_get (self->store, "overdue_cases", 0, &overdue);
        hs_store_view_end (self->store);
    }
    hs_metrics_family (page, "huishang_info", "gauge", "The running daemon: version, district, rules.");
    hs_metrics_sample (page, 1, "version", HS_VERSION, "district", self->config->district,
                       "rules_version", hs_rules_version (self->config->rules), NULL);
    hs_metrics_family (page, "huishang_uptime_seconds", "gauge", "Seconds since the daemon started.");
    hs_metrics_sample (page, (double) (zclock_mono () - self->started_mono) / 1000.0, NULL);
    hs_metrics_family (page, "huishang_messages_total", "counter",
                       "Inbound messages by the unit their topic names (- none of ours) and result.");
    static const char *results [] = { "other", "accepted", "duplicate", "rejected" };
    for (s_source_t *source = (s_source_t *) zhashx_first (self->sources); source;
         source = (s_source_t *) zhashx_next (self->sources))
        for (int kind = 0; kind < 4; kind++)
            if (source->results [kind])
                hs_metrics_sample (page, (double) source->results [kind],
                                   "source", (const char *) zhashx_cursor (self->sources),
                                   "result", results [kind], NULL);
    struct { const char *name, *help; uint64_t value; } counters [] = {
        { "huishang_reports_total", "Reports accepted and stored.", self->counts.reports },
        { "huishang_updates_total", "Case updates accepted and stored.", self->counts.updates },
        { "huishang_duplicates_total", "Messages seen before (source and id), answered with the first seq.", self->counts.duplicates },
        { "huishang_lost_total", "Messages the store could not take (rejected as store_full or store_error).", self->lost },
        { "huishang_cases_opened_total", "Cases opened.", self->counts.cases_opened },
        { "huishang_meetings_total", "Meeting requests.", self->counts.meetings },
        { "huishang_warnings_total", "Early warnings and work prompts (warning.*).", self->counts.warnings },
        { "huishang_escalations_total", "escalate.district and escalate.city messages.", self->counts.escalations },
        { "huishang_published_total", "Messages published.", hs_bus_published (self->bus) },
        { "huishang_publish_overflows_total", "Times a subscriber's queue was full (messages dropped for it).", hs_bus_overflows (self->bus) },
        { NULL, NULL, 0 }
    };
    for (int index = 0; counters [index].name; index++) {
        hs_metrics_family (page, counters [index].name, "counter", counters [index].help);
        hs_metrics_sample (page, (double) counters [index].value, NULL);
    }
    hs_metrics_family (page, "huishang_rejections_total", "counter", "Rejected messages by reason.");
    for (size_t index = 0; index < hs_reject_size (self->reject); index++) {
        uint64_t count;
        const char *code = hs_reject_at (self->reject, index, &count);
        if (count)
            hs_metrics_sample (page, (double) count, "reason", code, NULL);
    }
    hs_metrics_family (page, "huishang_alerts_total", "counter", "Alerts by the case's level.");
    for (int level = 0; level < HS_LEVEL_COUNT; level++)
        hs_metrics_sample (page, (double) self->counts.alerts_by_level [level],
                           "level", hs_level_name (level), NULL);
    hs_metrics_family (page, "huishang_cases_open", "gauge", "Cases not closed.");
    hs_metrics_sample (page, (double) store.open_cases, NULL);
    hs_metrics_family (page, "huishang_cases_overdue", "gauge", "Open cases whose update is overdue.");
    hs_metrics_sample (page, (double) overdue, NULL);
    hs_metrics_histogram (page, "huishang_commit_batch_size", "Messages per committed batch.",
                          &self->batch_sizes);
    hs_metrics_histogram (page, "huishang_commit_seconds", "Time to commit a transaction (fsync included).",
                          &self->commit_seconds);
    hs_metrics_family (page, "huishang_store_map_bytes", "gauge", "The LMDB map's current size.");
    hs_metrics_sample (page, (double) store.map_size, NULL);
    hs_metrics_family (page, "huishang_store_used_bytes", "gauge", "Bytes of the map in use.");
    hs_metrics_sample (page, (double) store.map_used, NULL);
    hs_metrics_family (page, "huishang_store_map_max_bytes", "gauge", "How far the map may grow (store/map_size_max).");
    hs_metrics_sample (page, (double) self->config->map_size_max, NULL);
    hs_metrics_family (page, "huishang_store_events", "gauge", "Events stored.");
    hs_metrics_sample (page, (double) store.events, NULL);
    hs_metrics_family (page, "huishang_deadletters", "gauge", "Rejected messages kept as dead letters.");
    hs_metrics_sample (page, (double) store.deadletters, NULL);
    size_t silent = 0;
    for (s_feed_t *feed = (s_feed_t *) zhashx_first (self->feeds); feed;
         feed = (s_feed_t *) zhashx_next (self->feeds))
        silent += feed->silent;
    hs_metrics_family (page, "huishang_feeders", "gauge", "Feeders heard from (by their fseq or heartbeats).");
    hs_metrics_sample (page, (double) zhashx_size (self->feeds), NULL);
    hs_metrics_family (page, "huishang_feeders_silent", "gauge", "Feeders silent for feeds/silence or longer.");
    hs_metrics_sample (page, (double) silent, NULL);
    hs_metrics_family (page, "huishang_subscriptions", "gauge", "Live subscriptions on the publish socket.");
    hs_metrics_sample (page, (double) hs_bus_subscriptions_count (self->bus), NULL);
    hs_metrics_family (page, "huishang_store_ok", "gauge", "1 if the store takes what comes, 0 if full or failing.");
    hs_metrics_sample (page, store_ok && !self->no_room && !self->store_trouble? 1: 0, NULL);
    hs_metrics_family (page, "huishang_windows_pruned_total", "counter",
                       "Early-warning windows of enterprises forgotten (a whole window without a report).");
    hs_metrics_sample (page, (double) self->windows_pruned, NULL);
    if (self->upstream) {
        struct { const char *name, *type, *help; double value; } forwarding [] = {
            { "huishang_forwarded_total", "counter", "Events stored by the level above (upstream).",
              (double) self->forwarded },
            { "huishang_forward_refused_total", "counter", "Events the level above refused for good.",
              (double) self->forward_refused },
            { "huishang_forward_retries_total", "counter", "Times a forwarded event was sent again "
              "(no answer in upstream/timeout, or not now).", (double) hs_upstream_retries (self->upstream) },
            { "huishang_forward_backlog", "gauge", "Committed events still to go up.",
              (double) (self->forward_tail - self->forward_head) },
            { NULL, NULL, NULL, 0 }
        };
        for (int index = 0; forwarding [index].name; index++) {
            hs_metrics_family (page, forwarding [index].name, forwarding [index].type,
                               forwarding [index].help);
            hs_metrics_sample (page, forwarding [index].value, NULL);
        }
    }
}

//  Write the page to metrics/file when it is due.
static void
s_metrics_tick (hs_engine_t *self)
{
    if (!self->config->metrics_file || zclock_mono () < self->metrics_at)
        return;
    self->metrics_at = zclock_mono () + self->config->metrics_interval_ms;
    s_metrics_page (self);
    if (hs_metrics_write (self->metrics, self->config->metrics_file)) {
        if (!self->metrics_failing)
            hs_log_error ("huishangd: cannot write metrics to %s: %s", self->config->metrics_file,
                          strerror (errno));
        self->metrics_failing = true;
    }
    else
    if (self->metrics_failing) {
        hs_log_notice ("huishangd: metrics written to %s again", self->config->metrics_file);
        self->metrics_failing = false;
    }
}

//  ---------------------------------------------------------------------
//  Forwarding to the level above (a district to its city)

static bool
s_forwardable (hs_engine_t *self, const char *topic)
{
    for (const char *prefix = (const char *) zlistx_first (self->forward_topics); prefix;
         prefix = (const char *) zlistx_next (self->forward_topics))
        if (strncmp (topic, prefix, strlen (prefix)) == 0)
            return true;
    return false;
}

static void
s_forward_push (hs_engine_t *self, uint64_t seq, const char *topic)
{
    if (!s_forwardable (self, topic))
        return;
    if (self->forward_head > 0 && self->forward_head == self->forward_tail)
        self->forward_head = self->forward_tail = self->forward_staged = 0;
    if (self->forward_tail == self->forward_max) {
        self->forward_max = self->forward_max? self->forward_max * 2: 64;
        self->forward_queue = (uint64_t *) realloc (self->forward_queue,
                                                    self->forward_max * sizeof (uint64_t));
        assert (self->forward_queue);
    }
    self->forward_queue [self->forward_tail++] = seq;
}

//  Events after forwarded_through that are to go up: into the queue.
static int
s_forward_scan_visit (const void *key, size_t key_size, const void *data, size_t size, void *arg)
{
    hs_engine_t *self = (hs_engine_t *) arg;
    if (key_size != 8)
        return 0;
    msgpack_unpacked unpacked;
    msgpack_unpacked_init (&unpacked);
    char topic [HS_TOPIC_MAX + 1];
    if (hs_proto_unpack_stored ((const uint8_t *) data, size, &unpacked) == 0
    &&  hs_proto_strcpy (hs_proto_get (&unpacked.data, "topic"), topic, sizeof (topic)) == 0)
        s_forward_push (self, hs_store_be64_get ((const uint8_t *) key), topic);
    msgpack_unpacked_destroy (&unpacked);
    return 0;
}

static int
s_forward_start (hs_engine_t *self, char *error, size_t error_size)
{
    hs_config_t *config = self->config;
    self->forward_topics = zlistx_new ();
    zlistx_set_destructor (self->forward_topics, (zlistx_destructor_fn *) zstr_free);
    zlistx_set_duplicator (self->forward_topics, (zlistx_duplicator_fn *) strdup);
    char *topics = strdup (config->upstream_topics);
    for (char *topic = strtok (topics, " "); topic; topic = strtok (NULL, " "))
        zlistx_add_end (self->forward_topics, topic);
    free (topics);
    const char *server_key = NULL;
    zcert_t *server = NULL;
    //  CURVE up there whenever we have a certificate for it, whatever our
    //  own sockets do.
    if (config->upstream_cert || config->upstream_server_cert) {
        self->upstream_cert = config->upstream_cert? zcert_load (config->upstream_cert): NULL;
        server = config->upstream_server_cert? zcert_load (config->upstream_server_cert): NULL;
        if (!self->upstream_cert || !*zcert_secret_txt (self->upstream_cert)
        ||  streq (zcert_secret_txt (self->upstream_cert), "0000000000000000000000000000000000000000")
        ||  !server) {
            snprintf (error, error_size, "upstream/cert and upstream/server_cert must name our "
                      "certificate (with its _secret file) and the upper daemon's public one "
                      "(%s, %s)", config->upstream_cert? config->upstream_cert: "unset",
                      config->upstream_server_cert? config->upstream_server_cert: "unset");
            zcert_destroy (&server);
            return -1;
        }
        server_key = zcert_public_txt (server);
    }
    self->upstream = hs_upstream_new (config->upstream_submit, config->upstream_timeout_ms,
                                      self->upstream_cert, server_key);
    zcert_destroy (&server);
    if (hs_store_view_begin (self->store))
        return -1;
    hs_store_meta_get (self->store, "forwarded_through", 0, &self->forwarded_through);
    hs_store_meta_get (self->store, "forward_fseq", 0, &self->forward_fseq);
    self->forward_saved_through = self->forwarded_through;
    self->forward_saved_fseq = self->forward_fseq;
    uint8_t from [8];
    hs_store_be64_put (from, self->forwarded_through + 1);
    int rc = hs_store_walk (self->store, HS_TABLE_EVENTS, from, 8, false, s_forward_scan_visit, self);
    hs_store_view_end (self->store);
    if (self->forward_tail)
        hs_log_notice ("huishangd: %zu events wait to go up to %s", self->forward_tail,
                       config->upstream_submit);
    return rc;
}

//  The message that carries a stored event up: an escalation becomes a
//  report from our unit (the upper level's "street"), a briefing a
//  brief.<unit>. Returns 0, 1 if there is nothing to send, -1 if the
//  store failed.
static int
s_forward_build (hs_engine_t *self, uint64_t seq, char *topic, size_t topic_size, hs_pack_t *pack)
{
    uint8_t key [8];
    hs_store_be64_put (key, seq);
    const void *data;
    size_t size;
    if (hs_store_view_begin (self->store))
        return -1;
    int rc = hs_store_get (self->store, HS_TABLE_EVENTS, key, 8, &data, &size);
    msgpack_unpacked unpacked;
    msgpack_unpacked_init (&unpacked);
    const char *unit = self->config->upstream_unit;
    char id [HS_ID_MAX + 1];
    snprintf (id, sizeof (id), "%s-%llu", self->config->district, (unsigned long long) seq);
    char event_topic [HS_TOPIC_MAX + 1] = "";
    const msgpack_object *body = NULL;
    if (rc == 0 && hs_proto_unpack_stored (data, size, &unpacked) == 0) {
        hs_proto_strcpy (hs_proto_get (&unpacked.data, "topic"), event_topic, sizeof (event_topic));
        body = hs_proto_get (&unpacked.data, "body");
    }
    rc = rc < 0? -1: 1;
    hs_pack_reset (pack);
    //  escalate.city carries the weekly briefing too (汇报): it has a period.
    bool briefing = body && body->type == MSGPACK_OBJECT_MAP && hs_proto_get (body, "period");
    if (body && body->type == MSGPACK_OBJECT_MAP && !briefing && strncmp (event_topic, "escalate.", 9) == 0) {
        char text [HS_NAME_MAX + 1], level [32], case_id [HS_ID_MAX + 1];
        hs_map_t map, enterprise;
        hs_map_begin (&map, pack);
        hs_map_int (&map, "v", HS_PROTO_VERSION);
        hs_map_str (&map, "id", id);
        hs_map_str (&map, "source", unit);
        hs_map_int (&map, "at", hs_proto_int (body, "at", self->now));
        hs_map_key (&map, "enterprise");
        hs_map_begin (&enterprise, pack);
        hs_proto_strcpy (hs_proto_get (body, "enterprise"), text, sizeof (text));
        hs_map_str (&enterprise, "name", text);
        hs_map_end (&enterprise);
        hs_proto_strcpy (hs_proto_get (body, "category"), text, sizeof (text));
        hs_map_str (&map, "category", text);
        hs_map_int (&map, "workers", hs_proto_int (body, "workers", 0));
        if (hs_proto_int (body, "amount", -1) >= 0)
            hs_map_int (&map, "amount", hs_proto_int (body, "amount", 0));
        const msgpack_object *flags = hs_proto_get (body, "flags");
        if (flags && flags->type == MSGPACK_OBJECT_ARRAY) {
            hs_map_key (&map, "flags");
            hs_pack_object (pack, flags);
        }
        hs_proto_strcpy (hs_proto_get (body, "level"), level, sizeof (level));
        hs_proto_strcpy (hs_proto_get (body, "case"), case_id, sizeof (case_id));
        char summary [256];
        snprintf (summary, sizeof (summary), "%s case %s, %s, sent up as %s", self->config->district,
                  case_id, level, event_topic);
        hs_map_str (&map, "summary", summary);
        hs_map_int (&map, "fseq", (int64_t) self->forward_fseq + 1);
        hs_map_str (&map, "district_case", case_id);
        hs_map_str (&map, "district_level", level);
        hs_map_end (&map);
        snprintf (topic, topic_size, "report.%s", unit);
        rc = 0;
    }
    else
    if (briefing) {
        hs_map_t map;
        hs_map_begin (&map, pack);
        hs_map_int (&map, "v", HS_PROTO_VERSION);
        hs_map_str (&map, "id", id);
        hs_map_str (&map, "source", unit);
        hs_map_int (&map, "at", hs_proto_int (body, "at", self->now));
        hs_map_int (&map, "fseq", (int64_t) self->forward_fseq + 1);
        hs_map_key (&map, "brief");
        hs_pack_object (pack, body);
        hs_map_end (&map);
        snprintf (topic, topic_size, "brief.%s", unit);
        rc = 0;
    }
    msgpack_unpacked_destroy (&unpacked);
    hs_store_view_end (self->store);
    return rc;
}

//  Each turn of the loop: take an answer, or send the next event up.
static void
s_forward_tick (hs_engine_t *self)
{
    if (!self->upstream)
        return;
    uint64_t seq;
    char reason [300];
    bool reopened;
    hs_upstream_result_t result = hs_upstream_poll (self->upstream, &seq, reason, sizeof (reason),
                                                    &reopened);
    if (result != HS_UPSTREAM_NOTHING) {
        assert (self->forward_head < self->forward_tail && self->forward_queue [self->forward_head] == seq);
        self->forward_head++;
        self->forward_fseq++;
        self->forwarded_through = seq;
        if (result == HS_UPSTREAM_STORED)
            self->forwarded++;
        else {
            self->forward_refused++;
            hs_log_error ("huishangd: %s refused event %llu, which will not go up: %s",
                          self->config->upstream_submit, (unsigned long long) seq, reason);
        }
    }
    //  Between transactions, everything in the queue is committed.
    while (!hs_upstream_busy (self->upstream) && self->forward_head < self->forward_tail) {
        char topic [HS_TOPIC_MAX + 1];
        seq = self->forward_queue [self->forward_head];
        int rc = s_forward_build (self, seq, topic, sizeof (topic), self->record);
        if (rc < 0)
            break;                      //  the store: try again next turn
        if (rc == 0)
            hs_upstream_send (self->upstream, topic, hs_pack_data (self->record),
                              hs_pack_size (self->record), seq);
        else
            self->forward_head++;       //  nothing to send for it
    }
}

//  The one line systemd shows for us (STATUS=).
static void
s_status_line (void *arg, char *line, size_t size)
{
    hs_engine_t *self = (hs_engine_t *) arg;
    hs_store_stats_t store;
    if (hs_store_stats (self->store, &store))
        store.open_cases = 0;
    snprintf (line, size, "%s: %llu reports, %llu rejected, %llu lost, %llu alerts, "
              "%llu open cases, %lld subscriptions%s",
              self->config->district, (unsigned long long) self->counts.reports,
              (unsigned long long) hs_reject_total (self->reject), (unsigned long long) self->lost,
              (unsigned long long) self->counts.alerts, (unsigned long long) store.open_cases,
              (long long) hs_bus_subscriptions_count (self->bus),
              self->no_room? ", STORE FULL": self->store_trouble? ", STORE TROUBLE": "");
}

static void
s_reload_now (hs_engine_t *self)
{
    s_hangup = 0;
    if (!self->reload) {
        hs_log_warning ("huishangd: SIGHUP, but there is no configuration file to read again");
        return;
    }
    hs_service_reloading ();
    char error [512];
    hs_config_t *fresh = self->reload (self->reload_arg, error, sizeof (error));
    if (!fresh)
        hs_log_error ("huishangd: reload refused, the running configuration stays: %s", error);
    else
        hs_engine_reload (self, &fresh);
    char line [256];
    s_status_line (self, line, sizeof (line));
    hs_service_ready (line);
}

//  ---------------------------------------------------------------------
//  The loop

int
hs_engine_run (hs_engine_t *self)
{
    zpoller_t *poller = zpoller_new (hs_bus_ingest (self->bus), hs_bus_api (self->bus),
                                     hs_bus_publish_socket (self->bus), hs_bus_submit (self->bus),
                                     NULL);
    assert (poller);
    hs_log_notice ("huishangd: district %s, rules %.12s, ingest %s, submit %s, publish %s, api %s, "
                 "store %s%s", self->config->district, hs_rules_version (self->config->rules),
                 self->config->ingest, self->config->submit, self->config->publish, self->config->api,
                 self->config->store_path, hs_clock_scale (self->clock) != 1? " (clock accelerated)": "");
    struct sigaction action;
    memset (&action, 0, sizeof (action));
    action.sa_handler = s_on_hangup;
    sigemptyset (&action.sa_mask);
    sigaction (SIGHUP, &action, NULL);
    s_clockwork (self);             //  whatever fell due while we were down
    self->pruned_at = zclock_mono ();
    //  Sockets bound, store open, what was due done: ready.
    hs_service_init ();
    char line [256];
    s_status_line (self, line, sizeof (line));
    hs_service_ready (line);
    int64_t watchdog_ms = hs_service_watchdog_ms ();
    int64_t next_due = s_next_due (self);
    bool stalled = false;           //  due work that the store would not take
    while (!zsys_interrupted) {
        if (s_hangup)
            s_reload_now (self);
        if (self->republish_at && zclock_mono () >= self->republish_at)
            s_republish (self);
        int64_t wait = next_due && !stalled? hs_clock_real_wait (self->clock, next_due): 1000;
        if (self->republish_at) {
            int64_t until_republish = self->republish_at - zclock_mono ();
            wait = until_republish < 0? 0: until_republish < wait? until_republish: wait;
        }
        if (watchdog_ms && wait > watchdog_ms)
            wait = watchdog_ms;
        if (self->upstream && hs_upstream_busy (self->upstream) && wait > 10)
            wait = 10;                  //  its socket changes: looked at, not polled
        void *which = zpoller_wait (poller, (int) (wait < 1000? wait: 1000));
        if (which == hs_bus_ingest (self->bus))
            s_ingest (self);
        else
        if (which == hs_bus_submit (self->bus))
            s_submit (self);
        else
        if (which == hs_bus_api (self->bus))
            hs_engine_api (self);
        else
        if (which == hs_bus_publish_socket (self->bus))
            hs_bus_subscriptions (self->bus);
        else
        if (zpoller_terminated (poller) && zsys_interrupted)
            break;
        if (which != hs_bus_publish_socket (self->bus)) {
            //  Work may have added timers (always in the future), and
            //  time has moved on: fire only what is due.
            next_due = s_next_due (self);
            if (next_due && hs_clock_now (self->clock) >= next_due) {
                s_clockwork (self);
                int64_t before = next_due;
                next_due = s_next_due (self);
                //  Nothing moved: the store refused; try again in a second
                //  rather than spin.
                stalled = next_due == before;
            }
            else
                stalled = false;
        }
        hs_reject_tick (self->reject, hs_clock_now (self->clock));
        if (zclock_mono () - self->pruned_at >= WINDOWS_PRUNE_EVERY) {
            s_prune_windows (self);
            self->pruned_at = zclock_mono ();
        }
        hs_service_tick (s_status_line, self);
        s_metrics_tick (self);
        s_forward_tick (self);
    }
    hs_service_stopping ();
    zpoller_destroy (&poller);
    //  Note that everything went out, so the next start resends nothing.
    if (!self->republish_at)
        s_transact (self, s_noop_work, NULL);
    hs_store_stats_t store;
    hs_store_stats (self->store, &store);
    hs_log_notice ("huishangd: stopping: %llu reports stored, %llu rejected, next seq %llu",
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
    hs_strcpy (report.id, sizeof (report.id), id);
    hs_strcpy (report.source, sizeof (report.source), source);
    hs_strcpy (report.street, sizeof (report.street), street);
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

static char *
s_recv_topic (zsock_t *watcher)
{
    zmsg_t *msg = zmsg_recv (watcher);
    if (!msg)
        return NULL;
    char *topic = zmsg_popstr (msg);
    zmsg_destroy (&msg);
    return topic;
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
    hs_config_set (&config->submit, "inproc://hs_engine_test_submit");
    hs_engine_t *engine = hs_engine_new (config, error, sizeof (error));
    assert (engine);
    zsock_t *watcher = zsock_new_sub ("inproc://hs_engine_test_publish", "alert.");
    zsock_set_subscribe (watcher, "meeting.");
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
    char *topic = s_recv_topic (watcher);
    assert (topic && streq (topic, "alert.major.caoyang"));
    zstr_free (&topic);
    topic = s_recv_topic (watcher);
    assert (topic && streq (topic, "meeting.request"));
    zstr_free (&topic);

    //  The third report about the enterprise within a week: an early
    //  warning, and the case rises one more level, to critical.
    zlist_append (batch, s_report_msg ("petition", "p1", "caoyang", 3, 0));
    assert (hs_engine_batch (engine, batch) == 1);
    assert (engine->counts.warnings == 1 && engine->counts.escalated == 2);
    topic = s_recv_topic (watcher);
    assert (topic && streq (topic, "alert.critical.caoyang"));
    zstr_free (&topic);

    //  Queries see it all: the case, its history in order, its reasons.
    hs_pack_t *reply = hs_pack_new ();
    hs_pack_t *args = hs_pack_new ();
    hs_map_t map;
    hs_map_begin (&map, args);
    hs_map_str (&map, "id", "putuo-1");
    hs_map_end (&map);
    msgpack_unpacked unpacked;
    msgpack_unpacked_init (&unpacked);
    hs_why_t why;
    assert (hs_proto_unpack_map (hs_pack_data (args), hs_pack_size (args), &config->limits,
                                 &unpacked, &why) == 0);
    assert (s_request (engine, "case", &unpacked.data, reply) == 0);
    msgpack_unpacked_destroy (&unpacked);
    hs_limits_t big;
    hs_limits_default (&big);
    big.max_body = 1 << 24;
    msgpack_unpacked_init (&unpacked);
    assert (hs_proto_unpack_map (hs_pack_data (reply), hs_pack_size (reply), &big, &unpacked, &why) == 0);
    const msgpack_object *history = hs_proto_get (&unpacked.data, "history");
    assert (history && history->type == MSGPACK_OBJECT_ARRAY && history->via.array.size >= 6);
    const msgpack_object *first_event = &history->via.array.ptr [0];
    char type [16];
    assert (hs_proto_strcpy (hs_proto_get (first_event, "type"), type, sizeof (type)) == 0);
    assert (streq (type, "report"));
    assert (hs_proto_get (first_event, "rules_version"));
    msgpack_unpacked_destroy (&unpacked);
    hs_pack_reset (reply);
    assert (s_request (engine, "case", NULL, reply) == -1);          //  no id
    hs_pack_reset (reply);
    assert (s_request (engine, "cases", NULL, reply) == 0);
    hs_pack_reset (reply);
    assert (s_request (engine, "plenary", NULL, reply) == -1);       //  not the convener
    hs_pack_destroy (&reply);
    hs_pack_destroy (&args);

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
