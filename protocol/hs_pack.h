/*  =========================================================================
    hs_pack - a growable msgpack buffer with its packer, and counted maps

    Every encoder in protocol/ writes through this class. Code outside
    protocol/ may create, reset and read a packer (it is scratch space it
    hands to an encoder) but never writes values into one itself.
    =========================================================================
*/

#ifndef HS_PACK_H_INCLUDED
#define HS_PACK_H_INCLUDED

#include "hs_proto.h"

typedef struct _hs_pack_t hs_pack_t;

//  Create a packer. Caller owns it; destroy with hs_pack_destroy.
hs_pack_t *hs_pack_new (void);
void hs_pack_destroy (hs_pack_t **self_p);
//  Forget what was packed, keeping the buffer for reuse.
void hs_pack_reset (hs_pack_t *self);
//  The packed bytes, borrowed: valid until the next call on the packer.
const uint8_t *hs_pack_data (hs_pack_t *self);
size_t hs_pack_size (hs_pack_t *self);

void hs_pack_map (hs_pack_t *self, size_t entries);
void hs_pack_array (hs_pack_t *self, size_t entries);
void hs_pack_str (hs_pack_t *self, const char *string);
void hs_pack_strn (hs_pack_t *self, const char *string, size_t size);
void hs_pack_int (hs_pack_t *self, int64_t value);
void hs_pack_bool (hs_pack_t *self, bool value);
void hs_pack_nil (hs_pack_t *self);
void hs_pack_bin (hs_pack_t *self, const void *data, size_t size);
//  Copy an already-packed object's bytes in as they are.
void hs_pack_raw (hs_pack_t *self, const void *data, size_t size);
//  Pack a decoded msgpack object (deep copy).
void hs_pack_object (hs_pack_t *self, const msgpack_object *object);
//  Pack a string array from a NULL-terminated list of strings.
void hs_pack_strv (hs_pack_t *self, const char *const *strings);
//  Pack the names of the flags set in a flag bit set, as an array.
void hs_pack_flags (hs_pack_t *self, uint32_t flags);

//  A map whose entries are counted as they are written: begin, then for
//  each entry hs_map_key (or a hs_map_<type> shortcut) and its value, then
//  end, which patches the count in. A layout cannot drift from its size.
typedef struct {
    hs_pack_t *pack;            //  where the map is written
    size_t start;               //  offset of its header
    uint32_t entries;           //  entries so far
} hs_map_t;

void hs_map_begin (hs_map_t *map, hs_pack_t *pack);
void hs_map_key (hs_map_t *map, const char *key);
void hs_map_str (hs_map_t *map, const char *key, const char *value);
void hs_map_int (hs_map_t *map, const char *key, int64_t value);
void hs_map_end (hs_map_t *map);

//  A count under a name (a street, a category, a reason code).
typedef struct {
    const char *name;
    int64_t count;
} hs_tally_t;

void hs_pack_test (bool verbose);

#endif
