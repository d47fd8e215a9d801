/*  =========================================================================
    hs_fuzz_proto - libFuzzer target: the codec on arbitrary bytes

    Every input goes through the guard, msgpack-c, and the decoders, as
    an inbound body would. Any crash, sanitizer report, or allocation past
    libFuzzer's -rss_limit_mb is a defect. Run with `make fuzz`.
    =========================================================================
*/

#include "../../protocol/hs_protocol.h"
#include "../../protocol/hs_fields.h"
#include "../../protocol/hs_heartbeat_msg.h"
#include <string.h>

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
    hs_limits_t limits;
    hs_limits_default (&limits);
    hs_why_t why;
    msgpack_unpacked unpacked;
    msgpack_unpacked_init (&unpacked);
    if (hs_proto_unpack_map (data, size, &limits, &unpacked, &why) == 0) {
        hs_report_t report;
        if (hs_report_decode (&unpacked.data, &limits, 1800000000000LL, &report, &why) == 0) {
            //  What decodes must encode and decode to the same report.
            hs_pack_t *pack = hs_pack_new ();
            hs_report_encode (&report, pack);
            msgpack_unpacked again;
            msgpack_unpacked_init (&again);
            hs_report_t copy;
            if (hs_proto_unpack_map (hs_pack_data (pack), hs_pack_size (pack), &limits, &again, &why)
            ||  hs_report_decode (&again.data, &limits, 1800000000000LL, &copy, &why)
            ||  copy.workers != report.workers || copy.flags != report.flags
            ||  strcmp (copy.enterprise, report.enterprise))
                __builtin_trap ();
            msgpack_unpacked_destroy (&again);
            hs_pack_destroy (&pack);
        }
        //  An update's or an act's person (issue 15): what decodes is a name
        //  of 1..HS_PERSON_MAX bytes of UTF-8 without control characters.
        hs_update_t update;
        if (hs_update_decode (&unpacked.data, &limits, 1800000000000LL, &update, &why) == 0
        &&  (strlen (update.person) > HS_PERSON_MAX
        ||  !hs_proto_utf8 ((const uint8_t *) update.person, strlen (update.person))))
            __builtin_trap ();
        hs_case_act_t act;
        if (hs_case_act_decode (&unpacked.data, &limits, 1800000000000LL, &act, &why) == 0)
            for (const char *scan = act.person; *scan; scan++)
                if ((unsigned char) *scan < 0x20)
                    __builtin_trap ();
        //  Work prompts and their signatures (issue 14): whatever decodes
        //  keeps its lists within the record's bounds.
        hs_prompt_in_t prompt;
        if (hs_prompt_decode (&unpacked.data, &limits, 1800000000000LL, &prompt, &why) == 0
        && ((prompt.streets && prompt.streets->via.array.size > HS_PROMPT_MAX_STREETS)
        ||  (prompt.cases && prompt.cases->via.array.size > HS_PROMPT_MAX_CASES)
        ||  prompt.title_size > HS_PROMPT_TITLE_MAX || !prompt.guidance_size))
            __builtin_trap ();
        hs_prompt_sign_t sign;
        hs_prompt_sign_decode (&unpacked.data, &limits, 1800000000000LL, &sign, &why);
        //  Proposals, opinions and the minutes' decisions on them: within
        //  the record's bounds, an amendment never without its note.
        hs_proposal_in_t proposal;
        if (hs_proposal_decode (&unpacked.data, &limits, 1800000000000LL, &proposal, &why) == 0
        && ((proposal.cases && proposal.cases->via.array.size > HS_PROPOSAL_MAX_CASES)
        ||  proposal.title_size > HS_PROPOSAL_TITLE_MAX || !proposal.text_size))
            __builtin_trap ();
        hs_opinion_in_t opinion;
        if (hs_opinion_decode (&unpacked.data, &limits, 1800000000000LL, &opinion, &why) == 0
        &&  ((opinion.opinion == HS_OPINION_AMEND && !opinion.note_size)
        ||   opinion.note_size > HS_PROPOSAL_NOTE_MAX))
            __builtin_trap ();
        const msgpack_object *decisions;
        if (hs_proposal_decisions_check (&unpacked.data, &decisions, &why) == 0 && decisions
        &&  decisions->via.array.size > HS_PROPOSAL_MAX_DECIDED)
            __builtin_trap ();
        //  Inspection (issue 14): a plan, a decision, a result, a
        //  rectification done; what decodes stays within the record's bounds.
        hs_inspect_in_t inspect;
        if (hs_inspect_decode (&unpacked.data, &limits, 1800000000000LL, &inspect, &why) == 0
        && (inspect.units->via.array.size > HS_INSPECTION_MAX_UNITS
        ||  inspect.items->via.array.size > HS_INSPECTION_MAX_ITEMS
        ||  inspect.title_size > HS_INSPECTION_TITLE_MAX || inspect.end <= inspect.start))
            __builtin_trap ();
        hs_inspect_decision_t decision;
        if (hs_inspect_decision_decode (&unpacked.data, &limits, 1800000000000LL, &decision,
                                        &why) == 0 && !decision.approve && !decision.note_size)
            __builtin_trap ();          //  a return says why
        hs_finding_in_t finding;
        if (hs_finding_decode (&unpacked.data, &limits, 1800000000000LL, &finding, &why) == 0
        && ((finding.rectify && finding.rectify->via.array.size > HS_FINDING_MAX_RECTIFY)
        ||  !finding.findings_size))
            __builtin_trap ();
        hs_rectified_t rectified;
        hs_rectified_decode (&unpacked.data, &limits, 1800000000000LL, &rectified, &why);
        //  The heartbeat (issue 15), as a viewer reads it: what decodes
        //  has no negative field.
        hs_pulse_t beat;
        if (hs_pulse_decode (&unpacked.data, &beat) == 0
        && (beat.at < 0 || beat.wall < 0 || beat.interval_ms < 0))
            __builtin_trap ();
    }
    else
    if (!why.code || !*why.detail)
        __builtin_trap ();          //  every rejection names its reason
    msgpack_unpacked_destroy (&unpacked);
    //  The same bytes as a stored case record (issue 17: the compact form,
    //  or a map from an older store), as a damaged store would hand them:
    //  what decodes is within the record's bounds, and encodes and decodes
    //  again to the same case.
    static hs_case_t kase, copy;
    if (hs_case_decode (data, size, &kase) == 0) {
        if (kase.handler_count > HS_CASE_MAX_HANDLERS || kase.unit_count > HS_CASE_MAX_UNITS
        ||  kase.reason_count > HS_CASE_MAX_REASONS || kase.source_count > HS_CASE_MAX_SOURCES
        ||  kase.merged_count > HS_CASE_MAX_MERGED || strlen (kase.id) > HS_ID_MAX)
            __builtin_trap ();
        hs_pack_t *pack = hs_pack_new ();
        hs_case_encode (&kase, pack);
        if (hs_case_decode (hs_pack_data (pack), hs_pack_size (pack), &copy)
        ||  copy.level != kase.level || copy.last_seq != kase.last_seq
        ||  copy.handler_count != kase.handler_count || strcmp (copy.id, kase.id)
        ||  memcmp (copy.handlers, kase.handlers, kase.handler_count * sizeof (hs_handler_t)))
            __builtin_trap ();          //  layout 4's handlers say exactly what was read
        hs_pack_destroy (&pack);
    }
    //  ... and as a stored meeting record (compact since store format 7, or
    //  a map): what decodes says itself again exactly, compact.
    static hs_meeting_rec_t meeting, meeting_copy;
    if (hs_meeting_rec_decode (data, size, &meeting) == 0) {
        hs_pack_t *pack = hs_pack_new ();
        hs_meeting_rec_encode (&meeting, pack);
        if (hs_meeting_rec_decode (hs_pack_data (pack), hs_pack_size (pack), &meeting_copy)
        ||  memcmp (&meeting, &meeting_copy, sizeof (meeting)))
            __builtin_trap ();
        hs_pack_destroy (&pack);
    }
    //  The same bytes as a stored event record (issue 17: an alert kept as
    //  its decision is packed again when read): a body packed again is one
    //  sound map within its bound. A body written out again from its words
    //  (layout 5) is one whole object within its bound; its strings are what
    //  the record held, UTF-8 or not, as a body kept as it is (layout 1).
    static hs_event_read_t event;
    size_t whole;
    if (hs_event_decode (data, size, &event) == 0 && event.compact
    &&  (event.body_size > HS_EVENT_DERIVED_MAX
    ||   (size > 1 && data [1] == HS_EVENT_WORDS
         ?   hs_proto_skip (event.body, event.body_size, &whole) || whole != event.body_size
         :   !hs_proto_sound (event.body, event.body_size))))
        __builtin_trap ();
    //  ... and as a body kept with its words (store format 9): what is
    //  written out again is within its room, and, a sound body, goes to its
    //  words and back to itself byte for byte.
    static uint8_t body [HS_EVENT_DERIVED_MAX], words [HS_EVENT_DERIVED_MAX],
                   again [HS_EVENT_DERIVED_MAX];
    size_t body_size, words_size, again_size;
    if (hs_words_unpack (data, size, body, sizeof (body), &body_size) == 0) {
        if (body_size > sizeof (body))
            __builtin_trap ();
        if (hs_proto_sound (body, body_size)
        && (hs_words_pack (body, body_size, words, sizeof (words), &words_size) < 0
        ||  words_size > body_size
        ||  hs_words_unpack (words, words_size, again, sizeof (again), &again_size)
        ||  again_size != body_size || memcmp (again, body, body_size)))
            __builtin_trap ();
    }
    return 0;
}
