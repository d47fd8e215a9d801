/*  =========================================================================
    hs_caseacts - what people of the mechanism decide on a case (act.<unit>)

    The office reviews a resolved case and closes it (审核办结) or sends it
    back; a street or the union asks the workers after closure (回访), and
    "not satisfied" opens the case again; the office or the convener
    re-grades it, up or down, with a reason; the office merges two cases
    about one dispute, splits a report off into a case of its own, mutes
    a case's reminders until a time, re-routes it or insists that a unit
    that returned it keeps it. Each is accepted only from the units the
    authority table allows (with security on, under that unit's key), is
    stored as an `act` event in the history, and says what it did in an
    alert: nothing a person does is silent.
    =========================================================================
*/

#ifndef HS_CASEACTS_H_INCLUDED
#define HS_CASEACTS_H_INCLUDED

#include "hs_casework.h"

typedef struct _hs_caseacts_t hs_caseacts_t;

//  People's steps on the cases `casework` keeps (borrowed; `config`
//  until hs_caseacts_set_config). Caller owns the result.
hs_caseacts_t *hs_caseacts_new (hs_casework_t *casework, hs_stats_t *stats,
                                hs_notices_t *notices, hs_config_t *config);
void hs_caseacts_destroy (hs_caseacts_t **self_p);

void hs_caseacts_set_config (hs_caseacts_t *self, hs_config_t *config);

//  Handler of act.<unit> (hs_ingest_handler_fn).
int hs_caseacts_act (void *self, hs_msg_t *msg);

void hs_caseacts_test (bool verbose);

#endif
