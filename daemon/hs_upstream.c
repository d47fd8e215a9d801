/*  =========================================================================
    hs_upstream - forwarding to the level above (a district to its city)
    =========================================================================
*/

#include "hs_upstream.h"
#include "hs_log.h"
#include "../protocol/hs_protocol.h"

struct _hs_upstream_t {
    char *endpoint;
    int64_t timeout_ms;
    zcert_t *cert;              //  ours, or NULL (borrowed)
    char server_key [41];
    zsock_t *sock;
    zchunk_t *topic;            //  the outstanding message, or NULL
    zchunk_t *body;
    uint64_t tag;
    int64_t sent_at;            //  zclock_mono () of its last sending
    uint64_t retries;
    bool down_logged;           //  "no answer" logged since the last answer
};

static void
s_open (hs_upstream_t *self)
{
    zsock_destroy (&self->sock);
    self->sock = zsock_new (ZMQ_DEALER);
    assert (self->sock);
    zsock_set_linger (self->sock, 0);
    zsock_set_rcvtimeo (self->sock, 0);
    if (self->cert && *self->server_key) {
        zcert_apply (self->cert, self->sock);
        zsock_set_curve_serverkey (self->sock, self->server_key);
    }
    if (zsock_connect (self->sock, "%s", self->endpoint))
        hs_log_error ("hs_upstream: cannot connect to %s", self->endpoint);
}

static void
s_send (hs_upstream_t *self)
{
    zmsg_t *msg = zmsg_new ();
    zmsg_addmem (msg, "", 0);                       //  as a REQ would
    zmsg_addmem (msg, zchunk_data (self->topic), zchunk_size (self->topic));
    zmsg_addmem (msg, zchunk_data (self->body), zchunk_size (self->body));
    zmsg_send (&msg, self->sock);
    zmsg_destroy (&msg);
    self->sent_at = zclock_mono ();
}

hs_upstream_t *
hs_upstream_new (const char *endpoint, int64_t timeout_ms, zcert_t *cert, const char *server_key)
{
    hs_upstream_t *self = (hs_upstream_t *) zmalloc (sizeof (hs_upstream_t));
    self->endpoint = strdup (endpoint);
    self->timeout_ms = timeout_ms;
    self->cert = cert;
    if (server_key)
        hs_strcpy (self->server_key, sizeof (self->server_key), server_key);
    s_open (self);
    return self;
}

void
hs_upstream_destroy (hs_upstream_t **self_p)
{
    assert (self_p);
    if (*self_p) {
        hs_upstream_t *self = *self_p;
        zsock_destroy (&self->sock);
        zchunk_destroy (&self->topic);
        zchunk_destroy (&self->body);
        free (self->endpoint);
        free (self);
        *self_p = NULL;
    }
}

zsock_t *
hs_upstream_socket (hs_upstream_t *self)
{
    return self->sock;
}

bool
hs_upstream_busy (hs_upstream_t *self)
{
    return self->topic != NULL;
}

void
hs_upstream_send (hs_upstream_t *self, const char *topic, const void *body, size_t size,
                  uint64_t tag)
{
    assert (!self->topic);
    self->topic = zchunk_new (topic, strlen (topic));
    self->body = zchunk_new (body, size);
    self->tag = tag;
    s_send (self);
}

hs_upstream_result_t
hs_upstream_poll (hs_upstream_t *self, uint64_t *tag, char *reason, size_t reason_size,
                  bool *reopened)
{
    *reopened = false;
    if (!self->topic)
        return HS_UPSTREAM_NOTHING;
    zmsg_t *reply = zmsg_recv (self->sock);
    if (!reply) {
        if (zclock_mono () - self->sent_at < self->timeout_ms)
            return HS_UPSTREAM_NOTHING;
        //  No answer: the upper daemon is down or the answer was lost.
        //  A new socket, so a late answer cannot be taken for the next
        //  message's; the same message again.
        if (!self->down_logged)
            hs_log_warning ("hs_upstream: no answer from %s within %lld ms: sending again "
                            "until it answers", self->endpoint, (long long) self->timeout_ms);
        self->down_logged = true;
        self->retries++;
        s_open (self);
        s_send (self);
        *reopened = true;
        return HS_UPSTREAM_NOTHING;
    }
    hs_upstream_result_t result = HS_UPSTREAM_NOTHING;
    zframe_t *delimiter = zmsg_pop (reply);
    char *status = zmsg_popstr (reply);
    zframe_t *body = zmsg_pop (reply);
    hs_submit_reply_t answer;
    if (hs_submit_reply_decode (status, body? zframe_data (body): NULL, body? zframe_size (body): 0,
                                &answer))
        answer.status = HS_SUBMIT_ERROR;        //  not an answer: as if none came
    if (answer.status == HS_SUBMIT_OK || answer.status == HS_SUBMIT_DUPLICATE)
        result = HS_UPSTREAM_STORED;
    else
    if (answer.status == HS_SUBMIT_REJECTED) {
        snprintf (reason, reason_size, "%s: %s", answer.reason, answer.detail);
        //  A full store or a flood limit passes: the same message, later.
        if (streq (answer.reason, "store_full") || streq (answer.reason, "rate_limited")) {
            if (!self->down_logged)
                hs_log_warning ("hs_upstream: %s cannot take it now (%s): sending again every "
                                "%lld ms", self->endpoint, reason, (long long) self->timeout_ms);
            self->down_logged = true;
            self->retries++;
            self->sent_at = zclock_mono ();     //  the timeout sends it again
        }
        else
            result = HS_UPSTREAM_REFUSED;
    }
    //  "error" (its store could not take it now): the timeout sends it again.
    zframe_destroy (&delimiter);
    zstr_free (&status);
    zframe_destroy (&body);
    zmsg_destroy (&reply);
    if (result != HS_UPSTREAM_NOTHING) {
        if (self->down_logged)
            hs_log_notice ("hs_upstream: %s answers again", self->endpoint);
        self->down_logged = false;
        *tag = self->tag;
        zchunk_destroy (&self->topic);
        zchunk_destroy (&self->body);
    }
    return result;
}

int64_t
hs_upstream_wait_ms (hs_upstream_t *self)
{
    if (!self->topic)
        return -1;
    int64_t left = self->sent_at + self->timeout_ms - zclock_mono ();
    return left < 0? 0: left;
}

uint64_t
hs_upstream_retries (hs_upstream_t *self)
{
    return self->retries;
}
