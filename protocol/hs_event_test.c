/*  =========================================================================
    hs_event_test - the self test of hs_event: each layout written and read
    back, cut short, and the records of older stores read as they were
    =========================================================================
*/

#include "hs_event.h"
#include "hs_bin.h"
#include "hs_proto.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <assert.h>

//  An alert is kept as its decision, and read back as the body that went
//  out; what is not an alert, or an alert that says otherwise than its
//  event, keeps its body.
static void
s_test_derived (void)
{
    const char *units [] = { "hrss", "street.caoyang", NULL };
    const char *reasons [] = { "major.flags", "route.hrss", NULL };
    hs_cause_t cause = { "hrss", "r-1", true, NULL };
    hs_alert_t alert = {
        .seq = 12, .kind = "new", .case_id = "putuo-1", .level = HS_LEVEL_MAJOR,
        .previous_level = -1, .category = HS_CATEGORY_LAYOFF, .street = "street.caoyang",
        .enterprise = "某厂", .workers = 40, .amount = -1, .units = units, .reasons = reasons,
        .cause = &cause, .at = 1780000000123LL
    };
    hs_pack_t *body = hs_pack_new ();
    hs_alert_encode (&alert, body);
    hs_event_t event = {
        .seq = 12, .at = alert.at, .type = "alert", .topic = "alert.major.caoyang",
        .case_id = "putuo-1", .body = hs_pack_data (body), .body_size = hs_pack_size (body),
        .level = -1, .alert = &alert
    };
    hs_pack_t *record = hs_pack_new ();
    hs_event_encode (&event, record);
    assert (hs_pack_data (record) [1] == HS_EVENT_ALERT);
    assert (hs_pack_size (record) < hs_pack_size (body));
    hs_event_read_t read;
    assert (hs_event_decode (hs_pack_data (record), hs_pack_size (record), &read) == 0);
    assert (hs_event_maybe_published (hs_pack_data (record), hs_pack_size (record)));
    assert (read.compact && read.seq == 12 && strcmp (read.case_id, "putuo-1") == 0);
    assert (read.body_size == hs_pack_size (body)
         && memcmp (read.body, hs_pack_data (body), read.body_size) == 0);
    //  ... its type and topic implied by the decision (store format 7).
    assert (strcmp (read.type, "alert") == 0 && strcmp (read.topic, "alert.major.caoyang") == 0);
    size_t implied = hs_pack_size (record);
    for (size_t cut = 0; cut < hs_pack_size (record); cut++)
        assert (hs_event_decode (hs_pack_data (record), cut, &read) == -1);
    //  A topic the decision does not say is kept, and read back.
    event.topic = "alert.major.elsewhere";
    hs_pack_reset (record);
    hs_event_encode (&event, record);
    assert (hs_pack_data (record) [1] == HS_EVENT_ALERT && hs_pack_size (record) > implied + 20);
    assert (hs_event_decode (hs_pack_data (record), hs_pack_size (record), &read) == 0);
    assert (read.compact && strcmp (read.topic, "alert.major.elsewhere") == 0);
    event.topic = "alert.major.caoyang";
    hs_pack_reset (record);
    hs_event_encode (&event, record);
    //  ... its map, as the api shows it, holds that body.
    hs_pack_t *shown = hs_pack_new ();
    assert (hs_event_map (hs_pack_data (record), hs_pack_size (record), shown) == 0);
    assert (hs_pack_size (shown) > hs_pack_size (body));
    hs_pack_destroy (&shown);
    //  An alert a daemon of store format 6 wrote (its type and topic spelled,
    //  its lists as they are) reads as it did.
    const char *format6 =
        "c10202d8e7cab1c76805616c65727413616c6572742e6d616a6f722e63616f79616e6707"
        "707574756f2d310103036e65770201000e7374726565742e63616f79616e671ee4b88ae6"
        "b5b7e6b58be8af95e588b6e8a1a3e69c89e99990e585ace58fb850011008046872737305"
        "6c6567616c046e657773076a75737469636505756e696f6e0e7374726565742e63616f79"
        "616e67066f666669636508636f6e76656e6572090d6d616a6f722e776f726b6572730b6d"
        "616a6f722e666c616773137369676e69666963616e742e776f726b6572730a726f757465"
        "2e687273730b726f7574652e6c6567616c0a726f7574652e6e6577730d726f7574652e6a"
        "7573746963650b726f7574652e756e696f6e0c726f7574652e737472656574000e737472"
        "6565742e63616f79616e6706736565642d31";
    uint8_t old [512];
    size_t old_size = hs_bin_from_hex (format6, old, sizeof (old));
    assert (old_size == strlen (format6) / 2);
    assert (hs_event_decode (old, old_size, &read) == 0 && read.compact);
    assert (strcmp (read.type, "alert") == 0 && strcmp (read.topic, "alert.major.caoyang") == 0);
    msgpack_unpacked unpacked;
    msgpack_unpacked_init (&unpacked);
    assert (hs_proto_unpack_stored (read.body, read.body_size, &unpacked) == 0);
    const msgpack_object *listed = hs_proto_get (&unpacked.data, "units");
    assert (listed && listed->type == MSGPACK_OBJECT_ARRAY && listed->via.array.size == 8);
    listed = hs_proto_get (&unpacked.data, "reasons");
    assert (listed && listed->type == MSGPACK_OBJECT_ARRAY && listed->via.array.size == 9);
    msgpack_unpacked_destroy (&unpacked);
    //  Another seq than the event's: the body is kept as it is (its words
    //  as two bytes).
    event.seq = 13;
    hs_pack_reset (record);
    hs_event_encode (&event, record);
    assert (hs_pack_data (record) [1] == HS_EVENT_WORDS);
    assert (hs_event_decode (hs_pack_data (record), hs_pack_size (record), &read) == 0);
    assert (read.body_size == hs_pack_size (body)
         && memcmp (read.body, hs_pack_data (body), read.body_size) == 0);
    assert (strcmp (read.type, "alert") == 0 && strcmp (read.topic, "alert.major.caoyang") == 0);
    //  Not an alert: the same.
    event.seq = 12;
    event.type = "escalate";
    hs_pack_reset (record);
    hs_event_encode (&event, record);
    assert (hs_pack_data (record) [1] == HS_EVENT_WORDS);
    hs_pack_destroy (&record);
    hs_pack_destroy (&body);
}

//  A report keeps its body with the contract's words as two bytes (store
//  format 9), its type and its topic `report.<source>` left out; any body
//  with a word likewise, its topic left out when it is `<type>.<source>`.
static void
s_test_words (void)
{
    hs_pack_t *body = hs_pack_new ();
    hs_map_t map;
    hs_map_begin (&map, body);
    hs_map_int (&map, "v", 1);
    hs_map_str (&map, "id", "r-9");
    hs_map_str (&map, "source", "street.caoyang");
    hs_map_str (&map, "category", "wage_arrears");
    hs_map_str (&map, "summary", "欠薪");
    hs_map_end (&map);
    const char *reasons [] = { "route.street", NULL };
    hs_event_t event = {
        .seq = 9, .at = 1780000000123LL, .type = "report", .topic = "report.street.caoyang",
        .case_id = "putuo-2", .body = hs_pack_data (body), .body_size = hs_pack_size (body),
        .level = HS_LEVEL_GENERAL, .reasons = reasons,
        .rules_version = "0123456789abcdef0123456789abcdef01234567"
    };
    hs_pack_t *record = hs_pack_new ();
    hs_event_encode (&event, record);
    assert (hs_pack_data (record) [1] == HS_EVENT_WORDS);
    size_t small = hs_pack_size (record);
    hs_event_read_t read;
    assert (hs_event_decode (hs_pack_data (record), small, &read) == 0 && read.compact);
    assert (strcmp (read.type, "report") == 0 && strcmp (read.topic, event.topic) == 0);
    assert (read.seq == 9 && read.level == HS_LEVEL_GENERAL && strcmp (read.case_id, "putuo-2") == 0);
    assert (!hs_event_maybe_published (hs_pack_data (record), small));
    //  ... its reasons front-coded, read back as the array layout 1 keeps
    char names [2][HS_CODE_MAX + 1];
    assert (read.reasons && read.reasons [0] == 0x91);
    assert (hs_event_reasons (&read, names, 2) == 1 && strcmp (names [0], "route.street") == 0);
    assert (read.body_size == hs_pack_size (body)
         && memcmp (read.body, hs_pack_data (body), read.body_size) == 0);
    for (size_t cut = 0; cut < small; cut++)
        assert (hs_event_decode (hs_pack_data (record), cut, &read) == -1);
    //  Another topic than the source's: said, and read back.
    event.topic = "report.hrss";
    hs_pack_reset (record);
    hs_event_encode (&event, record);
    assert (hs_pack_data (record) [1] == HS_EVENT_WORDS && hs_pack_size (record) > small + 10);
    assert (hs_event_decode (hs_pack_data (record), hs_pack_size (record), &read) == 0);
    assert (strcmp (read.type, "report") == 0 && strcmp (read.topic, "report.hrss") == 0);
    //  ... but its type left out with the topic said is not what this
    //  writes: refused.
    uint8_t cut [512];
    size_t at = 1 + 1 + 1 + 6;          //  mark, layout, seq, at
    const uint8_t *bytes = hs_pack_data (record);
    assert (hs_pack_size (record) < sizeof (cut));
    assert (bytes [at] == 6 && memcmp (bytes + at + 1, "report", 6) == 0);
    memcpy (cut, bytes, at);
    cut [at] = 0;
    memcpy (cut + at + 1, bytes + at + 7, hs_pack_size (record) - at - 7);
    assert (hs_event_decode (cut, hs_pack_size (record) - 6, &read) == -1);
    //  An update keeps its type; its topic `update.<source>` is left out.
    event.type = "update";
    event.topic = "update.street.caoyang";
    hs_pack_reset (record);
    hs_event_encode (&event, record);
    assert (hs_pack_data (record) [1] == HS_EVENT_WORDS && hs_pack_size (record) < small + 10);
    assert (hs_event_decode (hs_pack_data (record), hs_pack_size (record), &read) == 0);
    assert (strcmp (read.type, "update") == 0 && strcmp (read.topic, event.topic) == 0);
    assert (!hs_event_maybe_published (hs_pack_data (record), hs_pack_size (record)));
    //  A body without a word, or over HS_EVENT_DERIVED_MAX, is kept as it is.
    char *summary = (char *) calloc (1, HS_EVENT_DERIVED_MAX + 1);
    assert (summary);
    memset (summary, 'x', HS_EVENT_DERIVED_MAX);
    hs_pack_reset (body);
    hs_map_begin (&map, body);
    hs_map_str (&map, "source", "hrss");
    hs_map_str (&map, "summary", summary);
    hs_map_end (&map);
    free (summary);
    event.body = hs_pack_data (body);
    event.body_size = hs_pack_size (body);
    hs_pack_reset (record);
    hs_event_encode (&event, record);
    assert (hs_pack_data (record) [1] == HS_EVENT_AS_IS);
    assert (hs_event_decode (hs_pack_data (record), hs_pack_size (record), &read) == 0);
    assert (!read.compact && read.body_size == hs_pack_size (body));
    hs_pack_destroy (&record);
    hs_pack_destroy (&body);
}

//  A meeting request is kept as its decision too, its type and topic
//  implied, and read back as the body that went out; one called by a
//  person (its place, its agenda) keeps its body.
static void
s_test_request (void)
{
    const char *participants [] = { "hrss", "legal", "street.caoyang", NULL };
    const char *chairs [] = { "convener", "vice_convener", NULL };
    const char *reasons [] = { "major.flags", "route.hrss", NULL };
    hs_meeting_t meeting = {
        .seq = 14, .meeting_id = "putuo-m14", .case_id = "putuo-1", .kind = "special",
        .level = HS_LEVEL_MAJOR, .participants = participants, .chairs = chairs,
        .urgency = "normal", .deadline = 1780086400123LL, .reasons = reasons,
        .at = 1780000000123LL
    };
    hs_pack_t *body = hs_pack_new ();
    hs_meeting_encode (&meeting, body);
    hs_event_t event = {
        .seq = 14, .at = meeting.at, .type = "meeting", .topic = "meeting.request",
        .case_id = "putuo-1", .body = hs_pack_data (body), .body_size = hs_pack_size (body),
        .level = -1, .meeting = &meeting
    };
    hs_pack_t *record = hs_pack_new ();
    hs_event_encode (&event, record);
    assert (hs_pack_data (record) [1] == HS_EVENT_REQUEST);
    assert (hs_pack_size (record) + 60 < hs_pack_size (body));
    hs_event_read_t read;
    assert (hs_event_decode (hs_pack_data (record), hs_pack_size (record), &read) == 0);
    assert (read.compact && read.seq == 14 && strcmp (read.case_id, "putuo-1") == 0);
    assert (strcmp (read.type, "meeting") == 0 && strcmp (read.topic, "meeting.request") == 0);
    assert (read.body_size == hs_pack_size (body)
         && memcmp (read.body, hs_pack_data (body), read.body_size) == 0);
    for (size_t cut = 0; cut < hs_pack_size (record); cut++)
        assert (hs_event_decode (hs_pack_data (record), cut, &read) == -1);
    //  Another topic (the same body as a `meeting.closed`): kept as it is.
    event.topic = "meeting.closed";
    hs_pack_reset (record);
    hs_event_encode (&event, record);
    assert (hs_pack_data (record) [1] == HS_EVENT_WORDS);       //  its body, its words short
    assert (hs_event_decode (hs_pack_data (record), hs_pack_size (record), &read) == 0);
    assert (strcmp (read.topic, "meeting.closed") == 0 && read.body_size == hs_pack_size (body)
         && memcmp (read.body, hs_pack_data (body), read.body_size) == 0);
    hs_pack_destroy (&record);
    hs_pack_destroy (&body);
}

//  A report upward likewise, its type and topic implied; sent under a topic
//  its decision does not say, it keeps its body.
static void
s_test_escalate (void)
{
    const char *units [] = { "hrss", "street.caoyang", NULL };
    const char *reasons [] = { "critical.workers", NULL };
    hs_escalation_t escalation = {
        .seq = 15, .to = "district", .from = "putuo", .case_id = "putuo-1",
        .level = HS_LEVEL_CRITICAL, .category = HS_CATEGORY_LAYOFF, .street = "street.caoyang",
        .enterprise = "某厂", .workers = 120, .amount = -1, .units = units, .reasons = reasons,
        .report = "first", .at = 1780000000123LL
    };
    hs_pack_t *body = hs_pack_new ();
    hs_escalation_encode (&escalation, body);
    hs_event_t event = {
        .seq = 15, .at = escalation.at, .type = "escalate", .topic = "escalate.district",
        .case_id = "putuo-1", .body = hs_pack_data (body), .body_size = hs_pack_size (body),
        .level = -1, .escalation = &escalation
    };
    hs_pack_t *record = hs_pack_new ();
    hs_event_encode (&event, record);
    assert (hs_pack_data (record) [1] == HS_EVENT_ESCALATE);
    assert (hs_pack_size (record) + 60 < hs_pack_size (body));
    hs_event_read_t read;
    assert (hs_event_decode (hs_pack_data (record), hs_pack_size (record), &read) == 0);
    assert (read.compact && strcmp (read.type, "escalate") == 0);
    assert (strcmp (read.topic, "escalate.district") == 0 && strcmp (read.case_id, "putuo-1") == 0);
    assert (read.body_size == hs_pack_size (body)
         && memcmp (read.body, hs_pack_data (body), read.body_size) == 0);
    for (size_t cut = 0; cut < hs_pack_size (record); cut++)
        assert (hs_event_decode (hs_pack_data (record), cut, &read) == -1);
    event.topic = "escalate.elsewhere";
    hs_pack_reset (record);
    hs_event_encode (&event, record);
    assert (hs_pack_data (record) [1] == HS_EVENT_WORDS);
    assert (hs_event_decode (hs_pack_data (record), hs_pack_size (record), &read) == 0);
    assert (strcmp (read.topic, "escalate.elsewhere") == 0 && read.body_size == hs_pack_size (body)
         && memcmp (read.body, hs_pack_data (body), read.body_size) == 0);
    hs_pack_destroy (&record);
    hs_pack_destroy (&body);
}

void
hs_event_test (bool verbose)
{
    if (verbose)
        printf (" * hs_event: ");
    assert (hs_event_published ("alert") && hs_event_published ("brief"));
    assert (!hs_event_published ("report") && !hs_event_published ("update"));

    hs_pack_t *body = hs_pack_new ();
    hs_map_t map;
    hs_map_begin (&map, body);
    hs_map_str (&map, "kind", "new");
    hs_map_end (&map);
    const char *reasons [] = { "major.workers", "major.flags", NULL };
    hs_event_t event = {
        .seq = 4000000000ULL, .at = 1780000000123LL, .type = "alert",
        .topic = "alert.major.caoyang", .case_id = "putuo-7", .body = hs_pack_data (body),
        .body_size = hs_pack_size (body), .level = HS_LEVEL_MAJOR, .reasons = reasons,
        .rules_version = "0123456789abcdef0123456789abcdef01234567"
    };
    hs_pack_t *record = hs_pack_new ();
    hs_event_encode (&event, record);
    hs_event_read_t read;
    assert (hs_event_decode (hs_pack_data (record), hs_pack_size (record), &read) == 0);
    assert (read.seq == event.seq && read.at == event.at);
    assert (strcmp (read.type, "alert") == 0 && strcmp (read.topic, event.topic) == 0);
    assert (strcmp (read.case_id, "putuo-7") == 0 && read.level == HS_LEVEL_MAJOR);
    assert (strcmp (read.rules_version, event.rules_version) == 0);
    assert (read.body_size == hs_pack_size (body)
         && memcmp (read.body, hs_pack_data (body), read.body_size) == 0);
    assert (read.reasons && read.reasons [0] == 0x92);
    char names [4][HS_CODE_MAX + 1];
    assert (hs_event_reasons (&read, names, 4) == 2 && strcmp (names [1], "major.flags") == 0);
    assert (hs_event_reasons (&read, names, 1) == 1);

    //  No case, no classification: those fields stay empty.
    event.case_id = NULL;
    event.level = -1;
    hs_pack_reset (record);
    hs_event_encode (&event, record);
    assert (hs_event_decode (hs_pack_data (record), hs_pack_size (record), &read) == 0);
    assert (*read.case_id == 0 && read.level == -1 && !read.reasons);
    assert (hs_event_maybe_published (hs_pack_data (record), hs_pack_size (record)));

    //  Cut short anywhere, it is refused, never read past its end; so is
    //  a byte past its body, and another version of the layout.
    for (size_t cut = 0; cut < hs_pack_size (record); cut++)
        assert (hs_event_decode (hs_pack_data (record), cut, &read) == -1);
    hs_pack_raw (record, "\xc0", 1);
    assert (hs_event_decode (hs_pack_data (record), hs_pack_size (record), &read) == -1);
    hs_pack_reset (record);
    hs_event_encode (&event, record);
    ((uint8_t *) hs_pack_data (record)) [1] = HS_EVENT_WORDS + 1;
    assert (hs_event_decode (hs_pack_data (record), hs_pack_size (record), &read) == -1);
    ((uint8_t *) hs_pack_data (record)) [1] = HS_EVENT_REQUEST;   //  a request's, with a type
    assert (hs_event_decode (hs_pack_data (record), hs_pack_size (record), &read) == -1);
    s_test_derived ();
    s_test_words ();
    s_test_request ();
    s_test_escalate ();

    //  A record of a store before format 4, a map, still reads, the same.
    event.case_id = "putuo-7";
    event.level = HS_LEVEL_MAJOR;
    hs_pack_reset (record);
    hs_event_encode (&event, record);
    size_t compact = hs_pack_size (record);
    hs_pack_reset (record);
    hs_map_begin (&map, record);
    hs_map_int (&map, "v", 1);
    hs_map_int (&map, "seq", (int64_t) event.seq);
    hs_map_int (&map, "at", event.at);
    hs_map_str (&map, "type", event.type);
    hs_map_str (&map, "topic", event.topic);
    hs_map_str (&map, "case", event.case_id);
    hs_map_str (&map, "level", "major");
    hs_map_key (&map, "reasons");
    hs_pack_strv (record, reasons);
    hs_map_str (&map, "rules_version", event.rules_version);
    hs_map_key (&map, "body");
    hs_pack_raw (record, hs_pack_data (body), hs_pack_size (body));
    hs_map_end (&map);
    assert (hs_event_decode (hs_pack_data (record), hs_pack_size (record), &read) == 0);
    assert (read.seq == event.seq && read.at == event.at && read.level == HS_LEVEL_MAJOR);
    assert (strcmp (read.topic, event.topic) == 0 && strcmp (read.case_id, "putuo-7") == 0);
    assert (strcmp (read.rules_version, event.rules_version) == 0);
    assert (hs_event_reasons (&read, names, 4) == 2 && strcmp (names [0], "major.workers") == 0);
    assert (read.body_size == hs_pack_size (body)
         && memcmp (read.body, hs_pack_data (body), read.body_size) == 0);
    assert (compact + 80 < hs_pack_size (record));      //  the names and the hex cost that
    //  ... and the api's map of a compact record is that map, byte for byte.
    hs_pack_t *shown = hs_pack_new ();
    hs_pack_t *stored = hs_pack_new ();
    hs_event_encode (&event, stored);
    assert (hs_event_map (hs_pack_data (stored), hs_pack_size (stored), shown) == 0);
    assert (hs_pack_size (shown) == hs_pack_size (record)
         && memcmp (hs_pack_data (shown), hs_pack_data (record), hs_pack_size (shown)) == 0);
    hs_pack_reset (shown);
    assert (hs_event_map (hs_pack_data (record), hs_pack_size (record), shown) == 0
         && hs_pack_size (shown) == hs_pack_size (record));
    hs_pack_reset (shown);
    assert (hs_event_map (hs_pack_data (stored), hs_pack_size (stored) - 1, shown) == -1
         && hs_pack_size (shown) == hs_pack_size (stored) - 1);
    hs_pack_destroy (&shown);
    hs_pack_destroy (&stored);
    //  A string that is not UTF-8 in the compact record: refused.
    hs_pack_reset (record);
    hs_event_encode (&event, record);
    uint8_t *bytes = (uint8_t *) hs_pack_data (record);
    uint8_t *dot = (uint8_t *) memchr (bytes, '.', hs_pack_size (record));
    assert (dot);
    *dot = 0xff;
    assert (hs_event_decode (hs_pack_data (record), hs_pack_size (record), &read) == -1);
    hs_pack_destroy (&record);
    hs_pack_destroy (&body);
    if (verbose)
        printf ("OK\n");
}
