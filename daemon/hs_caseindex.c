/*  =========================================================================
    hs_caseindex - the `caseindex` table: what the store keeps per enterprise
    =========================================================================
*/

#include "hs_caseindex.h"

#define SEP 0x1f                        //  between an enterprise and a category

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

//  The correlation key: the enterprise, SEP, the category's name.
static size_t
s_key (const char *enterprise, int category, char *key)
{
    const char separator [2] = { SEP, 0 };
    return hs_strjoin (key, HS_CASEINDEX_KEY_MAX, enterprise, separator,
                       hs_category_name (category), NULL);
}

int
hs_caseindex_case (hs_store_t *store, const char *enterprise, int category, char *case_id,
                   size_t size)
{
    char key [HS_CASEINDEX_KEY_MAX];
    size_t key_size = s_key (enterprise, category, key);
    if (key_size == 0 || key_size >= HS_CASEINDEX_KEY_MAX - 1)
        return 1;                       //  too long to have been indexed
    const void *data;
    size_t length;
    int rc = hs_store_get (store, HS_TABLE_CASEINDEX, key, key_size, &data, &length);
    if (rc == 0) {
        if (length >= size)
            return -1;
        memcpy (case_id, data, length);
        case_id [length] = 0;
    }
    return rc;
}

int
hs_caseindex_set (hs_store_t *store, const char *enterprise, int category, const char *case_id)
{
    char key [HS_CASEINDEX_KEY_MAX];
    size_t key_size = s_key (enterprise, category, key);
    if (key_size == 0 || key_size >= HS_CASEINDEX_KEY_MAX - 1)
        return 0;                       //  an enterprise too long to match by
    return hs_store_put (store, HS_TABLE_CASEINDEX, key, key_size, case_id, strlen (case_id));
}

int
hs_caseindex_unset (hs_store_t *store, const char *enterprise, int category)
{
    char key [HS_CASEINDEX_KEY_MAX];
    size_t key_size = s_key (enterprise, category, key);
    if (key_size == 0 || key_size >= HS_CASEINDEX_KEY_MAX - 1)
        return 0;
    return hs_store_del (store, HS_TABLE_CASEINDEX, key, key_size);
}

bool
hs_caseindex_is_window (const void *key, size_t size)
{
    return memchr (key, SEP, size) == NULL;
}

static bool
s_window_name (const void *enterprise, size_t size)
{
    return size > 0 && size < HS_CASEINDEX_KEY_MAX - 1 && hs_caseindex_is_window (enterprise, size);
}

int
hs_caseindex_window (hs_store_t *store, const void *enterprise, size_t size, const void **data,
                     size_t *data_size)
{
    if (!s_window_name (enterprise, size))
        return 1;
    return hs_store_get (store, HS_TABLE_CASEINDEX, enterprise, size, data, data_size);
}

int
hs_caseindex_window_put (hs_store_t *store, const void *enterprise, size_t size, const void *data,
                         size_t data_size)
{
    if (!s_window_name (enterprise, size))
        return 0;                       //  an enterprise too long to count
    return hs_store_put (store, HS_TABLE_CASEINDEX, enterprise, size, data, data_size);
}

int
hs_caseindex_window_del (hs_store_t *store, const void *enterprise, size_t size)
{
    if (!s_window_name (enterprise, size))
        return 0;
    return hs_store_del (store, HS_TABLE_CASEINDEX, enterprise, size);
}

typedef struct {
    hs_store_walk_fn *visit;
    void *arg;
} s_windows_t;

static int
s_windows_visit (const void *key, size_t key_size, const void *data, size_t size, void *arg)
{
    s_windows_t *walk = (s_windows_t *) arg;
    if (!hs_caseindex_is_window (key, key_size))
        return 0;
    return walk->visit (key, key_size, data, size, walk->arg);
}

int
hs_caseindex_windows (hs_store_t *store, const void *from, size_t from_size,
                      hs_store_walk_fn *visit, void *arg)
{
    s_windows_t walk = { visit, arg };
    return hs_store_walk (store, HS_TABLE_CASEINDEX, from_size? from: NULL, from_size, false,
                          s_windows_visit, &walk);
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
    //  An enterprise name too long to be a key is never matched nor counted.
    char huge [HS_CASEINDEX_KEY_MAX + 8];
    memset (huge, 'a', sizeof (huge) - 1);
    huge [sizeof (huge) - 1] = 0;
    assert (hs_caseindex_set (store, huge, HS_CATEGORY_LAYOFF, "putuo-3") == 0);
    assert (hs_caseindex_case (store, huge, HS_CATEGORY_LAYOFF, case_id, sizeof (case_id)) == 1);
    assert (hs_caseindex_window_put (store, huge, strlen (huge), "r", 1) == 0);
    assert (hs_caseindex_window (store, huge, strlen (huge), &data, &data_size) == 1);
    hs_store_abort (store);
    hs_store_destroy (&store);
    hs_store_remove (path);
    zstr_free (&path);
    if (verbose)
        printf ("OK\n");
}
