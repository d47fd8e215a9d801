/*  =========================================================================
    hs_web_link - how huishang-web reaches its daemon
    =========================================================================
*/

#include "hs_web_link.h"
#include "../protocol/hs_json.h"

struct _hs_web_link_t {
    const hs_config_t *config;
    char *api, *publish, *submit;       //  overrides, or NULL
    char *cert_file, *server_key, *server_cert;
};

hs_web_link_t *
hs_web_link_new (const hs_config_t *config)
{
    hs_web_link_t *self = (hs_web_link_t *) zmalloc (sizeof (hs_web_link_t));
    self->config = config;
    return self;
}

void
hs_web_link_destroy (hs_web_link_t **self_p)
{
    if (*self_p) {
        hs_web_link_t *self = *self_p;
        zstr_free (&self->api);
        zstr_free (&self->publish);
        zstr_free (&self->submit);
        zstr_free (&self->cert_file);
        zstr_free (&self->server_key);
        zstr_free (&self->server_cert);
        free (self);
        *self_p = NULL;
    }
}

static void
s_set (char **field, const char *value)
{
    zstr_free (field);
    *field = value? strdup (value): NULL;
}

void
hs_web_link_set_api (hs_web_link_t *self, const char *endpoint)
{
    s_set (&self->api, endpoint);
}

void
hs_web_link_set_publish (hs_web_link_t *self, const char *endpoint)
{
    s_set (&self->publish, endpoint);
}

void
hs_web_link_set_submit (hs_web_link_t *self, const char *endpoint)
{
    s_set (&self->submit, endpoint);
}

int
hs_web_link_set_identity (hs_web_link_t *self, const char *cert_file,
                          const char *server_key, const char *server_cert)
{
    s_set (&self->cert_file, cert_file);
    s_set (&self->server_key, server_key);
    s_set (&self->server_cert, server_cert? server_cert: self->config->server_cert);
    //  Tried once here, so a wrong file is said at start and not per request.
    hs_client_t *client = hs_client_new (self->config);
    int rc = hs_client_set_identity (client, self->cert_file, self->server_key,
                                     self->server_cert);
    hs_client_destroy (&client);
    return rc;
}

hs_client_t *
hs_web_link_client (hs_web_link_t *self, int timeout_ms)
{
    hs_client_t *client = hs_client_new (self->config);
    if (self->api)
        hs_client_set_api (client, self->api);
    if (self->publish)
        hs_client_set_publish (client, self->publish);
    if (self->submit)
        hs_client_set_submit (client, self->submit);
    if (self->cert_file)
        hs_client_set_identity (client, self->cert_file, self->server_key, self->server_cert);
    hs_client_set_timeout (client, timeout_ms);
    return client;
}

const hs_config_t *
hs_web_link_config (hs_web_link_t *self)
{
    return self->config;
}

int
hs_web_link_request (hs_client_t *client, const char *command, hs_pack_t *args,
                      json_t **body)
{
    hs_client_reply_t reply;
    int rc = hs_client_request (client, command, args, &reply);
    *body = reply.body? hs_json_from_object (reply.body): NULL;
    if (!*body || !json_is_object (*body)) {
        json_decref (*body);
        *body = json_object ();
    }
    hs_client_reply_destroy (&reply);
    return rc;
}
