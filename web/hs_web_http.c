/*  =========================================================================
    hs_web_http - huishang-web's HTTP server (libmicrohttpd) and its routes
    =========================================================================
*/

#include "hs_web_http.h"
#include "../daemon/hs_log.h"
#include "hs_web_act.h"
#include "hs_web_assets.h"
#include "hs_web_board.h"
#include <arpa/inet.h>
#include <microhttpd.h>
#include <netinet/in.h>

#define CONNECTION_TIMEOUT  120     //  s of silence before MHD closes a connection
#define ALERTS_DEFAULT      100
#define ALERTS_MAX          500

struct _hs_web_http_t {
    const hs_web_http_options_t *options;
    struct MHD_Daemon *daemon;
    bool tls;
    char *tls_cert, *tls_key;       //  the PEM texts
    char *chart;                    //  Chart.js, or NULL: not installed
    size_t chart_size;
};

//  One request's state, across MHD's calls.
typedef struct {
    char *body;
    size_t size;
    bool too_big;
} s_request_t;

//  ---------------------------------------------------------------------
//  Replies

static enum MHD_Result
s_send (struct MHD_Connection *connection, unsigned int status, const char *type,
        const void *data, size_t size, const char *cookie, const char *location)
{
    struct MHD_Response *response = MHD_create_response_from_buffer (size, (void *) data,
                                                                     MHD_RESPMEM_MUST_COPY);
    if (!response)
        return MHD_NO;
    MHD_add_response_header (response, "Content-Type", type);
    MHD_add_response_header (response, "X-Content-Type-Options", "nosniff");
    MHD_add_response_header (response, "X-Frame-Options", "DENY");
    MHD_add_response_header (response, "Referrer-Policy", "same-origin");
    if (strncmp (type, "application/json", 16) == 0 || strncmp (type, "text/html", 9) == 0)
        MHD_add_response_header (response, "Cache-Control", "no-store");
    if (cookie)
        MHD_add_response_header (response, "Set-Cookie", cookie);
    if (location)
        MHD_add_response_header (response, "Location", location);
    enum MHD_Result rc = MHD_queue_response (connection, status, response);
    MHD_destroy_response (response);
    return rc;
}

static enum MHD_Result
s_text (struct MHD_Connection *connection, unsigned int status, const char *text)
{
    return s_send (connection, status, "text/plain; charset=utf-8", text, strlen (text),
                   NULL, NULL);
}

//  Send a JSON value and free it.
static enum MHD_Result
s_json (struct MHD_Connection *connection, unsigned int status, json_t *value)
{
    char *text = json_dumps (value, JSON_COMPACT);
    json_decref (value);
    enum MHD_Result rc = s_send (connection, status, "application/json; charset=utf-8",
                                 text? text: "null", text? strlen (text): 4, NULL, NULL);
    free (text);
    return rc;
}

static enum MHD_Result
s_json_error (struct MHD_Connection *connection, unsigned int status, const char *code,
              const char *detail)
{
    return s_json (connection, status, json_pack ("{s:s, s:s, s:s}", "error", code, "code", code,
                                                  "detail", detail));
}

static const hs_web_asset_t *
s_asset (const char *name)
{
    for (size_t index = 0; hs_web_assets [index].name; index++)
        if (streq (hs_web_assets [index].name, name))
            return &hs_web_assets [index];
    return NULL;
}

static const char *
s_content_type (const char *name)
{
    static const struct { const char *extension, *type; } types [] = {
        { ".html", "text/html; charset=utf-8" }, { ".css", "text/css; charset=utf-8" },
        { ".js", "application/javascript; charset=utf-8" },
        { ".json", "application/json; charset=utf-8" }, { ".svg", "image/svg+xml" },
        { ".png", "image/png" }, { ".ico", "image/x-icon" }, { ".woff2", "font/woff2" },
        { ".txt", "text/plain; charset=utf-8" }, { NULL, NULL }
    };
    const char *dot = strrchr (name, '.');
    for (size_t index = 0; dot && types [index].extension; index++)
        if (streq (dot, types [index].extension))
            return types [index].type;
    return "application/octet-stream";
}

static enum MHD_Result
s_serve_asset (struct MHD_Connection *connection, const char *name, unsigned int status)
{
    const hs_web_asset_t *asset = s_asset (name);
    if (!asset) {
        char text [200];
        snprintf (text, sizeof (text), "404: no asset '%.64s' in this build of huishang-web\n",
                  name);
        return s_text (connection, 404, text);
    }
    return s_send (connection, status, s_content_type (name), asset->data, asset->size,
                   NULL, NULL);
}

//  The login page with an error said on it.
static enum MHD_Result
s_login_refused (struct MHD_Connection *connection, unsigned int status, const char *error)
{
    const hs_web_asset_t *asset = s_asset ("login.html");
    char *message = zsys_sprintf ("<p id=\"login-error\" class=\"error\">%s</p>", error);
    char *page;
    if (!asset)
        page = zsys_sprintf ("<!DOCTYPE html><meta charset=\"utf-8\"><title>登录 login</title>%s",
                             message);
    else {
        //  At <!--error--> if the page has it, else right after <body ...>.
        char *text = strndup ((const char *) asset->data, asset->size);
        char *marker = strstr (text, "<!--error-->");
        size_t skip = marker? strlen ("<!--error-->"): 0;
        if (!marker && (marker = strstr (text, "<body"))) {
            marker = strchr (marker, '>');
            marker = marker? marker + 1: NULL;
        }
        size_t head = marker? (size_t) (marker - text): 0;
        page = zsys_sprintf ("%.*s%s%s", (int) head, text, message, text + head + skip);
        free (text);
    }
    enum MHD_Result rc = s_send (connection, status, "text/html; charset=utf-8", page,
                                 strlen (page), NULL, NULL);
    free (page);
    free (message);
    return rc;
}

//  ---------------------------------------------------------------------
//  Reading requests

//  Decode %XX and + in place.
static void
s_url_decode (char *text)
{
    char *out = text;
    for (char *in = text; *in; in++) {
        if (*in == '+')
            *out++ = ' ';
        else
        if (*in == '%' && isxdigit ((unsigned char) in [1]) && isxdigit ((unsigned char) in [2])) {
            char hex [3] = { in [1], in [2], 0 };
            *out++ = (char) strtol (hex, NULL, 16);
            in += 2;
        }
        else
            *out++ = *in;
    }
    *out = 0;
}

//  The request's fields: a JSON object from a JSON body, else from a form.
//  Caller owns it.
static json_t *
s_fields (struct MHD_Connection *connection, s_request_t *request)
{
    const char *type = MHD_lookup_connection_value (connection, MHD_HEADER_KIND, "Content-Type");
    json_t *fields = NULL;
    if (type && strncmp (type, "application/json", 16) == 0 && request->body) {
        fields = json_loadb (request->body, request->size, 0, NULL);
        if (!json_is_object (fields)) {
            json_decref (fields);
            fields = NULL;
        }
    }
    if (!fields) {
        fields = json_object ();
        char *body = request->body? strndup (request->body, request->size): strdup ("");
        char *save = NULL;
        for (char *pair = strtok_r (body, "&", &save); pair; pair = strtok_r (NULL, "&", &save)) {
            char *equals = strchr (pair, '=');
            if (!equals)
                continue;
            *equals = 0;
            s_url_decode (pair);
            s_url_decode (equals + 1);
            json_t *value = json_string (equals + 1);       //  NULL unless valid UTF-8
            if (value)
                json_object_set_new (fields, pair, value);
        }
        free (body);
    }
    return fields;
}

//  A field as text (numbers too), or NULL.
static const char *
s_field (json_t *fields, const char *key, char *buffer, size_t size)
{
    json_t *value = json_object_get (fields, key);
    if (json_is_string (value))
        return json_string_value (value);
    if (json_is_integer (value)) {
        snprintf (buffer, size, "%lld", (long long) json_integer_value (value));
        return buffer;
    }
    return NULL;
}

static void
s_address (struct MHD_Connection *connection, char *out, size_t size)
{
    const union MHD_ConnectionInfo *info = MHD_get_connection_info (connection,
                                                    MHD_CONNECTION_INFO_CLIENT_ADDRESS);
    snprintf (out, size, "?");
    if (!info || !info->client_addr)
        return;
    if (info->client_addr->sa_family == AF_INET)
        inet_ntop (AF_INET, &((const struct sockaddr_in *) info->client_addr)->sin_addr, out,
                   (socklen_t) size);
    else
    if (info->client_addr->sa_family == AF_INET6)
        inet_ntop (AF_INET6, &((const struct sockaddr_in6 *) info->client_addr)->sin6_addr, out,
                   (socklen_t) size);
}

//  The logged-in user, if any.
static bool
s_user (hs_web_http_t *self, struct MHD_Connection *connection, hs_web_user_t *user)
{
    const char *id = MHD_lookup_connection_value (connection, MHD_COOKIE_KIND, "hs_session");
    return id && hs_web_auth_session (self->options->auth, id, user);
}

//  ---------------------------------------------------------------------
//  The routes

static enum MHD_Result
s_login (hs_web_http_t *self, struct MHD_Connection *connection, s_request_t *request)
{
    if (!hs_web_auth_enabled (self->options->auth))
        return s_login_refused (connection, 403, "此看板无用户 this board has no users (--users)");
    json_t *fields = s_fields (connection, request);
    char address [64], buffer [32], id [HS_WEB_AUTH_ID_TEXT + 1];
    s_address (connection, address, sizeof (address));
    const char *name = s_field (fields, "name", buffer, sizeof (buffer));
    const char *password = json_string_value (json_object_get (fields, "password"));
    int rc = hs_web_auth_login (self->options->auth, address, name? name: "",
                                password? password: "", id);
    json_decref (fields);
    if (rc == 2)
        return s_login_refused (connection, 429, "登录失败次数过多，请稍后再试 too many failed "
                                "logins: wait a minute");
    if (rc)
        return s_login_refused (connection, 401, "用户名或密码错误 wrong name or password");
    char cookie [200];
    snprintf (cookie, sizeof (cookie), "hs_session=%s; HttpOnly; SameSite=Strict; Path=/%s",
              id, self->tls? "; Secure": "");
    return s_send (connection, 303, "text/plain; charset=utf-8", "", 0, cookie, "/");
}

static enum MHD_Result
s_logout (hs_web_http_t *self, struct MHD_Connection *connection, s_request_t *request)
{
    hs_web_user_t user;
    json_t *fields = s_fields (connection, request);
    const char *csrf = json_string_value (json_object_get (fields, "csrf"));
    enum MHD_Result rc;
    if (!s_user (self, connection, &user))
        rc = s_json_error (connection, 401, "login", "not logged in");
    else
    if (!hs_web_auth_same (csrf, user.csrf))
        rc = s_json_error (connection, 403, "csrf", "the csrf token is missing or wrong");
    else {
        hs_web_auth_logout (self->options->auth,
                            MHD_lookup_connection_value (connection, MHD_COOKIE_KIND, "hs_session"));
        char cookie [160];
        snprintf (cookie, sizeof (cookie), "hs_session=; HttpOnly; SameSite=Strict; Path=/; "
                  "Max-Age=0%s", self->tls? "; Secure": "");
        rc = s_send (connection, 303, "text/plain; charset=utf-8", "", 0, cookie, "/");
    }
    json_decref (fields);
    return rc;
}

static enum MHD_Result
s_act (hs_web_http_t *self, struct MHD_Connection *connection, s_request_t *request)
{
    hs_web_user_t user;
    if (!s_user (self, connection, &user))
        return s_json_error (connection, 401, "login", "log in first");
    json_t *fields = s_fields (connection, request);
    const char *csrf = json_string_value (json_object_get (fields, "csrf"));
    if (!csrf)
        csrf = MHD_lookup_connection_value (connection, MHD_HEADER_KIND, "X-CSRF-Token");
    if (!hs_web_auth_same (csrf, user.csrf)) {
        json_decref (fields);
        return s_json_error (connection, 403, "csrf", "the csrf token is missing or wrong");
    }
    char buffers [6][32];
    const char *until = s_field (fields, "until", buffers [0], sizeof (buffers [0]));
    hs_web_act_request_t act = {
        .kase = s_field (fields, "case", buffers [1], sizeof (buffers [1])),
        .action = s_field (fields, "action", buffers [2], sizeof (buffers [2])),
        .note = s_field (fields, "note", buffers [3], sizeof (buffers [3])),
        .level = s_field (fields, "level", buffers [4], sizeof (buffers [4])),
        .status = s_field (fields, "status", buffers [5], sizeof (buffers [5])),
        .until = until? strtoll (until, NULL, 10): 0
    };
    int status;
    json_t *reply = hs_web_act_run (self->options->link, &user, &act, &status);
    json_decref (fields);
    return s_json (connection, (unsigned int) status, reply);
}

static enum MHD_Result
s_events (hs_web_http_t *self, struct MHD_Connection *connection)
{
    const char *last = MHD_lookup_connection_value (connection, MHD_HEADER_KIND, "Last-Event-ID");
    if (!last)
        last = MHD_lookup_connection_value (connection, MHD_GET_ARGUMENT_KIND, "since");
    int64_t since = -1;
    if (last && *last) {
        char *end;
        long long value = strtoll (last, &end, 10);
        if (*end || value < 0)
            return s_text (connection, 400, "Last-Event-ID / since: a seq\n");
        since = value;
    }
    struct MHD_Response *response = hs_web_feed_stream (self->options->feed, since);
    if (!response)
        return s_text (connection, 503, "503: too many live streams open; try again later\n");
    MHD_add_response_header (response, "Content-Type", "text/event-stream; charset=utf-8");
    MHD_add_response_header (response, "Cache-Control", "no-store");
    MHD_add_response_header (response, "X-Accel-Buffering", "no");
    enum MHD_Result rc = MHD_queue_response (connection, 200, response);
    MHD_destroy_response (response);
    return rc;
}

static enum MHD_Result
s_get (hs_web_http_t *self, struct MHD_Connection *connection, const char *url)
{
    hs_web_user_t user;
    bool logged_in = s_user (self, connection, &user);
    int status = 200;
    if (streq (url, "/"))
        return s_serve_asset (connection, "board.html", 200);
    if (strncmp (url, "/case/", 6) == 0 && url [6])
        return s_serve_asset (connection, "case.html", 200);
    if (streq (url, "/briefing"))
        return s_serve_asset (connection, "briefing.html", 200);
    if (streq (url, "/login"))
        return s_serve_asset (connection, "login.html", 200);
    if (strncmp (url, "/assets/", 8) == 0 && !strchr (url + 8, '/'))
        return s_serve_asset (connection, url + 8, 200);
    if (streq (url, "/js/chart.js"))
        return self->chart? s_send (connection, 200, "application/javascript; charset=utf-8",
                                    self->chart, self->chart_size, NULL, NULL):
               s_text (connection, 404, "404: Chart.js is not installed (Debian package "
                       "libjs-chart.js: " HS_WEB_HTTP_CHART_JS ")\n");
    if (streq (url, "/events"))
        return s_events (self, connection);
    if (streq (url, "/api/config"))
        return s_json (connection, 200, hs_web_board_config (self->options->link,
                       self->options->feed, logged_in? &user: NULL));
    if (streq (url, "/api/board")) {
        json_t *board = hs_web_board_board (self->options->link, self->options->duty, &status);
        return s_json (connection, (unsigned int) status, board);
    }
    if (streq (url, "/api/alerts")) {
        const char *text = MHD_lookup_connection_value (connection, MHD_GET_ARGUMENT_KIND, "limit");
        long limit = text? strtol (text, NULL, 10): ALERTS_DEFAULT;
        if (limit < 1 || limit > ALERTS_MAX)
            return s_json_error (connection, 400, "bad_value", "limit: 1 to 500");
        return s_json (connection, 200, hs_web_feed_alerts (self->options->feed, (size_t) limit));
    }
    if (strncmp (url, "/api/case/", 10) == 0 && url [10]) {
        json_t *kase = hs_web_board_case (self->options->link, url + 10,
                                          logged_in? &user: NULL, &status);
        return s_json (connection, (unsigned int) status, kase);
    }
    if (streq (url, "/api/briefing")) {
        const char *period = MHD_lookup_connection_value (connection, MHD_GET_ARGUMENT_KIND, "period");
        period = period? period: "daily";
        if (!streq (period, "daily") && !streq (period, "weekly"))
            return s_json_error (connection, 400, "bad_value", "period: daily or weekly");
        json_t *brief = hs_web_feed_brief (self->options->feed, period);
        if (!brief)
            return s_json_error (connection, 404, "no_brief", "no briefing of that period yet");
        return s_json (connection, 200, json_pack ("{s:o}", "brief", brief));
    }
    return s_text (connection, 404, "404: not found\n");
}

static enum MHD_Result
s_access (void *cls, struct MHD_Connection *connection, const char *url, const char *method,
          const char *version, const char *upload_data, size_t *upload_data_size, void **state)
{
    (void) version;
    hs_web_http_t *self = (hs_web_http_t *) cls;
    s_request_t *request = (s_request_t *) *state;
    if (!request) {
        request = (s_request_t *) zmalloc (sizeof (s_request_t));
        *state = request;
        return MHD_YES;
    }
    if (*upload_data_size) {
        if (request->size + *upload_data_size > HS_WEB_HTTP_BODY_MAX)
            request->too_big = true;
        else {
            request->body = (char *) realloc (request->body, request->size + *upload_data_size);
            memcpy (request->body + request->size, upload_data, *upload_data_size);
            request->size += *upload_data_size;
        }
        *upload_data_size = 0;
        return MHD_YES;
    }
    if (request->too_big)
        return s_text (connection, 413, "413: the request body is too large\n");
    if (streq (method, "GET") || streq (method, "HEAD"))
        return s_get (self, connection, url);
    if (streq (method, "POST")) {
        if (streq (url, "/login"))
            return s_login (self, connection, request);
        if (streq (url, "/logout"))
            return s_logout (self, connection, request);
        if (streq (url, "/api/act"))
            return s_act (self, connection, request);
        return s_text (connection, 404, "404: not found\n");
    }
    return s_text (connection, 405, "405: GET or POST\n");
}

static void
s_completed (void *cls, struct MHD_Connection *connection, void **state,
             enum MHD_RequestTerminationCode code)
{
    (void) cls;
    (void) connection;
    (void) code;
    s_request_t *request = (s_request_t *) *state;
    if (request) {
        free (request->body);
        free (request);
        *state = NULL;
    }
}

static void
s_mhd_log (void *cls, const char *format, va_list args)
{
    (void) cls;
    char text [512];
    vsnprintf (text, sizeof (text), format, args);
    size_t length = strlen (text);
    while (length && text [length - 1] == '\n')
        text [--length] = 0;
    hs_log_warning ("huishang-web: http: %s", text);
}

//  ---------------------------------------------------------------------
//  Life

//  A whole file, or NULL.
static char *
s_slurp (const char *path, size_t *size)
{
    FILE *file = fopen (path, "rb");
    if (!file)
        return NULL;
    char *data = NULL;
    size_t used = 0;
    char chunk [65536];
    size_t got;
    while ((got = fread (chunk, 1, sizeof (chunk), file)) > 0) {
        data = (char *) realloc (data, used + got + 1);
        memcpy (data + used, chunk, got);
        used += got;
    }
    fclose (file);
    if (data)
        data [used] = 0;
    *size = used;
    return data;
}

//  ADDR:PORT into an address. Returns 0, or -1.
static int
s_parse_listen (const char *listen, struct sockaddr_storage *address)
{
    char host [128];
    const char *colon = strrchr (listen, ':');
    if (!colon || colon == listen || (size_t) (colon - listen) >= sizeof (host))
        return -1;
    memcpy (host, listen, (size_t) (colon - listen));
    host [colon - listen] = 0;
    char *end;
    long port = strtol (colon + 1, &end, 10);
    if (*end || port < 0 || port > 65535)
        return -1;
    memset (address, 0, sizeof (*address));
    if (*host == '[' && host [strlen (host) - 1] == ']') {
        host [strlen (host) - 1] = 0;
        struct sockaddr_in6 *six = (struct sockaddr_in6 *) address;
        six->sin6_family = AF_INET6;
        six->sin6_port = htons ((uint16_t) port);
        return inet_pton (AF_INET6, host + 1, &six->sin6_addr) == 1? 0: -1;
    }
    struct sockaddr_in *four = (struct sockaddr_in *) address;
    four->sin_family = AF_INET;
    four->sin_port = htons ((uint16_t) port);
    return inet_pton (AF_INET, host, &four->sin_addr) == 1? 0: -1;
}

hs_web_http_t *
hs_web_http_new (const hs_web_http_options_t *options, char *error, size_t error_size)
{
    struct sockaddr_storage address;
    if (s_parse_listen (options->listen, &address)) {
        snprintf (error, error_size, "--listen %s: want ADDR:PORT (127.0.0.1:8470, [::1]:8470)",
                  options->listen);
        return NULL;
    }
    hs_web_http_t *self = (hs_web_http_t *) zmalloc (sizeof (hs_web_http_t));
    self->options = options;
    size_t size;
    self->chart = s_slurp (HS_WEB_HTTP_CHART_JS, &self->chart_size);
    if (!self->chart)
        hs_log_warning ("huishang-web: %s missing (install libjs-chart.js): /js/chart.js is 404",
                      HS_WEB_HTTP_CHART_JS);
    unsigned int flags = MHD_USE_THREAD_PER_CONNECTION | MHD_USE_INTERNAL_POLLING_THREAD
                       | MHD_USE_ERROR_LOG;
    if (address.ss_family == AF_INET6)
        flags |= MHD_USE_IPv6;
    if (options->tls_cert || options->tls_key) {
        self->tls_cert = options->tls_cert? s_slurp (options->tls_cert, &size): NULL;
        self->tls_key = options->tls_key? s_slurp (options->tls_key, &size): NULL;
        if (!self->tls_cert || !self->tls_key) {
            snprintf (error, error_size, "TLS needs both --tls-cert and --tls-key, readable PEM files");
            hs_web_http_destroy (&self);
            return NULL;
        }
        flags |= MHD_USE_TLS;
        self->tls = true;
    }
    if (self->tls)
        self->daemon = MHD_start_daemon (flags, 0, NULL, NULL, s_access, self,
            MHD_OPTION_EXTERNAL_LOGGER, s_mhd_log, self,
            MHD_OPTION_SOCK_ADDR, (struct sockaddr *) &address,
            MHD_OPTION_CONNECTION_LIMIT, (unsigned int) HS_WEB_HTTP_CONNECTIONS,
            MHD_OPTION_PER_IP_CONNECTION_LIMIT, (unsigned int) HS_WEB_HTTP_PER_IP,
            MHD_OPTION_CONNECTION_TIMEOUT, (unsigned int) CONNECTION_TIMEOUT,
            MHD_OPTION_NOTIFY_COMPLETED, s_completed, self,
            MHD_OPTION_HTTPS_MEM_CERT, self->tls_cert,
            MHD_OPTION_HTTPS_MEM_KEY, self->tls_key, MHD_OPTION_END);
    else
        self->daemon = MHD_start_daemon (flags, 0, NULL, NULL, s_access, self,
            MHD_OPTION_EXTERNAL_LOGGER, s_mhd_log, self,
            MHD_OPTION_SOCK_ADDR, (struct sockaddr *) &address,
            MHD_OPTION_CONNECTION_LIMIT, (unsigned int) HS_WEB_HTTP_CONNECTIONS,
            MHD_OPTION_PER_IP_CONNECTION_LIMIT, (unsigned int) HS_WEB_HTTP_PER_IP,
            MHD_OPTION_CONNECTION_TIMEOUT, (unsigned int) CONNECTION_TIMEOUT,
            MHD_OPTION_NOTIFY_COMPLETED, s_completed, self, MHD_OPTION_END);
    if (!self->daemon) {
        snprintf (error, error_size, "cannot serve HTTP%s on %s (in use? a bad certificate?)",
                  self->tls? "S": "", options->listen);
        hs_web_http_destroy (&self);
    }
    return self;
}

void
hs_web_http_destroy (hs_web_http_t **self_p)
{
    if (*self_p) {
        hs_web_http_t *self = *self_p;
        if (self->daemon)
            MHD_stop_daemon (self->daemon);
        free (self->chart);
        free (self->tls_cert);
        free (self->tls_key);
        free (self);
        *self_p = NULL;
    }
}

int
hs_web_http_port (hs_web_http_t *self)
{
    const union MHD_DaemonInfo *info = MHD_get_daemon_info (self->daemon, MHD_DAEMON_INFO_BIND_PORT);
    return info? (int) info->port: -1;
}

void
hs_web_http_test (bool verbose)
{
    if (verbose)
        printf (" * hs_web_http: ");
    struct sockaddr_storage address;
    assert (s_parse_listen ("127.0.0.1:8470", &address) == 0);
    assert (ntohs (((struct sockaddr_in *) &address)->sin_port) == 8470);
    assert (s_parse_listen ("[::1]:80", &address) == 0 && address.ss_family == AF_INET6);
    assert (s_parse_listen ("8470", &address) == -1);
    assert (s_parse_listen ("localhost:8470", &address) == -1);
    assert (s_parse_listen ("127.0.0.1:99999", &address) == -1);
    char text [] = "a%20b+c%E5%BC%A0%zz";
    s_url_decode (text);
    assert (streq (text, "a b c\xe5\xbc\xa0%zz"));
    assert (streq (s_content_type ("board.html"), "text/html; charset=utf-8"));
    assert (streq (s_content_type ("x.bin"), "application/octet-stream"));
    if (verbose)
        printf ("OK\n");
}
