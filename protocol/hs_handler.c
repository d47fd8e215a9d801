/*  =========================================================================
    hs_handler - a routed unit's handling of a case, as the record keeps it

    A handler is a map: `unit`, `role` (lead | co), `state`, `routed`,
    `signed`, `progress`, `done` (ms, 0 = not yet) and `clocks`, an array
    of one map per clock in hs_clock_kind_t order: `clock`, `start`,
    `due`, `next` (0 = stopped), `rung` (a rung name, or nil), `notices`.
    =========================================================================
*/

#include "hs_handler.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <assert.h>

static const char *s_clock_names [] = { "sign", "progress", "resolve" };
static const char *s_clock_zh [] = { "签收", "进展", "办结" };
static const char *s_rung_names [] = { "none", "remind", "supervise", "circulate" };
static const char *s_rung_zh [] = { "-", "催办", "督办", "通报" };
static const char *s_state_names [] = { "routed", "signed", "done", "returned", "removed" };

#define COUNT_OF(a) ((int) (sizeof (a) / sizeof ((a) [0])))
#define s_name(names, count, value) hs_proto_name_of ((const char *const *) (names), count, value)
#define s_parse(names, count, name) hs_proto_index_of ((const char *const *) (names), count, name)

const char *hs_clock_name (int v)  { return s_name (s_clock_names, COUNT_OF (s_clock_names), v); }
const char *hs_clock_zh (int v)    { return s_name (s_clock_zh, COUNT_OF (s_clock_zh), v); }
const char *hs_rung_name (int v)   { return s_name (s_rung_names, COUNT_OF (s_rung_names), v); }
const char *hs_rung_zh (int v)     { return s_name (s_rung_zh, COUNT_OF (s_rung_zh), v); }
const char *hs_handler_state_name (int v) { return s_name (s_state_names, COUNT_OF (s_state_names), v); }
int hs_clock_parse (const char *n)  { return s_parse (s_clock_names, COUNT_OF (s_clock_names), n); }
int hs_rung_parse (const char *n)   { return s_parse (s_rung_names, COUNT_OF (s_rung_names), n); }
int hs_handler_state_parse (const char *n) { return s_parse (s_state_names, COUNT_OF (s_state_names), n); }

bool
hs_handler_active (const hs_handler_t *handler)
{
    return handler->state != HS_HANDLER_RETURNED && handler->state != HS_HANDLER_REMOVED;
}

void
hs_handlers_encode (const hs_handler_t *handlers, size_t count, hs_pack_t *pack)
{
    hs_pack_array (pack, count);
    for (size_t index = 0; index < count; index++) {
        const hs_handler_t *handler = &handlers [index];
        hs_map_t map;
        hs_map_begin (&map, pack);
        hs_map_str (&map, "unit", handler->unit);
        hs_map_str (&map, "role", handler->lead? "lead": "co");
        hs_map_str (&map, "state", hs_handler_state_name (handler->state));
        hs_map_int (&map, "routed", handler->routed);
        hs_map_int (&map, "signed", handler->signed_at);
        hs_map_int (&map, "progress", handler->progress);
        hs_map_int (&map, "done", handler->done);
        hs_map_key (&map, "clocks");
        hs_pack_array (pack, HS_CLOCK_COUNT);
        for (int clock = 0; clock < HS_CLOCK_COUNT; clock++) {
            const hs_duty_clock_t *duty = &handler->clocks [clock];
            hs_map_t inner;
            hs_map_begin (&inner, pack);
            hs_map_str (&inner, "clock", hs_clock_name (clock));
            hs_map_int (&inner, "start", duty->start);
            hs_map_int (&inner, "due", duty->due);
            hs_map_int (&inner, "next", duty->next);
            hs_map_key (&inner, "rung");
            if (duty->rung > HS_RUNG_NONE)
                hs_pack_str (pack, hs_rung_name (duty->rung));
            else
                hs_pack_nil (pack);
            hs_map_int (&inner, "notices", duty->notices);
            hs_map_end (&inner);
        }
        hs_map_end (&map);
    }
}

static void
s_clock_decode (const msgpack_object *map, hs_duty_clock_t *duty)
{
    char rung [16] = "";
    duty->start = hs_proto_int (map, "start", 0);
    duty->due = hs_proto_int (map, "due", 0);
    duty->next = hs_proto_int (map, "next", 0);
    if (hs_proto_strcpy (hs_proto_get (map, "rung"), rung, sizeof (rung)) == 0)
        duty->rung = hs_rung_parse (rung) > 0? hs_rung_parse (rung): HS_RUNG_NONE;
    duty->notices = (int) hs_proto_int (map, "notices", 0);
}

size_t
hs_handlers_decode (const msgpack_object *array, hs_handler_t *handlers, size_t max)
{
    size_t count = 0;
    if (!array || array->type != MSGPACK_OBJECT_ARRAY)
        return 0;
    for (uint32_t index = 0; index < array->via.array.size && count < max; index++) {
        const msgpack_object *map = &array->via.array.ptr [index];
        hs_handler_t *handler = &handlers [count];
        memset (handler, 0, sizeof (*handler));
        char text [16] = "";
        if (map->type != MSGPACK_OBJECT_MAP
        ||  hs_proto_strcpy (hs_proto_get (map, "unit"), handler->unit, sizeof (handler->unit)))
            continue;
        hs_proto_strcpy (hs_proto_get (map, "role"), text, sizeof (text));
        handler->lead = strcmp (text, "lead") == 0;
        *text = 0;
        hs_proto_strcpy (hs_proto_get (map, "state"), text, sizeof (text));
        handler->state = hs_handler_state_parse (text);
        if (handler->state < 0)
            handler->state = HS_HANDLER_ROUTED;
        handler->routed = hs_proto_int (map, "routed", 0);
        handler->signed_at = hs_proto_int (map, "signed", 0);
        handler->progress = hs_proto_int (map, "progress", 0);
        handler->done = hs_proto_int (map, "done", 0);
        const msgpack_object *clocks = hs_proto_get (map, "clocks");
        if (clocks && clocks->type == MSGPACK_OBJECT_ARRAY)
            for (uint32_t at = 0; at < clocks->via.array.size; at++) {
                const msgpack_object *clock = &clocks->via.array.ptr [at];
                char name [16] = "";
                int kind = clock->type == MSGPACK_OBJECT_MAP
                        && hs_proto_strcpy (hs_proto_get (clock, "clock"), name, sizeof (name)) == 0?
                           hs_clock_parse (name): -1;
                if (kind >= 0)
                    s_clock_decode (clock, &handler->clocks [kind]);
            }
        count++;
    }
    return count;
}

void
hs_bin_put_time (hs_bin_writer_t *writer, int64_t base, int64_t value)
{
    //  In unsigned arithmetic, which wraps: any two times, however far
    //  apart (a damaged record's), make a distance that reads back.
    if (value == 0)
        hs_bin_put_u (writer, 0);
    else {
        uint64_t distance = (uint64_t) value - (uint64_t) base;
        hs_bin_put_u (writer, ((distance << 1) ^ (0 - (distance >> 63))) + 1);
    }
}

int64_t
hs_bin_get_time (hs_bin_reader_t *reader, int64_t base)
{
    uint64_t value = hs_bin_get_u (reader);
    if (value == 0)
        return 0;
    value--;
    uint64_t distance = (value >> 1) ^ (0 - (value & 1));
    return (int64_t) ((uint64_t) base + distance);
}

//  A handler's fields in the order layout 4 writes them: the four times,
//  then per clock start, due, next and (notices << 2 | rung).
#define S_FIELDS (4 + 4 * HS_CLOCK_COUNT)

static bool
s_is_time (int field)
{
    return field < 4 || (field - 4) % 4 != 3;
}

static void
s_fields_of (const hs_handler_t *handler, int64_t *fields)
{
    fields [0] = handler->routed;
    fields [1] = handler->signed_at;
    fields [2] = handler->progress;
    fields [3] = handler->done;
    for (int clock = 0; clock < HS_CLOCK_COUNT; clock++) {
        const hs_duty_clock_t *duty = &handler->clocks [clock];
        int64_t *at = fields + 4 + 4 * clock;
        at [0] = duty->start;
        at [1] = duty->due;
        at [2] = duty->next;
        at [3] = (int64_t) (((uint64_t) duty->notices << 2) | (uint64_t) (duty->rung & 3));
    }
}

static void
s_fields_to (const int64_t *fields, hs_handler_t *handler)
{
    handler->routed = fields [0];
    handler->signed_at = fields [1];
    handler->progress = fields [2];
    handler->done = fields [3];
    for (int clock = 0; clock < HS_CLOCK_COUNT; clock++) {
        hs_duty_clock_t *duty = &handler->clocks [clock];
        const int64_t *at = fields + 4 + 4 * clock;
        duty->start = at [0];
        duty->due = at [1];
        duty->next = at [2];
        duty->rung = (int) (at [3] & 3);
        duty->notices = (int) ((uint64_t) at [3] >> 2);
    }
}

void
hs_handlers_put (const hs_handler_t *handlers, size_t count, int64_t base,
                 const char (*units)[HS_CODE_MAX + 1], size_t unit_count,
                 hs_bin_writer_t *writer)
{
    int64_t before [S_FIELDS] = { 0 };
    hs_bin_put_u (writer, count);
    for (size_t index = 0; index < count; index++) {
        const hs_handler_t *handler = &handlers [index];
        size_t place = 0;
        while (place < unit_count && strcmp (units [place], handler->unit))
            place++;
        if (place < unit_count)
            hs_bin_put_u (writer, place + 1);
        else {
            hs_bin_put_u (writer, 0);
            hs_bin_put_str (writer, handler->unit);
        }
        hs_bin_put_u (writer, ((uint64_t) handler->state << 1) | (handler->lead? 1: 0));
        int64_t fields [S_FIELDS];
        s_fields_of (handler, fields);
        uint64_t mask = 0;
        for (int field = 0; field < S_FIELDS; field++)
            if (fields [field] != before [field])
                mask |= (uint64_t) 1 << field;
        hs_bin_put_u (writer, mask);
        for (int field = 0; field < S_FIELDS; field++) {
            if (!(mask & ((uint64_t) 1 << field)))
                continue;
            if (s_is_time (field))
                hs_bin_put_time (writer, base, fields [field]);
            else
                hs_bin_put_u (writer, (uint64_t) fields [field]);
        }
        memcpy (before, fields, sizeof (before));
    }
}

size_t
hs_handlers_get (hs_bin_reader_t *reader, int64_t base,
                 const char (*units)[HS_CODE_MAX + 1], size_t unit_count,
                 hs_handler_t *handlers, size_t max)
{
    uint64_t count = hs_bin_get_u (reader);
    if (count > max) {
        reader->bad = true;
        return 0;
    }
    int64_t fields [S_FIELDS] = { 0 };
    for (size_t index = 0; index < count && !reader->bad; index++) {
        hs_handler_t *handler = &handlers [index];
        memset (handler, 0, sizeof (*handler));
        uint64_t place = hs_bin_get_u (reader);
        if (place == 0)
            hs_bin_get_str (reader, handler->unit, sizeof (handler->unit));
        else
        if (place <= unit_count)
            memcpy (handler->unit, units [place - 1], sizeof (handler->unit));
        else
            reader->bad = true;
        uint64_t bits = hs_bin_get_u (reader);
        handler->lead = bits & 1;
        if ((bits >> 1) >= HS_HANDLER_STATE_COUNT)
            reader->bad = true;
        handler->state = (int) ((bits >> 1) % HS_HANDLER_STATE_COUNT);
        uint64_t mask = hs_bin_get_u (reader);
        if (mask >> S_FIELDS)
            reader->bad = true;
        for (int field = 0; field < S_FIELDS; field++) {
            if (!(mask & ((uint64_t) 1 << field)))
                continue;
            if (s_is_time (field))
                fields [field] = hs_bin_get_time (reader, base);
            else
                fields [field] = (int64_t) hs_bin_get_u (reader);
        }
        s_fields_to (fields, handler);
    }
    return reader->bad? 0: (size_t) count;
}

size_t
hs_handlers_get_v3 (hs_bin_reader_t *reader, int64_t base, hs_handler_t *handlers, size_t max)
{
    uint64_t count = hs_bin_get_u (reader);
    if (count > max) {
        reader->bad = true;
        return 0;
    }
    for (size_t index = 0; index < count && !reader->bad; index++) {
        hs_handler_t *handler = &handlers [index];
        memset (handler, 0, sizeof (*handler));
        hs_bin_get_str (reader, handler->unit, sizeof (handler->unit));
        uint64_t bits = hs_bin_get_u (reader);
        handler->lead = bits & 1;
        if ((bits >> 1) >= HS_HANDLER_STATE_COUNT)
            reader->bad = true;
        handler->state = (int) ((bits >> 1) % HS_HANDLER_STATE_COUNT);
        handler->routed = hs_bin_get_time (reader, base);
        handler->signed_at = hs_bin_get_time (reader, base);
        handler->progress = hs_bin_get_time (reader, base);
        handler->done = hs_bin_get_time (reader, base);
        for (int clock = 0; clock < HS_CLOCK_COUNT; clock++) {
            hs_duty_clock_t *duty = &handler->clocks [clock];
            duty->start = hs_bin_get_time (reader, base);
            duty->due = hs_bin_get_time (reader, base);
            duty->next = hs_bin_get_time (reader, base);
            uint64_t rung = hs_bin_get_u (reader);
            duty->rung = (int) (rung & 3);
            duty->notices = (int) (rung >> 2);
        }
    }
    return reader->bad? 0: (size_t) count;
}

void
hs_handler_test (bool verbose)
{
    if (verbose)
        printf (" * hs_handler: ");
    assert (strcmp (hs_clock_name (HS_CLOCK_RESOLVE), "resolve") == 0);
    assert (hs_rung_parse ("circulate") == HS_RUNG_CIRCULATE && hs_rung_parse ("x") == -1);
    assert (strcmp (hs_rung_zh (HS_RUNG_SUPERVISE), "督办") == 0);
    assert (hs_handler_state_parse ("returned") == HS_HANDLER_RETURNED);
    hs_handler_t handlers [2];
    memset (handlers, 0, sizeof (handlers));
    strcpy (handlers [0].unit, "street.caoyang");
    handlers [0].lead = true;
    handlers [0].state = HS_HANDLER_SIGNED;
    handlers [0].routed = 1000;
    handlers [0].signed_at = 2000;
    handlers [0].clocks [HS_CLOCK_PROGRESS] = (hs_duty_clock_t) { 1000, 5000, 9000, HS_RUNG_REMIND, 1 };
    strcpy (handlers [1].unit, "hrss");
    handlers [1].state = HS_HANDLER_RETURNED;
    hs_pack_t *pack = hs_pack_new ();
    hs_map_t map;
    hs_map_begin (&map, pack);
    hs_map_key (&map, "handlers");
    hs_handlers_encode (handlers, 2, pack);
    hs_map_end (&map);
    msgpack_unpacked unpacked;
    msgpack_unpacked_init (&unpacked);
    assert (hs_proto_unpack_stored (hs_pack_data (pack), hs_pack_size (pack), &unpacked) == 0);
    const msgpack_object *array = hs_proto_get (&unpacked.data, "handlers");
    hs_handler_t read [2];
    assert (hs_handlers_decode (array, read, 2) == 2);
    assert (strcmp (read [0].unit, "street.caoyang") == 0 && read [0].lead);
    assert (read [0].signed_at == 2000 && read [0].state == HS_HANDLER_SIGNED);
    const hs_duty_clock_t *clock = &read [0].clocks [HS_CLOCK_PROGRESS];
    assert (clock->due == 5000 && clock->next == 9000 && clock->rung == HS_RUNG_REMIND);
    assert (clock->notices == 1 && read [0].clocks [HS_CLOCK_SIGN].next == 0);
    assert (!read [1].lead && !hs_handler_active (&read [1]));
    assert (hs_handlers_decode (array, read, 1) == 1);
    msgpack_unpacked_destroy (&unpacked);
    //  The compact form: the same handlers back, and a base-relative time;
    //  a unit of the case's list by its place, one not in it by name, and
    //  a handler routed with the one before it in three bytes.
    hs_handler_t four [4];
    memset (four, 0, sizeof (four));
    memcpy (four, handlers, sizeof (handlers));
    for (int index = 2; index < 4; index++) {
        four [index] = four [1];
        strcpy (four [index].unit, index == 2? "legal": "news");
    }
    four [1].routed = four [2].routed = four [3].routed = 1100;
    four [1].clocks [HS_CLOCK_RESOLVE] = (hs_duty_clock_t) { 1100, 99000, 99000, 0, 0 };
    four [2].clocks [HS_CLOCK_RESOLVE] = four [3].clocks [HS_CLOCK_RESOLVE] = four [1].clocks [HS_CLOCK_RESOLVE];
    const char units [3][HS_CODE_MAX + 1] = { "street.caoyang", "legal", "news" };
    uint8_t bytes [512];
    hs_bin_writer_t writer;
    hs_bin_writer_init (&writer, bytes, sizeof (bytes));
    hs_handlers_put (four, 3, 900, units, 3, &writer);
    size_t three = writer.used;
    hs_bin_writer_init (&writer, bytes, sizeof (bytes));
    hs_handlers_put (four, 4, 900, units, 3, &writer);
    assert (writer.used == three + 3);
    size_t all = writer.used;
    hs_bin_put_time (&writer, 900, 0);
    hs_bin_put_time (&writer, 900, 800);
    assert (!writer.overflow && all < 50);
    hs_bin_reader_t reader;
    hs_bin_reader_init (&reader, bytes, writer.used);
    hs_handler_t back [4];
    memset (back, 0, sizeof (back));
    assert (hs_handlers_get (&reader, 900, units, 3, back, 4) == 4 && !reader.bad);
    assert (memcmp (back, four, sizeof (four)) == 0);
    assert (hs_bin_get_time (&reader, 900) == 0 && hs_bin_get_time (&reader, 900) == 800);
    hs_bin_reader_init (&reader, bytes, all);
    assert (hs_handlers_get (&reader, 900, units, 3, back, 3) == 0 && reader.bad);
    for (size_t cut = 0; cut < all; cut++) {
        hs_bin_reader_init (&reader, bytes, cut);
        assert (hs_handlers_get (&reader, 900, units, 3, back, 4) == 0 && reader.bad);
    }
    //  A place past the case's units, read against a shorter list, is damage.
    hs_bin_reader_init (&reader, bytes, all);
    assert (hs_handlers_get (&reader, 900, units, 1, back, 4) == 0 && reader.bad);
    //  Layout 3, as a store before format 7 keeps it: every field, the unit
    //  by name.
    hs_bin_writer_init (&writer, bytes, sizeof (bytes));
    hs_bin_put_u (&writer, 1);
    hs_bin_put_str (&writer, "street.caoyang");
    hs_bin_put_u (&writer, (HS_HANDLER_SIGNED << 1) | 1);
    const int64_t times [4] = { 1000, 2000, 0, 0 };
    for (int index = 0; index < 4; index++)
        hs_bin_put_time (&writer, 900, times [index]);
    for (int clock = 0; clock < HS_CLOCK_COUNT; clock++) {
        const hs_duty_clock_t *duty = &handlers [0].clocks [clock];
        hs_bin_put_time (&writer, 900, duty->start);
        hs_bin_put_time (&writer, 900, duty->due);
        hs_bin_put_time (&writer, 900, duty->next);
        hs_bin_put_u (&writer, ((uint64_t) duty->notices << 2) | (uint64_t) duty->rung);
    }
    hs_bin_reader_init (&reader, bytes, writer.used);
    assert (hs_handlers_get_v3 (&reader, 900, back, 4) == 1 && reader.used == writer.used);
    assert (memcmp (&back [0], &handlers [0], sizeof (hs_handler_t)) == 0);
    hs_bin_reader_init (&reader, bytes, writer.used - 1);
    assert (hs_handlers_get_v3 (&reader, 900, back, 4) == 0 && reader.bad);
    hs_pack_destroy (&pack);
    if (verbose)
        printf ("OK\n");
}
