/*  =========================================================================
    hs_bus - huishangd's three ZeroMQ sockets

    How overflows are counted: the publish socket runs with ZMQ_XPUB_NODROP,
    so a send that would overflow a matching subscriber's queue fails with
    EAGAIN instead of being silently dropped. We count that, switch the
    socket to lossy for one send (libzmq then delivers to every subscriber
    with room and drops only for the full ones), and switch back. libzmq
    sets a full subscriber aside until it drains to its low-water mark; the
    messages it misses meanwhile are not seen here, so the counter counts
    overflows, not messages (see hs_bus_overflows).
    =========================================================================
*/

#include "hs_bus.h"
#include "hs_subscribers.h"
#include "hs_keys.h"
#include "hs_log.h"

#define REVOKE_EVERY 1000       //  ms between two looks for revoked subscribers
#define NOTICES_EVERY 20        //  ms at most between two reads of subscriptions

struct _hs_bus_t {
    zsock_t *ingest;            //  SUB, bound
    zsock_t *publish;           //  XPUB, bound
    zsock_t *submit;            //  ROUTER, bound: acknowledged submits
    uint64_t published;         //  messages sent
    uint64_t overflows;         //  times a subscriber's queue overflowed
    zactor_t *auth;             //  zauth, with security on
    hs_subscribers_t *peers;    //  the publish socket's connections and subscriptions
    hs_keys_t *keys;            //  with secure dashboards: which keys are still allowed
    int64_t revoked_at;         //  zclock_mono () of the last look for revoked ones
    int64_t notices_at;         //  zclock_mono () of the last read of subscriptions
};

static int
s_secure (zsock_t *sock, zcert_t *cert)
{
    zcert_apply (cert, sock);
    zsock_set_curve_server (sock, 1);
    zsock_set_zap_domain (sock, "huishang");
    return 0;
}

static int
s_bind (zsock_t *sock, const char *name, const char *endpoint, char *error, size_t error_size,
        bool secure, int handshake_ms)
{
    //  A peer that connects and never finishes its handshake holds a
    //  descriptor only this long (libzmq's default is 30 s).
    zsock_set_handshake_ivl (sock, handshake_ms);
    if (zsock_bind (sock, "%s", endpoint) == -1) {
        snprintf (error, error_size, "cannot bind %s endpoint %s: %s",
                  name, endpoint, zmq_strerror (zmq_errno ()));
        return -1;
    }
    if (!secure && strncmp (endpoint, "tcp://", 6) == 0
    &&  strncmp (endpoint, "tcp://127.", 10) && strncmp (endpoint, "tcp://[::1]", 11)
    &&  strncmp (endpoint, "tcp://localhost", 15))
        hs_log_warning ("hs_bus: %s endpoint %s is not on loopback and has no security: "
                      "anyone who can reach it can use it", name, endpoint);
    return 0;
}

hs_bus_t *
hs_bus_new (hs_config_t *config, char *error, size_t error_size)
{
    hs_bus_t *self = (hs_bus_t *) zmalloc (sizeof (hs_bus_t));
    self->ingest = zsock_new (ZMQ_SUB);
    self->publish = zsock_new (ZMQ_XPUB);
    self->submit = zsock_new (ZMQ_ROUTER);
    assert (self->ingest && self->publish && self->submit);
    //  The first I/O thread; the api's answers have the second (hs_api).
    zsock_set_affinity (self->ingest, 1);
    zsock_set_affinity (self->publish, 1);
    zsock_set_affinity (self->submit, 1);

    zsock_set_rcvhwm (self->ingest, config->ingest_hwm);
    zsock_set_maxmsgsize (self->ingest, (int) config->max_message);
    zsock_set_rcvtimeo (self->ingest, 0);
    zsock_set_subscribe (self->ingest, "");

    zsock_set_sndhwm (self->publish, config->publish_hwm);
    zsock_set_sndtimeo (self->publish, 0);
    zsock_set_rcvtimeo (self->publish, 0);
    zsock_set_xpub_nodrop (self->publish, 1);
    //  What subscribers send us is subscriptions (prefixes of topics of at
    //  most 128 bytes) and, with CURVE, a handshake of a few hundred bytes.
    //  A bigger message cuts its connection off at once.
    zsock_set_maxmsgsize (self->publish, 512);
    //  And two in flight per connection. libzmq's XPUB moves what a pipe
    //  holds into its own queue and tables, unbounded, and keeps going while
    //  the I/O thread refills the pipe: with 100, a flood of 100-byte
    //  subscriptions was all taken in one go (18,000, 73 MB) before we read
    //  the 65th. With 2 the I/O thread waits for our thread every one or two,
    //  so what libzmq holds before the cut is about what we have read (<3
    //  MB). (1 stalls CURVE connections in libzmq 4.3.4: no subscription
    //  arrives.)
    zsock_set_rcvhwm (self->publish, 2);
    zsock_set_rcvbuf (self->publish, 8192);
    //  Reads every subscription (verboser) and sees every connection:
    //  before the bind.
    self->peers = hs_subscribers_new (self->publish, config);

    zsock_set_maxmsgsize (self->submit, (int) config->max_message);
    //  Each submitter's queue, both ways: a DEALER that pipelines and never
    //  reads its answers is held to this many (answers beyond it dropped).
    zsock_set_rcvhwm (self->submit, config->submit_hwm);
    zsock_set_sndhwm (self->submit, config->submit_hwm);
    zsock_set_sndtimeo (self->submit, 0);
    zsock_set_rcvtimeo (self->submit, 0);

    if (config->security) {
        zcert_t *cert = zcert_load (config->server_cert);
        if (!cert || !*zcert_secret_txt (cert) || streq (zcert_secret_txt (cert),
                                                           "0000000000000000000000000000000000000000")) {
            snprintf (error, error_size, "security: cannot load the server certificate %s "
                      "(and its _secret file)", config->server_cert);
            zcert_destroy (&cert);
            hs_bus_destroy (&self);
            return NULL;
        }
        if (!zsys_file_exists (config->clients_dir)) {
            snprintf (error, error_size, "security: no clients folder %s", config->clients_dir);
            zcert_destroy (&cert);
            hs_bus_destroy (&self);
            return NULL;
        }
        self->auth = zactor_new (zauth, NULL);
        zstr_sendx (self->auth, "CURVE", config->clients_dir, NULL);
        zsock_wait (self->auth);
        s_secure (self->ingest, cert);
        s_secure (self->submit, cert);
        if (config->secure_dashboards) {
            s_secure (self->publish, cert);
            self->keys = hs_keys_new (config->clients_dir, config->units);
        }
        hs_log_notice ("hs_bus: CurveZMQ on, server key %s, client certificates in %s",
                       zcert_public_txt (cert), config->clients_dir);
        zcert_destroy (&cert);
    }
    if (s_bind (self->ingest, "ingest", config->ingest, error, error_size, config->security,
                (int) config->handshake_timeout_ms)
    ||  s_bind (self->publish, "publish", config->publish, error, error_size,
                config->security && config->secure_dashboards, (int) config->handshake_timeout_ms)
    ||  s_bind (self->submit, "submit", config->submit, error, error_size, config->security,
                (int) config->handshake_timeout_ms))
        hs_bus_destroy (&self);
    return self;
}

void
hs_bus_destroy (hs_bus_t **self_p)
{
    assert (self_p);
    if (*self_p) {
        hs_bus_t *self = *self_p;
        //  The watcher first: it stops the publish socket's monitor.
        hs_subscribers_destroy (&self->peers);
        zsock_destroy (&self->ingest);
        zsock_destroy (&self->publish);
        zsock_destroy (&self->submit);
        hs_keys_destroy (&self->keys);
        zactor_destroy (&self->auth);
        free (self);
        *self_p = NULL;
    }
}

zsock_t *hs_bus_ingest (hs_bus_t *self) { return self->ingest; }
zsock_t *hs_bus_publish_socket (hs_bus_t *self) { return self->publish; }
zsock_t *hs_bus_submit (hs_bus_t *self) { return self->submit; }
uint64_t hs_bus_published (hs_bus_t *self) { return self->published; }
bool hs_bus_secure (hs_bus_t *self) { return self->auth != NULL; }

uint64_t hs_bus_overflows (hs_bus_t *self) { return self->overflows; }
int64_t hs_bus_subscriptions_count (hs_bus_t *self) { return hs_subscribers_active (self->peers); }

void
hs_bus_peers (hs_bus_t *self, uint64_t *refused, uint64_t *cut, uint64_t *connections)
{
    *refused = hs_subscribers_refused (self->peers);
    *cut = hs_subscribers_cut (self->peers);
    *connections = hs_subscribers_connections (self->peers);
}

void
hs_bus_set_config (hs_bus_t *self, hs_config_t *config)
{
    hs_subscribers_set_config (self->peers, config);
}

static bool
s_allowed (void *arg, const char *key)
{
    return hs_keys_known ((hs_keys_t *) arg, key);
}

bool
hs_bus_tick (hs_bus_t *self)
{
    //  The poller serves the first socket ready: under an ingest flood
    //  the publish socket would wait, and new dashboards with it.
    bool changed = false;
    if (zclock_mono () - self->notices_at >= NOTICES_EVERY) {
        int64_t before = hs_subscribers_active (self->peers);
        hs_bus_subscriptions (self);
        changed = hs_subscribers_active (self->peers) != before;
    }
    if (!self->keys || zclock_mono () - self->revoked_at < REVOKE_EVERY)
        return changed;
    self->revoked_at = zclock_mono ();
    uint64_t before = hs_subscribers_cut (self->peers);
    hs_subscribers_revoke (self->peers, s_allowed, self->keys);
    return changed || hs_subscribers_cut (self->peers) != before;
}

static int
s_send_frames (void *handle, const void *topic, size_t topic_size, const void *body, size_t body_size)
{
    if (zmq_send (handle, topic, topic_size, ZMQ_SNDMORE | ZMQ_DONTWAIT) == -1)
        return -1;
    //  Once the first frame is in, the rest of the message always follows.
    int rc = zmq_send (handle, body, body_size, ZMQ_DONTWAIT);
    assert (rc != -1);
    return 0;
}

static int
s_publish (hs_bus_t *self, const void *topic, size_t topic_size, const void *body,
           size_t body_size, bool counted)
{
    void *handle = zsock_resolve (self->publish);
    int rc = s_send_frames (handle, topic, topic_size, body, body_size);
    if (rc == -1 && zmq_errno () == EAGAIN) {
        self->overflows++;
        zsock_set_xpub_nodrop (self->publish, 0);
        rc = s_send_frames (handle, topic, topic_size, body, body_size);
        zsock_set_xpub_nodrop (self->publish, 1);
    }
    if (rc == 0)
        self->published += counted;
    else
        hs_log_error ("hs_bus: publish failed: %s", zmq_strerror (zmq_errno ()));
    return rc;
}

static int
s_publish_msg (hs_bus_t *self, zmsg_t **msg_p, bool counted)
{
    assert (msg_p && *msg_p);
    zmsg_t *msg = *msg_p;
    assert (zmsg_size (msg) == 2);
    zframe_t *topic = zmsg_first (msg);
    zframe_t *body = zmsg_next (msg);
    int rc = s_publish (self, zframe_data (topic), zframe_size (topic), zframe_data (body),
                        zframe_size (body), counted);
    zmsg_destroy (msg_p);
    return rc;
}

int
hs_bus_publish (hs_bus_t *self, zmsg_t **msg_p)
{
    return s_publish_msg (self, msg_p, true);
}

int
hs_bus_publish_mem (hs_bus_t *self, const void *topic, size_t topic_size, const void *body,
                    size_t body_size)
{
    return s_publish (self, topic, topic_size, body, body_size, true);
}

int
hs_bus_announce (hs_bus_t *self, zmsg_t **msg_p)
{
    return s_publish_msg (self, msg_p, false);
}

void
hs_bus_subscriptions (hs_bus_t *self)
{
    self->notices_at = zclock_mono ();
    hs_subscribers_read (self->peers);
}
