/*  =========================================================================
    hs_words - the words of the wire contract, one byte each in the store

    One walk (hs_proto_texts) serves both ways: it calls back at each
    string, and the callback copies what lies between the strings as it
    is, then the string, or its word's two bytes, or, reading, the word
    written out again. The list is PROTOCOL.md §7's, in its order.
    =========================================================================
*/

#include "hs_words.h"
#include "hs_proto.h"
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <assert.h>

#define S_MARK      0xc1        //  "never used" in msgpack: a word follows
#define S_FIXSTR    0xa0        //  a string of 0 to 31 bytes: 0xa0 + its length
#define S_FIXMAX    31

//  Never reordered, never shortened: a word's place is what the store holds.
static const char *s_words [] = {
    //  the keys of §3's bodies
    "id", "source", "at", "street", "enterprise", "name", "credit_code", "ownership",
    "sector", "category", "workers", "amount", "flags", "summary", "fseq", "case",
    "status", "note", "person", "meeting", "answer", "act", "reason", "level", "units",
    "satisfied", "into", "report", "until", "add", "remove", "lead", "unit",
    //  §3.1's enumerations
    "general", "significant", "major", "critical",
    "wage_arrears", "layoff", "social_insurance", "work_stoppage", "negotiation",
    "contract", "injury", "other",
    "private", "state", "foreign", "collective",
    "gathering", "petition_visit", "road_blocking", "extreme", "media", "litigation",
    "repeat", "cross_district", "epidemic",
    "signed", "returned", "accepted", "mediating", "resolved", "closed", "failed",
    "attend", "decline",
    "close", "reject_closure", "followup", "regrade", "merge", "split", "mute", "unmute",
    "reroute", "insist",
    NULL
};

#define S_WORDS (sizeof (s_words) / sizeof (s_words [0]) - 1)

//  The words of each length, for the writer: at most this many share one.
#define S_SAME_LENGTH 32
static uint8_t s_by_length [S_FIXMAX + 1][S_SAME_LENGTH];
static uint8_t s_of_length [S_FIXMAX + 1];
static pthread_once_t s_once = PTHREAD_ONCE_INIT;

static void
s_index (void)
{
    for (size_t index = 0; index < S_WORDS; index++) {
        size_t length = strlen (s_words [index]);
        assert (length >= 2 && length <= S_FIXMAX);
        assert (s_of_length [length] < S_SAME_LENGTH);
        s_by_length [length][s_of_length [length]++] = (uint8_t) index;
    }
}

size_t
hs_words_count (void)
{
    return S_WORDS;
}

const char *
hs_words_at (size_t index)
{
    return index < S_WORDS? s_words [index]: NULL;
}

//  Where a walk writes, and what it has copied of its input so far.
typedef struct {
    const uint8_t *from;        //  the input
    size_t copied;              //  bytes of it written out (or stood for)
    uint8_t *out;
    size_t used;
    size_t max;
    int words;                  //  strings taken as words
} s_copy_t;

static int
s_put (s_copy_t *self, const void *bytes, size_t size)
{
    if (size > self->max - self->used)
        return -1;
    memcpy (self->out + self->used, bytes, size);
    self->used += size;
    return 0;
}

//  Copy the input up to `upto` as it is.
static int
s_catch_up (s_copy_t *self, const uint8_t *upto)
{
    size_t size = (size_t) (upto - self->from) - self->copied;
    int rc = s_put (self, self->from + self->copied, size);
    self->copied += size;
    return rc;
}

//  Writing: a fixstr that is a word becomes its two bytes.
static int
s_pack_text (const uint8_t *text, size_t size, void *arg)
{
    s_copy_t *self = (s_copy_t *) arg;
    size_t length = size - 1;
    if (text [0] != (S_FIXSTR | length) || length > S_FIXMAX)
        return 0;                       //  copied with what follows
    for (uint8_t index = 0; index < s_of_length [length]; index++) {
        uint8_t word = s_by_length [length][index];
        if (memcmp (s_words [word], text + 1, length) == 0) {
            const uint8_t two [2] = { S_MARK, word };
            if (s_catch_up (self, text) || s_put (self, two, 2))
                return -1;
            self->copied += size;
            self->words++;
            return 0;
        }
    }
    return 0;
}

//  Reading: a word's two bytes become the fixstr again.
static int
s_unpack_text (const uint8_t *text, size_t size, void *arg)
{
    s_copy_t *self = (s_copy_t *) arg;
    if (text [0] != S_MARK)
        return 0;
    assert (size == 2);
    if (text [1] >= S_WORDS || s_catch_up (self, text))
        return -1;
    const char *word = s_words [text [1]];
    uint8_t header = (uint8_t) (S_FIXSTR | strlen (word));
    if (s_put (self, &header, 1) || s_put (self, word, strlen (word)))
        return -1;
    self->copied += size;
    return 0;
}

static int
s_walk (const uint8_t *data, size_t size, bool packing, uint8_t *out, size_t out_max,
        size_t *out_size)
{
    pthread_once (&s_once, s_index);
    s_copy_t copy = { data, 0, out, 0, out_max, 0 };
    if (size == 0
    ||  hs_proto_texts (data, size, !packing, packing? s_pack_text: s_unpack_text, &copy)
    ||  s_catch_up (&copy, data + size))
        return -1;
    *out_size = copy.used;
    return copy.words;
}

int
hs_words_pack (const uint8_t *body, size_t size, uint8_t *out, size_t out_max,
               size_t *out_size)
{
    return s_walk (body, size, true, out, out_max, out_size);
}

int
hs_words_unpack (const uint8_t *data, size_t size, uint8_t *out, size_t out_max,
                 size_t *out_size)
{
    return s_walk (data, size, false, out, out_max, out_size) < 0? -1: 0;
}

int
hs_words_lookup (const uint8_t *body, size_t size, const char *key, char *value,
                 size_t value_max)
{
    hs_proto_reader_t reader;
    hs_proto_reader_init (&reader, body, size);
    uint32_t entries;
    if (hs_proto_read_map (&reader, &entries))
        return -1;
    size_t key_size = strlen (key);
    for (uint32_t index = 0; index < entries; index++) {
        const char *name, *text;
        size_t name_size, text_size;
        const uint8_t *raw;
        size_t raw_size;
        if (hs_proto_read_raw (&reader, &raw, &raw_size))
            return -1;
        hs_proto_reader_t one;
        hs_proto_reader_init (&one, raw, raw_size);
        bool match = hs_proto_read_str (&one, &name, &name_size) == 0
                  && name_size == key_size && memcmp (name, key, key_size) == 0;
        if (!match) {
            if (hs_proto_read_raw (&reader, &raw, &raw_size))
                return -1;
            continue;
        }
        if (hs_proto_read_str (&reader, &text, &text_size)
        ||  text_size >= value_max || memchr (text, 0, text_size))
            return -1;
        memcpy (value, text, text_size);
        value [text_size] = 0;
        return 0;
    }
    return -1;
}

void
hs_words_test (bool verbose)
{
    if (verbose)
        printf (" * hs_words: ");
    assert (hs_words_count () == S_WORDS && hs_words_at (0) && !hs_words_at (S_WORDS));
    //  The places PROTOCOL.md §7 gives: keys 0 to 32, enumerations 33 to 76.
    assert (S_WORDS == 77 && strcmp (hs_words_at (9), "category") == 0);
    assert (strcmp (hs_words_at (32), "unit") == 0 && strcmp (hs_words_at (33), "general") == 0);
    assert (strcmp (hs_words_at (76), "insist") == 0);
    //  A report as a feeder packs it: its keys and enumerations are words,
    //  the rest is copied, and reading gives the same bytes back.
    const uint8_t body [] = {
        0x85,
        0xa2, 'i', 'd', 0xa2, 'r', '1',
        0xa6, 's', 'o', 'u', 'r', 'c', 'e', 0xa4, 'h', 'r', 's', 's',
        0xa8, 'c', 'a', 't', 'e', 'g', 'o', 'r', 'y',
        0xac, 'w', 'a', 'g', 'e', '_', 'a', 'r', 'r', 'e', 'a', 'r', 's',
        0xa5, 'f', 'l', 'a', 'g', 's', 0x92, 0xa5, 'm', 'e', 'd', 'i', 'a', 0xc3,
        //  "status" written as a str8: not a fixstr, so not a word
        0xd9, 0x06, 's', 't', 'a', 't', 'u', 's', 0xcd, 0x01, 0x00
    };
    uint8_t packed [sizeof (body)], again [sizeof (body)];
    size_t packed_size, again_size;
    assert (hs_words_pack (body, sizeof (body), packed, sizeof (packed), &packed_size) == 6);
    //  id, source, category, wage_arrears, flags, media: each its length - 1 shorter
    assert (packed_size == sizeof (body) - (1 + 5 + 7 + 11 + 4 + 4));
    assert (packed [1] == S_MARK && packed [2] == 0);         //  "id"
    assert (hs_words_unpack (packed, packed_size, again, sizeof (again), &again_size) == 0);
    assert (again_size == sizeof (body) && memcmp (again, body, sizeof (body)) == 0);
    //  ... not as a msgpack object: the words make it none.
    assert (!hs_proto_sound (packed, packed_size));
    char value [16];
    assert (hs_words_lookup (body, sizeof (body), "source", value, sizeof (value)) == 0
         && strcmp (value, "hrss") == 0);
    assert (hs_words_lookup (body, sizeof (body), "status", value, sizeof (value)) == -1);
    assert (hs_words_lookup (body, sizeof (body), "id", value, 2) == -1);
    //  Too little room either way, or cut short anywhere: refused, never
    //  written past the room given.
    assert (hs_words_pack (body, sizeof (body), packed, 10, &packed_size) == -1);
    assert (hs_words_pack (body, sizeof (body), packed, sizeof (packed), &packed_size) == 6);
    assert (hs_words_unpack (packed, packed_size, again, sizeof (body) - 1, &again_size) == -1);
    for (size_t cut = 0; cut < packed_size; cut++)
        assert (hs_words_unpack (packed, cut, again, sizeof (again), &again_size) == -1);
    //  A word's place past the list, and a body with 0xc1 in an object's
    //  place: refused.
    uint8_t bad [sizeof (packed)];
    memcpy (bad, packed, packed_size);
    bad [2] = (uint8_t) S_WORDS;
    assert (hs_words_unpack (bad, packed_size, again, sizeof (again), &again_size) == -1);
    assert (hs_words_pack (packed, packed_size, bad, sizeof (bad), &again_size) == -1);
    //  Every word, one after another in an array, goes and comes back.
    uint8_t all [1 + 2 + S_WORDS * (1 + S_FIXMAX)], small [sizeof (all)], back [sizeof (all)];
    size_t all_size = 0, small_size, back_size;
    all [all_size++] = 0xdc;
    all [all_size++] = 0;
    all [all_size++] = (uint8_t) S_WORDS;
    for (size_t index = 0; index < S_WORDS; index++) {
        all [all_size++] = (uint8_t) (S_FIXSTR | strlen (s_words [index]));
        memcpy (all + all_size, s_words [index], strlen (s_words [index]));
        all_size += strlen (s_words [index]);
    }
    assert (hs_words_pack (all, all_size, small, sizeof (small), &small_size) == (int) S_WORDS);
    assert (small_size == 3 + 2 * S_WORDS);
    assert (hs_words_unpack (small, small_size, back, sizeof (back), &back_size) == 0);
    assert (back_size == all_size && memcmp (back, all, all_size) == 0);
    if (verbose)
        printf ("OK\n");
}
