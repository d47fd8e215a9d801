/*  =========================================================================
    hs_idkey - an id as the store keys it: in the order of its number
    =========================================================================
*/

#include "hs_idkey.h"

//  A u64 has at most 20 digits; a longer final run is keyed as text.
#define DIGITS_MAX 20

static bool
s_digit (uint8_t byte)
{
    return byte >= '0' && byte <= '9';
}

size_t
hs_idkey_put (uint8_t *key, const char *id)
{
    size_t size = strlen (id);
    if (size == 0 || size > HS_ID_MAX)
        return 0;
    size_t digits = 0;
    while (digits < size && s_digit ((uint8_t) id [size - 1 - digits]))
        digits++;
    if (digits == 0 || digits > DIGITS_MAX) {
        memcpy (key, id, size);
        return size;
    }
    size_t stem = size - digits;
    memcpy (key, id, stem);
    key [stem] = (uint8_t) digits;
    memcpy (key + stem + 1, id + stem, digits);
    return size + 1;
}

int
hs_idkey_get (const void *key, size_t size, char *id, size_t id_size)
{
    const uint8_t *bytes = (const uint8_t *) key;
    if (size == 0 || size > HS_IDKEY_MAX)
        return -1;
    size_t mark = 0;
    while (mark < size && bytes [mark] > 0x20 && bytes [mark] < 0x7f)
        mark++;
    if (mark == size) {                 //  the id as it is
        if (size >= id_size || size > HS_ID_MAX)
            return -1;
        memcpy (id, bytes, size);
        id [size] = 0;
        return 0;
    }
    size_t digits = bytes [mark];
    if (digits == 0 || digits > DIGITS_MAX || mark + 1 + digits != size
    ||  size - 1 >= id_size)
        return -1;
    for (size_t index = mark + 1; index < size; index++)
        if (!s_digit (bytes [index]))
            return -1;
    if (mark > 0 && s_digit (bytes [mark - 1]))
        return -1;                      //  the run would have been longer
    memcpy (id, bytes, mark);
    memcpy (id + mark, bytes + mark + 1, digits);
    id [size - 1] = 0;
    return 0;
}

int
hs_idkey_lookup (hs_store_t *store, hs_table_t table, const char *id, const void **data,
                 size_t *size)
{
    uint8_t key [HS_IDKEY_MAX];
    size_t key_size = hs_idkey_put (key, id);
    if (key_size == 0)
        return 1;
    int rc = hs_store_get (store, table, key, key_size, data, size);
    if (rc == 1 && key_size != strlen (id))
        rc = hs_store_get (store, table, id, strlen (id), data, size);
    return rc;
}

bool
hs_idkey_map (const void *key, size_t size, uint8_t *fresh, size_t *fresh_size)
{
    char id [HS_ID_MAX + 1];
    if (size > HS_ID_MAX || hs_idkey_get (key, size, id, sizeof (id)) || strlen (id) != size)
        return false;                   //  current already, or not an id
    *fresh_size = hs_idkey_put (fresh, id);
    return *fresh_size != size;
}

//  ---------------------------------------------------------------------
//  Moving a table's records to their current keys

typedef struct {
    hs_idkey_move_t *move;
    uint8_t (*keys) [HS_IDKEY_MOVE_KEY_MAX];
    size_t *sizes;
    size_t count;                       //  older keys found
    size_t seen;
} s_move_t;

static int
s_move_visit (const void *key, size_t key_size, const void *data, size_t size, void *arg)
{
    (void) data;
    (void) size;
    s_move_t *walk = (s_move_t *) arg;
    if (key_size > HS_IDKEY_MOVE_KEY_MAX)
        return 0;                       //  no key of an id: cannot be
    memcpy (walk->move->next, key, key_size);
    walk->move->next_size = key_size;
    uint8_t fresh [HS_IDKEY_MOVE_KEY_MAX];
    size_t fresh_size;
    if (walk->move->map (key, key_size, fresh, &fresh_size)) {
        memcpy (walk->keys [walk->count], key, key_size);
        walk->sizes [walk->count++] = key_size;
    }
    //  Looking is cheap, moving dirties pages: bound both.
    return walk->count >= HS_IDKEY_CHUNK || ++walk->seen >= 20 * HS_IDKEY_CHUNK;
}

int
hs_idkey_move_work (void *arg)
{
    hs_idkey_move_t *move = (hs_idkey_move_t *) arg;
    s_move_t walk = { move, malloc (HS_IDKEY_CHUNK * HS_IDKEY_MOVE_KEY_MAX),
                      (size_t *) malloc (HS_IDKEY_CHUNK * sizeof (size_t)), 0, 0 };
    move->chunk = 0;
    move->next_size = 0;
    int rc = walk.keys && walk.sizes? 0: -1;
    if (rc == 0)
        rc = hs_store_walk (move->store, move->table, move->from_size? move->from: NULL,
                            move->from_size, false, s_move_visit, &walk);
    move->done = walk.count < HS_IDKEY_CHUNK && walk.seen < 20 * HS_IDKEY_CHUNK;
    hs_table_t to = move->across? move->to: move->table;
    uint8_t *record = NULL;
    for (size_t index = 0; rc == 0 && index < walk.count; index++) {
        const void *data;
        size_t size;
        uint8_t fresh [HS_IDKEY_MOVE_KEY_MAX];
        size_t fresh_size;
        move->map (walk.keys [index], walk.sizes [index], fresh, &fresh_size);
        //  A record already under the current key was written by this
        //  version: it is the newer one.
        rc = hs_store_get (move->store, to, fresh, fresh_size, &data, &size);
        if (rc == 0)
            rc = hs_store_del (move->store, move->table, walk.keys [index], walk.sizes [index]);
        if (rc <= 0) {
            move->chunk += rc? 0: 1;
            continue;
        }
        if (hs_store_get (move->store, move->table, walk.keys [index], walk.sizes [index], &data,
                          &size)) {
            rc = -1;
            break;
        }
        //  The record is LMDB's until the put: copy it first.
        uint8_t *copy = (uint8_t *) realloc (record, size? size: 1);
        if (!copy) {
            rc = -1;
            break;
        }
        record = copy;
        memcpy (record, data, size);
        rc = hs_store_put (move->store, to, fresh, fresh_size, record, size)
          || hs_store_del (move->store, move->table, walk.keys [index], walk.sizes [index])? -1: 0;
        move->chunk += rc? 0: 1;
    }
    free (record);
    free (walk.keys);
    free (walk.sizes);
    return rc;
}

//  ---------------------------------------------------------------------
//  Self test

static int
s_test_order (const void *key, size_t key_size, const void *data, size_t size, void *arg)
{
    char id [HS_ID_MAX + 1];
    assert (hs_idkey_get (key, key_size, id, sizeof (id)) == 0);
    assert (streq (id, "putuo-3")? size == 5 && memcmp (data, "newer", 5) == 0:
                                  size == strlen (id) && memcmp (data, id, size) == 0);
    int64_t *last = (int64_t *) arg;
    int64_t number = atoll (strrchr (id, '-') + 1);
    assert (number > *last);           //  numeric order, not the text's
    *last = number;
    return 0;
}

void
hs_idkey_test (bool verbose)
{
    if (verbose)
        printf (" * hs_idkey: ");
    //  Each id reads back; the forms sort as the numbers do.
    const char *ids [] = { "putuo-9", "putuo-10", "putuo-m12", "office", "42", "a1b2",
                           "x-123456789012345678901", NULL };
    uint8_t key [HS_IDKEY_MAX], other [HS_IDKEY_MAX];
    char id [HS_ID_MAX + 1];
    for (int index = 0; ids [index]; index++) {
        size_t size = hs_idkey_put (key, ids [index]);
        assert (size > 0 && hs_idkey_get (key, size, id, sizeof (id)) == 0);
        assert (streq (id, ids [index]));
        //  its text, as stores before format 4 keyed it, reads back too
        assert (hs_idkey_get (ids [index], strlen (ids [index]), id, sizeof (id)) == 0);
        assert (streq (id, ids [index]));
    }
    assert (hs_idkey_put (key, "putuo-9") == 8 && key [6] == 1 && key [7] == '9');
    assert (hs_idkey_put (key, "office") == 6 && memcmp (key, "office", 6) == 0);
    assert (hs_idkey_put (key, "x-123456789012345678901") == 23);       //  21 digits: text
    size_t nine = hs_idkey_put (key, "putuo-9"), ten = hs_idkey_put (other, "putuo-10");
    assert (memcmp (key, other, nine < ten? nine: ten) < 0);
    assert (hs_idkey_put (key, "") == 0);
    char long_id [HS_ID_MAX + 2];
    memset (long_id, 'a', sizeof (long_id) - 1);
    long_id [HS_ID_MAX + 1] = 0;
    assert (hs_idkey_put (key, long_id) == 0);
    //  Bytes that are no id's key are refused.
    assert (hs_idkey_get ("putuo-\x02" "9", 8, id, sizeof (id)) == -1);     //  run too short
    assert (hs_idkey_get ("putuo-\x01" "x", 8, id, sizeof (id)) == -1);     //  no digit
    assert (hs_idkey_get ("putuo1\x01" "9", 8, id, sizeof (id)) == -1);     //  run too long
    assert (hs_idkey_get ("putuo-\x00" "9", 8, id, sizeof (id)) == -1);
    assert (hs_idkey_get ("putuo-9", 7, id, 7) == -1);                      //  no room
    assert (hs_idkey_get ("", 0, id, sizeof (id)) == -1);
    size_t fresh_size;
    assert (hs_idkey_map ("putuo-10", 8, key, &fresh_size) && fresh_size == 9);
    assert (!hs_idkey_map (key, fresh_size, other, &fresh_size));            //  current
    assert (!hs_idkey_map ("office", 6, other, &fresh_size));                //  the same

    //  Moving a table of text keys, in small chunks: every record under
    //  its key form, in numeric order, once; lookups find either form.
    char *path = zsys_sprintf ("/tmp/hs_idkey_test.%d", getpid ());
    hs_store_remove (path);
    char error [256];
    hs_store_t *store = hs_store_new (path, 1 << 24, 1 << 26, error, sizeof (error));
    assert (store);
    assert (hs_store_begin (store) == 0);
    for (int number = 1; number <= 2 * HS_IDKEY_CHUNK + 7; number++) {
        snprintf (id, sizeof (id), "putuo-%d", number);
        assert (hs_store_put (store, HS_TABLE_CASES, id, strlen (id), id, strlen (id)) == 0);
    }
    size_t both = hs_idkey_put (key, "putuo-3");
    assert (hs_store_put (store, HS_TABLE_CASES, key, both, "newer", 5) == 0);
    assert (hs_store_commit (store) == 0);
    assert (hs_store_begin (store) == 0);
    const void *data;
    size_t size;
    assert (hs_idkey_lookup (store, HS_TABLE_CASES, "putuo-77", &data, &size) == 0);
    assert (size == 8 && memcmp (data, "putuo-77", 8) == 0);
    hs_store_abort (store);
    hs_idkey_move_t move = { .store = store, .table = HS_TABLE_CASES, .map = hs_idkey_map };
    size_t moved = 0, chunks = 0;
    do {
        assert (hs_store_begin (store) == 0);
        assert (hs_idkey_move_work (&move) == 0);
        hs_store_abort (store);                 //  as if the map grew: again
        size_t first = move.chunk;
        assert (hs_store_begin (store) == 0);
        assert (hs_idkey_move_work (&move) == 0 && move.chunk == first);
        assert (hs_store_commit (store) == 0);
        moved += move.chunk;
        memcpy (move.from, move.next, move.next_size);
        move.from_size = move.next_size;
        chunks++;
    } while (!move.done);
    assert (moved == 2 * HS_IDKEY_CHUNK + 7 && chunks >= 3);
    assert (hs_store_view_begin (store) == 0);
    uint64_t count;
    assert (hs_store_count (store, HS_TABLE_CASES, &count) == 0 && count == moved);
    int64_t last = 0;
    assert (hs_store_walk (store, HS_TABLE_CASES, NULL, 0, false, s_test_order, &last) == 0);
    assert (last == 2 * HS_IDKEY_CHUNK + 7);
    assert (hs_idkey_lookup (store, HS_TABLE_CASES, "putuo-77", &data, &size) == 0);
    assert (hs_idkey_lookup (store, HS_TABLE_CASES, "putuo-0", &data, &size) == 1);
    assert (hs_idkey_lookup (store, HS_TABLE_CASES, "putuo-3", &data, &size) == 0);
    assert (size == 5 && memcmp (data, "newer", 5) == 0);
    hs_store_view_end (store);
    //  Nothing is left to move.
    move.from_size = 0;
    assert (hs_store_begin (store) == 0);
    assert (hs_idkey_move_work (&move) == 0 && move.chunk == 0 && move.done);
    //  Across: into another table, under the key the map gives.
    assert (hs_store_put (store, HS_TABLE_FEEDS, "putuo-12", 8, "r", 1) == 0);
    hs_idkey_move_t across = { .store = store, .table = HS_TABLE_FEEDS, .map = hs_idkey_map,
                               .across = true, .to = HS_TABLE_PROMPTS };
    assert (hs_idkey_move_work (&across) == 0 && across.chunk == 1 && across.done);
    assert (hs_store_get (store, HS_TABLE_FEEDS, "putuo-12", 8, &data, &size) == 1);
    both = hs_idkey_put (key, "putuo-12");
    assert (hs_store_get (store, HS_TABLE_PROMPTS, key, both, &data, &size) == 0 && size == 1);
    hs_store_abort (store);
    hs_store_destroy (&store);
    hs_store_remove (path);
    zstr_free (&path);
    if (verbose)
        printf ("OK\n");
}
