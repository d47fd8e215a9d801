/*  =========================================================================
    hs_config - huishangd's settings: huishang.cfg, its units and its rules

    Owns the loaded configuration: endpoints, store, limits, logging, and
    the unit table and rule set the config file names. With no file, the
    shipped config/ files compiled into the binary are used, so built-in
    defaults and shipped files cannot drift apart. Unknown keys are errors
    (a typo must not silently fall back to a default).
    =========================================================================
*/

#ifndef HS_CONFIG_H_INCLUDED
#define HS_CONFIG_H_INCLUDED

#include "hs_zpl.h"
#include "hs_units.h"
#include "hs_rules.h"
#include "hs_calendar.h"
#include "../protocol/hs_proto.h"

typedef struct {
    char *source;               //  the config file, or "(built-in)"
    char *district;             //  our name: case-id prefix, `from` upward
    char *ingest;               //  SUB endpoint (bound)
    char *publish;              //  PUB endpoint (bound)
    char *api;                  //  ROUTER endpoint (bound)
    char *submit;               //  ROUTER endpoint for acknowledged submit (bound)
    char *store_path;           //  LMDB environment folder
    int64_t map_size;           //  initial LMDB map size, bytes
    int64_t map_size_max;       //  the map grows up to this
    int64_t check_timeout_ms;   //  the store's check at start may take this long (0: none)
    int64_t check_wait_ms;      //  ... the start waits this long for all of it, then
                                //  the rest is read in the background (hs_check)
    int64_t max_skew_ms;        //  a stored clock further ahead of the real one is a warning
    hs_limits_t limits;         //  inbound body limits
    int64_t max_message;        //  ZMQ_MAXMSGSIZE
    int ingest_hwm;             //  ZMQ_RCVHWM on ingest
    int publish_hwm;            //  ZMQ_SNDHWM on publish
    int batch_max;              //  most messages per LMDB transaction
    int64_t source_rate;        //  messages per second per source unit
    int64_t source_burst;       //  bucket size per source unit
    int64_t reject_interval_ms; //  log each rejection reason at most this often
    //  Floods: whole messages, unattributed traffic, dead letters (optional
    //  keys; a file from before them gets the shipped values).
    int max_frames;             //  frames in one inbound message (past the envelope)
    int64_t max_total;          //  bytes in one whole inbound message
    int64_t batch_bytes;        //  most message bytes read into one transaction
    int submit_hwm;             //  ZMQ_SNDHWM and ZMQ_RCVHWM on submit
    int64_t unattributed_rate;  //  messages a second naming no unit of ours, all together
    int64_t unattributed_burst; //  ... after a burst of this many
    int64_t deadletters_max;    //  dead letters kept, at most (the oldest go)
    int64_t deadletter_bytes;   //  ... and their bytes
    int64_t deadletter_reserve; //  map room kept for accepted messages: no dead letter below it
    char *log_level_name;       //  log/level
    int log_level;              //  HS_LOG_*: lines below it are not written
    char *metrics_file;         //  Prometheus text file, or NULL: none
    int64_t metrics_interval_ms;    //  how often it is written
    char *upstream_submit;      //  the upper daemon's submit endpoint, or NULL: none
    char *upstream_unit;        //  our unit code there (street.<district>)
    char *upstream_topics;      //  topic prefixes forwarded, space-separated
    int64_t upstream_timeout_ms;    //  no answer in this long: send again
    char *upstream_cert;        //  our certificate there (security on), or NULL
    char *upstream_server_cert; //  the upper daemon's public certificate, or NULL
    int64_t silence_ms;         //  a feeder silent this long is a warning
    bool security;              //  CurveZMQ on
    char *server_cert;          //  the daemon's certificate file (zcert; its _secret beside it)
    char *clients_dir;          //  allowed client certificates
    bool secure_dashboards;     //  publish and api need keys too
    char *units_file;           //  where the units came from
    char *rules_file;           //  where the rules came from
    hs_units_t *units;          //  the member units
    hs_rules_t *rules;          //  the rule set
    int64_t utc_offset_ms;      //  local wall time = UTC + this
    int64_t holiday_warn_days;  //  calendar/warn_days: warn this long before the lists end
    int64_t heartbeat_ms;       //  server/heartbeat: hs.heartbeat this often, 0: none
    hs_calendar_t *calendar;    //  working days, from the holiday lists
    double time_scale;          //  daemon clock speed (--time-scale), 1 normally
    int64_t time_start;         //  daemon clock start (--time-start), 0: now
    int64_t handshake_timeout_ms;   //  ZMQ_HANDSHAKE_IVL on every bound socket
    int fd_reserve;             //  descriptors no connection may take (hs_fd)
    int api_hwm;                //  ZMQ_SNDHWM/RCVHWM per api peer (replies queued)
    int64_t reply_max;          //  bytes of records in one api reply: more is paged
    //  The publish socket's subscribers (section `subscribers`)
    int64_t subscribers_max;                //  connections that may hold subscriptions
    int64_t subscriptions_per_connection;   //  more from one connection: it is cut off
    int64_t subscriptions_total;            //  more from all together: the sender is cut off
    bool clock_reset;           //  --clock-reset: a clock stored ahead goes back to now
    bool clock_keep;            //  --clock-keep: a drill's stored clock continues
} hs_config_t;

//  Load a config file, or the built-in defaults when `path` is NULL.
//  Returns a new config (caller owns it), or NULL with a line-numbered
//  message in `error`.
hs_config_t *hs_config_load (const char *path, char *error, size_t error_size);

void hs_config_destroy (hs_config_t **self_p);

//  The configuration file to read when none was named (daemon and CLI
//  alike): $HUISHANG_CONFIG if set, else /etc/huishang/huishang.cfg if it
//  exists, else NULL (the built-in defaults). Borrowed.
#define HS_CONFIG_INSTALLED "/etc/huishang/huishang.cfg"
const char *hs_config_default_path (void);

//  A configuration loaded to replace `running` (a reload) keeps what only
//  a restart changes: endpoints, the store, the district, security, the
//  sockets' limits, the clock. A change to one of them is logged as
//  needing a restart.
void hs_config_keep (hs_config_t *fresh, const hs_config_t *running);

//  Replace a string setting (command-line overrides).
void hs_config_set (char **setting, const char *value);

//  The shipped config files as compiled in. Static strings.
const char *hs_config_default_main (void);
const char *hs_config_default_units (void);
const char *hs_config_default_rules (void);

//  Parse a local time "YYYY-MM-DDTHH:MM" (or "YYYY-MM-DD HH:MM") under the
//  config's UTC offset into Unix ms; -1 if invalid.
int64_t hs_config_parse_local (hs_config_t *self, const char *text);

void hs_config_test (bool verbose);

#endif
