/*  =========================================================================
    hs_meeting_table - the store's `meetings` table

    Owns how a meeting is kept: meeting id (its key form, hs_idkey, in
    numeric order) -> the record of protocol/hs_meeting_rec (compact since
    store format 7). Meetings (hs_meetings) and their action items
    (hs_actions) both read and write it through here; the api reads it
    too, and shows each record as its map.
    =========================================================================
*/

#ifndef HS_MEETING_TABLE_H_INCLUDED
#define HS_MEETING_TABLE_H_INCLUDED

#include "hs_store.h"
#include "../protocol/hs_meeting_rec.h"

//  Load / save a meeting in the store (inside a transaction or a view).
//  load returns 0, 1 if there is no such meeting, -1 on error.
int hs_meeting_table_load (hs_store_t *store, const char *id, hs_meeting_rec_t *meeting);
int hs_meeting_table_save (hs_store_t *store, const hs_meeting_rec_t *meeting, hs_pack_t *pack);

//  A meeting's record as stored (borrowed until the transaction or view
//  ends). Returns 0, 1 if there is none, -1 on error.
int hs_meeting_table_record (hs_store_t *store, const char *id, const void **data, size_t *size);

//  Visit every meeting, decoded into `meeting` (the caller's, reused);
//  the visitor returns 0 to go on. Records that do not decode are left
//  out. Returns 0, or -1 if the store failed.
typedef int (hs_meeting_table_fn) (const hs_meeting_rec_t *meeting, void *arg);
int hs_meeting_table_walk (hs_store_t *store, hs_meeting_rec_t *meeting,
                           hs_meeting_table_fn *visit, void *arg);

//  As walk, in id order (numeric: putuo-m9 before putuo-m10) from the
//  first id after `after` ("" or NULL: from the first). Returns 0, or -1
//  if the store failed.
int hs_meeting_table_walk_after (hs_store_t *store, const char *after, hs_meeting_rec_t *meeting,
                                 hs_meeting_table_fn *visit, void *arg);

#endif
