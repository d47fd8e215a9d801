/*  =========================================================================
    hs_words - the words of the wire contract, one byte each in the store

    A body as it arrived (a report, an update, an act) spells its keys and
    the values of §3.1's enumerations: `enterprise`, `category`,
    `wage_arrears`. Stored (store format 9, hs_event), each string that is
    one of the words below, written as msgpack writes a short string
    (fixstr), is two bytes instead: 0xc1, which begins no msgpack object,
    and the word's place in the list. Reading writes the word back as it
    was, so the body comes out byte for byte as it went in; every other
    byte is copied as it is. The list only ever grows at its end: a word's
    place, once stored, is its place for good.
    =========================================================================
*/

#ifndef HS_WORDS_H_INCLUDED
#define HS_WORDS_H_INCLUDED

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

//  How many words there are, and the one at `index` (NULL past the end).
size_t hs_words_count (void);
const char *hs_words_at (size_t index);

//  Write `body` (one msgpack object, the whole of its bytes) into `out`
//  (at most `out_max` bytes) with each word as its two bytes; its length
//  goes to *out_size. Returns how many strings were taken as words, or -1
//  if the bytes are not one msgpack object under the stored limits, hold
//  0xc1 already, or do not fit.
int hs_words_pack (const uint8_t *body, size_t size, uint8_t *out, size_t out_max,
                   size_t *out_size);

//  The other way: write what hs_words_pack wrote back as the body it was,
//  into `out` (at most `out_max` bytes); its length goes to *out_size.
//  Returns 0, or -1 if the bytes are not what it writes (a word's place
//  past the list, an object cut short) or the body does not fit.
int hs_words_unpack (const uint8_t *data, size_t size, uint8_t *out, size_t out_max,
                     size_t *out_size);

//  The string value of `key` in the map `body` (its first, at the top
//  level), copied into `value` (a NUL-terminated string of at most
//  `value_max` - 1 bytes). Returns 0, or -1 if there is none that fits.
int hs_words_lookup (const uint8_t *body, size_t size, const char *key, char *value,
                     size_t value_max);

//  Self test of this class.
void hs_words_test (bool verbose);

#endif
