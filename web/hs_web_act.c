/*  =========================================================================
    hs_web_act - a logged-in user acting on a case from the board
    =========================================================================
*/

#include "hs_web_act.h"
#include "../daemon/hs_log.h"
#include "../protocol/hs_json.h"
#include "../protocol/hs_proto.h"
#include <sodium.h>

#define SUBMIT_TIMEOUT  2000        //  ms before the same bytes go again
#define SUBMIT_RETRIES  3           //  then the board answers 502

//  The acts, what each sends, who may.
static const struct {
    const char *action;         //  as the page names it
    const char *act;            //  an act's name, or NULL: an update
    const char *status;         //  an update's status
    bool office;                //  the office's; else a handler's own
    const char *note_key;       //  where the note goes ("note", "reason")
    bool note_needed;
} s_actions [] = {
    { "sign",      NULL, "signed",    false, "note",   false },
    { "return",    NULL, "returned",  false, "note",   true },
    { "progress",  NULL, "mediating", false, "note",   false },
    { "resolve",   NULL, "resolved",  false, "note",   true },
    { "close",     "close", NULL,     true,  "note",   false },
    { "send_back", "reject_closure", NULL, true, "reason", true },
    { "regrade",   "regrade", NULL,   true,  "reason", true },
    { "mute",      "mute", NULL,      true,  "reason", true },
    { NULL, NULL, NULL, false, NULL, false }
};

//  The user's handler entry on the case, if routed and not removed.
static const json_t *
s_handler (const json_t *kase, const char *unit)
{
    size_t index;
    json_t *handler;
    json_array_foreach (json_object_get (kase, "handlers"), index, handler) {
        const char *code = json_string_value (json_object_get (handler, "unit"));
        const char *state = json_string_value (json_object_get (handler, "state"));
        if (code && streq (code, unit) && !(state && streq (state, "removed")))
            return handler;
    }
    return NULL;
}

json_t *
hs_web_act_allowed (const json_t *kase, const hs_web_user_t *user)
{
    json_t *allowed = json_array ();
    if (!user || !kase)
        return allowed;
    const char *stage = json_string_value (json_object_get (kase, "stage"));
    stage = stage? stage: json_is_true (json_object_get (kase, "closed"))? "closed": "open";
    bool office = streq (user->unit, "office");
    const json_t *handler = s_handler (kase, user->unit);
    const char *state = handler? json_string_value (json_object_get (handler, "state")): NULL;
    state = state? state: "";
    for (size_t index = 0; s_actions [index].action; index++) {
        const char *action = s_actions [index].action;
        bool may = false;
        if (s_actions [index].office)
            may = office && (streq (stage, "resolved")? true:
                             streq (stage, "open") && !streq (action, "close")
                                                   && !streq (action, "send_back"));
        else
        if (handler && streq (stage, "open"))
            may = streq (state, "routed")? !streq (action, "resolve"):
                  streq (state, "signed")? !streq (action, "sign"): false;
        if (may)
            json_array_append_new (allowed, json_string (action));
    }
    return allowed;
}

static json_t *
s_refusal (int *status, int code, const char *error, const char *detail)
{
    *status = code;
    return json_pack ("{s:s, s:s}", "error", error, "detail", detail);
}

//  The daemon's clock now (what `at` says), or the real one if it did not say.
static int64_t
s_daemon_now (hs_client_t *client)
{
    json_t *health;
    int64_t now = 0;
    if (hs_web_link_request (client, "health", NULL, &health) == 0)
        now = json_integer_value (json_object_get (health, "at"));
    json_decref (health);
    return now > 0? now: zclock_time ();
}

json_t *
hs_web_act_run (hs_web_link_t *link, const hs_web_user_t *user,
                const hs_web_act_request_t *request, int *status)
{
    size_t which = 0;
    while (s_actions [which].action && !(request->action && streq (request->action,
                                                                  s_actions [which].action)))
        which++;
    if (!s_actions [which].action)
        return s_refusal (status, 400, "bad_value", "action: one of sign, return, progress, "
                          "resolve, close, send_back, regrade, mute");
    if (!request->kase || !*request->kase || strlen (request->kase) > HS_ID_MAX)
        return s_refusal (status, 400, "missing_field", "case");
    bool has_note = request->note && *request->note;
    if (s_actions [which].note_needed && !has_note)
        return s_refusal (status, 400, "missing_field", "note: this action needs a reason");
    if (streq (s_actions [which].action, "regrade")
    &&  (!request->level || hs_level_parse (request->level) < 0))
        return s_refusal (status, 400, "bad_value", "level: general, significant, major or critical");
    if (streq (s_actions [which].action, "mute") && request->until <= 0)
        return s_refusal (status, 400, "missing_field", "until: ms since the epoch");
    hs_client_t *client = hs_web_link_client (link, SUBMIT_TIMEOUT);
    hs_client_set_retries (client, SUBMIT_RETRIES);
    //  Whose case it is: the case as the daemon has it now.
    hs_pack_t *args = hs_pack_new ();
    hs_case_request_encode (args, request->kase, 0);
    json_t *body;
    int rc = hs_web_link_request (client, "case", args, &body);
    hs_pack_destroy (&args);
    json_t *reply = NULL;
    json_t *kase = json_object_get (body, "case");
    if (rc < 0)
        reply = s_refusal (status, 502, "unavailable", "the daemon's api did not answer");
    else
    if (rc > 0)
        reply = s_refusal (status, 404, "unknown_case", request->kase);
    else
    if (s_actions [which].office? !streq (user->unit, "office"): !s_handler (kase, user->unit))
        reply = s_refusal (status, 403, "not_your_case", s_actions [which].office?
                           "only the office does this": "this case is not routed to your unit");
    json_decref (body);
    if (reply) {
        hs_client_destroy (&client);
        return reply;
    }
    unsigned char random [12];
    randombytes_buf (random, sizeof (random));
    char id [sizeof (random) * 2 + 8];
    memcpy (id, "web-", 4);
    sodium_bin2hex (id + 4, sizeof (random) * 2 + 1, random, sizeof (random));
    json_t *message = json_pack ("{s:i, s:s, s:s, s:I, s:s}", "v", HS_PROTO_VERSION, "id", id,
                                 "source", user->unit, "at", (json_int_t) s_daemon_now (client),
                                 "case", request->kase);
    if (s_actions [which].act)
        json_object_set_new (message, "act", json_string (s_actions [which].act));
    else {
        const char *status_text = s_actions [which].status;
        if (streq (s_actions [which].action, "progress") && request->status
        &&  (streq (request->status, "accepted") || streq (request->status, "mediating")))
            status_text = request->status;
        json_object_set_new (message, "status", json_string (status_text));
    }
    if (has_note)
        json_object_set_new (message, s_actions [which].note_key, json_string (request->note));
    if (request->level && streq (s_actions [which].action, "regrade"))
        json_object_set_new (message, "level", json_string (request->level));
    if (streq (s_actions [which].action, "mute"))
        json_object_set_new (message, "until", json_integer (request->until));
    json_object_set_new (message, "person", json_string (user->name));
    char topic [HS_TOPIC_MAX + 1];
    snprintf (topic, sizeof (topic), "%s.%s", s_actions [which].act? "act": "update", user->unit);
    hs_pack_t *pack = hs_pack_new ();
    hs_json_to_pack (message, pack);
    hs_submit_reply_t answer;
    if (hs_client_submit (client, topic, hs_pack_data (pack), hs_pack_size (pack),
                          s_actions [which].action, &answer))
        reply = s_refusal (status, 502, "unavailable", "the daemon did not answer the submit");
    else
    if (answer.status == HS_SUBMIT_REJECTED) {
        bool forbidden = streq (answer.reason, "not_authorized") || streq (answer.reason, "not_routed")
                      || streq (answer.reason, "source_mismatch") || streq (answer.reason, "spoofing");
        reply = s_refusal (status, forbidden? 403: 409, answer.reason, answer.detail);
    }
    else {
        *status = 200;
        reply = json_pack ("{s:b, s:I}", "ok", 1, "seq", (json_int_t) answer.seq);
        hs_log_info ("huishang-web: %s (%s) %s %s: seq %llu", user->name, user->unit,
                   s_actions [which].action, request->kase, (unsigned long long) answer.seq);
    }
    hs_pack_destroy (&pack);
    json_decref (message);
    hs_client_destroy (&client);
    return reply;
}

void
hs_web_act_test (bool verbose)
{
    if (verbose)
        printf (" * hs_web_act: ");
    json_t *kase = json_pack ("{s:s, s:[{s:s, s:s}, {s:s, s:s}]}", "stage", "open",
                              "handlers", "unit", "street.caoyang", "state", "routed",
                              "unit", "hrss", "state", "removed");
    hs_web_user_t street = { .name = "张伟", .unit = "street.caoyang" };
    hs_web_user_t hrss = { .name = "li", .unit = "hrss" };
    hs_web_user_t office = { .name = "wang", .unit = "office" };
    json_t *allowed = hs_web_act_allowed (kase, &street);
    assert (json_array_size (allowed) == 3);
    assert (streq (json_string_value (json_array_get (allowed, 0)), "sign"));
    json_decref (allowed);
    allowed = hs_web_act_allowed (kase, &hrss);          //  removed: nothing
    assert (json_array_size (allowed) == 0);
    json_decref (allowed);
    allowed = hs_web_act_allowed (kase, &office);
    assert (json_array_size (allowed) == 2);             //  regrade, mute on an open case
    json_decref (allowed);
    allowed = hs_web_act_allowed (kase, NULL);
    assert (json_array_size (allowed) == 0);
    json_decref (allowed);
    json_decref (kase);
    if (verbose)
        printf ("OK\n");
}
