/*  =========================================================================
    hs_config - huishangd's settings: huishang.cfg, its units and its rules
    =========================================================================
*/

#include "hs_config.h"
#include "hs_defaults.h"
#include "hs_log.h"
#include <libgen.h>

//  Generated at build time from config/*.cfg (see the Makefile).

//  Files the built-in config can name, by name.
static struct { const char *name; const char *text; } s_builtin [] = {
    { "units.cfg", hs_default_units_cfg },
    { "rules.cfg", hs_default_rules_cfg },
    { "holidays-cn-2026.txt", hs_default_holidays_cn_2026_txt },
    { NULL, NULL }
};

const char *hs_config_default_main (void)  { return hs_default_huishang_cfg; }
const char *hs_config_default_units (void) { return hs_default_units_cfg; }
const char *hs_config_default_rules (void) { return hs_default_rules_cfg; }

//  The keys each section may hold; anything else is a typo.
static const char *s_server_keys [] = {
    "district", "ingest", "submit", "publish", "api", "units", "rules", "heartbeat", NULL
};
static const char *s_store_keys [] = {
    "path", "map_size", "map_size_max", "check_timeout", "check_wait", "max_skew",
    "deadletters", "deadletter_bytes", "deadletter_reserve",
    NULL
};
static const char *s_limits_keys [] = {
    "max_message", "max_body", "max_depth", "max_items", "max_objects", "max_str",
    "max_workers", "max_amount", "max_future", "ingest_hwm", "publish_hwm", "batch_max",
    "source_rate", "source_burst",
    "max_frames", "max_total", "batch_bytes", "submit_hwm", "unattributed_rate", "unattributed_burst",
    NULL
};
static const char *s_log_keys [] = { "level", "reject_interval", NULL };
static const char *s_calendar_keys [] = { "utc_offset", "holidays", "warn_days", NULL };
static const char *s_feeds_keys [] = { "silence", NULL };
static const char *s_security_keys [] = { "enabled", "server_cert", "clients", "dashboards", NULL };
static const char *s_metrics_keys [] = { "file", "interval", NULL };
static const char *s_upstream_keys [] = {
    "submit", "unit", "topics", "timeout", "cert", "server_cert", NULL
};
static const char *s_connections_keys [] = {
    "handshake_timeout", "fd_reserve", "api_hwm", "reply_max", NULL
};
static const char *s_subscribers_keys [] = { "max", "per_connection", "total", NULL };

static int
s_check_keys (hs_zpl_t *zpl, char *error, size_t error_size)
{
    static const char *sections [] = {
        "server", "store", "limits", "log", "calendar", "feeds", "security", "metrics", "upstream",
        "connections", "subscribers", NULL
    };
    static const char **keys [] = { s_server_keys, s_store_keys, s_limits_keys, s_log_keys,
                                    s_calendar_keys, s_feeds_keys, s_security_keys, s_metrics_keys,
                                    s_upstream_keys, s_connections_keys, s_subscribers_keys };
    for (zconfig_t *section = zconfig_child (hs_zpl_root (zpl)); section; section = zconfig_next (section)) {
        int found = -1;
        for (int index = 0; sections [index]; index++)
            if (streq (zconfig_name (section), sections [index]))
                found = index;
        if (found < 0)
            return hs_zpl_error (zpl, section, error, error_size,
                                 "unknown section '%s'", zconfig_name (section));
        for (zconfig_t *node = zconfig_child (section); node; node = zconfig_next (node)) {
            bool known = false;
            for (const char **key = keys [found]; *key; key++)
                known |= streq (*key, zconfig_name (node));
            if (!known)
                return hs_zpl_error (zpl, node, error, error_size, "unknown setting '%s/%s'",
                                     zconfig_name (section), zconfig_name (node));
            if (zconfig_child (node))
                return hs_zpl_error (zpl, node, error, error_size, "'%s' takes a value, not children",
                                     zconfig_name (node));
        }
    }
    return 0;
}

static int
s_get_text (hs_zpl_t *zpl, const char *path, char **setting, char *error, size_t error_size)
{
    zconfig_t *node = zconfig_locate (hs_zpl_root (zpl), path);
    if (!node)
        return hs_zpl_error (zpl, NULL, error, error_size, "missing setting '%s'", path);
    const char *value = zconfig_value (node);
    if (!value || !*value)
        return hs_zpl_error (zpl, node, error, error_size, "'%s' is empty", path);
    hs_config_set (setting, value);
    return 0;
}

//  Read a number (with a size or duration unit) within [min, max].
static int
s_get_number (hs_zpl_t *zpl, const char *path, bool duration, int64_t min, int64_t max,
              int64_t *setting, char *error, size_t error_size)
{
    zconfig_t *node = zconfig_locate (hs_zpl_root (zpl), path);
    if (!node)
        return hs_zpl_error (zpl, NULL, error, error_size, "missing setting '%s'", path);
    const char *value = zconfig_value (node);
    int64_t number;
    int rc = duration? hs_zpl_duration (value, &number): hs_zpl_size (value, &number);
    if (rc || number < min || number > max)
        return hs_zpl_error (zpl, node, error, error_size,
                             "'%s' = '%s' must be %s between %lld and %lld", path, value,
                             duration? "a duration": "a number", (long long) min, (long long) max);
    *setting = number;
    return 0;
}

static int
s_endpoint_check (hs_zpl_t *zpl, const char *path, const char *endpoint, char *error, size_t error_size)
{
    if (strncmp (endpoint, "tcp://", 6) && strncmp (endpoint, "ipc://", 6)
    &&  strncmp (endpoint, "inproc://", 9))
        return hs_zpl_error (zpl, zconfig_locate (hs_zpl_root (zpl), path), error, error_size,
                             "'%s' must be a tcp://, ipc:// or inproc:// endpoint", path);
    return 0;
}

//  Load the units or rules file named by a setting, relative to `folder`,
//  or the compiled-in default when the main config is the built-in one.
//  The text of a file the config names: relative to the config's folder,
//  or one of the built-in files when the config is the built-in one.
//  Caller owns the returned text; NULL with `error` set if unreadable.
static char *
s_read_part (const char *folder, const char *name, char **file, char *error, size_t error_size)
{
    if (!folder) {
        hs_config_set (file, name);
        for (int index = 0; s_builtin [index].name; index++)
            if (streq (s_builtin [index].name, name))
                return strdup (s_builtin [index].text);
        snprintf (error, error_size, "%s: no such built-in file", name);
        return NULL;
    }
    char path [4096];
    if (*name == '/')
        hs_strcpy (path, sizeof (path), name);
    else
        snprintf (path, sizeof (path), "%s/%s", folder, name);
    hs_config_set (file, path);
    FILE *handle = fopen (path, "rb");
    zchunk_t *chunk = handle? zchunk_read (handle, 4 * 1024 * 1024): NULL;
    if (handle)
        fclose (handle);
    char *text = chunk? zchunk_strdup (chunk): NULL;
    zchunk_destroy (&chunk);
    if (!text)
        snprintf (error, error_size, "%s: cannot read: %s", path, strerror (errno));
    return text;
}

static hs_zpl_t *
s_load_part (const char *folder, const char *name, char **file, char *error, size_t error_size)
{
    char *text = s_read_part (folder, name, file, error, error_size);
    hs_zpl_t *zpl = text? hs_zpl_load_text (text, *file, error, error_size): NULL;
    free (text);
    return zpl;
}

const char *
hs_config_default_path (void)
{
    const char *named = getenv ("HUISHANG_CONFIG");
    if (named && *named)
        return named;
    return access (HS_CONFIG_INSTALLED, F_OK) == 0? HS_CONFIG_INSTALLED: NULL;
}

hs_config_t *
hs_config_load (const char *path, char *error, size_t error_size)
{
    hs_zpl_t *zpl = path? hs_zpl_load_file (path, error, error_size):
                          hs_zpl_load_text (hs_default_huishang_cfg, "huishang.cfg (built-in)",
                                            error, error_size);
    if (!zpl)
        return NULL;
    hs_config_t *self = (hs_config_t *) zmalloc (sizeof (hs_config_t));
    hs_config_set (&self->source, path? path: "(built-in)");
    hs_limits_default (&self->limits);
    int64_t number;
    char *units_name = NULL, *rules_name = NULL;
    int rc = s_check_keys (zpl, error, error_size);
#define TEXT(p, s) if (!rc) rc = s_get_text (zpl, p, s, error, error_size)
#define NUMBER(p, d, lo, hi, s) \
    if (!rc) rc = s_get_number (zpl, p, d, lo, hi, &number, error, error_size); \
    if (!rc) s = number
    TEXT ("server/district", &self->district);
    TEXT ("server/ingest", &self->ingest);
    TEXT ("server/publish", &self->publish);
    TEXT ("server/api", &self->api);
    TEXT ("server/submit", &self->submit);
    TEXT ("server/units", &units_name);
    TEXT ("server/rules", &rules_name);
    TEXT ("store/path", &self->store_path);
    NUMBER ("store/map_size", false, 1 << 20, 1LL << 40, self->map_size);
    NUMBER ("store/map_size_max", false, 1 << 20, 1LL << 44, self->map_size_max);
    NUMBER ("limits/max_message", false, 1024, 1 << 30, self->max_message);
    NUMBER ("limits/max_body", false, 256, 1 << 30, self->limits.max_body);
    NUMBER ("limits/max_depth", false, 2, 64, self->limits.max_depth);
    NUMBER ("limits/max_items", false, 16, 1 << 20, self->limits.max_items);
    NUMBER ("limits/max_objects", false, 64, 1 << 24, self->limits.max_objects);
    NUMBER ("limits/max_str", false, HS_SUMMARY_MAX, 1 << 30, self->limits.max_str);
    NUMBER ("limits/max_workers", false, 1, INT32_MAX, self->limits.max_workers);
    NUMBER ("limits/max_amount", false, 1, INT64_MAX / 2, self->limits.max_amount);
    NUMBER ("limits/max_future", true, 0, 365LL * 86400000, self->limits.max_future_ms);
    NUMBER ("limits/ingest_hwm", false, 0, INT32_MAX, self->ingest_hwm);
    NUMBER ("limits/publish_hwm", false, 0, INT32_MAX, self->publish_hwm);
    NUMBER ("limits/batch_max", false, 1, 1 << 20, self->batch_max);
    NUMBER ("limits/source_rate", false, 1, 1 << 30, self->source_rate);
    NUMBER ("limits/source_burst", false, 1, 1 << 30, self->source_burst);
    NUMBER ("log/reject_interval", true, 0, 86400000, self->reject_interval_ms);
    //  Issue 12's bounds: optional, so that a 0.4 file still loads (the
    //  shipped values unless set). The check must end well inside
    //  systemd's TimeoutStartSec (5 min in the unit). A whole message
    //  holds a body and its topic: never less than max_body.
#define OPTIONAL(p, d, fallback, lo, hi, s) \
    s = fallback; \
    if (zconfig_locate (hs_zpl_root (zpl), p)) { NUMBER (p, d, lo, hi, s); }
    int64_t body = 0, max_total = 66 << 10;
    if (hs_zpl_size (zconfig_get (hs_zpl_root (zpl), "limits/max_body", ""), &body) == 0
    &&  body + 2048 > max_total)
        max_total = body + 2048;
    OPTIONAL ("store/check_timeout", true, 120000, 0, 86400000, self->check_timeout_ms);
    OPTIONAL ("store/check_wait", true, 300, 0, 86400000, self->check_wait_ms);
    OPTIONAL ("store/max_skew", true, 3600000, 1000, 3650LL * 86400000, self->max_skew_ms);
    OPTIONAL ("limits/max_frames", false, 4, 2, 1024, self->max_frames);
    OPTIONAL ("limits/max_total", false, max_total, 1024, 1LL << 30, self->max_total);
    OPTIONAL ("limits/batch_bytes", false, 16 << 20, 1024, 1LL << 34, self->batch_bytes);
    OPTIONAL ("limits/submit_hwm", false, 1000, 1, INT32_MAX, self->submit_hwm);
    OPTIONAL ("limits/unattributed_rate", false, 100, 1, 1 << 30, self->unattributed_rate);
    OPTIONAL ("limits/unattributed_burst", false, 1000, 1, 1 << 30, self->unattributed_burst);
    OPTIONAL ("store/deadletters", false, 10000, 0, 1LL << 32, self->deadletters_max);
    OPTIONAL ("store/deadletter_bytes", false, 16 << 20, 0, 1LL << 40, self->deadletter_bytes);
    OPTIONAL ("store/deadletter_reserve", false, 32 << 20, 0, 1LL << 44, self->deadletter_reserve);
    //  The publish socket's subscribers.
    OPTIONAL ("subscribers/max", false, 40, 1, 1 << 20, self->subscribers_max);
    OPTIONAL ("subscribers/per_connection", false, 64, 1, 1 << 20,
              self->subscriptions_per_connection);
    OPTIONAL ("subscribers/total", false, 4096, 1, 1 << 24, self->subscriptions_total);
    //  Connections: how long a peer may take to finish its handshake,
    //  descriptors kept from peers, what one api peer may be answered and
    //  queued.
    OPTIONAL ("connections/handshake_timeout", true, 5000, 100, 3600000, self->handshake_timeout_ms);
    OPTIONAL ("connections/fd_reserve", false, 64, 8, 1 << 20, self->fd_reserve);
    OPTIONAL ("connections/api_hwm", false, 16, 1, 1 << 20, self->api_hwm);
    OPTIONAL ("connections/reply_max", false, 1 << 20, 4096, 1 << 30, self->reply_max);
    //  The heartbeat on publish (issue 15): 0 is none.
    OPTIONAL ("server/heartbeat", true, 2000, 0, 3600000, self->heartbeat_ms);
    //  Optional, as later settings are: a file from 0.3 has none.
    OPTIONAL ("metrics/interval", true, 15000, 1000, 86400000, self->metrics_interval_ms);
    if (zconfig_locate (hs_zpl_root (zpl), "metrics/file"))
        TEXT ("metrics/file", &self->metrics_file);
    //  Forwarding to the level above: only with upstream/submit.
    OPTIONAL ("upstream/timeout", true, 3000, 100, 3600000, self->upstream_timeout_ms);
    if (!rc && self->district)
        self->upstream_unit = zsys_sprintf ("street.%s", self->district);
    hs_config_set (&self->upstream_topics, "escalate.city");
    if (zconfig_locate (hs_zpl_root (zpl), "upstream/submit"))
        TEXT ("upstream/submit", &self->upstream_submit);
    if (zconfig_locate (hs_zpl_root (zpl), "upstream/unit"))
        TEXT ("upstream/unit", &self->upstream_unit);
    if (zconfig_locate (hs_zpl_root (zpl), "upstream/topics"))
        TEXT ("upstream/topics", &self->upstream_topics);
    if (zconfig_locate (hs_zpl_root (zpl), "upstream/cert"))
        TEXT ("upstream/cert", &self->upstream_cert);
    if (zconfig_locate (hs_zpl_root (zpl), "upstream/server_cert"))
        TEXT ("upstream/server_cert", &self->upstream_server_cert);
    hs_config_set (&self->log_level_name, "info");
    if (zconfig_locate (hs_zpl_root (zpl), "log/level"))
        TEXT ("log/level", &self->log_level_name);
    NUMBER ("calendar/utc_offset", true, 0, 14 * 3600000LL, self->utc_offset_ms);
    self->holiday_warn_days = 60;       //  warn this many days before the lists run out
    if (zconfig_locate (hs_zpl_root (zpl), "calendar/warn_days")) {
        NUMBER ("calendar/warn_days", false, 0, 366, self->holiday_warn_days);
    }
    NUMBER ("feeds/silence", true, 1000, 365LL * 86400000, self->silence_ms);
    NUMBER ("security/enabled", false, 0, 1, self->security);
    NUMBER ("security/dashboards", false, 0, 1, self->secure_dashboards);
    TEXT ("security/server_cert", &self->server_cert);
    TEXT ("security/clients", &self->clients_dir);
#undef TEXT
#undef NUMBER
#undef OPTIONAL
    if (!rc && (self->log_level = hs_log_level_parse (self->log_level_name)) < 0)
        rc = hs_zpl_error (zpl, zconfig_locate (hs_zpl_root (zpl), "log/level"), error, error_size,
                           "level is one of error, warning, notice, info, debug");
    if (!rc && self->map_size_max < self->map_size)
        rc = hs_zpl_error (zpl, zconfig_locate (hs_zpl_root (zpl), "store/map_size_max"),
                           error, error_size, "map_size_max is smaller than map_size");
    if (!rc && self->max_total < (int64_t) self->limits.max_body)
        rc = hs_zpl_error (zpl, zconfig_locate (hs_zpl_root (zpl), "limits/max_total"),
                           error, error_size, "max_total is smaller than max_body");
    if (!rc && self->max_message < (int64_t) self->limits.max_body)
        rc = hs_zpl_error (zpl, zconfig_locate (hs_zpl_root (zpl), "limits/max_message"),
                           error, error_size, "max_message is smaller than max_body");
    if (!rc)
        rc = s_endpoint_check (zpl, "server/ingest", self->ingest, error, error_size);
    if (!rc)
        rc = s_endpoint_check (zpl, "server/publish", self->publish, error, error_size);
    if (!rc)
        rc = s_endpoint_check (zpl, "server/api", self->api, error, error_size);
    if (!rc)
        rc = s_endpoint_check (zpl, "server/submit", self->submit, error, error_size);

    char *folder = NULL;
    if (path) {
        char *copy = strdup (path);
        folder = strdup (dirname (copy));
        free (copy);
    }
    if (!rc) {
        hs_zpl_t *part = s_load_part (folder, units_name, &self->units_file, error, error_size);
        self->units = part? hs_units_load (part, error, error_size): NULL;
        hs_zpl_destroy (&part);
        rc = self->units? 0: -1;
    }
    if (!rc) {
        hs_zpl_t *part = s_load_part (folder, rules_name, &self->rules_file, error, error_size);
        self->rules = part? hs_rules_load (part, self->units, error, error_size): NULL;
        hs_zpl_destroy (&part);
        rc = self->rules? 0: -1;
    }
    //  Certificate paths are relative to the config file's folder.
    if (!rc && folder) {
        char **paths [] = { &self->server_cert, &self->clients_dir, &self->upstream_cert,
                            &self->upstream_server_cert };
        for (int index = 0; index < 4; index++)
            if (*paths [index] && **paths [index] != '/') {
                char *absolute = zsys_sprintf ("%s/%s", folder, *paths [index]);
                hs_config_set (paths [index], absolute);
                zstr_free (&absolute);
            }
    }
    char *holidays = NULL;
    if (!rc)
        rc = s_get_text (zpl, "calendar/holidays", &holidays, error, error_size);
    if (!rc) {
        self->calendar = hs_calendar_new (self->utc_offset_ms);
        char *names = strdup (holidays);
        for (char *name = strtok (names, " "); name && !rc; name = strtok (NULL, " ")) {
            char *file = NULL;
            char *text = s_read_part (folder, name, &file, error, error_size);
            rc = text? hs_calendar_load (self->calendar, text, file, error, error_size): -1;
            free (text);
            free (file);
        }
        free (names);
    }
    free (holidays);
    self->time_scale = 1;
    free (folder);
    free (units_name);
    free (rules_name);
    hs_zpl_destroy (&zpl);
    if (rc)
        hs_config_destroy (&self);
    return self;
}

void
hs_config_destroy (hs_config_t **self_p)
{
    assert (self_p);
    if (*self_p) {
        hs_config_t *self = *self_p;
        free (self->source);
        free (self->district);
        free (self->ingest);
        free (self->publish);
        free (self->api);
        free (self->submit);
        free (self->server_cert);
        free (self->clients_dir);
        free (self->log_level_name);
        free (self->metrics_file);
        free (self->upstream_submit);
        free (self->upstream_unit);
        free (self->upstream_topics);
        free (self->upstream_cert);
        free (self->upstream_server_cert);
        free (self->store_path);
        free (self->units_file);
        free (self->rules_file);
        hs_rules_destroy (&self->rules);
        hs_units_destroy (&self->units);
        hs_calendar_destroy (&self->calendar);
        free (self);
        *self_p = NULL;
    }
}

static void
s_restart_needed (const char *what, const char *running, const char *fresh)
{
    if (strcmp (running, fresh))
        hs_log_warning ("hs_config: reload: %s changed from %s to %s; it takes a restart",
                        what, running, fresh);
}

void
hs_config_keep (hs_config_t *fresh, const hs_config_t *running)
{
    struct { const char *what; char **fresh; char *running; } texts [] = {
        { "ingest", &fresh->ingest, running->ingest }, { "submit", &fresh->submit, running->submit },
        { "publish", &fresh->publish, running->publish }, { "api", &fresh->api, running->api },
        { "store", &fresh->store_path, running->store_path },
        { "district", &fresh->district, running->district },
        { "security/server_cert", &fresh->server_cert, running->server_cert },
        { "security/clients", &fresh->clients_dir, running->clients_dir }
    };
    for (size_t index = 0; index < sizeof (texts) / sizeof (texts [0]); index++) {
        s_restart_needed (texts [index].what, texts [index].running, *texts [index].fresh);
        hs_config_set (texts [index].fresh, texts [index].running);
    }
    if (fresh->security != running->security || fresh->secure_dashboards != running->secure_dashboards)
        hs_log_warning ("hs_config: reload: security settings changed; they take a restart");
    if (fresh->reject_interval_ms != running->reject_interval_ms)
        hs_log_warning ("hs_config: reload: log/reject_interval changed; it takes a restart");
    fresh->security = running->security;
    fresh->secure_dashboards = running->secure_dashboards;
    fresh->reject_interval_ms = running->reject_interval_ms;
    fresh->max_message = running->max_message;
    fresh->ingest_hwm = running->ingest_hwm;
    fresh->publish_hwm = running->publish_hwm;
    fresh->submit_hwm = running->submit_hwm;
    fresh->time_scale = running->time_scale;
    fresh->time_start = running->time_start;
    //  Set on the sockets and the descriptor table at start.
    fresh->handshake_timeout_ms = running->handshake_timeout_ms;
    fresh->fd_reserve = running->fd_reserve;
    fresh->api_hwm = running->api_hwm;
}

void
hs_config_set (char **setting, const char *value)
{
    free (*setting);
    *setting = value? strdup (value): NULL;
}

int64_t
hs_config_parse_local (hs_config_t *self, const char *text)
{
    char date [11];
    int hours, minutes;
    char separator, tail;
    if (!text || strlen (text) != 16
    ||  sscanf (text, "%10s", date) != 1
    ||  sscanf (text + 10, "%c%2d:%2d%c", &separator, &hours, &minutes, &tail) != 3
    ||  (separator != 'T' && separator != ' ')
    ||  hours < 0 || hours > 23 || minutes < 0 || minutes > 59)
        return -1;
    int64_t day = hs_calendar_parse_date (date);
    if (day < 0)
        return -1;
    return hs_calendar_at (self->calendar, day, hours * 60 + minutes);
}

void
hs_config_test (bool verbose)
{
    if (verbose)
        printf (" * hs_config: ");
    char error [256];
    hs_config_t *config = hs_config_load (NULL, error, sizeof (error));
    if (!config)
        printf ("%s\n", error);
    assert (config);
    assert (streq (config->ingest, "tcp://127.0.0.1:5570"));
    assert (streq (config->district, "putuo"));
    assert (config->limits.max_body == 65536);
    assert (config->reject_interval_ms == 10000);
    assert (config->batch_max == 4096);
    assert (hs_units_find (config->units, "street.taopu"));
    assert (config->utc_offset_ms == 8 * 3600000LL);
    assert (config->heartbeat_ms == 2000);
    //  The built-in holiday list is loaded: 2026-02-17 is Spring Festival.
    assert (!hs_calendar_is_workday (config->calendar, hs_calendar_parse_date ("2026-02-17")));
    assert (hs_config_parse_local (config, "2026-02-13T15:00") == 1770966000000LL);
    assert (hs_config_parse_local (config, "2026-02-13 15:00") == 1770966000000LL);
    assert (hs_config_parse_local (config, "2026-02-13T25:00") == -1);
    hs_config_set (&config->ingest, "ipc://x");
    assert (streq (config->ingest, "ipc://x"));
    hs_config_destroy (&config);
    assert (!config);

    //  A file from 0.4 (none of issue 12's settings; a bigger max_body)
    //  still loads, on the shipped bounds, and a whole message may hold
    //  the biggest body.
    {
        static const char *added [] = { "check_timeout", "check_wait", "max_skew", "deadletter",
                                         "max_frames", "max_total", "batch_bytes", "submit_hwm",
                                         "unattributed", NULL };
        char *old = zmalloc (strlen (hs_default_huishang_cfg) + 1);
        const char *line = hs_default_huishang_cfg;
        while (*line) {
            const char *end = strchr (line, '\n');
            size_t length = end? (size_t) (end - line) + 1: strlen (line);
            bool drop = false;
            for (const char **key = added; *key; key++)
                drop |= memmem (line, length, *key, strlen (*key)) != NULL;
            if (!drop)
                strncat (old, line, length);
            line += length;
        }
        memcpy (strstr (old, "max_body = 64K"), "max_body = 99K", 14);
        memcpy (strstr (old, "max_message = 65K"), "max_message = 1M ", 17);
        hs_zpl_t *zpl = hs_zpl_load_text (old, "old.cfg", error, sizeof (error));
        assert (zpl && !zconfig_locate (hs_zpl_root (zpl), "store/check_timeout"));
        hs_zpl_destroy (&zpl);
        char *folder = zsys_sprintf ("/tmp/hs_config_old.%d", getpid ());
        char *file = zsys_sprintf ("%s/huishang.cfg", folder);
        zsys_dir_create ("%s", folder);
        static const char *parts [] = { "units.cfg", "rules.cfg", "holidays-cn-2026.txt" };
        const char *texts [] = { hs_default_units_cfg, hs_default_rules_cfg,
                                 hs_default_holidays_cn_2026_txt };
        for (int index = 0; index < 3; index++) {
            char *part = zsys_sprintf ("%s/%s", folder, parts [index]);
            FILE *handle = fopen (part, "w");
            assert (handle && fputs (texts [index], handle) >= 0 && fclose (handle) == 0);
            zstr_free (&part);
        }
        FILE *handle = fopen (file, "w");
        assert (handle && fputs (old, handle) >= 0 && fclose (handle) == 0);
        hs_config_t *loaded = hs_config_load (file, error, sizeof (error));
        assert (loaded);
        assert (loaded->check_timeout_ms == 120000 && loaded->max_skew_ms == 3600000);
        assert (loaded->check_wait_ms == 300);
        assert (loaded->max_total == 99 * 1024 + 2048 && loaded->submit_hwm == 1000);
        hs_config_destroy (&loaded);
        for (int index = 0; index < 3; index++) {
            char *part = zsys_sprintf ("%s/%s", folder, parts [index]);
            zsys_file_delete (part);
            zstr_free (&part);
        }
        zsys_file_delete (file);
        zsys_dir_delete ("%s", folder);
        zstr_free (&file);
        zstr_free (&folder);
        free (old);
    }

    //  A typo in a key is an error with its line.
    char *folder = zsys_sprintf ("/tmp/hs_config_test.%d", getpid ());
    zsys_dir_create (folder);
    char *file = zsys_sprintf ("%s/bad.cfg", folder);
    FILE *handle = fopen (file, "w");
    assert (handle);
    char *typo = strdup (hs_default_huishang_cfg);
    memcpy (strstr (typo, "map_size ="), "map_sise =", 10);
    fprintf (handle, "%s", typo);
    fclose (handle);
    zstr_free (&typo);
    config = hs_config_load (file, error, sizeof (error));
    assert (!config);
    assert (strstr (error, "bad.cfg:") && strstr (error, "map_sise"));
    //  So is a section given twice (the second would be ignored).
    handle = fopen (file, "w");
    fprintf (handle, "%sstore\n    map_size = 2G\n", hs_default_huishang_cfg);
    fclose (handle);
    config = hs_config_load (file, error, sizeof (error));
    assert (!config && strstr (error, "'store' given twice"));
    //  A missing units file is named.
    handle = fopen (file, "w");
    fprintf (handle, "%s", hs_default_huishang_cfg);
    fclose (handle);
    config = hs_config_load (file, error, sizeof (error));
    assert (!config);
    assert (strstr (error, "units.cfg"));
    zsys_file_delete (file);
    zsys_dir_delete (folder);
    zstr_free (&file);
    zstr_free (&folder);
    if (verbose)
        printf ("OK\n");
}
