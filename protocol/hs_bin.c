/*  =========================================================================
    hs_bin - compact binary records: varints, zigzag, counted strings
    =========================================================================
*/

#include "hs_bin.h"
#include "hs_proto.h"
#include <string.h>
#include <stdio.h>
#include <assert.h>

void
hs_bin_writer_init (hs_bin_writer_t *self, uint8_t *data, size_t size)
{
    self->data = data;
    self->size = size;
    self->used = 0;
    self->overflow = false;
}

void
hs_bin_put_u (hs_bin_writer_t *self, uint64_t value)
{
    do {
        if (self->used == self->size) {
            self->overflow = true;
            return;
        }
        uint8_t byte = value & 0x7f;
        value >>= 7;
        self->data [self->used++] = byte | (value? 0x80: 0);
    } while (value);
}

void
hs_bin_put_i (hs_bin_writer_t *self, int64_t value)
{
    hs_bin_put_u (self, ((uint64_t) value << 1) ^ (uint64_t) (value >> 63));
}

void
hs_bin_put_bytes (hs_bin_writer_t *self, const void *bytes, size_t size)
{
    if (size == 0)
        return;                         //  nothing (and `bytes` may be NULL)
    if (size > self->size - self->used) {
        self->overflow = true;
        return;
    }
    memcpy (self->data + self->used, bytes, size);
    self->used += size;
}

void
hs_bin_put_str (hs_bin_writer_t *self, const char *string)
{
    size_t size = string? strlen (string): 0;
    hs_bin_put_u (self, size);
    hs_bin_put_bytes (self, string, size);
}

void
hs_bin_reader_init (hs_bin_reader_t *self, const void *data, size_t size)
{
    self->data = (const uint8_t *) data;
    self->size = size;
    self->used = 0;
    self->bad = false;
}

uint64_t
hs_bin_get_u (hs_bin_reader_t *self)
{
    uint64_t value = 0;
    for (int shift = 0; shift < 64; shift += 7) {
        if (self->used == self->size) {
            self->bad = true;
            return 0;
        }
        uint8_t byte = self->data [self->used++];
        value |= (uint64_t) (byte & 0x7f) << shift;
        if (!(byte & 0x80))
            return value;
    }
    self->bad = true;                   //  longer than any u64
    return 0;
}

int64_t
hs_bin_get_i (hs_bin_reader_t *self)
{
    uint64_t value = hs_bin_get_u (self);
    return (int64_t) (value >> 1) ^ -(int64_t) (value & 1);
}

void
hs_bin_get_bytes (hs_bin_reader_t *self, void *dest, size_t size)
{
    if (size == 0)
        return;
    if (self->bad || size > self->size - self->used) {
        self->bad = true;
        memset (dest, 0, size);
        return;
    }
    memcpy (dest, self->data + self->used, size);
    self->used += size;
}

void
hs_bin_get_str (hs_bin_reader_t *self, char *dest, size_t size)
{
    uint64_t length = hs_bin_get_u (self);
    //  Text, as it was written: a byte changed inside it (damage the
    //  store's check cannot see) makes the record not one.
    if (self->bad || length >= size || length > self->size - self->used
    ||  memchr (self->data + self->used, 0, length)
    ||  !hs_proto_utf8 (self->data + self->used, length)) {
        self->bad = true;
        *dest = 0;
        return;
    }
    memcpy (dest, self->data + self->used, length);
    dest [length] = 0;
    self->used += length;
}

bool
hs_bin_sayable (const char *text, size_t max)
{
    if (!text)
        return false;
    size_t length = strlen (text);
    return length <= max && hs_proto_utf8 ((const uint8_t *) text, length);
}

int
hs_bin_put_strv (hs_bin_writer_t *self, const char *const *strings, size_t max, size_t length)
{
    size_t count = 0;
    while (strings && strings [count])
        count++;
    if (count > max)
        return -1;
    hs_bin_put_u (self, count);
    for (size_t index = 0; index < count; index++) {
        if (!hs_bin_sayable (strings [index], length))
            return -1;
        hs_bin_put_str (self, strings [index]);
    }
    return 0;
}

const char *
hs_bin_get_text (hs_bin_reader_t *self, hs_bin_arena_t *arena, size_t length)
{
    size_t room = arena->size - arena->used;
    if (room == 0) {
        self->bad = true;
        return "";
    }
    char *text = arena->data + arena->used;
    hs_bin_get_str (self, text, room < length + 1? room: length + 1);
    if (self->bad)
        return "";
    arena->used += strlen (text) + 1;
    return text;
}

void
hs_bin_get_strv (hs_bin_reader_t *self, hs_bin_arena_t *arena, const char **strings,
                 size_t max, size_t length)
{
    uint64_t count = hs_bin_get_u (self);
    if (count > max)
        self->bad = true;
    size_t index = 0;
    for (; !self->bad && index < count; index++)
        strings [index] = hs_bin_get_text (self, arena, length);
    strings [self->bad? 0: index] = NULL;
}

//  The bytes `text` shares with `before` from the start, not cutting a
//  character in two.
static size_t
s_shared (const char *before, const char *text)
{
    size_t shared = 0;
    while (before [shared] && before [shared] == text [shared])
        shared++;
    while (shared > 0 && ((uint8_t) text [shared] & 0xc0) == 0x80)
        shared--;
    return shared;
}

static size_t
s_varint_size (uint64_t value)
{
    size_t size = 1;
    while (value >= 0x80)
        value >>= 7, size++;
    return size;
}

int
hs_bin_put_list (hs_bin_writer_t *self, const char *const *strings, size_t max, size_t length)
{
    //  Each string's length and what it shares with the one before, found
    //  once: a case's lists are written with every save.
    size_t sizes [HS_BIN_LIST_MAX], shares [HS_BIN_LIST_MAX];
    size_t count = 0, plain = 0, coded = 0;
    for (; strings && strings [count]; count++) {
        if (count >= max || count >= HS_BIN_LIST_MAX || !strings [count])
            return -1;
        size_t size = strlen (strings [count]);
        if (size > length || !hs_proto_utf8 ((const uint8_t *) strings [count], size))
            return -1;
        size_t shared = count? s_shared (strings [count - 1], strings [count]): 0;
        sizes [count] = size;
        shares [count] = shared;
        plain += s_varint_size (size) + size;
        coded += s_varint_size (shared) + s_varint_size (size - shared) + size - shared;
    }
    bool front = coded < plain;
    hs_bin_put_u (self, count * 2 + (front? 1: 0));
    for (size_t index = 0; index < count; index++) {
        size_t shared = front? shares [index]: 0;
        if (front)
            hs_bin_put_u (self, shared);
        hs_bin_put_u (self, sizes [index] - shared);
        hs_bin_put_bytes (self, strings [index] + shared, sizes [index] - shared);
    }
    return 0;
}

void
hs_bin_get_list (hs_bin_reader_t *self, hs_bin_arena_t *arena, const char **strings,
                 size_t max, size_t length)
{
    uint64_t head = hs_bin_get_u (self);
    uint64_t count = head >> 1;
    bool front = head & 1;
    if (count > max)
        self->bad = true;
    size_t index = 0;
    for (; !self->bad && index < count; index++) {
        if (!front) {
            strings [index] = hs_bin_get_text (self, arena, length);
            continue;
        }
        uint64_t shared = hs_bin_get_u (self);
        const char *before = index? strings [index - 1]: "";
        size_t room = arena->size - arena->used;
        //  Whole characters of the string before, and room for them.
        if (shared > strlen (before) || shared > length || shared >= room
        ||  ((uint8_t) before [shared] & 0xc0) == 0x80) {
            self->bad = true;
            break;
        }
        char *text = arena->data + arena->used;
        memmove (text, before, shared);
        size_t rest = room - shared < length - shared + 1? room - shared: length - shared + 1;
        hs_bin_get_str (self, text + shared, rest);
        if (self->bad)
            break;
        arena->used += strlen (text) + 1;
        strings [index] = text;
    }
    strings [self->bad? 0: index] = NULL;
}

static int
s_hex (char digit)
{
    return digit >= '0' && digit <= '9'? digit - '0':
           digit >= 'a' && digit <= 'f'? digit - 'a' + 10: -1;
}

size_t
hs_bin_from_hex (const char *hex, uint8_t *bytes, size_t size)
{
    size_t length = strlen (hex);
    if (length % 2 || length / 2 > size)
        return 0;
    for (size_t index = 0; index < length / 2; index++) {
        int high = s_hex (hex [2 * index]), low = s_hex (hex [2 * index + 1]);
        if (high < 0 || low < 0)
            return 0;
        bytes [index] = (uint8_t) (high << 4 | low);
    }
    return length / 2;
}

//  The rules version: a tag, then for 1 the 40 lower-case hex digits of
//  a SHA-1 as its 20 bytes, for 0 any other text as it is.
void
hs_bin_put_version (hs_bin_writer_t *writer, const char *version)
{
    uint8_t bytes [20];
    bool hex = strlen (version) == 40;
    for (int index = 0; hex && index < 20; index++) {
        int high = s_hex (version [index * 2]), low = s_hex (version [index * 2 + 1]);
        hex = high >= 0 && low >= 0;
        if (hex)
            bytes [index] = (uint8_t) (high << 4 | low);
    }
    hs_bin_put_u (writer, hex? 1: 0);
    if (hex)
        hs_bin_put_bytes (writer, bytes, 20);
    else
        hs_bin_put_str (writer, version);
}

void
hs_bin_get_version (hs_bin_reader_t *reader, char *version, size_t size)
{
    uint64_t tag = hs_bin_get_u (reader);
    if (tag == 0) {
        hs_bin_get_str (reader, version, size);
        return;
    }
    if (tag != 1 || size < 41) {
        reader->bad = true;
        *version = 0;
        return;
    }
    uint8_t bytes [20];
    hs_bin_get_bytes (reader, bytes, 20);
    //  By hand, not snprintf: this is on every event replay reads, and 20
    //  calls to snprintf were a fifth of replay's time.
    static const char digits [] = "0123456789abcdef";
    for (int index = 0; index < 20; index++) {
        version [index * 2] = digits [bytes [index] >> 4];
        version [index * 2 + 1] = digits [bytes [index] & 15];
    }
    version [40] = 0;
}

void
hs_bin_test (bool verbose)
{
    if (verbose)
        printf (" * hs_bin: ");
    uint8_t buffer [64];
    hs_bin_writer_t writer;
    hs_bin_writer_init (&writer, buffer, sizeof (buffer));
    hs_bin_put_u (&writer, 0);
    hs_bin_put_u (&writer, 300);
    hs_bin_put_u (&writer, UINT64_MAX);
    hs_bin_put_i (&writer, -1);
    hs_bin_put_i (&writer, INT64_MIN);
    hs_bin_put_str (&writer, "街道");
    hs_bin_put_str (&writer, NULL);
    assert (!writer.overflow && buffer [0] == 0 && buffer [1] == 0xac && buffer [2] == 0x02);
    assert (writer.used == 1 + 2 + 10 + 1 + 10 + 7 + 1);
    hs_bin_reader_t reader;
    hs_bin_reader_init (&reader, buffer, writer.used);
    assert (hs_bin_get_u (&reader) == 0 && hs_bin_get_u (&reader) == 300);
    assert (hs_bin_get_u (&reader) == UINT64_MAX && hs_bin_get_i (&reader) == -1);
    assert (hs_bin_get_i (&reader) == INT64_MIN);
    char text [8];
    hs_bin_get_str (&reader, text, sizeof (text));
    assert (strcmp (text, "街道") == 0);
    hs_bin_get_str (&reader, text, sizeof (text));
    assert (*text == 0 && !reader.bad && reader.used == writer.used);
    //  Past the end, or a string longer than its room: refused.
    assert (hs_bin_get_u (&reader) == 0 && reader.bad);
    hs_bin_reader_init (&reader, buffer + 24, writer.used - 24);
    hs_bin_get_str (&reader, text, 4);
    assert (reader.bad && *text == 0);
    //  A byte changed inside the text (a continuation byte of 街): refused.
    buffer [24 + 2] = 0x41;
    hs_bin_reader_init (&reader, buffer + 24, writer.used - 24);
    hs_bin_get_str (&reader, text, sizeof (text));
    assert (reader.bad && *text == 0);
    //  A rules version: a SHA-1's 40 hex digits as 20 bytes and back,
    //  anything else (upper case too) as its text; cut short, refused.
    static const char sha [] = "0123456789abcdef00ff10a0b1c2d3e4f5a6b7c8";
    hs_bin_writer_init (&writer, buffer, sizeof (buffer));
    hs_bin_put_version (&writer, sha);
    hs_bin_put_version (&writer, "0123456789ABCDEF00FF10A0B1C2D3E4F5A6B7C8");
    assert (!writer.overflow && buffer [0] == 1 && buffer [21] == 0 && writer.used == 21 + 42);
    char version [41];
    hs_bin_reader_init (&reader, buffer, writer.used);
    hs_bin_get_version (&reader, version, sizeof (version));
    assert (!reader.bad && strcmp (version, sha) == 0 && reader.used == 21);
    hs_bin_get_version (&reader, version, sizeof (version));
    assert (!reader.bad && strcmp (version, "0123456789ABCDEF00FF10A0B1C2D3E4F5A6B7C8") == 0);
    hs_bin_reader_init (&reader, buffer, 20);
    hs_bin_get_version (&reader, version, sizeof (version));
    assert (reader.bad);
    //  A writer that runs out says so.
    hs_bin_writer_init (&writer, buffer, 3);
    hs_bin_put_str (&writer, "abcdef");
    assert (writer.overflow);
    uint8_t spelled [4];
    assert (hs_bin_from_hex ("c10aff", spelled, sizeof (spelled)) == 3 && spelled [2] == 0xff);
    assert (hs_bin_from_hex ("c10", spelled, 4) == 0 && hs_bin_from_hex ("zz", spelled, 4) == 0);
    assert (hs_bin_from_hex ("0102030405", spelled, 4) == 0);
    //  Lists: front-coded when that is smaller, as they are when not; a
    //  shared prefix never cuts a character, and a record that says it
    //  does, or cut short anywhere, is refused.
    {
        const char *reasons [] = { "major.flags", "route.hrss", "route.legal", "route.街道甲",
                                   "route.街道乙", NULL };
        const char *units [] = { "hrss", "legal", "street.caoyang", NULL };
        uint8_t list [256];
        char text [512];
        const char *back [8];
        for (int which = 0; which < 2; which++) {
            const char *const *strings = which? units: reasons;
            hs_bin_writer_init (&writer, list, sizeof (list));
            assert (hs_bin_put_list (&writer, strings, 7, 64) == 0 && !writer.overflow);
            assert ((list [0] & 1) == (which? 0: 1));
            size_t plain = 1;
            for (const char *const *at = strings; *at; at++)
                plain += 1 + strlen (*at);
            assert (which? writer.used == plain: writer.used + 12 < plain);
            hs_bin_arena_t arena = { text, sizeof (text), 0 };
            hs_bin_reader_init (&reader, list, writer.used);
            hs_bin_get_list (&reader, &arena, back, 7, 64);
            assert (!reader.bad && reader.used == writer.used);
            size_t count = 0;
            for (; strings [count]; count++)
                assert (back [count] && strcmp (back [count], strings [count]) == 0);
            assert (back [count] == NULL);
            for (size_t cut = 0; cut < writer.used; cut++) {
                hs_bin_arena_t again = { text, sizeof (text), 0 };
                hs_bin_reader_init (&reader, list, cut);
                hs_bin_get_list (&reader, &again, back, 7, 64);
                assert (reader.bad && back [0] == NULL);
            }
        }
        hs_bin_writer_init (&writer, list, sizeof (list));
        assert (hs_bin_put_list (&writer, reasons, 4, 64) == -1);        //  more than max
        //  "街道甲" then "街道乙" share six bytes, never seven.
        hs_bin_writer_init (&writer, list, sizeof (list));
        const char *two [] = { "街道甲", "街道乙", "街道乙x", NULL };
        assert (hs_bin_put_list (&writer, two, 3, 64) == 0);
        assert (list [0] == 7 && list [1] == 0 && list [2] == 9 && list [12] == 6);
        list [12] = 7;                                  //  into the third byte of 道
        hs_bin_arena_t arena = { text, sizeof (text), 0 };
        hs_bin_reader_init (&reader, list, writer.used);
        hs_bin_get_list (&reader, &arena, back, 3, 64);
        assert (reader.bad);
    }
    if (verbose)
        printf ("OK\n");
}
