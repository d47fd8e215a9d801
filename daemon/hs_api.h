/*  =========================================================================
    hs_api - the api, answered from its own thread

    A czmq actor owns the api's ROUTER socket and a reader's handle on the
    store, and answers from read-only LMDB views, which never block the
    writer: case, cases, replay (hs_query), health and stats, metrics,
    rules. Whatever the daemon's counters say comes from the last snapshot
    the writer sent (hs_stats); the writer is never asked. The metrics
    page is written to metrics/file from here too.
    Requests that change something or need the writer's sockets (plenary,
    hello) go to the writer over the actor's pipe, and its answer comes
    back the same way; this class owns both ends of the pipe. A reloaded configuration is handed over the pipe;
    the old one is handed back once this thread no longer uses it.
    Pipe messages, writer -> api:
        SNAPSHOT    hs_stats_snapshot_t (bytes)
        CONFIG      hs_config_t * (bytes): use this from now on
        ANSWER      tag (u64) | "ok"|"error" | body: the answer to a WRITE
    api -> writer:
        WRITE       tag (u64) | command | args (may be empty) | signer
                    (the unit of the request's key; empty: none; absent:
                    no security)
        RETIRED     hs_config_t * (bytes): the old one, no longer used here
    =========================================================================
*/

#ifndef HS_API_H_INCLUDED
#define HS_API_H_INCLUDED

#include "hs_stats.h"
#include "hs_config.h"

typedef struct _hs_api_t hs_api_t;

//  Start the api's thread on `store` (borrowed: it makes its own reader)
//  under `config` (borrowed until it is handed back as RETIRED, or the
//  api is destroyed). Binds config->api. Returns a new api (caller owns
//  it), or NULL with the reason in `error`.
hs_api_t *hs_api_new (hs_store_t *store, hs_config_t *config, char *error, size_t error_size);

//  Stop the thread and close the socket.
void hs_api_destroy (hs_api_t **self_p);

//  The pipe to poll for WRITE and RETIRED messages.
zsock_t *hs_api_pipe (hs_api_t *self);

//  Send the counters as they are now.
void hs_api_snapshot (hs_api_t *self, const hs_stats_snapshot_t *snapshot);

//  Hand over a reloaded configuration (borrowed: keep it alive until the
//  api has handed it back, or is destroyed).
void hs_api_set_config (hs_api_t *self, hs_config_t *config);

//  The writer's part of a write the api hands over: do it, pack the
//  answer into `reply`, return 0 ("ok") or -1 ("error": the body says
//  why). `signer` is the unit of the request's key ("": none), or NULL
//  without security.
typedef int (hs_api_write_fn) (void *arg, const char *command, const uint8_t *args,
                               size_t args_size, const char *signer, hs_pack_t *reply);

//  A configuration the api no longer uses, handed back.
typedef void (hs_api_retired_fn) (void *arg, hs_config_t *config);

//  Read what the api sent on the pipe (when it is readable) and act on
//  it: a write is done with `write` and its answer sent back, a retired
//  configuration handed to `retired`.
void hs_api_serve (hs_api_t *self, hs_api_write_fn *write, hs_api_retired_fn *retired, void *arg);

//  Answer one request in this thread's way: a command and its msgpack
//  arguments (NULL: none), against `store` (a reader's handle) and the
//  last `snapshot`. Packs the reply body; returns 0 ("ok"), -1 ("error":
//  the body says why), or 1 if the request must go to the writer.
int hs_api_request (hs_store_t *store, hs_config_t *config, const hs_stats_snapshot_t *snapshot,
                    const char *command, const uint8_t *args, size_t args_size, hs_pack_t *reply);

void hs_api_test (bool verbose);

#endif
