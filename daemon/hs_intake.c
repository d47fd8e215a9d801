/*  =========================================================================
    hs_intake - what the daemon decides about a report, without a store
    =========================================================================
*/

#include "hs_intake.h"
#include "hs_cases.h"

int
hs_intake_street (hs_units_t *units, const hs_report_t *report, const hs_unit_t **street,
                  hs_why_t *why)
{
    if (*report->street) {
        *street = hs_units_street (units, report->street);
        if (!*street)
            return hs_why (why, "unknown_street", "'%s' is not a street or town of ours",
                           report->street);
        return 0;
    }
    *street = hs_units_street (units, report->source);
    if (!*street)
        return hs_why (why, "missing_field", "required field 'street' is missing "
                       "(only a street's own reports may leave it out)");
    return 0;
}

int
hs_intake_report (hs_config_t *config, const uint8_t *body, size_t size, int64_t now,
                  msgpack_unpacked *unpacked, hs_report_t *report, const hs_unit_t **street,
                  hs_why_t *why)
{
    if (hs_proto_unpack_map (body, size, &config->limits, unpacked, why)
    ||  hs_report_decode (&unpacked->data, &config->limits, now, report, why))
        return -1;
    return hs_intake_street (config->units, report, street, why);
}

void
hs_intake_classify (hs_rules_t *rules, hs_case_t *kase, hs_decision_t *decision)
{
    const char *sources [HS_CASE_MAX_SOURCES + 1];
    hs_facts_t facts;
    hs_cases_facts (kase, &facts, sources);
    hs_rules_classify_case (rules, &facts, kase->level, kase->rules_level, decision);
    hs_cases_classified (kase, decision, hs_rules_version (rules));
}

void
hs_intake_test (bool verbose)
{
    if (verbose)
        printf (" * hs_intake: ");
    char error [256];
    hs_config_t *config = hs_config_load (NULL, error, sizeof (error));
    assert (config);
    hs_report_t report = { .id = "r1", .source = "street.caoyang", .enterprise = "某厂",
                           .ownership = -1, .category = HS_CATEGORY_LAYOFF, .workers = 35,
                           .amount = -1, .flags = 1u << HS_FLAG_GATHERING, .at = 1780000000000LL };
    hs_pack_t *pack = hs_pack_new ();
    hs_report_encode (&report, pack);
    msgpack_unpacked unpacked;
    msgpack_unpacked_init (&unpacked);
    hs_report_t read;
    const hs_unit_t *street;
    hs_why_t why;
    //  A street's own report may leave its street out.
    assert (hs_intake_report (config, hs_pack_data (pack), hs_pack_size (pack), report.at,
                              &unpacked, &read, &street, &why) == 0);
    assert (streq (street->code, "street.caoyang"));
    msgpack_unpacked_destroy (&unpacked);
    hs_case_t *kase = (hs_case_t *) zmalloc (sizeof (hs_case_t));
    hs_case_open (kase, "putuo-1", 1, &read, street->code);
    hs_decision_t decision;
    hs_intake_classify (config->rules, kase, &decision);
    assert (decision.level == HS_LEVEL_MAJOR && kase->level == HS_LEVEL_MAJOR);
    assert (hs_case_has_unit (kase, "police") && hs_case_has_unit (kase, "convener"));
    //  An agency's must name it, and name one of ours.
    strcpy (report.source, "hrss");
    hs_pack_reset (pack);
    hs_report_encode (&report, pack);
    msgpack_unpacked_init (&unpacked);
    assert (hs_intake_report (config, hs_pack_data (pack), hs_pack_size (pack), report.at,
                              &unpacked, &read, &street, &why) == -1);
    assert (streq (why.code, "missing_field"));
    msgpack_unpacked_destroy (&unpacked);
    strcpy (report.street, "atlantis");
    hs_pack_reset (pack);
    hs_report_encode (&report, pack);
    msgpack_unpacked_init (&unpacked);
    assert (hs_intake_report (config, hs_pack_data (pack), hs_pack_size (pack), report.at,
                              &unpacked, &read, &street, &why) == -1);
    assert (streq (why.code, "unknown_street"));
    msgpack_unpacked_destroy (&unpacked);
    free (kase);
    hs_pack_destroy (&pack);
    hs_config_destroy (&config);
    if (verbose)
        printf ("OK\n");
}
