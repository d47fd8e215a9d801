/*  =========================================================================
    hs_keys - which unit a CURVE key belongs to

    With security on, every client certificate in the clients folder
    carries its unit (`unit` metadata). This class keeps the table of
    public key -> unit, read from the folder and read again when the folder
    changes (a certificate added or removed: at once; one edited: within
    ten seconds), so removing a certificate revokes it, also for
    connections already open. Each thread that needs it has its own.
    =========================================================================
*/

#ifndef HS_KEYS_H_INCLUDED
#define HS_KEYS_H_INCLUDED

#include <czmq.h>

typedef struct _hs_keys_t hs_keys_t;

//  The keys of the certificates in `clients_dir`. Caller owns the result.
hs_keys_t *hs_keys_new (const char *clients_dir);
void hs_keys_destroy (hs_keys_t **self_p);

//  The unit whose certificate signed this frame's connection (its ZAP
//  User-Id), or NULL if its key is not, or no longer, allowed. Looks at
//  the folder at most once a second. Borrowed until the next call.
const char *hs_keys_unit (hs_keys_t *self, zframe_t *frame);

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
