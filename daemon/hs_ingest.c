/*  =========================================================================
    hs_ingest - inbound messages: sockets, the shared opening, dispatch

    A flood is counted and logged but leaves no dead letter: it must not
    fill the store either. Messages that name no unit of ours (and spoofed
    ones) share one budget (limits/unattributed_rate); past it they are
    counted (unattributed) and dropped, not kept. Dead letters go into a
    bounded ring (hs_deadletters).
    A message is read frame by frame: past limits/max_frames frames or
    limits/max_total bytes the rest is dropped as it is read (never copied
    into a batch) and the message is counted too_large (a submitter is told
    so). libzmq itself hands over a multipart message only once its last
    frame is in, and bounds frames, not their number: until then it holds
    the whole message (see README, "Memory, honestly").
    A drain of a socket tells the flood limit since when what it reads can
    have arrived: when the socket was last seen empty (hs_flood_window). A batch the store cannot take is refused whole,
    each message with the reason (no dead letter: there is no room for
    one): store_full is final, anything else is "error" to a submitter,
    which sends it again.
    =========================================================================
*/

#include "hs_ingest.h"
#include "hs_ledger.h"
#include "hs_deadletters.h"
#include "hs_envelope.h"
#include "hs_log.h"

//  Why a message of a drain was cut short as it was read.
#define CUT_NONE        0
#define CUT_TOO_LARGE   1       //  past max_frames or max_total
#define CUT_ENVELOPE    2       //  a submit's envelope past its bounds (hs_envelope)

//  Since when what a drain of one socket reads can have arrived.
#define STALL_MS    100         //  a window this much longer than the poll's wait: a stall
typedef struct {
    int64_t empty;              //  zclock_mono () when a drain last found it empty
    int64_t stall_from;         //  a stall's window began here ...
    int64_t stall_until;        //  ... and is held until then: what the stall held
                                //  back may come in after a moment of emptiness
} s_window_t;

struct _hs_ingest_t {
    hs_txn_t *txn;              //  borrowed
    hs_bus_t *bus;              //  borrowed
    hs_keys_t *keys;            //  borrowed, or NULL: no security
    hs_stats_t *stats;          //  borrowed
    hs_feeds_t *feeds;          //  borrowed
    hs_config_t *config;        //  borrowed
    hs_reject_t *reject;        //  rejection accounting
    hs_flood_t *flood;          //  the flood limit
    hs_deadletters_t *deadletters;  //  the ring of dead letters
    s_window_t ingest_window;   //  when ingest was last seen empty, and stalls
    s_window_t submit_window;   //  ... and submit
    int64_t waited;             //  ms the loop's last poll may have waited
    uint8_t *cut;               //  per message of the drain: CUT_*
    size_t cut_size;            //  ... room for this many
    struct {
        hs_ingest_handler_fn *handler;
        void *arg;
    } routes [HS_MSG_COUNT];
    hs_pack_t *record;          //  a dead letter being packed
    hs_msg_t *msg;              //  the message in hand
    hs_submit_reply_t *outcome; //  where it records its fate
    hs_submit_reply_t no_outcome;   //  ... when nobody waits for it
    char unit_seen [HS_CODE_MAX + 1];   //  its topic's unit, "-" when none of ours
    hs_ingest_hook_fn *before_answers;  //  called before submitters are answered
    void *before_answers_arg;
    bool no_room;               //  the store is full: new messages are refused
    bool trouble;               //  the last batch could not be committed
};

//  A heartbeat: the feeder is alive; its fseq says what it has sent.
static int
s_heartbeat (void *arg, hs_msg_t *msg)
{
    hs_ingest_t *self = (hs_ingest_t *) arg;
    hs_stats_count (self->stats, HS_STAT_HEARTBEATS, 1);
    return hs_feeds_heard (self->feeds, msg->as.heartbeat.source, msg->as.heartbeat.fseq, true)?
           -1: 0;
}

static void s_reject_commit (void *arg) { hs_reject_commit ((hs_reject_t *) arg); }
static void s_reject_abort (void *arg) { hs_reject_abort ((hs_reject_t *) arg); }

hs_ingest_t *
hs_ingest_new (hs_txn_t *txn, hs_bus_t *bus, hs_keys_t *keys, hs_stats_t *stats,
               hs_feeds_t *feeds, hs_config_t *config)
{
    hs_ingest_t *self = (hs_ingest_t *) zmalloc (sizeof (hs_ingest_t));
    self->txn = txn;
    self->bus = bus;
    self->keys = keys;
    self->stats = stats;
    self->feeds = feeds;
    self->config = config;
    self->reject = hs_reject_new (config->reject_interval_ms);
    self->flood = hs_flood_new (txn);
    self->deadletters = hs_deadletters_new (txn, stats);
    self->ingest_window.empty = self->submit_window.empty = zclock_mono ();
    self->record = hs_pack_new ();
    self->msg = (hs_msg_t *) zmalloc (sizeof (hs_msg_t));
    self->outcome = &self->no_outcome;
    hs_txn_participant_t participant = { "rejections", NULL, s_reject_commit, s_reject_abort,
                                         NULL, self->reject };
    hs_txn_join (txn, &participant);
    hs_ingest_route (self, HS_MSG_HEARTBEAT, s_heartbeat, self);
    return self;
}

void
hs_ingest_destroy (hs_ingest_t **self_p)
{
    assert (self_p);
    if (*self_p) {
        hs_ingest_t *self = *self_p;
        hs_reject_destroy (&self->reject);
        hs_flood_destroy (&self->flood);
        hs_deadletters_destroy (&self->deadletters);
        free (self->cut);
        hs_pack_destroy (&self->record);
        free (self->msg);
        free (self);
        *self_p = NULL;
    }
}

void hs_ingest_set_config (hs_ingest_t *self, hs_config_t *config) { self->config = config; }
bool hs_ingest_no_room (hs_ingest_t *self) { return self->no_room; }
bool hs_ingest_trouble (hs_ingest_t *self) { return self->trouble; }
hs_reject_t *hs_ingest_reject (hs_ingest_t *self) { return self->reject; }

void
hs_ingest_before_answers (hs_ingest_t *self, hs_ingest_hook_fn *hook, void *arg)
{
    self->before_answers = hook;
    self->before_answers_arg = arg;
}

void
hs_ingest_route (hs_ingest_t *self, hs_msg_kind_t kind, hs_ingest_handler_fn *handler, void *arg)
{
    assert (kind < HS_MSG_COUNT);
    self->routes [kind].handler = handler;
    self->routes [kind].arg = arg;
}

//  Refuse the message in hand: count, log, keep a dead letter (unless
//  `dead_letter` is false). Returns 0, or -1 if the store failed.
static int
s_reject (hs_ingest_t *self, const hs_why_t *why, zmsg_t *msg, bool dead_letter)
{
    self->outcome->status = HS_SUBMIT_REJECTED;
    hs_strcpy (self->outcome->reason, sizeof (self->outcome->reason), why->code);
    hs_strcpy (self->outcome->detail, sizeof (self->outcome->detail), why->detail);
    hs_reject_note (self->reject, why, msg, hs_txn_now (self->txn),
                    dead_letter? self->record: NULL);
    if (!dead_letter)
        return 0;
    return hs_deadletters_put (self->deadletters, hs_pack_data (self->record),
                               hs_pack_size (self->record), self->config->deadletters_max,
                               self->config->deadletter_bytes, self->config->deadletter_reserve);
}

//  Refuse a message that names no unit of ours (or not its own): within
//  the shared budget as `why`, with a dead letter; past it counted as
//  unattributed, and nothing kept.
static int
s_reject_unattributed (hs_ingest_t *self, const hs_why_t *why, zmsg_t *msg)
{
    if (!hs_flood_refuse (self->flood, "", self->config->unattributed_rate,
                          self->config->unattributed_burst))
        return s_reject (self, why, msg, true);
    hs_why_t over;
    hs_why (&over, "unattributed", "more than %lld messages a second (all together) name no unit "
            "of ours or not their own: dropped (this one: %s)",
            (long long) self->config->unattributed_rate, why->code);
    return s_reject (self, &over, msg, false);
}

//  The topic frame as a string, if it is one: 1..HS_TOPIC_MAX printable bytes.
static bool
s_topic (zframe_t *frame, char *topic)
{
    size_t size = zframe_size (frame);
    if (size == 0 || size > HS_TOPIC_MAX)
        return false;
    for (size_t index = 0; index < size; index++) {
        char c = (char) zframe_data (frame) [index];
        if (c <= 0x20 || c >= 0x7f)
            return false;
    }
    memcpy (topic, zframe_data (frame), size);
    topic [size] = 0;
    return true;
}

//  One message, inside the open transaction: the opening, then its
//  handler. Returns 0 (accepted, a duplicate or refused), or -1 if the
//  store failed.
static int
s_handle (hs_ingest_t *self, zmsg_t *zmsg)
{
    hs_why_t why;
    if (zmsg_size (zmsg) != 2) {
        hs_why (&why, "frames", "%zu frames, expected 2 (topic, body)", zmsg_size (zmsg));
        return s_reject_unattributed (self, &why, zmsg);
    }
    zframe_t *topic_frame = zmsg_first (zmsg);
    zframe_t *body_frame = zmsg_next (zmsg);
    char topic [HS_TOPIC_MAX + 1];
    if (!s_topic (topic_frame, topic)) {
        hs_why (&why, "bad_topic", "topic must be 1..%d printable ASCII bytes", HS_TOPIC_MAX);
        return s_reject_unattributed (self, &why, zmsg);
    }
    int kind = hs_kinds_find (topic);
    if (kind < 0 || !self->routes [kind].handler) {
        hs_why (&why, "unknown_topic", "topic '%s' is no inbound kind of message (PROTOCOL.md, 3)",
                topic);
        return s_reject_unattributed (self, &why, zmsg);
    }
    const char *unit = topic + strlen (hs_kinds_prefix (kind));
    if (!hs_units_find (self->config->units, unit)) {
        hs_why (&why, "unknown_unit", "'%s' is not a unit of ours", unit);
        return s_reject_unattributed (self, &why, zmsg);
    }
    hs_strcpy (self->unit_seen, sizeof (self->unit_seen), unit);
    if (self->keys) {
        //  The key that sent it must belong to the unit it speaks for
        //  (a board's key: to one of its units).
        const char *signer = hs_keys_unit (self->keys, topic_frame);
        if (!signer || !hs_keys_covers (signer, unit)) {
            if (signer)
                hs_why (&why, "spoofing", "a message for unit '%s' came with the key of '%s'",
                        unit, signer);
            else
                hs_why (&why, "spoofing", "a message for unit '%s' came with a key that is not "
                        "(or no longer) allowed", unit);
            hs_stats_count (self->stats, HS_STAT_SPOOFING, 1);
            return s_reject_unattributed (self, &why, zmsg);
        }
    }
    if (hs_flood_refuse (self->flood, unit, self->config->source_rate, self->config->source_burst)) {
        hs_why (&why, "rate_limited", "unit '%s' sends more than %lld messages a second",
                unit, (long long) self->config->source_rate);
        return s_reject (self, &why, zmsg, false);
    }
    hs_msg_t *msg = self->msg;
    memset (msg, 0, sizeof (*msg));
    msg->kind = (hs_msg_kind_t) kind;
    msg->topic = topic;
    msg->unit = unit;
    msg->body = zframe_data (body_frame);
    msg->body_size = zframe_size (body_frame);
    msgpack_unpacked unpacked;
    msgpack_unpacked_init (&unpacked);
    const char *source = "", *id = NULL;
    int64_t fseq = 0;
    int rc = 1;                 //  refused, unless it passes
    if (hs_proto_unpack_map (msg->body, msg->body_size, &self->config->limits, &unpacked, &why) == 0
    &&  hs_kinds_decode (msg, &unpacked.data, &self->config->limits, hs_txn_now (self->txn),
                        &why) == 0) {
        hs_kinds_common (msg, &source, &id, &fseq);
        if (streq (source, unit))
            rc = 0;
        else
            hs_why (&why, "source_mismatch", "source '%s' does not match topic unit '%s'",
                    source, unit);
    }
    bool duplicate = false;
    if (rc == 0 && hs_kinds_dedup (kind) != HS_DEDUP_NONE) {
        uint64_t first;
        int seen = hs_ledger_seen (hs_txn_store (self->txn), hs_kinds_dedup (kind), source, id, &first);
        if (seen < 0)
            rc = -1;
        else
        if (seen == 1) {
            duplicate = true;
            hs_stats_count (self->stats, HS_STAT_DUPLICATES, 1);
            self->outcome->status = HS_SUBMIT_DUPLICATE;
            self->outcome->seq = first;
        }
    }
    //  A resend says the feeder is alive, nothing about its fseq.
    if (rc == 0 && hs_kinds_feeds (kind)
    &&  hs_feeds_heard (self->feeds, source, duplicate? 0: fseq, false))
        rc = -1;
    if (rc == 0 && !duplicate) {
        rc = self->routes [kind].handler (self->routes [kind].arg, msg);
        if (rc == 0) {
            self->outcome->status = HS_SUBMIT_OK;
            self->outcome->seq = msg->seq;
            if (msg->seq && hs_kinds_dedup (kind) != HS_DEDUP_NONE
            &&  hs_ledger_mark (hs_txn_store (self->txn), hs_kinds_dedup (kind), source, id, msg->seq))
                rc = -1;
        }
        else
        if (rc == 1)
            why = msg->why;
    }
    msgpack_unpacked_destroy (&unpacked);
    if (rc == 1)
        return s_reject (self, &why, zmsg, true);
    return rc;
}

//  A batch in one unit of work: each message's outcome recorded where a
//  submitter (if any) will read it.
typedef struct {
    hs_ingest_t *self;
    zlist_t *messages;
    hs_submit_reply_t *outcomes;    //  one per message, or NULL: nobody waits
    const uint8_t *cut;         //  one per message (CUT_*), or NULL: none was
} s_batch_t;

static int
s_batch_work (void *arg)
{
    s_batch_t *batch = (s_batch_t *) arg;
    hs_ingest_t *self = batch->self;
    size_t index = 0;
    int rc = 0;
    for (zmsg_t *msg = (zmsg_t *) zlist_first (batch->messages); msg && rc == 0;
         msg = (zmsg_t *) zlist_next (batch->messages), index++) {
        self->outcome = batch->outcomes? &batch->outcomes [index]: &self->no_outcome;
        memset (self->outcome, 0, sizeof (hs_submit_reply_t));
        strcpy (self->unit_seen, "-");
        if (batch->cut && batch->cut [index] == CUT_TOO_LARGE) {
            hs_why_t why;
            hs_why (&why, "too_large", "a message of more than %d frames or %lld bytes "
                    "(limits/max_frames, max_total): dropped as read",
                    self->config->max_frames, (long long) self->config->max_total);
            rc = s_reject (self, &why, msg, false);
        }
        else
        if (batch->cut && batch->cut [index] == CUT_ENVELOPE) {
            hs_why_t why;
            hs_why (&why, "envelope", "more than %d frames, or one of more than %d bytes, "
                    "before the empty delimiter: dropped", HS_ENVELOPE_FRAMES, HS_ENVELOPE_BYTES);
            rc = s_reject (self, &why, msg, false);
        }
        else
            rc = s_handle (self, msg);
        hs_stats_source (self->stats, self->unit_seen, self->outcome->status, false);
    }
    self->outcome = &self->no_outcome;
    return rc;
}

//  The unit a message's topic names, if it is one of ours, else "-".
static const char *
s_topic_unit (hs_ingest_t *self, zmsg_t *msg)
{
    zframe_t *frame = zmsg_first (msg);
    char topic [HS_TOPIC_MAX + 1];
    if (!frame || !s_topic (frame, topic))
        return "-";
    const char *dot = strchr (topic, '.');
    const hs_unit_t *unit = dot? hs_units_find (self->config->units, dot + 1): NULL;
    return unit? unit->code: "-";
}

//  The store refused the batch: each message refused with the reason.
static void
s_refuse_all (hs_ingest_t *self, zlist_t *messages, hs_submit_reply_t *outcomes)
{
    hs_why_t why;
    bool full = hs_store_no_room (hs_txn_store (self->txn));
    if (full)
        hs_why (&why, "store_full", "the store is full (disk, or map at store/map_size_max): "
                "nothing new can be stored until there is room");
    else
        hs_why (&why, "store_error", "the store could not commit the batch (see the log)");
    self->trouble = true;
    size_t index = 0;
    for (zmsg_t *msg = (zmsg_t *) zlist_first (messages); msg;
         msg = (zmsg_t *) zlist_next (messages), index++) {
        hs_reject_note (self->reject, &why, msg, hs_txn_now (self->txn), self->record);
        hs_stats_source (self->stats, s_topic_unit (self, msg), HS_SUBMIT_REJECTED, true);
        if (outcomes) {
            //  Full: a clear, final answer. Anything else: "error", and an
            //  acknowledged submitter sends it again.
            memset (&outcomes [index], 0, sizeof (hs_submit_reply_t));
            outcomes [index].status = full? HS_SUBMIT_REJECTED: HS_SUBMIT_ERROR;
            hs_strcpy (outcomes [index].reason, sizeof (outcomes [index].reason),
                       full? why.code: "store");
            hs_strcpy (outcomes [index].detail, sizeof (outcomes [index].detail),
                       full? why.detail: "the store could not take it now: send it again");
        }
    }
    hs_reject_commit (self->reject);
    hs_stats_lost (self->stats, zlist_size (messages));
    if (full && !self->no_room) {
        //  Once, on entering the state: a warning that is not stored (seq 0).
        self->no_room = true;
        hs_log_error ("hs_ingest: the store is full: new messages are rejected until there is room");
        const char *reasons [] = { "store.full", NULL };
        hs_warning_t warning = {
            .kind = "store", .category = -1, .count = (int64_t) zlist_size (messages),
            .units = hs_policy_recipients (hs_rules_policy (self->config->rules), HS_NOTICE_STORE),
            .reasons = reasons, .at = hs_txn_now (self->txn)
        };
        hs_pack_reset (self->record);
        hs_warning_encode (&warning, self->record);
        hs_bus_publish_mem (self->bus, "warning.store", 13, hs_pack_data (self->record),
                            hs_pack_size (self->record));
    }
}

//  Handle a batch in one unit of work; outcomes (if any) are filled in.
//  Takes the messages. Returns the number handled, or -1.
static int
s_batch (hs_ingest_t *self, zlist_t *messages, hs_submit_reply_t *outcomes, const uint8_t *cut)
{
    int size = (int) zlist_size (messages);
    if (size == 0)
        return 0;
    s_batch_t batch = { self, messages, outcomes, cut };
    int rc = hs_txn_run (self->txn, s_batch_work, &batch);
    if (rc)
        s_refuse_all (self, messages, outcomes);
    else {
        self->trouble = false;
        if (self->no_room) {
            self->no_room = false;
            hs_log_notice ("hs_ingest: the store has room again: ingest resumed");
        }
        hs_stats_batch (self->stats, (size_t) size);
    }
    zmsg_t *msg;
    while ((msg = (zmsg_t *) zlist_pop (messages)))
        zmsg_destroy (&msg);
    return rc? -1: size;
}

int
hs_ingest_batch (hs_ingest_t *self, zlist_t *messages)
{
    return s_batch (self, messages, NULL, NULL);
}

//  One message from `sock`, or NULL if none waits. A ROUTER's identity
//  and the envelope its client sent (hs_envelope) go into `*envelope`.
//  Past max_frames frames or max_total bytes (an envelope's bounds on
//  top) the rest is dropped as it comes and `*cut` set: the message
//  keeps its first frames only.
static zmsg_t *
s_recv (hs_ingest_t *self, zsock_t *sock, zmsg_t **envelope, uint8_t *cut)
{
    *cut = CUT_NONE;
    zframe_t *frame = zframe_recv (sock);
    if (!frame)
        return NULL;
    zmsg_t *msg = zmsg_new ();
    bool more = zframe_more (frame);
    int frames_max = self->config->max_frames;
    int64_t total_max = self->config->max_total;
    if (envelope) {
        *envelope = zmsg_new ();
        zmsg_append (*envelope, &frame);
        frame = more? zframe_recv (sock): NULL;
        more = frame && zframe_more (frame);
        frames_max += HS_ENVELOPE_FRAMES + 1;
        total_max += HS_ENVELOPE_FRAMES * HS_ENVELOPE_BYTES;
    }
    int64_t total = 0;
    while (frame) {
        total += (int64_t) zframe_size (frame);
        if ((int) zmsg_size (msg) < frames_max && total <= total_max)
            zmsg_append (msg, &frame);
        else {
            *cut = CUT_TOO_LARGE;
            zframe_destroy (&frame);
        }
        frame = more? zframe_recv (sock): NULL;
        more = frame && zframe_more (frame);
    }
    if (envelope && hs_envelope_split (msg, *envelope))
        *cut = CUT_ENVELOPE;
    else
    if (envelope) {
        //  The content after the envelope, held to the bounds of any message.
        zmsg_t *content = zmsg_new ();
        total = 0;
        while ((frame = zmsg_pop (msg))) {
            total += (int64_t) zframe_size (frame);
            if ((int) zmsg_size (content) < self->config->max_frames
            &&  total <= self->config->max_total)
                zmsg_append (content, &frame);
            else {
                *cut = CUT_TOO_LARGE;
                zframe_destroy (&frame);
            }
        }
        zmsg_destroy (&msg);
        msg = content;
    }
    return msg;
}

//  Answer one submitter (takes the envelope).
static void
s_answer (hs_ingest_t *self, zsock_t *submit, zmsg_t **envelope, hs_submit_reply_t *outcome)
{
    hs_pack_reset (self->record);
    hs_submit_reply_encode (outcome, self->record);
    zmsg_addstr (*envelope, hs_submit_status_name (outcome->status));
    zmsg_addmem (*envelope, hs_pack_data (self->record), hs_pack_size (self->record));
    zmsg_send (envelope, submit);
    zmsg_destroy (envelope);
}

//  The socket is seen empty now. If it was not seen so for STALL_MS more
//  than the loop's poll may have waited (`waited`), the loop was stalled
//  (busy, or the process stopped): what the stall held back may still
//  come in after this moment of emptiness (the I/O thread bringing in what
//  waited in the kernel), so the window's start is held at the stall's
//  start for as long again (once: a hold is not extended by the next).
static void
s_empty (s_window_t *window, int64_t waited)
{
    int64_t now = zclock_mono ();
    int64_t gap = now - window->empty;
    if (gap >= waited + STALL_MS && now >= window->stall_until) {
        window->stall_from = window->empty;
        window->stall_until = now + gap;
    }
    window->empty = now;
}

//  Read a batch from `sock` into `messages` (and `envelopes`, for a
//  ROUTER): up to batch_max messages and batch_bytes bytes. Tells the
//  flood limit the window what it read arrived in, and notes when the
//  socket was seen empty.
static void
s_drain (hs_ingest_t *self, zsock_t *sock, zlist_t *messages, zlist_t *envelopes,
         s_window_t *window)
{
    //  What is read now arrived since the socket was last seen empty, or
    //  since the stall that window follows began.
    int64_t now = zclock_mono ();
    int64_t since = window->empty;
    if (now < window->stall_until && window->stall_from < since)
        since = window->stall_from;
    hs_flood_window (self->flood, since);
    if (self->cut_size < (size_t) self->config->batch_max) {
        self->cut_size = (size_t) self->config->batch_max;
        self->cut = (uint8_t *) realloc (self->cut, self->cut_size);
        assert (self->cut);
    }
    size_t bytes = 0;
    while ((int) zlist_size (messages) < self->config->batch_max
    &&     (int64_t) bytes < self->config->batch_bytes) {
        zmsg_t *envelope = NULL;
        uint8_t cut;
        zmsg_t *msg = s_recv (self, sock, envelopes? &envelope: NULL, &cut);
        if (!msg) {
            s_empty (window, self->waited);
            break;
        }
        hs_stats_received (self->stats, 1);
        self->cut [zlist_size (messages)] = cut;
        bytes += zmsg_content_size (msg);
        zlist_append (messages, msg);
        if (envelopes)
            zlist_append (envelopes, envelope);
    }
}

void
hs_ingest_polled (hs_ingest_t *self, void *which, int64_t waited)
{
    self->waited = waited > 0? waited: 0;
    //  The poller returns the first socket ready, ingest before submit: a
    //  later one means the earlier were empty.
    if (which != hs_bus_ingest (self->bus)) {
        s_empty (&self->ingest_window, self->waited);
        if (which != hs_bus_submit (self->bus))
            s_empty (&self->submit_window, self->waited);
    }
}

void
hs_ingest_read (hs_ingest_t *self)
{
    zlist_t *batch = zlist_new ();
    s_drain (self, hs_bus_ingest (self->bus), batch, NULL, &self->ingest_window);
    s_batch (self, batch, NULL, self->cut);
    zlist_destroy (&batch);
}

void
hs_ingest_submit (hs_ingest_t *self)
{
    zsock_t *submit = hs_bus_submit (self->bus);
    zlist_t *messages = zlist_new ();
    zlist_t *envelopes = zlist_new ();
    s_drain (self, submit, messages, envelopes, &self->submit_window);
    size_t count = zlist_size (messages);
    hs_submit_reply_t *outcomes = (hs_submit_reply_t *) zmalloc ((count + 1) * sizeof (hs_submit_reply_t));
    s_batch (self, messages, outcomes, self->cut);
    if (self->before_answers)
        self->before_answers (self->before_answers_arg);
    size_t index = 0;
    zmsg_t *envelope;
    while ((envelope = (zmsg_t *) zlist_pop (envelopes)))
        s_answer (self, submit, &envelope, &outcomes [index++]);
    free (outcomes);
    zlist_destroy (&messages);
    zlist_destroy (&envelopes);
}

//  ---------------------------------------------------------------------
//  Self test: the opening, dispatch, and a batch redone after the map grew
//  charging each message once.

typedef struct {
    hs_txn_t *txn;
    int fill;                   //  first attempt only: filler rows (to fill the map)
    int attempts;
} s_test_t;

static int
s_test_report (void *arg, hs_msg_t *msg)
{
    s_test_t *test = (s_test_t *) arg;
    if (strncmp (msg->as.report.id, "bad", 3) == 0) {
        hs_why (&msg->why, "test_refused", "ids that begin with bad are refused");
        return 1;
    }
    msg->seq = hs_txn_next_seq (test->txn);
    hs_event_t event = { .seq = msg->seq, .type = "report", .topic = msg->topic,
                         .body = msg->body, .body_size = msg->body_size, .level = -1 };
    if (hs_txn_record (test->txn, &event))
        return -1;
    if (streq (msg->as.report.id, "big") && test->attempts++ == 0) {
        char filler [4096];
        memset (filler, 'x', sizeof (filler));
        for (int index = 0; index < test->fill; index++) {
            char key [32];
            snprintf (key, sizeof (key), "fill-%d", index);
            if (hs_store_put (hs_txn_store (test->txn), HS_TABLE_WINDOWS, key, strlen (key),
                              filler, sizeof (filler)))
                return -1;
        }
    }
    return 0;
}

static zmsg_t *
s_test_message (const char *topic, const char *id, const char *source)
{
    hs_report_t report = { .ownership = -1, .amount = -1, .category = HS_CATEGORY_LAYOFF,
                           .workers = 3, .at = zclock_time () };
    hs_strcpy (report.id, sizeof (report.id), id);
    hs_strcpy (report.source, sizeof (report.source), source);
    hs_strcpy (report.enterprise, sizeof (report.enterprise), "某厂");
    hs_pack_t *pack = hs_pack_new ();
    hs_report_encode (&report, pack);
    zmsg_t *msg = zmsg_new ();
    zmsg_addstr (msg, topic);
    zmsg_addmem (msg, hs_pack_data (pack), hs_pack_size (pack));
    hs_pack_destroy (&pack);
    return msg;
}

void
hs_ingest_test (bool verbose)
{
    if (verbose)
        printf (" * hs_ingest: ");
    hs_txn_fixture_t *fixture = hs_txn_fixture_new ("hs_ingest", zclock_time (), 1);
    hs_config_t *config = fixture->config;
    hs_txn_t *txn = fixture->txn;
    hs_stats_t *stats = hs_stats_new (txn);
    hs_notices_t *notices = hs_notices_new (txn, stats);
    hs_feeds_t *feeds = hs_feeds_new (txn, notices, config);
    hs_ingest_t *ingest = hs_ingest_new (txn, fixture->bus, NULL, stats, feeds, config);
    s_test_t test = { txn, 0, 0 };
    hs_ingest_route (ingest, HS_MSG_REPORT, s_test_report, &test);

    zlist_t *batch = zlist_new ();
    zlist_append (batch, s_test_message ("report.street.wanli", "r1", "street.wanli"));
    zlist_append (batch, s_test_message ("report.street.wanli", "r1", "street.wanli"));
    zlist_append (batch, s_test_message ("report.street.wanli", "bad1", "street.wanli"));
    zlist_append (batch, s_test_message ("report.hrss", "r2", "street.wanli"));
    zlist_append (batch, s_test_message ("report.atlantis", "r3", "atlantis"));
    zlist_append (batch, s_test_message ("nope.hrss", "r4", "hrss"));
    zmsg_t *frames = s_test_message ("report.hrss", "r5", "hrss");
    zmsg_addstr (frames, "one too many");
    zlist_append (batch, frames);
    assert (hs_ingest_batch (ingest, batch) == 7);
    hs_reject_t *reject = hs_ingest_reject (ingest);
    assert (hs_stats_get (stats, HS_STAT_DUPLICATES) == 1);
    assert (hs_reject_count (reject, "test_refused") == 1);
    assert (hs_reject_count (reject, "source_mismatch") == 1);
    assert (hs_reject_count (reject, "unknown_unit") == 1);
    assert (hs_reject_count (reject, "unknown_topic") == 1);
    assert (hs_reject_count (reject, "frames") == 1);
    assert (hs_reject_total (reject) == 5);
    //  What names no unit of ours shares one budget: past it, not kept.
    config->unattributed_rate = 1;
    config->unattributed_burst = 0;
    zlist_append (batch, s_test_message ("nope.x", "u1", "hrss"));
    zlist_append (batch, s_test_message ("report.ghost", "u2", "ghost"));
    assert (hs_ingest_batch (ingest, batch) == 2);
    assert (hs_reject_count (reject, "unattributed") == 2);
    assert (hs_reject_count (reject, "unknown_topic") == 1);
    //  The accepted one's feeder is known.
    assert (hs_feeds_size (feeds) == 1);

    //  A batch the map cannot hold is redone after the map grows: each of
    //  its messages is charged once to the flood limit, not once a try.
    config->source_rate = 0;
    config->source_burst = 3;
    test.fill = 400;
    zlist_append (batch, s_test_message ("report.hrss", "big", "hrss"));
    zlist_append (batch, s_test_message ("report.hrss", "h2", "hrss"));
    zlist_append (batch, s_test_message ("report.hrss", "h3", "hrss"));
    assert (hs_ingest_batch (ingest, batch) == 3);
    assert (test.attempts >= 2);            //  it was done again
    assert (hs_reject_count (reject, "rate_limited") == 0);
    //  The bucket is empty now: the next one from hrss is refused.
    zlist_append (batch, s_test_message ("report.hrss", "h4", "hrss"));
    assert (hs_ingest_batch (ingest, batch) == 1);
    assert (hs_reject_count (reject, "rate_limited") == 1);
    zlist_destroy (&batch);

    hs_ingest_destroy (&ingest);
    hs_feeds_destroy (&feeds);
    hs_notices_destroy (&notices);
    hs_stats_destroy (&stats);
    hs_txn_fixture_destroy (&fixture);
    if (verbose)
        printf ("OK\n");
}
