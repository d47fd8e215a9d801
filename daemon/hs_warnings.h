/*  =========================================================================
    hs_warnings - early-warning windows (预警, 工作提示)

    Owns the three sliding windows of SPEC §3, on the daemon's clock: the
    same enterprise reported `threshold` times within its window, one
    street with `threshold` new reports within its window, and one category
    reported from `streets` streets within its window. Each window reports
    a crossing once, when it first reaches its threshold, and re-arms only
    after it has fallen below it again. The state is memory only: the
    engine rebuilds it from the stored reports at start (and after a batch
    that could not be committed), by feeding them through in order.
    =========================================================================
*/

#ifndef HS_WARNINGS_H_INCLUDED
#define HS_WARNINGS_H_INCLUDED

#include "hs_rules.h"

#define HS_WARNINGS_MAX_STREETS 64

//  What one report made cross. Strings are borrowed until the next call.
typedef struct {
    bool enterprise;
    int64_t enterprise_count;
    bool street;
    int64_t street_count;
    bool prompt;
    const char *streets [HS_WARNINGS_MAX_STREETS + 1];  //  NULL-terminated
    int64_t street_total;
} hs_crossings_t;

typedef struct _hs_warnings_t hs_warnings_t;

//  Create empty windows under a policy (borrowed; must outlive them).
hs_warnings_t *hs_warnings_new (const hs_policy_t *policy);
void hs_warnings_destroy (hs_warnings_t **self_p);

//  Forget everything (before a rebuild).
void hs_warnings_clear (hs_warnings_t *self);

//  Count one report at daemon time `at`, and say what it made cross.
void hs_warnings_add (hs_warnings_t *self, const char *enterprise_key, const char *street,
                      int category, int64_t at, hs_crossings_t *crossed);

//  Drop state that no window can see any more. Returns entries dropped.
size_t hs_warnings_prune (hs_warnings_t *self, int64_t now);

//  The longest window: how far back a rebuild must read.
int64_t hs_warnings_horizon (hs_warnings_t *self);

void hs_warnings_test (bool verbose);

#endif
