/*  =========================================================================
    hs_bin - compact binary records: varints, zigzag, counted strings

    The store's hot records (the case record, protocol/hs_case_rec) are
    written field after field in a fixed order, with no names: unsigned
    LEB128 varints, signed ones zigzagged first, strings as a varint
    length and the bytes. A writer fills a caller's buffer and remembers
    if it ran out; a reader never reads past its end and remembers if a
    field was cut short or too long for its destination, so a damaged
    record is refused, never half read.
    =========================================================================
*/

#ifndef HS_BIN_H_INCLUDED
#define HS_BIN_H_INCLUDED

#include <stdint.h>
#include <stddef.h>
#include <stdbool.h>

typedef struct {
    uint8_t *data;
    size_t size, used;
    bool overflow;              //  something did not fit: the record is not whole
} hs_bin_writer_t;

typedef struct {
    const uint8_t *data;
    size_t size, used;
    bool bad;                   //  cut short, or a field out of bounds
} hs_bin_reader_t;

void hs_bin_writer_init (hs_bin_writer_t *self, uint8_t *data, size_t size);
void hs_bin_put_u (hs_bin_writer_t *self, uint64_t value);
void hs_bin_put_i (hs_bin_writer_t *self, int64_t value);
void hs_bin_put_str (hs_bin_writer_t *self, const char *string);
void hs_bin_put_bytes (hs_bin_writer_t *self, const void *bytes, size_t size);

void hs_bin_reader_init (hs_bin_reader_t *self, const void *data, size_t size);
uint64_t hs_bin_get_u (hs_bin_reader_t *self);
int64_t hs_bin_get_i (hs_bin_reader_t *self);
//  A string into `dest` (NUL-terminated); longer than size - 1, or not
//  UTF-8, or holding a NUL: bad.
void hs_bin_get_str (hs_bin_reader_t *self, char *dest, size_t size);
//  Exactly `size` bytes into `dest`.
void hs_bin_get_bytes (hs_bin_reader_t *self, void *dest, size_t size);

//  A rules version: a tag, then for 1 the 40 lower-case hex digits of a
//  SHA-1 as its 20 bytes, for 0 any other text as it is (`size` >= 41).
void hs_bin_put_version (hs_bin_writer_t *self, const char *version);
void hs_bin_get_version (hs_bin_reader_t *self, char *version, size_t size);

void hs_bin_test (bool verbose);

#endif
