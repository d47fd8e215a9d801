/*  =========================================================================
    hs_meeting_table - the store's `meetings` table
    =========================================================================
*/

#include "hs_meeting_table.h"
#include "hs_idkey.h"

int
hs_meeting_table_record (hs_store_t *store, const char *id, const void **data, size_t *size)
{
    return hs_idkey_lookup (store, HS_TABLE_MEETINGS, id, data, size);
}

int
hs_meeting_table_load (hs_store_t *store, const char *id, hs_meeting_rec_t *meeting)
{
    const void *data;
    size_t size;
    int rc = hs_meeting_table_record (store, id, &data, &size);
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
    uint8_t after [HS_IDKEY_MAX];   //  the key of the last page's last id
    size_t after_size;              //  0: from the first
    hs_meeting_table_fn *visit;
    void *arg;
} s_walk_after_t;

static int
s_walk_after_visit (const void *key, size_t key_size, const void *data, size_t size, void *arg)
{
    s_walk_after_t *walk = (s_walk_after_t *) arg;
    if (walk->after_size == key_size && memcmp (key, walk->after, key_size) == 0)
        return 0;                   //  the cursor itself was the last page's
    if (hs_meeting_rec_decode (data, size, walk->meeting))
        return 0;
    return walk->visit (walk->meeting, walk->arg);
}

int
hs_meeting_table_walk_after (hs_store_t *store, const char *after, hs_meeting_rec_t *meeting,
                             hs_meeting_table_fn *visit, void *arg)
{
    s_walk_after_t walk = { .meeting = meeting, .visit = visit, .arg = arg };
    if (after && *after)
        walk.after_size = hs_idkey_put (walk.after, after);
    return hs_store_walk (store, HS_TABLE_MEETINGS, walk.after_size? walk.after: NULL,
                          walk.after_size, false, s_walk_after_visit, &walk) < 0? -1: 0;
}

int
hs_meeting_table_save (hs_store_t *store, const hs_meeting_rec_t *meeting, hs_pack_t *pack)
{
    hs_pack_reset (pack);
    hs_meeting_rec_encode (meeting, pack);
    uint8_t key [HS_IDKEY_MAX];
    size_t key_size = hs_idkey_put (key, meeting->id);
    return key_size? hs_store_put (store, HS_TABLE_MEETINGS, key, key_size, hs_pack_data (pack),
                                   hs_pack_size (pack)): -1;
}
