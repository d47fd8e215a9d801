/*  =========================================================================
    hs_web_feed - the daemon's live stream, held for the board and its
                  Server-Sent Events
    =========================================================================
*/

#include "hs_web_feed.h"
#include "../daemon/hs_log.h"
#include "../protocol/hs_json.h"
#include "../protocol/hs_proto.h"
#include <pthread.h>
#include <unistd.h>

#define JOIN_TRIES      10          //  hellos sent before the join is given up (100 ms each)
#define PAGE_LIMIT      200         //  events per replay page
#define REPLAY_RECENT   2000        //  events replayed into the cache at start
#define STREAM_CHUNK    (64 * 1024) //  bytes of queued events taken at once

//  One event held: its seq (0: not stored), topic and body as JSON.
typedef struct {
    int64_t seq;
    char *topic;
    json_t *body;
} s_event_t;

//  What waits for one SSE client: the text and the seq it carries (0:
//  heartbeat, stale, fresh: always sent).
typedef struct {
    int64_t seq;
    char *text;
} s_item_t;

typedef struct {
    hs_web_feed_t *feed;
    pthread_cond_t wake;
    zlistx_t *queue;            //  s_item_t, at most HS_WEB_FEED_QUEUE
    bool dropped;               //  it fell behind: its stream ends
    bool replaying;             //  still paging the replay
    int64_t since;              //  the next seq the replay gives
    int64_t last_sent;          //  the last seq sent
    hs_client_t *replayer;      //  its own client while replaying
    char *out;                  //  text being sent
    size_t out_size, out_pos;
} s_stream_t;

struct _hs_web_feed_t {
    hs_web_link_t *link;
    pthread_mutex_t lock;
    s_event_t ring [HS_WEB_FEED_KEPT];
    size_t ring_head, ring_count;   //  the oldest, how many
    json_t *brief_daily, *brief_weekly;
    zlistx_t *streams;          //  s_stream_t
    bool closing;
    //  The heartbeat
    bool beat_seen, stale;
    int64_t beat_at, beat_wall, beat_next_seq, beat_interval, beat_mono;
    //  The thread's own (only it touches these)
    int64_t last_seq;
    zactor_t *actor;
};

//  ---------------------------------------------------------------------
//  Text

static const char *s_words [] = {
    "alert", "meeting", "warning", "escalate", "brief", "prompt", "proposal",
    "inspection", "case", "action", NULL
};

char *
hs_web_feed_format (int64_t seq, const char *topic, json_t *body)
{
    char word [32] = "message";
    for (size_t index = 0; s_words [index]; index++) {
        size_t length = strlen (s_words [index]);
        if (strncmp (topic, s_words [index], length) == 0
        &&  (topic [length] == '.' || topic [length] == 0))
            snprintf (word, sizeof (word), "%s", s_words [index]);
    }
    json_t *data = json_pack ("{s:I, s:s, s:O}", "seq", (json_int_t) seq, "topic", topic,
                              "body", body? body: json_null ());
    char *text = json_dumps (data, JSON_COMPACT);
    json_decref (data);
    char *event = zsys_sprintf ("id: %lld\nevent: %s\ndata: %s\n\n", (long long) seq, word,
                                text? text: "{}");
    free (text);
    return event;
}

//  A message of ours (heartbeat, stale, fresh): no id.
static char *
s_format_state (const char *event, json_t *data)
{
    char *text = json_dumps (data, JSON_COMPACT);
    char *out = zsys_sprintf ("event: %s\ndata: %s\n\n", event, text? text: "{}");
    free (text);
    json_decref (data);
    return out;
}

//  ---------------------------------------------------------------------
//  Handing over (under the lock)

static void
s_item_destroy (void **item_p)
{
    s_item_t *item = (s_item_t *) *item_p;
    if (item) {
        free (item->text);
        free (item);
        *item_p = NULL;
    }
}

//  Queue `text` for every stream (each its own copy); a stream whose queue
//  is full is dropped.
static void
s_broadcast (hs_web_feed_t *self, int64_t seq, const char *text)
{
    for (s_stream_t *stream = (s_stream_t *) zlistx_first (self->streams); stream;
         stream = (s_stream_t *) zlistx_next (self->streams)) {
        if (stream->dropped)
            continue;
        if (zlistx_size (stream->queue) >= HS_WEB_FEED_QUEUE) {
            stream->dropped = true;
            hs_log_info ("huishang-web: an SSE client fell behind (%d events queued): dropped",
                       HS_WEB_FEED_QUEUE);
        }
        else {
            s_item_t *item = (s_item_t *) zmalloc (sizeof (s_item_t));
            item->seq = seq;
            item->text = strdup (text);
            zlistx_add_end (stream->queue, item);
        }
        pthread_cond_signal (&stream->wake);
    }
}

//  Keep an event and hand it to the streams. Takes the body.
static void
s_deliver (hs_web_feed_t *self, int64_t seq, const char *topic, json_t *body)
{
    char *text = hs_web_feed_format (seq, topic, body);
    pthread_mutex_lock (&self->lock);
    size_t slot = (self->ring_head + self->ring_count) % HS_WEB_FEED_KEPT;
    if (self->ring_count == HS_WEB_FEED_KEPT) {
        s_event_t *oldest = &self->ring [self->ring_head];
        free (oldest->topic);
        json_decref (oldest->body);
        self->ring_head = (self->ring_head + 1) % HS_WEB_FEED_KEPT;
        slot = (self->ring_head + self->ring_count - 1) % HS_WEB_FEED_KEPT;
    }
    else
        self->ring_count++;
    self->ring [slot].seq = seq;
    self->ring [slot].topic = strdup (topic);
    self->ring [slot].body = json_incref (body);
    json_t **brief = streq (topic, "brief.daily")? &self->brief_daily:
                     streq (topic, "brief.weekly")? &self->brief_weekly: NULL;
    if (brief) {
        json_decref (*brief);
        *brief = json_incref (body);
    }
    s_broadcast (self, seq, text);
    pthread_mutex_unlock (&self->lock);
    json_decref (body);
    free (text);
}

//  ---------------------------------------------------------------------
//  The feed's thread

//  A replay entry's or a published message's body as JSON, or NULL.
static json_t *
s_body_json (const msgpack_object *body)
{
    return body && body->type == MSGPACK_OBJECT_MAP? hs_json_from_object (body): NULL;
}

//  Page the replay from our last seq + 1 to the end, delivering each event
//  (`quiet`: kept, not handed to streams: the cache at start). Returns 0,
//  or -1 if the api stopped answering.
static int
s_catch_up (hs_web_feed_t *self, hs_client_t *client, int64_t from)
{
    int64_t since = from > 0? from: self->last_seq + 1;
    hs_pack_t *args = hs_pack_new ();
    int rc = 0;
    for (int page = 0; page < 1000 && rc == 0; page++) {
        hs_pack_reset (args);
        hs_replay_request_encode (args, (uint64_t) since, PAGE_LIMIT);
        hs_client_reply_t reply;
        rc = hs_client_request (client, "replay", args, &reply) == 0? 0: -1;
        if (rc == 0) {
            const msgpack_object *events = hs_proto_get (reply.body, "events");
            for (uint32_t index = 0; events && events->type == MSGPACK_OBJECT_ARRAY
                                     && index < events->via.array.size; index++) {
                const msgpack_object *entry = &events->via.array.ptr [index];
                int64_t seq = hs_proto_int (entry, "seq", 0);
                char topic [HS_TOPIC_MAX + 1];
                if (seq <= self->last_seq
                ||  hs_proto_strcpy (hs_proto_get (entry, "topic"), topic, sizeof (topic)))
                    continue;
                json_t *body = s_body_json (hs_proto_get (entry, "body"));
                if (body)
                    s_deliver (self, seq, topic, body);
                self->last_seq = seq;
            }
            int64_t next = hs_proto_int (reply.body, "next", 0);
            int64_t last = hs_proto_int (reply.body, "last", 0);
            if (last > self->last_seq && next > last)
                self->last_seq = last;
            hs_client_reply_destroy (&reply);
            if (next <= since || next > last)
                break;
            since = next;
        }
        else
            hs_client_reply_destroy (&reply);
    }
    hs_pack_destroy (&args);
    return rc;
}

//  The state of the beats into the streams: stale after HS_WEB_FEED_MISSED
//  intervals without one, fresh when one comes again.
static void
s_beat_check (hs_web_feed_t *self)
{
    pthread_mutex_lock (&self->lock);
    if (self->beat_seen && !self->stale
    &&  zclock_mono () - self->beat_mono > HS_WEB_FEED_MISSED * self->beat_interval) {
        self->stale = true;
        hs_log_warning ("huishang-web: no heartbeat from the daemon for %lld ms: stale",
                      (long long) (zclock_mono () - self->beat_mono));
        char *text = s_format_state ("stale", json_pack ("{s:I}", "since",
                                     (json_int_t) self->beat_wall));
        s_broadcast (self, 0, text);
        free (text);
    }
    pthread_mutex_unlock (&self->lock);
}

//  A heartbeat: relayed, and the daemon fresh again if it was stale.
//  Returns the seq the daemon will give next.
static int64_t
s_beat (hs_web_feed_t *self, const msgpack_object *body)
{
    pthread_mutex_lock (&self->lock);
    self->beat_seen = true;
    self->beat_at = hs_proto_int (body, "at", 0);
    self->beat_wall = hs_proto_int (body, "wall", 0);
    self->beat_next_seq = hs_proto_int (body, "next_seq", 0);
    int64_t interval = hs_proto_int (body, "interval_ms", 2000);
    self->beat_interval = interval >= 100 && interval <= 3600000? interval: 2000;
    self->beat_mono = zclock_mono ();
    if (self->stale) {
        self->stale = false;
        hs_log_info ("huishang-web: the daemon's heartbeat is back: fresh");
        char *text = s_format_state ("fresh", json_pack ("{s:I}", "at",
                                     (json_int_t) self->beat_wall));
        s_broadcast (self, 0, text);
        free (text);
    }
    char *text = s_format_state ("heartbeat", json_pack ("{s:I, s:I, s:I}",
                                 "at", (json_int_t) self->beat_at,
                                 "next_seq", (json_int_t) self->beat_next_seq,
                                 "wall", (json_int_t) self->beat_wall));
    s_broadcast (self, 0, text);
    free (text);
    int64_t next_seq = self->beat_next_seq;
    pthread_mutex_unlock (&self->lock);
    return next_seq;
}

//  One message from the publish socket. Returns true if a gap was seen
//  (events we have not had): the caller pages the replay.
static bool
s_message (hs_web_feed_t *self, zmsg_t *msg, hs_client_t *client)
{
    char *topic = zmsg_popstr (msg);
    zframe_t *frame = zmsg_first (msg);
    msgpack_unpacked unpacked;
    msgpack_unpacked_init (&unpacked);
    bool gap = false;
    if (topic && frame && !streq (topic, "hs.hello")
    &&  hs_proto_unpack_stored (zframe_data (frame), zframe_size (frame), &unpacked) == 0) {
        const msgpack_object *body = &unpacked.data;
        if (streq (topic, "hs.heartbeat")) {
            int64_t next_seq = s_beat (self, body);
            if (next_seq > 0 && next_seq <= self->last_seq) {
                //  Only a new store numbers below what we had: start again there.
                hs_log_warning ("huishang-web: the daemon's next seq %lld is below our last %lld: "
                              "a new store; following it from there", (long long) next_seq,
                              (long long) self->last_seq);
                self->last_seq = next_seq - 1;
            }
            gap = next_seq > 0 && next_seq - 1 > self->last_seq;
        }
        else {
            int64_t seq = hs_proto_int (body, "seq", 0);
            if (seq > self->last_seq + 1 && self->last_seq > 0)
                s_catch_up (self, client, 0);           //  what came before it first
            if (seq == 0 || seq > self->last_seq) {
                json_t *json = s_body_json (body);
                if (json)
                    s_deliver (self, seq, topic, json);
                if (seq > self->last_seq)
                    self->last_seq = seq;
            }
        }
    }
    msgpack_unpacked_destroy (&unpacked);
    zstr_free (&topic);
    return gap;
}

//  Join the stream (Clone pattern): hello until our token comes back on
//  `sub`. What else arrives meanwhile is kept in `early`. Returns true
//  once joined.
static bool
s_join (hs_client_t *client, zsock_t *sub, zlistx_t *early)
{
    char token [48];
    snprintf (token, sizeof (token), "web-%d-%lld", getpid (), (long long) zclock_time ());
    hs_pack_t *args = hs_pack_new ();
    hs_request_encode (args, "token", token, NULL);
    bool live = false;
    for (int attempt = 0; attempt < JOIN_TRIES && !live && !zsys_interrupted; attempt++) {
        hs_client_reply_t reply;
        int rc = hs_client_request (client, "hello", args, &reply);
        hs_client_reply_destroy (&reply);
        if (rc < 0)
            break;
        int64_t until = zclock_mono () + 100;
        while (!live && zclock_mono () < until) {
            zsock_set_rcvtimeo (sub, (int) (until - zclock_mono ()));
            zmsg_t *msg = zmsg_recv (sub);
            if (!msg)
                break;
            zframe_t *topic = zmsg_first (msg);
            zframe_t *body = zmsg_next (msg);
            if (topic && zframe_streq (topic, "hs.hello")) {
                live = body && memmem (zframe_data (body), zframe_size (body), token,
                                       strlen (token)) != NULL;
                zmsg_destroy (&msg);
            }
            else
                zlistx_add_end (early, msg);
        }
    }
    hs_pack_destroy (&args);
    return live;
}

static void
s_feed_actor (zsock_t *pipe, void *args)
{
    hs_web_feed_t *self = (hs_web_feed_t *) args;
    hs_client_t *client = hs_web_link_client (self->link, 2000);
    const char *prefixes [] = {
        "alert.", "meeting.", "warning.", "escalate.", "brief.", "prompt.", "proposal.",
        "inspection.", "case.", "hs.heartbeat", "hs.hello"
    };
    zsock_t *sub = hs_client_subscribe (client, prefixes, sizeof (prefixes) / sizeof (*prefixes), 0);
    zsock_signal (pipe, 0);
    if (!sub) {
        hs_client_destroy (&client);
        char *command = zstr_recv (pipe);       //  $TERM, when the feed is destroyed
        zstr_free (&command);
        return;
    }
    zlistx_t *early = zlistx_new ();
    bool joined = false;
    int64_t next_join = 0;
    int64_t join_wait = 0;              //  after a failed join: 0.5 s, doubling to 5 s
    zpoller_t *poller = zpoller_new (pipe, sub, NULL);
    while (!zsys_interrupted) {
        if (!joined && zclock_mono () >= next_join) {
            joined = s_join (client, sub, early);
            if (joined) {
                join_wait = 0;
                //  The recent past into the cache, then what came meanwhile.
                hs_client_reply_t reply;
                hs_pack_t *request = hs_pack_new ();
                hs_replay_request_encode (request, 1, 1);
                int64_t last = hs_client_request (client, "replay", request, &reply) == 0?
                               hs_proto_int (reply.body, "last", 0): 0;
                hs_client_reply_destroy (&reply);
                hs_pack_destroy (&request);
                if (self->last_seq == 0)
                    s_catch_up (self, client, last > REPLAY_RECENT? last - REPLAY_RECENT: 1);
                else
                    s_catch_up (self, client, 0);
                hs_log_info ("huishang-web: joined the daemon's stream at seq %lld",
                           (long long) self->last_seq);
            }
            else {
                join_wait = join_wait? join_wait * 2: 500;
                if (join_wait > 5000)
                    join_wait = 5000;
                hs_log_warning ("huishang-web: could not join the daemon's stream at %s; "
                                "trying again in %.1f s", hs_client_publish_endpoint (client),
                                join_wait / 1000.0);
            }
            bool gap = false;
            for (zmsg_t *msg = (zmsg_t *) zlistx_first (early); msg;
                 msg = (zmsg_t *) zlistx_next (early))
                gap |= s_message (self, msg, client);
            while (zlistx_size (early)) {
                zmsg_t *msg = (zmsg_t *) zlistx_detach (early, NULL);
                zmsg_destroy (&msg);
            }
            if (gap && joined)
                s_catch_up (self, client, 0);
            next_join = zclock_mono () + join_wait;
        }
        void *which = zpoller_wait (poller, 250);
        if (which == pipe)
            break;
        if (which == sub) {
            zsock_set_rcvtimeo (sub, 0);
            for (int count = 0; count < 1000; count++) {
                zmsg_t *msg = zmsg_recv (sub);
                if (!msg)
                    break;
                bool gap = s_message (self, msg, client);
                zmsg_destroy (&msg);
                if (gap && joined)
                    s_catch_up (self, client, 0);
            }
        }
        s_beat_check (self);
    }
    zpoller_destroy (&poller);
    zlistx_destroy (&early);
    zsock_destroy (&sub);
    hs_client_destroy (&client);
}

//  ---------------------------------------------------------------------
//  The streams (on MHD's threads)

static void
s_stream_free (void *cls)
{
    s_stream_t *stream = (s_stream_t *) cls;
    hs_web_feed_t *self = stream->feed;
    pthread_mutex_lock (&self->lock);
    void *handle = zlistx_find (self->streams, stream);
    if (handle)
        zlistx_detach (self->streams, handle);
    pthread_mutex_unlock (&self->lock);
    zlistx_destroy (&stream->queue);
    pthread_cond_destroy (&stream->wake);
    hs_client_destroy (&stream->replayer);
    free (stream->out);
    free (stream);
}

//  Append `text` to what the stream sends next.
static void
s_stream_add (s_stream_t *stream, const char *text)
{
    size_t length = strlen (text);
    stream->out = (char *) realloc (stream->out, stream->out_size + length + 1);
    memcpy (stream->out + stream->out_size, text, length + 1);
    stream->out_size += length;
}

//  One page of the replay into the stream's text. Returns 0, or -1 if the
//  api did not answer (the stream ends; its browser comes back).
static int
s_stream_replay (s_stream_t *stream)
{
    if (!stream->replayer)
        stream->replayer = hs_web_link_client (stream->feed->link, 3000);
    hs_pack_t *args = hs_pack_new ();
    hs_replay_request_encode (args, (uint64_t) stream->since, PAGE_LIMIT);
    hs_client_reply_t reply;
    int rc = hs_client_request (stream->replayer, "replay", args, &reply) == 0? 0: -1;
    hs_pack_destroy (&args);
    if (rc == 0) {
        const msgpack_object *events = hs_proto_get (reply.body, "events");
        for (uint32_t index = 0; events && events->type == MSGPACK_OBJECT_ARRAY
                                 && index < events->via.array.size; index++) {
            const msgpack_object *entry = &events->via.array.ptr [index];
            int64_t seq = hs_proto_int (entry, "seq", 0);
            char topic [HS_TOPIC_MAX + 1];
            if (seq <= stream->last_sent
            ||  hs_proto_strcpy (hs_proto_get (entry, "topic"), topic, sizeof (topic)))
                continue;
            json_t *body = s_body_json (hs_proto_get (entry, "body"));
            char *text = hs_web_feed_format (seq, topic, body);
            s_stream_add (stream, text);
            free (text);
            json_decref (body);
            stream->last_sent = seq;
        }
        int64_t next = hs_proto_int (reply.body, "next", 0);
        int64_t last = hs_proto_int (reply.body, "last", 0);
        if (next <= stream->since || next > last) {
            stream->replaying = false;
            if (last > stream->last_sent)
                stream->last_sent = last;       //  the live queue gives what follows
        }
        stream->since = next;
    }
    hs_client_reply_destroy (&reply);
    if (!stream->replaying)
        hs_client_destroy (&stream->replayer);
    return rc;
}

//  Wait (in steps of 1 s, so closing is seen) for queued events, up to the
//  keepalive; take them into the stream's text. Under the lock.
static void
s_stream_wait (s_stream_t *stream)
{
    hs_web_feed_t *self = stream->feed;
    int64_t until = zclock_mono () + HS_WEB_FEED_KEEPALIVE;
    while (!zlistx_size (stream->queue) && !stream->dropped && !self->closing
       &&  zclock_mono () < until) {
        struct timespec when;
        clock_gettime (CLOCK_REALTIME, &when);
        when.tv_sec += 1;
        pthread_cond_timedwait (&stream->wake, &self->lock, &when);
    }
    s_item_t *item;
    while (stream->out_size < STREAM_CHUNK
       &&  (item = (s_item_t *) zlistx_detach (stream->queue, NULL))) {
        if (item->seq == 0 || item->seq > stream->last_sent) {
            s_stream_add (stream, item->text);
            if (item->seq > 0)
                stream->last_sent = item->seq;
        }
        s_item_destroy ((void **) &item);
    }
}

static ssize_t
s_stream_read (void *cls, uint64_t pos, char *buffer, size_t max)
{
    (void) pos;
    s_stream_t *stream = (s_stream_t *) cls;
    hs_web_feed_t *self = stream->feed;
    while (stream->out_pos >= stream->out_size) {
        free (stream->out);
        stream->out = NULL;
        stream->out_size = stream->out_pos = 0;
        pthread_mutex_lock (&self->lock);
        bool closing = self->closing, dropped = stream->dropped;
        pthread_mutex_unlock (&self->lock);
        if (closing)
            return MHD_CONTENT_READER_END_OF_STREAM;
        if (dropped)
            return MHD_CONTENT_READER_END_WITH_ERROR;
        if (stream->replaying) {
            if (s_stream_replay (stream))
                return MHD_CONTENT_READER_END_WITH_ERROR;
            continue;
        }
        pthread_mutex_lock (&self->lock);
        s_stream_wait (stream);
        closing = self->closing;
        pthread_mutex_unlock (&self->lock);
        if (!stream->out_size && !closing)
            s_stream_add (stream, ": keepalive\n\n");
    }
    size_t size = stream->out_size - stream->out_pos;
    if (size > max)
        size = max;
    memcpy (buffer, stream->out + stream->out_pos, size);
    stream->out_pos += size;
    return (ssize_t) size;
}

struct MHD_Response *
hs_web_feed_stream (hs_web_feed_t *self, int64_t since)
{
    pthread_mutex_lock (&self->lock);
    size_t open = zlistx_size (self->streams);
    pthread_mutex_unlock (&self->lock);
    if (open >= HS_WEB_FEED_STREAMS)
        return NULL;
    s_stream_t *stream = (s_stream_t *) zmalloc (sizeof (s_stream_t));
    stream->feed = self;
    stream->queue = zlistx_new ();
    zlistx_set_destructor (stream->queue, s_item_destroy);
    pthread_cond_init (&stream->wake, NULL);
    stream->replaying = since >= 0;
    stream->since = since + 1;
    stream->last_sent = since >= 0? since: 0;
    s_stream_add (stream, "retry: 2000\n: hello\n\n");
    struct MHD_Response *response = MHD_create_response_from_callback (
        MHD_SIZE_UNKNOWN, 4096, s_stream_read, stream, s_stream_free);
    if (!response) {
        s_stream_free (stream);
        return NULL;
    }
    pthread_mutex_lock (&self->lock);
    //  Counted again under the lock: two may have raced for the last place.
    bool room = zlistx_size (self->streams) < HS_WEB_FEED_STREAMS;
    if (room) {
        zlistx_add_end (self->streams, stream);
        //  Live only: from the newest seq we hold (the queue gives the rest).
        if (since < 0)
            stream->last_sent = self->last_seq;
        if (self->stale) {
            char *text = s_format_state ("stale", json_pack ("{s:I}", "since",
                                         (json_int_t) self->beat_wall));
            s_stream_add (stream, text);
            free (text);
        }
    }
    pthread_mutex_unlock (&self->lock);
    if (!room) {
        MHD_destroy_response (response);        //  frees the stream
        return NULL;
    }
    return response;
}

size_t
hs_web_feed_streams (hs_web_feed_t *self)
{
    pthread_mutex_lock (&self->lock);
    size_t open = zlistx_size (self->streams);
    pthread_mutex_unlock (&self->lock);
    return open;
}

//  ---------------------------------------------------------------------
//  What the views read

json_t *
hs_web_feed_alerts (hs_web_feed_t *self, size_t limit)
{
    static const char *keys [] = {
        "level", "kind", "case", "street", "category", "enterprise", "workers", "at",
        "person", "unit", NULL
    };
    json_t *rows = json_array ();
    pthread_mutex_lock (&self->lock);
    for (size_t back = 0; back < self->ring_count && json_array_size (rows) < limit; back++) {
        s_event_t *event = &self->ring [(self->ring_head + self->ring_count - 1 - back)
                                        % HS_WEB_FEED_KEPT];
        if (strncmp (event->topic, "alert.", 6))
            continue;
        json_t *row = json_pack ("{s:I, s:s}", "seq", (json_int_t) event->seq,
                                 "topic", event->topic);
        for (size_t index = 0; keys [index]; index++) {
            json_t *value = json_object_get (event->body, keys [index]);
            if (value)
                json_object_set_new (row, keys [index], json_deep_copy (value));
        }
        json_array_append_new (rows, row);
    }
    pthread_mutex_unlock (&self->lock);
    return rows;
}

json_t *
hs_web_feed_brief (hs_web_feed_t *self, const char *period)
{
    pthread_mutex_lock (&self->lock);
    json_t *brief = streq (period, "daily")? self->brief_daily:
                    streq (period, "weekly")? self->brief_weekly: NULL;
    brief = brief? json_deep_copy (brief): NULL;
    pthread_mutex_unlock (&self->lock);
    return brief;
}

json_t *
hs_web_feed_beat (hs_web_feed_t *self)
{
    pthread_mutex_lock (&self->lock);
    json_t *beat = json_pack ("{s:b, s:b, s:I, s:I, s:I, s:I, s:I}",
                              "seen", self->beat_seen, "stale", self->stale,
                              "at", (json_int_t) self->beat_at,
                              "wall", (json_int_t) self->beat_wall,
                              "next_seq", (json_int_t) self->beat_next_seq,
                              "interval_ms", (json_int_t) (self->beat_interval? self->beat_interval: 2000),
                              "last_seq", (json_int_t) self->last_seq);
    pthread_mutex_unlock (&self->lock);
    return beat;
}

//  ---------------------------------------------------------------------
//  Life

hs_web_feed_t *
hs_web_feed_new (hs_web_link_t *link)
{
    hs_web_feed_t *self = (hs_web_feed_t *) zmalloc (sizeof (hs_web_feed_t));
    self->link = link;
    pthread_mutex_init (&self->lock, NULL);
    self->streams = zlistx_new ();
    self->beat_interval = 2000;
    self->actor = zactor_new (s_feed_actor, self);
    return self;
}

void
hs_web_feed_close_streams (hs_web_feed_t *self)
{
    pthread_mutex_lock (&self->lock);
    self->closing = true;
    for (s_stream_t *stream = (s_stream_t *) zlistx_first (self->streams); stream;
         stream = (s_stream_t *) zlistx_next (self->streams))
        pthread_cond_signal (&stream->wake);
    pthread_mutex_unlock (&self->lock);
}

void
hs_web_feed_destroy (hs_web_feed_t **self_p)
{
    if (*self_p) {
        hs_web_feed_t *self = *self_p;
        zactor_destroy (&self->actor);
        for (size_t index = 0; index < self->ring_count; index++) {
            s_event_t *event = &self->ring [(self->ring_head + index) % HS_WEB_FEED_KEPT];
            free (event->topic);
            json_decref (event->body);
        }
        json_decref (self->brief_daily);
        json_decref (self->brief_weekly);
        zlistx_destroy (&self->streams);
        pthread_mutex_destroy (&self->lock);
        free (self);
        *self_p = NULL;
    }
}

void
hs_web_feed_test (bool verbose)
{
    if (verbose)
        printf (" * hs_web_feed: ");
    json_t *body = json_pack ("{s:s, s:I}", "kind", "new", "seq", (json_int_t) 7);
    char *text = hs_web_feed_format (7, "alert.major.street.caoyang", body);
    assert (strncmp (text, "id: 7\nevent: alert\ndata: {", 26) == 0);
    assert (strstr (text, "\"topic\":\"alert.major.street.caoyang\""));
    assert (strcmp (text + strlen (text) - 2, "\n\n") == 0);
    free (text);
    text = hs_web_feed_format (8, "brief.daily", body);
    assert (strstr (text, "event: brief\n"));
    free (text);
    text = hs_web_feed_format (9, "rules.x", body);
    assert (strstr (text, "event: message\n"));
    free (text);
    json_decref (body);
    text = s_format_state ("stale", json_pack ("{s:I}", "since", (json_int_t) 5));
    assert (streq (text, "event: stale\ndata: {\"since\":5}\n\n"));
    free (text);
    if (verbose)
        printf ("OK\n");
}
