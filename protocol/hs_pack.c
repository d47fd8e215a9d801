/*  =========================================================================
    hs_pack - a growable msgpack buffer with its packer, and counted maps

    A counted map writes a 32-bit map header first and patches the entry
    count in at the end, so an encoder's layout cannot drift from its size.
    =========================================================================
*/

#include "hs_pack.h"
#include <stdlib.h>
#include <string.h>
#include <assert.h>
#include <stdio.h>

struct _hs_pack_t {
    msgpack_sbuffer buffer;     //  the bytes packed so far
    msgpack_packer packer;      //  writes into buffer
};

hs_pack_t *
hs_pack_new (void)
{
    hs_pack_t *self = (hs_pack_t *) calloc (1, sizeof (hs_pack_t));
    assert (self);
    msgpack_sbuffer_init (&self->buffer);
    msgpack_packer_init (&self->packer, &self->buffer, msgpack_sbuffer_write);
    return self;
}

void
hs_pack_destroy (hs_pack_t **self_p)
{
    assert (self_p);
    if (*self_p) {
        msgpack_sbuffer_destroy (&(*self_p)->buffer);
        free (*self_p);
        *self_p = NULL;
    }
}

void hs_pack_reset (hs_pack_t *self) { msgpack_sbuffer_clear (&self->buffer); }
const uint8_t *hs_pack_data (hs_pack_t *self) { return (const uint8_t *) self->buffer.data; }
size_t hs_pack_size (hs_pack_t *self) { return self->buffer.size; }
void hs_pack_map (hs_pack_t *self, size_t n) { msgpack_pack_map (&self->packer, n); }
void hs_pack_array (hs_pack_t *self, size_t n) { msgpack_pack_array (&self->packer, n); }
void hs_pack_int (hs_pack_t *self, int64_t v) { msgpack_pack_int64 (&self->packer, v); }
void hs_pack_nil (hs_pack_t *self) { msgpack_pack_nil (&self->packer); }
void hs_pack_object (hs_pack_t *self, const msgpack_object *o) { msgpack_pack_object (&self->packer, *o); }

void
hs_pack_bool (hs_pack_t *self, bool value)
{
    if (value)
        msgpack_pack_true (&self->packer);
    else
        msgpack_pack_false (&self->packer);
}

void
hs_pack_strn (hs_pack_t *self, const char *string, size_t size)
{
    msgpack_pack_str (&self->packer, size);
    msgpack_pack_str_body (&self->packer, string, size);
}

void
hs_pack_str (hs_pack_t *self, const char *string)
{
    hs_pack_strn (self, string? string: "", string? strlen (string): 0);
}

void
hs_pack_bin (hs_pack_t *self, const void *data, size_t size)
{
    msgpack_pack_bin (&self->packer, size);
    msgpack_pack_bin_body (&self->packer, data, size);
}

void
hs_pack_raw (hs_pack_t *self, const void *data, size_t size)
{
    msgpack_sbuffer_write (&self->buffer, (const char *) data, size);
}

void
hs_pack_strv (hs_pack_t *self, const char *const *strings)
{
    size_t count = 0;
    while (strings && strings [count])
        count++;
    hs_pack_array (self, count);
    for (size_t index = 0; index < count; index++)
        hs_pack_str (self, strings [index]);
}

void
hs_pack_flags (hs_pack_t *self, uint32_t flags)
{
    size_t count = 0;
    for (int flag = 0; flag < HS_FLAG_COUNT; flag++)
        if (flags & (1u << flag))
            count++;
    hs_pack_array (self, count);
    for (int flag = 0; flag < HS_FLAG_COUNT; flag++)
        if (flags & (1u << flag))
            hs_pack_str (self, hs_flag_name (flag));
}

void
hs_map_begin (hs_map_t *map, hs_pack_t *pack)
{
    static const uint8_t header [5] = { 0xdf, 0, 0, 0, 0 };
    map->pack = pack;
    map->start = pack->buffer.size;
    map->entries = 0;
    hs_pack_raw (pack, header, sizeof (header));
}

void
hs_map_key (hs_map_t *map, const char *key)
{
    map->entries++;
    hs_pack_str (map->pack, key);
}

void
hs_map_str (hs_map_t *map, const char *key, const char *value)
{
    hs_map_key (map, key);
    hs_pack_str (map->pack, value);
}

void
hs_map_int (hs_map_t *map, const char *key, int64_t value)
{
    hs_map_key (map, key);
    hs_pack_int (map->pack, value);
}

void
hs_map_end (hs_map_t *map)
{
    uint8_t *header = (uint8_t *) map->pack->buffer.data + map->start;
    header [1] = (uint8_t) (map->entries >> 24);
    header [2] = (uint8_t) (map->entries >> 16);
    header [3] = (uint8_t) (map->entries >> 8);
    header [4] = (uint8_t) map->entries;
}

void
hs_pack_test (bool verbose)
{
    if (verbose)
        printf (" * hs_pack: ");
    hs_pack_t *pack = hs_pack_new ();
    hs_map_t map, inner;
    hs_map_begin (&map, pack);
    hs_map_int (&map, "n", -5);
    hs_map_str (&map, "s", "曹杨");
    hs_map_key (&map, "m");
    hs_map_begin (&inner, pack);
    hs_map_key (&inner, "flags");
    hs_pack_flags (pack, (1u << HS_FLAG_MEDIA) | (1u << HS_FLAG_GATHERING));
    hs_map_end (&inner);
    const char *list [] = { "a", "b", NULL };
    hs_map_key (&map, "l");
    hs_pack_strv (pack, list);
    hs_map_end (&map);
    msgpack_unpacked unpacked;
    msgpack_unpacked_init (&unpacked);
    assert (hs_proto_unpack_stored (hs_pack_data (pack), hs_pack_size (pack), &unpacked) == 0);
    assert (unpacked.data.via.map.size == 4);
    assert (hs_proto_int (&unpacked.data, "n", 0) == -5);
    const msgpack_object *flags = hs_proto_get (hs_proto_get (&unpacked.data, "m"), "flags");
    assert (flags && flags->type == MSGPACK_OBJECT_ARRAY && flags->via.array.size == 2);
    char first [16];
    assert (hs_proto_strcpy (&flags->via.array.ptr [0], first, sizeof (first)) == 0);
    assert (strcmp (first, "gathering") == 0);
    msgpack_unpacked_destroy (&unpacked);
    hs_pack_reset (pack);
    assert (hs_pack_size (pack) == 0);
    hs_pack_destroy (&pack);
    assert (pack == NULL);
    if (verbose)
        printf ("OK\n");
}
