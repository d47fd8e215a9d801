/*  =========================================================================
    hs_rules - severity, routing and the escalation ladder, as data

    A condition compiles to a disjunction of conjunctions of terms; each
    term tests one field of the facts. Everything is checked at load time
    (fields, operators, values, unit codes) so that classification cannot
    fail and a bad rules file is refused with its line.
    =========================================================================
*/

#include "hs_rules.h"
#include "hs_config.h"

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

typedef struct {
    char *name;                 //  the rule's name, as reported in `reasons`
    int level;                  //  severity rules: the level it raises to
    char *unit;                 //  routing rules: the unit routed ("street": the case's)
    s_condition_t when;
} s_rule_t;

typedef struct {
    char **notify;              //  roles added at this level, NULL-terminated
    char **escalate;            //  upward reports, NULL-terminated
    char *meeting;              //  urgency, or NULL
    bool meeting_members;
    int64_t deadline_ms;
} s_step_t;

struct _hs_rules_t {
    char version [41];          //  SHA-1 of the rules text
    s_rule_t *severity;         //  severity rules, document order
    size_t severity_size;
    s_rule_t *routing;          //  routing rules, document order
    size_t routing_size;
    s_step_t ladder [HS_LEVEL_COUNT];
    hs_policy_t policy;         //  supervision, warnings, meetings, briefs
    char **chairs;              //  owns policy.chairs' strings
    char *lead;                 //  owns policy.lead
};

//  ---------------------------------------------------------------------
//  Small helpers for NULL-terminated string vectors

static char **
s_split (const char *text, size_t *count)
{
    char *copy = strdup (text? text: "");
    size_t size = 0, capacity = 4;
    char **words = (char **) zmalloc ((capacity + 1) * sizeof (char *));
    for (char *word = strtok (copy, " \t"); word; word = strtok (NULL, " \t")) {
        if (size == capacity) {
            capacity *= 2;
            words = (char **) realloc (words, (capacity + 1) * sizeof (char *));
            assert (words);
        }
        words [size++] = strdup (word);
    }
    words [size] = NULL;
    free (copy);
    if (count)
        *count = size;
    return words;
}

static void
s_strv_free (char ***words_p)
{
    if (*words_p) {
        for (char **word = *words_p; *word; word++)
            free (*word);
        free (*words_p);
        *words_p = NULL;
    }
}

static bool
s_strv_has (const char **words, const char *word)
{
    for (; words && *words; words++)
        if (streq (*words, word))
            return true;
    return false;
}

//  Append to a NULL-terminated fixed array if not there yet.
static void
s_out_add (const char **list, const char *item)
{
    size_t size = 0;
    for (; list [size]; size++)
        if (streq (list [size], item))
            return;
    if (size < HS_RULES_MAX_OUT) {
        list [size] = item;
        list [size + 1] = NULL;
    }
}

//  ---------------------------------------------------------------------
//  Conditions

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
            s_strv_free (&all->terms [index].strings);
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
    char **words = s_split (text, &count);
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
    s_strv_free (&words);
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
            in = s_strv_has ((const char **) term->strings, facts->sector);
            return term->op == OP_IN? in: !in;
        case FIELD_STREET:
            in = s_strv_has ((const char **) term->strings, facts->street);
            return term->op == OP_IN? in: !in;
        case FIELD_SOURCE:
            in = false;
            for (const char **source = facts->sources; source && *source; source++)
                if (s_strv_has ((const char **) term->strings, *source))
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

//  ---------------------------------------------------------------------
//  Loading

//  Every key under `node` must be one of `keys` (NULL-terminated): a typo
//  is an error at its line, never a setting silently ignored.
static int
s_only_keys (hs_zpl_t *zpl, zconfig_t *node, const char *const *keys, char *error,
             size_t error_size)
{
    for (zconfig_t *child = node? zconfig_child (node): NULL; child; child = zconfig_next (child)) {
        bool known = false;
        for (size_t index = 0; keys [index] && !known; index++)
            known = streq (zconfig_name (child), keys [index]);
        if (!known) {
            char expected [200] = "";
            for (size_t index = 0; keys [index]; index++)
                snprintf (expected + strlen (expected), sizeof (expected) - strlen (expected),
                          "%s%s", index? ", ": "", keys [index]);
            return hs_zpl_error (zpl, child, error, error_size, "unknown key '%s' in '%s' "
                                 "(expected %s)", zconfig_name (child), zconfig_name (node), expected);
        }
    }
    return 0;
}

static int
s_load_rules (hs_zpl_t *zpl, zconfig_t *section, bool routing, hs_units_t *units,
              s_rule_t **rules_p, size_t *size_p, char *error, size_t error_size)
{
    size_t capacity = 0;
    for (zconfig_t *node = zconfig_child (section); node; node = zconfig_next (node))
        capacity++;
    s_rule_t *rules = (s_rule_t *) zmalloc ((capacity + 1) * sizeof (s_rule_t));
    *rules_p = rules;
    *size_p = 0;
    static const char *severity_keys [] = { "level", "when", NULL };
    static const char *routing_keys [] = { "when", NULL };
    for (zconfig_t *node = zconfig_child (section); node; node = zconfig_next (node)) {
        s_rule_t *rule = &rules [*size_p];
        const char *name = zconfig_name (node);
        if (s_only_keys (zpl, node, routing? routing_keys: severity_keys, error, error_size))
            return -1;
        zconfig_t *when = zconfig_locate (node, "when");
        if (!when)
            return hs_zpl_error (zpl, node, error, error_size, "rule '%s' has no 'when'", name);
        if (routing) {
            if (!streq (name, "street")) {
                const hs_unit_t *unit = hs_units_find (units, name);
                if (!unit || unit->kind != HS_UNIT_AGENCY)
                    return hs_zpl_error (zpl, node, error, error_size,
                                         "'%s' is not an agency in the units file", name);
            }
            rule->unit = strdup (name);
            rule->name = (char *) zmalloc (strlen (name) + 8);
            sprintf (rule->name, "route.%s", name);
        }
        else {
            zconfig_t *level = zconfig_locate (node, "level");
            rule->level = level? hs_level_parse (zconfig_value (level)): -1;
            if (rule->level < 0)
                return hs_zpl_error (zpl, level? level: node, error, error_size,
                                     "rule '%s' needs level = general|significant|major|critical", name);
            rule->name = strdup (name);
        }
        (*size_p)++;
        char why [160];
        if (s_condition_compile (zconfig_value (when), routing, units, &rule->when, why, sizeof (why)))
            return hs_zpl_error (zpl, when, error, error_size, "rule '%s': %s", name, why);
    }
    return 0;
}

static int
s_load_ladder (hs_rules_t *self, hs_zpl_t *zpl, zconfig_t *section, hs_units_t *units,
               char *error, size_t error_size)
{
    static const char *keys [] = { "notify", "escalate", "meeting", "participants", "deadline", NULL };
    for (zconfig_t *node = zconfig_child (section); node; node = zconfig_next (node)) {
        if (s_only_keys (zpl, node, keys, error, error_size))
            return -1;
        int level = hs_level_parse (zconfig_name (node));
        if (level < 0)
            return hs_zpl_error (zpl, node, error, error_size, "'%s' is not a level", zconfig_name (node));
        s_step_t *step = &self->ladder [level];
        if (step->notify)
            return hs_zpl_error (zpl, node, error, error_size, "level '%s' appears twice", zconfig_name (node));
        step->notify = s_split (zconfig_get (node, "notify", ""), NULL);
        for (char **unit = step->notify; *unit; unit++)
            if (!hs_units_find (units, *unit))
                return hs_zpl_error (zpl, zconfig_locate (node, "notify"), error, error_size,
                                     "unknown unit '%s'", *unit);
        step->escalate = s_split (zconfig_get (node, "escalate", ""), NULL);
        size_t count = 0;
        for (char **target = step->escalate; *target; target++, count++)
            if (!(streq (*target, "district") || streq (*target, "city")) || count >= 7)
                return hs_zpl_error (zpl, zconfig_locate (node, "escalate"), error, error_size,
                                     "escalate takes district and/or city, not '%s'", *target);
        zconfig_t *meeting = zconfig_locate (node, "meeting");
        if (meeting) {
            const char *urgency = zconfig_value (meeting);
            if (!(streq (urgency, "normal") || streq (urgency, "urgent")))
                return hs_zpl_error (zpl, meeting, error, error_size, "meeting must be normal or urgent");
            step->meeting = strdup (urgency);
            zconfig_t *participants = zconfig_locate (node, "participants");
            const char *who = participants? zconfig_value (participants): "";
            if (!(streq (who, "routed") || streq (who, "members")))
                return hs_zpl_error (zpl, participants? participants: node, error, error_size,
                                     "participants must be routed or members");
            step->meeting_members = streq (who, "members");
            zconfig_t *deadline = zconfig_locate (node, "deadline");
            if (!deadline || hs_zpl_duration (zconfig_value (deadline), &step->deadline_ms)
            ||  step->deadline_ms <= 0)
                return hs_zpl_error (zpl, deadline? deadline: node, error, error_size,
                                     "a meeting needs a deadline such as 24h");
        }
    }
    for (int level = 0; level < HS_LEVEL_COUNT; level++) {
        if (!self->ladder [level].notify)
            self->ladder [level].notify = s_split ("", NULL);
        if (!self->ladder [level].escalate)
            self->ladder [level].escalate = s_split ("", NULL);
    }
    return 0;
}

//  Read a duration / a whole number at path under `section`.
static int
s_policy_duration (hs_zpl_t *zpl, zconfig_t *section, const char *path, int64_t *value,
                   char *error, size_t error_size)
{
    zconfig_t *node = section? zconfig_locate (section, path): NULL;
    if (!node || hs_zpl_duration (zconfig_value (node), value) || *value <= 0)
        return hs_zpl_error (zpl, node? node: section, error, error_size,
                             "'%s' must be a duration such as 24h", path);
    return 0;
}

static int
s_policy_number (hs_zpl_t *zpl, zconfig_t *section, const char *path, int min, int max,
                 int *value, char *error, size_t error_size)
{
    zconfig_t *node = section? zconfig_locate (section, path): NULL;
    char *end = NULL;
    long number = node? strtol (zconfig_value (node), &end, 10): 0;
    if (!node || !end || *end || !*zconfig_value (node) || number < min || number > max)
        return hs_zpl_error (zpl, node? node: section, error, error_size,
                             "'%s' must be a whole number from %d to %d", path, min, max);
    *value = (int) number;
    return 0;
}

//  "HH:MM" -> minute of day, or -1.
static int
s_minute_of_day (const char *text)
{
    int hours, minutes;
    char tail;
    if (sscanf (text, "%2d:%2d%c", &hours, &minutes, &tail) != 2
    ||  hours < 0 || hours > 23 || minutes < 0 || minutes > 59)
        return -1;
    return hours * 60 + minutes;
}

static int
s_load_policy (hs_rules_t *self, hs_zpl_t *zpl, zconfig_t *root, hs_units_t *units,
               char *error, size_t error_size)
{
    hs_policy_t *policy = &self->policy;
    static const char *supervision_keys [] = { "general", "significant", "major", "critical", NULL };
    static const char *warnings_keys [] = { "enterprise", "street", "prompt", NULL };
    static const char *enterprise_keys [] = { "window", "threshold", "raise", NULL };
    static const char *street_keys [] = { "window", "threshold", NULL };
    static const char *prompt_keys [] = { "window", "streets", NULL };
    static const char *meetings_keys [] = { "chairs", "lead", "quorum", "plenary_deadline", NULL };
    static const char *briefs_keys [] = { "daily", "weekly", NULL };
    zconfig_t *warnings_node = zconfig_locate (root, "warnings");
    if (s_only_keys (zpl, zconfig_locate (root, "supervision"), supervision_keys, error, error_size)
    ||  s_only_keys (zpl, warnings_node, warnings_keys, error, error_size)
    ||  s_only_keys (zpl, warnings_node? zconfig_locate (warnings_node, "enterprise"): NULL,
                     enterprise_keys, error, error_size)
    ||  s_only_keys (zpl, warnings_node? zconfig_locate (warnings_node, "street"): NULL,
                     street_keys, error, error_size)
    ||  s_only_keys (zpl, warnings_node? zconfig_locate (warnings_node, "prompt"): NULL,
                     prompt_keys, error, error_size)
    ||  s_only_keys (zpl, zconfig_locate (root, "meetings"), meetings_keys, error, error_size)
    ||  s_only_keys (zpl, zconfig_locate (root, "briefs"), briefs_keys, error, error_size))
        return -1;
    zconfig_t *supervision = zconfig_locate (root, "supervision");
    for (int level = 0; level < HS_LEVEL_COUNT; level++)
        if (s_policy_duration (zpl, supervision? supervision: root, hs_level_name (level),
                               &policy->due_ms [level], error, error_size))
            return -1;
    zconfig_t *warnings = zconfig_locate (root, "warnings");
    if (!warnings)
        return hs_zpl_error (zpl, root, error, error_size, "rules need a 'warnings' section");
    if (s_policy_duration (zpl, warnings, "enterprise/window", &policy->enterprise_window_ms, error, error_size)
    ||  s_policy_number (zpl, warnings, "enterprise/threshold", 2, 1000, &policy->enterprise_threshold, error, error_size)
    ||  s_policy_number (zpl, warnings, "enterprise/raise", 0, 3, &policy->enterprise_raise, error, error_size)
    ||  s_policy_duration (zpl, warnings, "street/window", &policy->street_window_ms, error, error_size)
    ||  s_policy_number (zpl, warnings, "street/threshold", 2, 100000, &policy->street_threshold, error, error_size)
    ||  s_policy_duration (zpl, warnings, "prompt/window", &policy->prompt_window_ms, error, error_size)
    ||  s_policy_number (zpl, warnings, "prompt/streets", 2, 1000, &policy->prompt_streets, error, error_size))
        return -1;
    zconfig_t *meetings = zconfig_locate (root, "meetings");
    if (!meetings)
        return hs_zpl_error (zpl, root, error, error_size, "rules need a 'meetings' section");
    self->chairs = s_split (zconfig_get (meetings, "chairs", ""), NULL);
    size_t count = 0;
    for (char **chair = self->chairs; *chair; chair++, count++) {
        if (!hs_units_find (units, *chair) || count >= 3)
            return hs_zpl_error (zpl, zconfig_locate (meetings, "chairs"), error, error_size,
                                 "chairs: '%s' is not a unit (at most 3 chairs)", *chair);
        policy->chairs [count] = *chair;
    }
    if (count == 0)
        return hs_zpl_error (zpl, meetings, error, error_size, "meetings need chairs");
    const char *lead = zconfig_get (meetings, "lead", "");
    if (!hs_units_find (units, lead))
        return hs_zpl_error (zpl, zconfig_locate (meetings, "lead"), error, error_size,
                             "lead: '%s' is not a unit", lead);
    self->lead = strdup (lead);
    policy->lead = self->lead;
    if (s_policy_number (zpl, meetings, "quorum", 1, 100, &policy->quorum_percent, error, error_size)
    ||  s_policy_duration (zpl, meetings, "plenary_deadline", &policy->plenary_deadline_ms, error, error_size))
        return -1;
    zconfig_t *briefs = zconfig_locate (root, "briefs");
    if (!briefs)
        return hs_zpl_error (zpl, root, error, error_size, "rules need a 'briefs' section");
    policy->brief_daily_minute = s_minute_of_day (zconfig_get (briefs, "daily", ""));
    if (policy->brief_daily_minute < 0)
        return hs_zpl_error (zpl, zconfig_locate (briefs, "daily"), error, error_size,
                             "daily must be a local time HH:MM");
    static const char *days [] = { "mon", "tue", "wed", "thu", "fri", "sat", "sun", NULL };
    char day [8] = "";
    char clock [8] = "";
    sscanf (zconfig_get (briefs, "weekly", ""), "%7s %7s", day, clock);
    policy->brief_weekly_weekday = -1;
    for (int index = 0; days [index]; index++)
        if (streq (days [index], day))
            policy->brief_weekly_weekday = index;
    policy->brief_weekly_minute = s_minute_of_day (clock);
    if (policy->brief_weekly_weekday < 0 || policy->brief_weekly_minute < 0)
        return hs_zpl_error (zpl, zconfig_locate (briefs, "weekly"), error, error_size,
                             "weekly must be a day and a local time, such as \"mon 09:00\"");
    return 0;
}

const hs_policy_t *hs_rules_policy (hs_rules_t *self) { return &self->policy; }

hs_rules_t *
hs_rules_load (hs_zpl_t *zpl, hs_units_t *units, char *error, size_t error_size)
{
    zconfig_t *root = zconfig_locate (hs_zpl_root (zpl), "rules");
    if (!root) {
        hs_zpl_error (zpl, NULL, error, error_size, "no 'rules' section");
        return NULL;
    }
    hs_rules_t *self = (hs_rules_t *) zmalloc (sizeof (hs_rules_t));
    hs_strcpy (self->version, sizeof (self->version), hs_zpl_digest (zpl));
    zconfig_t *severity = zconfig_locate (root, "severity");
    zconfig_t *routing = zconfig_locate (root, "routing");
    zconfig_t *ladder = zconfig_locate (root, "ladder");
    static const char *sections [] = {
        "severity", "routing", "ladder", "supervision", "warnings", "meetings", "briefs", NULL
    };
    int rc = s_only_keys (zpl, root, sections, error, error_size);
    if (!rc && (!severity || !routing || !ladder))
        rc = hs_zpl_error (zpl, root, error, error_size,
                           "rules need 'severity', 'routing' and 'ladder' sections");
    if (!rc)
        rc = s_load_rules (zpl, severity, false, units, &self->severity, &self->severity_size,
                           error, error_size);
    if (!rc)
        rc = s_load_rules (zpl, routing, true, units, &self->routing, &self->routing_size,
                           error, error_size);
    if (!rc)
        rc = s_load_ladder (self, zpl, ladder, units, error, error_size);
    if (!rc)
        rc = s_load_policy (self, zpl, root, units, error, error_size);
    if (rc)
        hs_rules_destroy (&self);
    return self;
}

static void
s_rules_free (s_rule_t *rules, size_t size)
{
    for (size_t index = 0; index < size; index++) {
        free (rules [index].name);
        free (rules [index].unit);
        s_condition_free (&rules [index].when);
    }
    free (rules);
}

void
hs_rules_destroy (hs_rules_t **self_p)
{
    assert (self_p);
    if (*self_p) {
        hs_rules_t *self = *self_p;
        s_rules_free (self->severity, self->severity_size);
        s_rules_free (self->routing, self->routing_size);
        for (int level = 0; level < HS_LEVEL_COUNT; level++) {
            s_strv_free (&self->ladder [level].notify);
            s_strv_free (&self->ladder [level].escalate);
            free (self->ladder [level].meeting);
        }
        s_strv_free (&self->chairs);
        free (self->lead);
        free (self);
        *self_p = NULL;
    }
}

const char *hs_rules_version (hs_rules_t *self) { return self->version; }

int
hs_rules_classify (hs_rules_t *self, const hs_facts_t *facts, int floor_level,
                   hs_decision_t *decision)
{
    memset (decision, 0, sizeof (*decision));
    decision->level = floor_level > HS_LEVEL_GENERAL && floor_level < HS_LEVEL_COUNT?
                      floor_level: HS_LEVEL_GENERAL;
    for (size_t index = 0; index < self->severity_size; index++) {
        const s_rule_t *rule = &self->severity [index];
        if (s_condition_holds (&rule->when, facts, HS_LEVEL_GENERAL)) {
            s_out_add (decision->reasons, rule->name);
            if (rule->level > decision->level)
                decision->level = rule->level;
        }
    }
    for (size_t index = 0; index < self->routing_size; index++) {
        const s_rule_t *rule = &self->routing [index];
        if (s_condition_holds (&rule->when, facts, decision->level)) {
            const char *unit = streq (rule->unit, "street")? facts->street: rule->unit;
            s_out_add (decision->routed, unit);
            s_out_add (decision->units, unit);
            s_out_add (decision->reasons, rule->name);
        }
    }
    for (int level = 0; level <= decision->level; level++)
        for (char **role = self->ladder [level].notify; *role; role++)
            s_out_add (decision->units, *role);
    return 0;
}

void
hs_rules_actions (hs_rules_t *self, int from_level, int to_level, hs_ladder_actions_t *actions)
{
    memset (actions, 0, sizeof (*actions));
    size_t escalations = 0;
    for (int level = from_level + 1; level <= to_level && level < HS_LEVEL_COUNT; level++) {
        if (level < 0)
            continue;
        const s_step_t *step = &self->ladder [level];
        if (step->meeting) {
            actions->meeting = step->meeting;
            actions->meeting_members = step->meeting_members;
            actions->deadline_ms = step->deadline_ms;
        }
        for (char **target = step->escalate; *target; target++) {
            bool seen = false;
            for (size_t index = 0; index < escalations; index++)
                seen |= streq (actions->escalate [index], *target);
            if (!seen && escalations < 7)
                actions->escalate [escalations++] = *target;
        }
    }
}

//  ---------------------------------------------------------------------
//  Self test: the shipped rules implement SPEC §3.

static hs_decision_t
s_classify (hs_rules_t *rules, int64_t workers, int64_t amount, uint32_t flags,
            int category, int ownership, const char *sector, const char *source)
{
    const char *sources [] = { source, NULL };
    hs_facts_t facts = {
        .workers = workers, .amount = amount, .flags = flags, .category = category,
        .ownership = ownership, .sector = sector, .street = "street.caoyang", .sources = sources
    };
    hs_decision_t decision;
    hs_rules_classify (rules, &facts, -1, &decision);
    return decision;
}

#define F(flag) (1u << HS_FLAG_##flag)
#define ROUTED(d, unit) s_strv_has ((d).routed, unit)

void
hs_rules_test (bool verbose)
{
    if (verbose)
        printf (" * hs_rules: ");
    char error [256];
    hs_zpl_t *units_zpl = hs_zpl_load_text (hs_config_default_units (), "units.cfg", error, sizeof (error));
    assert (units_zpl);
    hs_units_t *units = hs_units_load (units_zpl, error, sizeof (error));
    assert (units);
    hs_zpl_t *zpl = hs_zpl_load_text (hs_config_default_rules (), "rules.cfg", error, sizeof (error));
    assert (zpl);
    hs_rules_t *rules = hs_rules_load (zpl, units, error, sizeof (error));
    assert (rules);
    assert (strlen (hs_rules_version (rules)) == 40);

    int other = HS_CATEGORY_WAGE_ARREARS;
    hs_decision_t d = s_classify (rules, 3, -1, 0, other, -1, "", "street.caoyang");
    assert (d.level == HS_LEVEL_GENERAL);
    assert (ROUTED (d, "hrss") && ROUTED (d, "street.caoyang"));
    assert (!ROUTED (d, "justice") && !s_strv_has (d.units, "office"));
    assert (s_classify (rules, 10, -1, 0, other, -1, "", "hrss").level == HS_LEVEL_SIGNIFICANT);
    assert (s_classify (rules, 9, 500000, 0, other, -1, "", "hrss").level == HS_LEVEL_SIGNIFICANT);
    assert (s_classify (rules, 9, 499999, 0, other, -1, "", "hrss").level == HS_LEVEL_GENERAL);
    assert (s_classify (rules, 1, -1, F (REPEAT), other, -1, "", "hrss").level == HS_LEVEL_SIGNIFICANT);
    assert (s_classify (rules, 30, -1, 0, other, -1, "", "hrss").level == HS_LEVEL_MAJOR);
    assert (s_classify (rules, 1, 2000000, 0, other, -1, "", "hrss").level == HS_LEVEL_MAJOR);
    assert (s_classify (rules, 1, -1, F (CROSS_DISTRICT), other, -1, "", "hrss").level == HS_LEVEL_MAJOR);
    assert (s_classify (rules, 100, -1, 0, other, -1, "", "hrss").level == HS_LEVEL_CRITICAL);
    d = s_classify (rules, 1, -1, F (EXTREME), other, -1, "", "hrss");
    assert (d.level == HS_LEVEL_CRITICAL);
    assert (s_strv_has (d.reasons, "critical.flags"));
    assert (s_strv_has (d.units, "office") && s_strv_has (d.units, "convener"));
    assert (s_strv_has (d.units, "district") && s_strv_has (d.units, "city"));
    assert (ROUTED (d, "police") && ROUTED (d, "legal") && ROUTED (d, "justice"));

    //  Routing rows.
    assert (ROUTED (s_classify (rules, 1, -1, 0, other, -1, "", "petition"), "petition"));
    assert (ROUTED (s_classify (rules, 1, -1, F (PETITION_VISIT), other, -1, "", "hrss"), "petition"));
    assert (!ROUTED (s_classify (rules, 1, -1, 0, other, -1, "", "hrss"), "petition"));
    assert (ROUTED (s_classify (rules, 1, -1, F (MEDIA), other, -1, "", "hrss"), "news"));
    assert (ROUTED (s_classify (rules, 1, -1, 0, other, -1, "commerce", "hrss"), "commerce"));
    assert (ROUTED (s_classify (rules, 1, -1, 0, other, HS_OWNERSHIP_FOREIGN, "", "hrss"), "commerce"));
    assert (ROUTED (s_classify (rules, 1, -1, 0, other, HS_OWNERSHIP_STATE, "", "hrss"), "sasac"));
    assert (ROUTED (s_classify (rules, 1, -1, 0, other, HS_OWNERSHIP_PRIVATE, "", "hrss"), "fic"));
    assert (ROUTED (s_classify (rules, 1, -1, F (LITIGATION), other, -1, "", "hrss"), "court"));
    assert (ROUTED (s_classify (rules, 1, -1, 0, HS_CATEGORY_NEGOTIATION, -1, "", "hrss"), "union"));
    assert (ROUTED (s_classify (rules, 10, -1, 0, other, -1, "", "hrss"), "union"));
    assert (!ROUTED (s_classify (rules, 9, -1, 0, other, -1, "", "hrss"), "union"));
    assert (ROUTED (s_classify (rules, 1, -1, F (GATHERING), other, -1, "", "hrss"), "police"));
    assert (ROUTED (s_classify (rules, 30, -1, 0, other, -1, "", "hrss"), "legal"));
    assert (!ROUTED (s_classify (rules, 29, -1, 0, other, -1, "", "hrss"), "legal"));

    //  The ladder's actions.
    hs_ladder_actions_t actions;
    hs_rules_actions (rules, -1, HS_LEVEL_MAJOR, &actions);
    assert (actions.meeting && streq (actions.meeting, "normal") && !actions.meeting_members);
    assert (actions.deadline_ms == 24 * 3600 * 1000LL && actions.escalate [0] == NULL);
    hs_rules_actions (rules, HS_LEVEL_GENERAL, HS_LEVEL_CRITICAL, &actions);
    assert (streq (actions.meeting, "urgent") && actions.meeting_members);
    assert (actions.deadline_ms == 2 * 3600 * 1000LL);
    assert (streq (actions.escalate [0], "district") && streq (actions.escalate [1], "city"));
    hs_rules_actions (rules, HS_LEVEL_CRITICAL, HS_LEVEL_CRITICAL, &actions);
    assert (!actions.meeting && !actions.escalate [0]);
    hs_rules_actions (rules, -1, HS_LEVEL_SIGNIFICANT, &actions);
    assert (!actions.meeting);
    //  A floor: a general report on a case already raised to major routes
    //  as a major case.
    const char *sources [] = { "hrss", NULL };
    hs_facts_t facts = { .workers = 2, .amount = -1, .category = other, .ownership = -1,
                         .sector = "", .street = "street.caoyang", .sources = sources };
    hs_decision_t floored;
    hs_rules_classify (rules, &facts, HS_LEVEL_MAJOR, &floored);
    assert (floored.level == HS_LEVEL_MAJOR && ROUTED (floored, "legal"));
    assert (s_strv_has (floored.units, "convener"));
    const hs_policy_t *policy = hs_rules_policy (rules);
    assert (policy->due_ms [HS_LEVEL_CRITICAL] == 2 * 3600 * 1000LL);
    assert (policy->due_ms [HS_LEVEL_GENERAL] == 7 * 86400 * 1000LL);
    assert (policy->enterprise_threshold == 3 && policy->street_threshold == 10);
    assert (policy->prompt_streets == 3 && policy->quorum_percent == 50);
    assert (streq (policy->chairs [0], "convener") && streq (policy->chairs [1], "vice_convener"));
    assert (policy->brief_daily_minute == 8 * 60 + 30);
    assert (policy->brief_weekly_weekday == 0 && policy->brief_weekly_minute == 9 * 60);
    hs_rules_destroy (&rules);
    hs_zpl_destroy (&zpl);

    //  Bad rules are refused with their line.
    const char *bad [] = {
        "rules\n    severity\n        x\n            level = major\n            when = \"workers >> 3\"\n"
        "    routing\n    ladder\n",
        "rules\n    severity\n    routing\n        nobody\n            when = always\n    ladder\n",
        "rules\n    severity\n        x\n            level = huge\n            when = always\n"
        "    routing\n    ladder\n",
        "rules\n    severity\n        x\n            level = major\n            when = \"level >= major\"\n"
        "    routing\n    ladder\n",
        "rules\n    severity\n        x\n            level = major\n            when = \"flags has nonsense\"\n"
        "    routing\n    ladder\n",
        NULL
    };
    const char *lines [] = { "r.cfg:5:", "r.cfg:4:", "r.cfg:4:", "r.cfg:5:", "r.cfg:5:" };
    for (int index = 0; bad [index]; index++) {
        zpl = hs_zpl_load_text (bad [index], "r.cfg", error, sizeof (error));
        assert (zpl);
        rules = hs_rules_load (zpl, units, error, sizeof (error));
        assert (!rules);
        if (!strstr (error, lines [index]))
            printf ("unexpected: %s\n", error);
        assert (strstr (error, lines [index]));
        hs_zpl_destroy (&zpl);
    }
    hs_units_destroy (&units);
    hs_zpl_destroy (&units_zpl);
    if (verbose)
        printf ("OK\n");
}
