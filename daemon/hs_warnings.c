/*  =========================================================================
    hs_warnings - early-warning windows

    A count window only needs the last `threshold` times: the window holds
    at least `threshold` reports exactly when the threshold-th most recent
    one is inside it. So each key keeps a ring of `threshold` times, and
    memory per key is bounded whatever a feeder sends.
    =========================================================================
*/

#include "hs_warnings.h"

typedef struct {
    int64_t *times;             //  ring of the last `size` times
    size_t size;                //  ring capacity: the threshold
    size_t next;                //  slot the next time goes into
    size_t count;               //  times held (<= size)
    bool fired;                 //  crossed and not yet fallen below
} s_ring_t;

typedef struct {
    char streets [HS_WARNINGS_MAX_STREETS][64];     //  streets seen
    int64_t last [HS_WARNINGS_MAX_STREETS];         //  last report from each
    size_t size;
    bool fired;
} s_spread_t;

struct _hs_warnings_t {
    const hs_policy_t *policy;  //  windows and thresholds
    zhashx_t *enterprises;      //  enterprise key -> s_ring_t
    zhashx_t *streets;          //  street -> s_ring_t
    zhashx_t *categories;       //  category name -> s_spread_t
};

static void
s_ring_free (void **item)
{
    s_ring_t *ring = (s_ring_t *) *item;
    if (ring) {
        free (ring->times);
        free (ring);
        *item = NULL;
    }
}

static void
s_spread_free (void **item)
{
    free (*item);
    *item = NULL;
}

hs_warnings_t *
hs_warnings_new (const hs_policy_t *policy)
{
    hs_warnings_t *self = (hs_warnings_t *) zmalloc (sizeof (hs_warnings_t));
    self->policy = policy;
    self->enterprises = zhashx_new ();
    self->streets = zhashx_new ();
    self->categories = zhashx_new ();
    zhashx_set_destructor (self->enterprises, s_ring_free);
    zhashx_set_destructor (self->streets, s_ring_free);
    zhashx_set_destructor (self->categories, s_spread_free);
    return self;
}

void
hs_warnings_destroy (hs_warnings_t **self_p)
{
    assert (self_p);
    if (*self_p) {
        hs_warnings_t *self = *self_p;
        zhashx_destroy (&self->enterprises);
        zhashx_destroy (&self->streets);
        zhashx_destroy (&self->categories);
        free (self);
        *self_p = NULL;
    }
}

void
hs_warnings_clear (hs_warnings_t *self)
{
    zhashx_purge (self->enterprises);
    zhashx_purge (self->streets);
    zhashx_purge (self->categories);
}

//  The number of held times at or after `since`.
static int64_t
s_ring_count (s_ring_t *ring, int64_t since)
{
    int64_t count = 0;
    for (size_t index = 0; index < ring->count; index++)
        count += ring->times [index] >= since;
    return count;
}

//  Add a time to a key's ring; true if this made the window cross.
static bool
s_ring_add (zhashx_t *hash, const char *key, size_t threshold, int64_t window, int64_t at,
            int64_t *count)
{
    s_ring_t *ring = (s_ring_t *) zhashx_lookup (hash, key);
    if (!ring) {
        ring = (s_ring_t *) zmalloc (sizeof (s_ring_t));
        ring->size = threshold;
        ring->times = (int64_t *) zmalloc (threshold * sizeof (int64_t));
        zhashx_insert (hash, key, ring);
    }
    int64_t since = at - window;
    if (s_ring_count (ring, since) < (int64_t) threshold)
        ring->fired = false;            //  fell below: armed again
    ring->times [ring->next] = at;
    ring->next = (ring->next + 1) % ring->size;
    if (ring->count < ring->size)
        ring->count++;
    *count = s_ring_count (ring, since);
    if (*count >= (int64_t) threshold && !ring->fired) {
        ring->fired = true;
        return true;
    }
    return false;
}

static int64_t
s_spread_count (s_spread_t *spread, int64_t since)
{
    int64_t count = 0;
    for (size_t index = 0; index < spread->size; index++)
        count += spread->last [index] >= since;
    return count;
}

void
hs_warnings_add (hs_warnings_t *self, const char *enterprise_key, const char *street,
                 int category, int64_t at, hs_crossings_t *crossed)
{
    const hs_policy_t *policy = self->policy;
    memset (crossed, 0, sizeof (*crossed));
    crossed->enterprise = s_ring_add (self->enterprises, enterprise_key,
                                      (size_t) policy->enterprise_threshold,
                                      policy->enterprise_window_ms, at, &crossed->enterprise_count);
    crossed->street = s_ring_add (self->streets, street, (size_t) policy->street_threshold,
                                  policy->street_window_ms, at, &crossed->street_count);

    const char *name = hs_category_name (category);
    s_spread_t *spread = (s_spread_t *) zhashx_lookup (self->categories, name);
    if (!spread) {
        spread = (s_spread_t *) zmalloc (sizeof (s_spread_t));
        zhashx_insert (self->categories, name, spread);
    }
    int64_t since = at - policy->prompt_window_ms;
    if (s_spread_count (spread, since) < policy->prompt_streets)
        spread->fired = false;
    size_t slot = spread->size;
    for (size_t index = 0; index < spread->size; index++)
        if (streq (spread->streets [index], street))
            slot = index;
    if (slot == spread->size) {
        if (spread->size == HS_WARNINGS_MAX_STREETS) {
            //  Reuse the stalest slot; a district has far fewer streets.
            slot = 0;
            for (size_t index = 1; index < spread->size; index++)
                if (spread->last [index] < spread->last [slot])
                    slot = index;
        }
        else
            spread->size++;
        snprintf (spread->streets [slot], sizeof (spread->streets [slot]), "%s", street);
    }
    spread->last [slot] = at;
    crossed->street_total = s_spread_count (spread, since);
    if (crossed->street_total >= policy->prompt_streets && !spread->fired) {
        spread->fired = true;
        crossed->prompt = true;
        size_t out = 0;
        for (size_t index = 0; index < spread->size; index++)
            if (spread->last [index] >= since)
                crossed->streets [out++] = spread->streets [index];
        crossed->streets [out] = NULL;
    }
}

static size_t
s_prune_rings (zhashx_t *hash, int64_t since)
{
    zlistx_t *stale = zlistx_new ();
    for (s_ring_t *ring = (s_ring_t *) zhashx_first (hash); ring; ring = (s_ring_t *) zhashx_next (hash))
        if (s_ring_count (ring, since) == 0)
            zlistx_add_end (stale, (void *) zhashx_cursor (hash));
    size_t count = zlistx_size (stale);
    for (const char *key = (const char *) zlistx_first (stale); key; key = (const char *) zlistx_next (stale))
        zhashx_delete (hash, key);
    zlistx_destroy (&stale);
    return count;
}

size_t
hs_warnings_prune (hs_warnings_t *self, int64_t now)
{
    return s_prune_rings (self->enterprises, now - self->policy->enterprise_window_ms)
         + s_prune_rings (self->streets, now - self->policy->street_window_ms);
}

int64_t
hs_warnings_horizon (hs_warnings_t *self)
{
    int64_t horizon = self->policy->enterprise_window_ms;
    if (self->policy->street_window_ms > horizon)
        horizon = self->policy->street_window_ms;
    if (self->policy->prompt_window_ms > horizon)
        horizon = self->policy->prompt_window_ms;
    return horizon;
}

void
hs_warnings_test (bool verbose)
{
    if (verbose)
        printf (" * hs_warnings: ");
    hs_policy_t policy;
    memset (&policy, 0, sizeof (policy));
    policy.enterprise_window_ms = 7 * 86400000LL;
    policy.enterprise_threshold = 3;
    policy.street_window_ms = 86400000LL;
    policy.street_threshold = 4;
    policy.prompt_window_ms = 86400000LL;
    policy.prompt_streets = 3;
    hs_warnings_t *warnings = hs_warnings_new (&policy);
    hs_crossings_t crossed;
    int64_t hour = 3600000LL;
    int64_t t = 1000 * hour;
    //  Enterprise: the third report within 7 days crosses, once.
    hs_warnings_add (warnings, "cc/A", "street.a", HS_CATEGORY_OTHER, t, &crossed);
    assert (!crossed.enterprise);
    hs_warnings_add (warnings, "cc/A", "street.a", HS_CATEGORY_OTHER, t + 24 * hour, &crossed);
    assert (!crossed.enterprise);
    hs_warnings_add (warnings, "cc/A", "street.a", HS_CATEGORY_OTHER, t + 48 * hour, &crossed);
    assert (crossed.enterprise && crossed.enterprise_count == 3);
    hs_warnings_add (warnings, "cc/A", "street.a", HS_CATEGORY_OTHER, t + 49 * hour, &crossed);
    assert (!crossed.enterprise);       //  once per crossing
    //  Street: the fourth report in a day crosses (reports 1-4 above were
    //  over two days: only two within 24h of the 4th).
    assert (!crossed.street && crossed.street_count == 2);
    hs_warnings_add (warnings, "cc/B", "street.a", HS_CATEGORY_OTHER, t + 50 * hour, &crossed);
    hs_warnings_add (warnings, "cc/C", "street.a", HS_CATEGORY_OTHER, t + 51 * hour, &crossed);
    assert (crossed.street && crossed.street_count == 4);
    //  After the window empties, the enterprise window re-arms and fires again.
    int64_t later = t + 30 * 24 * hour;
    hs_warnings_add (warnings, "cc/A", "street.b", HS_CATEGORY_LAYOFF, later, &crossed);
    hs_warnings_add (warnings, "cc/A", "street.b", HS_CATEGORY_LAYOFF, later + 1, &crossed);
    hs_warnings_add (warnings, "cc/A", "street.b", HS_CATEGORY_LAYOFF, later + 2, &crossed);
    assert (crossed.enterprise);
    //  Prompt: one category from three streets within a day.
    assert (!crossed.prompt);
    hs_warnings_add (warnings, "cc/D", "street.c", HS_CATEGORY_LAYOFF, later + 3, &crossed);
    assert (!crossed.prompt);
    hs_warnings_add (warnings, "cc/E", "street.d", HS_CATEGORY_LAYOFF, later + 4, &crossed);
    assert (crossed.prompt && crossed.street_total == 3);
    assert (streq (crossed.streets [0], "street.b") && crossed.streets [3] == NULL);
    hs_warnings_add (warnings, "cc/F", "street.e", HS_CATEGORY_LAYOFF, later + 5, &crossed);
    assert (!crossed.prompt);
    //  Pruning forgets windows nobody can see.
    assert (hs_warnings_prune (warnings, later + 100 * 24 * hour) > 0);
    assert (hs_warnings_horizon (warnings) == 7 * 86400000LL);
    hs_warnings_destroy (&warnings);
    assert (!warnings);
    if (verbose)
        printf ("OK\n");
}
