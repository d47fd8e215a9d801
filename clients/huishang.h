/*  =========================================================================
    huishang - the command-line client: what its parts share
    =========================================================================
*/

#ifndef HUISHANG_H_INCLUDED
#define HUISHANG_H_INCLUDED

#include "../daemon/hs_config.h"
#include "../protocol/hs_json.h"


//  An api reply: the body frame, unpacked.
typedef struct {
    zframe_t *frame;            //  the reply body
    msgpack_unpacked unpacked;  //  ... unpacked
    const msgpack_object *body; //  the map
} huishang_reply_t;

//  One api request (command + optional args) from a REQ socket. Returns 0
//  with *reply set (destroy it) if the daemon said "ok", 1 if it said
//  "error" (the reason is printed), -1 if there was no answer.
int huishang_api (zsock_t *req, const char *command, json_t *args, huishang_reply_t *reply);
void huishang_reply_destroy (huishang_reply_t *reply);

//  A REQ socket to the api (CURVE when --cert was given), or NULL.
zsock_t *huishang_api_connect (const char *endpoint, int timeout);

//  A socket with this unit's certificate and the daemon's key, if given.
zsock_t *huishang_secure (zsock_t *sock);

//  Join the live stream: returns true once `sub` (subscribed to hs.hello
//  among others) receives everything published from now on.
bool huishang_join (zsock_t *sub, zsock_t *req);

//  A string field into `buffer` ("-" if absent), an integer (-1), a time
//  as local "YYYY-MM-DD HH:MM:SS".
const char *huishang_str (const msgpack_object *map, const char *key, char *buffer, size_t size);
int64_t huishang_int (const msgpack_object *map, const char *key);
void huishang_time (int64_t ms, char *buffer, size_t size);

//  huishang top (huishang_top.c).
int huishang_top (hs_config_t *config, int argc, char *argv []);

//  huishang rules check|test|backtest (huishang_rules.c).
int huishang_rules (hs_config_t *config, int argc, char *argv []);

#endif
