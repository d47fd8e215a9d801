/*  =========================================================================
    hs_windows - early-warning windows

    A count window only needs the last `threshold` times: the window holds
    at least `threshold` cases exactly when the threshold-th most recent
    one is inside it. So each key keeps a ring of `threshold` times, and
    memory per key is bounded whatever a feeder sends.

    Re-arming the category window: it used to re-arm whenever a new case
    found fewer than `streets` streets in the window. A category rolling
    through the district (a new street every few hours while the oldest
    slides out) then fired at nearly every new street: the count dipped to
    threshold - 1 for an instant, just before the next street's case was
    counted. It now stays fired until a new case finds the count at the
    re-arm level, below that dip.
    =========================================================================
*/

#include "hs_windows.h"
#include "hs_store.h"

//  A window's state, as stored: byte 0 is 1 if it fired and has not yet
//  been re-armed, byte 1 the number of entries, then the entries.
//    enterprise and street: the last `threshold` times, oldest first, 8
//    bytes each, big-endian.
//    category (the prompt): per street, its last time (8 bytes), the
//    name's length (1 byte) and the name.
#define S_RING_MAX      255         //  a threshold above is held at this

//  Streets' and categories' states are few and touched by every report:
//  they are held here and written through at the end of the transaction.
typedef struct {
    zchunk_t *data;             //  the state, or NULL: none stored
    bool dirty;                 //  changed since the last flush
} s_held_t;

struct _hs_windows_t {
    const hs_policy_t *policy;  //  windows and thresholds
    hs_windows_io_t io;         //  where the state lives
    int prompt_rearm;           //  as asked (negative: the default)
    zhashx_t *held;             //  key -> s_held_t, for "s/" and "c/" keys
};

static void
s_held_free (void **item)
{
    s_held_t *held = (s_held_t *) *item;
    if (held) {
        zchunk_destroy (&held->data);
        free (held);
        *item = NULL;
    }
}

hs_windows_t *
hs_windows_new (const hs_policy_t *policy, int prompt_rearm, const hs_windows_io_t *io)
{
    hs_windows_t *self = (hs_windows_t *) zmalloc (sizeof (hs_windows_t));
    self->policy = policy;
    self->io = *io;
    self->prompt_rearm = prompt_rearm;
    self->held = zhashx_new ();
    zhashx_set_destructor (self->held, s_held_free);
    return self;
}

void
hs_windows_destroy (hs_windows_t **self_p)
{
    assert (self_p);
    if (*self_p) {
        hs_windows_t *self = *self_p;
        zhashx_destroy (&self->held);
        free (self);
        *self_p = NULL;
    }
}

static int
s_get (hs_windows_t *self, const char *key, const uint8_t **data, size_t *size)
{
    if (key [0] == 'e')
        return self->io.get (self->io.arg, key, (const void **) data, size);
    s_held_t *held = (s_held_t *) zhashx_lookup (self->held, key);
    if (!held) {
        const void *stored;
        int rc = self->io.get (self->io.arg, key, &stored, size);
        if (rc < 0)
            return -1;
        held = (s_held_t *) zmalloc (sizeof (s_held_t));
        held->data = rc == 0? zchunk_new (stored, *size): NULL;
        zhashx_insert (self->held, key, held);
    }
    if (!held->data)
        return 1;
    *data = zchunk_data (held->data);
    *size = zchunk_size (held->data);
    return 0;
}

static int
s_put (hs_windows_t *self, const char *key, const void *data, size_t size)
{
    if (key [0] == 'e')
        return self->io.put (self->io.arg, key, data, size);
    s_held_t *held = (s_held_t *) zhashx_lookup (self->held, key);
    assert (held);                      //  always read before written
    zchunk_destroy (&held->data);
    held->data = zchunk_new (data, size);
    held->dirty = true;
    return 0;
}

int
hs_windows_flush (hs_windows_t *self)
{
    for (s_held_t *held = (s_held_t *) zhashx_first (self->held); held;
         held = (s_held_t *) zhashx_next (self->held))
        if (held->dirty) {
            const char *key = (const char *) zhashx_cursor (self->held);
            if (self->io.put (self->io.arg, key, zchunk_data (held->data), zchunk_size (held->data)))
                return -1;
            held->dirty = false;
        }
    return 0;
}

void
hs_windows_forget (hs_windows_t *self)
{
    zhashx_purge (self->held);
}

//  A window's stored state: its fired flag, its number of entries and
//  the bytes after the two-byte header. None stored: nothing fired, no
//  entries. Returns 0, or -1 if it could not be read.
static int
s_state (hs_windows_t *self, const char *key, bool *fired, size_t *entries,
         const uint8_t **body, size_t *body_size)
{
    const uint8_t *data;
    size_t size;
    int rc = s_get (self, key, &data, &size);
    if (rc < 0)
        return -1;
    bool found = rc == 0 && size >= 2;
    *fired = found && (data [0] & 1);
    *entries = found? data [1]: 0;
    *body = found? data + 2: NULL;
    *body_size = found? size - 2: 0;
    return 0;
}

//  Add a time to a count window's ring; sets *crossed if this made the
//  window cross. Returns 0, or -1 if the state could not be read or
//  written.
static int
s_ring_add (hs_windows_t *self, const char *key, int64_t threshold, int64_t window,
            int64_t at, int64_t *count, bool *crossed)
{
    size_t size = threshold < 1? 1: threshold > S_RING_MAX? S_RING_MAX: (size_t) threshold;
    int64_t times [S_RING_MAX + 1];
    size_t held = 0;
    bool fired;
    size_t stored, body_size;
    const uint8_t *body;
    if (s_state (self, key, &fired, &stored, &body, &body_size))
        return -1;
    if (body_size != 8 * stored)
        stored = 0;                     //  not ours: start afresh
    //  Keep the newest `size` (the threshold may have changed).
    for (size_t index = stored > size? stored - size: 0; index < stored; index++)
        times [held++] = (int64_t) hs_store_be64_get (body + 8 * index);
    int64_t since = at - window;
    int64_t within = 0;
    for (size_t index = 0; index < held; index++)
        within += times [index] >= since;
    if (within < (int64_t) size)
        fired = false;                  //  fell below: armed again
    if (held == size) {
        memmove (times, times + 1, (held - 1) * sizeof (int64_t));
        held--;
    }
    times [held++] = at;
    *count = 0;
    for (size_t index = 0; index < held; index++)
        *count += times [index] >= since;
    *crossed = *count >= (int64_t) size && !fired;
    if (*crossed)
        fired = true;
    uint8_t record [2 + 8 * (S_RING_MAX + 1)];
    record [0] = fired;
    record [1] = (uint8_t) held;
    for (size_t index = 0; index < held; index++)
        hs_store_be64_put (record + 2 + 8 * index, (uint64_t) times [index]);
    return s_put (self, key, record, 2 + 8 * held);
}

typedef struct {
    char name [HS_WINDOWS_NAME_MAX + 1];
    int64_t last;
} s_spot_t;

//  The re-arm level in force: read at each case, since a reload may
//  change the threshold under the same windows.
static int64_t
s_prompt_rearm (hs_windows_t *self)
{
    int64_t threshold = self->policy->prompt_streets;
    int64_t rearm = self->prompt_rearm < 0? threshold - 2: self->prompt_rearm;
    if (rearm > threshold - 1)
        rearm = threshold - 1;
    return rearm < 0? 0: rearm;
}

//  The prompt: one category begun in `prompt_streets` streets within its
//  window.
static int
s_spread_add (hs_windows_t *self, const char *key, const char *street, int64_t at,
              hs_crossings_t *crossed)
{
    const hs_policy_t *policy = self->policy;
    s_spot_t spots [HS_WINDOWS_MAX_STREETS];
    size_t held = 0;
    bool fired;
    size_t stored, body_size;
    const uint8_t *body;
    if (s_state (self, key, &fired, &stored, &body, &body_size))
        return -1;
    size_t offset = 0;
    for (size_t index = 0; index < stored && held < HS_WINDOWS_MAX_STREETS; index++) {
        if (offset + 9 > body_size || offset + 9 + body [offset + 8] > body_size
        ||  body [offset + 8] > HS_WINDOWS_NAME_MAX)
            break;                      //  not ours: keep what was sound
        spots [held].last = (int64_t) hs_store_be64_get (body + offset);
        memcpy (spots [held].name, body + offset + 9, body [offset + 8]);
        spots [held].name [body [offset + 8]] = 0;
        offset += 9 + body [offset + 8];
        held++;
    }
    int64_t since = at - policy->prompt_window_ms;
    int64_t within = 0;
    for (size_t index = 0; index < held; index++)
        within += spots [index].last >= since;
    if (within <= s_prompt_rearm (self))
        fired = false;
    size_t slot = held;
    for (size_t index = 0; index < held; index++)
        if (streq (spots [index].name, street))
            slot = index;
    if (slot == held) {
        if (held == HS_WINDOWS_MAX_STREETS) {
            //  Reuse the stalest slot; a district has far fewer streets.
            slot = 0;
            for (size_t index = 1; index < held; index++)
                if (spots [index].last < spots [slot].last)
                    slot = index;
        }
        else
            held++;
        hs_strcpy (spots [slot].name, sizeof (spots [slot].name), street);
    }
    spots [slot].last = at;
    crossed->street_total = 0;
    for (size_t index = 0; index < held; index++)
        crossed->street_total += spots [index].last >= since;
    if (crossed->street_total >= policy->prompt_streets && !fired) {
        fired = true;
        crossed->prompt = true;
        size_t out = 0;
        for (size_t index = 0; index < held; index++)
            if (spots [index].last >= since)
                memcpy (crossed->names [out++], spots [index].name, sizeof (spots [index].name));
        for (size_t index = 0; index < out; index++)
            crossed->streets [index] = crossed->names [index];
        crossed->streets [out] = NULL;
    }
    uint8_t record [2 + HS_WINDOWS_MAX_STREETS * (9 + HS_WINDOWS_NAME_MAX)];
    record [0] = fired;
    record [1] = (uint8_t) held;
    offset = 2;
    for (size_t index = 0; index < held; index++) {
        size_t length = strlen (spots [index].name);
        hs_store_be64_put (record + offset, (uint64_t) spots [index].last);
        record [offset + 8] = (uint8_t) length;
        memcpy (record + offset + 9, spots [index].name, length);
        offset += 9 + length;
    }
    return s_put (self, key, record, offset);
}

int
hs_windows_add (hs_windows_t *self, const char *enterprise_key, const char *street,
                 int category, int64_t at, hs_crossings_t *crossed)
{
    const hs_policy_t *policy = self->policy;
    memset (crossed, 0, sizeof (*crossed));
    char key [HS_WINDOWS_KEY_MAX + 1];
    hs_strjoin (key, sizeof (key), "e/", enterprise_key, NULL);
    if (s_ring_add (self, key, policy->enterprise_threshold, policy->enterprise_window_ms, at,
                    &crossed->enterprise_count, &crossed->enterprise))
        return -1;
    hs_strjoin (key, sizeof (key), "s/", street, NULL);
    if (s_ring_add (self, key, policy->street_threshold, policy->street_window_ms, at,
                    &crossed->street_count, &crossed->street))
        return -1;
    hs_strjoin (key, sizeof (key), "c/", hs_category_name (category), NULL);
    return s_spread_add (self, key, street, at, crossed);
}

bool
hs_windows_stale (hs_windows_t *self, const char *key, size_t key_size,
                   const void *data, size_t size, int64_t now)
{
    //  Only an enterprise's window is worth forgetting: streets and
    //  categories are few, and kept.
    if (key_size < 2 || memcmp (key, "e/", 2) != 0 || size < 2)
        return false;
    const uint8_t *bytes = (const uint8_t *) data;
    if (size != 2 + 8 * (size_t) bytes [1] || bytes [1] == 0)
        return true;
    //  Stale when its newest time is out of the window.
    return (int64_t) hs_store_be64_get (bytes + size - 8) < now - self->policy->enterprise_window_ms;
}

int64_t
hs_windows_horizon (hs_windows_t *self)
{
    int64_t horizon = self->policy->enterprise_window_ms;
    if (self->policy->street_window_ms > horizon)
        horizon = self->policy->street_window_ms;
    if (self->policy->prompt_window_ms > horizon)
        horizon = self->policy->prompt_window_ms;
    return horizon;
}

//  For the self test: the windows' state in a hash.
static int
s_test_get (void *arg, const char *key, const void **data, size_t *size)
{
    zchunk_t *chunk = (zchunk_t *) zhashx_lookup ((zhashx_t *) arg, key);
    if (!chunk)
        return 1;
    *data = zchunk_data (chunk);
    *size = zchunk_size (chunk);
    return 0;
}

static int
s_test_put (void *arg, const char *key, const void *data, size_t size)
{
    zhashx_update ((zhashx_t *) arg, key, zchunk_new (data, size));
    return 0;
}

static void
s_test_chunk_free (void **item)
{
    zchunk_t *chunk = (zchunk_t *) *item;
    zchunk_destroy (&chunk);
    *item = NULL;
}

//  A category rolling from street to street, as the issue saw it: one
//  case each in streets a, b, c (the third crosses), then d and e as a
//  and b slide out of the 24 h window. Returns how often the prompt fired,
//  and (in *hours) over how many hours.
static int
s_test_rolling (hs_policy_t *policy, int rearm, int64_t *hours)
{
    zhashx_t *state = zhashx_new ();
    zhashx_set_destructor (state, s_test_chunk_free);
    hs_windows_io_t io = { s_test_get, s_test_put, state };
    hs_windows_t *windows = hs_windows_new (policy, rearm, &io);
    int64_t hour = 3600000LL, t = 1000 * hour;
    const struct { const char *street; int64_t at; } cases [] = {
        { "street.a", 0 }, { "street.b", 2 * hour }, { "street.c", 21 * hour },
        { "street.d", 24 * hour + hour / 2 }, { "street.e", 26 * hour + hour / 2 }
    };
    int fired = 0;
    int64_t first = 0, last = 0;
    for (size_t index = 0; index < sizeof (cases) / sizeof (cases [0]); index++) {
        char key [32];
        snprintf (key, sizeof (key), "cc/R%zu", index);
        hs_crossings_t crossed;
        assert (hs_windows_add (windows, key, cases [index].street, HS_CATEGORY_WAGE_ARREARS,
                                t + cases [index].at, &crossed) == 0);
        if (crossed.prompt) {
            assert (crossed.street_total == 3);
            if (!fired++)
                first = cases [index].at;
            last = cases [index].at;
        }
    }
    *hours = (last - first) / hour;
    hs_windows_destroy (&windows);
    zhashx_destroy (&state);
    return fired;
}

//  Re-arming the prompt: after a crossing, the count at the next cases.
static void
s_test_rearm (hs_policy_t *policy)
{
    zhashx_t *state = zhashx_new ();
    zhashx_set_destructor (state, s_test_chunk_free);
    hs_windows_io_t io = { s_test_get, s_test_put, state };
    hs_windows_t *windows = hs_windows_new (policy, HS_WINDOWS_REARM_DEFAULT, &io);
    int64_t hour = 3600000LL, t = 2000 * hour;
    hs_crossings_t crossed;
    (void) hs_windows_add (windows, "cc/1", "street.a", HS_CATEGORY_INJURY, t, &crossed);
    (void) hs_windows_add (windows, "cc/2", "street.b", HS_CATEGORY_INJURY, t + 1 * hour, &crossed);
    (void) hs_windows_add (windows, "cc/3", "street.c", HS_CATEGORY_INJURY, t + 11 * hour, &crossed);
    assert (crossed.prompt);
    //  At 34 h only street c is left in the window (at most 3 - 2): armed.
    (void) hs_windows_add (windows, "cc/4", "street.d", HS_CATEGORY_INJURY, t + 34 * hour, &crossed);
    assert (!crossed.prompt && crossed.street_total == 2);
    (void) hs_windows_add (windows, "cc/5", "street.e", HS_CATEGORY_INJURY, t + 34 * hour + 1, &crossed);
    assert (crossed.prompt && crossed.street_total == 3);
    //  Another category's window is its own.
    (void) hs_windows_add (windows, "cc/6", "street.a", HS_CATEGORY_CONTRACT, t + 35 * hour, &crossed);
    assert (!crossed.prompt && crossed.street_total == 1);
    //  A window that has emptied re-arms, whatever the level.
    (void) hs_windows_add (windows, "cc/7", "street.a", HS_CATEGORY_INJURY, t + 90 * hour, &crossed);
    assert (!crossed.prompt && crossed.street_total == 1);
    (void) hs_windows_add (windows, "cc/8", "street.b", HS_CATEGORY_INJURY, t + 91 * hour, &crossed);
    (void) hs_windows_add (windows, "cc/9", "street.c", HS_CATEGORY_INJURY, t + 92 * hour, &crossed);
    assert (crossed.prompt);
    //  The same street again is no new street.
    (void) hs_windows_add (windows, "cc/10", "street.c", HS_CATEGORY_INJURY, t + 93 * hour, &crossed);
    assert (!crossed.prompt && crossed.street_total == 3);
    hs_windows_destroy (&windows);
    zhashx_destroy (&state);
}

void
hs_windows_test (bool verbose)
{
    if (verbose)
        printf (" * hs_windows: ");
    hs_policy_t policy;
    memset (&policy, 0, sizeof (policy));
    policy.enterprise_window_ms = 7 * 86400000LL;
    policy.enterprise_threshold = 3;
    policy.street_window_ms = 86400000LL;
    policy.street_threshold = 4;
    policy.prompt_window_ms = 86400000LL;
    policy.prompt_streets = 3;
    zhashx_t *state = zhashx_new ();
    zhashx_set_destructor (state, s_test_chunk_free);
    hs_windows_io_t io = { s_test_get, s_test_put, state };
    hs_windows_t *warnings = hs_windows_new (&policy, HS_WINDOWS_REARM_DEFAULT, &io);
    hs_crossings_t crossed;
    int64_t hour = 3600000LL;
    int64_t t = 1000 * hour;
    //  Enterprise: the third report within 7 days crosses, once.
    (void) hs_windows_add (warnings, "cc/A", "street.a", HS_CATEGORY_OTHER, t, &crossed);
    assert (!crossed.enterprise);
    (void) hs_windows_add (warnings, "cc/A", "street.a", HS_CATEGORY_OTHER, t + 24 * hour, &crossed);
    assert (!crossed.enterprise);
    (void) hs_windows_add (warnings, "cc/A", "street.a", HS_CATEGORY_OTHER, t + 48 * hour, &crossed);
    assert (crossed.enterprise && crossed.enterprise_count == 3);
    (void) hs_windows_add (warnings, "cc/A", "street.a", HS_CATEGORY_OTHER, t + 49 * hour, &crossed);
    assert (!crossed.enterprise);       //  once per crossing
    //  Street: the fourth report in a day crosses (reports 1-4 above were
    //  over two days: only two within 24h of the 4th).
    assert (!crossed.street && crossed.street_count == 2);
    (void) hs_windows_add (warnings, "cc/B", "street.a", HS_CATEGORY_OTHER, t + 50 * hour, &crossed);
    (void) hs_windows_add (warnings, "cc/C", "street.a", HS_CATEGORY_OTHER, t + 51 * hour, &crossed);
    assert (crossed.street && crossed.street_count == 4);
    //  After the window empties, the enterprise window re-arms and fires again.
    int64_t later = t + 30 * 24 * hour;
    (void) hs_windows_add (warnings, "cc/A", "street.b", HS_CATEGORY_LAYOFF, later, &crossed);
    (void) hs_windows_add (warnings, "cc/A", "street.b", HS_CATEGORY_LAYOFF, later + 1, &crossed);
    (void) hs_windows_add (warnings, "cc/A", "street.b", HS_CATEGORY_LAYOFF, later + 2, &crossed);
    assert (crossed.enterprise);
    //  Prompt: one category from three streets within a day.
    assert (!crossed.prompt);
    (void) hs_windows_add (warnings, "cc/D", "street.c", HS_CATEGORY_LAYOFF, later + 3, &crossed);
    assert (!crossed.prompt);
    (void) hs_windows_add (warnings, "cc/E", "street.d", HS_CATEGORY_LAYOFF, later + 4, &crossed);
    assert (crossed.prompt && crossed.street_total == 3);
    assert (streq (crossed.streets [0], "street.b") && crossed.streets [3] == NULL);
    (void) hs_windows_add (warnings, "cc/F", "street.e", HS_CATEGORY_LAYOFF, later + 5, &crossed);
    assert (!crossed.prompt);
    //  Streets' and categories' states reach the store at a flush.
    assert (!zhashx_lookup (state, "s/street.a"));
    assert (hs_windows_flush (warnings) == 0);
    //  An enterprise nobody reported for a window is stale; streets never.
    zchunk_t *chunk = (zchunk_t *) zhashx_lookup (state, "e/cc/A");
    assert (chunk);
    assert (!hs_windows_stale (warnings, "e/cc/A", 6, zchunk_data (chunk), zchunk_size (chunk), later + 6 * 24 * hour));
    assert (hs_windows_stale (warnings, "e/cc/A", 6, zchunk_data (chunk), zchunk_size (chunk), later + 8 * 24 * hour));
    chunk = (zchunk_t *) zhashx_lookup (state, "s/street.a");
    assert (chunk);
    assert (!hs_windows_stale (warnings, "s/street.a", 10, zchunk_data (chunk), zchunk_size (chunk), later + 99 * 24 * hour));
    //  A threshold raised by a reload: the stored ring is read as it is.
    policy.enterprise_threshold = 4;
    (void) hs_windows_add (warnings, "cc/A", "street.b", HS_CATEGORY_LAYOFF, later + 6, &crossed);
    assert (crossed.enterprise && crossed.enterprise_count == 4);
    //  The state is all in the store: a fresh instance carries on.
    assert (hs_windows_flush (warnings) == 0);
    hs_windows_destroy (&warnings);
    warnings = hs_windows_new (&policy, HS_WINDOWS_REARM_DEFAULT, &io);
    (void) hs_windows_add (warnings, "cc/A", "street.b", HS_CATEGORY_LAYOFF, later + 7, &crossed);
    assert (!crossed.enterprise && crossed.enterprise_count == 4);
    assert (hs_windows_horizon (warnings) == 7 * 86400000LL);
    hs_windows_destroy (&warnings);
    zhashx_destroy (&state);
    assert (!warnings);
    //  The issue: re-armed whenever the count dipped below the threshold
    //  (the re-arm level threshold - 1), a rolling category fired three
    //  times within six hours. With the default level it fires once.
    int64_t hours;
    assert (s_test_rolling (&policy, 2, &hours) == 3 && hours <= 6);
    assert (s_test_rolling (&policy, HS_WINDOWS_REARM_DEFAULT, &hours) == 1);
    assert (s_test_rolling (&policy, 99, &hours) == 3);     //  held at threshold - 1
    s_test_rearm (&policy);
    if (verbose)
        printf ("OK\n");
}
