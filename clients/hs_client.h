/*  =========================================================================
    hs_client - a client of huishangd: its endpoints, its identity, its
                sockets

    What every huishang command needs to talk to a daemon, in one object:
    the four endpoints (from the configuration, each overridable), the unit's
    CurveZMQ identity when security is on (its certificate and the daemon's
    public key), how long to wait, and the four ways to speak to a daemon:
    questions to the api (REQ, a fresh socket after a silence), the live
    stream joined Clone-style (PROTOCOL.md §6.4), acknowledged submit (Lazy
    Pirate) and fire-and-forget publishing (XPUB, after the daemon's
    subscription has arrived). Bodies are encoded by protocol/; this class
    only moves them. Problems are said on stderr, prefixed "huishang: ".
    =========================================================================
*/

#ifndef HS_CLIENT_H_INCLUDED
#define HS_CLIENT_H_INCLUDED

#include "../daemon/hs_config.h"
#include "../protocol/hs_pack.h"
#include "../protocol/hs_reply.h"

typedef struct _hs_client_t hs_client_t;

//  How long calls wait when no timeout was set, in ms.
#define HS_CLIENT_API_TIMEOUT       2000    //  an api answer; the daemon's subscription
#define HS_CLIENT_SUBMIT_TIMEOUT    2000    //  a submit answer, before sending again
#define HS_CLIENT_SUBMIT_RETRIES    20      //  resends before a submit gives up
#define HS_CLIENT_SUBMIT_DEADLINE   10000   //  ... or this long in all, in ms

//  The exit codes of every huishang command (huishang(1), EXIT STATUS).
#define HS_EXIT_OK           0      //  done
#define HS_EXIT_REFUSED      1      //  refused, not found, or not as asked
#define HS_EXIT_USAGE        2      //  a bad option, operand or value
#define HS_EXIT_UNREACHABLE  3      //  the daemon did not answer within the timeout
#define HS_EXIT_INTERRUPTED  130    //  SIGINT (Ctrl-C)

//  An api reply: its body frame, unpacked. The body is borrowed from the
//  frame: valid until hs_client_reply_destroy.
typedef struct {
    zframe_t *frame;            //  the reply body as received
    msgpack_unpacked unpacked;  //  ... unpacked
    const msgpack_object *body; //  the map, or NULL
} hs_client_reply_t;

//  A client with the configuration's endpoints, no identity (plain
//  sockets) and no timeout set. Caller owns it; destroy with
//  hs_client_destroy. The configuration is only read here.
hs_client_t *hs_client_new (const hs_config_t *config);

//  Close every socket it owns (what the publisher has queued still goes
//  out, for up to 10 s, before the program ends) and free the client.
//  Idempotent; sets *self_p to NULL.
void hs_client_destroy (hs_client_t **self_p);

//  Override an endpoint (the string is copied).
void hs_client_set_api (hs_client_t *self, const char *endpoint);
void hs_client_set_submit (hs_client_t *self, const char *endpoint);
void hs_client_set_ingest (hs_client_t *self, const char *endpoint);
void hs_client_set_publish (hs_client_t *self, const char *endpoint);

//  The endpoints, borrowed: valid until they are set again.
const char *hs_client_api_endpoint (hs_client_t *self);
const char *hs_client_submit_endpoint (hs_client_t *self);
const char *hs_client_ingest_endpoint (hs_client_t *self);
const char *hs_client_publish_endpoint (hs_client_t *self);

//  Take on a unit's identity: its certificate (from huishang keygen, with
//  the secret beside it) and the daemon's public key, given as Z85 text
//  (server_key) or read from the daemon's certificate file (server_cert).
//  Every socket made from then on is a CurveZMQ client. Returns 0, or -1
//  with the reason said (no certificate, no 40-character server key).
int hs_client_set_identity (hs_client_t *self, const char *cert_file, const char *server_key,
                            const char *server_cert);

//  Make `sock` a CurveZMQ client with our identity, if we have one.
//  Returns the socket.
zsock_t *hs_client_secure (hs_client_t *self, zsock_t *sock);

//  How long to wait for the daemon, in ms, for every call from now on (as
//  zmq takes it: -1 waits for ever).
void hs_client_set_timeout (hs_client_t *self, int timeout_ms);

//  The timeout set, or `otherwise` if none was.
int hs_client_timeout (hs_client_t *self, int otherwise);

//  Read a duration: a number with a unit, ms, s or m ("500ms", "5s",
//  "1m"), or a bare number of ms. Returns 0 with *ms set, or -1 if the
//  text is no such duration (empty, negative, other characters, too big).
int hs_client_parse_duration (const char *text, int *ms);

//  True once a call found no daemon: an endpoint that could not be
//  connected to or did not answer within the timeout. The command's
//  exit code is then HS_EXIT_UNREACHABLE (see hs_client_exit_code).
bool hs_client_unreachable (hs_client_t *self);

//  The exit code of a command that returned `rc` with this client: 130
//  after SIGINT, HS_EXIT_UNREACHABLE for a failure when the daemon was
//  not reached, else rc. The one place that decides it.
int hs_client_exit_code (hs_client_t *self, int rc);

//  Patient: an acknowledged submit to an endpoint where nothing listens
//  goes on trying until its deadline (pub --ack: a feeder riding out a
//  restart). Not patient (the default): it first checks that something
//  listens (hs_client_probe) and gives up within the timeout if not.
void hs_client_set_patient (hs_client_t *self, bool patient);

//  The total time an acknowledged submit keeps trying, in ms (default
//  HS_CLIENT_SUBMIT_DEADLINE).
void hs_client_set_deadline (hs_client_t *self, int deadline_ms);

//  Resends before an acknowledged submit gives up (0: never gives up).
void hs_client_set_retries (hs_client_t *self, int retries);

//  The deadline and the resends set (for a windowed submitter of its own,
//  huishang_window), and a way for it to say the daemon was not reached.
int hs_client_deadline (hs_client_t *self);
int hs_client_retries (hs_client_t *self);
void hs_client_set_unreachable (hs_client_t *self);

//  ---------------------------------------------------------------------
//  The api

//  The REQ socket to the api, connected on first use (borrowed: valid until
//  the next request that goes unanswered, which replaces it). NULL if the
//  endpoint cannot be connected to (said).
zsock_t *hs_client_api_socket (hs_client_t *self);

//  Ask the api: `command` with `args` (a packed map, or NULL: none), and
//  wait for the answer up to the timeout (HS_CLIENT_API_TIMEOUT if none was
//  set). Returns 0 if the daemon said "ok", 1 if it said "error" (its
//  reason is said), -1 if no answer came or it could not be read (said;
//  the socket is replaced, so the next request can be answered). *reply
//  holds the body in every case (NULL when there is none); the caller
//  destroys it with hs_client_reply_destroy.
int hs_client_request (hs_client_t *self, const char *command, hs_pack_t *args,
                       hs_client_reply_t *reply);

//  Free a reply's frame. Idempotent.
void hs_client_reply_destroy (hs_client_reply_t *reply);

//  ---------------------------------------------------------------------
//  The live stream

//  A SUB socket to the publish endpoint, subscribed to `count` topic
//  prefixes, with a receive high-water mark (0: none). Caller owns it.
//  NULL if the endpoint cannot be connected to (said).
zsock_t *hs_client_subscribe (hs_client_t *self, const char *const *prefixes, size_t count,
                              int hwm);

//  Is anything listening at `endpoint`? A probe socket connects and waits
//  up to the timeout (HS_CLIENT_API_TIMEOUT if none) for the connection to
//  be made (an inproc endpoint is not probed). Returns 0, or -1 if none was (said, and the client is then
//  unreachable).
int hs_client_probe (hs_client_t *self, const char *endpoint);

//  Join the live stream (the Clone pattern, PROTOCOL.md §6.4): subscribe
//  `sub` to hs.hello, then ask the api to say hello with a token of ours
//  until the token comes back on `sub`. Returns true once it has: from then
//  on everything published reaches `sub`; false if the api stopped
//  answering or the token never came.
bool hs_client_join (hs_client_t *self, zsock_t *sub);

//  ---------------------------------------------------------------------
//  Sending reports and updates

//  Connect a publisher to the ingest endpoint and wait (up to the timeout,
//  HS_CLIENT_API_TIMEOUT if none) for the daemon's subscription: a PUB
//  socket drops what it sends before that. Returns 0, or -1 if no daemon
//  listened (said).
int hs_client_publish_open (hs_client_t *self);

//  Send one message (topic, body) to the ingest, fire-and-forget, after
//  hs_client_publish_open. Returns 0, or -1 if it could not be queued.
int hs_client_publish_send (hs_client_t *self, const char *topic, const void *body, size_t size);

//  Acknowledged submit (the Lazy Pirate pattern of the ZeroMQ guide): send
//  one message to the submit endpoint and wait for the daemon's answer,
//  sending the same bytes again (same id: the daemon deduplicates) on a
//  fresh socket when none comes within the timeout (default
//  HS_CLIENT_SUBMIT_TIMEOUT), and again after a pause when the daemon could
//  not store it. `where` names the message in what is said. Returns 0 with
//  *reply holding a final answer (ok, duplicate or rejected), or -1 after
//  the last try (said).
int hs_client_submit (hs_client_t *self, const char *topic, const void *body, size_t size,
                      const char *where, hs_submit_reply_t *reply);

void hs_client_test (bool verbose);

#endif
