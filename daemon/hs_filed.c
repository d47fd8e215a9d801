/*  =========================================================================
    hs_filed - the `filed` table: filed cases (归档) in the order filed

    Key: the time a case was filed (u64 big-endian, daemon clock), then
    its id; the value is empty. hs_filing writes it, in the transaction
    that files the case; the api's `filed` and verify read it.
    =========================================================================
*/

#include "hs_filed.h"
#include "../protocol/hs_filing_msg.h"

#define FILED_LIMIT_MAX     1000
#define FILED_KEY_MAX       (8 + HS_ID_MAX)

static size_t
s_key (uint8_t *key, int64_t filed, const char *case_id)
{
    hs_store_be64_put (key, (uint64_t) filed);
    size_t length = strlen (case_id);
    memcpy (key + 8, case_id, length);
    return 8 + length;
}

int
hs_filed_put (hs_store_t *store, int64_t filed, const char *case_id)
{
    uint8_t key [FILED_KEY_MAX];
    size_t key_size = s_key (key, filed, case_id);
    return hs_store_put (store, HS_TABLE_FILED, key, key_size, "", 0);
}

int
hs_filed_parse (const void *key, size_t key_size, int64_t *filed, char *case_id)
{
    if (key_size <= 8 || key_size > FILED_KEY_MAX || memchr ((const uint8_t *) key + 8, 0,
                                                              key_size - 8))
        return -1;
    *filed = (int64_t) hs_store_be64_get ((const uint8_t *) key);
    memcpy (case_id, (const uint8_t *) key + 8, key_size - 8);
    case_id [key_size - 8] = 0;
    return 0;
}

//  ---------------------------------------------------------------------
//  The api's `filed`

typedef struct {
    int64_t until;
    int64_t limit;
    const uint8_t *skip;        //  the cursor's own key: not shown again
    size_t skip_size;
    hs_filed_entry_t *entries;
    size_t count;
    char next [32 + HS_ID_MAX];
} s_walk_t;

static int
s_visit (const void *key, size_t key_size, const void *data, size_t size, void *arg)
{
    (void) data;
    (void) size;
    s_walk_t *walk = (s_walk_t *) arg;
    int64_t filed;
    char case_id [HS_ID_MAX + 1];
    if (hs_filed_parse (key, key_size, &filed, case_id))
        return 0;                       //  not ours: verify says so
    if (walk->skip && key_size == walk->skip_size && memcmp (key, walk->skip, key_size) == 0)
        return 0;
    if (walk->until && filed >= walk->until)
        return 1;
    hs_filed_entry_t *last = walk->count? &walk->entries [walk->count - 1]: NULL;
    if ((int64_t) walk->count == walk->limit) {
        //  One more is there: the next page starts after the last shown.
        snprintf (walk->next, sizeof (walk->next), "%lld/%s", (long long) last->filed,
                  last->case_id);
        return 1;
    }
    hs_filed_entry_t *entry = &walk->entries [walk->count++];
    entry->filed = filed;
    hs_strcpy (entry->case_id, sizeof (entry->case_id), case_id);
    return 0;
}

static int
s_arg_int (const msgpack_object *args, const char *key, int64_t min, int64_t max, int64_t *value,
           hs_why_t *why)
{
    const msgpack_object *obj = args? hs_proto_get (args, key): NULL;
    if (!obj || obj->type == MSGPACK_OBJECT_NIL)
        return 0;
    if (obj->type != MSGPACK_OBJECT_POSITIVE_INTEGER || obj->via.u64 > (uint64_t) INT64_MAX)
        return hs_why (why, "bad_type", "argument '%s' must be a whole number", key);
    if ((int64_t) obj->via.u64 < min || (int64_t) obj->via.u64 > max)
        return hs_why (why, "bad_value", "argument '%s' is out of range", key);
    *value = (int64_t) obj->via.u64;
    return 0;
}

int
hs_filed_query (hs_store_t *store, const msgpack_object *args, hs_pack_t *reply, hs_why_t *why)
{
    int64_t since = 0;
    s_walk_t walk = { .limit = 100 };
    char after [32 + HS_ID_MAX] = "";
    const msgpack_object *cursor = args? hs_proto_get (args, "after"): NULL;
    if (s_arg_int (args, "since", 0, INT64_MAX, &since, why)
    ||  s_arg_int (args, "until", 0, INT64_MAX, &walk.until, why)
    ||  s_arg_int (args, "limit", 1, FILED_LIMIT_MAX, &walk.limit, why))
        return -1;
    if (cursor && cursor->type != MSGPACK_OBJECT_NIL
    &&  hs_proto_strcpy (cursor, after, sizeof (after)))
        return hs_why (why, "bad_type", "argument 'after' must be a previous reply's 'next'");
    uint8_t from [FILED_KEY_MAX];
    size_t from_size = s_key (from, since, "");
    if (*after) {
        char *slash = NULL;
        long long filed = strtoll (after, &slash, 10);
        if (!slash || *slash != '/' || filed < 0 || !slash [1] || strlen (slash + 1) > HS_ID_MAX)
            return hs_why (why, "bad_value", "argument 'after' is not a cursor this daemon made");
        if (filed >= since) {
            from_size = s_key (from, filed, slash + 1);
            walk.skip = from;
            walk.skip_size = from_size;
        }
    }
    walk.entries = (hs_filed_entry_t *) zmalloc ((size_t) walk.limit * sizeof (hs_filed_entry_t));
    int rc = hs_store_walk (store, HS_TABLE_FILED, from, from_size, false, s_visit, &walk);
    if (rc == 0)
        hs_filed_reply_encode (reply, walk.entries, walk.count, walk.next);
    free (walk.entries);
    return rc? hs_why (why, "store", "the store could not be read"): 0;
}

