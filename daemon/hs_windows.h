/*  =========================================================================
    hs_windows - early-warning windows (预警, 工作提示)

    Owns the three sliding windows of SPEC §3, on the daemon's clock, all
    counting disputes (cases begun or begun again), never reports: the
    same enterprise in `threshold` cases within its window, one street
    with `threshold` new cases within its window, and one category begun
    in `streets` streets within its window. Each window reports a crossing
    once, when it first reaches its threshold. The enterprise and street
    windows re-arm after they have fallen below it again; the category
    window (the suggested work prompt) only once it has fallen to its
    re-arm level, so that a category still rolling from street to street
    is one crossing, not one each time a street slides out of the window.

    A count window only needs the last `threshold` times: the window holds
    at least `threshold` cases exactly when the threshold-th most recent
    one is inside it. The state lives where the caller keeps it (the
    engine: the store's `windows` table, in the batch's transaction), one
    small record per key, so memory stays flat however many enterprises
    report, a restart reads nothing back, and a batch that is not
    committed leaves the windows as they were. The few street and
    category states are held in memory between a read and the flush at
    the end of the transaction.
    =========================================================================
*/

#ifndef HS_WINDOWS_H_INCLUDED
#define HS_WINDOWS_H_INCLUDED

#include "hs_rules.h"

#define HS_WINDOWS_MAX_STREETS 64
#define HS_WINDOWS_NAME_MAX    64      //  a unit code (HS_CODE_MAX)
#define HS_WINDOWS_KEY_MAX     320

//  Where the windows' state is kept. get: 0 found (data valid until the
//  next put), 1 none, -1 failed; put: 0 or -1.
typedef struct {
    int (*get) (void *arg, const char *key, const void **data, size_t *size);
    int (*put) (void *arg, const char *key, const void *data, size_t size);
    void *arg;
} hs_windows_io_t;

//  What one case made cross. Strings are borrowed until the next call.
typedef struct {
    bool enterprise;
    int64_t enterprise_count;
    bool street;
    int64_t street_count;
    bool prompt;
    const char *streets [HS_WINDOWS_MAX_STREETS + 1];  //  NULL-terminated
    int64_t street_total;
    char names [HS_WINDOWS_MAX_STREETS][HS_WINDOWS_NAME_MAX + 1];
} hs_crossings_t;

typedef struct _hs_windows_t hs_windows_t;

//  The category window's default re-arm level: the prompt_streets
//  threshold less two, at least 0 (3 streets: re-armed once at most one
//  street is left in the window; 1 or 2: once the window has emptied).
#define HS_WINDOWS_REARM_DEFAULT -1

//  Windows under a policy (borrowed; must outlive them), their state kept
//  through `io`. `prompt_rearm`: once the category window has fired, it
//  is armed again only when a new case of that category finds at most
//  this many streets in the window (before the case is counted), i.e.
//  the count has fallen to this level in the meantime; the window sliding
//  one street out while others keep coming never re-arms it. A level of
//  the threshold or more is held at threshold - 1 (the plain "fell below
//  the threshold"); HS_WINDOWS_REARM_DEFAULT (or any negative) gives the
//  default above.
hs_windows_t *hs_windows_new (const hs_policy_t *policy, int prompt_rearm,
                              const hs_windows_io_t *io);
void hs_windows_destroy (hs_windows_t **self_p);

//  Count one case begun (or begun again) at daemon time `at`, and say
//  what it made cross. Times must come in order (a rebuild sorts them).
//  Returns 0, or -1 if the state could not be read or written.
int hs_windows_add (hs_windows_t *self, const char *enterprise_key, const char *street,
                     int category, int64_t at, hs_crossings_t *crossed);

//  Write the streets' and categories' states, held since they were last
//  read, through to the store: at the end of each transaction. Returns 0
//  or -1.
int hs_windows_flush (hs_windows_t *self);

//  Drop what is held (the transaction was not committed): read afresh.
void hs_windows_forget (hs_windows_t *self);

//  True if a stored window state (key, data) is one no window can see at
//  `now` any more, and may be deleted.
bool hs_windows_stale (hs_windows_t *self, const char *key, size_t key_size,
                        const void *data, size_t size, int64_t now);

//  The longest window: how far back a rebuild must read.
int64_t hs_windows_horizon (hs_windows_t *self);

void hs_windows_test (bool verbose);

#endif
