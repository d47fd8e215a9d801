/*  =========================================================================
    hs_reject - accounting for rejected input: counters, logs, dead letters
    =========================================================================
*/

#include "hs_reject.h"
#include "hs_log.h"

#define MAX_REASONS     64      //  distinct reason codes (a fixed set in practice)
#define KEEP_BYTES      4096    //  bytes of each frame kept in a dead letter
#define KEEP_FRAMES     4       //  frames kept in a dead letter

typedef struct {
    const char *code;           //  static reason code
    uint64_t count;             //  committed
    uint64_t staged;            //  in the open batch
    int64_t logged_at;          //  when it was last logged
    uint64_t held_back;         //  not logged since then
} s_reason_t;

struct _hs_reject_t {
    int64_t interval_ms;        //  log each reason at most this often
    s_reason_t reasons [MAX_REASONS];
    size_t size;                //  reasons in use
    uint64_t total;             //  committed, all reasons
};

hs_reject_t *
hs_reject_new (int64_t interval_ms)
{
    hs_reject_t *self = (hs_reject_t *) zmalloc (sizeof (hs_reject_t));
    self->interval_ms = interval_ms;
    return self;
}

void
hs_reject_destroy (hs_reject_t **self_p)
{
    assert (self_p);
    if (*self_p) {
        free (*self_p);
        *self_p = NULL;
    }
}

static s_reason_t *
s_reason (hs_reject_t *self, const char *code)
{
    for (size_t index = 0; index < self->size; index++)
        if (streq (self->reasons [index].code, code))
            return &self->reasons [index];
    if (self->size == MAX_REASONS)
        return &self->reasons [MAX_REASONS - 1];
    s_reason_t *reason = &self->reasons [self->size++];
    reason->code = code;
    reason->logged_at = INT64_MIN / 2;
    return reason;
}

//  A printable prefix of the topic frame for the log.
static void
s_topic_text (zmsg_t *msg, char *text, size_t size)
{
    zframe_t *frame = msg? zmsg_first (msg): NULL;
    size_t out = 0;
    if (frame)
        for (size_t index = 0; index < zframe_size (frame) && out + 1 < size && index < 48; index++) {
            char c = (char) zframe_data (frame) [index];
            text [out++] = c >= 0x20 && c < 0x7f? c: '?';
        }
    text [out] = 0;
}

void
hs_reject_note (hs_reject_t *self, const hs_why_t *why, zmsg_t *msg,
                int64_t now_ms, hs_pack_t *pack)
{
    s_reason_t *reason = s_reason (self, why->code);
    reason->staged++;
    char topic [64];
    s_topic_text (msg, topic, sizeof (topic));
    if (now_ms - reason->logged_at >= self->interval_ms) {
        if (reason->held_back)
            hs_log_warning ("hs_reject: rejected (%s) topic '%s': %s (and %llu more '%s' since the last report)",
                          why->code, topic, why->detail, (unsigned long long) reason->held_back, why->code);
        else
            hs_log_warning ("hs_reject: rejected (%s) topic '%s': %s", why->code, topic, why->detail);
        reason->logged_at = now_ms;
        reason->held_back = 0;
    }
    else
        reason->held_back++;

    if (!pack)
        return;             //  counted and logged only: nothing is kept (cheap)
    size_t frames = msg? zmsg_size (msg): 0;
    size_t total = msg? zmsg_content_size (msg): 0;
    hs_bytes_t kept [KEEP_FRAMES];
    size_t kept_count = frames < KEEP_FRAMES? frames: KEEP_FRAMES;
    zframe_t *frame = msg? zmsg_first (msg): NULL;
    for (size_t index = 0; index < kept_count; index++, frame = zmsg_next (msg)) {
        size_t size = zframe_size (frame);
        kept [index].data = zframe_data (frame);
        kept [index].size = size < KEEP_BYTES? size: KEEP_BYTES;
    }
    hs_pack_reset (pack);
    hs_deadletter_encode (now_ms, why->code, why->detail, frames, total, kept, kept_count, pack);
}

void
hs_reject_commit (hs_reject_t *self)
{
    for (size_t index = 0; index < self->size; index++) {
        self->reasons [index].count += self->reasons [index].staged;
        self->total += self->reasons [index].staged;
        self->reasons [index].staged = 0;
    }
}

void
hs_reject_abort (hs_reject_t *self)
{
    for (size_t index = 0; index < self->size; index++)
        self->reasons [index].staged = 0;
}

uint64_t hs_reject_total (hs_reject_t *self) { return self->total; }

uint64_t
hs_reject_count (hs_reject_t *self, const char *code)
{
    for (size_t index = 0; index < self->size; index++)
        if (streq (self->reasons [index].code, code))
            return self->reasons [index].count;
    return 0;
}

size_t
hs_reject_size (hs_reject_t *self)
{
    return self->size;
}

const char *
hs_reject_at (hs_reject_t *self, size_t index, uint64_t *count)
{
    assert (index < self->size);
    *count = self->reasons [index].count;
    return self->reasons [index].code;
}

size_t
hs_reject_tally (hs_reject_t *self, hs_tally_t *tally, size_t max)
{
    size_t count = 0;
    for (size_t index = 0; index < self->size && count < max; index++) {
        tally [count].name = self->reasons [index].code;
        tally [count++].count = (int64_t) self->reasons [index].count;
    }
    return count;
}

void
hs_reject_tick (hs_reject_t *self, int64_t now_ms)
{
    for (size_t index = 0; index < self->size; index++) {
        s_reason_t *reason = &self->reasons [index];
        if (reason->held_back && now_ms - reason->logged_at >= self->interval_ms) {
            hs_log_warning ("hs_reject: %llu more messages rejected (%s) in the last %llds",
                          (unsigned long long) reason->held_back, reason->code,
                          (long long) ((now_ms - reason->logged_at) / 1000));
            reason->held_back = 0;
            reason->logged_at = now_ms;
        }
    }
}

void
hs_reject_test (bool verbose)
{
    if (verbose)
        printf (" * hs_reject: ");
    hs_reject_t *reject = hs_reject_new (10000);
    hs_pack_t *pack = hs_pack_new ();
    hs_why_t why;
    hs_why (&why, "malformed", "test %d", 1);
    zmsg_t *msg = zmsg_new ();
    zmsg_addstr (msg, "report.hrss");
    zmsg_addmem (msg, "\xc1", 1);
    //  Staged counts are invisible until commit, and dropped on abort.
    hs_reject_note (reject, &why, msg, 1000, pack);
    assert (hs_reject_total (reject) == 0);
    hs_reject_abort (reject);
    hs_reject_commit (reject);
    assert (hs_reject_total (reject) == 0);
    for (int index = 0; index < 5; index++)
        hs_reject_note (reject, &why, msg, 1000 + index, pack);
    hs_why (&why, "bad_type", "x");
    hs_reject_note (reject, &why, msg, 2000, pack);
    hs_reject_commit (reject);
    assert (hs_reject_total (reject) == 6);
    assert (hs_reject_count (reject, "malformed") == 5);
    assert (hs_reject_count (reject, "bad_type") == 1);
    //  The dead-letter record is a guard-clean msgpack map with the frames.
    hs_limits_t limits;
    hs_limits_default (&limits);
    msgpack_unpacked unpacked;
    msgpack_unpacked_init (&unpacked);
    assert (hs_proto_unpack_map (hs_pack_data (pack), hs_pack_size (pack), &limits, &unpacked, &why) == 0);
    const msgpack_object *data = hs_proto_get (&unpacked.data, "data");
    assert (data && data->type == MSGPACK_OBJECT_ARRAY && data->via.array.size == 2);
    msgpack_unpacked_destroy (&unpacked);
    zmsg_destroy (&msg);
    hs_pack_destroy (&pack);
    hs_reject_destroy (&reject);
    assert (!reject);
    if (verbose)
        printf ("OK\n");
}
