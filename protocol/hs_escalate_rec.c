/*  =========================================================================
    hs_escalate_rec - a report upward kept as its decision

    The record (PROTOCOL §7, store format 7): `to` s, `from` s, `level` u,
    `category` u, `street` s, `enterprise` s, `workers` i, `amount` i (-1:
    unknown), `flags` u, `units` and `reasons` (lists, hs_bin_put_list),
    bits u (1 `report` follows, 2 `changed` follows), `report` s, `changed`
    (a list), the body's `at` − the head's `at` i; nothing after it. The
    body's `seq` and `case` are the event head's.
    =========================================================================
*/

#include "hs_escalate_rec.h"
#include "hs_case.h"
#include <stdio.h>
#include <string.h>
#include <assert.h>

#define S_STRING_MAX    HS_NAME_MAX
#define S_NAMES_MAX     64
#define S_HAS_REPORT    1
#define S_HAS_CHANGED   2
//  Each string read takes at most its bytes and a NUL, no more than the
//  record it came from: a record of HS_ESCALATE_REC_MAX always fits.
#define S_ARENA         (2 * HS_ESCALATE_REC_MAX)

void
hs_escalate_topic (const char *to, char *topic, size_t size)
{
    snprintf (topic, size, "escalate.%s", to? to: "");
}

int
hs_escalate_rec_put (hs_bin_writer_t *writer, const hs_escalation_t *escalation, uint64_t seq,
                     const char *case_id, int64_t at)
{
    const hs_escalation_t *e = escalation;
    if (e->seq != seq || !e->case_id || !case_id || strcmp (e->case_id, case_id)
    ||  e->level < 0 || e->level >= HS_LEVEL_COUNT
    ||  e->category < 0 || e->category >= HS_CATEGORY_COUNT
    ||  !hs_bin_sayable (e->to, S_STRING_MAX) || !hs_bin_sayable (e->from, S_STRING_MAX)
    ||  !hs_bin_sayable (e->street, S_STRING_MAX)
    ||  !hs_bin_sayable (e->enterprise, S_STRING_MAX)
    ||  (e->report && !hs_bin_sayable (e->report, S_STRING_MAX)))
        return -1;
    size_t start = writer->used;
    hs_bin_put_str (writer, e->to);
    hs_bin_put_str (writer, e->from);
    hs_bin_put_u (writer, (uint64_t) e->level);
    hs_bin_put_u (writer, (uint64_t) e->category);
    hs_bin_put_str (writer, e->street);
    hs_bin_put_str (writer, e->enterprise);
    hs_bin_put_i (writer, e->workers);
    hs_bin_put_i (writer, e->amount < 0? -1: e->amount);
    hs_bin_put_u (writer, e->flags & ((1u << HS_FLAG_COUNT) - 1));
    if (hs_bin_put_list (writer, e->units, S_NAMES_MAX, S_STRING_MAX)
    ||  hs_bin_put_list (writer, e->reasons, S_NAMES_MAX, S_STRING_MAX))
        return -1;
    hs_bin_put_u (writer, (e->report? S_HAS_REPORT: 0) | (e->changed? S_HAS_CHANGED: 0));
    if (e->report)
        hs_bin_put_str (writer, e->report);
    if (e->changed && hs_bin_put_list (writer, e->changed, S_NAMES_MAX, S_STRING_MAX))
        return -1;
    hs_bin_put_i (writer, (int64_t) ((uint64_t) e->at - (uint64_t) at));
    return writer->overflow || writer->used - start > HS_ESCALATE_REC_MAX? -1: 0;
}

int
hs_escalate_rec_body (const uint8_t *data, size_t size, uint64_t seq, const char *case_id,
                      int64_t at, hs_pack_t *pack, char *topic, size_t topic_size)
{
    char text [S_ARENA];
    hs_bin_arena_t arena = { text, sizeof (text), 0 };
    hs_bin_reader_t reader;
    hs_bin_reader_init (&reader, data, size);
    const char *units [S_NAMES_MAX + 1], *reasons [S_NAMES_MAX + 1], *changed [S_NAMES_MAX + 1];
    hs_escalation_t e = { .seq = seq, .case_id = case_id, .units = units, .reasons = reasons };
    e.to = hs_bin_get_text (&reader, &arena, S_STRING_MAX);
    e.from = hs_bin_get_text (&reader, &arena, S_STRING_MAX);
    uint64_t level = hs_bin_get_u (&reader);
    uint64_t category = hs_bin_get_u (&reader);
    e.street = hs_bin_get_text (&reader, &arena, S_STRING_MAX);
    e.enterprise = hs_bin_get_text (&reader, &arena, S_STRING_MAX);
    e.workers = hs_bin_get_i (&reader);
    e.amount = hs_bin_get_i (&reader);
    uint64_t flags = hs_bin_get_u (&reader);
    hs_bin_get_list (&reader, &arena, units, S_NAMES_MAX, S_STRING_MAX);
    hs_bin_get_list (&reader, &arena, reasons, S_NAMES_MAX, S_STRING_MAX);
    uint64_t bits = hs_bin_get_u (&reader);
    if (bits & S_HAS_REPORT)
        e.report = hs_bin_get_text (&reader, &arena, S_STRING_MAX);
    if (bits & S_HAS_CHANGED) {
        hs_bin_get_list (&reader, &arena, changed, S_NAMES_MAX, S_STRING_MAX);
        e.changed = changed;
    }
    e.at = (int64_t) ((uint64_t) at + (uint64_t) hs_bin_get_i (&reader));
    //  Whole, every field in range, and nothing after it: a record.
    if (reader.bad || reader.used != reader.size || !case_id || !*case_id
    ||  level >= HS_LEVEL_COUNT || category >= HS_CATEGORY_COUNT || e.amount < -1
    ||  flags >= (1u << HS_FLAG_COUNT) || (bits >> 2))
        return -1;
    e.level = (int) level;
    e.category = (int) category;
    e.flags = (uint32_t) flags;
    hs_escalate_topic (e.to, topic, topic_size);
    return hs_escalation_encode (&e, pack);
}

//  ---------------------------------------------------------------------
//  Self test: every shape of report upward comes back as the body that
//  went out.

static void
s_test_round (const hs_escalation_t *escalation, bool compact)
{
    hs_pack_t *body = hs_pack_new ();
    hs_escalation_encode (escalation, body);
    uint8_t buffer [8192];
    hs_bin_writer_t writer;
    hs_bin_writer_init (&writer, buffer, sizeof (buffer));
    int64_t at = escalation->at - 3;
    int rc = hs_escalate_rec_put (&writer, escalation, escalation->seq, escalation->case_id, at);
    assert (rc == (compact? 0: -1));
    if (compact) {
        assert (writer.used + 100 < hs_pack_size (body));
        hs_pack_t *again = hs_pack_new ();
        char topic [HS_TOPIC_MAX + 1];
        assert (hs_escalate_rec_body (buffer, writer.used, escalation->seq, escalation->case_id,
                                      at, again, topic, sizeof (topic)) == 0);
        assert (hs_pack_size (again) == hs_pack_size (body)
             && memcmp (hs_pack_data (again), hs_pack_data (body), hs_pack_size (body)) == 0);
        char expected [HS_TOPIC_MAX + 1];
        hs_escalate_topic (escalation->to, expected, sizeof (expected));
        assert (strcmp (topic, expected) == 0);
        //  Cut short anywhere, or a byte more, it is refused and adds nothing.
        for (size_t cut = 0; cut < writer.used; cut++) {
            hs_pack_reset (again);
            assert (hs_escalate_rec_body (buffer, cut, escalation->seq, escalation->case_id, at,
                                          again, topic, sizeof (topic)) == -1
                 && hs_pack_size (again) == 0);
        }
        buffer [writer.used] = 0;
        assert (hs_escalate_rec_body (buffer, writer.used + 1, escalation->seq,
                                      escalation->case_id, at, again, topic,
                                      sizeof (topic)) == -1);
        hs_pack_destroy (&again);
    }
    hs_pack_destroy (&body);
}

void
hs_escalate_rec_test (bool verbose)
{
    if (verbose)
        printf (" * hs_escalate_rec: ");
    const char *units [] = { "hrss", "legal", "police", "street.caoyang", "office", NULL };
    const char *reasons [] = { "critical.workers", "route.hrss", "route.police", NULL };
    hs_escalation_t escalation = {
        .seq = 9, .to = "city", .from = "putuo", .case_id = "putuo-5", .level = HS_LEVEL_CRITICAL,
        .category = HS_CATEGORY_WAGE_ARREARS, .street = "street.caoyang",
        .enterprise = "上海第5号服装制造有限公司", .workers = 150, .amount = 2000000,
        .flags = 1u << HS_FLAG_GATHERING, .units = units, .reasons = reasons,
        .report = "first", .at = 1796281428444LL
    };
    s_test_round (&escalation, true);
    //  A follow-up, what changed; no amount.
    const char *changed [] = { "lead", "minutes", NULL };
    escalation.report = "followup";
    escalation.changed = changed;
    escalation.amount = -1;
    s_test_round (&escalation, true);
    //  Neither report nor changed.
    escalation.report = NULL;
    escalation.changed = NULL;
    s_test_round (&escalation, true);
    //  What the form cannot say exactly is refused: the body is kept.
    escalation.enterprise = "\xc3";
    s_test_round (&escalation, false);
    escalation.enterprise = "某厂";
    escalation.level = HS_LEVEL_COUNT;
    s_test_round (&escalation, false);
    escalation.level = HS_LEVEL_CRITICAL;
    hs_bin_writer_t writer;
    uint8_t small [16];
    hs_bin_writer_init (&writer, small, sizeof (small));
    assert (hs_escalate_rec_put (&writer, &escalation, escalation.seq, "putuo-5",
                                 escalation.at) == -1);
    hs_bin_writer_init (&writer, small, sizeof (small));
    assert (hs_escalate_rec_put (&writer, &escalation, escalation.seq, "putuo-6",
                                 escalation.at) == -1);
    if (verbose)
        printf ("OK\n");
}
