/*  =========================================================================
    hs_engine - the pipeline: ingest -> validate -> correlate -> classify
                -> route -> escalate -> commit -> publish

    Owns the store, the bus and the rejection accounting, and runs the
    daemon's one loop. Whatever is waiting on the ingest socket (up to
    batch_max messages) is handled in one LMDB write transaction, committed
    durably, and only then are that batch's alerts, meeting requests and
    upward reports published: an alert never names an event that a crash
    could take back. One thread does all of it; nothing is shared.
    =========================================================================
*/

#ifndef HS_ENGINE_H_INCLUDED
#define HS_ENGINE_H_INCLUDED

#include "hs_config.h"

typedef struct _hs_engine_t hs_engine_t;

//  Open the store and bind the sockets. The config is borrowed and must
//  outlive the engine. Returns a new engine, or NULL with `error` set.
hs_engine_t *hs_engine_new (hs_config_t *config, char *error, size_t error_size);

//  Commit nothing further, close the store and the sockets.
void hs_engine_destroy (hs_engine_t **self_p);

//  How to load the configuration again (SIGHUP): a function that returns a
//  fresh config (the caller's overrides applied; the engine owns it), or
//  NULL with a line-numbered reason in `error`.
typedef hs_config_t *(hs_engine_reload_fn) (void *arg, char *error, size_t error_size);
void hs_engine_set_reload (hs_engine_t *self, hs_engine_reload_fn *reload, void *arg);

//  Swap in a new configuration now: units, rules, calendar and limits take
//  effect at once, atomically between two batches; endpoints and the store
//  need a restart (a change to them is logged and ignored). Takes
//  ownership of *fresh_p. The change of rules version is stored as an
//  event. Returns 0, or -1 (the old configuration stays; logged).
int hs_engine_reload (hs_engine_t *self, hs_config_t **fresh_p);

//  Run until SIGINT / SIGTERM: every batch read is committed before this
//  returns. SIGHUP reloads the configuration (hs_engine_set_reload).
//  Returns 0.
int hs_engine_run (hs_engine_t *self);

//  Handle one batch of inbound messages now (the loop's unit of work).
//  Takes ownership of the messages in the list. Returns the number of
//  messages handled, or -1 if the store could not take them (logged and
//  counted as lost: they were never acknowledged).
int hs_engine_batch (hs_engine_t *self, zlist_t *batch);

//  Answer pending api requests.
void hs_engine_api (hs_engine_t *self);

//  Answer one api request: a command and its msgpack arguments (NULL: none)
//  as they came off the wire. Packs the reply body; returns 0 ("ok") or
//  -1 ("error": the body says why).
int hs_engine_request (hs_engine_t *self, const char *command, const uint8_t *args,
                       size_t args_size, hs_pack_t *reply);

void hs_engine_test (bool verbose);

#endif
