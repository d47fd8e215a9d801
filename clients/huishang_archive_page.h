/*  =========================================================================
    huishang_archive_page - the pages of an archive export

    The index of an export (index.html: the period, the counts, and a
    table each of the filed cases, the meetings and the briefings, each
    row linking its page), a meeting's page (its facts, the invited
    units and their answers, its action items, every meeting.* event about
    it) and a briefing's page (every key of the briefing as published).
    Chinese first, English beside it; inline CSS, no script, nothing
    fetched; everything from the store escaped (huishang_html). The
    documents are those huishang_archive read, as JSON (jansson).
    =========================================================================
*/

#ifndef HUISHANG_ARCHIVE_PAGE_H_INCLUDED
#define HUISHANG_ARCHIVE_PAGE_H_INCLUDED

#include "../daemon/hs_config.h"
#include <jansson.h>
#include <stdio.h>

//  A meeting: its id, its record (the api's `meeting`, or NULL) and its
//  events ([{seq, topic, body}]).
void huishang_archive_page_meeting (FILE *out, hs_config_t *config, const char *id,
                                    json_t *record, json_t *events);

//  A briefing: {seq, topic, body}.
void huishang_archive_page_briefing (FILE *out, hs_config_t *config, json_t *event);

//  The index: `cases` [{case, filed, record, events, html, json}],
//  `meetings` id -> {record, events, html} in the order of `order`,
//  `briefings` [{seq, topic, body, html}].
void huishang_archive_page_index (FILE *out, hs_config_t *config, int64_t since, int64_t until,
                                  json_t *cases, json_t *meetings, json_t *order,
                                  json_t *briefings);

#endif
