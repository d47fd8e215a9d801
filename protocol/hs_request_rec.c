/*  =========================================================================
    hs_request_rec - a meeting request kept as its decision

    The record (PROTOCOL §7, store format 7): `meeting` s, `kind` s, `level`
    i (-1: none, a plenary), `participants`, `chairs` (lists, hs_bin_put_list),
    `urgency` s, `deadline` − at i, `reasons` (a list), the body's `at` −
    the head's `at` i; nothing after it. The body's `seq` and `case` are
    the event head's.
    =========================================================================
*/

#include "hs_request_rec.h"
#include "hs_case.h"
#include <stdio.h>
#include <string.h>
#include <assert.h>

#define S_STRING_MAX    HS_NAME_MAX
#define S_NAMES_MAX     64              //  participants, chairs, reasons: each at most
//  Each string read takes at most its bytes and a NUL, no more than the
//  record it came from: a record of HS_REQUEST_REC_MAX always fits.
#define S_ARENA         (2 * HS_REQUEST_REC_MAX)

static bool
s_same_case (const char *one, const char *other)
{
    return (!one || !*one)? (!other || !*other): (other && strcmp (one, other) == 0);
}

int
hs_request_rec_put (hs_bin_writer_t *writer, const hs_meeting_t *meeting, uint64_t seq,
                    const char *case_id, int64_t at)
{
    if (meeting->seq != seq || meeting->call || !s_same_case (meeting->case_id, case_id)
    ||  (meeting->case_id && !*meeting->case_id)
    ||  meeting->level < -1 || meeting->level >= HS_LEVEL_COUNT
    ||  !hs_bin_sayable (meeting->meeting_id, S_STRING_MAX)
    ||  !hs_bin_sayable (meeting->kind, S_STRING_MAX)
    ||  !hs_bin_sayable (meeting->urgency, S_STRING_MAX))
        return -1;
    size_t start = writer->used;
    hs_bin_put_str (writer, meeting->meeting_id);
    hs_bin_put_str (writer, meeting->kind);
    hs_bin_put_i (writer, meeting->level);
    if (hs_bin_put_list (writer, meeting->participants, S_NAMES_MAX, S_STRING_MAX)
    ||  hs_bin_put_list (writer, meeting->chairs, S_NAMES_MAX, S_STRING_MAX))
        return -1;
    hs_bin_put_str (writer, meeting->urgency);
    hs_bin_put_i (writer, (int64_t) ((uint64_t) meeting->deadline - (uint64_t) meeting->at));
    if (hs_bin_put_list (writer, meeting->reasons, S_NAMES_MAX, S_STRING_MAX))
        return -1;
    hs_bin_put_i (writer, (int64_t) ((uint64_t) meeting->at - (uint64_t) at));
    return writer->overflow || writer->used - start > HS_REQUEST_REC_MAX? -1: 0;
}

int
hs_request_rec_body (const uint8_t *data, size_t size, uint64_t seq, const char *case_id,
                     int64_t at, hs_pack_t *pack)
{
    char text [S_ARENA];
    hs_bin_arena_t arena = { text, sizeof (text), 0 };
    hs_bin_reader_t reader;
    hs_bin_reader_init (&reader, data, size);
    const char *participants [S_NAMES_MAX + 1], *chairs [S_NAMES_MAX + 1];
    const char *reasons [S_NAMES_MAX + 1];
    hs_meeting_t meeting = { .seq = seq, .case_id = case_id && *case_id? case_id: NULL,
                             .participants = participants, .chairs = chairs,
                             .reasons = reasons };
    meeting.meeting_id = hs_bin_get_text (&reader, &arena, S_STRING_MAX);
    meeting.kind = hs_bin_get_text (&reader, &arena, S_STRING_MAX);
    int64_t level = hs_bin_get_i (&reader);
    hs_bin_get_list (&reader, &arena, participants, S_NAMES_MAX, S_STRING_MAX);
    hs_bin_get_list (&reader, &arena, chairs, S_NAMES_MAX, S_STRING_MAX);
    meeting.urgency = hs_bin_get_text (&reader, &arena, S_STRING_MAX);
    int64_t deadline = hs_bin_get_i (&reader);
    hs_bin_get_list (&reader, &arena, reasons, S_NAMES_MAX, S_STRING_MAX);
    meeting.at = (int64_t) ((uint64_t) at + (uint64_t) hs_bin_get_i (&reader));
    meeting.deadline = (int64_t) ((uint64_t) meeting.at + (uint64_t) deadline);
    //  Whole, every field in range, and nothing after it: a record.
    if (reader.bad || reader.used != reader.size || level < -1 || level >= HS_LEVEL_COUNT)
        return -1;
    meeting.level = (int) level;
    return hs_meeting_encode (&meeting, pack);
}

//  ---------------------------------------------------------------------
//  Self test: every shape of request comes back as the body that went out.

static void
s_test_round (const hs_meeting_t *meeting, const char *case_id, bool compact)
{
    hs_pack_t *body = hs_pack_new ();
    hs_meeting_encode (meeting, body);
    uint8_t buffer [8192];
    hs_bin_writer_t writer;
    hs_bin_writer_init (&writer, buffer, sizeof (buffer));
    int64_t at = meeting->at - 7;
    int rc = hs_request_rec_put (&writer, meeting, meeting->seq, case_id, at);
    assert (rc == (compact? 0: -1));
    if (compact) {
        assert (writer.used < hs_pack_size (body));
        hs_pack_t *again = hs_pack_new ();
        assert (hs_request_rec_body (buffer, writer.used, meeting->seq, case_id, at, again) == 0);
        assert (hs_pack_size (again) == hs_pack_size (body)
             && memcmp (hs_pack_data (again), hs_pack_data (body), hs_pack_size (body)) == 0);
        //  Cut short anywhere, or a byte more, it is refused and adds nothing.
        for (size_t cut = 0; cut < writer.used; cut++) {
            hs_pack_reset (again);
            assert (hs_request_rec_body (buffer, cut, meeting->seq, case_id, at, again) == -1
                 && hs_pack_size (again) == 0);
        }
        buffer [writer.used] = 0;
        assert (hs_request_rec_body (buffer, writer.used + 1, meeting->seq, case_id, at,
                                     again) == -1);
        hs_pack_destroy (&again);
    }
    hs_pack_destroy (&body);
}

void
hs_request_rec_test (bool verbose)
{
    if (verbose)
        printf (" * hs_request_rec: ");
    const char *participants [] = { "hrss", "legal", "news", "justice", "fic", "street.caoyang",
                                    NULL };
    const char *chairs [] = { "convener", "vice_convener", NULL };
    const char *reasons [] = { "major.flags", "route.hrss", "route.legal", "route.street", NULL };
    hs_meeting_t meeting = {
        .seq = 3, .meeting_id = "putuo-m3", .case_id = "putuo-1", .kind = "special",
        .level = HS_LEVEL_MAJOR, .participants = participants, .chairs = chairs,
        .urgency = "normal", .deadline = 1796368000000LL, .reasons = reasons,
        .at = 1796281428444LL
    };
    s_test_round (&meeting, "putuo-1", true);
    //  A plenary: no case, no level, no reasons, a deadline before `at`.
    meeting.case_id = NULL;
    meeting.level = -1;
    meeting.kind = "plenary";
    meeting.reasons = NULL;
    meeting.urgency = "urgent";
    meeting.deadline = meeting.at - 1000;
    s_test_round (&meeting, NULL, true);
    s_test_round (&meeting, "", true);
    //  What the form cannot say exactly is refused: the body is kept.
    s_test_round (&meeting, "putuo-1", false);          //  a case the body does not name
    meeting.case_id = "putuo-1";
    s_test_round (&meeting, NULL, false);
    meeting.kind = "\xff";
    s_test_round (&meeting, "putuo-1", false);
    meeting.kind = "special";
    meeting.level = HS_LEVEL_COUNT;
    s_test_round (&meeting, "putuo-1", false);
    meeting.level = HS_LEVEL_MAJOR;
    hs_bin_writer_t writer;
    uint8_t small [16];
    hs_call_t call;
    memset (&call, 0, sizeof (call));
    meeting.call = &call;                               //  called by a person: its agenda
    hs_bin_writer_init (&writer, small, sizeof (small));
    assert (hs_request_rec_put (&writer, &meeting, meeting.seq, "putuo-1", meeting.at) == -1);
    meeting.call = NULL;
    hs_bin_writer_init (&writer, small, sizeof (small));
    assert (hs_request_rec_put (&writer, &meeting, meeting.seq, "putuo-1", meeting.at) == -1);
    hs_bin_writer_init (&writer, small, sizeof (small));
    assert (hs_request_rec_put (&writer, &meeting, meeting.seq + 1, "putuo-1", meeting.at) == -1);
    if (verbose)
        printf ("OK\n");
}
