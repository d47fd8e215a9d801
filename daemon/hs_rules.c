/*  =========================================================================
    hs_rules - severity, routing and the escalation ladder, as data

    Every rule is a name, what it does, and a condition (hs_condition),
    checked at load time so that classification cannot fail and a bad
    rules file is refused with its line. The work rules in the same file
    (supervision, warnings, meetings, briefings, notices, authority) are
    hs_policy's.
    =========================================================================
*/

#include "hs_rules.h"
#include "hs_defaults.h"

typedef struct {
    char *name;                 //  the rule's name, as reported in `reasons`
    int level;                  //  severity rules: the level it raises to
    char *unit;                 //  routing rules: the unit routed ("street": the case's)
    hs_condition_t *when;
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
    s_rule_t *lead;             //  lead rules (主办): the first that holds
    size_t lead_size;
    s_step_t ladder [HS_LEVEL_COUNT];
    hs_policy_t policy;         //  supervision, warnings, meetings, briefs, people
};

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
//  Loading

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
        if (hs_zpl_only_keys (zpl, node, routing? routing_keys: severity_keys, error, error_size))
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
        rule->when = hs_condition_new (zconfig_value (when), routing, units, why, sizeof (why));
        if (!rule->when)
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
        if (hs_zpl_only_keys (zpl, node, keys, error, error_size))
            return -1;
        int level = hs_level_parse (zconfig_name (node));
        if (level < 0)
            return hs_zpl_error (zpl, node, error, error_size, "'%s' is not a level", zconfig_name (node));
        s_step_t *step = &self->ladder [level];
        if (step->notify)
            return hs_zpl_error (zpl, node, error, error_size, "level '%s' appears twice", zconfig_name (node));
        step->notify = hs_zpl_words (zconfig_get (node, "notify", ""), NULL);
        for (char **unit = step->notify; *unit; unit++)
            if (!hs_units_find (units, *unit))
                return hs_zpl_error (zpl, zconfig_locate (node, "notify"), error, error_size,
                                     "unknown unit '%s'", *unit);
        step->escalate = hs_zpl_words (zconfig_get (node, "escalate", ""), NULL);
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
            self->ladder [level].notify = hs_zpl_words ("", NULL);
        if (!self->ladder [level].escalate)
            self->ladder [level].escalate = hs_zpl_words ("", NULL);
    }
    return 0;
}

const hs_policy_t *hs_rules_policy (hs_rules_t *self) { return &self->policy; }

hs_rules_t *
hs_rules_load (hs_zpl_t *zpl, hs_units_t *units, char *error, size_t error_size)
{
    //  Nothing else at the top: a block beside `rules` would never apply.
    static const char *top [] = { "rules", NULL };
    if (hs_zpl_only_keys (zpl, hs_zpl_root (zpl), top, error, error_size))
        return NULL;
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
    //  Its own sections, and the work rules' (hs_policy).
    const char *sections [32] = { "severity", "routing", "ladder", "lead" };
    size_t count = 4;
    for (size_t index = 0; hs_policy_sections [index]; index++) {
        assert (count + 1 < sizeof (sections) / sizeof (sections [0]));
        sections [count++] = hs_policy_sections [index];
    }
    int rc = hs_zpl_only_keys (zpl, root, sections, error, error_size);
    if (!rc && (!severity || !routing || !ladder))
        rc = hs_zpl_error (zpl, root, error, error_size,
                           "rules need 'severity', 'routing' and 'ladder' sections");
    if (!rc)
        rc = s_load_rules (zpl, severity, false, units, &self->severity, &self->severity_size,
                           error, error_size);
    if (!rc)
        rc = s_load_rules (zpl, routing, true, units, &self->routing, &self->routing_size,
                           error, error_size);
    zconfig_t *lead = zconfig_locate (root, "lead");
    if (!rc && lead)
        rc = s_load_rules (zpl, lead, true, units, &self->lead, &self->lead_size,
                           error, error_size);
    if (!rc)
        rc = s_load_ladder (self, zpl, ladder, units, error, error_size);
    if (!rc)
        rc = hs_policy_load (&self->policy, zpl, root, units, error, error_size);
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
        hs_condition_destroy (&rules [index].when);
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
        s_rules_free (self->lead, self->lead_size);
        for (int level = 0; level < HS_LEVEL_COUNT; level++) {
            hs_zpl_words_free (&self->ladder [level].notify);
            hs_zpl_words_free (&self->ladder [level].escalate);
            free (self->ladder [level].meeting);
        }
        hs_policy_free (&self->policy);
        free (self);
        *self_p = NULL;
    }
}

const char *hs_rules_version (hs_rules_t *self) { return self->version; }

int
hs_rules_classify (hs_rules_t *self, const hs_facts_t *facts, int floor_level,
                   hs_decision_t *decision)
{
    return hs_rules_classify_case (self, facts, floor_level, -1, decision);
}

int
hs_rules_classify_case (hs_rules_t *self, const hs_facts_t *facts, int level, int rules_level,
                        hs_decision_t *decision)
{
    memset (decision, 0, sizeof (*decision));
    int severity = HS_LEVEL_GENERAL;
    for (size_t index = 0; index < self->severity_size; index++) {
        const s_rule_t *rule = &self->severity [index];
        if (hs_condition_holds (rule->when, facts, HS_LEVEL_GENERAL)) {
            s_out_add (decision->reasons, rule->name);
            if (rule->level > severity)
                severity = rule->level;
        }
    }
    decision->rules_level = severity;
    bool known = level >= HS_LEVEL_GENERAL && level < HS_LEVEL_COUNT;
    decision->level = !known || (severity > level && severity > rules_level)? severity: level;
    for (size_t index = 0; index < self->routing_size; index++) {
        const s_rule_t *rule = &self->routing [index];
        if (hs_condition_holds (rule->when, facts, decision->level)) {
            const char *unit = streq (rule->unit, "street")? facts->street: rule->unit;
            s_out_add (decision->routed, unit);
            s_out_add (decision->units, unit);
            s_out_add (decision->reasons, rule->name);
        }
    }
    //  The lead: the first lead rule that holds whose unit is routed; with
    //  no lead rules, the street (属地责任).
    for (size_t index = 0; index < self->lead_size && !decision->lead; index++) {
        const s_rule_t *rule = &self->lead [index];
        const char *unit = streq (rule->unit, "street")? facts->street: rule->unit;
        if (hs_condition_holds (rule->when, facts, decision->level)
        &&  hs_zpl_words_have (decision->routed, unit))
            decision->lead = unit;
    }
    if (!decision->lead && self->lead_size == 0 && hs_zpl_words_have (decision->routed, facts->street))
        decision->lead = facts->street;
    for (int step = 0; step <= decision->level; step++)
        for (char **role = self->ladder [step].notify; *role; role++)
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
#define ROUTED(d, unit) hs_zpl_words_have ((d).routed, unit)

void
hs_rules_test (bool verbose)
{
    if (verbose)
        printf (" * hs_rules: ");
    char error [256];
    hs_zpl_t *units_zpl = hs_zpl_load_text (hs_default_units_cfg, "units.cfg", error, sizeof (error));
    assert (units_zpl);
    hs_units_t *units = hs_units_load (units_zpl, error, sizeof (error));
    assert (units);
    hs_zpl_t *zpl = hs_zpl_load_text (hs_default_rules_cfg, "rules.cfg", error, sizeof (error));
    assert (zpl);
    hs_rules_t *rules = hs_rules_load (zpl, units, error, sizeof (error));
    assert (rules);
    assert (strlen (hs_rules_version (rules)) == 40);

    int other = HS_CATEGORY_WAGE_ARREARS;
    hs_decision_t d = s_classify (rules, 3, -1, 0, other, -1, "", "street.caoyang");
    assert (d.level == HS_LEVEL_GENERAL);
    assert (ROUTED (d, "hrss") && ROUTED (d, "street.caoyang"));
    assert (!ROUTED (d, "justice") && !hs_zpl_words_have (d.units, "office"));
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
    assert (hs_zpl_words_have (d.reasons, "critical.flags"));
    assert (hs_zpl_words_have (d.units, "office") && hs_zpl_words_have (d.units, "convener"));
    assert (hs_zpl_words_have (d.units, "district") && hs_zpl_words_have (d.units, "city"));
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
    assert (hs_zpl_words_have (floored.units, "convener"));
    const hs_policy_t *policy = hs_rules_policy (rules);
    assert (policy->clock_ms [1][HS_LEVEL_CRITICAL] == 2 * 3600 * 1000LL);
    assert (streq (hs_policy_recipients (policy, HS_NOTICE_SUPERVISE) [0], "office"));
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
