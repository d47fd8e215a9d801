/*  =========================================================================
    hs_engine - the daemon's parts, wired, and the writer's loop

    Makes each part (the store, the clock, the sockets, the transaction
    and its participants, ingest and the handlers of each kind of message,
    case work, meetings, warnings, feeds, briefings, forwarding, the api's
    thread), registers them with one another, and runs the loop that owns
    the write transaction: whatever waits on the ingest or submit socket
    is handled as one unit of work, committed, then published; timers and
    briefings fire when due; writes the api hands over are done; a
    snapshot of the counters goes to the api. Signals and systemd are the
    caller's (huishangd.c), through the hooks.
    =========================================================================
*/

#ifndef HS_ENGINE_H_INCLUDED
#define HS_ENGINE_H_INCLUDED

#include "hs_config.h"
#include "../protocol/hs_protocol.h"

typedef struct _hs_engine_t hs_engine_t;

//  Open the store, bind the sockets, start the api's thread, and bring an
//  older store up to date. The config is borrowed and must outlive the
//  engine. Returns a new engine, or NULL with the reason in `error`.
hs_engine_t *hs_engine_new (hs_config_t *config, char *error, size_t error_size);

//  Commit nothing further, stop the api, close the store and the sockets.
void hs_engine_destroy (hs_engine_t **self_p);

//  A function that loads the configuration afresh (the caller's overrides
//  applied): a new config (the engine takes it), or NULL with a
//  line-numbered reason in `error`.
typedef hs_config_t *(hs_engine_load_fn) (void *arg, char *error, size_t error_size);

//  Reload: load a fresh configuration and swap it in between two units of
//  work: units, rules, calendar and limits take effect at once; endpoints,
//  the store and security need a restart (a change to them is logged and
//  ignored). The change of rules version is stored as an event. Returns 0,
//  or -1 with the reason in `error` when the file is refused or the change
//  could not be stored; the running configuration then stays.
int hs_engine_reload (hs_engine_t *self, hs_engine_load_fn *load, void *arg,
                      char *error, size_t error_size);

//  What the caller does around the loop (each may be NULL).
typedef struct {
    void (*ready) (void *arg, hs_engine_t *engine);     //  bound, open, what was due done
    void (*turn) (void *arg, hs_engine_t *engine);      //  each turn of the loop
    void (*stopping) (void *arg, hs_engine_t *engine);
    void *arg;
    int64_t turn_ms;            //  the loop turns at least this often (0: once a second)
} hs_engine_hooks_t;

//  Run until SIGINT / SIGTERM (zsys_interrupted): every batch read is
//  committed before this returns. Returns 0.
int hs_engine_run (hs_engine_t *self, const hs_engine_hooks_t *hooks);

//  The one line systemd shows for us (STATUS=).
void hs_engine_status (hs_engine_t *self, char *line, size_t size);

//  Handle one batch of inbound messages now, as the loop would (tests,
//  fuzzers). Takes the messages. Returns how many were handled, or -1 if
//  the store could not take them.
int hs_engine_batch (hs_engine_t *self, zlist_t *batch);

//  Answer one api request now, in this thread (tests, fuzzers): reads as
//  the api's thread does, writes as the loop does. Packs the reply body;
//  returns 0 ("ok") or -1 ("error": the body says why).
int hs_engine_request (hs_engine_t *self, const char *command, const uint8_t *args,
                       size_t args_size, hs_pack_t *reply);

//  The parts, borrowed (tests, the benchmark).
hs_config_t *hs_engine_config (hs_engine_t *self);
struct _hs_bus_t *hs_engine_bus (hs_engine_t *self);
struct _hs_stats_t *hs_engine_stats (hs_engine_t *self);
struct _hs_ingest_t *hs_engine_ingest (hs_engine_t *self);

//  Self test (hs_engine_test.c).
void hs_engine_test (bool verbose);

#endif
