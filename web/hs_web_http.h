/*  =========================================================================
    hs_web_http - huishang-web's HTTP server (libmicrohttpd) and its routes

    A thread per connection (an SSE stream blocks in its reader), bounded:
    HS_WEB_HTTP_CONNECTIONS in all, HS_WEB_HTTP_PER_IP from one address,
    request bodies of at most HS_WEB_HTTP_BODY_MAX bytes (more: 413), SSE
    streams as hs_web_feed bounds them (more: 503). TLS when a certificate
    and key are given. The routes are web-contract.md's: the pages, their
    assets and Chart.js, the JSON api, the event stream, login, logout and
    acting on a case.
    =========================================================================
*/

#ifndef HS_WEB_HTTP_H_INCLUDED
#define HS_WEB_HTTP_H_INCLUDED

#include "hs_web_auth.h"
#include "hs_web_feed.h"
#include "hs_web_duty.h"
#include "hs_web_link.h"

#define HS_WEB_HTTP_CONNECTIONS 256
#define HS_WEB_HTTP_PER_IP      128
#define HS_WEB_HTTP_BODY_MAX    (64 * 1024)
#define HS_WEB_HTTP_CHART_JS    "/usr/share/javascript/chart.js/chart.min.js"

typedef struct _hs_web_http_t hs_web_http_t;

//  What the server is given; all of it must outlive the server.
typedef struct {
    const char *listen;         //  ADDR:PORT ([ADDR]:PORT for IPv6)
    const char *tls_cert, *tls_key;     //  PEM files, or NULL: plain HTTP
    hs_web_link_t *link;
    hs_web_feed_t *feed;
    hs_web_duty_t *duty;        //  /api/board's meetings, actions, feeders
    hs_web_auth_t *auth;
} hs_web_http_options_t;

//  Start serving. NULL with the reason in `error`.
hs_web_http_t *hs_web_http_new (const hs_web_http_options_t *options, char *error,
                                size_t error_size);

//  Stop (the feed's streams must be closed first) and free. Idempotent.
void hs_web_http_destroy (hs_web_http_t **self_p);

//  The port it listens on (the one the system chose for port 0).
int hs_web_http_port (hs_web_http_t *self);

void hs_web_http_test (bool verbose);

#endif
