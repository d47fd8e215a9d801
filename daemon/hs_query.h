/*  =========================================================================
    hs_query - the read-only api requests: case, cases, replay

    Owns the reply layouts of the queries the api answers from committed
    state (protocol/PROTOCOL.md §6). Each runs inside a read view of the
    store that the caller opens and closes, reads its arguments from the
    request's msgpack map (which may be NULL: all defaults), and packs one
    reply map. Stored records go into replies as they are stored.
    =========================================================================
*/

#ifndef HS_QUERY_H_INCLUDED
#define HS_QUERY_H_INCLUDED

#include "hs_store.h"
#include "hs_config.h"
#include "../protocol/hs_protocol.h"

//  Every reply carries at most about config->reply_max bytes of records
//  (one record at least, however big): the rest is a later page, named
//  by a cursor in the reply.

//  One case with its history in order, from seq `from` on (0: the first);
//  `next`, when the history goes on past the page, is the `from` of the
//  next page. Returns 0, or -1 with `why` set (unknown_case, bad_value).
int hs_query_case (hs_store_t *store, hs_config_t *config, const msgpack_object *args,
                   hs_pack_t *reply, hs_why_t *why);

//  Cases filtered by level, street, unit, status, overdue, and a range of
//  their opening time; newest first, at most `limit`. Returns 0 or -1.
int hs_query_cases (hs_store_t *store, hs_config_t *config, const msgpack_object *args,
                    hs_pack_t *reply, hs_why_t *why);

//  Published events from seq `since` on, at most `limit`, with `next` (the
//  seq to ask for next) and `last` (the last seq committed). Returns 0 or -1.
int hs_query_replay (hs_store_t *store, hs_config_t *config, const msgpack_object *args,
                     hs_pack_t *reply, hs_why_t *why);

//  One meeting's record (§7) as stored: `id` (str, required). Returns 0,
//  or -1 with `why` set (missing_field, bad_type, unknown_meeting, store).
int hs_query_meeting (hs_store_t *store, const msgpack_object *args, hs_pack_t *reply,
                      hs_why_t *why);

//  Meetings in id order after `after` (a previous reply's `next`), at
//  most `limit` (1-200, default 100) and the reply budget: `state` open
//  (not held, not superseded: missed ones too), actions (an action item
//  not done yet) or all (the default),
//  `since` (requested at or after). Returns 0, or -1 with `why` set
//  (bad_type, bad_value, store).
int hs_query_meetings (hs_store_t *store, hs_config_t *config, const msgpack_object *args,
                       hs_pack_t *reply, hs_why_t *why);

void hs_query_test (bool verbose);

#endif
