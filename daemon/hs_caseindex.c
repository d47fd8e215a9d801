/*  =========================================================================
    hs_caseindex - the `caseindex` table: what the store keeps per enterprise
    =========================================================================
*/

#include "hs_caseindex.h"
#include "hs_log.h"

#define SEP 0x1f                        //  format 7's: between an enterprise and a category

void
hs_caseindex_normalise (const char *name, char *dest, size_t size)
{
    const uint8_t *in = (const uint8_t *) name;
    size_t out = 0;
    while (*in && out + 4 < size) {
        uint32_t ascii = 0;
        if (in [0] == 0xe3 && in [1] == 0x80 && in [2] == 0x80) {
            in += 3;                    //  ideographic space
            continue;
        }
        if (in [0] == 0xef && (in [1] == 0xbc || in [1] == 0xbd) && in [2]) {
            //  Full-width ASCII variants U+FF01..U+FF5E -> ASCII
            uint32_t code = ((in [0] & 0x0f) << 12) | ((in [1] & 0x3f) << 6) | (in [2] & 0x3f);
            if (code >= 0xff01 && code <= 0xff5e) {
                ascii = code - 0xff01 + 0x21;
                in += 3;
            }
        }
        if (!ascii && *in < 0x80)
            ascii = *in++;
        if (ascii) {
            if (isalnum ((int) ascii))
                dest [out++] = (char) tolower ((int) ascii);
            continue;                   //  spaces and punctuation drop out
        }
        //  Other multi-byte characters are kept as they are.
        size_t length = (*in & 0xe0) == 0xc0? 2: (*in & 0xf0) == 0xe0? 3: (*in & 0xf8) == 0xf0? 4: 1;
        for (size_t index = 0; index < length && *in && out + 1 < size; index++)
            dest [out++] = (char) *in++;
    }
    dest [out] = 0;
}

size_t
hs_caseindex_enterprise (const char *credit_code, const char *street, const char *name, char *key)
{
    if (credit_code && *credit_code)
        return hs_strjoin (key, HS_CASEINDEX_KEY_MAX, "cc/", credit_code, NULL);
    char normal [HS_NAME_MAX + 1];
    hs_caseindex_normalise (name, normal, sizeof (normal));
    return hs_strjoin (key, HS_CASEINDEX_KEY_MAX, "nm/", street, "/", normal, NULL);
}

//  ---------------------------------------------------------------------
//  An enterprise's record (store format 8): S_MARK; the window record's
//  length (u16 BE) and the record, hs_windows'; then for each category
//  with an open case, the category (a byte), the id's length (a byte) and
//  the id. A window record of format 7 begins with 0 or 1, never S_MARK.

#define S_MARK 0xe8
#define S_WINDOW_MAX 4096
#define S_CASES_MAX (HS_CATEGORY_COUNT * (2 + HS_ID_MAX))
#define S_RECORD_MAX (3 + S_WINDOW_MAX + S_CASES_MAX + 2 + HS_ID_MAX)

typedef struct {
    const uint8_t *window;
    size_t window_size;                 //  0: no window
    const uint8_t *cases;               //  the (category, id) pairs
    size_t cases_size;
} s_record_t;

//  Parse a stored record. Returns 0, or -1 if it is not one.
static int
s_parse (const void *data, size_t size, s_record_t *record)
{
    const uint8_t *bytes = (const uint8_t *) data;
    if (size < 3 || bytes [0] != S_MARK)
        return -1;
    size_t window = ((size_t) bytes [1] << 8) | bytes [2];
    if (window > S_WINDOW_MAX || 3 + window > size)
        return -1;
    record->window = bytes + 3;
    record->window_size = window;
    record->cases = bytes + 3 + window;
    record->cases_size = size - 3 - window;
    if (record->cases_size > S_CASES_MAX)
        return -1;
    const uint8_t *at = record->cases, *end = at + record->cases_size;
    while (at < end) {
        if (end - at < 2 || at [0] >= HS_CATEGORY_COUNT || at [1] == 0 || at [1] > HS_ID_MAX
        ||  end - at < 2 + at [1])
            return -1;
        at += 2 + at [1];
    }
    return 0;
}

//  Whether `enterprise` can be a key of the table.
static bool
s_name (const void *enterprise, size_t size)
{
    return size > 0 && size < HS_CASEINDEX_KEY_MAX - 1 && hs_caseindex_is_window (enterprise, size);
}

//  The enterprise's record, decoded (borrowed as hs_store_get lends it).
//  Returns 0, 1 if there is none, -1 if the store failed. One that does
//  not decode is logged and taken as none: the next write replaces it
//  (and `huishang verify` names it).
static int
s_load (hs_store_t *store, const void *enterprise, size_t size, s_record_t *record)
{
    const void *data;
    size_t data_size;
    int rc = hs_store_get (store, HS_TABLE_CASEINDEX, enterprise, size, &data, &data_size);
    if (rc == 0 && s_parse (data, data_size, record)) {
        hs_log_error ("hs_caseindex: the record of '%.*s' cannot be decoded: taken as empty",
                      (int) size, (const char *) enterprise);
        rc = 1;
    }
    if (rc == 1) {
        static const uint8_t none [1] = { 0 };
        s_record_t empty = { none, 0, none, 0 };
        *record = empty;
    }
    return rc;
}

//  Save the record with `window` in place of its window (NULL: as it was;
//  `window_size` 0: none), and without the case of category `drop` (-1:
//  none), then with `add_id` under `add` (-1: none). An empty record is
//  deleted. Returns 0 or -1.
static int
s_save (hs_store_t *store, const void *enterprise, size_t size, const s_record_t *record,
        const void *window, size_t window_size, int drop, int add, const char *add_id)
{
    if (!window) {
        window = record->window;
        window_size = record->window_size;
    }
    if (window_size > S_WINDOW_MAX)
        return -1;
    uint8_t out [S_RECORD_MAX];
    out [0] = S_MARK;
    out [1] = (uint8_t) (window_size >> 8);
    out [2] = (uint8_t) window_size;
    if (window_size)
        memcpy (out + 3, window, window_size);
    size_t length = 3 + window_size;
    bool cases = false;
    for (const uint8_t *at = record->cases; at < record->cases + record->cases_size;
         at += 2 + at [1]) {
        if (at [0] == drop || at [0] == add)
            continue;
        memcpy (out + length, at, 2 + at [1]);
        length += 2 + at [1];
        cases = true;
    }
    size_t id_size = add >= 0? strlen (add_id): 0;
    if (add >= 0 && id_size > 0 && id_size <= HS_ID_MAX) {
        out [length++] = (uint8_t) add;
        out [length++] = (uint8_t) id_size;
        memcpy (out + length, add_id, id_size);
        length += id_size;
        cases = true;
    }
    int rc;
    if (window_size || cases)
        rc = hs_store_put (store, HS_TABLE_CASEINDEX, enterprise, size, out, length);
    else {
        rc = hs_store_del (store, HS_TABLE_CASEINDEX, enterprise, size);
        rc = rc == 1? 0: rc;
    }
    return rc;
}

int
hs_caseindex_case (hs_store_t *store, const char *enterprise, int category, char *case_id,
                   size_t size)
{
    size_t name_size = strlen (enterprise);
    if (!s_name (enterprise, name_size))
        return 1;                       //  too long to have been indexed
    s_record_t record;
    int rc = s_load (store, enterprise, name_size, &record);
    if (rc)
        return rc;
    for (const uint8_t *at = record.cases; at < record.cases + record.cases_size;
         at += 2 + at [1]) {
        if (at [0] != category)
            continue;
        if (at [1] >= size)
            return -1;
        memcpy (case_id, at + 2, at [1]);
        case_id [at [1]] = 0;
        return 0;
    }
    return 1;
}

//  Copy of a record's window and cases, for a save that follows a load:
//  the record is LMDB's until the put.
static int
s_change (hs_store_t *store, const void *enterprise, size_t size, const void *window,
          size_t window_size, int drop, int add, const char *add_id)
{
    s_record_t record;
    int rc = s_load (store, enterprise, size, &record);
    if (rc < 0)
        return -1;
    if (rc == 1 && add < 0 && !window_size)
        return 0;                       //  nothing there, nothing to put
    uint8_t copy [S_WINDOW_MAX + S_CASES_MAX];
    if (record.cases_size > S_CASES_MAX)
        return -1;                      //  (s_parse allows no more)
    if (record.window_size)
        memcpy (copy, record.window, record.window_size);
    if (record.cases_size)
        memcpy (copy + record.window_size, record.cases, record.cases_size);
    s_record_t kept = { copy, record.window_size, copy + record.window_size, record.cases_size };
    return s_save (store, enterprise, size, &kept, window, window_size, drop, add, add_id);
}

int
hs_caseindex_set (hs_store_t *store, const char *enterprise, int category, const char *case_id)
{
    size_t size = strlen (enterprise);
    if (!s_name (enterprise, size) || category < 0 || category >= HS_CATEGORY_COUNT)
        return 0;                       //  an enterprise too long to match by
    return s_change (store, enterprise, size, NULL, 0, -1, category, case_id);
}

int
hs_caseindex_unset (hs_store_t *store, const char *enterprise, int category)
{
    size_t size = strlen (enterprise);
    if (!s_name (enterprise, size))
        return 0;
    return s_change (store, enterprise, size, NULL, 0, category, -1, NULL);
}

bool
hs_caseindex_is_window (const void *key, size_t size)
{
    return memchr (key, SEP, size) == NULL;
}

int
hs_caseindex_window (hs_store_t *store, const void *enterprise, size_t size, const void **data,
                     size_t *data_size)
{
    if (!s_name (enterprise, size))
        return 1;
    s_record_t record;
    int rc = s_load (store, enterprise, size, &record);
    if (rc == 0 && record.window_size == 0)
        rc = 1;
    if (rc == 0) {
        *data = record.window;
        *data_size = record.window_size;
    }
    return rc;
}

int
hs_caseindex_window_put (hs_store_t *store, const void *enterprise, size_t size, const void *data,
                         size_t data_size)
{
    if (!s_name (enterprise, size) || data_size == 0)
        return 0;                       //  an enterprise too long to count
    return s_change (store, enterprise, size, data, data_size, -1, -1, NULL);
}

int
hs_caseindex_window_del (hs_store_t *store, const void *enterprise, size_t size)
{
    if (!s_name (enterprise, size))
        return 0;
    static const uint8_t none = 0;
    return s_change (store, enterprise, size, &none, 0, -1, -1, NULL);
}

//  Format 5 to 7's entries, which a walk reads as they are (the tools
//  read a store not yet upgraded): a window record alone under the name
//  (hs_windows': fired 0 or 1, n, n times), and a correlation key, the
//  name, SEP and the category, its value the id. The correlation key's
//  name into `name` (HS_CASEINDEX_KEY_MAX) and its category; false if
//  the key is not one.
static bool
s_old_window (const void *data, size_t size)
{
    const uint8_t *bytes = (const uint8_t *) data;
    return size >= 2 && bytes [0] <= 1 && size == 2 + 8 * (size_t) bytes [1];
}

static bool
s_old_key (const void *key, size_t key_size, char *name, size_t *name_size, int *category)
{
    const uint8_t *sep = (const uint8_t *) memchr (key, SEP, key_size);
    if (!sep)
        return false;
    *name_size = (size_t) (sep - (const uint8_t *) key);
    size_t category_size = key_size - *name_size - 1;
    char text [32];
    if (category_size >= sizeof (text) || !s_name (key, *name_size))
        return false;
    memcpy (text, sep + 1, category_size);
    text [category_size] = 0;
    memcpy (name, key, *name_size);
    name [*name_size] = 0;
    *category = hs_category_parse (text);
    return *category >= 0;
}

//  A correlation key's value as an id into `case_id` (HS_ID_MAX + 1).
static bool
s_old_id (const void *data, size_t size, char *case_id)
{
    if (size == 0 || size > HS_ID_MAX || memchr (data, 0, size))
        return false;
    memcpy (case_id, data, size);
    case_id [size] = 0;
    return true;
}

typedef struct {
    hs_store_walk_fn *visit;
    hs_caseindex_case_fn *visit_case;
    void *arg;
} s_walk_t;

static int
s_windows_visit (const void *key, size_t key_size, const void *data, size_t size, void *arg)
{
    s_walk_t *walk = (s_walk_t *) arg;
    s_record_t record;
    if (!hs_caseindex_is_window (key, key_size))
        return 0;                       //  a correlation key of format 7
    if (s_parse (data, size, &record)) {
        if (!s_old_window (data, size))
            return 0;
        record.window = (const uint8_t *) data;     //  format 7's, alone
        record.window_size = size;
    }
    if (record.window_size == 0)
        return 0;
    return walk->visit (key, key_size, record.window, record.window_size, walk->arg);
}

int
hs_caseindex_windows (hs_store_t *store, const void *from, size_t from_size,
                      hs_store_walk_fn *visit, void *arg)
{
    s_walk_t walk = { visit, NULL, arg };
    return hs_store_walk (store, HS_TABLE_CASEINDEX, from_size? from: NULL, from_size, false,
                          s_windows_visit, &walk);
}

static int
s_cases_visit (const void *key, size_t key_size, const void *data, size_t size, void *arg)
{
    s_walk_t *walk = (s_walk_t *) arg;
    char case_id [HS_ID_MAX + 1];
    uint8_t fresh [HS_CASEINDEX_KEY_MAX];
    size_t fresh_size;
    s_record_t record;
    if (hs_caseindex_is_window (key, key_size) && s_parse (data, size, &record)
    &&  !s_old_window (data, size) && hs_caseindex_map (key, key_size, fresh, &fresh_size)) {
        key = fresh;                    //  format 4's correlation key, respelled
        key_size = fresh_size;
    }
    if (!hs_caseindex_is_window (key, key_size)) {
        char name [HS_CASEINDEX_KEY_MAX];
        size_t name_size;
        int category;
        if (!s_old_key (key, key_size, name, &name_size, &category)
        ||  !s_old_id (data, size, case_id))
            return walk->visit_case (key, key_size, -1, NULL, walk->arg);
        return walk->visit_case (name, name_size, category, case_id, walk->arg);
    }
    if (s_parse (data, size, &record))
        return s_old_window (data, size)? 0: walk->visit_case (key, key_size, -1, NULL, walk->arg);
    int rc = 0;
    for (const uint8_t *at = record.cases; rc == 0 && at < record.cases + record.cases_size;
         at += 2 + at [1]) {
        memcpy (case_id, at + 2, at [1]);
        case_id [at [1]] = 0;
        rc = walk->visit_case (key, key_size, at [0], case_id, walk->arg);
    }
    return rc;
}

int
hs_caseindex_cases (hs_store_t *store, hs_caseindex_case_fn *visit, void *arg)
{
    s_walk_t walk = { NULL, visit, arg };
    return hs_store_walk (store, HS_TABLE_CASEINDEX, NULL, 0, false, s_cases_visit, &walk);
}

//  Format 5 to 7's correlation key: the enterprise, SEP, the category's name.
static size_t
s_key (const char *enterprise, int category, char *key)
{
    const char separator [2] = { SEP, 0 };
    return hs_strjoin (key, HS_CASEINDEX_KEY_MAX, enterprise, separator,
                       hs_category_name (category), NULL);
}

//  Format 4's correlation keys: cc/<code>/<category> and
//  nm/<street>/<category>/<name>; the category is the last part of the
//  one and the second of the other.
bool
hs_caseindex_map (const void *key, size_t size, uint8_t *fresh, size_t *fresh_size)
{
    if (size < 5 || size >= HS_CASEINDEX_KEY_MAX || !hs_caseindex_is_window (key, size)
    ||  memchr (key, 0, size))
        return false;                   //  current already (or not ours)
    char copy [HS_CASEINDEX_KEY_MAX];
    memcpy (copy, key, size);
    copy [size] = 0;
    char category [32];
    char *enterprise_end;               //  where the enterprise's name is cut
    const char *rest = "";              //  ... and what follows the category
    if (memcmp (copy, "cc/", 3) == 0) {
        enterprise_end = strrchr (copy + 3, '/');
        if (!enterprise_end || enterprise_end == copy + 3)
            return false;
        hs_strcpy (category, sizeof (category), enterprise_end + 1);
    }
    else
    if (memcmp (copy, "nm/", 3) == 0) {
        char *street_end = strchr (copy + 3, '/');
        char *category_end = street_end? strchr (street_end + 1, '/'): NULL;
        if (!category_end || strchr (category_end + 1, '/'))
            return false;
        size_t length = (size_t) (category_end - street_end - 1);
        if (length == 0 || length >= sizeof (category))
            return false;
        memcpy (category, street_end + 1, length);
        category [length] = 0;
        enterprise_end = street_end + 1;                //  "nm/<street>/" kept
        rest = category_end + 1;                        //  the name
    }
    else
        return false;
    int parsed = hs_category_parse (category);
    if (parsed < 0)
        return false;
    *enterprise_end = 0;
    char enterprise [HS_CASEINDEX_KEY_MAX];
    hs_strjoin (enterprise, sizeof (enterprise), copy, rest, NULL);
    *fresh_size = s_key (enterprise, parsed, (char *) fresh);
    return true;
}

//  ---------------------------------------------------------------------
//  Store format 8: format 7's entries merged into one record an enterprise

#define S_MERGE_CHUNK 5000

typedef struct {
    hs_caseindex_merge_t *merge;
    uint8_t (*keys) [HS_CASEINDEX_KEY_MAX];
    size_t *sizes;
    size_t count;                       //  entries of format 7 found
    size_t seen;
} s_merge_walk_t;

static int
s_merge_visit (const void *key, size_t key_size, const void *data, size_t size, void *arg)
{
    s_merge_walk_t *walk = (s_merge_walk_t *) arg;
    if (key_size >= HS_CASEINDEX_KEY_MAX)
        return 0;                       //  never written: cannot be
    memcpy (walk->merge->next, key, key_size);
    walk->merge->next_size = key_size;
    if (!hs_caseindex_is_window (key, key_size) || size == 0
    ||  *(const uint8_t *) data != S_MARK) {
        memcpy (walk->keys [walk->count], key, key_size);
        walk->sizes [walk->count++] = key_size;
    }
    //  Looking is cheap, rewriting dirties pages: bound both.
    return walk->count >= S_MERGE_CHUNK || ++walk->seen >= 20 * S_MERGE_CHUNK;
}

//  One entry of format 7 into its enterprise's record. Returns 0 or -1.
static int
s_merge_one (hs_caseindex_merge_t *merge, const uint8_t *key, size_t key_size)
{
    hs_store_t *store = merge->store;
    const void *data;
    size_t size;
    int rc = hs_store_get (store, HS_TABLE_CASEINDEX, key, key_size, &data, &size);
    if (rc)
        return rc < 0? -1: 0;
    if (hs_caseindex_is_window (key, key_size)) {
        //  A window record alone: the record is LMDB's until the put.
        if (!s_old_window (data, size) || size > S_WINDOW_MAX) {
            hs_log_warning ("hs_caseindex: the window of '%.*s' is not one: dropped",
                            (int) key_size, (const char *) key);
            merge->dropped++;
            return hs_store_del (store, HS_TABLE_CASEINDEX, key, key_size) < 0? -1: 0;
        }
        uint8_t window [S_WINDOW_MAX];
        memcpy (window, data, size);
        s_record_t empty = { window, 0, window, 0 };
        merge->chunk++;
        return s_save (store, key, key_size, &empty, window, size, -1, -1, NULL);
    }
    //  A correlation key: the enterprise, SEP, the category's name.
    char name [HS_CASEINDEX_KEY_MAX];
    size_t name_size;
    int category;
    char case_id [HS_ID_MAX + 1];
    rc = 0;
    if (!s_old_key (key, key_size, name, &name_size, &category) || !s_old_id (data, size, case_id)) {
        hs_log_warning ("hs_caseindex: correlation key '%.*s' is not one: dropped",
                        (int) key_size, (const char *) key);
        merge->dropped++;
    }
    else {
        rc = s_change (store, name, name_size, NULL, 0, -1, category, case_id);
        merge->chunk += rc? 0: 1;
    }
    return rc || hs_store_del (store, HS_TABLE_CASEINDEX, key, key_size) < 0? -1: 0;
}

int
hs_caseindex_merge_work (void *arg)
{
    hs_caseindex_merge_t *merge = (hs_caseindex_merge_t *) arg;
    s_merge_walk_t walk = { merge, malloc (S_MERGE_CHUNK * HS_CASEINDEX_KEY_MAX),
                            (size_t *) malloc (S_MERGE_CHUNK * sizeof (size_t)), 0, 0 };
    merge->chunk = 0;
    merge->next_size = 0;
    int rc = walk.keys && walk.sizes? 0: -1;
    if (rc == 0)
        rc = hs_store_walk (merge->store, HS_TABLE_CASEINDEX,
                            merge->from_size? merge->from: NULL, merge->from_size, false,
                            s_merge_visit, &walk);
    merge->done = walk.count < S_MERGE_CHUNK && walk.seen < 20 * S_MERGE_CHUNK;
    for (size_t index = 0; rc == 0 && index < walk.count; index++)
        rc = s_merge_one (merge, walk.keys [index], walk.sizes [index]);
    free (walk.keys);
    free (walk.sizes);
    return rc;
}

//  ---------------------------------------------------------------------
//  Self test

static int
s_test_count (const void *key, size_t key_size, const void *data, size_t size, void *arg)
{
    (void) data;
    (void) size;
    assert (hs_caseindex_is_window (key, key_size));
    (*(int *) arg)++;
    return 0;
}

typedef struct {
    int cases, broken;
} s_test_cases_t;

static int
s_test_case (const void *enterprise, size_t size, int category, const char *case_id, void *arg)
{
    s_test_cases_t *seen = (s_test_cases_t *) arg;
    assert (size > 0 && hs_caseindex_is_window (enterprise, size));
    if (category < 0)
        seen->broken++;
    else {
        assert (category < HS_CATEGORY_COUNT && strncmp (case_id, "putuo-", 6) == 0);
        seen->cases++;
    }
    return 0;
}

static void
s_test_map (const char *old, const char *fresh)
{
    uint8_t mapped [HS_IDKEY_MOVE_KEY_MAX];
    size_t size = 0;
    bool moved = hs_caseindex_map (old, strlen (old), mapped, &size);
    if (!fresh)
        assert (!moved);
    else
        assert (moved && size == strlen (fresh) && memcmp (mapped, fresh, size) == 0);
}

void
hs_caseindex_test (bool verbose)
{
    if (verbose)
        printf (" * hs_caseindex: ");
    char normal [64];
    hs_caseindex_normalise ("ACME  Co., Ltd.", normal, sizeof (normal));
    assert (streq (normal, "acmecoltd"));
    hs_caseindex_normalise ("上海（某某）制衣　有限公司", normal, sizeof (normal));
    assert (streq (normal, "上海某某制衣有限公司"));
    hs_caseindex_normalise ("ＡＢＣ公司", normal, sizeof (normal));
    assert (streq (normal, "abc公司"));

    char key [HS_CASEINDEX_KEY_MAX];
    assert (hs_caseindex_enterprise ("91310107MA1G8F4X2X", "street.wanli", "X", key) == 21
            && streq (key, "cc/91310107MA1G8F4X2X"));
    assert (hs_caseindex_enterprise ("", "street.wanli", "Ab 厂", key) && streq (key, "nm/street.wanli/ab厂"));
    assert (hs_caseindex_enterprise (NULL, "street.wanli", "ab厂", key) && streq (key, "nm/street.wanli/ab厂"));

    //  Format 4's keys in format 5's form; current ones and windows stay.
    s_test_map ("cc/91310107MA1G8F4X2X/wage_arrears", "cc/91310107MA1G8F4X2X\x1fwage_arrears");
    s_test_map ("nm/street.caoyang/layoff/窗口纺织有限公司", "nm/street.caoyang/窗口纺织有限公司\x1flayoff");
    s_test_map ("nm/street.caoyang/layoff/", "nm/street.caoyang/\x1flayoff");
    s_test_map ("nm/street.caoyang/窗口纺织有限公司\x1flayoff", NULL);
    s_test_map ("nm/street.caoyang/窗口纺织有限公司", NULL);     //  a window
    s_test_map ("cc/91310107MA1G8F4X2X", NULL);
    s_test_map ("nm/street.caoyang/nocategory/x", NULL);
    s_test_map ("cc/91310107MA1G8F4X2X/", NULL);
    s_test_map ("xx/a/layoff", NULL);

    char error [256];
    char *path = zsys_sprintf ("/tmp/hs_caseindex_test.%d", getpid ());
    hs_store_t *store = hs_store_new (path, 1 << 25, 1 << 26, error, sizeof (error));
    assert (store);
    assert (hs_store_begin (store) == 0);
    char other [HS_CASEINDEX_KEY_MAX];
    size_t size = hs_caseindex_enterprise (NULL, "street.wanli", "甲厂", key);
    size_t other_size = hs_caseindex_enterprise (NULL, "street.wanli", "甲厂二", other);
    assert (hs_caseindex_set (store, key, HS_CATEGORY_LAYOFF, "putuo-1") == 0);
    assert (hs_caseindex_set (store, other, HS_CATEGORY_LAYOFF, "putuo-2") == 0);
    assert (hs_caseindex_window_put (store, key, size, "ring", 4) == 0);
    assert (hs_caseindex_window_put (store, other, other_size, "ring2", 5) == 0);
    char case_id [HS_ID_MAX + 1];
    assert (hs_caseindex_case (store, key, HS_CATEGORY_LAYOFF, case_id, sizeof (case_id)) == 0
            && streq (case_id, "putuo-1"));
    assert (hs_caseindex_case (store, key, HS_CATEGORY_INJURY, case_id, sizeof (case_id)) == 1);
    const void *data;
    size_t data_size;
    assert (hs_caseindex_window (store, key, size, &data, &data_size) == 0 && data_size == 4);
    //  A window's record and its enterprise's keys are neighbours.
    int windows = 0;
    assert (hs_caseindex_windows (store, NULL, 0, s_test_count, &windows) == 0 && windows == 2);
    assert (hs_caseindex_unset (store, key, HS_CATEGORY_LAYOFF) == 0);
    assert (hs_caseindex_case (store, key, HS_CATEGORY_LAYOFF, case_id, sizeof (case_id)) == 1);
    assert (hs_caseindex_window_del (store, other, other_size) == 0);
    windows = 0;
    assert (hs_caseindex_windows (store, NULL, 0, s_test_count, &windows) == 0 && windows == 1);
    //  One record an enterprise: its window and its cases, its name once.
    assert (hs_caseindex_set (store, key, HS_CATEGORY_INJURY, "putuo-4") == 0);
    assert (hs_caseindex_set (store, key, HS_CATEGORY_INJURY, "putuo-5") == 0);    //  replaced
    assert (hs_caseindex_case (store, key, HS_CATEGORY_INJURY, case_id, sizeof (case_id)) == 0
            && streq (case_id, "putuo-5"));
    assert (hs_caseindex_case (store, other, HS_CATEGORY_LAYOFF, case_id, sizeof (case_id)) == 0
            && streq (case_id, "putuo-2"));     //  its window gone, its case kept
    uint64_t entries = 0;
    assert (hs_store_count (store, HS_TABLE_CASEINDEX, &entries) == 0 && entries == 2);
    assert (hs_caseindex_window (store, key, size, &data, &data_size) == 0
            && data_size == 4 && memcmp (data, "ring", 4) == 0);
    //  Neither a window nor a case: no record.
    assert (hs_caseindex_unset (store, other, HS_CATEGORY_LAYOFF) == 0);
    assert (hs_store_count (store, HS_TABLE_CASEINDEX, &entries) == 0 && entries == 1);
    assert (hs_caseindex_unset (store, other, HS_CATEGORY_LAYOFF) == 0);
    assert (hs_caseindex_window_del (store, other, other_size) == 0);
    //  A record that does not decode is none (logged), and visited as such.
    assert (hs_store_put (store, HS_TABLE_CASEINDEX, other, other_size, "\xe8\x00\x09x", 4) == 0);
    assert (hs_caseindex_case (store, other, HS_CATEGORY_LAYOFF, case_id, sizeof (case_id)) == 1);
    s_test_cases_t seen = { 0, 0 };
    assert (hs_caseindex_cases (store, s_test_case, &seen) == 0);
    assert (seen.cases == 1 && seen.broken == 1);
    assert (hs_caseindex_set (store, other, HS_CATEGORY_LAYOFF, "putuo-6") == 0);
    seen.cases = seen.broken = 0;
    assert (hs_caseindex_cases (store, s_test_case, &seen) == 0);
    assert (seen.cases == 2 && seen.broken == 0);
    //  An enterprise name too long to be a key is never matched nor counted.
    char huge [HS_CASEINDEX_KEY_MAX + 8];
    memset (huge, 'a', sizeof (huge) - 1);
    huge [sizeof (huge) - 1] = 0;
    assert (hs_caseindex_set (store, huge, HS_CATEGORY_LAYOFF, "putuo-3") == 0);
    assert (hs_caseindex_case (store, huge, HS_CATEGORY_LAYOFF, case_id, sizeof (case_id)) == 1);
    assert (hs_caseindex_window_put (store, huge, strlen (huge), "r", 1) == 0);
    assert (hs_caseindex_window (store, huge, strlen (huge), &data, &data_size) == 1);
    hs_store_abort (store);

    //  Format 7's entries merged: a window and two cases of one enterprise,
    //  a case alone, a window alone, and a key that is none.
    assert (hs_store_begin (store) == 0);
    const char *old [][2] = {
        { "cc/A", "\x01\x01\x00\x00\x00\x00\x00\x00\x00\x07" },
        { "cc/A\x1flayoff", "putuo-7" }, { "cc/A\x1finjury", "putuo-8" },
        { "cc/A\x1fnothing", "putuo-9" }, { "cc/B\x1f" "contract", "putuo-10" },
        { "nm/street.wanli/丁厂", "\x00\x00" }
    };
    size_t old_sizes [] = { 10, 7, 7, 7, 8, 2 };
    for (size_t index = 0; index < 6; index++)
        assert (hs_store_put (store, HS_TABLE_CASEINDEX, old [index][0], strlen (old [index][0]),
                              old [index][1], old_sizes [index]) == 0);
    hs_caseindex_merge_t *merge = (hs_caseindex_merge_t *) zmalloc (sizeof (*merge));
    merge->store = store;
    assert (hs_caseindex_merge_work (merge) == 0 && merge->done);
    assert (merge->chunk == 5 && merge->dropped == 1);
    assert (hs_store_count (store, HS_TABLE_CASEINDEX, &entries) == 0 && entries == 3);
    assert (hs_caseindex_case (store, "cc/A", HS_CATEGORY_LAYOFF, case_id, sizeof (case_id)) == 0
            && streq (case_id, "putuo-7"));
    assert (hs_caseindex_case (store, "cc/A", HS_CATEGORY_INJURY, case_id, sizeof (case_id)) == 0
            && streq (case_id, "putuo-8"));
    assert (hs_caseindex_case (store, "cc/B", HS_CATEGORY_CONTRACT, case_id, sizeof (case_id)) == 0
            && streq (case_id, "putuo-10"));
    assert (hs_caseindex_window (store, "cc/A", 4, &data, &data_size) == 0 && data_size == 10
            && memcmp (data, old [0][1], 10) == 0);
    assert (hs_caseindex_window (store, "cc/B", 4, &data, &data_size) == 1);
    assert (hs_caseindex_window (store, old [5][0], strlen (old [5][0]), &data, &data_size) == 0
            && data_size == 2);
    //  Run again: nothing of format 7 is left.
    memset (merge, 0, sizeof (*merge));
    merge->store = store;
    assert (hs_caseindex_merge_work (merge) == 0 && merge->done && merge->chunk == 0);
    //  More than a chunk: 6,000 enterprises, a window and a case each,
    //  merged in chunks of 5,000 from where the last one stopped.
    for (int number = 0; number < 6000; number++) {
        char name [64], value [16];
        snprintf (name, sizeof (name), "cc/N%05d", number);
        assert (hs_store_put (store, HS_TABLE_CASEINDEX, name, strlen (name), old [5][1], 2) == 0);
        snprintf (name, sizeof (name), "cc/N%05d\x1f" "layoff", number);
        snprintf (value, sizeof (value), "putuo-%d", 100 + number);
        assert (hs_store_put (store, HS_TABLE_CASEINDEX, name, strlen (name), value,
                              strlen (value)) == 0);
    }
    memset (merge, 0, sizeof (*merge));
    merge->store = store;
    size_t merged = 0, chunks = 0;
    do {
        assert (hs_caseindex_merge_work (merge) == 0);
        merged += merge->chunk;
        chunks++;
        memcpy (merge->from, merge->next, merge->next_size);
        merge->from_size = merge->next_size;
    } while (!merge->done);
    assert (merged == 12000 && chunks == 3);
    assert (hs_store_count (store, HS_TABLE_CASEINDEX, &entries) == 0 && entries == 3 + 6000);
    assert (hs_caseindex_case (store, "cc/N04999", HS_CATEGORY_LAYOFF, case_id,
                               sizeof (case_id)) == 0 && streq (case_id, "putuo-5099"));
    assert (hs_caseindex_window (store, "cc/N05999", 9, &data, &data_size) == 0 && data_size == 2);
    free (merge);
    hs_store_abort (store);
    hs_store_destroy (&store);
    hs_store_remove (path);
    zstr_free (&path);
    if (verbose)
        printf ("OK\n");
}
