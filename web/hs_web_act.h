/*  =========================================================================
    hs_web_act - a logged-in user acting on a case from the board

    POST /api/act: the board checks that the user may act at all (a unit's
    own acts — sign, return, progress, resolve — only on a case routed to
    that unit; the office's — close, send_back, regrade, mute — only for the
    office), then sends the update or the act through the daemon's
    acknowledged submit as update.<unit> / act.<unit>, `person` the user's
    name. Everything else (the case's stage, who may by the rules) the
    daemon decides, and its reason code is passed on.
    =========================================================================
*/

#ifndef HS_WEB_ACT_H_INCLUDED
#define HS_WEB_ACT_H_INCLUDED

#include "hs_web_auth.h"
#include "hs_web_link.h"
#include <jansson.h>

//  What an act asks, from the request's form or JSON.
typedef struct {
    const char *kase, *action, *note, *level, *status;
    int64_t until;
} hs_web_act_request_t;

//  The acts `user` may do on the case (its record as JSON): an array of
//  action names. Caller owns it.
json_t *hs_web_act_allowed (const json_t *kase, const hs_web_user_t *user);

//  Do it. Sets *status (200, 400, 403, 404, 409, 502) and returns the
//  reply: {ok: true, seq} or {error, detail}. Caller owns it.
json_t *hs_web_act_run (hs_web_link_t *link, const hs_web_user_t *user,
                        const hs_web_act_request_t *request, int *status);

void hs_web_act_test (bool verbose);

#endif
