/*  =========================================================================
    hs_condition - the small language the rules' conditions are written in

    A condition ("when") is one or more terms joined by "and" / "or"
    ("and" binds tighter):
        always
        workers|amount  >= > <= < = !=  NUMBER
        level           >= > <= < = !=  general|significant|major|critical
        flags has FLAG [FLAG ...]                           (any of them)
        category|ownership|source|sector|street = VALUE [VALUE ...]  (any)
    It compiles to a disjunction of conjunctions of terms, each testing one
    field of a case's facts. Everything is checked when it compiles
    (fields, operators, values, unit codes), so that evaluating it cannot
    fail. A missing amount, ownership or sector never satisfies a term.
    =========================================================================
*/

#ifndef HS_CONDITION_H_INCLUDED
#define HS_CONDITION_H_INCLUDED

#include "hs_units.h"
#include "../protocol/hs_proto.h"

//  What the rules look at: a case's merged facts.
typedef struct {
    int64_t workers;
    int64_t amount;             //  -1 when unknown
    uint32_t flags;
    int category;
    int ownership;              //  -1 when unknown
    const char *sector;         //  "" when unknown
    const char *street;         //  the street's unit code
    const char **sources;       //  units that reported it, NULL-terminated
} hs_facts_t;

typedef struct _hs_condition_t hs_condition_t;

//  Compile a condition; `level` terms are allowed only when `allow_level`
//  (routing: the level severity decided). Returns a new condition (caller
//  owns it), or NULL with the reason in `why`.
hs_condition_t *hs_condition_new (const char *text, bool allow_level, hs_units_t *units,
                                  char *why, size_t why_size);
void hs_condition_destroy (hs_condition_t **self_p);

//  True if the condition holds for the facts at `level`.
bool hs_condition_holds (const hs_condition_t *self, const hs_facts_t *facts, int level);

void hs_condition_test (bool verbose);

#endif
