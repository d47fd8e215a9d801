/*  =========================================================================
    hs_api - the api, answered from its own thread

    A request is: the peer's identity (ROUTER), an empty delimiter if the
    peer is a REQ socket (or a DEALER that frames like one), the command,
    and its arguments (a msgpack map), which may be left out. The answer
    goes back with the same envelope. Writes wait for the writer under a
    tag; at most WRITES_MAX of them at a time (more are answered "busy").
    =========================================================================
*/

#include "hs_api.h"
#include "hs_query.h"
#include "hs_filed.h"
#include "hs_feeds.h"
#include "hs_keys.h"
#include "hs_log.h"
#include "hs_fd.h"
#include "hs_guard.h"
#include "hs_clock.h"
#include "hs_check.h"
#include <sched.h>
#include <sys/syscall.h>


#define WRITES_MAX 256          //  writes waiting for the writer's answer
#define REQUESTS_PER_TURN 64    //  requests read before the pipe is looked at again

//  What the creating thread hands the actor, and how the start went.
typedef struct {
    hs_store_t *reader;         //  the actor's own handle (it takes it)
    hs_config_t *config;
    int status;                 //  0 started, -1 not
    char error [256];
} s_start_t;

//  The actor's own state.
typedef struct {
    zsock_t *pipe;              //  to the writer's thread
    zsock_t *socket;            //  the api's ROUTER
    hs_store_t *store;          //  a reader's handle
    hs_config_t *config;        //  in force here
    hs_keys_t *keys;            //  with secure dashboards: key -> unit
    bool secure;                //  security on: writes say who signed
    hs_stats_snapshot_t *snapshot;  //  the writer's last
    hs_pack_t *reply;           //  a reply body being packed
    hs_metrics_t *metrics;      //  the metrics page
    int64_t metrics_at;         //  zclock_mono () of the next write of metrics/file
    bool metrics_failing;       //  the last write failed (logged once)
    zmsg_t *writes [WRITES_MAX];    //  envelopes of writes in flight, by tag % WRITES_MAX
    uint64_t next_tag;
    uint64_t dropped;           //  replies a peer's full queue (or its going) dropped
    uint64_t revoked;           //  requests refused: the certificate was removed
    int64_t revoked_logged;     //  zclock_mono () of the last log of a refusal
} s_actor_t;

struct _hs_api_t {
    zactor_t *actor;
};

//  ---------------------------------------------------------------------
//  Answering

static int
s_error (hs_pack_t *reply, const hs_why_t *why)
{
    hs_pack_reset (reply);
    hs_reply_error (reply, why->code, why->detail);
    return -1;
}

//  The holiday lists' coverage at the daemon's clock `now` (health, metrics).
static void
s_holidays (hs_config_t *config, int64_t now, int *years, size_t max, hs_health_holidays_t *out)
{
    out->year_count = hs_calendar_years (config->calendar, years, max);
    out->year_count = out->year_count < max? out->year_count: max;
    out->years = years;
    out->days_left = hs_calendar_days_left (config->calendar, now);
    out->warn_days = config->holiday_warn_days;
    out->warn = out->days_left < out->warn_days;
    int64_t until = hs_calendar_covered_until (config->calendar, now);
    out->until [0] = 0;
    if (until >= 0) {
        int year, month, mday;
        hs_calendar_date (until, &year, &month, &mday);
        snprintf (out->until, sizeof (out->until), "%04d-%02d-%02d", year, month, mday);
    }
}

static void
s_metrics_page (hs_store_t *store, hs_config_t *config, const hs_stats_snapshot_t *snapshot,
                hs_metrics_t *page)
{
    hs_store_stats_t stats;
    if (hs_store_stats (store, &stats))
        memset (&stats, 0, sizeof (stats));
    hs_stats_metrics (snapshot, &stats, config->district, hs_rules_version (config->rules),
                      config->map_size_max, page);
    //  By level, street and feeder, in one view
    size_t max = hs_units_size (config->units) + 1, feeder_count = 0;
    hs_health_feeder_t *feeders = (hs_health_feeder_t *) zmalloc (max * sizeof (*feeders));
    if (hs_store_view_begin (store) == 0) {
        if (hs_feeds_list (store, config, hs_stats_clock (snapshot, zclock_mono ()), feeders,
                           max, &feeder_count))
            feeder_count = 0;
        hs_stats_metrics_store (store, config, feeders, feeder_count, page);
        hs_store_view_end (store);
    }
    else
        hs_stats_metrics_store (NULL, config, NULL, 0, page);
    free (feeders);
    const hs_health_counters_t *c = &snapshot->counters;
    struct { const char *name, *help; uint64_t value; } own [] = {
        { "huishang_api_dropped_total", "Api replies dropped: the peer did not read them "
          "(connections/api_hwm) or was gone.", c->api_dropped },
        { "huishang_api_revoked_total", "Api requests refused: the connection's certificate "
          "was removed.", c->api_revoked },
        { "huishang_connections_refused_total", "Connections closed at once: the descriptors "
          "for connections were used up (connections/fd_reserve).", c->connections_refused }
    };
    for (size_t index = 0; index < sizeof (own) / sizeof (own [0]); index++) {
        hs_metrics_family (page, own [index].name, "counter", own [index].help);
        hs_metrics_sample (page, (double) own [index].value, NULL);
    }
    //  What health calls damaged and degraded, for alerting rules.
    hs_metrics_family (page, "huishang_store_faults_total", "counter",
                       "Reads that met a damaged page (an api read that faulted, LMDB saying a page is "
                       "damaged; hs_guard): the store is damaged.");
    hs_metrics_sample (page, (double) hs_guard_faults (), NULL);
    hs_metrics_family (page, "huishang_store_check", "gauge",
                       "The start's check of the store (hs_check), 1 for its state now: checking "
                       "(the rest read in the background), damaged (refused at the next start), ...");
    static const char *states [] = { "off", "none", "checking", "sound", "damaged", "unchecked",
                                     "newer", NULL };
    const char *state = hs_check_start_state (NULL, 0);
    for (const char **each = states; *each; each++)
        hs_metrics_sample (page, streq (*each, state)? 1: 0, "state", *each, NULL);
    hs_metrics_family (page, "huishang_clock_ahead_seconds", "gauge",
                       "How far the stored clock was ahead of the real clock past store/max_skew "
                       "at start (0: not; recovery: huishangd --clock-reset).");
    hs_metrics_sample (page, (double) hs_clock_ahead_ms () / 1000.0, NULL);
    int years [64];
    hs_health_holidays_t holidays;
    s_holidays (config, hs_stats_clock (snapshot, zclock_mono ()), years, 64, &holidays);
    hs_metrics_family (page, "huishang_holidays_days_left", "gauge",
                       "Days until the holiday lists (calendar/holidays) run out; -1: none "
                       "for this year. Alert under calendar/warn_days.");
    hs_metrics_sample (page, (double) holidays.days_left, NULL);
    hs_metrics_family (page, "huishang_holidays_year", "gauge", "1 for each year a holiday list covers.");
    for (size_t index = 0; index < holidays.year_count; index++) {
        char year [16];
        snprintf (year, sizeof (year), "%d", years [index]);
        hs_metrics_sample (page, 1, "year", year, NULL);
    }
}

//  The api's own counters into its copy of the writer's snapshot, which
//  health and the metrics page are made from.
static void
s_own_counters (s_actor_t *self)
{
    self->snapshot->counters.api_dropped = self->dropped;
    self->snapshot->counters.api_revoked = self->revoked;
    self->snapshot->counters.connections_refused = hs_fd_refused ();
}

int
hs_api_request (hs_store_t *store, hs_config_t *config, const hs_stats_snapshot_t *snapshot,
                const char *command, const uint8_t *args, size_t args_size, hs_pack_t *reply)
{
    hs_pack_reset (reply);
    hs_why_t why = { .code = NULL };
    if (streq (command, "plenary") || streq (command, "hello"))
        return 1;
    msgpack_unpacked unpacked;
    msgpack_unpacked_init (&unpacked);
    int rc = 0;
    if (args && hs_proto_unpack_map (args, args_size, &config->limits, &unpacked, &why))
        rc = -1;
    const msgpack_object *map = args? &unpacked.data: NULL;
    if (rc)
        ;
    else
    if (streq (command, "health") || streq (command, "stats")) {
        hs_store_stats_t stats;
        if (hs_store_stats (store, &stats))
            rc = hs_why (&why, "store", "the store could not be read");
        else {
            hs_health_t health = {
                .district = config->district, .rules_version = hs_rules_version (config->rules)
            };
            hs_stats_health (snapshot, &stats, &health);
            //  The store's own trouble (hs_guard, hs_clock) says so too.
            if (hs_clock_ahead_ms ())
                health.status = "degraded";
            health.store.check = hs_check_start_state (NULL, 0);
            if (hs_guard_faults () || streq (health.store.check, "damaged"))
                health.status = "damaged";
            health.store.path = config->store_path;
            //  Each feeder heard, at most one per unit of units.cfg.
            size_t max = hs_units_size (config->units) + 1;
            hs_health_feeder_t *feeders = (hs_health_feeder_t *) zmalloc (max * sizeof (*feeders));
            if (hs_store_view_begin (store) == 0) {
                if (hs_feeds_list (store, config, health.at, feeders, max, &health.feeder_count))
                    health.feeder_count = 0;
                hs_store_view_end (store);
            }
            health.feeders = feeders;
            int years [64];
            s_holidays (config, health.at, years, 64, &health.holidays);
            hs_reply_health (reply, &health);
            free (feeders);
        }
    }
    else
    if (streq (command, "rules"))
        hs_reply_rules (reply, hs_rules_version (config->rules), config->rules_file,
                        config->units_file, config->source);
    else
    if (streq (command, "metrics")) {
        hs_metrics_t *page = hs_metrics_new ();
        s_metrics_page (store, config, snapshot, page);
        hs_reply_text (reply, hs_metrics_text (page));
        hs_metrics_destroy (&page);
    }
    else
    if (streq (command, "case") || streq (command, "cases") || streq (command, "replay")
    ||  streq (command, "filed") || streq (command, "meeting") || streq (command, "meetings")) {
        if (hs_store_view_begin (store))
            rc = hs_why (&why, "store", "the store could not be read");
        else {
            if (streq (command, "case"))
                rc = hs_query_case (store, config, map, reply, &why);
            else
            if (streq (command, "cases"))
                rc = hs_query_cases (store, config, map, reply, &why);
            else
            if (streq (command, "filed"))
                rc = hs_filed_query (store, map, reply, &why);
            else
            if (streq (command, "meeting"))
                rc = hs_query_meeting (store, map, reply, &why);
            else
            if (streq (command, "meetings"))
                rc = hs_query_meetings (store, config, map, reply, &why);
            else
                rc = hs_query_replay (store, config, map, reply, &why);
            hs_store_view_end (store);
        }
    }
    else
        rc = hs_why (&why, "unknown_command", "unknown command '%.40s': expected health, stats, "
                     "rules, metrics, case, cases, filed, meeting, meetings, replay, plenary or hello", command);
    msgpack_unpacked_destroy (&unpacked);
    return rc? s_error (reply, &why): 0;
}

//  Send a reply under an envelope (taken).
static void
s_send (s_actor_t *self, zmsg_t **envelope_p, bool ok, const void *body, size_t size)
{
    zmsg_t *reply = *envelope_p;
    *envelope_p = NULL;
    zmsg_addstr (reply, ok? "ok": "error");
    zmsg_addmem (reply, body, size);
    //  ROUTER_MANDATORY: a peer whose queue is full (api_hwm replies it
    //  has not read) or who has gone makes the send fail, and the reply
    //  is dropped here, counted, instead of queued without bound. What the
    //  socket knows of a peer's queue comes from the peer's I/O thread as
    //  commands, which a send processes only now and then: on a loaded
    //  machine a peer that read every reply could look full. Asking for
    //  the socket's events processes them first (libzmq does so without
    //  the send path's throttle), so a reply is dropped only for a peer
    //  that is really behind or gone.
    zsock_events (self->socket);
    if (zmsg_send (&reply, self->socket))
        self->dropped++;
    zmsg_destroy (&reply);
}

//  With keys on the api: is the certificate of the request's connection
//  still allowed? Checked on every request, so removing a certificate
//  cuts off a connection already open. Answers `revoked` when not.
static bool
s_allowed (s_actor_t *self, zframe_t *frame, zmsg_t **envelope_p)
{
    if (!self->keys || (frame && hs_keys_allowed (self->keys, frame)))
        return true;
    self->revoked++;
    int64_t now = zclock_mono ();
    if (!self->revoked_logged || now - self->revoked_logged >= self->config->reject_interval_ms) {
        self->revoked_logged = now;
        hs_log_warning ("hs_api: a request refused: its connection's certificate is no longer "
                        "in %s (%llu refused so far)", self->config->clients_dir,
                        (unsigned long long) self->revoked);
    }
    hs_why_t why;
    hs_why (&why, "revoked", "this connection's certificate is no longer allowed");
    s_error (self->reply, &why);
    s_send (self, envelope_p, false, hs_pack_data (self->reply), hs_pack_size (self->reply));
    return false;
}

//  One request off the socket.
static void
s_serve (s_actor_t *self, zmsg_t *request)
{
    zmsg_t *envelope = zmsg_new ();
    zframe_t *identity = zmsg_pop (request);
    zmsg_append (envelope, &identity);
    zframe_t *first = zmsg_first (request);
    if (first && zframe_size (first) == 0) {
        zframe_t *delimiter = zmsg_pop (request);
        zmsg_append (envelope, &delimiter);
    }
    zframe_t *command_frame = zmsg_first (request);
    if (!s_allowed (self, command_frame, &envelope))
        return;
    s_own_counters (self);
    const char *signer = NULL;
    if (self->secure)
        signer = self->keys && command_frame? hs_keys_unit (self->keys, command_frame): NULL;
    char *command = zmsg_popstr (request);
    zframe_t *args = zmsg_pop (request);
    //  Guarded (hs_guard): a damaged page under the read fails this
    //  request with store_corrupt, not the daemon.
    int rc;
    HS_GUARD_RUN (rc, -2, hs_api_request (self->store, self->config, self->snapshot,
                                          command? command: "", args? zframe_data (args): NULL,
                                          args? zframe_size (args): 0, self->reply));
    if (rc == -2) {
        hs_store_view_end (self->store);
        uint64_t faults = hs_guard_faults ();
        if (faults <= 10 || (faults & (faults - 1)) == 0)
            hs_log_error ("hs_api: THE STORE IS DAMAGED: '%.40s' failed reading it (%s); "
                          "%llu so far. Stop the daemon, `huishang verify`, restore the backup",
                          command? command: "", hs_guard_last (), (unsigned long long) faults);
        hs_why_t why;
        hs_why (&why, "store_corrupt", "the store is damaged: this could not be read");
        rc = s_error (self->reply, &why);
    }
    //  What goes out from the store is what was stored: a reply that is not
    //  (a string no longer UTF-8: a byte changed inside a value) is refused
    //  as damage rather than handed to a client to choke on. Replay checks
    //  each event itself, and leaves a damaged one out.
    if (rc == 0 && command && !streq (command, "replay")
    &&  !hs_proto_sound (hs_pack_data (self->reply), hs_pack_size (self->reply))) {
        char what [96];
        snprintf (what, sizeof (what), "the reply to '%.40s' read damaged bytes", command);
        hs_guard_damaged (what);
        hs_why_t why;
        hs_why (&why, "store_corrupt", "the store is damaged: this could not be read whole");
        rc = s_error (self->reply, &why);
    }
    if (rc == 1) {
        //  The writer's to answer: the envelope waits under a tag.
        uint64_t tag = self->next_tag++;
        zmsg_t **slot = &self->writes [tag % WRITES_MAX];
        if (*slot) {
            hs_why_t why;
            hs_why (&why, "busy", "too many writes wait for the store: send it again later");
            s_error (self->reply, &why);
            s_send (self, &envelope, false, hs_pack_data (self->reply), hs_pack_size (self->reply));
        }
        else {
            *slot = envelope;
            envelope = NULL;
            zmsg_t *write = zmsg_new ();
            zmsg_addstr (write, "WRITE");
            zmsg_addmem (write, &tag, sizeof (tag));
            zmsg_addstr (write, command);
            zmsg_addmem (write, args? zframe_data (args): NULL, args? zframe_size (args): 0);
            if (self->secure)
                zmsg_addstr (write, signer? signer: "");
            zmsg_send (&write, self->pipe);
        }
    }
    else
        s_send (self, &envelope, rc == 0, hs_pack_data (self->reply), hs_pack_size (self->reply));
    zmsg_destroy (&envelope);
    zframe_destroy (&args);
    zstr_free (&command);
}

//  A message from the writer. Returns -1 when told to end.
static int
s_from_writer (s_actor_t *self)
{
    zmsg_t *msg = zmsg_recv (self->pipe);
    if (!msg)
        return -1;
    char *kind = zmsg_popstr (msg);
    int rc = 0;
    if (!kind || streq (kind, "$TERM"))
        rc = -1;
    else
    if (streq (kind, "SNAPSHOT")) {
        zframe_t *frame = zmsg_first (msg);
        if (frame && zframe_size (frame) == sizeof (hs_stats_snapshot_t))
            memcpy (self->snapshot, zframe_data (frame), sizeof (hs_stats_snapshot_t));
    }
    else
    if (streq (kind, "CONFIG")) {
        zframe_t *frame = zmsg_first (msg);
        hs_config_t *fresh;
        assert (frame && zframe_size (frame) == sizeof (fresh));
        memcpy (&fresh, zframe_data (frame), sizeof (fresh));
        hs_config_t *old = self->config;
        self->config = fresh;
        zmsg_t *retired = zmsg_new ();
        zmsg_addstr (retired, "RETIRED");
        zmsg_addmem (retired, &old, sizeof (old));
        zmsg_send (&retired, self->pipe);
    }
    else
    if (streq (kind, "ANSWER")) {
        zframe_t *tag_frame = zmsg_pop (msg);
        char *status = zmsg_popstr (msg);
        zframe_t *body = zmsg_pop (msg);
        uint64_t tag = 0;
        if (tag_frame && zframe_size (tag_frame) == sizeof (tag))
            memcpy (&tag, zframe_data (tag_frame), sizeof (tag));
        zmsg_t **slot = &self->writes [tag % WRITES_MAX];
        if (*slot && body && status)
            s_send (self, slot, streq (status, "ok"), zframe_data (body), zframe_size (body));
        zframe_destroy (&tag_frame);
        zframe_destroy (&body);
        zstr_free (&status);
    }
    zstr_free (&kind);
    zmsg_destroy (&msg);
    return rc;
}

//  Write the metrics page to metrics/file when it is due.
static void
s_metrics_tick (s_actor_t *self)
{
    hs_config_t *config = self->config;
    if (!config->metrics_file || zclock_mono () < self->metrics_at)
        return;
    self->metrics_at = zclock_mono () + config->metrics_interval_ms;
    s_own_counters (self);
    s_metrics_page (self->store, config, self->snapshot, self->metrics);
    if (hs_metrics_write (self->metrics, config->metrics_file)) {
        if (!self->metrics_failing)
            hs_log_error ("hs_api: cannot write metrics to %s: %s", config->metrics_file,
                          strerror (errno));
        self->metrics_failing = true;
    }
    else
    if (self->metrics_failing) {
        hs_log_notice ("hs_api: metrics written to %s again", config->metrics_file);
        self->metrics_failing = false;
    }
}

//  Bind the socket, CURVE when dashboards must hold keys. Returns 0 or -1.
static int
s_bind (s_actor_t *self, char *error, size_t error_size)
{
    hs_config_t *config = self->config;
    self->socket = zsock_new (ZMQ_ROUTER);
    assert (self->socket);
    //  Its own I/O thread (when the context has two): big answers never
    //  queue up in front of the writer's messages.
    zsock_set_affinity (self->socket, 2);
    zsock_set_maxmsgsize (self->socket, (int) config->limits.max_body);
    zsock_set_sndtimeo (self->socket, 0);
    zsock_set_rcvtimeo (self->socket, 0);
    //  A peer that never reads holds at most api_hwm replies (each at most
    //  about reply_max: hs_query pages): the rest are dropped, counted.
    zsock_set_sndhwm (self->socket, config->api_hwm);
    zsock_set_rcvhwm (self->socket, config->api_hwm);
    zsock_set_router_mandatory (self->socket, 1);
    zsock_set_handshake_ivl (self->socket, (int) config->handshake_timeout_ms);
    self->secure = config->security;
    if (config->security && config->secure_dashboards) {
        zcert_t *cert = zcert_load (config->server_cert);
        if (!cert) {
            snprintf (error, error_size, "security: cannot load the server certificate %s",
                      config->server_cert);
            return -1;
        }
        zcert_apply (cert, self->socket);
        zcert_destroy (&cert);
        zsock_set_curve_server (self->socket, 1);
        zsock_set_zap_domain (self->socket, "huishang");
        self->keys = hs_keys_new (config->clients_dir, config->units);
    }
    if (zsock_bind (self->socket, "%s", config->api) == -1) {
        snprintf (error, error_size, "cannot bind api endpoint %s: %s", config->api,
                  zmq_strerror (zmq_errno ()));
        return -1;
    }
    return 0;
}

static void
s_actor (zsock_t *pipe, void *arg)
{
    s_start_t *start = (s_start_t *) arg;
    //  Two threads on a small machine: when both want the processor, the
    //  writer (commits, alerts) goes first and a query waits a little.
    struct sched_param param = { 0 };
    if (sched_setscheduler ((pid_t) syscall (SYS_gettid), SCHED_IDLE, &param))
        hs_log_debug ("hs_api: cannot lower the api thread's priority: %s", strerror (errno));
    s_actor_t *self = (s_actor_t *) zmalloc (sizeof (s_actor_t));
    self->pipe = pipe;
    self->store = start->reader;
    self->config = start->config;
    self->snapshot = (hs_stats_snapshot_t *) zmalloc (sizeof (hs_stats_snapshot_t));
    self->snapshot->started_mono = zclock_mono ();
    self->snapshot->time_scale = 1;
    self->reply = hs_pack_new ();
    self->metrics = hs_metrics_new ();
    start->status = s_bind (self, start->error, sizeof (start->error));
    bool started = start->status == 0;
    bool running = started;
    zsock_signal (pipe, 0);             //  `start` is the creator's again from here
    zpoller_t *poller = running? zpoller_new (pipe, self->socket, NULL): NULL;
    //  We end on the writer's $TERM only, never on SIGTERM by ourselves:
    //  else our exit signal can reach the writer before it asks (it reads
    //  it as a message and drops it), and zactor_destroy then waits for it
    //  for ever (a shutdown hang seen once after a flood).
    if (poller)
        zpoller_set_nonstop (poller, true);
    while (running) {
        int64_t wait = 1000;
        if (self->config->metrics_file) {
            wait = self->metrics_at - zclock_mono ();
            wait = wait < 0? 0: wait > 1000? 1000: wait;
        }
        void *which = zpoller_wait (poller, (int) wait);
        if (which == pipe && s_from_writer (self))
            break;
        if (which == self->socket)
            for (int count = 0; count < REQUESTS_PER_TURN; count++) {
                //  The writer's answers and snapshots first: a client that
                //  was just answered by the writer sees its counters.
                while (zsock_events (pipe) & ZMQ_POLLIN)
                    if (s_from_writer (self))
                        running = false;
                zmsg_t *request = running? zmsg_recv (self->socket): NULL;
                if (!request)
                    break;
                s_serve (self, request);
                zmsg_destroy (&request);
            }
        if (zpoller_terminated (poller))
            break;
        s_metrics_tick (self);
    }
    zpoller_destroy (&poller);
    for (size_t index = 0; index < WRITES_MAX; index++)
        zmsg_destroy (&self->writes [index]);
    zsock_destroy (&self->socket);
    hs_keys_destroy (&self->keys);
    hs_store_destroy (&self->store);
    hs_metrics_destroy (&self->metrics);
    hs_pack_destroy (&self->reply);
    free (self->snapshot);
    free (self);
    //  Wait for the $TERM if the start failed (the creator destroys us).
    if (!started) {
        zmsg_t *term = zmsg_recv (pipe);
        zmsg_destroy (&term);
    }
}

//  ---------------------------------------------------------------------
//  The writer's side

hs_api_t *
hs_api_new (hs_store_t *store, hs_config_t *config, char *error, size_t error_size)
{
    s_start_t start = { hs_store_reader_new (store), config, 0, "" };
    hs_api_t *self = (hs_api_t *) zmalloc (sizeof (hs_api_t));
    self->actor = zactor_new (s_actor, &start);
    if (start.status) {
        hs_strcpy (error, error_size, start.error);
        hs_api_destroy (&self);
    }
    return self;
}

void
hs_api_destroy (hs_api_t **self_p)
{
    assert (self_p);
    if (*self_p) {
        hs_api_t *self = *self_p;
        zactor_destroy (&self->actor);
        free (self);
        *self_p = NULL;
    }
}

zsock_t *hs_api_pipe (hs_api_t *self) { return zactor_sock (self->actor); }

void
hs_api_snapshot (hs_api_t *self, const hs_stats_snapshot_t *snapshot)
{
    zmsg_t *msg = zmsg_new ();
    zmsg_addstr (msg, "SNAPSHOT");
    zmsg_addmem (msg, snapshot, sizeof (*snapshot));
    zmsg_send (&msg, self->actor);
}

void
hs_api_set_config (hs_api_t *self, hs_config_t *config)
{
    zmsg_t *msg = zmsg_new ();
    zmsg_addstr (msg, "CONFIG");
    zmsg_addmem (msg, &config, sizeof (config));
    zmsg_send (&msg, self->actor);
}

void
hs_api_serve (hs_api_t *self, hs_api_write_fn *write, hs_api_retired_fn *retired, void *arg)
{
    zmsg_t *msg = zmsg_recv (self->actor);
    char *kind = msg? zmsg_popstr (msg): NULL;
    if (kind && streq (kind, "WRITE") && zmsg_size (msg) >= 3) {
        zframe_t *tag = zmsg_pop (msg);
        char *command = zmsg_popstr (msg);
        zframe_t *args = zmsg_pop (msg);
        char *signer = zmsg_size (msg)? zmsg_popstr (msg): NULL;
        hs_pack_t *reply = hs_pack_new ();
        int rc = write (arg, command, zframe_data (args), zframe_size (args), signer, reply);
        zmsg_t *answer = zmsg_new ();
        zmsg_addstr (answer, "ANSWER");
        zmsg_append (answer, &tag);
        zmsg_addstr (answer, rc == 0? "ok": "error");
        zmsg_addmem (answer, hs_pack_data (reply), hs_pack_size (reply));
        zmsg_send (&answer, self->actor);
        hs_pack_destroy (&reply);
        zframe_destroy (&args);
        zstr_free (&command);
        zstr_free (&signer);
    }
    else
    if (kind && streq (kind, "RETIRED") && zmsg_size (msg) == 1
    &&  zframe_size (zmsg_first (msg)) == sizeof (hs_config_t *)) {
        hs_config_t *old;
        memcpy (&old, zframe_data (zmsg_first (msg)), sizeof (old));
        retired (arg, old);
    }
    zstr_free (&kind);
    zmsg_destroy (&msg);
}

//  ---------------------------------------------------------------------
//  Self test: reads answered on the api's thread, a write handed to the
//  writer and its answer relayed, counters from the last snapshot.

typedef struct {
    hs_config_t *retired;
    int writes;
} s_test_t;

static int
s_test_write (void *arg, const char *command, const uint8_t *args, size_t args_size,
              const char *signer, hs_pack_t *reply)
{
    (void) args;
    (void) args_size;
    s_test_t *test = (s_test_t *) arg;
    assert (streq (command, "hello") && signer == NULL);
    test->writes++;
    hs_hello_encode ("t1", reply);
    return 0;
}

static void
s_test_retired (void *arg, hs_config_t *config)
{
    ((s_test_t *) arg)->retired = config;
}

void
hs_api_test (bool verbose)
{
    if (verbose)
        printf (" * hs_api: ");
    hs_txn_fixture_t *fixture = hs_txn_fixture_new ("hs_api", 1780000000000LL, 1);
    char error [256];
    hs_api_t *api = hs_api_new (fixture->store, fixture->config, error, sizeof (error));
    assert (api);
    hs_stats_snapshot_t *snapshot = (hs_stats_snapshot_t *) zmalloc (sizeof (hs_stats_snapshot_t));
    snapshot->counters.reports = 42;
    snapshot->time_scale = 1;
    snapshot->started_mono = zclock_mono ();
    hs_api_snapshot (api, snapshot);
    zsock_t *client = zsock_new_req ("inproc://hs_api_test_api");
    assert (client);
    zsock_set_rcvtimeo (client, 2000);

    zstr_send (client, "health");
    zmsg_t *reply = zmsg_recv (client);
    assert (reply && zmsg_size (reply) == 2);
    char *status = zmsg_popstr (reply);
    assert (streq (status, "ok"));
    zframe_t *body = zmsg_pop (reply);
    msgpack_unpacked unpacked;
    msgpack_unpacked_init (&unpacked);
    assert (hs_proto_unpack_stored (zframe_data (body), zframe_size (body), &unpacked) == 0);
    assert (hs_proto_int (hs_proto_get (&unpacked.data, "counters"), "reports", 0) == 42);
    msgpack_unpacked_destroy (&unpacked);
    zframe_destroy (&body);
    zstr_free (&status);
    zmsg_destroy (&reply);

    //  An unknown command: an error, with its code.
    zstr_send (client, "fly");
    reply = zmsg_recv (client);
    status = zmsg_popstr (reply);
    assert (streq (status, "error"));
    zstr_free (&status);
    zmsg_destroy (&reply);

    //  A write goes to the writer's side of the pipe; its answer comes back.
    zstr_send (client, "hello");
    zpoller_t *poller = zpoller_new (hs_api_pipe (api), NULL);
    assert (zpoller_wait (poller, 2000) == hs_api_pipe (api));
    s_test_t test = { NULL, 0 };
    hs_api_serve (api, s_test_write, s_test_retired, &test);
    assert (test.writes == 1);
    reply = zmsg_recv (client);
    assert (reply);
    status = zmsg_popstr (reply);
    assert (streq (status, "ok"));
    zstr_free (&status);
    zmsg_destroy (&reply);

    //  A configuration handed over is handed back once no longer used.
    hs_config_t *fresh = hs_config_load (NULL, error, sizeof (error));
    hs_api_set_config (api, fresh);
    assert (zpoller_wait (poller, 2000) == hs_api_pipe (api));
    hs_api_serve (api, s_test_write, s_test_retired, &test);
    assert (test.retired == fixture->config);
    zpoller_destroy (&poller);

    zsock_destroy (&client);
    hs_api_destroy (&api);
    hs_config_destroy (&fresh);
    free (snapshot);
    hs_txn_fixture_destroy (&fixture);
    if (verbose)
        printf ("OK\n");
}
