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

int
hs_meeting_table_save (hs_store_t *store, const hs_meeting_rec_t *meeting, hs_pack_t *pack)
{
    hs_pack_reset (pack);
    hs_meeting_rec_encode (meeting, pack);
    return hs_store_put (store, HS_TABLE_MEETINGS, meeting->id, strlen (meeting->id),
                         hs_pack_data (pack), hs_pack_size (pack));
}
