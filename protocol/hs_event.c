/*  =========================================================================
    hs_event - the stored event record

    The record (store format 4) is compact: a first byte of 0xc1, which
    begins no msgpack object, the layout's version, then seq, at, type,
    topic and case, the level (-1: none) and, with a level, the rules
    version (hs_bin), then the reasons as a msgpack array, then the body,
    the message itself, as the bytes that went out. Reading keeps the body
    and the reasons as raw bytes: nothing is unpacked that the reader did
    not ask for. Before format 4 the record was a map with those names;
    such records are still read.

    An alert (store format 6) is kept as its decision: the layout's version
    is then 2 and the body's place holds the alert's compact record
    (hs_alert_rec), from which reading packs the body again, the bytes
    that went out. A meeting request (store format 7) likewise, as version
    3 with its compact record (hs_request_rec), and a report upward as
    version 4 (hs_escalate_rec); since format 7 the head of each leaves
    out the type and topic its decision says. One those records cannot
    say exactly, or a body over HS_EVENT_DERIVED_MAX, is kept as version
    1, its body as it is.
    =========================================================================
*/

#include "hs_event.h"
#include "hs_bin.h"
#include "hs_alert_rec.h"
#include "hs_request_rec.h"
#include "hs_escalate_rec.h"
#include "hs_words.h"
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <assert.h>

#define S_MARK      0xc1        //  "never used" in msgpack
#define S_VERSION   1           //  the body as it is
#define S_DERIVED   2           //  an alert's decision, its body packed again when read
#define S_REQUEST   3           //  a meeting request's decision, likewise
#define S_ESCALATE  4           //  a report upward's decision, likewise
#define S_WORDS     5           //  the body with the contract's words as two bytes (hs_words)
#define S_HEAD_MAX  (2 * 10 + 10 + 3 * (10 + HS_TOPIC_MAX) + 10 + 10 + 64)

static const char *s_published [] = {
    "alert", "meeting", "escalate", "warning", "reminder", "brief", "workprompt", "consult",
    "filing", "inspection", NULL
};

bool
hs_event_published (const char *type)
{
    for (int index = 0; s_published [index]; index++)
        if (strcmp (s_published [index], type) == 0)
            return true;
    return false;
}

//  The head of a record: mark, version, seq, at, type, topic, case, level,
//  and with a level the rules version. Returns its size.
static size_t
s_encode_head (const hs_event_t *event, uint64_t version, const char *type, const char *topic,
               uint8_t *head, size_t size)
{
    hs_bin_writer_t writer;
    hs_bin_writer_init (&writer, head, size);
    const uint8_t mark = S_MARK;
    hs_bin_put_bytes (&writer, &mark, 1);
    hs_bin_put_u (&writer, version);
    hs_bin_put_u (&writer, event->seq);
    hs_bin_put_i (&writer, event->at);
    hs_bin_put_str (&writer, type);
    hs_bin_put_str (&writer, topic);
    hs_bin_put_str (&writer, event->case_id? event->case_id: "");
    hs_bin_put_i (&writer, event->level >= 0? event->level: -1);
    if (event->level >= 0)
        hs_bin_put_version (&writer, event->rules_version? event->rules_version: "");
    assert (!writer.overflow);
    return writer.used;
}

int
hs_event_encode (const hs_event_t *event, hs_pack_t *pack)
{
    uint8_t head [S_HEAD_MAX];
    uint8_t decision [HS_ALERT_REC_MAX + HS_REQUEST_REC_MAX + HS_ESCALATE_REC_MAX];
    hs_bin_writer_t writer;
    hs_bin_writer_init (&writer, decision, sizeof (decision));
    uint64_t layout = S_VERSION;
    bool implied = false;               //  the decision says the type and the topic
    if (event->body_size <= HS_EVENT_DERIVED_MAX) {
        if (event->alert && strcmp (event->type, "alert") == 0
        &&  hs_alert_rec_put (&writer, event->alert, event->seq, event->case_id, event->at) == 0) {
            layout = S_DERIVED;
            char topic [HS_TOPIC_MAX + 1];
            hs_alert_topic (event->alert->level, event->alert->street, topic, sizeof (topic));
            implied = strcmp (topic, event->topic? event->topic: "") == 0;
        }
        else
        if (event->meeting && strcmp (event->type, "meeting") == 0
        &&  strcmp (event->topic? event->topic: "", "meeting.request") == 0
        &&  hs_request_rec_put (&writer, event->meeting, event->seq, event->case_id,
                                event->at) == 0)
            layout = S_REQUEST, implied = true;
        else
        if (event->escalation && strcmp (event->type, "escalate") == 0
        &&  hs_escalate_rec_put (&writer, event->escalation, event->seq, event->case_id,
                                 event->at) == 0) {
            layout = S_ESCALATE;
            char topic [HS_TOPIC_MAX + 1];
            hs_escalate_topic (event->escalation->to, topic, sizeof (topic));
            implied = strcmp (topic, event->topic? event->topic: "") == 0;
            if (!implied)
                layout = S_VERSION;     //  a topic the decision does not say: the body
        }
    }
    const char *type = event->type, *topic = event->topic? event->topic: "";
    if (layout == S_VERSION && event->body_size <= HS_EVENT_DERIVED_MAX
    &&  hs_words_pack (event->body, event->body_size, decision, sizeof (decision),
                       &writer.used) > 0) {
        //  The body with its words as two bytes (store format 9); a report
        //  leaves out its type, and any event the topic `<type>.<source>`.
        layout = S_WORDS;
        char source [HS_TOPIC_MAX + 1], said [HS_TOPIC_MAX + 1];
        if (hs_words_lookup (event->body, event->body_size, "source", source,
                             sizeof (source)) == 0
        &&  hs_strjoin (said, sizeof (said), type, ".", source, NULL) < sizeof (said) - 1
        &&  strcmp (said, topic) == 0)
            topic = "";
        if (strcmp (type, "report") == 0 && !*topic)
            type = "";
    }
    //  A decision that says its type and topic leaves them out (store format 7).
    if (implied)
        type = topic = "";
    bool derived = layout != S_VERSION;
    hs_pack_raw (pack, head, s_encode_head (event, layout, type, topic, head, sizeof (head)));
    static const char *const none [] = { NULL };
    if (event->level >= 0)
        hs_pack_strv (pack, event->reasons? event->reasons: none);
    if (derived)
        hs_pack_raw (pack, decision, writer.used);
    else
        hs_pack_raw (pack, event->body, event->body_size);
    return 0;
}

int
hs_event_map (const void *data, size_t size, hs_pack_t *pack)
{
    if (size > 0 && ((const uint8_t *) data) [0] != S_MARK) {
        hs_pack_raw (pack, data, size);         //  a map already
        return 0;
    }
    hs_event_read_t event;
    if (hs_event_decode (data, size, &event)) {
        hs_pack_raw (pack, data, size);         //  as it is: whoever sends it checks
        return -1;
    }
    hs_map_t map;
    hs_map_begin (&map, pack);
    hs_map_int (&map, "v", HS_PROTO_VERSION);
    hs_map_int (&map, "seq", (int64_t) event.seq);
    hs_map_int (&map, "at", event.at);
    hs_map_str (&map, "type", event.type);
    hs_map_str (&map, "topic", event.topic);
    if (*event.case_id)
        hs_map_str (&map, "case", event.case_id);
    if (event.level >= 0) {
        hs_map_str (&map, "level", hs_level_name (event.level));
        hs_map_key (&map, "reasons");
        hs_pack_raw (pack, event.reasons, event.reasons_size);
        hs_map_str (&map, "rules_version", event.rules_version);
    }
    hs_map_key (&map, "body");
    hs_pack_raw (pack, event.body, event.body_size);
    hs_map_end (&map);
    return 0;
}

//  Copy a string read from a record into a buffer; -1 if it does not fit.
static int
s_copy (const char *text, size_t size, char *dest, size_t dest_size)
{
    if (size >= dest_size || memchr (text, 0, size))
        return -1;
    memcpy (dest, text, size);
    dest [size] = 0;
    return 0;
}

static bool
s_is (const char *key, size_t key_size, const char *name)
{
    return key_size == strlen (name) && memcmp (key, name, key_size) == 0;
}

//  An alert, a meeting request or a report upward kept as its decision:
//  its body packed again, into `derived`.
static int
s_decode_derived (uint64_t layout, const uint8_t *data, size_t size, hs_event_read_t *event)
{
    //  An alert's type and topic are said (format 6), or both implied (7); a
    //  request's and a report upward's are implied.
    bool implied = !*event->type && !*event->topic;
    if (layout == S_DERIVED? (!implied && (strcmp (event->type, "alert") || !*event->topic))
                          || !*event->case_id:
                             !implied)
        return -1;
    hs_pack_t *body = hs_pack_new ();
    int rc;
    if (layout == S_DERIVED) {
        strcpy (event->type, "alert");
        rc = hs_alert_rec_body (data, size, event->seq, event->case_id, event->at, body,
                                implied? event->topic: NULL, sizeof (event->topic));
    }
    else
    if (layout == S_ESCALATE) {
        strcpy (event->type, "escalate");
        rc = hs_escalate_rec_body (data, size, event->seq, event->case_id, event->at, body,
                                   event->topic, sizeof (event->topic));
    }
    else {
        strcpy (event->type, "meeting");
        strcpy (event->topic, "meeting.request");
        rc = hs_request_rec_body (data, size, event->seq, event->case_id, event->at, body);
    }
    if (rc == 0 && hs_pack_size (body) <= sizeof (event->derived)) {
        memcpy (event->derived, hs_pack_data (body), hs_pack_size (body));
        event->body = event->derived;
        event->body_size = hs_pack_size (body);
        event->compact = true;
    }
    else
        rc = -1;
    hs_pack_destroy (&body);
    return rc;
}

//  A body kept with its words as two bytes (store format 9): written out
//  again into `derived`, the type and topic it leaves out said again.
static int
s_decode_words (const uint8_t *data, size_t size, hs_event_read_t *event)
{
    if (hs_words_unpack (data, size, event->derived, sizeof (event->derived),
                         &event->body_size))
        return -1;
    event->body = event->derived;
    event->compact = true;
    if (!*event->type) {
        if (*event->topic)
            return -1;                  //  a report's type goes only with its topic
        strcpy (event->type, "report");
    }
    if (!*event->topic) {
        char source [HS_TOPIC_MAX + 1];
        if (hs_words_lookup (event->body, event->body_size, "source", source, sizeof (source))
        ||  hs_strjoin (event->topic, sizeof (event->topic), event->type, ".", source, NULL)
            >= sizeof (event->topic) - 1)
            return -1;
    }
    return 0;
}

//  The compact record: every field in place, each string whole and
//  UTF-8, the reasons one msgpack array, the body one msgpack object that
//  ends the record.
static int
s_decode_compact (const uint8_t *data, size_t size, hs_event_read_t *event)
{
    hs_bin_reader_t head;
    hs_bin_reader_init (&head, data + 1, size - 1);
    uint64_t version = hs_bin_get_u (&head);
    event->seq = hs_bin_get_u (&head);
    event->at = hs_bin_get_i (&head);
    hs_bin_get_str (&head, event->type, sizeof (event->type));
    hs_bin_get_str (&head, event->topic, sizeof (event->topic));
    hs_bin_get_str (&head, event->case_id, sizeof (event->case_id));
    int64_t level = hs_bin_get_i (&head);
    if (level >= 0)
        hs_bin_get_version (&head, event->rules_version, sizeof (event->rules_version));
    if (head.bad || version < S_VERSION || version > S_WORDS
    ||  level < -1 || level >= HS_LEVEL_COUNT || (!*event->type && version == S_VERSION))
        return -1;
    event->level = (int) level;
    hs_proto_reader_t reader;
    hs_proto_reader_init (&reader, data + 1 + head.used, size - 1 - head.used);
    if (level >= 0 && (hs_proto_read_raw (&reader, &event->reasons, &event->reasons_size)
                   ||  ((event->reasons [0] & 0xf0) != 0x90 && event->reasons [0] != 0xdc)))
        return -1;                      //  not an array
    if (version == S_WORDS)
        return s_decode_words (reader.data + reader.pos, reader.size - reader.pos, event);
    if (version != S_VERSION)
        return s_decode_derived (version, reader.data + reader.pos, reader.size - reader.pos,
                                 event);
    if (hs_proto_read_raw (&reader, &event->body, &event->body_size) || reader.pos != reader.size)
        return -1;
    return 0;
}

int
hs_event_decode (const void *data, size_t size, hs_event_read_t *event)
{
    memset (event, 0, offsetof (hs_event_read_t, derived));
    event->level = -1;
    if (size > 0 && ((const uint8_t *) data) [0] == S_MARK)
        return s_decode_compact ((const uint8_t *) data, size, event);
    hs_proto_reader_t reader;
    hs_proto_reader_init (&reader, data, size);
    uint32_t entries;
    if (hs_proto_read_map (&reader, &entries))
        return -1;
    for (uint32_t index = 0; index < entries; index++) {
        const char *key, *text;
        size_t key_size, text_size;
        int64_t number;
        int rc = 0;
        if (hs_proto_read_str (&reader, &key, &key_size))
            return -1;
        if (s_is (key, key_size, "seq")) {
            rc = hs_proto_read_int (&reader, &number);
            event->seq = (uint64_t) number;
        }
        else
        if (s_is (key, key_size, "at"))
            rc = hs_proto_read_int (&reader, &event->at);
        else
        if (s_is (key, key_size, "type"))
            rc = hs_proto_read_str (&reader, &text, &text_size)
              || s_copy (text, text_size, event->type, sizeof (event->type));
        else
        if (s_is (key, key_size, "topic"))
            rc = hs_proto_read_str (&reader, &text, &text_size)
              || s_copy (text, text_size, event->topic, sizeof (event->topic));
        else
        if (s_is (key, key_size, "case"))
            rc = hs_proto_read_str (&reader, &text, &text_size)
              || s_copy (text, text_size, event->case_id, sizeof (event->case_id));
        else
        if (s_is (key, key_size, "level")) {
            char level [32];
            rc = hs_proto_read_str (&reader, &text, &text_size)
              || s_copy (text, text_size, level, sizeof (level));
            event->level = rc? -1: hs_level_parse (level);
        }
        else
        if (s_is (key, key_size, "rules_version"))
            rc = hs_proto_read_str (&reader, &text, &text_size)
              || s_copy (text, text_size, event->rules_version, sizeof (event->rules_version));
        else
        if (s_is (key, key_size, "reasons"))
            rc = hs_proto_read_raw (&reader, &event->reasons, &event->reasons_size);
        else
        if (s_is (key, key_size, "body"))
            rc = hs_proto_read_raw (&reader, &event->body, &event->body_size);
        else {
            const uint8_t *skipped;
            size_t skipped_size;
            rc = hs_proto_read_raw (&reader, &skipped, &skipped_size);
        }
        if (rc)
            return -1;
    }
    return *event->type && event->body? 0: -1;
}

size_t
hs_event_reasons (const hs_event_read_t *event, char (*names) [HS_CODE_MAX + 1], size_t max)
{
    if (!event->reasons)
        return 0;
    hs_proto_reader_t reader;
    hs_proto_reader_init (&reader, event->reasons, event->reasons_size);
    const uint8_t *at = event->reasons;
    uint32_t size;
    if (at [0] >= 0x90 && at [0] <= 0x9f) {
        size = at [0] & 0x0f;
        reader.pos = 1;
    }
    else
    if (at [0] == 0xdc && event->reasons_size >= 3) {
        size = (uint32_t) (at [1] << 8 | at [2]);
        reader.pos = 3;
    }
    else
        return 0;
    size_t count = 0;
    for (uint32_t index = 0; index < size && count < max; index++) {
        const char *text;
        size_t length;
        if (hs_proto_read_str (&reader, &text, &length))
            break;
        if (s_copy (text, length, names [count], HS_CODE_MAX + 1) == 0)
            count++;
    }
    return count;
}

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
    assert (hs_pack_data (record) [1] == S_DERIVED);
    assert (hs_pack_size (record) < hs_pack_size (body));
    hs_event_read_t read;
    assert (hs_event_decode (hs_pack_data (record), hs_pack_size (record), &read) == 0);
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
    assert (hs_pack_data (record) [1] == S_DERIVED && hs_pack_size (record) > implied + 20);
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
    assert (hs_pack_data (record) [1] == S_WORDS);
    assert (hs_event_decode (hs_pack_data (record), hs_pack_size (record), &read) == 0);
    assert (read.body_size == hs_pack_size (body)
         && memcmp (read.body, hs_pack_data (body), read.body_size) == 0);
    assert (strcmp (read.type, "alert") == 0 && strcmp (read.topic, "alert.major.caoyang") == 0);
    //  Not an alert: the same.
    event.seq = 12;
    event.type = "escalate";
    hs_pack_reset (record);
    hs_event_encode (&event, record);
    assert (hs_pack_data (record) [1] == S_WORDS);
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
    assert (hs_pack_data (record) [1] == S_WORDS);
    size_t small = hs_pack_size (record);
    hs_event_read_t read;
    assert (hs_event_decode (hs_pack_data (record), small, &read) == 0 && read.compact);
    assert (strcmp (read.type, "report") == 0 && strcmp (read.topic, event.topic) == 0);
    assert (read.seq == 9 && read.level == HS_LEVEL_GENERAL && strcmp (read.case_id, "putuo-2") == 0);
    assert (read.body_size == hs_pack_size (body)
         && memcmp (read.body, hs_pack_data (body), read.body_size) == 0);
    for (size_t cut = 0; cut < small; cut++)
        assert (hs_event_decode (hs_pack_data (record), cut, &read) == -1);
    //  Another topic than the source's: said, and read back.
    event.topic = "report.hrss";
    hs_pack_reset (record);
    hs_event_encode (&event, record);
    assert (hs_pack_data (record) [1] == S_WORDS && hs_pack_size (record) > small + 10);
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
    assert (hs_pack_data (record) [1] == S_WORDS && hs_pack_size (record) < small + 10);
    assert (hs_event_decode (hs_pack_data (record), hs_pack_size (record), &read) == 0);
    assert (strcmp (read.type, "update") == 0 && strcmp (read.topic, event.topic) == 0);
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
    assert (hs_pack_data (record) [1] == S_VERSION);
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
    assert (hs_pack_data (record) [1] == S_REQUEST);
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
    assert (hs_pack_data (record) [1] == S_WORDS);       //  its body, its words short
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
    assert (hs_pack_data (record) [1] == S_ESCALATE);
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
    assert (hs_pack_data (record) [1] == S_WORDS);
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

    //  Cut short anywhere, it is refused, never read past its end; so is
    //  a byte past its body, and another version of the layout.
    for (size_t cut = 0; cut < hs_pack_size (record); cut++)
        assert (hs_event_decode (hs_pack_data (record), cut, &read) == -1);
    hs_pack_raw (record, "\xc0", 1);
    assert (hs_event_decode (hs_pack_data (record), hs_pack_size (record), &read) == -1);
    hs_pack_reset (record);
    hs_event_encode (&event, record);
    ((uint8_t *) hs_pack_data (record)) [1] = S_WORDS + 1;
    assert (hs_event_decode (hs_pack_data (record), hs_pack_size (record), &read) == -1);
    ((uint8_t *) hs_pack_data (record)) [1] = S_REQUEST;   //  a request's, with a type
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
