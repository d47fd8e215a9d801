/*  =========================================================================
    hs_condition - the small language the rules' conditions are written in
    =========================================================================
*/

#include "hs_condition.h"
#include "hs_zpl.h"
#include "hs_defaults.h"

typedef enum {
    FIELD_ALWAYS, FIELD_WORKERS, FIELD_AMOUNT, FIELD_LEVEL, FIELD_FLAGS,
    FIELD_CATEGORY, FIELD_OWNERSHIP, FIELD_SOURCE, FIELD_SECTOR, FIELD_STREET
} s_field_t;

typedef enum { OP_GE, OP_GT, OP_LE, OP_LT, OP_EQ, OP_NE, OP_HAS, OP_IN } s_op_t;

typedef struct {
    s_field_t field;
    s_op_t op;
    int64_t number;             //  for numeric and level comparisons
    uint32_t set;               //  bit set of flags / categories / ownerships
    char **strings;             //  NULL-terminated, for source / sector / street
} s_term_t;

typedef struct {
    s_term_t *terms;            //  all must hold
    size_t size;
} s_conjunction_t;

typedef struct {
    s_conjunction_t *any;       //  one must hold
    size_t size;
} s_condition_t;

struct _hs_condition_t {
    s_condition_t when;
};


static const char *s_field_names [] = {
    "always", "workers", "amount", "level", "flags",
    "category", "ownership", "source", "sector", "street", NULL
};

static void
s_condition_free (s_condition_t *condition)
{
    for (size_t any = 0; any < condition->size; any++) {
        s_conjunction_t *all = &condition->any [any];
        for (size_t index = 0; index < all->size; index++)
            hs_zpl_words_free (&all->terms [index].strings);
        free (all->terms);
    }
    free (condition->any);
    condition->any = NULL;
    condition->size = 0;
}

//  Compile one term from words [*pos ...]; returns NULL or why not.
static const char *
s_term_compile (char **words, size_t count, size_t *pos, bool allow_level,
                hs_units_t *units, s_term_t *term, char *why, size_t why_size)
{
    memset (term, 0, sizeof (*term));
    const char *name = words [*pos];
    int field = -1;
    for (int index = 0; s_field_names [index]; index++)
        if (streq (s_field_names [index], name))
            field = index;
    if (field < 0) {
        snprintf (why, why_size, "unknown field '%s'", name);
        return why;
    }
    term->field = (s_field_t) field;
    (*pos)++;
    if (term->field == FIELD_ALWAYS)
        return NULL;
    if (term->field == FIELD_LEVEL && !allow_level) {
        snprintf (why, why_size, "'level' can only be used in routing rules");
        return why;
    }
    if (*pos >= count) {
        snprintf (why, why_size, "'%s' needs an operator and a value", name);
        return why;
    }
    const char *op = words [(*pos)++];
    if (streq (op, ">=")) term->op = OP_GE;
    else if (streq (op, ">")) term->op = OP_GT;
    else if (streq (op, "<=")) term->op = OP_LE;
    else if (streq (op, "<")) term->op = OP_LT;
    else if (streq (op, "=")) term->op = OP_EQ;
    else if (streq (op, "!=")) term->op = OP_NE;
    else if (streq (op, "has")) term->op = OP_HAS;
    else {
        snprintf (why, why_size, "unknown operator '%s'", op);
        return why;
    }
    //  The values run to the next "and" / "or" or the end.
    size_t first = *pos;
    while (*pos < count && !streq (words [*pos], "and") && !streq (words [*pos], "or"))
        (*pos)++;
    size_t values = *pos - first;
    if (values == 0) {
        snprintf (why, why_size, "'%s %s' needs a value", name, op);
        return why;
    }
    bool numeric = term->field == FIELD_WORKERS || term->field == FIELD_AMOUNT;
    if (numeric || term->field == FIELD_LEVEL) {
        if (term->op == OP_HAS || values != 1) {
            snprintf (why, why_size, "'%s' compares with one value and >= > <= < = !=", name);
            return why;
        }
        const char *value = words [first];
        if (numeric) {
            char *end;
            term->number = strtoll (value, &end, 10);
            if (*end || term->number < 0) {
                snprintf (why, why_size, "'%s' is not a whole number", value);
                return why;
            }
        }
        else {
            term->number = hs_level_parse (value);
            if (term->number < 0) {
                snprintf (why, why_size, "unknown level '%s'", value);
                return why;
            }
        }
        return NULL;
    }
    if (term->field == FIELD_FLAGS) {
        if (term->op != OP_HAS) {
            snprintf (why, why_size, "flags are tested with 'has'");
            return why;
        }
    }
    else
    if (term->op != OP_EQ && term->op != OP_NE) {
        snprintf (why, why_size, "'%s' is tested with = or !=", name);
        return why;
    }
    if (term->op == OP_EQ)
        term->op = OP_IN;
    term->strings = (char **) zmalloc ((values + 1) * sizeof (char *));
    for (size_t index = 0; index < values; index++) {
        const char *value = words [first + index];
        int parsed = 0;
        if (term->field == FIELD_FLAGS)
            parsed = hs_flag_parse (value);
        else
        if (term->field == FIELD_CATEGORY)
            parsed = hs_category_parse (value);
        else
        if (term->field == FIELD_OWNERSHIP)
            parsed = hs_ownership_parse (value);
        else
        if (term->field == FIELD_SOURCE && !hs_units_find (units, value))
            parsed = -1;
        else
        if (term->field == FIELD_STREET && !hs_units_street (units, value))
            parsed = -1;
        if (parsed < 0) {
            snprintf (why, why_size, "'%s' is not a known value of %s", value, name);
            return why;
        }
        term->set |= 1u << parsed;
        const hs_unit_t *street = term->field == FIELD_STREET? hs_units_street (units, value): NULL;
        term->strings [index] = strdup (street? street->code: value);
    }
    return NULL;
}

static int
s_condition_compile (const char *text, bool allow_level, hs_units_t *units,
                     s_condition_t *condition, char *why, size_t why_size)
{
    memset (condition, 0, sizeof (*condition));
    size_t count;
    char **words = hs_zpl_words (text, &count);
    size_t pos = 0;
    const char *problem = NULL;
    if (count == 0)
        problem = "empty condition";
    condition->any = (s_conjunction_t *) zmalloc ((count + 1) * sizeof (s_conjunction_t));
    s_conjunction_t *all = &condition->any [condition->size++];
    all->terms = (s_term_t *) zmalloc ((count + 1) * sizeof (s_term_t));
    while (!problem && pos < count) {
        problem = s_term_compile (words, count, &pos, allow_level, units,
                                  &all->terms [all->size++], why, why_size);
        if (problem || pos == count)
            break;
        const char *joiner = words [pos++];
        if (pos == count) {
            snprintf (why, why_size, "'%s' at the end of the condition", joiner);
            problem = why;
        }
        else
        if (streq (joiner, "or")) {
            all = &condition->any [condition->size++];
            all->terms = (s_term_t *) zmalloc ((count + 1) * sizeof (s_term_t));
        }
    }
    hs_zpl_words_free (&words);
    if (problem) {
        if (problem != why)
            hs_strcpy (why, why_size, problem);
        s_condition_free (condition);
        return -1;
    }
    return 0;
}

static bool
s_compare (int64_t value, s_op_t op, int64_t number)
{
    switch (op) {
        case OP_GE: return value >= number;
        case OP_GT: return value > number;
        case OP_LE: return value <= number;
        case OP_LT: return value < number;
        case OP_EQ: return value == number;
        case OP_NE: return value != number;
        default:    return false;
    }
}

static bool
s_term_holds (const s_term_t *term, const hs_facts_t *facts, int level)
{
    bool in;
    switch (term->field) {
        case FIELD_ALWAYS:
            return true;
        case FIELD_WORKERS:
            return s_compare (facts->workers, term->op, term->number);
        case FIELD_AMOUNT:
            return facts->amount >= 0 && s_compare (facts->amount, term->op, term->number);
        case FIELD_LEVEL:
            return s_compare (level, term->op, term->number);
        case FIELD_FLAGS:
            return (facts->flags & term->set) != 0;
        case FIELD_CATEGORY:
            in = (term->set & (1u << facts->category)) != 0;
            return term->op == OP_IN? in: !in;
        case FIELD_OWNERSHIP:
            if (facts->ownership < 0)
                return false;
            in = (term->set & (1u << facts->ownership)) != 0;
            return term->op == OP_IN? in: !in;
        case FIELD_SECTOR:
            if (!facts->sector || !*facts->sector)
                return false;
            in = hs_zpl_words_have ((const char *const *) term->strings, facts->sector);
            return term->op == OP_IN? in: !in;
        case FIELD_STREET:
            in = hs_zpl_words_have ((const char *const *) term->strings, facts->street);
            return term->op == OP_IN? in: !in;
        case FIELD_SOURCE:
            in = false;
            for (const char **source = facts->sources; source && *source; source++)
                if (hs_zpl_words_have ((const char *const *) term->strings, *source))
                    in = true;
            return term->op == OP_IN? in: !in;
    }
    return false;
}

static bool
s_condition_holds (const s_condition_t *condition, const hs_facts_t *facts, int level)
{
    for (size_t any = 0; any < condition->size; any++) {
        const s_conjunction_t *all = &condition->any [any];
        bool holds = true;
        for (size_t index = 0; holds && index < all->size; index++)
            holds = s_term_holds (&all->terms [index], facts, level);
        if (holds)
            return true;
    }
    return false;
}


hs_condition_t *
hs_condition_new (const char *text, bool allow_level, hs_units_t *units, char *why, size_t why_size)
{
    hs_condition_t *self = (hs_condition_t *) zmalloc (sizeof (hs_condition_t));
    if (s_condition_compile (text, allow_level, units, &self->when, why, why_size)) {
        free (self);
        return NULL;
    }
    return self;
}

void
hs_condition_destroy (hs_condition_t **self_p)
{
    assert (self_p);
    if (*self_p) {
        s_condition_free (&(*self_p)->when);
        free (*self_p);
        *self_p = NULL;
    }
}

bool
hs_condition_holds (const hs_condition_t *self, const hs_facts_t *facts, int level)
{
    return s_condition_holds (&self->when, facts, level);
}

void
hs_condition_test (bool verbose)
{
    if (verbose)
        printf (" * hs_condition: ");
    char error [256];
    hs_zpl_t *zpl = hs_zpl_load_text (hs_default_units_cfg, "units.cfg", error, sizeof (error));
    hs_units_t *units = hs_units_load (zpl, error, sizeof (error));
    assert (units);
    char why [160];
    const char *sources [] = { "petition", NULL };
    hs_facts_t facts = { .workers = 12, .amount = -1, .flags = 1u << HS_FLAG_MEDIA,
                         .category = HS_CATEGORY_LAYOFF, .ownership = -1, .sector = "",
                         .street = "street.wanli", .sources = sources };
    hs_condition_t *condition = hs_condition_new ("workers >= 30 or flags has media and "
                                                  "source = petition", false, units, why, sizeof (why));
    assert (condition && hs_condition_holds (condition, &facts, HS_LEVEL_GENERAL));
    sources [0] = "hrss";
    assert (!hs_condition_holds (condition, &facts, HS_LEVEL_GENERAL));
    hs_condition_destroy (&condition);
    //  A missing amount satisfies no term, not even "!=".
    condition = hs_condition_new ("amount != 5", false, units, why, sizeof (why));
    assert (condition && !hs_condition_holds (condition, &facts, HS_LEVEL_GENERAL));
    hs_condition_destroy (&condition);
    condition = hs_condition_new ("level >= major and street = wanli", true, units, why, sizeof (why));
    assert (condition && hs_condition_holds (condition, &facts, HS_LEVEL_CRITICAL));
    assert (!hs_condition_holds (condition, &facts, HS_LEVEL_SIGNIFICANT));
    hs_condition_destroy (&condition);
    //  Refused when it compiles, with the reason.
    assert (!hs_condition_new ("level >= major", false, units, why, sizeof (why)));
    assert (!hs_condition_new ("workers >> 3", false, units, why, sizeof (why)));
    assert (!hs_condition_new ("street = nowhere", false, units, why, sizeof (why)));
    assert (!hs_condition_new ("always or", false, units, why, sizeof (why)));
    assert (!hs_condition_new ("", false, units, why, sizeof (why)));
    hs_units_destroy (&units);
    hs_zpl_destroy (&zpl);
    if (verbose)
        printf ("OK\n");
}
