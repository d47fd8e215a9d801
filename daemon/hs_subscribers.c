/*  =========================================================================
    hs_subscribers - who is connected to the publish socket, and what they
    may subscribe to

    Why a connection is told apart by its metadata, not its descriptor:
    libzmq's XPUB moves everything a connection has sent into its own
    queue of notices whenever our thread enters libzmq, and we read that
    queue later, in order. So notices of a connection that is already
    closed are still read after the monitor said so, and its descriptor
    number may by then be a new connection's: counting by number blamed
    the new connection for the old one's notices (and the old one's for
    the new), and a flood reconnecting on the same number was never cut
    (issue 12, the flaky flood bound). Every notice carries its
    connection's metadata (one object per connection, made at the
    handshake); the address of its `__fd` property names the connection.
    We keep one notice of each connection (s_peer_t.pin), so the object
    stays alive and no later connection can get its address while we
    know it.

    libzmq queues a connection's notices before any notice of a
    connection it accepts later on the same descriptor (one I/O thread,
    one command queue), so a new name on a descriptor means the old
    connection there is done. A connection the monitor reported gone is
    kept a while (GONE_KEEP) to recognise its late notices: they are
    never counted against anyone.

    Why the descriptor is checked again before it is shut down: the
    monitor's events arrive late, so the connection may have been closed
    by libzmq and the number reused. The monitor is read just before, and
    the descriptor must still show the local and remote address (and, on
    ipc, the peer's process) read when we first heard of it, and be a
    socket.
    =========================================================================
*/

#include "hs_subscribers.h"
#include "hs_log.h"
#include "../protocol/hs_proto.h"
#include <sys/socket.h>
#include <sys/stat.h>

#define LOG_EVERY 10000         //  ms between two log lines about refusals
#define GONE_KEEP 5000          //  ms a closed connection is known, for its late notices
#define REFUSED_MAX 8           //  subscriptions to nothing we publish one connection may hold

//  The topics the daemon publishes that name no unit (PROTOCOL.md §4).
static const char *s_fixed_topics [] = {
    "meeting.request", "meeting.reminder", "meeting.closed", "meeting.minutes",
    "meeting.action", "prompt.issued", "prompt.signed", "prompt.notice",
    "proposal.circulated", "proposal.opinion", "proposal.notice", "proposal.upward",
    "proposal.closed",
    "case.filed",
    "inspection.plan", "inspection.approved", "inspection.returned", "inspection.result",
    "inspection.notice", "inspection.rectified", "inspection.complete",
    "inspection.reminder",
    "escalate.district", "escalate.city",
    "warning.enterprise", "warning.street", "warning.prompt", "warning.quorum",
    "warning.feed", "warning.store", "brief.daily", "brief.weekly", "brief.district",
    "hs.hello", "hs.heartbeat", "rules.reload", NULL
};

typedef struct {
    const void *tag;            //  its metadata's `__fd` value: names the connection
    zmq_msg_t pin;              //  one of its notices: keeps that metadata (and name) alive
    int fd;                     //  libzmq's descriptor for the connection
    struct sockaddr_storage local;  //  its addresses when first heard of ...
    struct sockaddr_storage remote;
    pid_t pid;                  //  ... and, on ipc, the peer's process
    bool gone;                  //  closed: its late notices are dropped
    int64_t gone_at;            //  zclock_mono () when it was found closed
    bool cut;                   //  we shut it down; libzmq has not closed it yet
    int held;                   //  subscriptions libzmq holds for it
    int admitted;               //  of which are prefixes of ours
    int refused;                //  of which are not
    char *key;                  //  its CURVE key (User-Id), or NULL
    int key_allowed;            //  1: allowed (at its handshake, or when last asked); 0: not
} s_peer_t;

struct _hs_subscribers_t {
    zsock_t *publish;           //  the XPUB, borrowed
    zsock_t *monitor;           //  PAIR: the publish socket's monitor events
    zhashx_t *peers;            //  "tag" -> s_peer_t, open and recently closed
    zhashx_t *open;             //  "fd" -> its s_peer_t, or &s_unnamed: open per the monitor
    int64_t swept_at;           //  zclock_mono () of the last sweep of closed peers
    char **topics;              //  what we publish, sorted
    size_t topic_count;
    int64_t per_connection;     //  subscriptions one connection may send
    int64_t total;              //  ... all of them together
    int64_t max;                //  connections that may hold subscriptions
    size_t subscribers;         //  connections that hold one now
    int64_t held;               //  subscriptions libzmq holds, all connections
    int64_t active;             //  subscriptions admitted (prefixes of ours)
    uint64_t refused;           //  not a prefix of a topic of ours
    uint64_t cut;               //  connections cut off
    uint64_t refused_logged, cut_logged;    //  the counts when last logged
    int64_t logged_at;          //  zclock_mono () of the last such line
};

static s_peer_t s_unnamed;      //  in `open`: a connection we have no notice of yet

static void s_read_monitor (hs_subscribers_t *self);

static void
s_peer_free (void **item)
{
    s_peer_t *peer = (s_peer_t *) *item;
    if (peer) {
        zmq_msg_close (&peer->pin);
        free (peer->key);
        free (peer);
        *item = NULL;
    }
}

//  What the descriptor shows now: addresses and, on ipc, the peer.
static void
s_identify (int fd, struct sockaddr_storage *local, struct sockaddr_storage *remote, pid_t *pid)
{
    memset (local, 0, sizeof (*local));
    memset (remote, 0, sizeof (*remote));
    *pid = 0;
    socklen_t size = sizeof (*local);
    getsockname (fd, (struct sockaddr *) local, &size);
    size = sizeof (*remote);
    getpeername (fd, (struct sockaddr *) remote, &size);
#ifdef SO_PEERCRED
    struct ucred cred;
    socklen_t cred_size = sizeof (cred);
    if (local->ss_family == AF_UNIX && getsockopt (fd, SOL_SOCKET, SO_PEERCRED, &cred, &cred_size) == 0)
        *pid = cred.pid;
#endif
}

//  The connection is closed (or its descriptor is someone else's now):
//  what it held is let go; it stays known a while, for its late notices.
static void
s_forget (hs_subscribers_t *self, s_peer_t *peer)
{
    if (peer->gone)
        return;
    self->held -= peer->held;
    self->active -= peer->admitted;
    self->subscribers -= peer->admitted > 0;
    peer->held = peer->admitted = peer->refused = 0;
    peer->gone = true;
    peer->gone_at = zclock_mono ();
    char name [16];
    snprintf (name, sizeof (name), "%d", peer->fd);
    if (zhashx_lookup (self->open, name) == peer)
        zhashx_update (self->open, name, &s_unnamed);
}

//  The connection a notice came from, by its metadata's name.
static s_peer_t *
s_peer (hs_subscribers_t *self, zmq_msg_t *notice, const void *tag, int fd)
{
    char name [32];
    snprintf (name, sizeof (name), "%p", tag);
    s_peer_t *peer = (s_peer_t *) zhashx_lookup (self->peers, name);
    if (peer)
        return peer;
    //  Its acceptance was reported before its first notice was queued.
    s_read_monitor (self);
    peer = (s_peer_t *) zmalloc (sizeof (s_peer_t));
    peer->tag = tag;
    peer->fd = fd;
    peer->key_allowed = -1;
    zmq_msg_init (&peer->pin);
    zmq_msg_copy (&peer->pin, notice);
    s_identify (fd, &peer->local, &peer->remote, &peer->pid);
    zhashx_insert (self->peers, name, peer);
    char number [16];
    snprintf (number, sizeof (number), "%d", fd);
    s_peer_t *bound = (s_peer_t *) zhashx_lookup (self->open, number);
    if (!bound) {
        //  Reported closed already: these are late notices.
        peer->gone = true;
        peer->gone_at = zclock_mono ();
    }
    else {
        //  A new name on the descriptor: the one before is done.
        if (bound != &s_unnamed)
            s_forget (self, bound);
        zhashx_update (self->open, number, peer);
    }
    return peer;
}

//  Shut the connection down, if its descriptor is still the one we knew.
static void
s_cut (hs_subscribers_t *self, s_peer_t *peer, const char *why)
{
    s_read_monitor (self);
    if (peer->cut || peer->gone)
        return;
    struct sockaddr_storage local, remote;
    pid_t pid;
    struct stat info;
    s_identify (peer->fd, &local, &remote, &pid);
    if (fstat (peer->fd, &info) || !S_ISSOCK (info.st_mode)
    ||  memcmp (&local, &peer->local, sizeof (local)) || memcmp (&remote, &peer->remote, sizeof (remote))
    ||  pid != peer->pid) {
        s_forget (self, peer);
        return;
    }
    shutdown (peer->fd, SHUT_RDWR);
    peer->cut = true;
    self->cut++;
    if (self->cut_logged == 0 || zclock_mono () - self->logged_at >= LOG_EVERY) {
        hs_log_warning ("hs_subscribers: a subscriber was cut off (%s); %llu so far",
                        why, (unsigned long long) self->cut);
        self->cut_logged = self->cut;
        self->logged_at = zclock_mono ();
    }
}

//  All of them together hold more than subscribers/total: the connection
//  holding the most refused subscriptions goes (junk cannot lock real
//  dashboards out); if none holds any, the one that sent the last.
static void
s_cut_worst (hs_subscribers_t *self, s_peer_t *sender)
{
    s_peer_t *worst = NULL;
    for (s_peer_t *peer = (s_peer_t *) zhashx_first (self->peers); peer;
         peer = (s_peer_t *) zhashx_next (self->peers))
        if (!peer->gone && !peer->cut && peer->refused > 0
        &&  (!worst || peer->refused > worst->refused))
            worst = peer;
    if (!worst)
        worst = sender;
    if (worst)
        s_cut (self, worst, "subscriptions over subscribers/total");
}

//  Closed connections known longer than GONE_KEEP are let go.
static void
s_sweep (hs_subscribers_t *self)
{
    int64_t now = zclock_mono ();
    if (now - self->swept_at < 1000)
        return;
    self->swept_at = now;
    zlistx_t *names = zlistx_new ();
    zlistx_set_destructor (names, (czmq_destructor *) zstr_free);
    for (s_peer_t *peer = (s_peer_t *) zhashx_first (self->peers); peer;
         peer = (s_peer_t *) zhashx_next (self->peers))
        if (peer->gone && now - peer->gone_at > GONE_KEEP)
            zlistx_add_end (names, strdup ((const char *) zhashx_cursor (self->peers)));
    for (char *name = (char *) zlistx_first (names); name; name = (char *) zlistx_next (names))
        zhashx_delete (self->peers, name);
    zlistx_destroy (&names);
}

static int
s_compare (const void *left, const void *right)
{
    return strcmp (*(char * const *) left, *(char * const *) right);
}

static void
s_topics_free (hs_subscribers_t *self)
{
    for (size_t index = 0; index < self->topic_count; index++)
        free (self->topics [index]);
    free (self->topics);
    self->topics = NULL;
    self->topic_count = 0;
}

void
hs_subscribers_set_config (hs_subscribers_t *self, hs_config_t *config)
{
    s_topics_free (self);
    size_t streets = 0, levels = 0;
    for (size_t index = 0; config->units && index < hs_units_size (config->units); index++)
        streets += hs_units_at (config->units, index)->kind == HS_UNIT_STREET;
    while (hs_level_name ((int) levels))
        levels++;
    size_t fixed = sizeof (s_fixed_topics) / sizeof (s_fixed_topics [0]) - 1;
    self->topics = (char **) zmalloc ((fixed + streets * levels + 1) * sizeof (char *));
    for (size_t index = 0; index < fixed; index++)
        self->topics [self->topic_count++] = strdup (s_fixed_topics [index]);
    for (size_t index = 0; config->units && index < hs_units_size (config->units); index++) {
        const hs_unit_t *unit = hs_units_at (config->units, index);
        if (unit->kind != HS_UNIT_STREET)
            continue;
        for (int level = 0; level < (int) levels; level++)
            self->topics [self->topic_count++] = zsys_sprintf ("alert.%s.%s", hs_level_name (level),
                                                               hs_proto_street_short (unit->code));
    }
    qsort (self->topics, self->topic_count, sizeof (char *), s_compare);
    self->per_connection = config->subscriptions_per_connection;
    self->total = config->subscriptions_total;
    self->max = config->subscribers_max;
}

hs_subscribers_t *
hs_subscribers_new (zsock_t *publish, hs_config_t *config)
{
    hs_subscribers_t *self = (hs_subscribers_t *) zmalloc (sizeof (hs_subscribers_t));
    self->publish = publish;
    self->peers = zhashx_new ();
    zhashx_set_destructor (self->peers, s_peer_free);
    self->open = zhashx_new ();
    //  Every subscribe and unsubscribe is passed up to us; libzmq applies
    //  them itself (see the header: why not manual mode).
    zsock_set_xpub_verboser (publish, 1);
    //  The monitor's PAIR: no bound on what it queues for us, since a full
    //  one would block libzmq's I/O thread; we read it every turn.
    char *endpoint = zsys_sprintf ("inproc://hs-subscribers-%p", (void *) self);
    int rc = zmq_socket_monitor (zsock_resolve (publish), endpoint,
                                 ZMQ_EVENT_ACCEPTED | ZMQ_EVENT_DISCONNECTED);
    assert (rc == 0);
    self->monitor = zsock_new (ZMQ_PAIR);
    assert (self->monitor);
    zsock_set_rcvhwm (self->monitor, 0);
    rc = zsock_connect (self->monitor, "%s", endpoint);
    assert (rc == 0);
    zstr_free (&endpoint);
    hs_subscribers_set_config (self, config);
    return self;
}

void
hs_subscribers_destroy (hs_subscribers_t **self_p)
{
    assert (self_p);
    if (*self_p) {
        hs_subscribers_t *self = *self_p;
        zmq_socket_monitor (zsock_resolve (self->publish), NULL, 0);
        zsock_destroy (&self->monitor);
        zhashx_destroy (&self->open);
        zhashx_destroy (&self->peers);
        s_topics_free (self);
        free (self);
        *self_p = NULL;
    }
}

bool
hs_subscribers_admits (hs_subscribers_t *self, const void *prefix, size_t size)
{
    if (size == 0)
        return true;
    //  The first topic not below the prefix is the one it could begin.
    size_t low = 0, high = self->topic_count;
    while (low < high) {
        size_t middle = (low + high) / 2;
        const char *topic = self->topics [middle];
        size_t length = strlen (topic);
        int order = memcmp (topic, prefix, length < size? length: size);
        if (order < 0 || (order == 0 && length < size))
            low = middle + 1;
        else
            high = middle;
    }
    return low < self->topic_count && strlen (self->topics [low]) >= size
        && memcmp (self->topics [low], prefix, size) == 0;
}

static void
s_read_monitor (hs_subscribers_t *self)
{
    void *handle = zsock_resolve (self->monitor);
    for (int count = 0; count < 10000; count++) {
        zmq_msg_t event, address;
        zmq_msg_init (&event);
        if (zmq_msg_recv (&event, handle, ZMQ_DONTWAIT) == -1) {
            zmq_msg_close (&event);
            break;
        }
        zmq_msg_init (&address);
        zmq_msg_recv (&address, handle, 0);         //  always follows
        if (zmq_msg_size (&event) == 6) {
            uint16_t kind;
            uint32_t value;
            memcpy (&kind, zmq_msg_data (&event), 2);
            memcpy (&value, (uint8_t *) zmq_msg_data (&event) + 2, 4);
            char name [16];
            snprintf (name, sizeof (name), "%d", (int) value);
            s_peer_t *bound = (s_peer_t *) zhashx_lookup (self->open, name);
            //  Accepted while open: the one before is gone unreported.
            if (bound && bound != &s_unnamed)
                s_forget (self, bound);
            if (kind == ZMQ_EVENT_ACCEPTED)
                zhashx_update (self->open, name, &s_unnamed);
            else
            if (kind == ZMQ_EVENT_DISCONNECTED)
                zhashx_delete (self->open, name);
        }
        zmq_msg_close (&event);
        zmq_msg_close (&address);
    }
}

static void
s_notice (hs_subscribers_t *self, zmq_msg_t *notice)
{
    size_t size = zmq_msg_size (notice);
    if (size == 0)
        return;
    const uint8_t *data = (const uint8_t *) zmq_msg_data (notice);
    int fd = zmq_msg_get (notice, ZMQ_SRCFD);
    if (data [0] == 0 && fd < 0)
        return;         //  libzmq's echo of a closed connection's table
    const char *tag = fd >= 0? zmq_msg_gets (notice, "__fd"): NULL;
    s_peer_t *peer = tag? s_peer (self, notice, tag, fd): NULL;
    if (peer && (peer->cut || peer->gone))
        return;         //  on its way out, or out
    if (peer && !peer->key) {
        const char *key = zmq_msg_gets (notice, "User-Id");
        if (key && *key) {
            peer->key = strdup (key);
            peer->key_allowed = 1;      //  ZAP let it in: it was allowed then
        }
    }
    bool ours = hs_subscribers_admits (self, data + 1, size - 1);
    if (data [0] == 1) {
        if (peer)
            peer->held++;
        self->held++;
        if (peer && peer->held > self->per_connection) {
            s_cut (self, peer, "more subscriptions than subscribers/per_connection");
            return;
        }
        if (!ours) {
            self->refused++;
            if (peer)
                peer->refused++;
            if (zclock_mono () - self->logged_at >= LOG_EVERY) {
                hs_log_warning ("hs_subscribers: refused a subscription to '%.*s', not a prefix "
                                "of a topic we publish; %llu refused so far", (int) (size - 1 > 64? 64: size - 1),
                                (const char *) data + 1, (unsigned long long) self->refused);
                self->logged_at = zclock_mono ();
            }
            //  A few mistakes are a dashboard's; more are a flood.
            if (peer && peer->refused > REFUSED_MAX)
                s_cut (self, peer, "subscriptions to topics we do not publish");
            else
            if (self->held > self->total)
                s_cut_worst (self, peer);
            return;
        }
        if (peer && peer->admitted == 0 && (int64_t) self->subscribers >= self->max) {
            s_cut (self, peer, "more subscribers than subscribers/max");
            return;
        }
        if (peer) {
            self->subscribers += peer->admitted == 0;
            peer->admitted++;
        }
        self->active++;
        if (self->held > self->total)
            s_cut_worst (self, peer);
    }
    else {
        if (peer && peer->held > 0)
            peer->held--;
        if (self->held > 0)
            self->held--;
        if (ours && (!peer || peer->admitted > 0)) {
            if (peer && --peer->admitted == 0)
                self->subscribers--;
            if (self->active > 0)
                self->active--;
        }
        else
        if (!ours && peer && peer->refused > 0)
            peer->refused--;
    }
}

void
hs_subscribers_read (hs_subscribers_t *self)
{
    s_read_monitor (self);
    s_sweep (self);
    void *handle = zsock_resolve (self->publish);
    for (int count = 0; count < 1000; count++) {
        zmq_msg_t notice;
        zmq_msg_init (&notice);
        if (zmq_msg_recv (&notice, handle, ZMQ_DONTWAIT) == -1) {
            zmq_msg_close (&notice);
            break;
        }
        s_notice (self, &notice);
        zmq_msg_close (&notice);
    }
}

void
hs_subscribers_revoke (hs_subscribers_t *self, hs_subscribers_allowed_fn *allowed, void *arg)
{
    s_read_monitor (self);
    zlistx_t *revoked = zlistx_new ();
    for (s_peer_t *peer = (s_peer_t *) zhashx_first (self->peers); peer;
         peer = (s_peer_t *) zhashx_next (self->peers)) {
        if (!peer->key || peer->cut || peer->gone)
            continue;
        bool now = allowed (arg, peer->key);
        if (peer->key_allowed == 1 && !now)
            zlistx_add_end (revoked, peer);
        peer->key_allowed = now;
    }
    //  Cut after the walk: a cut may forget the peer.
    for (s_peer_t *peer = (s_peer_t *) zlistx_first (revoked); peer;
         peer = (s_peer_t *) zlistx_next (revoked))
        s_cut (self, peer, "its certificate was removed");
    zlistx_destroy (&revoked);
}

int64_t hs_subscribers_active (hs_subscribers_t *self) { return self->active; }
uint64_t hs_subscribers_refused (hs_subscribers_t *self) { return self->refused; }
uint64_t hs_subscribers_cut (hs_subscribers_t *self) { return self->cut; }
size_t hs_subscribers_connections (hs_subscribers_t *self) { return zhashx_size (self->open); }
size_t hs_subscribers_subscribed (hs_subscribers_t *self) { return self->subscribers; }

//  ---------------------------------------------------------------------
//  Self test

static bool
s_test_allowed (void *arg, const char *key)
{
    return *(bool *) arg && key != NULL;
}

void
hs_subscribers_test (bool verbose)
{
    if (verbose)
        printf (" * hs_subscribers: ");
    char error [256];
    hs_config_t *config = hs_config_load (NULL, error, sizeof (error));
    assert (config);
    config->subscriptions_per_connection = 4;
    config->subscribers_max = 1;
    zsock_t *publish = zsock_new (ZMQ_XPUB);
    zsock_set_rcvtimeo (publish, 0);
    hs_subscribers_t *self = hs_subscribers_new (publish, config);
    assert (hs_subscribers_admits (self, "", 0));
    assert (hs_subscribers_admits (self, "alert.", 6));
    assert (hs_subscribers_admits (self, "alert.major.caoyang", 19));
    assert (!hs_subscribers_admits (self, "alert.major.caoyangx", 20));
    assert (hs_subscribers_admits (self, "prompt.", 7));
    assert (hs_subscribers_admits (self, "prompt.notice", 13));
    assert (hs_subscribers_admits (self, "proposal.", 9));
    assert (hs_subscribers_admits (self, "proposal.upward", 15));
    assert (hs_subscribers_admits (self, "inspection.", 11));
    assert (hs_subscribers_admits (self, "inspection.notice", 17));
    assert (hs_subscribers_admits (self, "meeting.minutes", 15));
    assert (hs_subscribers_admits (self, "warning.st", 10));
    assert (hs_subscribers_admits (self, "hs.hello", 8));
    assert (hs_subscribers_admits (self, "hs.heartbeat", 12));
    assert (hs_subscribers_admits (self, "hs.", 3));
    assert (!hs_subscribers_admits (self, "nope", 4));
    assert (!hs_subscribers_admits (self, "report.", 7));
    char *endpoint = zsys_sprintf ("ipc:///tmp/hs_subscribers_test.%d", getpid ());
    assert (zsock_bind (publish, "%s", endpoint) == 0);

    //  A dashboard: one subscription of ours, one not.
    zsock_t *dashboard = zsock_new (ZMQ_SUB);
    zsock_set_subscribe (dashboard, "alert.");
    zsock_set_subscribe (dashboard, "nope.");
    zsock_set_rcvtimeo (dashboard, 2000);
    assert (zsock_connect (dashboard, "%s", endpoint) == 0);
    for (int wait = 0; wait < 200 && hs_subscribers_active (self) + (int64_t) hs_subscribers_refused (self) < 2; wait++) {
        zclock_sleep (10);
        hs_subscribers_read (self);
    }
    assert (hs_subscribers_active (self) == 1);
    assert (hs_subscribers_refused (self) == 1);
    assert (hs_subscribers_connections (self) == 1);
    //  (The refused one matches nothing the daemon publishes.)
    zstr_sendx (publish, "alert.major.caoyang", "body", NULL);
    char *topic = NULL, *body = NULL;
    assert (zstr_recvx (dashboard, &topic, &body, NULL) == 2);
    assert (streq (topic, "alert.major.caoyang"));
    zstr_free (&topic);
    zstr_free (&body);

    //  A peer that sends more than it may is cut off; the dashboard stays.
    zsock_t *greedy = zsock_new (ZMQ_XSUB);
    assert (zsock_connect (greedy, "%s", endpoint) == 0);
    for (int index = 0; index < 10; index++) {
        char subscription [32];
        int size = snprintf (subscription, sizeof (subscription), "%calert.x%d", 1, index);
        zmq_send (zsock_resolve (greedy), subscription, (size_t) size, 0);
    }
    for (int wait = 0; wait < 200 && hs_subscribers_cut (self) == 0; wait++) {
        zclock_sleep (10);
        hs_subscribers_read (self);
    }
    assert (hs_subscribers_cut (self) == 1);
    for (int wait = 0; wait < 200 && hs_subscribers_connections (self) > 1; wait++) {
        zclock_sleep (10);
        hs_subscribers_read (self);
    }
    assert (hs_subscribers_connections (self) == 1);
    assert (hs_subscribers_active (self) == 1);
    assert (hs_subscribers_subscribed (self) == 1);
    zstr_sendx (publish, "alert.minor.caoyang", "still", NULL);
    assert (zstr_recvx (dashboard, &topic, &body, NULL) == 2);
    assert (streq (body, "still"));
    zstr_free (&topic);
    zstr_free (&body);

    //  A second subscriber is one more than subscribers/max: cut off.
    zsock_t *second = zsock_new (ZMQ_SUB);
    zsock_set_subscribe (second, "alert.");
    assert (zsock_connect (second, "%s", endpoint) == 0);
    for (int wait = 0; wait < 200 && hs_subscribers_cut (self) < 2; wait++) {
        zclock_sleep (10);
        hs_subscribers_read (self);
    }
    assert (hs_subscribers_cut (self) == 2);
    assert (hs_subscribers_subscribed (self) == 1);
    zsock_destroy (&second);

    //  Without CURVE there is no key: nothing to revoke.
    bool allowed = false;
    hs_subscribers_revoke (self, s_test_allowed, &allowed);
    assert (hs_subscribers_cut (self) == 2);

    zsock_destroy (&greedy);
    zsock_destroy (&dashboard);
    hs_subscribers_destroy (&self);
    zsock_destroy (&publish);
    hs_config_destroy (&config);
    zsys_file_delete (endpoint + strlen ("ipc://"));
    zstr_free (&endpoint);
    if (verbose)
        printf ("OK\n");
}
