/*  =========================================================================
    hs_engine - the daemon's parts, wired, and the writer's loop

    The loop never waits longer than the next thing due: a timer or a
    briefing (daemon clock), a feeder's silence, the crash resend, the
    forwarder's resend, a snapshot held back, the caller's turn.
    =========================================================================
*/

#include "hs_engine.h"
#include "hs_store.h"
#include "hs_clock.h"
#include "hs_bus.h"
#include "hs_keys.h"
#include "hs_txn.h"
#include "hs_stats.h"
#include "hs_notices.h"
#include "hs_timers.h"
#include "../protocol/hs_heartbeat_msg.h"
#include "hs_feeds.h"
#include "hs_warnings.h"
#include "hs_meetings.h"
#include "hs_actions.h"
#include "hs_prompts.h"
#include "hs_proposals.h"
#include "hs_filing.h"
#include "hs_inspections.h"
#include "hs_casework.h"
#include "hs_rekey.h"
#include "hs_caseacts.h"
#include "hs_briefs.h"
#include "hs_schedule.h"
#include "hs_forward.h"
#include "hs_ingest.h"
#include "hs_api.h"
#include "hs_log.h"
#include "hs_defaults.h"

#define TIMERS_PER_WORK 256     //  timers handled in one unit of work
#define PRUNE_EVERY 5000        //  ms between the windows' pruning steps
#define SNAPSHOT_EVERY 20       //  ms between snapshots while busy

struct _hs_engine_t {
    hs_config_t *config;        //  in force (the caller's, or one a reload loaded)
    hs_config_t *original;      //  the caller's: never destroyed here
    zlistx_t *retiring;         //  configs the api still uses (owned)
    hs_store_t *store;
    hs_clock_t *clock;
    hs_bus_t *bus;
    hs_keys_t *keys;            //  with security: key -> unit, for ingest
    hs_txn_t *txn;
    hs_stats_t *stats;
    hs_notices_t *notices;
    hs_timers_t *timers;
    hs_feeds_t *feeds;
    hs_warnings_t *warnings;
    hs_meetings_t *meetings;
    hs_actions_t *actions;
    hs_prompts_t *prompts;
    hs_proposals_t *proposals;
    hs_filing_t *filing;
    hs_inspections_t *inspections;
    hs_casework_t *casework;
    hs_caseacts_t *caseacts;
    hs_briefs_t *briefs;
    hs_schedule_t *schedule;    //  the regular meetings
    hs_forward_t *forward;      //  forwarding to the level above, or NULL
    hs_ingest_t *ingest;
    hs_api_t *api;
    hs_stats_snapshot_t *snapshot;  //  the last one sent
    int64_t started_mono;       //  zclock_mono () at start
    int64_t snapshot_at;        //  zclock_mono () of the last snapshot
    bool snapshot_due;          //  something changed since
    int64_t pruned_at;          //  zclock_mono () of the last pruning step
    int64_t beat_at;            //  zclock_mono () the next hs.heartbeat is due
};

static void s_config_free (void **item);
static int s_clock_work (void *arg);

//  ---------------------------------------------------------------------
//  Snapshots for the api

static void
s_snapshot (hs_engine_t *self)
{
    hs_stats_snapshot_t *snapshot = self->snapshot;
    memset (snapshot, 0, sizeof (*snapshot));
    hs_stats_fill (self->stats, snapshot);
    hs_reject_t *reject = hs_ingest_reject (self->ingest);
    snapshot->counters.rejected = hs_reject_total (reject);
    snapshot->reason_count = hs_reject_tally (reject, snapshot->reasons, HS_STATS_MAX_REASONS);
    snapshot->counters.published = hs_bus_published (self->bus);
    snapshot->counters.publish_overflows = hs_bus_overflows (self->bus);
    snapshot->counters.subscriptions = (uint64_t) hs_bus_subscriptions_count (self->bus);
    hs_bus_peers (self->bus, &snapshot->counters.subscriptions_refused,
                  &snapshot->counters.subscribers_cut, &snapshot->counters.subscribers);
    snapshot->counters.commit_us_last = hs_txn_commit_us_last (self->txn);
    snapshot->counters.commit_us_max = hs_txn_commit_us_max (self->txn);
    snapshot->counters.next_seq = hs_txn_peek_seq (self->txn);
    snapshot->commit_seconds = *hs_txn_commit_seconds (self->txn);
    snapshot->no_room = hs_ingest_no_room (self->ingest);
    snapshot->store_trouble = hs_ingest_trouble (self->ingest);
    snapshot->windows_pruned = hs_warnings_pruned (self->warnings);
    snapshot->feeders = hs_feeds_size (self->feeds);
    snapshot->feeders_silent = hs_feeds_silent (self->feeds);
    if (self->forward) {
        snapshot->forwarding = true;
        snapshot->forwarded = hs_forward_stored (self->forward);
        snapshot->forward_refused = hs_forward_refused (self->forward);
        snapshot->forward_retries = hs_forward_retries (self->forward);
        snapshot->forward_backlog = hs_forward_backlog (self->forward);
    }
    snapshot->started_mono = self->started_mono;
    snapshot->clock_mono = zclock_mono ();
    snapshot->clock_at = hs_clock_now (self->clock);
    snapshot->time_scale = hs_clock_scale (self->clock);
    hs_api_snapshot (self->api, snapshot);
    self->snapshot_at = zclock_mono ();
    self->snapshot_due = false;
}

//  Something committed: the api's counters are behind.
static void
s_committed (void *arg)
{
    hs_engine_t *self = (hs_engine_t *) arg;
    self->snapshot_due = true;
}

//  Submitters are about to be answered: the api must know what they will
//  be told before they can ask it.
static void
s_before_answers (void *arg)
{
    s_snapshot ((hs_engine_t *) arg);
}

//  ---------------------------------------------------------------------
//  The clockwork

typedef struct {
    hs_engine_t *self;
    hs_timer_t timers [TIMERS_PER_WORK];
    size_t count;
} s_due_t;

static int
s_timers_work (void *arg)
{
    s_due_t *due = (s_due_t *) arg;
    hs_engine_t *self = due->self;
    if (hs_timers_take (self->timers, hs_txn_now (self->txn), due->timers, TIMERS_PER_WORK,
                        &due->count))
        return -1;
    hs_stats_count (self->stats, HS_STAT_TIMERS, due->count);
    for (size_t index = 0; index < due->count; index++) {
        const hs_timer_t *timer = &due->timers [index];
        bool meeting = timer->kind == HS_TIMER_QUORUM || timer->kind == HS_TIMER_MINUTES;
        int rc = meeting? hs_meetings_timer (self->meetings, timer):
                 timer->kind == HS_TIMER_ACTION? hs_actions_timer (self->actions, timer):
                 timer->kind == HS_TIMER_PROMPT? hs_prompts_timer (self->prompts, timer):
                 timer->kind == HS_TIMER_PROPOSAL? hs_proposals_timer (self->proposals, timer):
                 timer->kind == HS_TIMER_FILING? hs_filing_timer (self->filing, timer):
                 timer->kind == HS_TIMER_INSPECTION? hs_inspections_timer (self->inspections,
                                                                           timer):
                                                 hs_casework_timer (self->casework, timer);
        if (rc)
            return -1;
    }
    return 0;
}

//  The timers follow the transaction: what it set or took counts only if
//  it committed.
static void s_timers_committed (void *arg) { hs_timers_settle ((hs_timers_t *) arg, true); }
static void s_timers_aborted (void *arg) { hs_timers_settle ((hs_timers_t *) arg, false); }

static int
s_schedule_work (void *arg)
{
    hs_engine_t *self = (hs_engine_t *) arg;
    return hs_feeds_silence (self->feeds) || hs_briefs_schedule (self->briefs, true)
        || hs_schedule_run (self->schedule, true)? -1: 0;
}

static int
s_nothing (void *arg)
{
    (void) arg;
    return 0;
}

static int
s_first_schedule (void *arg)
{
    hs_engine_t *self = (hs_engine_t *) arg;
    return hs_briefs_schedule (self->briefs, false) || hs_schedule_run (self->schedule, false)? -1: 0;
}

//  When anything is next due (daemon clock), 0 if nothing is.
static int64_t
s_next_due (hs_engine_t *self)
{
    int64_t candidates [] = {
        hs_timers_next (self->timers), hs_briefs_next (self->briefs),
        hs_schedule_next (self->schedule),
        hs_feeds_next_silence (self->feeds)
    };
    int64_t next = 0;
    for (size_t index = 0; index < sizeof (candidates) / sizeof (candidates [0]); index++)
        if (candidates [index] && (next == 0 || candidates [index] < next))
            next = candidates [index];
    return next;
}

//  Fire what has come due: timers, in rounds while they come full, then
//  feeders' silence and briefings.
static void
s_clockwork (hs_engine_t *self)
{
    s_due_t *due = (s_due_t *) zmalloc (sizeof (s_due_t));
    due->self = self;
    for (int round = 0; round < 64; round++)
        if (hs_txn_run (self->txn, s_timers_work, due) || due->count < TIMERS_PER_WORK)
            break;
    free (due);
    hs_txn_run (self->txn, s_schedule_work, self);
    self->snapshot_due = true;
}

//  ---------------------------------------------------------------------
//  Making and unmaking

hs_engine_t *
hs_engine_new (hs_config_t *config, char *error, size_t error_size)
{
    hs_engine_t *self = (hs_engine_t *) zmalloc (sizeof (hs_engine_t));
    self->config = self->original = config;
    self->retiring = zlistx_new ();
    zlistx_set_destructor (self->retiring, s_config_free);
    self->started_mono = zclock_mono ();
    self->snapshot = (hs_stats_snapshot_t *) zmalloc (sizeof (hs_stats_snapshot_t));
    self->store = hs_store_new (config->store_path, config->map_size, config->map_size_max,
                                error, error_size);
    if (!self->store)
        goto failed;
    //  Where the clock resumes: hs_clock decides, from the store's meta.
    hs_clock_setup_t clock = { zclock_time (), config->time_start, config->time_scale,
                               config->max_skew_ms, config->clock_reset, config->clock_keep,
                               config->utc_offset_ms };
    self->clock = hs_clock_resume (self->store, &clock);
    self->bus = hs_bus_new (config, error, error_size);
    if (!self->bus)
        goto failed;
    if (config->security)
        self->keys = hs_keys_new (config->clients_dir, config->units);
    self->txn = hs_txn_new (self->store, self->clock, self->bus);
    self->stats = hs_stats_new (self->txn);
    self->notices = hs_notices_new (self->txn, self->stats);
    self->timers = hs_timers_new (self->store);
    hs_txn_participant_t timers = { "timers", NULL, s_timers_committed, s_timers_aborted,
                                    NULL, self->timers };
    hs_txn_join (self->txn, &timers);
    self->feeds = hs_feeds_new (self->txn, self->notices, config);
    if (!self->feeds) {
        snprintf (error, error_size, "cannot read the feeders' state in %s", config->store_path);
        goto failed;
    }
    self->warnings = hs_warnings_new (self->txn, self->notices, config);
    self->meetings = hs_meetings_new (self->txn, self->stats, self->notices, self->timers, config);
    self->actions = hs_actions_new (self->txn, self->stats, self->timers, config);
    self->prompts = hs_prompts_new (self->txn, self->stats, self->timers, config);
    self->inspections = hs_inspections_new (self->txn, self->stats, self->timers, config);
    hs_meetings_set_actions (self->meetings, self->actions);
    self->proposals = hs_proposals_new (self->txn, self->stats, self->timers, config);
    hs_meetings_set_proposals (self->meetings, self->proposals);
    self->casework = hs_casework_new (self->txn, self->stats, self->notices, self->warnings,
                                      self->meetings, self->timers, config);
    self->filing = hs_filing_new (self->txn, self->timers, config);
    hs_casework_set_filing (self->casework, self->filing);
    self->briefs = hs_briefs_new (self->txn, self->stats, config);
    self->schedule = hs_schedule_new (self->txn, self->meetings, config);
    if (config->upstream_submit) {
        self->forward = hs_forward_new (self->txn, config, error, error_size);
        if (!self->forward)
            goto failed;
    }
    self->ingest = hs_ingest_new (self->txn, self->bus, self->keys, self->stats, self->feeds, config);
    hs_ingest_route (self->ingest, HS_MSG_REPORT, hs_casework_report, self->casework);
    hs_ingest_route (self->ingest, HS_MSG_UPDATE, hs_casework_update, self->casework);
    self->caseacts = hs_caseacts_new (self->casework, self->stats, self->notices, config);
    hs_ingest_route (self->ingest, HS_MSG_ACT, hs_caseacts_act, self->caseacts);
    hs_ingest_route (self->ingest, HS_MSG_ACTION, hs_actions_done, self->actions);
    hs_ingest_route (self->ingest, HS_MSG_PROMPT, hs_prompts_issue, self->prompts);
    hs_ingest_route (self->ingest, HS_MSG_PROMPTSIGN, hs_prompts_sign, self->prompts);
    hs_ingest_route (self->ingest, HS_MSG_PROPOSAL, hs_proposals_draft, self->proposals);
    hs_ingest_route (self->ingest, HS_MSG_OPINION, hs_proposals_opinion, self->proposals);
    hs_ingest_route (self->ingest, HS_MSG_INSPECT, hs_inspections_plan, self->inspections);
    hs_ingest_route (self->ingest, HS_MSG_INSPECTPLAN, hs_inspections_decide, self->inspections);
    hs_ingest_route (self->ingest, HS_MSG_FINDING, hs_inspections_finding, self->inspections);
    hs_ingest_route (self->ingest, HS_MSG_RECTIFIED, hs_inspections_rectified,
                     self->inspections);
    hs_ingest_route (self->ingest, HS_MSG_CALL, hs_meetings_call, self->meetings);
    hs_ingest_route (self->ingest, HS_MSG_RSVP, hs_meetings_rsvp, self->meetings);
    hs_ingest_route (self->ingest, HS_MSG_MINUTES, hs_meetings_minutes, self->meetings);
    hs_ingest_route (self->ingest, HS_MSG_BRIEF, hs_briefs_from_below, self->briefs);
    hs_ingest_before_answers (self->ingest, s_before_answers, self);
    hs_txn_participant_t participant = { "engine", NULL, s_committed, NULL, NULL, self };
    hs_txn_join (self->txn, &participant);
    //  A store from an older version is brought up to date, and both
    //  briefings get a first time, before anything else happens.
    //  The keys first: the other upgrades save records under the keys of
    //  this version.
    if (hs_rekey_store (self->txn)
    ||  hs_warnings_upgrade (self->warnings) || hs_rekey_merge (self->txn)
    ||  hs_casework_upgrade (self->casework)
    ||  hs_txn_run (self->txn, hs_store_format_work, self->store)
    ||  hs_txn_run (self->txn, s_clock_work, self)
    ||  hs_txn_run (self->txn, s_first_schedule, self)) {
        snprintf (error, error_size, "cannot read the store's recent history in %s",
                  config->store_path);
        goto failed;
    }
    self->api = hs_api_new (self->store, config, error, error_size);
    if (!self->api)
        goto failed;
    s_snapshot (self);
    return self;
failed:
    hs_engine_destroy (&self);
    return NULL;
}

static void
s_config_free (void **item)
{
    hs_config_t *config = (hs_config_t *) *item;
    hs_config_destroy (&config);
    *item = NULL;
}

void
hs_engine_destroy (hs_engine_t **self_p)
{
    assert (self_p);
    if (*self_p) {
        hs_engine_t *self = *self_p;
        //  The api first: it reads the store and the configurations.
        hs_api_destroy (&self->api);
        hs_ingest_destroy (&self->ingest);
        hs_forward_destroy (&self->forward);
        hs_briefs_destroy (&self->briefs);
        hs_schedule_destroy (&self->schedule);
        hs_caseacts_destroy (&self->caseacts);
        hs_casework_destroy (&self->casework);
        hs_filing_destroy (&self->filing);
        hs_meetings_destroy (&self->meetings);
        hs_actions_destroy (&self->actions);
        hs_prompts_destroy (&self->prompts);
        hs_proposals_destroy (&self->proposals);
        hs_inspections_destroy (&self->inspections);
        hs_warnings_destroy (&self->warnings);
        hs_feeds_destroy (&self->feeds);
        hs_timers_destroy (&self->timers);
        hs_notices_destroy (&self->notices);
        hs_stats_destroy (&self->stats);
        hs_txn_destroy (&self->txn);
        hs_keys_destroy (&self->keys);
        hs_bus_destroy (&self->bus);
        hs_clock_destroy (&self->clock);
        hs_store_destroy (&self->store);
        if (self->config != self->original)
            hs_config_destroy (&self->config);
        zlistx_destroy (&self->retiring);
        free (self->snapshot);
        free (self);
        *self_p = NULL;
    }
}

//  ---------------------------------------------------------------------
//  Writes the api hands over

//  Do a write the api hands over (hs_api_write_fn); what it changed is
//  visible to the api before its answer is.
static int
s_write (void *arg, const char *command, const uint8_t *args, size_t args_size,
         const char *signer, hs_pack_t *reply)
{
    hs_engine_t *self = (hs_engine_t *) arg;
    hs_pack_reset (reply);
    msgpack_unpacked unpacked;
    msgpack_unpacked_init (&unpacked);
    hs_why_t why = { .code = NULL };
    int rc = 0;
    if (args_size && hs_proto_unpack_map (args, args_size, &self->config->limits, &unpacked, &why))
        rc = -1;
    const msgpack_object *map = args_size? &unpacked.data: NULL;
    if (rc)
        ;
    else
    if (streq (command, "plenary")) {
        char source [HS_CODE_MAX + 1] = "";
        hs_proto_strcpy (map? hs_proto_get (map, "source"): NULL, source, sizeof (source));
        rc = hs_meetings_plenary (self->meetings, source, signer, &why);
        if (rc < 0)
            hs_why (&why, "store", "the store could not take the request");
        if (rc == 0) {
            const hs_meeting_rec_t *meeting = hs_meetings_last (self->meetings);
            hs_reply_meeting (reply, meeting->id, meeting->deadline);
        }
        rc = rc? -1: 0;
    }
    else
    if (streq (command, "hello")) {
        //  Publish a marker a subscriber can wait for: once it arrives,
        //  its subscription is live (used by replay to join without a gap).
        char token [HS_ID_MAX + 1] = "";
        hs_proto_strcpy (map? hs_proto_get (map, "token"): NULL, token, sizeof (token));
        hs_hello_encode (token, reply);
        zmsg_t *marker = zmsg_new ();
        zmsg_addstr (marker, "hs.hello");
        zmsg_addmem (marker, hs_pack_data (reply), hs_pack_size (reply));
        hs_bus_announce (self->bus, &marker);
    }
    else
        rc = hs_why (&why, "unknown_command", "'%.40s' is not a write", command);
    msgpack_unpacked_destroy (&unpacked);
    if (rc) {
        hs_pack_reset (reply);
        hs_reply_error (reply, why.code, why.detail);
    }
    s_snapshot (self);
    return rc;
}

//  The api's thread no longer uses a configuration: free it.
static void
s_retired (void *arg, hs_config_t *old)
{
    hs_engine_t *self = (hs_engine_t *) arg;
    for (hs_config_t *config = (hs_config_t *) zlistx_first (self->retiring); config;
         config = (hs_config_t *) zlistx_next (self->retiring))
        if (config == old) {
            zlistx_delete (self->retiring, zlistx_cursor (self->retiring));
            break;
        }
}

//  ---------------------------------------------------------------------
//  Reloading the configuration

typedef struct {
    hs_engine_t *self;
    const char *from, *to, *file;
} s_change_t;

static int
s_change_work (void *arg)
{
    s_change_t *change = (s_change_t *) arg;
    hs_txn_t *txn = change->self->txn;
    hs_pack_t *body = hs_txn_scratch (txn);
    hs_pack_reset (body);
    hs_rules_change_encode (change->from, change->to, change->file, body);
    hs_event_t event = {
        .seq = hs_txn_next_seq (txn), .type = "rules", .topic = "rules.reload",
        .body = hs_pack_data (body), .body_size = hs_pack_size (body), .level = -1
    };
    return hs_txn_record (txn, &event);
}

//  How the clock resumed, into the store: its meta, and an event when it
//  was set back (not published, never replayed: the audit trail).
static int
s_clock_work (void *arg)
{
    hs_engine_t *self = (hs_engine_t *) arg;
    int64_t from, to;
    const char *why;
    if (hs_clock_mark_work (self->clock))
        return -1;
    if (!hs_clock_set_back (self->clock, &from, &to, &why))
        return 0;
    hs_pack_t *body = hs_txn_scratch (self->txn);
    hs_pack_reset (body);
    hs_clock_change_encode (from, to, why, body);
    hs_event_t event = {
        .seq = hs_txn_next_seq (self->txn), .type = "clock", .topic = "clock.reset",
        .body = hs_pack_data (body), .body_size = hs_pack_size (body), .level = -1
    };
    return hs_txn_record (self->txn, &event);
}

//  Put a configuration in force in every part.
static void
s_swap (hs_engine_t *self, hs_config_t *config)
{
    self->config = config;
    hs_warnings_set_config (self->warnings, config);
    hs_meetings_set_config (self->meetings, config);
    hs_actions_set_config (self->actions, config);
    hs_prompts_set_config (self->prompts, config);
    hs_proposals_set_config (self->proposals, config);
    hs_inspections_set_config (self->inspections, config);
    hs_casework_set_config (self->casework, config);
    hs_filing_set_config (self->filing, config);
    hs_caseacts_set_config (self->caseacts, config);
    hs_briefs_set_config (self->briefs, config);
    hs_schedule_set_config (self->schedule, config);
    hs_feeds_set_config (self->feeds, config);
    hs_ingest_set_config (self->ingest, config);
    hs_store_set_max (self->store, config->map_size_max);
    hs_bus_set_config (self->bus, config);
}


//  The holiday lists running out (calendar/warn_days), at start and reload.
static void
s_holiday_warning (hs_engine_t *self)
{
    char coverage [512];
    if (hs_calendar_coverage (self->config->calendar, hs_clock_now (self->clock),
                              self->config->holiday_warn_days, coverage, sizeof (coverage)))
        hs_log_warning ("huishangd: %s", coverage);
}

int
hs_engine_reload (hs_engine_t *self, hs_engine_load_fn *load, void *arg, char *error,
                  size_t error_size)
{
    hs_config_t *fresh = load (arg, error, error_size);
    if (!fresh)
        return -1;
    hs_config_t *old = self->config;
    hs_config_keep (fresh, old);
    //  The swap: between two units of work, so atomic for every message.
    s_swap (self, fresh);
    s_change_t change = { self, hs_rules_version (old->rules), hs_rules_version (fresh->rules),
                          fresh->rules_file };
    if (strcmp (change.from, change.to) && hs_txn_run (self->txn, s_change_work, &change)) {
        s_swap (self, old);
        hs_config_destroy (&fresh);
        snprintf (error, error_size, "the store could not record the change of rules; "
                  "the running configuration stays");
        return -1;
    }
    hs_log_notice ("hs_engine: configuration reloaded from %s: rules %.12s -> %.12s",
                   fresh->source, change.from, change.to);
    s_holiday_warning (self);
    //  The api takes the new one; the old one lives until it is handed back.
    hs_api_set_config (self->api, fresh);
    if (old != self->original)
        zlistx_add_end (self->retiring, old);
    return 0;
}

//  ---------------------------------------------------------------------
//  The heartbeat (PROTOCOL.md §4.18): on real time, whatever the clock's
//  speed, so that a viewer can tell a quiet hour from a dead daemon.

//  Publish one if it is due; returns ms until the next (INT64_MAX: none).
static int64_t
s_heartbeat (hs_engine_t *self)
{
    int64_t interval = self->config->heartbeat_ms;
    if (interval <= 0)
        return INT64_MAX;
    int64_t now = zclock_mono ();
    if (now >= self->beat_at) {
        hs_pulse_t beat = { hs_clock_now (self->clock), hs_txn_peek_seq (self->txn),
                                zclock_time (), interval };
        hs_pack_t *body = hs_pack_new ();
        hs_pulse_encode (&beat, body);
        zmsg_t *msg = zmsg_new ();
        zmsg_addstr (msg, HS_HEARTBEAT_TOPIC);
        zmsg_addmem (msg, hs_pack_data (body), hs_pack_size (body));
        hs_bus_announce (self->bus, &msg);
        hs_pack_destroy (&body);
        self->beat_at = now + interval;
    }
    if (self->beat_at > now + interval)
        self->beat_at = now + interval;      //  a reload made it shorter
    return self->beat_at - now;
}

//  ---------------------------------------------------------------------
//  The loop

void
hs_engine_status (hs_engine_t *self, char *line, size_t size)
{
    hs_store_stats_t stats;
    if (hs_store_stats (self->store, &stats))
        stats.open_cases = 0;
    hs_stats_status (self->snapshot, self->config->district, stats.open_cases, line, size);
}

int
hs_engine_run (hs_engine_t *self, const hs_engine_hooks_t *hooks)
{
    hs_engine_hooks_t none = { NULL, NULL, NULL, NULL, 0 };
    if (!hooks)
        hooks = &none;
    zsock_t *upstream = self->forward? hs_forward_socket (self->forward): NULL;
    zpoller_t *poller = zpoller_new (hs_bus_ingest (self->bus), hs_bus_submit (self->bus),
                                     hs_bus_publish_socket (self->bus), hs_api_pipe (self->api),
                                     NULL);
    assert (poller);
    if (upstream)
        zpoller_add (poller, upstream);
    hs_log_notice ("huishangd: district %s, rules %.12s, ingest %s, submit %s, publish %s, api %s, "
                   "store %s%s", self->config->district, hs_rules_version (self->config->rules),
                   self->config->ingest, self->config->submit, self->config->publish,
                   self->config->api, self->config->store_path,
                   hs_clock_scale (self->clock) != 1? " (clock accelerated)": "");
    s_holiday_warning (self);
    s_clockwork (self);             //  whatever fell due while we were down
    s_snapshot (self);
    self->pruned_at = zclock_mono ();
    if (hooks->ready)
        hooks->ready (hooks->arg, self);
    int64_t turn_ms = hooks->turn_ms > 0 && hooks->turn_ms < 1000? hooks->turn_ms: 1000;
    bool stalled = false;           //  due work that the store would not take
    while (!zsys_interrupted) {
        int64_t republish_at = hs_txn_republish_at (self->txn);
        if (republish_at && zclock_mono () >= republish_at)
            hs_txn_republish (self->txn);
        int64_t next_due = s_next_due (self);
        int64_t wait = next_due && !stalled? hs_clock_real_wait (self->clock, next_due): turn_ms;
        republish_at = hs_txn_republish_at (self->txn);
        if (republish_at && republish_at - zclock_mono () < wait)
            wait = republish_at - zclock_mono ();
        if (self->forward && hs_forward_wait_ms (self->forward) >= 0
        &&  hs_forward_wait_ms (self->forward) < wait)
            wait = hs_forward_wait_ms (self->forward);
        if (self->snapshot_due)
            wait = 0;
        int64_t beat_wait = s_heartbeat (self);
        if (beat_wait < wait)
            wait = beat_wait;
        if (wait > turn_ms)
            wait = turn_ms;
        void *which = zpoller_wait (poller, (int) (wait < 0? 0: wait));
        hs_ingest_polled (self->ingest, which, wait);
        if (which == hs_bus_ingest (self->bus))
            hs_ingest_read (self->ingest);
        else
        if (which == hs_bus_submit (self->bus))
            hs_ingest_submit (self->ingest);
        else
        if (which == hs_api_pipe (self->api))
            hs_api_serve (self->api, s_write, s_retired, self);
        else
        if (which == hs_bus_publish_socket (self->bus)) {
            hs_bus_subscriptions (self->bus);
            self->snapshot_due = true;
        }
        else
        if (zpoller_terminated (poller) && zsys_interrupted)
            break;
        //  Work may have added timers (always in the future), and time
        //  has moved on: fire only what is due.
        next_due = s_next_due (self);
        if (next_due && hs_clock_now (self->clock) >= next_due) {
            s_clockwork (self);
            //  Nothing moved: the store refused; try again in a second
            //  rather than spin.
            stalled = s_next_due (self) == next_due;
        }
        else
            stalled = false;
        s_heartbeat (self);
        hs_reject_tick (hs_ingest_reject (self->ingest), hs_clock_now (self->clock));
        if (hs_bus_tick (self->bus))
            self->snapshot_due = true;
        if (zclock_mono () - self->pruned_at >= PRUNE_EVERY) {
            hs_warnings_prune (self->warnings);
            hs_store_readers_check (self->store);
            self->pruned_at = zclock_mono ();
        }
        if (self->forward) {
            uint64_t before [] = { hs_forward_stored (self->forward),
                                   hs_forward_refused (self->forward),
                                   hs_forward_retries (self->forward) };
            hs_forward_tick (self->forward);
            if (before [0] != hs_forward_stored (self->forward)
            ||  before [1] != hs_forward_refused (self->forward)
            ||  before [2] != hs_forward_retries (self->forward))
                self->snapshot_due = true;
            zsock_t *now = hs_forward_socket (self->forward);
            if (now != upstream) {
                //  A new socket (a message sent again): the old one is gone.
                zpoller_remove (poller, upstream);
                zpoller_add (poller, now);
                upstream = now;
            }
        }
        if (self->snapshot_due && (which == NULL
                                   || zclock_mono () - self->snapshot_at >= SNAPSHOT_EVERY))
            s_snapshot (self);
        if (hooks->turn)
            hooks->turn (hooks->arg, self);
    }
    if (hooks->stopping)
        hooks->stopping (hooks->arg, self);
    zpoller_destroy (&poller);
    //  Note that everything went out, so the next start resends nothing.
    if (!hs_txn_republish_at (self->txn))
        hs_txn_run (self->txn, s_nothing, self);
    hs_log_notice ("huishangd: stopping: %llu reports stored, %llu rejected, next seq %llu",
                   (unsigned long long) hs_stats_get (self->stats, HS_STAT_REPORTS),
                   (unsigned long long) hs_reject_total (hs_ingest_reject (self->ingest)),
                   (unsigned long long) hs_txn_peek_seq (self->txn));
    return 0;
}

int
hs_engine_batch (hs_engine_t *self, zlist_t *batch)
{
    int rc = hs_ingest_batch (self->ingest, batch);
    s_snapshot (self);
    return rc;
}

int
hs_engine_request (hs_engine_t *self, const char *command, const uint8_t *args, size_t args_size,
                   hs_pack_t *reply)
{
    hs_store_t *reader = hs_store_reader_new (self->store);
    int rc = hs_api_request (reader, self->config, self->snapshot, command, args, args_size, reply);
    hs_store_destroy (&reader);
    if (rc == 1)
        rc = s_write (self, command, args, args_size, self->keys? "": NULL, reply);
    return rc;
}

//  The parts, borrowed (tests, the benchmark).
hs_config_t *
hs_engine_config (hs_engine_t *self)
{
    return self->config;
}

hs_bus_t *
hs_engine_bus (hs_engine_t *self)
{
    return self->bus;
}

hs_stats_t *
hs_engine_stats (hs_engine_t *self)
{
    return self->stats;
}

hs_ingest_t *
hs_engine_ingest (hs_engine_t *self)
{
    return self->ingest;
}
