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

//  Text the decision records (hs_alert_rec, hs_request_rec) can say
//  exactly: present, at most `max` bytes, UTF-8 (a NUL would end it).
bool hs_bin_sayable (const char *text, size_t max);
//  A NULL-terminated list of such text (NULL: none): its count, then each.
//  Returns -1, writing part of it, if there are more than `max` or one is
//  not sayable at `length`.
int hs_bin_put_strv (hs_bin_writer_t *self, const char *const *strings, size_t max,
                     size_t length);

//  Where the strings read from one record go, one after another: `data`
//  of `size` bytes, the caller's.
typedef struct {
    char *data;
    size_t size, used;
} hs_bin_arena_t;

//  A string of at most `length` bytes into the arena; "" and bad if it is
//  not one or does not fit.
const char *hs_bin_get_text (hs_bin_reader_t *self, hs_bin_arena_t *arena, size_t length);
//  A list as put_strv wrote it into `strings` (room for max + 1), ended
//  by NULL; more than `max`: bad, and the list empty.
void hs_bin_get_strv (hs_bin_reader_t *self, hs_bin_arena_t *arena, const char **strings,
                      size_t max, size_t length);

//  A list as the records of store format 7 keep it: its count × 2, plus 1
//  when front-coded: each string then as the length of the prefix it
//  shares with the one before (u, on a character's boundary) and the rest
//  (s); else each as it is. put picks the smaller and refuses (-1) as
//  put_strv does, but before it writes anything; get reads either, as
//  get_strv does.
#define HS_BIN_LIST_MAX 128      //  the most any list may hold, whatever its `max`
int hs_bin_put_list (hs_bin_writer_t *self, const char *const *strings, size_t max,
                     size_t length);
void hs_bin_get_list (hs_bin_reader_t *self, hs_bin_arena_t *arena, const char **strings,
                      size_t max, size_t length);

//  The bytes a string of hex digits spells, into `bytes` (`size`): for the
//  self tests, which keep records written by older releases as hex.
//  Returns how many, or 0 if it is not hex or does not fit.
size_t hs_bin_from_hex (const char *hex, uint8_t *bytes, size_t size);

void hs_bin_test (bool verbose);

#endif
