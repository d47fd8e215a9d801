/*  =========================================================================
    hs_fuzz_rules - libFuzzer target: a rules file, then classification

    The input is a rules file in ZPL. Whatever it says, loading must either
    refuse it with a line-numbered reason or accept it, and an accepted
    rule set must classify any facts without fault. Run with `make fuzz`.
    =========================================================================
*/

#include "../../daemon/hs_config.h"

static hs_units_t *s_units;
static hs_zpl_t *s_units_zpl;

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
    char error [512];
    if (!s_units) {
        zsys_init ();
        zsys_set_logstream (NULL);
        s_units_zpl = hs_zpl_load_text (hs_config_default_units (), "units.cfg", error, sizeof (error));
        s_units = hs_units_load (s_units_zpl, error, sizeof (error));
    }
    char *text = (char *) malloc (size + 1);
    memcpy (text, data, size);
    text [size] = 0;
    hs_zpl_t *zpl = hs_zpl_load_text (text, "fuzz.cfg", error, sizeof (error));
    if (zpl) {
        hs_rules_t *rules = hs_rules_load (zpl, s_units, error, sizeof (error));
        if (rules) {
            const char *sources [] = { "petition", "street.caoyang", NULL };
            for (int round = 0; round < 8; round++) {
                hs_facts_t facts = {
                    .workers = round * 17, .amount = round % 2? -1: round * 400000,
                    .flags = (uint32_t) (round * 37) & 0x1ff, .category = round % HS_CATEGORY_COUNT,
                    .ownership = round % 3 - 1, .sector = round % 2? "commerce": "",
                    .street = "street.caoyang", .sources = sources
                };
                hs_decision_t decision;
                hs_rules_classify (rules, &facts, round % 5 - 1, &decision);
                if (decision.level < 0 || decision.level >= HS_LEVEL_COUNT)
                    __builtin_trap ();
                hs_ladder_actions_t actions;
                hs_rules_actions (rules, round % 5 - 1, decision.level, &actions);
            }
            hs_rules_destroy (&rules);
        }
        else
        if (!strstr (error, "fuzz.cfg"))
            __builtin_trap ();          //  a refusal names the file
        hs_zpl_destroy (&zpl);
    }
    else
    if (!strstr (error, "fuzz.cfg"))
        __builtin_trap ();
    free (text);
    return 0;
}
