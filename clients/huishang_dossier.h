/*  =========================================================================
    huishang_dossier - a whole case as one document: huishang dossier

        huishang dossier CASE [--json] [-o FILE] [--api EP] [--timeout D]

    The case record and every event of its history, all pages of the
    api's `case` (PROTOCOL.md §6.2, §6.7) joined, as one self-contained
    HTML page a person prints or hands over (卷宗: Chinese first, English
    second; inline CSS, nothing fetched), or with --json as one JSON
    document {v, case, history}. To stdout, or to FILE, which appears
    whole or not at all.
    =========================================================================
*/

#ifndef HUISHANG_DOSSIER_H_INCLUDED
#define HUISHANG_DOSSIER_H_INCLUDED

#include "hs_client.h"
#include <jansson.h>

//  Run `huishang dossier`: argv [0] is "dossier". Returns the exit code:
//  0 written, 1 the daemon did not answer, refused (no such case) or the
//  file could not be written (said on stderr), 2 a usage error.
int huishang_dossier_main (hs_client_t *client, hs_config_t *config, int argc, char *argv []);

//  Write the dossier of `case_id` to `html_path` and, if not NULL, its
//  --json form to `json_path` (huishang archive), each whole or not at
//  all. *events: the events of its history; *kase (if not NULL): the
//  case record as JSON (the caller's). Returns 0, or -1 (said).
int huishang_dossier_write (hs_client_t *client, hs_config_t *config, const char *case_id,
                            const char *html_path, const char *json_path, size_t *events,
                            json_t **kase);

#endif
