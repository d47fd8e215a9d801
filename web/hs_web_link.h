/*  =========================================================================
    hs_web_link - how huishang-web reaches its daemon

    The endpoints (from the configuration, each overridable) and, with
    security on, the board's own certificate and the daemon's public key.
    Every thread of the board makes its own hs_client from it (a zsock is
    never shared between threads): the feed's thread, each HTTP request.
    =========================================================================
*/

#ifndef HS_WEB_LINK_H_INCLUDED
#define HS_WEB_LINK_H_INCLUDED

#include "../clients/hs_client.h"
#include <jansson.h>

typedef struct _hs_web_link_t hs_web_link_t;

//  A link to the daemon the configuration names. Caller owns it; the
//  configuration must outlive it.
hs_web_link_t *hs_web_link_new (const hs_config_t *config);
void hs_web_link_destroy (hs_web_link_t **self_p);

//  Override an endpoint (copied).
void hs_web_link_set_api (hs_web_link_t *self, const char *endpoint);
void hs_web_link_set_publish (hs_web_link_t *self, const char *endpoint);
void hs_web_link_set_submit (hs_web_link_t *self, const char *endpoint);

//  Speak with this certificate (and the daemon's key, given as Z85 text or
//  read from a certificate file). Checked here: returns 0, or -1 (said).
int hs_web_link_set_identity (hs_web_link_t *self, const char *cert_file,
                              const char *server_key, const char *server_cert);

//  A new client with these endpoints and identity, waiting at most
//  `timeout_ms` for each answer. Caller owns it (hs_client_destroy).
hs_client_t *hs_web_link_client (hs_web_link_t *self, int timeout_ms);

//  The configuration, borrowed.
const hs_config_t *hs_web_link_config (hs_web_link_t *self);

//  An api request's reply body as JSON (the error body too). Returns 0
//  ok, 1 the daemon said error, -1 no answer. *body is always set (caller
//  owns it; {} when there was none).
int hs_web_link_request (hs_client_t *client, const char *command, hs_pack_t *args,
                          json_t **body);

#endif
