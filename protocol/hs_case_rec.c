/*  =========================================================================
    hs_case_rec - the stored case record, compact (store formats 3 and 7)

    One byte, the layout: HS_CASE_REC_V (4, since store format 7) or
    HS_CASE_REC_V3 (3, formats 3 to 6), never the first byte of a msgpack
    map, the form stores before format 3 kept; then every field of
    hs_case_t in the order below, with no names (protocol/hs_bin): small
    numbers as varints (zigzag where they may be negative), text as counted
    strings, the rules version (a SHA-1 in hex) as its 20 bytes, and every
    time but `opened` as its distance from `opened` (hs_bin_put_time: 0
    stays 0). Layout 4 writes the lists front-coded where that is shorter
    (hs_bin_put_list) and each handler as its differences from the one
    before (hs_handlers_put); layout 3, still read, wrote every field. A
    case routed to eight units takes about 360 bytes in layout 4, 570 in
    layout 3, against 2.5 KB as a map, which is past what an LMDB page
    holds (about 2 KB) and so took an overflow page of 4 KB of its own.
    PROTOCOL.md §7 spells the order out; hs_case.c keeps the map the api
    replies with.
    =========================================================================
*/

#include "hs_case.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <assert.h>

#define HS_CASE_REC_V3  3       //  store formats 3 to 6: every handler's every field
#define HS_CASE_REC_V   4       //  since format 7: handlers as hs_handlers_put writes them
#define REC_MAX         32768   //  the bounds of hs_case_t allow under 16 KB

//  The case's flags, one varint.
#define BIT_CLOSED      1
#define BIT_OVERDUE     2
#define BIT_LEAD_HELD   4
#define BIT_LEGACY      8

//  A list of codes: in layout 4 as hs_bin_put_list writes it (front-coded
//  when that is smaller), in layout 3 its count and each code.
static void
s_put_list (hs_bin_writer_t *writer, char (*list)[HS_CODE_MAX + 1], size_t count)
{
    const char *strings [HS_CASE_MAX_UNITS + HS_CASE_MAX_REASONS + HS_CASE_MAX_SOURCES + 1];
    assert (count < sizeof (strings) / sizeof (strings [0]));
    for (size_t index = 0; index < count; index++)
        strings [index] = list [index];
    strings [count] = NULL;
    if (hs_bin_put_list (writer, strings, count, HS_CODE_MAX) == 0)
        return;
    //  A code that is not UTF-8 (none comes in so): as it is, never front-
    //  coded, and the record then reads as damaged, as layout 3's did.
    hs_bin_put_u (writer, count * 2);
    for (size_t index = 0; index < count; index++)
        hs_bin_put_str (writer, strings [index]);
}

static size_t
s_get_list (hs_bin_reader_t *reader, uint64_t layout, char (*list)[HS_CODE_MAX + 1],
            size_t max)
{
    if (layout == HS_CASE_REC_V3) {
        uint64_t count = hs_bin_get_u (reader);
        if (count > max) {
            reader->bad = true;
            return 0;
        }
        for (size_t index = 0; index < count; index++)
            hs_bin_get_str (reader, list [index], HS_CODE_MAX + 1);
        return (size_t) count;
    }
    char text [(HS_CODE_MAX + 1) * (HS_CASE_MAX_UNITS + HS_CASE_MAX_REASONS)];
    const char *strings [HS_CASE_MAX_UNITS + HS_CASE_MAX_REASONS + HS_CASE_MAX_SOURCES + 1];
    assert (max < sizeof (strings) / sizeof (strings [0]));
    hs_bin_arena_t arena = { text, sizeof (text), 0 };
    hs_bin_get_list (reader, &arena, strings, max, HS_CODE_MAX);
    size_t count = 0;
    for (; strings [count]; count++)
        memcpy (list [count], strings [count], strlen (strings [count]) + 1);
    return count;
}

void
hs_case_encode (const hs_case_t *kase, hs_pack_t *pack)
{
    uint8_t bytes [REC_MAX];
    hs_bin_writer_t writer;
    hs_bin_writer_init (&writer, bytes, REC_MAX);
    int64_t base = kase->opened;
    hs_bin_put_u (&writer, HS_CASE_REC_V);
    hs_bin_put_str (&writer, kase->id);
    hs_bin_put_i (&writer, kase->level);
    hs_bin_put_i (&writer, kase->rules_level);
    hs_bin_put_i (&writer, kase->category);
    hs_bin_put_str (&writer, kase->street);
    hs_bin_put_str (&writer, kase->enterprise);
    hs_bin_put_str (&writer, kase->credit_code);
    hs_bin_put_i (&writer, kase->ownership);
    hs_bin_put_str (&writer, kase->sector);
    hs_bin_put_i (&writer, kase->workers);
    hs_bin_put_i (&writer, kase->amount);
    hs_bin_put_u (&writer, kase->flags);
    s_put_list (&writer, (char (*)[HS_CODE_MAX + 1]) kase->sources, kase->source_count);
    s_put_list (&writer, (char (*)[HS_CODE_MAX + 1]) kase->units, kase->unit_count);
    s_put_list (&writer, (char (*)[HS_CODE_MAX + 1]) kase->reasons, kase->reason_count);
    hs_bin_put_version (&writer, kase->rules_version);
    hs_bin_put_i (&writer, kase->status);
    hs_bin_put_i (&writer, kase->stage);
    hs_bin_put_u (&writer, (kase->closed? BIT_CLOSED: 0) | (kase->overdue_sent? BIT_OVERDUE: 0)
                         | (kase->lead_held? BIT_LEAD_HELD: 0) | (kase->legacy? BIT_LEGACY: 0));
    hs_bin_put_i (&writer, kase->opened);
    hs_bin_put_time (&writer, base, kase->updated);
    hs_bin_put_u (&writer, kase->first_seq);
    hs_bin_put_u (&writer, kase->last_seq - kase->first_seq);
    hs_bin_put_u (&writer, kase->reports);
    hs_bin_put_str (&writer, kase->lead);
    hs_handlers_put (kase->handlers, kase->handler_count, base,
                     (const char (*)[HS_CODE_MAX + 1]) kase->units, kase->unit_count, &writer);
    hs_bin_put_time (&writer, base, kase->timer_at);
    hs_bin_put_time (&writer, base, kase->muted_until);
    hs_bin_put_i (&writer, kase->followup);
    hs_bin_put_u (&writer, kase->reopened);
    hs_bin_put_str (&writer, kase->merged_into);
    hs_bin_put_u (&writer, kase->merged_count);
    for (size_t index = 0; index < kase->merged_count; index++)
        hs_bin_put_str (&writer, kase->merged_from [index]);
    hs_bin_put_str (&writer, kase->split_from);
    hs_bin_put_str (&writer, kase->meeting);
    hs_bin_put_i (&writer, kase->upward);
    hs_bin_put_i (&writer, kase->upward_level);
    hs_bin_put_str (&writer, kase->upward_lead);
    hs_bin_put_time (&writer, base, kase->closed_at);
    hs_bin_put_time (&writer, base, kase->file_at);
    hs_bin_put_time (&writer, base, kase->filed);
    hs_bin_put_time (&writer, base, kase->legacy_due);
    //  The bounds of hs_case_t cannot reach REC_MAX.
    assert (!writer.overflow);
    hs_pack_raw (pack, bytes, writer.used);
}

bool
hs_case_record_compact (const void *data, size_t size)
{
    return size > 0 && (*(const uint8_t *) data == HS_CASE_REC_V
                     || *(const uint8_t *) data == HS_CASE_REC_V3);
}

int
hs_case_decode (const void *data, size_t size, hs_case_t *kase)
{
    if (!hs_case_record_compact (data, size))
        return hs_case_decode_map (data, size, kase);
    memset (kase, 0, sizeof (*kase));
    hs_bin_reader_t reader;
    hs_bin_reader_init (&reader, data, size);
    uint64_t layout = hs_bin_get_u (&reader);
    hs_bin_get_str (&reader, kase->id, sizeof (kase->id));
    kase->level = (int) hs_bin_get_i (&reader);
    kase->rules_level = (int) hs_bin_get_i (&reader);
    kase->category = (int) hs_bin_get_i (&reader);
    hs_bin_get_str (&reader, kase->street, sizeof (kase->street));
    hs_bin_get_str (&reader, kase->enterprise, sizeof (kase->enterprise));
    hs_bin_get_str (&reader, kase->credit_code, sizeof (kase->credit_code));
    kase->ownership = (int) hs_bin_get_i (&reader);
    hs_bin_get_str (&reader, kase->sector, sizeof (kase->sector));
    kase->workers = hs_bin_get_i (&reader);
    kase->amount = hs_bin_get_i (&reader);
    kase->flags = (uint32_t) hs_bin_get_u (&reader);
    kase->source_count = s_get_list (&reader, layout, kase->sources, HS_CASE_MAX_SOURCES);
    kase->unit_count = s_get_list (&reader, layout, kase->units, HS_CASE_MAX_UNITS);
    kase->reason_count = s_get_list (&reader, layout, kase->reasons, HS_CASE_MAX_REASONS);
    hs_bin_get_version (&reader, kase->rules_version, sizeof (kase->rules_version));
    kase->status = (int) hs_bin_get_i (&reader);
    kase->stage = (int) hs_bin_get_i (&reader);
    uint64_t bits = hs_bin_get_u (&reader);
    kase->closed = bits & BIT_CLOSED;
    kase->overdue_sent = bits & BIT_OVERDUE;
    kase->lead_held = bits & BIT_LEAD_HELD;
    kase->legacy = bits & BIT_LEGACY;
    kase->opened = hs_bin_get_i (&reader);
    int64_t base = kase->opened;
    kase->updated = hs_bin_get_time (&reader, base);
    kase->first_seq = hs_bin_get_u (&reader);
    kase->last_seq = kase->first_seq + hs_bin_get_u (&reader);
    kase->reports = hs_bin_get_u (&reader);
    hs_bin_get_str (&reader, kase->lead, sizeof (kase->lead));
    kase->handler_count = layout == HS_CASE_REC_V3
        ? hs_handlers_get_v3 (&reader, base, kase->handlers, HS_CASE_MAX_HANDLERS)
        : hs_handlers_get (&reader, base, (const char (*)[HS_CODE_MAX + 1]) kase->units,
                           kase->unit_count, kase->handlers, HS_CASE_MAX_HANDLERS);
    kase->timer_at = hs_bin_get_time (&reader, base);
    kase->muted_until = hs_bin_get_time (&reader, base);
    kase->followup = (int) hs_bin_get_i (&reader);
    kase->reopened = (uint32_t) hs_bin_get_u (&reader);
    hs_bin_get_str (&reader, kase->merged_into, sizeof (kase->merged_into));
    uint64_t merged = hs_bin_get_u (&reader);
    if (merged > HS_CASE_MAX_MERGED)
        reader.bad = true;
    for (size_t index = 0; index < merged && !reader.bad; index++)
        hs_bin_get_str (&reader, kase->merged_from [kase->merged_count++], HS_ID_MAX + 1);
    hs_bin_get_str (&reader, kase->split_from, sizeof (kase->split_from));
    hs_bin_get_str (&reader, kase->meeting, sizeof (kase->meeting));
    kase->upward = (int) hs_bin_get_i (&reader);
    kase->upward_level = (int) hs_bin_get_i (&reader);
    hs_bin_get_str (&reader, kase->upward_lead, sizeof (kase->upward_lead));
    kase->closed_at = hs_bin_get_time (&reader, base);
    kase->file_at = hs_bin_get_time (&reader, base);
    kase->filed = hs_bin_get_time (&reader, base);
    kase->legacy_due = hs_bin_get_time (&reader, base);
    kase->counted_open = !kase->closed;
    kase->counted_overdue = kase->overdue_sent && !kase->closed;
    //  Whole, to the last byte, with every name and number in range.
    if (reader.bad || reader.used != size || !*kase->id
    ||  kase->level < 0 || kase->level >= HS_LEVEL_COUNT
    ||  kase->rules_level < -1 || kase->rules_level >= HS_LEVEL_COUNT
    ||  kase->category < 0 || !hs_category_name (kase->category)
    ||  kase->stage < 0 || kase->stage >= HS_STAGE_COUNT)
        return -1;
    return 0;
}

void
hs_case_rec_test (bool verbose)
{
    if (verbose)
        printf (" * hs_case_rec: ");
    hs_report_t report;
    hs_case_t *kase = hs_case_test_new (&report, HS_CATEGORY_WAGE_ARREARS, 40, 1796153202383,
                                        "putuo-5", 5);
    const char *units [] = { "hrss", "legal", "police", "justice", "union", "street.caoyang",
                             "office", "convener", NULL };
    const char *reasons [] = { "major.workers", "route.hrss", "route.street", NULL };
    hs_case_classified (kase, HS_LEVEL_MAJOR, HS_LEVEL_MAJOR, units, reasons,
                        "eda5e74181e0590f66e4375741cd523685ff8384");
    for (size_t index = 0; index < 6; index++) {
        hs_handler_t *handler = &kase->handlers [kase->handler_count++];
        strcpy (handler->unit, units [index]);
        handler->lead = index == 0;
        handler->routed = report.at + 12;
        for (int clock = 0; clock < HS_CLOCK_COUNT; clock++)
            handler->clocks [clock] = (hs_duty_clock_t) {
                handler->routed, handler->routed + 7200000 * (clock + 1),
                handler->routed + 7200000 * (clock + 1), clock, clock };
    }
    strcpy (kase->lead, "hrss");
    kase->timer_at = report.at + 7200000;
    kase->last_seq = 7;
    kase->muted_until = report.at - 5;          //  before it opened: negative distance
    strcpy (kase->merged_from [kase->merged_count++], "putuo-9");
    hs_pack_t *pack = hs_pack_new ();
    hs_case_encode (kase, pack);
    size_t compact = hs_pack_size (pack);
    assert (hs_case_record_compact (hs_pack_data (pack), compact));
    hs_case_t *copy = (hs_case_t *) calloc (1, sizeof (hs_case_t));
    assert (hs_case_decode (hs_pack_data (pack), compact, copy) == 0);
    kase->counted_open = true;              //  what a read counts, not stored
    assert (memcmp (copy, kase, sizeof (hs_case_t)) == 0);
    //  Every cut, and a byte more, is refused.
    for (size_t cut = 0; cut < compact; cut++)
        assert (hs_case_decode (hs_pack_data (pack), cut, copy) == -1);
    hs_pack_raw (pack, "", 1);
    assert (hs_case_decode (hs_pack_data (pack), compact + 1, copy) == -1);
    //  The map form (the api's, and older stores'): the same case, and
    //  read as a stored record too; it is over three times the size.
    hs_pack_reset (pack);
    hs_case_encode_map (kase, pack);
    assert (!hs_case_record_compact (hs_pack_data (pack), hs_pack_size (pack)));
    assert (hs_pack_size (pack) > 3 * compact);
    memset (copy, 0, sizeof (hs_case_t));
    assert (hs_case_decode (hs_pack_data (pack), hs_pack_size (pack), copy) == 0);
    assert (copy->handler_count == 6 && copy->last_seq == 7 && copy->muted_until == kase->muted_until);
    assert (strcmp (copy->rules_version, kase->rules_version) == 0 && copy->merged_count == 1);
    //  A version that is not a SHA-1 is kept as text, whatever its length.
    const char *versions [] = { "v2", "twenty-characters-xx", "", NULL };
    for (const char **version = versions; *version; version++) {
        strcpy (kase->rules_version, *version);
        hs_pack_reset (pack);
        hs_case_encode (kase, pack);
        assert (hs_case_decode (hs_pack_data (pack), hs_pack_size (pack), copy) == 0);
        assert (strcmp (copy->rules_version, *version) == 0);
    }
    //  A record of layout 3, as `make bench` stored it at store format 6
    //  (a case routed to hrss and its street), reads as it was written, and
    //  again the same once written as layout 4, which is smaller.
    const char *v3 =
        "0307707574756f2d380000060e7374726565742e67616e7175616e25e4b88ae6b5b7e7ac"
        "ac33e58fb7e69c8de8a385e588b6e980a0e69c89e99990e585ace58fb800060d6d616e75"
        "666163747572696e670ca0c21e000104687273730204687273730e7374726565742e6761"
        "6e7175616e020a726f7574652e687273730c726f7574652e73747265657401eda5e74181"
        "e0590f66e4375741cd523685ff8384010000d4eef2c3c768010801010e7374726565742e"
        "67616e7175616e02046872737300090000000989f0b25289f0b25200000000000989b0ac"
        "c20d89b0acc20d000e7374726565742e67616e7175616e01090000000989f0b25289f0b2"
        "52000989d0af8a0789d0af8a07000989b0acc20d89b0acc20d0089f0b252000100000000"
        "0000000000000000";
    uint8_t old [400];
    size_t old_size = hs_bin_from_hex (v3, old, sizeof (old));
    assert (old_size == strlen (v3) / 2);
    assert (old [0] == HS_CASE_REC_V3 && hs_case_record_compact (old, old_size));
    assert (hs_case_decode (old, old_size, copy) == 0);
    assert (strcmp (copy->id, "putuo-8") == 0 && copy->handler_count == 2 && copy->unit_count == 2);
    assert (strcmp (copy->handlers [0].unit, "hrss") == 0 && !copy->handlers [0].lead);
    assert (strcmp (copy->handlers [1].unit, "street.ganquan") == 0 && copy->handlers [1].lead);
    assert (copy->handlers [0].routed == copy->opened + 4);
    assert (copy->handlers [1].clocks [HS_CLOCK_PROGRESS].next > copy->opened);
    assert (copy->handlers [0].clocks [HS_CLOCK_PROGRESS].next == 0);
    hs_pack_reset (pack);
    hs_case_encode (copy, pack);
    assert (((const uint8_t *) hs_pack_data (pack)) [0] == HS_CASE_REC_V);
    assert (hs_pack_size (pack) + 20 < old_size);
    assert (hs_case_decode (hs_pack_data (pack), hs_pack_size (pack), kase) == 0);
    assert (memcmp (copy, kase, sizeof (hs_case_t)) == 0);
    for (size_t cut = 0; cut < old_size; cut++)
        assert (hs_case_decode (old, cut, kase) == -1);
    hs_pack_destroy (&pack);
    free (copy);
    free (kase);
    if (verbose)
        printf ("OK\n");
}
