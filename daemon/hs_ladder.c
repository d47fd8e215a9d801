/*  =========================================================================
    hs_ladder - the supervision ladder of something due by a date

    Plain time, not working days: a meeting or the office sets a date,
    and that date is what the person was given.
    =========================================================================
*/

#include "hs_ladder.h"
#include "hs_defaults.h"

int64_t
hs_ladder_rung_at (int64_t start, int64_t due, int rung)
{
    int64_t span = due - start > 0? due - start: 1;
    return due + (rung - 1) * span;
}

int
hs_ladder_climb (int64_t start, int64_t due, int64_t now, int64_t repeat_ms,
                 int *rung, int *notices, int64_t *next)
{
    int reached = HS_RUNG_REMIND;
    while (reached < HS_RUNG_CIRCULATE && now >= hs_ladder_rung_at (start, due, reached + 1))
        reached++;
    if (reached < *rung)
        reached = *rung;
    *rung = reached;
    (*notices)++;
    *next = now + repeat_ms;
    if (reached < HS_RUNG_CIRCULATE && hs_ladder_rung_at (start, due, reached + 1) < *next)
        *next = hs_ladder_rung_at (start, due, reached + 1);
    return reached;
}

int64_t
hs_ladder_sooner (int64_t one, int64_t two)
{
    return !one? two: !two? one: one < two? one: two;
}

size_t
hs_ladder_told (const hs_policy_t *policy, int rung, const char *unit, const char **list,
                size_t max)
{
    hs_notice_t notice = rung == HS_RUNG_REMIND? HS_NOTICE_REMIND:
                         rung == HS_RUNG_SUPERVISE? HS_NOTICE_SUPERVISE: HS_NOTICE_CIRCULATE;
    return hs_policy_told (policy, notice, unit, list, 0, max);
}

size_t
hs_ladder_told_done (const hs_policy_t *policy, const char *unit, const char **list,
                     size_t max)
{
    size_t count = hs_policy_told (policy, HS_NOTICE_SUPERVISE, unit, list, 0, max);
    bool there = false;
    for (size_t index = 0; index < count; index++)
        there = there || streq (list [index], unit);
    if (!there && count + 1 < max) {
        list [count++] = unit;
        list [count] = NULL;
    }
    return count;
}

//  ---------------------------------------------------------------------
//  Self test

void
hs_ladder_test (bool verbose)
{
    if (verbose)
        printf (" * hs_ladder: ");
    //  Due at 1000 after 0: 2x at 2000, 3x at 3000; no time at all, a
    //  millisecond a rung.
    assert (hs_ladder_rung_at (0, 1000, 1) == 1000 && hs_ladder_rung_at (0, 1000, 2) == 2000
         && hs_ladder_rung_at (0, 1000, 3) == 3000);
    assert (hs_ladder_rung_at (1000, 1000, 3) == 1002);
    //  At due: remind, the next at the next rung (sooner than the repeat).
    int rung = HS_RUNG_NONE, notices = 0;
    int64_t next = 0;
    assert (hs_ladder_climb (0, 1000, 1000, 5000, &rung, &notices, &next) == HS_RUNG_REMIND);
    assert (notices == 1 && next == 2000);
    //  A repeat that comes sooner than the next rung wins.
    assert (hs_ladder_climb (0, 1000, 2000, 300, &rung, &notices, &next) == HS_RUNG_SUPERVISE);
    assert (notices == 2 && next == 2300);
    //  Down through two rungs: one notice, at the highest; then repeats.
    rung = HS_RUNG_NONE;
    notices = 0;
    assert (hs_ladder_climb (0, 1000, 3500, 5000, &rung, &notices, &next) == HS_RUNG_CIRCULATE);
    assert (notices == 1 && next == 8500);
    //  Never below the rung reached (a due time moved later).
    assert (hs_ladder_climb (0, 9000, 9000, 5000, &rung, &notices, &next) == HS_RUNG_CIRCULATE);
    assert (hs_ladder_sooner (0, 7) == 7 && hs_ladder_sooner (7, 0) == 7
         && hs_ladder_sooner (7, 5) == 5 && hs_ladder_sooner (0, 0) == 0);

    //  Who is told: the shipped notices (remind the unit, supervise the
    //  office, circulate both); done: the office, then the unit.
    char error [256];
    hs_zpl_t *units_zpl = hs_zpl_load_text (hs_default_units_cfg, "units.cfg", error,
                                            sizeof (error));
    hs_units_t *units = hs_units_load (units_zpl, error, sizeof (error));
    hs_zpl_t *zpl = hs_zpl_load_text (hs_default_rules_cfg, "rules.cfg", error, sizeof (error));
    hs_policy_t policy;
    assert (units && zpl && hs_policy_load (&policy, zpl, zconfig_locate (hs_zpl_root (zpl),
                                            "rules"), units, error, sizeof (error)) == 0);
    const char *told [8];
    assert (hs_ladder_told (&policy, HS_RUNG_REMIND, "street.wanli", told, 8) == 1
         && streq (told [0], "street.wanli"));
    assert (hs_ladder_told (&policy, HS_RUNG_SUPERVISE, "street.wanli", told, 8) == 1
         && streq (told [0], "office"));
    assert (hs_ladder_told (&policy, HS_RUNG_CIRCULATE, "street.wanli", told, 8) == 2
         && streq (told [0], "office") && streq (told [1], "street.wanli") && !told [2]);
    assert (hs_ladder_told_done (&policy, "hrss", told, 8) == 2
         && streq (told [0], "office") && streq (told [1], "hrss") && !told [2]);
    assert (hs_ladder_told_done (&policy, "office", told, 8) == 1 && !told [1]);
    hs_policy_free (&policy);
    hs_zpl_destroy (&zpl);
    hs_units_destroy (&units);
    hs_zpl_destroy (&units_zpl);
    if (verbose)
        printf ("OK\n");
}
