/*  =========================================================================
    hs_client - a client of huishangd: its endpoints, its identity, its
                sockets

    One object per program run, made by huishang's main from the
    configuration and handed to the command. It owns the sockets it makes
    for the api, the submit endpoint and the ingest; SUB sockets it makes
    are the caller's. See hs_client.h for the contract of each call.
    =========================================================================
*/

#include "hs_client.h"
#include <unistd.h>

struct _hs_client_t {
    char *api;                  //  the api's ROUTER endpoint
    char *submit;               //  the acknowledged-submit ROUTER endpoint
    char *ingest;               //  the ingest's SUB endpoint (we publish to it)
    char *publish;              //  the daemon's PUB endpoint (we subscribe to it)
    zcert_t *cert;              //  our certificate with its secret, or NULL: no CURVE
    char server_key [41];       //  the daemon's public key, Z85 ("" without cert)
    int timeout_ms;             //  how long to wait for the daemon ...
    bool timeout_set;           //  ... when set (else each call's default)
    int retries;                //  submit: resends before giving up (0: never)
    int deadline_ms;            //  submit: how long in all before giving up
    bool unreachable;           //  a call found no daemon
    bool patient;               //  submit: try to the deadline, not probe first
    bool probed;                //  submit: the probe found a daemon
    zsock_t *api_sock;          //  REQ to the api, or NULL until needed
    zsock_t *submit_sock;       //  REQ to the submit endpoint, or NULL
    zsock_t *publisher;         //  XPUB to the ingest, or NULL
};

static char *
s_copy (const char *text)
{
    return text? strdup (text): NULL;
}

hs_client_t *
hs_client_new (const hs_config_t *config)
{
    assert (config);
    hs_client_t *self = (hs_client_t *) zmalloc (sizeof (hs_client_t));
    self->api = s_copy (config->api);
    self->submit = s_copy (config->submit);
    self->ingest = s_copy (config->ingest);
    self->publish = s_copy (config->publish);
    self->retries = HS_CLIENT_SUBMIT_RETRIES;
    self->deadline_ms = HS_CLIENT_SUBMIT_DEADLINE;
    return self;
}

void
hs_client_destroy (hs_client_t **self_p)
{
    assert (self_p);
    hs_client_t *self = *self_p;
    if (!self)
        return;
    zsock_destroy (&self->publisher);       //  lingers until everything is out
    zsock_destroy (&self->submit_sock);
    zsock_destroy (&self->api_sock);
    zcert_destroy (&self->cert);
    free (self->api);
    free (self->submit);
    free (self->ingest);
    free (self->publish);
    free (self);
    *self_p = NULL;
}

static void
s_set (char **setting, const char *endpoint)
{
    assert (endpoint);
    free (*setting);
    *setting = strdup (endpoint);
}

void
hs_client_set_api (hs_client_t *self, const char *endpoint)
{
    s_set (&self->api, endpoint);
    zsock_destroy (&self->api_sock);        //  the next request connects there
}

void
hs_client_set_submit (hs_client_t *self, const char *endpoint)
{
    s_set (&self->submit, endpoint);
    zsock_destroy (&self->submit_sock);
}

void
hs_client_set_ingest (hs_client_t *self, const char *endpoint)
{
    s_set (&self->ingest, endpoint);
}

void
hs_client_set_publish (hs_client_t *self, const char *endpoint)
{
    s_set (&self->publish, endpoint);
}

const char *
hs_client_api_endpoint (hs_client_t *self)
{
    return self->api;
}

const char *
hs_client_submit_endpoint (hs_client_t *self)
{
    return self->submit;
}

const char *
hs_client_ingest_endpoint (hs_client_t *self)
{
    return self->ingest;
}

const char *
hs_client_publish_endpoint (hs_client_t *self)
{
    return self->publish;
}

int
hs_client_set_identity (hs_client_t *self, const char *cert_file, const char *server_key,
                        const char *server_cert)
{
    assert (cert_file);
    zcert_destroy (&self->cert);
    *self->server_key = 0;
    self->cert = zcert_load (cert_file);
    if (!self->cert) {
        fprintf (stderr, "huishang: cannot load the certificate %s\n", cert_file);
        return -1;
    }
    zcert_t *server = server_key || !server_cert? NULL: zcert_load (server_cert);
    snprintf (self->server_key, sizeof (self->server_key), "%s",
              server_key? server_key: server? zcert_public_txt (server): "");
    zcert_destroy (&server);
    if (strlen (self->server_key) != 40) {
        fprintf (stderr, "huishang: --cert needs the daemon's public key "
                 "(--server-key KEY or --server-cert FILE)\n");
        zcert_destroy (&self->cert);
        *self->server_key = 0;
        return -1;
    }
    return 0;
}

zsock_t *
hs_client_secure (hs_client_t *self, zsock_t *sock)
{
    if (sock && self->cert && *self->server_key) {
        zcert_apply (self->cert, sock);
        zsock_set_curve_serverkey (sock, self->server_key);
    }
    return sock;
}

void
hs_client_set_timeout (hs_client_t *self, int timeout_ms)
{
    self->timeout_ms = timeout_ms;
    self->timeout_set = true;
    if (self->api_sock)
        zsock_set_rcvtimeo (self->api_sock, timeout_ms);
}

int
hs_client_timeout (hs_client_t *self, int otherwise)
{
    return self->timeout_set? self->timeout_ms: otherwise;
}

int
hs_client_parse_duration (const char *text, int *ms)
{
    assert (ms);
    if (!text || !isdigit ((unsigned char) *text))
        return -1;
    char *end;
    errno = 0;
    long long value = strtoll (text, &end, 10);
    long long scale = 1;
    if (streq (end, "s"))
        scale = 1000;
    else
    if (streq (end, "m"))
        scale = 60000;
    else
    if (*end && !streq (end, "ms"))
        return -1;
    if (errno || value > INT_MAX / scale)
        return -1;
    *ms = (int) (value * scale);
    return 0;
}

bool
hs_client_unreachable (hs_client_t *self)
{
    return self->unreachable;
}

int
hs_client_exit_code (hs_client_t *self, int rc)
{
    if (zsys_interrupted)
        return HS_EXIT_INTERRUPTED;
    if (rc != HS_EXIT_OK && rc != HS_EXIT_USAGE && self && self->unreachable)
        return HS_EXIT_UNREACHABLE;
    return rc;
}

void
hs_client_set_patient (hs_client_t *self, bool patient)
{
    self->patient = patient;
}

void
hs_client_set_deadline (hs_client_t *self, int deadline_ms)
{
    self->deadline_ms = deadline_ms;
}

void
hs_client_set_retries (hs_client_t *self, int retries)
{
    self->retries = retries;
}

int hs_client_deadline (hs_client_t *self) { return self->deadline_ms; }
int hs_client_retries (hs_client_t *self) { return self->retries; }
void hs_client_set_unreachable (hs_client_t *self) { self->unreachable = true; }

//  ---------------------------------------------------------------------
//  The api

zsock_t *
hs_client_api_socket (hs_client_t *self)
{
    if (self->api_sock)
        return self->api_sock;
    zsock_t *req = hs_client_secure (self, zsock_new (ZMQ_REQ));
    assert (req);
    zsock_set_rcvtimeo (req, hs_client_timeout (self, HS_CLIENT_API_TIMEOUT));
    zsock_set_linger (req, 0);
    if (zsock_connect (req, "%s", self->api)) {
        fprintf (stderr, "huishang: cannot connect to %s\n", self->api);
        self->unreachable = true;
        zsock_destroy (&req);
    }
    self->api_sock = req;
    return req;
}

void
hs_client_reply_destroy (hs_client_reply_t *reply)
{
    assert (reply);
    msgpack_unpacked_destroy (&reply->unpacked);
    msgpack_unpacked_init (&reply->unpacked);
    zframe_destroy (&reply->frame);
    reply->body = NULL;
}

int
hs_client_request (hs_client_t *self, const char *command, hs_pack_t *args,
                   hs_client_reply_t *reply)
{
    assert (command);
    assert (reply);
    memset (reply, 0, sizeof (*reply));
    msgpack_unpacked_init (&reply->unpacked);
    zsock_t *req = hs_client_api_socket (self);
    if (!req)
        return -1;
    zmsg_t *request = zmsg_new ();
    zmsg_addstr (request, command);
    if (args)
        zmsg_addmem (request, hs_pack_data (args), hs_pack_size (args));
    zmsg_t *answer = zmsg_send (&request, req) == 0? zmsg_recv (req): NULL;
    zmsg_destroy (&request);
    if (!answer) {
        if (!zsys_interrupted)
            fprintf (stderr, "huishang: no answer from the daemon's api at %s within %d ms\n",
                     self->api, hs_client_timeout (self, HS_CLIENT_API_TIMEOUT));
        self->unreachable = true;
        //  A REQ socket that sent and heard nothing can send no more.
        zsock_destroy (&self->api_sock);
        return -1;
    }
    char *status = zmsg_popstr (answer);
    reply->frame = zmsg_pop (answer);
    zmsg_destroy (&answer);
    int rc = -1;
    if (reply->frame
    &&  hs_proto_unpack_stored (zframe_data (reply->frame), zframe_size (reply->frame),
                                &reply->unpacked) == 0) {
        reply->body = &reply->unpacked.data;
        rc = status && streq (status, "ok")? 0: 1;
        if (rc) {
            char text [256];
            if (hs_proto_strcpy (hs_proto_get (reply->body, "error"), text, sizeof (text)))
                snprintf (text, sizeof (text), "-");
            fprintf (stderr, "huishang: %s\n", text);
        }
    }
    else {
        fprintf (stderr, "huishang: unreadable answer from the daemon\n");
        hs_client_reply_destroy (reply);
    }
    zstr_free (&status);
    return rc;
}

//  ---------------------------------------------------------------------
//  The live stream

zsock_t *
hs_client_subscribe (hs_client_t *self, const char *const *prefixes, size_t count, int hwm)
{
    zsock_t *sub = hs_client_secure (self, zsock_new (ZMQ_SUB));
    assert (sub);
    zsock_set_rcvhwm (sub, hwm);
    for (size_t index = 0; index < count; index++)
        zsock_set_subscribe (sub, prefixes [index]);
    if (zsock_connect (sub, "%s", self->publish)) {
        fprintf (stderr, "huishang: cannot connect to %s\n", self->publish);
        zsock_destroy (&sub);
    }
    return sub;
}

int
hs_client_probe (hs_client_t *self, const char *endpoint)
{
    if (strncmp (endpoint, "inproc://", 9) == 0)
        return 0;                   //  inproc tells no connection events
    int timeout = hs_client_timeout (self, HS_CLIENT_API_TIMEOUT);
    zsock_t *probe = hs_client_secure (self, zsock_new (ZMQ_SUB));
    assert (probe);
    zsock_set_linger (probe, 0);
    char *monitor = zsys_sprintf ("inproc://hs-client-probe-%p", (void *) probe);
    int rc = zmq_socket_monitor (zsock_resolve (probe), monitor, ZMQ_EVENT_CONNECTED);
    zsock_t *events = rc == 0? zsock_new (ZMQ_PAIR): NULL;
    bool connected = false;
    if (events && zsock_connect (events, "%s", monitor) == 0
    &&  zsock_connect (probe, "%s", endpoint) == 0) {
        zsock_set_rcvtimeo (events, timeout);
        zmsg_t *event = zmsg_recv (events);
        connected = event != NULL;
        zmsg_destroy (&event);
    }
    zmq_socket_monitor (zsock_resolve (probe), NULL, 0);
    zsock_destroy (&events);
    zsock_destroy (&probe);
    zstr_free (&monitor);
    if (!connected) {
        if (!zsys_interrupted)
            fprintf (stderr, "huishang: no daemon is listening at %s (waited %d ms)\n",
                     endpoint, timeout);
        self->unreachable = true;
        return -1;
    }
    return 0;
}

bool
hs_client_join (hs_client_t *self, zsock_t *sub)
{
    assert (sub);
    char token [32];
    snprintf (token, sizeof (token), "%d-%lld", getpid (), (long long) zclock_time ());
    zsock_set_subscribe (sub, "hs.hello");
    zsock_set_rcvtimeo (sub, 100);
    hs_pack_t *args = hs_pack_new ();
    hs_request_encode (args, "token", token, NULL);
    bool live = false;
    for (int attempt = 0; attempt < 100 && !live && !zsys_interrupted; attempt++) {
        hs_client_reply_t reply;
        int rc = hs_client_request (self, "hello", args, &reply);
        hs_client_reply_destroy (&reply);
        if (rc < 0)
            break;
        //  Until the echo or 100 ms: a stream busier than that (a drill's
        //  alerts, heartbeats, others' echoes) must not keep us reading
        //  for an echo whose hello went out before the subscription did.
        int64_t deadline = zclock_mono () + 100;
        zmsg_t *msg;
        while (!live && zclock_mono () < deadline && (msg = zmsg_recv (sub))) {
            char *topic = zmsg_popstr (msg);
            zframe_t *body = zmsg_first (msg);
            live = topic && streq (topic, "hs.hello") && body
                && memmem (zframe_data (body), zframe_size (body), token, strlen (token)) != NULL;
            zstr_free (&topic);
            zmsg_destroy (&msg);
        }
    }
    hs_pack_destroy (&args);
    return live;
}

//  ---------------------------------------------------------------------
//  Sending reports and updates

int
hs_client_publish_open (hs_client_t *self)
{
    zsock_destroy (&self->publisher);
    int timeout = hs_client_timeout (self, HS_CLIENT_API_TIMEOUT);
    self->publisher = hs_client_secure (self, zsock_new (ZMQ_XPUB));
    assert (self->publisher);
    zsock_set_sndhwm (self->publisher, 0);
    zsock_set_linger (self->publisher, 10000);
    zsock_set_rcvtimeo (self->publisher, timeout);
    if (zsock_connect (self->publisher, "%s", self->ingest)) {
        fprintf (stderr, "huishang: cannot connect to %s\n", self->ingest);
        self->unreachable = true;
        return -1;
    }
    //  The daemon's subscription is the proof that it listens.
    zframe_t *notice = zframe_recv (self->publisher);
    if (!notice) {
        if (!zsys_interrupted)
            fprintf (stderr, "huishang: no daemon is listening at %s (waited %d ms)\n",
                     self->ingest, timeout);
        self->unreachable = true;
        return -1;
    }
    zframe_destroy (&notice);
    return 0;
}

int
hs_client_publish_send (hs_client_t *self, const char *topic, const void *body, size_t size)
{
    assert (self->publisher);
    zmsg_t *msg = zmsg_new ();
    zmsg_addstr (msg, topic);
    zmsg_addmem (msg, body, size);
    if (zmsg_send (&msg, self->publisher)) {
        zmsg_destroy (&msg);
        return -1;
    }
    return 0;
}

//  A fresh REQ socket to the submit endpoint.
static zsock_t *
s_submit_socket (hs_client_t *self)
{
    zsock_destroy (&self->submit_sock);
    self->submit_sock = hs_client_secure (self, zsock_new (ZMQ_REQ));
    assert (self->submit_sock);
    zsock_set_linger (self->submit_sock, 0);
    zsock_connect (self->submit_sock, "%s", self->submit);
    return self->submit_sock;
}

int
hs_client_submit (hs_client_t *self, const char *topic, const void *body, size_t size,
                  const char *where, hs_submit_reply_t *reply)
{
    assert (topic && where && reply);
    int timeout = hs_client_timeout (self, HS_CLIENT_SUBMIT_TIMEOUT);
    if (!self->patient && !self->probed) {
        if (hs_client_probe (self, self->submit))
            return -1;
        self->probed = true;
    }
    int64_t deadline = zclock_mono () + self->deadline_ms;
    if (!self->submit_sock)
        s_submit_socket (self);
    int attempt;
    bool answered = false;
    for (attempt = 0; self->retries == 0 || attempt <= self->retries; attempt++) {
        int64_t left = deadline - zclock_mono ();
        if (zsys_interrupted || left <= 0)
            break;
        zmsg_t *msg = zmsg_new ();
        zmsg_addstr (msg, topic);
        zmsg_addmem (msg, body, size);
        zmsg_send (&msg, self->submit_sock);
        zmsg_destroy (&msg);
        zpoller_t *poller = zpoller_new (self->submit_sock, NULL);
        void *which = zpoller_wait (poller, (int) (left < timeout? left: timeout));
        zpoller_destroy (&poller);
        zmsg_t *answer = which? zmsg_recv (self->submit_sock): NULL;
        if (!answer) {
            if (zsys_interrupted)
                break;
            fprintf (stderr, "huishang: %s: no answer from %s in %d ms, sending again\n",
                     where, self->submit, timeout);
            s_submit_socket (self);
            continue;
        }
        answered = true;
        char *status = zmsg_popstr (answer);
        zframe_t *frame = zmsg_pop (answer);
        zmsg_destroy (&answer);
        int rc = hs_submit_reply_decode (status, frame? zframe_data (frame): NULL,
                                         frame? zframe_size (frame): 0, reply);
        zframe_destroy (&frame);
        zstr_free (&status);
        if (rc == 0 && reply->status != HS_SUBMIT_ERROR)
            return 0;
        //  The store could not take it now, or the answer made no sense:
        //  the same message again, after a pause.
        fprintf (stderr, "huishang: %s: the daemon could not store it (%s), sending again\n",
                 where, rc == 0? reply->detail: "");
        zclock_sleep (timeout / 4);
    }
    if (zsys_interrupted)
        return -1;                  //  Ctrl-C: nothing to say, exit 130
    if (!answered)
        self->unreachable = true;
    fprintf (stderr, "huishang: %s: gave up after %d tries in %d ms (%s %s)\n", where, attempt,
             self->deadline_ms, answered? "the daemon could not store it at": "no answer from",
             self->submit);
    return -1;
}

//  ---------------------------------------------------------------------
//  Self test: a daemon played by an actor on inproc endpoints. Its api
//  answers health, says hello on its PUB socket with the token it is given,
//  keeps silent on "silent" and refuses every other command; its submit
//  socket keeps silent at first, then cannot store, then stores (seq 7);
//  what reaches its ingest goes up its pipe. (A socket is only served
//  while its thread calls into it, so the ingest lives here too.)

#define TEST_API        "inproc://hs-client-test-api"
#define TEST_SUBMIT     "inproc://hs-client-test-submit"
#define TEST_PUBLISH    "inproc://hs-client-test-publish"
#define TEST_INGEST     "inproc://hs-client-test-ingest"

//  The answer to one api request: its status, or NULL to keep silent.
static const char *
s_test_api_answer (zsock_t *publish, const char *command, zframe_t *args, hs_pack_t *body)
{
    if (streq (command, "health")) {
        hs_request_encode (body, "status", "ok", NULL);
        return "ok";
    }
    if (streq (command, "hello") && args) {
        zstr_sendm (publish, "hs.hello");
        zframe_send (&args, publish, ZFRAME_REUSE);
        hs_request_encode (body, NULL);
        return "ok";
    }
    if (streq (command, "silent"))
        return NULL;
    hs_reply_error (body, "bad_command", "unknown command");
    return "error";
}

//  The answer to the n-th submit (from 1): silence, "error", then "ok".
static const char *
s_test_submit_answer (int submits, hs_pack_t *body)
{
    if (submits == 1)
        return NULL;
    hs_submit_reply_t reply = { .status = submits == 2? HS_SUBMIT_ERROR: HS_SUBMIT_OK, .seq = 7 };
    hs_strcpy (reply.detail, sizeof (reply.detail), "busy");
    hs_submit_reply_encode (&reply, body);
    return hs_submit_status_name (reply.status);
}

static void
s_test_daemon (zsock_t *pipe, void *unused)
{
    (void) unused;
    zsock_t *api = zsock_new_router (TEST_API);
    zsock_t *submit = zsock_new_router (TEST_SUBMIT);
    zsock_t *publish = zsock_new_pub (TEST_PUBLISH);
    zsock_t *ingest = zsock_new_sub ("@" TEST_INGEST, "");
    assert (api && submit && publish && ingest);
    zpoller_t *poller = zpoller_new (pipe, api, submit, ingest, NULL);
    zsock_signal (pipe, 0);
    int submits = 0;
    zsock_t *which;
    while ((which = (zsock_t *) zpoller_wait (poller, -1)) && which != pipe) {
        if (which == ingest) {
            zmsg_t *published = zmsg_recv (ingest);
            zmsg_send (&published, pipe);
            continue;
        }
        //  [identity] [empty] command-or-topic [args-or-body]
        zmsg_t *msg = zmsg_recv (which);
        zframe_t *identity = zmsg_pop (msg);
        zframe_t *empty = zmsg_pop (msg);
        char *command = zmsg_popstr (msg);
        zframe_t *args = zmsg_pop (msg);
        zmsg_destroy (&msg);
        assert (identity && empty && command);
        hs_pack_t *body = hs_pack_new ();
        const char *status = which == api? s_test_api_answer (publish, command, args, body):
                                           s_test_submit_answer (++submits, body);
        if (status) {
            zmsg_t *answer = zmsg_new ();
            zmsg_append (answer, &identity);
            zmsg_append (answer, &empty);
            zmsg_addstr (answer, status);
            zmsg_addmem (answer, hs_pack_data (body), hs_pack_size (body));
            zmsg_send (&answer, which);
        }
        hs_pack_destroy (&body);
        zframe_destroy (&args);
        zframe_destroy (&empty);
        zframe_destroy (&identity);
        zstr_free (&command);
    }
    zpoller_destroy (&poller);
    zsock_destroy (&ingest);
    zsock_destroy (&publish);
    zsock_destroy (&submit);
    zsock_destroy (&api);
}

void
hs_client_test (bool verbose)
{
    printf (" * hs_client: ");
    if (verbose)
        printf ("\n");
    char error [256];
    hs_config_t *config = hs_config_load (NULL, error, sizeof (error));
    assert (config);
    hs_client_t *client = hs_client_new (config);
    assert (streq (hs_client_api_endpoint (client), config->api));
    assert (streq (hs_client_publish_endpoint (client), config->publish));
    assert (hs_client_timeout (client, 123) == 123);
    int ms = -7;
    assert (hs_client_parse_duration ("500ms", &ms) == 0 && ms == 500);
    assert (hs_client_parse_duration ("5s", &ms) == 0 && ms == 5000);
    assert (hs_client_parse_duration ("2m", &ms) == 0 && ms == 120000);
    assert (hs_client_parse_duration ("250", &ms) == 0 && ms == 250);
    ms = -7;
    assert (hs_client_parse_duration ("abc", &ms) == -1 && ms == -7);
    assert (hs_client_parse_duration ("", &ms) == -1);
    assert (hs_client_parse_duration ("-1s", &ms) == -1);
    assert (hs_client_parse_duration ("5x", &ms) == -1);
    assert (hs_client_parse_duration ("99999999999s", &ms) == -1);
    assert (hs_client_exit_code (client, 1) == 1 && !hs_client_unreachable (client));
    hs_client_set_api (client, TEST_API);
    hs_client_set_submit (client, TEST_SUBMIT);
    hs_client_set_publish (client, TEST_PUBLISH);
    hs_client_set_ingest (client, TEST_INGEST);
    assert (streq (hs_client_api_endpoint (client), TEST_API));
    assert (streq (hs_client_ingest_endpoint (client), TEST_INGEST));
    hs_client_set_timeout (client, 300);
    assert (hs_client_timeout (client, 123) == 300);
    zactor_t *daemon = zactor_new (s_test_daemon, NULL);

    //  The api: an answer, a refusal, a silence and an answer after it.
    hs_client_reply_t reply;
    assert (hs_client_request (client, "health", NULL, &reply) == 0);
    char status [8];
    assert (hs_proto_strcpy (hs_proto_get (reply.body, "status"), status, sizeof (status)) == 0
            && streq (status, "ok"));
    hs_client_reply_destroy (&reply);
    hs_client_reply_destroy (&reply);
    assert (hs_client_request (client, "launch", NULL, &reply) == 1);
    assert (reply.body && hs_proto_get (reply.body, "error"));
    hs_client_reply_destroy (&reply);
    assert (hs_client_request (client, "silent", NULL, &reply) == -1 && !reply.body);
    hs_client_reply_destroy (&reply);
    assert (hs_client_request (client, "health", NULL, &reply) == 0);
    hs_client_reply_destroy (&reply);

    //  The live stream: joined once our token comes back.
    const char *prefixes [] = { "alert." };
    zsock_t *sub = hs_client_subscribe (client, prefixes, 1, 0);
    assert (sub);
    assert (hs_client_join (client, sub));
    zsock_destroy (&sub);

    //  Acknowledged submit: sent again after the silence and the "error".
    hs_submit_reply_t answer;
    hs_client_set_timeout (client, 100);
    assert (hs_client_submit (client, "report.hrss", "x", 1, "test", &answer) == 0);
    assert (answer.status == HS_SUBMIT_OK && answer.seq == 7);

    //  Publishing: only once the ingest's subscription is in.
    assert (hs_client_publish_open (client) == 0);
    assert (hs_client_publish_send (client, "report.hrss", "body", 4) == 0);
    zmsg_t *sent = zmsg_recv (daemon);
    assert (sent && zmsg_size (sent) == 2);
    char *topic = zmsg_popstr (sent);
    assert (topic && streq (topic, "report.hrss"));
    zstr_free (&topic);
    zmsg_destroy (&sent);

    //  An identity: a certificate and a 40-character server key.
    char folder [] = "/tmp/hs-client-test-XXXXXX";
    assert (mkdtemp (folder));
    char *path = zsys_sprintf ("%s/unit.cert", folder);
    zcert_t *cert = zcert_new ();
    assert (zcert_save (cert, path) == 0);
    assert (hs_client_set_identity (client, "/nonexistent/unit.cert", NULL, NULL) == -1);
    assert (hs_client_set_identity (client, path, "short", NULL) == -1);
    assert (hs_client_set_identity (client, path, zcert_public_txt (cert), NULL) == 0);
    zsock_t *secured = hs_client_secure (client, zsock_new (ZMQ_REQ));
    assert (secured && zsock_mechanism (secured) == ZMQ_CURVE);
    zsock_destroy (&secured);
    char *secret = zsys_sprintf ("%s_secret", path);
    remove (secret);
    remove (path);
    rmdir (folder);
    zstr_free (&secret);
    zstr_free (&path);
    zcert_destroy (&cert);

    zactor_destroy (&daemon);
    hs_client_destroy (&client);
    hs_client_destroy (&client);
    assert (client == NULL);
    hs_config_destroy (&config);
    printf ("OK\n");
}
