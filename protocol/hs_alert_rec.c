/*  =========================================================================
    hs_alert_rec - an alert as the events table keeps it

    The record, after the event's head: a varint of presence bits (S_HAS_*),
    then kind, level, previous level (-1: none), category, street,
    enterprise, workers, amount (-1: unknown), flags, the units and the
    reasons (a count, then each), the alert's time less the head's, then
    what caused it (source, id, person) if anything did, then what an alert
    about handling adds, each field only if its bit is set. Strings are
    hs_bin's, counted, UTF-8, no NUL; the note is counted bytes, UTF-8.
    Nothing of the head is repeated: the body's seq, case and time are the
    event's own.
    =========================================================================
*/

#include "hs_alert_rec.h"
#include "hs_case.h"
#include <stdio.h>
#include <string.h>
#include <assert.h>

#define S_HAS_CAUSE     (1u << 0)
#define S_HAS_REPORT    (1u << 1)       //  the cause was a report, not an update or an act
#define S_HAS_PERSON    (1u << 2)
#define S_HAS_UNIT      (1u << 3)
#define S_HAS_CLOCK     (1u << 4)
#define S_HAS_RUNG      (1u << 5)
#define S_HAS_INTO      (1u << 6)
#define S_HAS_NOTE      (1u << 7)
#define S_HAS_SATISFIED (1u << 8)
#define S_SATISFIED     (1u << 9)
#define S_HAS_COUNT     (1u << 10)
#define S_HAS_DUE       (1u << 11)
#define S_LISTS         (1u << 12)      //  units and reasons as hs_bin_put_list (format 7)
#define S_HAS_ALL       ((1u << 13) - 1)

#define S_STRING_MAX    HS_NAME_MAX     //  no string of an alert is longer, but a note
//  Each string read takes at most its bytes and a NUL, no more than the
//  record it came from: a record of HS_ALERT_REC_MAX always fits.
#define S_ARENA         (2 * HS_ALERT_REC_MAX)

static int
s_put_list (hs_bin_writer_t *writer, const char *const *strings, size_t max)
{
    return hs_bin_put_list (writer, strings, max, S_STRING_MAX);
}

//  The presence bits of what the body will say beyond the case's fields,
//  as hs_alert_encode decides it.
static uint64_t
s_bits (const hs_alert_t *alert)
{
    uint64_t bits = 0;
    const hs_cause_t *cause = alert->cause;
    if (cause && cause->source) {
        bits |= S_HAS_CAUSE | (cause->report? S_HAS_REPORT: 0);
        if (cause->person && *cause->person)
            bits |= S_HAS_PERSON;
    }
    const hs_alert_more_t *more = alert->more;
    if (more) {
        bits |= (more->unit? S_HAS_UNIT: 0) | (more->clock? S_HAS_CLOCK: 0)
             |  (more->rung? S_HAS_RUNG: 0) | (more->into? S_HAS_INTO: 0)
             |  (more->note && more->note_size? S_HAS_NOTE: 0)
             |  (more->count > 0? S_HAS_COUNT: 0) | (more->due > 0? S_HAS_DUE: 0);
        if (more->satisfied >= 0)
            bits |= S_HAS_SATISFIED | (more->satisfied == 1? S_SATISFIED: 0);
    }
    return bits;
}

int
hs_alert_rec_put (hs_bin_writer_t *writer, const hs_alert_t *alert, uint64_t seq,
                  const char *case_id, int64_t at)
{
    const char *kind = alert->kind? alert->kind: "";
    if (alert->seq != seq || !alert->case_id || !case_id || strcmp (alert->case_id, case_id)
    ||  alert->level < 0 || alert->level >= HS_LEVEL_COUNT
    ||  alert->previous_level < -1 || alert->previous_level >= HS_LEVEL_COUNT
    ||  alert->category < -1 || alert->category >= HS_CATEGORY_COUNT
    ||  !hs_bin_sayable (kind, S_STRING_MAX)
    ||  !hs_bin_sayable (alert->street? alert->street: "", S_STRING_MAX)
    ||  !hs_bin_sayable (alert->enterprise? alert->enterprise: "", S_STRING_MAX))
        return -1;
    size_t start = writer->used;
    uint64_t bits = s_bits (alert) | S_LISTS;
    hs_bin_put_u (writer, bits);
    hs_bin_put_str (writer, kind);
    hs_bin_put_u (writer, (uint64_t) alert->level);
    hs_bin_put_i (writer, alert->previous_level);
    hs_bin_put_i (writer, alert->category);
    hs_bin_put_str (writer, alert->street? alert->street: "");
    hs_bin_put_str (writer, alert->enterprise? alert->enterprise: "");
    hs_bin_put_i (writer, alert->workers);
    hs_bin_put_i (writer, alert->amount < 0? -1: alert->amount);
    hs_bin_put_u (writer, alert->flags & ((1u << HS_FLAG_COUNT) - 1));
    if (s_put_list (writer, alert->units, HS_CASE_MAX_UNITS)
    ||  s_put_list (writer, alert->reasons, HS_CASE_MAX_REASONS))
        return -1;
    hs_bin_put_i (writer, (int64_t) ((uint64_t) alert->at - (uint64_t) at));
    const hs_cause_t *cause = alert->cause;
    if (bits & S_HAS_CAUSE) {
        const char *id = cause->id? cause->id: "";
        if (!hs_bin_sayable (cause->source, S_STRING_MAX) || !hs_bin_sayable (id, S_STRING_MAX))
            return -1;
        hs_bin_put_str (writer, cause->source);
        hs_bin_put_str (writer, id);
        if (bits & S_HAS_PERSON) {
            if (!hs_bin_sayable (cause->person, S_STRING_MAX))
                return -1;
            hs_bin_put_str (writer, cause->person);
        }
    }
    const hs_alert_more_t *more = alert->more;
    const char *texts [] = { more? more->unit: NULL, more? more->clock: NULL,
                             more? more->rung: NULL, more? more->into: NULL };
    for (int index = 0; index < 4; index++)
        if (texts [index]) {
            if (!hs_bin_sayable (texts [index], S_STRING_MAX))
                return -1;
            hs_bin_put_str (writer, texts [index]);
        }
    if (bits & S_HAS_COUNT)
        hs_bin_put_i (writer, more->count);
    if (bits & S_HAS_DUE)
        hs_bin_put_i (writer, more->due);
    if (bits & S_HAS_CLOCK)
        hs_bin_put_i (writer, more->late_ms);
    if (bits & S_HAS_NOTE) {
        if (more->note_size > HS_NOTE_MAX
        ||  !hs_proto_utf8 ((const uint8_t *) more->note, more->note_size))
            return -1;
        hs_bin_put_u (writer, more->note_size);
        hs_bin_put_bytes (writer, more->note, more->note_size);
    }
    return writer->overflow || writer->used - start > HS_ALERT_REC_MAX? -1: 0;
}

static const char *
s_get_str (hs_bin_reader_t *reader, hs_bin_arena_t *arena)
{
    return hs_bin_get_text (reader, arena, S_STRING_MAX);
}

//  A list as format 7 writes it (`lists`), or as format 6 did.
static void
s_get_strv (hs_bin_reader_t *reader, hs_bin_arena_t *arena, const char **strings, size_t max,
            bool lists)
{
    if (lists)
        hs_bin_get_list (reader, arena, strings, max, S_STRING_MAX);
    else
        hs_bin_get_strv (reader, arena, strings, max, S_STRING_MAX);
}

int
hs_alert_rec_body (const uint8_t *data, size_t size, uint64_t seq, const char *case_id,
                   int64_t at, hs_pack_t *pack, char *topic, size_t topic_size)
{
    char text [S_ARENA];
    hs_bin_arena_t strings = { text, sizeof (text), 0 };
    hs_bin_arena_t *arena = &strings;
    hs_bin_reader_t reader;
    hs_bin_reader_init (&reader, data, size);
    const char *units [HS_CASE_MAX_UNITS + 1], *reasons [HS_CASE_MAX_REASONS + 1];
    hs_cause_t cause = { NULL, NULL, false, NULL };
    hs_alert_more_t more = { .satisfied = -1 };
    hs_alert_t alert = { .seq = seq, .case_id = case_id, .units = units, .reasons = reasons,
                         .more = &more };
    uint64_t bits = hs_bin_get_u (&reader);
    alert.kind = s_get_str (&reader, arena);
    uint64_t level = hs_bin_get_u (&reader);
    int64_t previous = hs_bin_get_i (&reader);
    int64_t category = hs_bin_get_i (&reader);
    alert.street = s_get_str (&reader, arena);
    alert.enterprise = s_get_str (&reader, arena);
    alert.workers = hs_bin_get_i (&reader);
    alert.amount = hs_bin_get_i (&reader);
    uint64_t flags = hs_bin_get_u (&reader);
    s_get_strv (&reader, arena, units, HS_CASE_MAX_UNITS, bits & S_LISTS);
    s_get_strv (&reader, arena, reasons, HS_CASE_MAX_REASONS, bits & S_LISTS);
    alert.at = (int64_t) ((uint64_t) at + (uint64_t) hs_bin_get_i (&reader));
    if (bits & S_HAS_CAUSE) {
        cause.source = s_get_str (&reader, arena);
        cause.id = s_get_str (&reader, arena);
        cause.report = (bits & S_HAS_REPORT) != 0;
        cause.person = bits & S_HAS_PERSON? s_get_str (&reader, arena): NULL;
        alert.cause = &cause;
    }
    more.unit = bits & S_HAS_UNIT? s_get_str (&reader, arena): NULL;
    more.clock = bits & S_HAS_CLOCK? s_get_str (&reader, arena): NULL;
    more.rung = bits & S_HAS_RUNG? s_get_str (&reader, arena): NULL;
    more.into = bits & S_HAS_INTO? s_get_str (&reader, arena): NULL;
    int64_t count = bits & S_HAS_COUNT? hs_bin_get_i (&reader): 0;
    more.due = bits & S_HAS_DUE? hs_bin_get_i (&reader): 0;
    more.late_ms = bits & S_HAS_CLOCK? hs_bin_get_i (&reader): 0;
    if (bits & S_HAS_NOTE) {
        uint64_t note_size = hs_bin_get_u (&reader);
        if (note_size == 0 || note_size > HS_NOTE_MAX || note_size > reader.size - reader.used
        ||  !hs_proto_utf8 (reader.data + reader.used, note_size))
            reader.bad = true;
        else {
            more.note = (const char *) reader.data + reader.used;
            more.note_size = note_size;
            reader.used += note_size;
        }
    }
    if (bits & S_HAS_SATISFIED)
        more.satisfied = bits & S_SATISFIED? 1: 0;
    int rc = -1;
    //  Whole, every field in range, and nothing after it: a record.
    if (!reader.bad && reader.used == reader.size && (bits & ~(uint64_t) S_HAS_ALL) == 0
    &&  level < HS_LEVEL_COUNT && previous >= -1 && previous < HS_LEVEL_COUNT
    &&  category >= -1 && category < HS_CATEGORY_COUNT && alert.amount >= -1
    &&  flags < (1u << HS_FLAG_COUNT) && count >= 0 && count <= INT32_MAX
    &&  (count > 0) == ((bits & S_HAS_COUNT) != 0) && (more.due > 0) == ((bits & S_HAS_DUE) != 0)) {
        alert.level = (int) level;
        alert.previous_level = (int) previous;
        alert.category = (int) category;
        alert.flags = (uint32_t) flags;
        more.count = (int) count;
        rc = hs_alert_encode (&alert, pack);
        if (topic)
            hs_alert_topic (alert.level, alert.street, topic, topic_size);
    }
    return rc;
}

//  ---------------------------------------------------------------------
//  Self test: every shape of alert comes back as the body that went out.

static void
s_test_round (const hs_alert_t *alert, bool compact)
{
    hs_pack_t *body = hs_pack_new ();
    hs_alert_encode (alert, body);
    uint8_t buffer [8192];
    hs_bin_writer_t writer;
    hs_bin_writer_init (&writer, buffer, sizeof (buffer));
    int rc = hs_alert_rec_put (&writer, alert, alert->seq, alert->case_id, alert->at - 5);
    assert (rc == (compact? 0: -1));
    if (compact) {
        assert (writer.used < hs_pack_size (body));
        hs_pack_t *again = hs_pack_new ();
        assert (hs_alert_rec_body (buffer, writer.used, alert->seq, alert->case_id,
                                   alert->at - 5, again, NULL, 0) == 0);
        assert (hs_pack_size (again) == hs_pack_size (body)
             && memcmp (hs_pack_data (again), hs_pack_data (body), hs_pack_size (body)) == 0);
        //  Cut short anywhere, or a byte more, it is refused and adds nothing.
        for (size_t cut = 0; cut < writer.used; cut++) {
            hs_pack_reset (again);
            assert (hs_alert_rec_body (buffer, cut, alert->seq, alert->case_id, alert->at - 5,
                                       again, NULL, 0) == -1 && hs_pack_size (again) == 0);
        }
        buffer [writer.used] = 0;
        assert (hs_alert_rec_body (buffer, writer.used + 1, alert->seq, alert->case_id,
                                   alert->at - 5, again, NULL, 0) == -1);
        hs_pack_destroy (&again);
    }
    hs_pack_destroy (&body);
}

void
hs_alert_rec_test (bool verbose)
{
    if (verbose)
        printf (" * hs_alert_rec: ");
    const char *units [] = { "hrss", "legal", "street.caoyang", "office", NULL };
    const char *reasons [] = { "major.flags", "route.hrss", "route.street", NULL };
    hs_cause_t cause = { "hrss", "fill-0-42794012072", true, NULL };
    hs_alert_t alert = {
        .seq = 2, .kind = "new", .case_id = "putuo-1", .level = HS_LEVEL_MAJOR,
        .previous_level = -1, .category = HS_CATEGORY_WAGE_ARREARS, .street = "street.caoyang",
        .enterprise = "上海第0号服装制造有限公司", .workers = 3, .amount = 100000,
        .flags = 1u << HS_FLAG_MEDIA, .units = units, .reasons = reasons, .cause = &cause,
        .at = 1796281428444LL
    };
    s_test_round (&alert, true);
    //  Escalated by an update a person sent, no amount, no enterprise.
    hs_cause_t update = { "street.caoyang", "u-7", false, "张三" };
    alert.kind = "escalated";
    alert.previous_level = HS_LEVEL_GENERAL;
    alert.amount = -1;
    alert.enterprise = NULL;
    alert.cause = &update;
    s_test_round (&alert, true);
    //  The clock's: a supervision notice, no cause, every field of more.
    hs_alert_more_t more = {
        .unit = "legal", .clock = "sign", .rung = "supervise", .count = 2,
        .due = 1796281000000LL, .late_ms = 0, .note = "逾期未签收\0尾", .note_size = 19,
        .into = "putuo-9", .satisfied = 0
    };
    alert.kind = "supervision";
    alert.cause = NULL;
    alert.more = &more;
    s_test_round (&alert, true);
    more.satisfied = 1;
    more.note_size = 0;
    more.count = 0;
    more.due = 0;
    more.clock = NULL;
    alert.units = NULL;
    alert.reasons = NULL;
    s_test_round (&alert, true);
    //  What the form cannot say exactly is refused: the body is kept.
    alert.street = "\xff\xfe";
    s_test_round (&alert, false);
    alert.street = "street.caoyang";
    alert.level = HS_LEVEL_COUNT;
    s_test_round (&alert, false);
    alert.level = HS_LEVEL_MAJOR;
    hs_bin_writer_t writer;
    uint8_t small [16];
    hs_bin_writer_init (&writer, small, sizeof (small));
    assert (hs_alert_rec_put (&writer, &alert, alert.seq, alert.case_id, alert.at) == -1);
    hs_bin_writer_init (&writer, small, sizeof (small));
    assert (hs_alert_rec_put (&writer, &alert, alert.seq + 1, alert.case_id, alert.at) == -1);
    assert (hs_alert_rec_put (&writer, &alert, alert.seq, "putuo-2", alert.at) == -1);
    if (verbose)
        printf ("OK\n");
}
