/*  =========================================================================
    hs_meeting_table - the store's `meetings` table
    =========================================================================
*/

#include "hs_meeting_table.h"

int
hs_meeting_table_load (hs_store_t *store, const char *id, hs_meeting_rec_t *meeting)
{
    const void *data;
    size_t size;
    int rc = hs_store_get (store, HS_TABLE_MEETINGS, id, strlen (id), &data, &size);
    if (rc)
        return rc;
    return hs_meeting_rec_decode (data, size, meeting);
}

typedef struct {
    hs_meeting_rec_t *meeting;
    hs_meeting_table_fn *visit;
    void *arg;
} s_walk_t;

static int
s_walk_visit (const void *key, size_t key_size, const void *data, size_t size, void *arg)
{
    (void) key;
    (void) key_size;
    s_walk_t *walk = (s_walk_t *) arg;
    if (hs_meeting_rec_decode (data, size, walk->meeting))
        return 0;
    return walk->visit (walk->meeting, walk->arg);
}

int
hs_meeting_table_walk (hs_store_t *store, hs_meeting_rec_t *meeting, hs_meeting_table_fn *visit,
                       void *arg)
{
    s_walk_t walk = { meeting, visit, arg };
    return hs_store_walk (store, HS_TABLE_MEETINGS, NULL, 0, false, s_walk_visit, &walk) < 0? -1: 0;
}

typedef struct {
    hs_meeting_rec_t *meeting;
    const char *after;
    hs_meeting_table_raw_fn *visit;
    void *arg;
} s_walk_after_t;

static int
s_walk_after_visit (const void *key, size_t key_size, const void *data, size_t size, void *arg)
{
    s_walk_after_t *walk = (s_walk_after_t *) arg;
    if (walk->after && strlen (walk->after) == key_size && memcmp (key, walk->after, key_size) == 0)
        return 0;                   //  the cursor itself was the last page's
    if (hs_meeting_rec_decode (data, size, walk->meeting))
        return 0;
    return walk->visit (walk->meeting, data, size, walk->arg);
}

int
hs_meeting_table_walk_after (hs_store_t *store, const char *after, hs_meeting_rec_t *meeting,
                             hs_meeting_table_raw_fn *visit, void *arg)
{
    s_walk_after_t walk = { meeting, after && *after? after: NULL, visit, arg };
    return hs_store_walk (store, HS_TABLE_MEETINGS, walk.after, walk.after? strlen (after): 0,
                          false, s_walk_after_visit, &walk) < 0? -1: 0;
}

int
hs_meeting_table_save (hs_store_t *store, const hs_meeting_rec_t *meeting, hs_pack_t *pack)
{
    hs_pack_reset (pack);
    hs_meeting_rec_encode (meeting, pack);
    return hs_store_put (store, HS_TABLE_MEETINGS, meeting->id, strlen (meeting->id),
                         hs_pack_data (pack), hs_pack_size (pack));
}
