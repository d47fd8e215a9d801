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
    1, its body as it is. A body that arrived (store format 9) is kept as
    version 5, its words as two bytes (hs_words). The self test is in
    hs_event_test.c.
    =========================================================================
*/

#include "hs_event.h"
#include "hs_bin.h"
#include "hs_alert_rec.h"
#include "hs_request_rec.h"
#include "hs_escalate_rec.h"
#include "hs_words.h"
#include "hs_case.h"
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <assert.h>

#define S_MARK      0xc1        //  "never used" in msgpack
#define S_VERSION   HS_EVENT_AS_IS
#define S_DERIVED   HS_EVENT_ALERT
#define S_REQUEST   HS_EVENT_REQUEST
#define S_ESCALATE  HS_EVENT_ESCALATE
#define S_WORDS     HS_EVENT_WORDS
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
    static const char *const none [] = { NULL };
    const char *const *reasons = event->reasons? event->reasons: none;
    uint8_t listed [HS_EVENT_REASONS_MAX];      //  the reasons as layout 5 keeps them
    hs_bin_writer_t list;
    hs_bin_writer_init (&list, listed, sizeof (listed));
    const char *type = event->type, *topic = event->topic? event->topic: "";
    if (layout == S_VERSION && event->body_size <= HS_EVENT_DERIVED_MAX
    &&  (event->level < 0 || hs_bin_put_list (&list, reasons, HS_CASE_MAX_REASONS,
                                              HS_CODE_MAX) == 0)
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
    if (event->level >= 0 && layout == S_WORDS)
        hs_pack_raw (pack, listed, list.used);  //  front-coded, as the case's (format 9)
    else
    if (event->level >= 0)
        hs_pack_strv (pack, reasons);
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

_Static_assert (HS_CASE_MAX_REASONS <= 32, "HS_EVENT_REASONS_MAX holds 32 reasons");

//  A layout-5 record's reasons, front-coded (store format 9): packed
//  again into `reasons_packed`, the msgpack array layout 1 keeps.
static int
s_decode_reasons (hs_bin_reader_t *head, hs_event_read_t *event)
{
    char text [HS_EVENT_REASONS_MAX];
    hs_bin_arena_t arena = { text, sizeof (text), 0 };
    const char *names [HS_CASE_MAX_REASONS + 1];
    hs_bin_get_list (head, &arena, names, HS_CASE_MAX_REASONS, HS_CODE_MAX);
    if (head->bad)
        return -1;
    hs_pack_t *pack = hs_pack_new ();
    hs_pack_strv (pack, names);
    int rc = hs_pack_size (pack) <= sizeof (event->reasons_packed)? 0: -1;
    if (rc == 0) {
        memcpy (event->reasons_packed, hs_pack_data (pack), hs_pack_size (pack));
        event->reasons = event->reasons_packed;
        event->reasons_size = hs_pack_size (pack);
    }
    hs_pack_destroy (&pack);
    return rc;
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
    if (version == S_WORDS && level >= 0 && s_decode_reasons (&head, event))
        return -1;
    hs_proto_reader_t reader;
    hs_proto_reader_init (&reader, data + 1 + head.used, size - 1 - head.used);
    if (version != S_WORDS && level >= 0 && (hs_proto_read_raw (&reader, &event->reasons, &event->reasons_size)
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

bool
hs_event_maybe_published (const void *data, size_t size)
{
    const uint8_t *bytes = (const uint8_t *) data;
    if (size < 2 || bytes [0] != S_MARK)
        return true;                    //  a map, or not one: read it to know
    hs_bin_reader_t head;
    hs_bin_reader_init (&head, bytes + 1, size - 1);
    uint64_t version = hs_bin_get_u (&head);
    hs_bin_get_u (&head);
    hs_bin_get_i (&head);
    char type [HS_EVENT_TYPE_MAX];
    hs_bin_get_str (&head, type, sizeof (type));
    if (head.bad || (version != S_VERSION && version != S_WORDS))
        return true;                    //  a decision is published; damage is said by reading
    if (!*type)
        return version != S_WORDS;      //  a report's type left out
    return hs_event_published (type);
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
