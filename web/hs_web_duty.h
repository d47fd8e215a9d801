/*  =========================================================================
    hs_web_duty - the board's meetings, action items and feeders, from the
                  daemon's store

    /api/board's `meetings`, `actions` and `feeders` (web-contract.md):
    the meetings from the api's `meetings` (the open ones whatever their
    age, those with an action item still chased, and every one requested
    in the last HS_WEB_DUTY_RECENT_DAYS days), asked at most once per
    HS_WEB_DUTY_CACHE_MS whatever the number of requests and events; the
    feeders from health's `feeders`. Shared by the HTTP threads (a lock).
    =========================================================================
*/

#ifndef HS_WEB_DUTY_H_INCLUDED
#define HS_WEB_DUTY_H_INCLUDED

#include "hs_web_link.h"

#define HS_WEB_DUTY_CACHE_MS        1500
#define HS_WEB_DUTY_RECENT_DAYS     7

typedef struct _hs_web_duty_t hs_web_duty_t;

hs_web_duty_t *hs_web_duty_new (void);
void hs_web_duty_destroy (hs_web_duty_t **self_p);

//  The three views at `now` (the daemon's clock, from `health`, the api's
//  health reply), each a new array the caller owns: meetings by time,
//  open action items by due time, feeders. Asks the api on `client`
//  when the daemon stored something since the cached meetings were read
//  (health's counters/next_seq), or they are older than
//  HS_WEB_DUTY_CACHE_MS.
//  Returns 0, or -1 if the api did not answer (nothing set).
int hs_web_duty_views (hs_web_duty_t *self, hs_client_t *client, const json_t *health,
                       int64_t now, json_t **meetings, json_t **actions, json_t **feeders);

void hs_web_duty_test (bool verbose);

#endif
