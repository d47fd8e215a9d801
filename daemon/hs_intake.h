/*  =========================================================================
    hs_intake - what the daemon decides about a report, without a store

    The steps of taking in a report that depend only on the configuration:
    reading its body the daemon's way (the guard, msgpack, the decoder),
    finding the street it is about, and classifying the case it opens or
    joins under the rules. The daemon's report handler and the rules tools
    (`huishang rules test`, `rules backtest`) call these same functions,
    so a tool can never judge a report otherwise than the daemon would.
    =========================================================================
*/

#ifndef HS_INTAKE_H_INCLUDED
#define HS_INTAKE_H_INCLUDED

#include "hs_config.h"
#include "../protocol/hs_protocol.h"

//  The street a report is about: its `street` field, or (left out) the
//  reporting street itself. Returns 0 with *street set, or -1 with `why`
//  (unknown_street, or missing_field when a non-street left it out).
int hs_intake_street (hs_units_t *units, const hs_report_t *report, const hs_unit_t **street,
                      hs_why_t *why);

//  Read a report body as the daemon does, at daemon time `now`, and find
//  its street. The report's summary is borrowed from `unpacked`
//  (initialised and destroyed by the caller). Returns 0, or -1 with `why`.
int hs_intake_report (hs_config_t *config, const uint8_t *body, size_t size, int64_t now,
                      msgpack_unpacked *unpacked, hs_report_t *report,
                      const hs_unit_t **street, hs_why_t *why);

//  Classify a case under the rules (hs_rules_classify_case: a person's
//  regrade holds until new facts move the rules past it) and record the
//  decision in it. The decision's strings are borrowed from the rules and
//  the case.
void hs_intake_classify (hs_rules_t *rules, hs_case_t *kase, hs_decision_t *decision);

void hs_intake_test (bool verbose);

#endif
