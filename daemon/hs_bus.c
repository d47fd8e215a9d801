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

struct _hs_bus_t {
    zsock_t *ingest;            //  SUB, bound
    zsock_t *publish;           //  XPUB, bound
    zsock_t *api;               //  ROUTER, bound
    zsock_t *submit;            //  ROUTER, bound: acknowledged submits
    uint64_t published;         //  messages sent
    uint64_t overflows;         //  times a subscriber's queue overflowed
    int64_t subscriptions;      //  active subscriptions
};

static int
s_bind (zsock_t *sock, const char *name, const char *endpoint, char *error, size_t error_size)
{
    if (zsock_bind (sock, "%s", endpoint) == -1) {
        snprintf (error, error_size, "cannot bind %s endpoint %s: %s",
                  name, endpoint, zmq_strerror (zmq_errno ()));
        return -1;
    }
    if (strncmp (endpoint, "tcp://", 6) == 0
    &&  strncmp (endpoint, "tcp://127.", 10) && strncmp (endpoint, "tcp://[::1]", 11)
    &&  strncmp (endpoint, "tcp://localhost", 15))
        zsys_warning ("hs_bus: %s endpoint %s is not on loopback and has no security: "
                      "anyone who can reach it can use it", name, endpoint);
    return 0;
}

hs_bus_t *
hs_bus_new (hs_config_t *config, char *error, size_t error_size)
{
    hs_bus_t *self = (hs_bus_t *) zmalloc (sizeof (hs_bus_t));
    self->ingest = zsock_new (ZMQ_SUB);
    self->publish = zsock_new (ZMQ_XPUB);
    self->api = zsock_new (ZMQ_ROUTER);
    self->submit = zsock_new (ZMQ_ROUTER);
    assert (self->ingest && self->publish && self->api && self->submit);

    zsock_set_rcvhwm (self->ingest, config->ingest_hwm);
    zsock_set_maxmsgsize (self->ingest, (int) config->max_message);
    zsock_set_rcvtimeo (self->ingest, 0);
    zsock_set_subscribe (self->ingest, "");

    zsock_set_sndhwm (self->publish, config->publish_hwm);
    zsock_set_sndtimeo (self->publish, 0);
    zsock_set_rcvtimeo (self->publish, 0);
    zsock_set_xpub_verboser (self->publish, 1);
    zsock_set_xpub_nodrop (self->publish, 1);

    zsock_set_maxmsgsize (self->submit, (int) config->max_message);
    zsock_set_rcvhwm (self->submit, config->ingest_hwm);
    zsock_set_sndtimeo (self->submit, 0);
    zsock_set_rcvtimeo (self->submit, 0);

    zsock_set_maxmsgsize (self->api, (int) config->limits.max_body);
    zsock_set_sndtimeo (self->api, 0);
    zsock_set_rcvtimeo (self->api, 0);

    if (s_bind (self->ingest, "ingest", config->ingest, error, error_size)
    ||  s_bind (self->publish, "publish", config->publish, error, error_size)
    ||  s_bind (self->api, "api", config->api, error, error_size)
    ||  s_bind (self->submit, "submit", config->submit, error, error_size))
        hs_bus_destroy (&self);
    return self;
}

void
hs_bus_destroy (hs_bus_t **self_p)
{
    assert (self_p);
    if (*self_p) {
        hs_bus_t *self = *self_p;
        zsock_destroy (&self->ingest);
        zsock_destroy (&self->publish);
        zsock_destroy (&self->api);
        zsock_destroy (&self->submit);
        free (self);
        *self_p = NULL;
    }
}

zsock_t *hs_bus_ingest (hs_bus_t *self) { return self->ingest; }
zsock_t *hs_bus_publish_socket (hs_bus_t *self) { return self->publish; }
zsock_t *hs_bus_api (hs_bus_t *self) { return self->api; }
zsock_t *hs_bus_submit (hs_bus_t *self) { return self->submit; }
uint64_t hs_bus_published (hs_bus_t *self) { return self->published; }
uint64_t hs_bus_overflows (hs_bus_t *self) { return self->overflows; }
int64_t hs_bus_subscriptions_count (hs_bus_t *self) { return self->subscriptions; }

static int
s_send_frames (void *handle, zmsg_t *msg)
{
    zframe_t *topic = zmsg_first (msg);
    zframe_t *body = zmsg_next (msg);
    if (zmq_send (handle, zframe_data (topic), zframe_size (topic), ZMQ_SNDMORE | ZMQ_DONTWAIT) == -1)
        return -1;
    //  Once the first frame is in, the rest of the message always follows.
    int rc = zmq_send (handle, zframe_data (body), zframe_size (body), ZMQ_DONTWAIT);
    assert (rc != -1);
    return 0;
}

static int
s_publish (hs_bus_t *self, zmsg_t **msg_p, bool counted)
{
    assert (msg_p && *msg_p);
    zmsg_t *msg = *msg_p;
    assert (zmsg_size (msg) == 2);
    void *handle = zsock_resolve (self->publish);
    int rc = s_send_frames (handle, msg);
    if (rc == -1 && zmq_errno () == EAGAIN) {
        self->overflows++;
        zsock_set_xpub_nodrop (self->publish, 0);
        rc = s_send_frames (handle, msg);
        zsock_set_xpub_nodrop (self->publish, 1);
    }
    if (rc == 0)
        self->published += counted;
    else
        zsys_error ("hs_bus: publish failed: %s", zmq_strerror (zmq_errno ()));
    zmsg_destroy (msg_p);
    return rc;
}

int
hs_bus_publish (hs_bus_t *self, zmsg_t **msg_p)
{
    return s_publish (self, msg_p, true);
}

int
hs_bus_announce (hs_bus_t *self, zmsg_t **msg_p)
{
    return s_publish (self, msg_p, false);
}

void
hs_bus_subscriptions (hs_bus_t *self)
{
    void *handle = zsock_resolve (self->publish);
    for (int count = 0; count < 1000; count++) {
        zmq_msg_t notice;
        zmq_msg_init (&notice);
        if (zmq_msg_recv (&notice, handle, ZMQ_DONTWAIT) == -1) {
            zmq_msg_close (&notice);
            break;
        }
        if (zmq_msg_size (&notice) > 0) {
            uint8_t kind = ((uint8_t *) zmq_msg_data (&notice)) [0];
            if (kind == 1)
                self->subscriptions++;
            else
            if (kind == 0 && self->subscriptions > 0)
                self->subscriptions--;
        }
        zmq_msg_close (&notice);
    }
}
