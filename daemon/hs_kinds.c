/*  =========================================================================
    hs_kinds - the kinds of inbound message, and what the opening needs of each

    The table is data: a row per kind, its fields found by offset into
    hs_msg_t, so the opening (hs_ingest) never switches on a kind.
    =========================================================================
*/

#include "hs_kinds.h"

typedef int (s_decode_fn) (const msgpack_object *map, const hs_limits_t *limits, int64_t now,
                           hs_msg_t *msg, hs_why_t *why);

//  Each kind's decoder, in the shape of the table's.
#define S_DECODER(name, decode, field) \
    static int name (const msgpack_object *map, const hs_limits_t *limits, int64_t now, \
                     hs_msg_t *msg, hs_why_t *why) \
    { return decode (map, limits, now, &msg->as.field, why); }
S_DECODER (s_decode_report, hs_report_decode, report)
S_DECODER (s_decode_update, hs_update_decode, update)
S_DECODER (s_decode_rsvp, hs_rsvp_decode, rsvp)
S_DECODER (s_decode_minutes, hs_minutes_decode, minutes)
S_DECODER (s_decode_heartbeat, hs_heartbeat_decode, heartbeat)
S_DECODER (s_decode_brief, hs_brief_in_decode, brief)
S_DECODER (s_decode_act, hs_case_act_decode, act)
S_DECODER (s_decode_action, hs_action_done_decode, action)
S_DECODER (s_decode_call, hs_call_decode, call)
S_DECODER (s_decode_prompt, hs_prompt_decode, prompt)
S_DECODER (s_decode_sign, hs_prompt_sign_decode, sign)
S_DECODER (s_decode_proposal, hs_proposal_decode, proposal)
S_DECODER (s_decode_opinion, hs_opinion_decode, opinion)
S_DECODER (s_decode_inspect, hs_inspect_decode, inspect)
S_DECODER (s_decode_decision, hs_inspect_decision_decode, decision)
S_DECODER (s_decode_finding, hs_finding_decode, finding)
S_DECODER (s_decode_rectified, hs_rectified_decode, rectified)

#define S_NONE  ((size_t) -1)   //  a kind without this field
#define S_AT(field) offsetof (hs_msg_t, as.field)

static const struct {
    const char *prefix;
    hs_dedup_t dedup;
    bool feeds;                 //  the message says its feeder is alive
    s_decode_fn *decode;
    size_t source;              //  where the decoded source is (a string)
    size_t id;                  //  ... its id, or S_NONE
    size_t fseq;                //  ... its feeder seq (int64_t), or S_NONE
} s_kinds [HS_MSG_COUNT] = {
    [HS_MSG_REPORT]    = { "report.",    HS_DEDUP_REPORT,  true,  s_decode_report,
                           S_AT (report.source), S_AT (report.id), S_AT (report.fseq) },
    [HS_MSG_UPDATE]    = { "update.",    HS_DEDUP_UPDATE,  true,  s_decode_update,
                           S_AT (update.source), S_AT (update.id), S_AT (update.fseq) },
    [HS_MSG_RSVP]      = { "rsvp.",      HS_DEDUP_RSVP,    false, s_decode_rsvp,
                           S_AT (rsvp.source), S_AT (rsvp.id), S_NONE },
    [HS_MSG_MINUTES]   = { "minutes.",   HS_DEDUP_MINUTES, false, s_decode_minutes,
                           S_AT (minutes.source), S_AT (minutes.id), S_NONE },
    [HS_MSG_HEARTBEAT] = { "heartbeat.", HS_DEDUP_NONE,    false, s_decode_heartbeat,
                           S_AT (heartbeat.source), S_NONE, S_NONE },
    [HS_MSG_BRIEF]     = { "brief.",     HS_DEDUP_BRIEF,   true,  s_decode_brief,
                           S_AT (brief.source), S_AT (brief.id), S_AT (brief.fseq) },
    [HS_MSG_ACT]       = { "act.",       HS_DEDUP_ACT,     false, s_decode_act,
                           S_AT (act.source), S_AT (act.id), S_NONE },
    [HS_MSG_ACTION]    = { "action.",    HS_DEDUP_ACTION,  false, s_decode_action,
                           S_AT (action.source), S_AT (action.id), S_NONE },
    [HS_MSG_CALL]      = { "call.",      HS_DEDUP_CALL,    false, s_decode_call,
                           S_AT (call.source), S_AT (call.id), S_NONE },
    [HS_MSG_PROMPT]    = { "prompt.",    HS_DEDUP_PROMPT,  false, s_decode_prompt,
                           S_AT (prompt.source), S_AT (prompt.id), S_NONE },
    [HS_MSG_PROMPTSIGN] = { "promptsign.", HS_DEDUP_PROMPTSIGN, false, s_decode_sign,
                           S_AT (sign.source), S_AT (sign.id), S_NONE },
    [HS_MSG_PROPOSAL]  = { "proposal.",  HS_DEDUP_PROPOSAL, false, s_decode_proposal,
                           S_AT (proposal.source), S_AT (proposal.id), S_NONE },
    [HS_MSG_OPINION]   = { "opinion.",   HS_DEDUP_OPINION, false, s_decode_opinion,
                           S_AT (opinion.source), S_AT (opinion.id), S_NONE },
    [HS_MSG_INSPECT]   = { "inspect.",   HS_DEDUP_INSPECT, false, s_decode_inspect,
                           S_AT (inspect.source), S_AT (inspect.id), S_NONE },
    [HS_MSG_INSPECTPLAN] = { "inspectplan.", HS_DEDUP_INSPECTPLAN, false, s_decode_decision,
                           S_AT (decision.source), S_AT (decision.id), S_NONE },
    [HS_MSG_FINDING]   = { "finding.",   HS_DEDUP_FINDING, false, s_decode_finding,
                           S_AT (finding.source), S_AT (finding.id), S_NONE },
    [HS_MSG_RECTIFIED] = { "rectified.", HS_DEDUP_RECTIFIED, false, s_decode_rectified,
                           S_AT (rectified.source), S_AT (rectified.id), S_NONE }
};

int
hs_kinds_find (const char *topic)
{
    //  The longest prefix wins ("promptsign." over "prompt." were one
    //  ever a prefix of another's topic).
    int kind = -1;
    size_t best = 0;
    for (int index = 0; index < HS_MSG_COUNT; index++) {
        size_t size = strlen (s_kinds [index].prefix);
        if (size > best && strncmp (topic, s_kinds [index].prefix, size) == 0) {
            kind = index;
            best = size;
        }
    }
    return kind;
}

const char *hs_kinds_prefix (hs_msg_kind_t kind) { return s_kinds [kind].prefix; }
hs_dedup_t hs_kinds_dedup (hs_msg_kind_t kind) { return s_kinds [kind].dedup; }
bool hs_kinds_feeds (hs_msg_kind_t kind) { return s_kinds [kind].feeds; }

int
hs_kinds_decode (hs_msg_t *msg, const msgpack_object *map, const hs_limits_t *limits,
                 int64_t now, hs_why_t *why)
{
    return s_kinds [msg->kind].decode (map, limits, now, msg, why);
}

void
hs_kinds_common (const hs_msg_t *msg, const char **source, const char **id, int64_t *fseq)
{
    const char *base = (const char *) msg;
    *source = base + s_kinds [msg->kind].source;
    *id = s_kinds [msg->kind].id == S_NONE? NULL: base + s_kinds [msg->kind].id;
    *fseq = 0;
    if (s_kinds [msg->kind].fseq != S_NONE)
        memcpy (fseq, base + s_kinds [msg->kind].fseq, sizeof (int64_t));
}

void
hs_kinds_test (bool verbose)
{
    printf (" * hs_kinds: ");
    //  Every kind has a row, and each topic finds its own kind.
    for (int index = 0; index < HS_MSG_COUNT; index++) {
        assert (s_kinds [index].prefix && s_kinds [index].decode);
        char topic [64];
        snprintf (topic, sizeof topic, "%sS01", s_kinds [index].prefix);
        assert (hs_kinds_find (topic) == index);
    }
    assert (hs_kinds_find ("promptsign.S01") == HS_MSG_PROMPTSIGN);
    assert (hs_kinds_find ("prompt.office") == HS_MSG_PROMPT);
    assert (hs_kinds_find ("inspectplan.convener") == HS_MSG_INSPECTPLAN);
    assert (hs_kinds_find ("inspect.office") == HS_MSG_INSPECT);
    assert (hs_kinds_find ("nosuch.S01") == -1);
    assert (hs_kinds_find ("report") == -1);

    //  The common fields are found where each kind keeps them.
    hs_msg_t *msg = (hs_msg_t *) zmalloc (sizeof (hs_msg_t));
    msg->kind = HS_MSG_REPORT;
    strcpy (msg->as.report.source, "S01");
    strcpy (msg->as.report.id, "r-1");
    msg->as.report.fseq = 42;
    const char *source, *id;
    int64_t fseq;
    hs_kinds_common (msg, &source, &id, &fseq);
    assert (streq (source, "S01") && streq (id, "r-1") && fseq == 42);
    memset (msg, 0, sizeof (hs_msg_t));
    msg->kind = HS_MSG_HEARTBEAT;
    strcpy (msg->as.heartbeat.source, "S02");
    msg->as.heartbeat.fseq = 7;
    hs_kinds_common (msg, &source, &id, &fseq);
    assert (streq (source, "S02") && id == NULL && fseq == 0);
    memset (msg, 0, sizeof (hs_msg_t));
    msg->kind = HS_MSG_PROMPTSIGN;
    strcpy (msg->as.sign.source, "S03");
    strcpy (msg->as.sign.id, "g-1");
    hs_kinds_common (msg, &source, &id, &fseq);
    assert (streq (source, "S03") && streq (id, "g-1") && fseq == 0);
    free (msg);
    if (verbose)
        printf ("(%d kinds) ", HS_MSG_COUNT);
    printf ("OK\n");
}
