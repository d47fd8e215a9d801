/*  =========================================================================
    hs_web_board - the board's JSON views, built from the daemon's api

    /api/config, /api/board, /api/case/<id> and /api/briefing as
    web-contract.md says (every time an int of ms since the epoch, the
    page formats it in the district's zone). Each view asks the api on a
    client of its own, made for the request and destroyed with it.
    =========================================================================
*/

#ifndef HS_WEB_BOARD_H_INCLUDED
#define HS_WEB_BOARD_H_INCLUDED

#include "hs_web_auth.h"
#include "hs_web_feed.h"
#include "hs_web_duty.h"
#include "hs_web_link.h"

//  The district's zone, as the page shows it ("Asia/Shanghai", "UTC+05:30").
void hs_web_board_zone_name (int64_t offset_ms, char *out, size_t size);

//  GET /api/config. `user` NULL: nobody logged in.
json_t *hs_web_board_config (hs_web_link_t *link, hs_web_feed_t *feed, const hs_web_user_t *user);

//  GET /api/board, its meetings, actions and feeders from `duty`. Sets
//  *status (200, or 502 when the api did not answer: then the body is
//  {error, code}).
json_t *hs_web_board_board (hs_web_link_t *link, hs_web_duty_t *duty, int *status);

//  GET /api/case/<id>: {case, history, why, actions}; 404 {error, code}
//  for a case the daemon does not know, 502 when it did not answer.
json_t *hs_web_board_case (hs_web_link_t *link, const char *id, const hs_web_user_t *user,
                           int *status);

void hs_web_board_test (bool verbose);

#endif
