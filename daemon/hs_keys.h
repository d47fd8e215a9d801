/*  =========================================================================
    hs_keys - which unit a CURVE key belongs to

    With security on, every client certificate in the clients folder
    carries its unit (`unit` metadata), a board's the units it speaks for
    (`units`, a list). This class keeps the table of public key -> unit
    (or units), read from the folder and read again when the folder
    changes (a certificate added or removed: at once; one edited: within
    ten seconds), so removing a certificate revokes it, also for
    connections already open. Each thread that needs it has its own.
    =========================================================================
*/

#ifndef HS_KEYS_H_INCLUDED
#define HS_KEYS_H_INCLUDED

#include <czmq.h>
#include "hs_units.h"

typedef struct _hs_keys_t hs_keys_t;

//  The longest answer of hs_keys_unit: a board's units, one space apart.
#define HS_KEYS_UNITS_MAX 1024

//  The keys of the certificates in `clients_dir`. A board's certificate
//  (metadata `units`, a list, instead of `unit`) speaks for each unit
//  listed; one that names a unit `known` lacks (units.cfg, copied: NULL
//  checks nothing), or has both `unit` and `units`, is refused, logged
//  once. Caller owns the result.
hs_keys_t *hs_keys_new (const char *clients_dir, hs_units_t *known);
void hs_keys_destroy (hs_keys_t **self_p);

//  The unit whose certificate signed this frame's connection (its ZAP
//  User-Id) -- a board's: its units, one space apart -- or NULL if its
//  key is not, or no longer, allowed. Looks at the folder at most once a
//  second. Borrowed until the next call.
const char *hs_keys_unit (hs_keys_t *self, zframe_t *frame);

//  Whether `units`, an answer of hs_keys_unit, speaks for `unit`.
bool hs_keys_covers (const char *units, const char *unit);

//  Whether the key that signed this frame's connection is still in the
//  folder, naming a unit or not (a dashboard's): false once its
//  certificate is removed. Looks at the folder as hs_keys_unit does.
bool hs_keys_allowed (hs_keys_t *self, zframe_t *frame);

//  The same for a key (Z85, as a ZAP User-Id).
bool hs_keys_known (hs_keys_t *self, const char *key);

//  Certificates known (that name a unit).
size_t hs_keys_size (hs_keys_t *self);

void hs_keys_test (bool verbose);

#endif
