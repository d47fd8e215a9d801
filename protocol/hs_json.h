/*  =========================================================================
    hs_json - JSON as msgpack and back, the command line's way

    People and scripts write JSON; the wire is msgpack. A JSON object
    becomes a map, an array an array, a whole number an integer (also when
    written 3.0); a fraction, which the protocol has no use for, becomes
    the string "(not an integer)" so the codec rejects it by name. Linked
    only by the clients (it needs libjansson).
    =========================================================================
*/

#ifndef HS_JSON_H_INCLUDED
#define HS_JSON_H_INCLUDED

#include "hs_pack.h"
#include <jansson.h>

//  Pack a JSON value.
void hs_json_to_pack (json_t *json, hs_pack_t *pack);

//  A msgpack object as JSON. Caller owns the result (json_decref).
json_t *hs_json_from_object (const msgpack_object *obj);

void hs_json_test (bool verbose);

#endif
