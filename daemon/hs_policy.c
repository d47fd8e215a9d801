/*  =========================================================================
    hs_policy - the mechanism's work rules, as data
    =========================================================================
*/

#include "hs_policy.h"
#include "hs_defaults.h"

//  What a loaded policy owns.
typedef struct {
    char **chairs;
    char **office_chairs;
    char *lead;
    const char **recipients [HS_NOTICE_COUNT];  //  each a malloc'd vector of borrowed codes
    const char **authority [HS_ACT_COUNT];
} s_owned_t;

const char *const hs_policy_sections [] = {
    "supervision", "warnings", "meetings", "briefs", "prompts", "proposals", "archive",
    "inspections", "notices", "authority", NULL
};

static const char *s_notice_keys [HS_NOTICE_COUNT + 2] = {
    "enterprise", "street", "prompt", "feed", "store", "no_quorum", "briefs",
    "weekly_up", "remind", "supervise", "supervise_major", "circulate", "returned", "review",
    "sent_back", "failed", "unmuted", "office_meeting", "minutes", "proposal", "proposal_up",
    "filed", "inspect_plan", "overdue", NULL  //  overdue: 0.4's one clock, read and left unused
};

static const char *s_act_keys [HS_ACT_COUNT + 1] = {
    "update", "minutes", "plenary", "brief_up", "close", "reject_closure", "followup",
    "regrade", "merge", "split", "mute", "reroute", "action", "office_meeting", "prompt",
    "proposal", "inspect_plan", "inspect_approve", "inspect_result", "rectified", NULL
};

static const char *s_clock_keys [HS_POLICY_CLOCKS] = { "sign", "progress", "resolve" };

//  A key of the rules file, or the shipped file's when an older file has
//  none (NULL when neither has it).
static zconfig_t *
s_locate (zconfig_t *section, zconfig_t *shipped, const char *section_name, const char *key)
{
    zconfig_t *node = section? zconfig_locate (section, key): NULL;
    char path [64];
    snprintf (path, sizeof (path), "%s/%s", section_name, key);
    return node || !shipped? node: zconfig_locate (shipped, path);
}

//  A duration under `section`, or the shipped file's when an older rules
//  file has none.
static int
s_shipped_duration (hs_zpl_t *zpl, zconfig_t *section, zconfig_t *shipped,
                    const char *section_name, const char *key, int64_t *value,
                    char *error, size_t error_size)
{
    zconfig_t *node = s_locate (section, shipped, section_name, key);
    if (!node || hs_zpl_duration (zconfig_value (node), value) || *value <= 0)
        return hs_zpl_error (zpl, node? node: section, error, error_size,
                             "%s/%s must be a duration such as 24h", section_name, key);
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
s_load_work (hs_policy_t *policy, s_owned_t *owned, hs_zpl_t *zpl, zconfig_t *root,
             zconfig_t *shipped, hs_units_t *units, char *error, size_t error_size)
{
    static const char *supervision_keys [] = {
        "sign", "progress", "resolve", "repeat", "mute_max",
        "general", "significant", "major", "critical", NULL     //  0.4: progress alone
    };
    static const char *level_keys [] = { "general", "significant", "major", "critical", NULL };
    static const char *warnings_keys [] = { "enterprise", "street", "prompt", NULL };
    static const char *enterprise_keys [] = { "window", "threshold", "raise", NULL };
    static const char *street_keys [] = { "window", "threshold", NULL };
    static const char *prompt_keys [] = { "window", "streets", "rearm", NULL };
    static const char *meetings_keys [] = { "chairs", "office_chairs", "lead", "quorum",
                                            "plenary_deadline", "action_repeat", "minutes_due",
                                            "plenary", "office", NULL };
    static const char *briefs_keys [] = { "daily", "weekly", NULL };
    static const char *prompts_keys [] = { "sign", "repeat", NULL };
    static const char *proposals_keys [] = { "opinions", "repeat", NULL };
    static const char *archive_keys [] = { "quiet", NULL };
    static const char *inspections_keys [] = { "repeat", "decide", NULL };
    zconfig_t *warnings_node = zconfig_locate (root, "warnings");
    zconfig_t *supervision = zconfig_locate (root, "supervision");
    if (hs_zpl_only_keys (zpl, supervision, supervision_keys, error, error_size)
    ||  hs_zpl_only_keys (zpl, warnings_node, warnings_keys, error, error_size)
    ||  hs_zpl_only_keys (zpl, warnings_node? zconfig_locate (warnings_node, "enterprise"): NULL,
                     enterprise_keys, error, error_size)
    ||  hs_zpl_only_keys (zpl, warnings_node? zconfig_locate (warnings_node, "street"): NULL,
                     street_keys, error, error_size)
    ||  hs_zpl_only_keys (zpl, warnings_node? zconfig_locate (warnings_node, "prompt"): NULL,
                     prompt_keys, error, error_size)
    ||  hs_zpl_only_keys (zpl, zconfig_locate (root, "meetings"), meetings_keys, error, error_size)
    ||  hs_zpl_only_keys (zpl, zconfig_locate (root, "briefs"), briefs_keys, error, error_size)
    ||  hs_zpl_only_keys (zpl, zconfig_locate (root, "prompts"), prompts_keys, error, error_size)
    ||  hs_zpl_only_keys (zpl, zconfig_locate (root, "proposals"), proposals_keys, error,
                          error_size)
    ||  hs_zpl_only_keys (zpl, zconfig_locate (root, "archive"), archive_keys, error, error_size)
    ||  hs_zpl_only_keys (zpl, zconfig_locate (root, "inspections"), inspections_keys, error,
                          error_size))
        return -1;
    //  The archive's quiet period: a rules file from before it takes the shipped one.
    zconfig_t *archive = zconfig_locate (root, "archive");
    if (s_shipped_duration (zpl, archive? archive: root, shipped, "archive", "quiet",
                            &policy->archive_quiet_ms, error, error_size))
        return -1;
    //  Work prompts: a rules file from before them takes the shipped values.
    zconfig_t *prompts = zconfig_locate (root, "prompts");
    if (s_shipped_duration (zpl, prompts? prompts: root, shipped, "prompts", "sign",
                            &policy->prompt_sign_ms, error, error_size)
    ||  s_shipped_duration (zpl, prompts? prompts: root, shipped, "prompts", "repeat",
                            &policy->prompt_repeat_ms, error, error_size))
        return -1;
    //  Proposals (重大问题及对策建议): so too.
    zconfig_t *proposals = zconfig_locate (root, "proposals");
    if (s_shipped_duration (zpl, proposals? proposals: root, shipped, "proposals", "opinions",
                            &policy->proposal_opinions_ms, error, error_size)
    ||  s_shipped_duration (zpl, proposals? proposals: root, shipped, "proposals", "repeat",
                            &policy->proposal_repeat_ms, error, error_size))
        return -1;
    //  Inspections, likewise.
    zconfig_t *inspections = zconfig_locate (root, "inspections");
    if (s_shipped_duration (zpl, inspections? inspections: root, shipped, "inspections",
                            "repeat", &policy->inspect_repeat_ms, error, error_size)
    ||  s_shipped_duration (zpl, inspections? inspections: root, shipped, "inspections",
                            "decide", &policy->inspect_decide_ms, error, error_size))
        return -1;
    //  Supervision: per clock and level. A 0.4 file gives the progress
    //  clock as four flat levels; the rest comes from the shipped file.
    zconfig_t *flat = supervision? zconfig_locate (supervision, "general"): NULL;
    if (flat && zconfig_locate (supervision, "progress"))
        return hs_zpl_error (zpl, flat, error, error_size, "supervision: give 'progress' or "
                             "the four levels (the 0.4 form), not both");
    for (int clock = 0; clock < HS_POLICY_CLOCKS; clock++) {
        zconfig_t *section = clock == 1 && flat? supervision:
                             s_locate (supervision, shipped, "supervision", s_clock_keys [clock]);
        if (hs_zpl_only_keys (zpl, section, level_keys, error, error_size))
            return -1;
        for (int level = 0; level < HS_LEVEL_COUNT; level++)
            if (s_policy_duration (zpl, section? section: root, hs_level_name (level),
                                   &policy->clock_ms [clock][level], error, error_size))
                return -1;
    }
    zconfig_t *repeat = s_locate (supervision, shipped, "supervision", "repeat");
    if (hs_zpl_only_keys (zpl, repeat, level_keys, error, error_size))
        return -1;
    for (int level = 0; level < HS_LEVEL_COUNT; level++)
        if (s_policy_duration (zpl, repeat? repeat: root, hs_level_name (level),
                               &policy->repeat_ms [level], error, error_size))
            return -1;
    zconfig_t *mute_max = s_locate (supervision, shipped, "supervision", "mute_max");
    if (!mute_max || hs_zpl_duration (zconfig_value (mute_max), &policy->mute_max_ms)
    ||  policy->mute_max_ms <= 0)
        return hs_zpl_error (zpl, mute_max? mute_max: root, error, error_size,
                             "supervision/mute_max must be a duration such as 30d");
    zconfig_t *warnings = zconfig_locate (root, "warnings");
    if (!warnings)
        return hs_zpl_error (zpl, root, error, error_size, "rules need a 'warnings' section");
    if (s_policy_duration (zpl, warnings, "enterprise/window", &policy->enterprise_window_ms, error, error_size)
    ||  s_policy_number (zpl, warnings, "enterprise/threshold", 2, 1000, &policy->enterprise_threshold, error, error_size)
    ||  s_policy_duration (zpl, warnings, "street/window", &policy->street_window_ms, error, error_size)
    ||  s_policy_number (zpl, warnings, "street/threshold", 2, 100000, &policy->street_threshold, error, error_size)
    ||  s_policy_duration (zpl, warnings, "prompt/window", &policy->prompt_window_ms, error, error_size)
    ||  s_policy_number (zpl, warnings, "prompt/streets", 2, 1000, &policy->prompt_streets, error, error_size))
        return -1;
    //  0.4's `raise` (levels an enterprise crossing raised the case) is
    //  read and not used: the newest case is flagged `repeat` instead.
    policy->prompt_rearm = policy->prompt_streets > 2? policy->prompt_streets - 2: 0;
    if (zconfig_locate (warnings, "prompt/rearm")
    &&  s_policy_number (zpl, warnings, "prompt/rearm", 0, policy->prompt_streets - 1,
                         &policy->prompt_rearm, error, error_size))
        return -1;
    zconfig_t *meetings = zconfig_locate (root, "meetings");
    if (!meetings)
        return hs_zpl_error (zpl, root, error, error_size, "rules need a 'meetings' section");
    //  Who chairs: a plenary or special meeting (`chairs`), an office
    //  meeting (`office_chairs`, the office director).
    for (int which = 0; which < 2; which++) {
        const char *key = which? "office_chairs": "chairs";
        zconfig_t *node = s_locate (meetings, which? shipped: NULL, "meetings", key);
        char ***words = which? &owned->office_chairs: &owned->chairs;
        const char **chairs = which? policy->office_chairs: policy->chairs;
        *words = hs_zpl_words (node? zconfig_value (node): "", NULL);
        size_t count = 0;
        for (char **chair = *words; *chair; chair++, count++) {
            if (!hs_units_find (units, *chair) || count >= 3)
                return hs_zpl_error (zpl, node, error, error_size,
                                     "%s: '%s' is not a unit (at most 3 chairs)", key, *chair);
            chairs [count] = *chair;
        }
        if (count == 0)
            return hs_zpl_error (zpl, node? node: meetings, error, error_size,
                                 "meetings need %s", key);
    }
    const char *lead = zconfig_get (meetings, "lead", "");
    if (!hs_units_find (units, lead))
        return hs_zpl_error (zpl, zconfig_locate (meetings, "lead"), error, error_size,
                             "lead: '%s' is not a unit", lead);
    owned->lead = strdup (lead);
    policy->lead = owned->lead;
    if (s_policy_number (zpl, meetings, "quorum", 1, 100, &policy->quorum_percent, error, error_size)
    ||  s_policy_duration (zpl, meetings, "plenary_deadline", &policy->plenary_deadline_ms, error, error_size))
        return -1;
    for (int which = 0; which < 2; which++) {
        const char *key = which? "minutes_due": "action_repeat";
        int64_t *value = which? &policy->minutes_due_ms: &policy->action_repeat_ms;
        zconfig_t *node = s_locate (meetings, shipped, "meetings", key);
        if (!node || hs_zpl_duration (zconfig_value (node), value) || *value <= 0)
            return hs_zpl_error (zpl, node? node: meetings, error, error_size,
                                 "meetings/%s must be a duration such as 24h", key);
    }
    //  Regular meetings: a rules file without a plan takes the shipped one.
    for (int kind = 0; kind < HS_PLAN_COUNT; kind++)
        if (hs_plan_load (&policy->plans [kind], zpl,
                          s_locate (meetings, shipped, "meetings", hs_plan_kind_name (kind)),
                          error, error_size))
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


//  Add a code to a vector being built, once.
static void
s_add (const char **list, size_t *size, const char *code)
{
    for (size_t index = 0; index < *size; index++)
        if (streq (list [index], code))
            return;
    list [(*size)++] = code;
    list [*size] = NULL;
}

//  A list of units and groups, as a vector of unit codes borrowed from
//  `units`. *routed, *street (when not NULL) take the groups "routed" and
//  "street"; *handler (when not NULL) the place of "handler" in the
//  vector. Returns the vector (which may then be empty), or NULL with the
//  line in `error`.
static const char **
s_unit_list (hs_zpl_t *zpl, zconfig_t *node, hs_units_t *units, bool *routed, bool *street,
             int *handler, char *error, size_t error_size)
{
    char **words = hs_zpl_words (zconfig_value (node), NULL);
    const char **list = (const char **) zmalloc ((hs_units_size (units) + 1) * sizeof (char *));
    size_t size = 0;
    bool ok = words [0] != NULL;
    if (!ok)
        hs_zpl_error (zpl, node, error, error_size, "'%s' names nobody", zconfig_name (node));
    for (char **word = words; ok && *word; word++) {
        bool streets = streq (*word, "streets"), members = streq (*word, "members");
        if (routed && streq (*word, "routed"))
            *routed = true;
        else
        if (street && streq (*word, "street"))
            *street = true;
        else
        if (handler && streq (*word, "handler"))
            *handler = (int) size;
        else
        if (streets || members) {
            for (size_t index = 0; index < hs_units_size (units); index++) {
                const hs_unit_t *unit = hs_units_at (units, index);
                if (unit->kind == HS_UNIT_STREET || (members && unit->kind == HS_UNIT_AGENCY))
                    s_add (list, &size, unit->code);
            }
        }
        else {
            const hs_unit_t *unit = hs_units_find (units, *word);
            if (unit)
                s_add (list, &size, unit->code);
            else
                ok = hs_zpl_error (zpl, node, error, error_size, "'%s': '%s' is not a unit of the "
                                   "units file (nor streets, members%s%s)", zconfig_name (node), *word,
                                   routed? ", routed, street": "", handler? ", handler": "") == 0;
        }
    }
    hs_zpl_words_free (&words);
    if (!ok) {
        free (list);
        return NULL;
    }
    return list;
}

static int
s_load_people (hs_policy_t *policy, s_owned_t *owned, hs_zpl_t *zpl, zconfig_t *root,
               zconfig_t *shipped, hs_units_t *units, char *error, size_t error_size)
{
    zconfig_t *notices = zconfig_locate (root, "notices");
    zconfig_t *authority = zconfig_locate (root, "authority");
    if (!notices || !authority)
        return hs_zpl_error (zpl, root, error, error_size, "rules need 'notices' (who is told "
                             "of what) and 'authority' (who may do what) sections");
    if (hs_zpl_only_keys (zpl, notices, s_notice_keys, error, error_size)
    ||  hs_zpl_only_keys (zpl, authority, s_act_keys, error, error_size))
        return -1;
    for (int notice = 0; notice < HS_NOTICE_COUNT; notice++) {
        zconfig_t *node = zconfig_locate (notices, s_notice_keys [notice]);
        policy->handler_at [notice] = -1;
        if (!node && notice >= HS_NOTICE_REMIND)
            node = s_locate (NULL, shipped, "notices", s_notice_keys [notice]);
        if (!node)
            return hs_zpl_error (zpl, notices, error, error_size, "notices: who receives '%s'?",
                                 s_notice_keys [notice]);
        bool about_unit = notice >= HS_NOTICE_REMIND && notice != HS_NOTICE_REVIEW
                       && notice != HS_NOTICE_FAILED && notice != HS_NOTICE_UNMUTED
                       && notice != HS_NOTICE_OFFICE_MEETING && notice != HS_NOTICE_MINUTES
                       && notice != HS_NOTICE_PROPOSAL && notice != HS_NOTICE_PROPOSAL_UP
                       && notice != HS_NOTICE_INSPECT_PLAN && notice != HS_NOTICE_FILED;
        owned->recipients [notice] = s_unit_list (zpl, node, units, NULL, NULL,
                                                  about_unit? &policy->handler_at [notice]: NULL,
                                                  error, error_size);
        if (!owned->recipients [notice])
            return -1;
        if (notice == HS_NOTICE_WEEKLY_UP || notice == HS_NOTICE_PROPOSAL_UP)
            for (const char **target = owned->recipients [notice]; *target; target++)
                if (!streq (*target, "district") && !streq (*target, "city"))
                    return hs_zpl_error (zpl, node, error, error_size, "%s reports to "
                                         "district and/or city, not '%s'",
                                         s_notice_keys [notice], *target);
        policy->recipients [notice] = owned->recipients [notice];
    }
    for (int act = 0; act < HS_ACT_COUNT; act++) {
        zconfig_t *node = zconfig_locate (authority, s_act_keys [act]);
        if (!node && act >= HS_ACT_CLOSE)
            node = s_locate (NULL, shipped, "authority", s_act_keys [act]);
        if (!node)
            return hs_zpl_error (zpl, authority, error, error_size, "authority: who may '%s'?",
                                 s_act_keys [act]);
        owned->authority [act] = s_unit_list (zpl, node, units, &policy->routed_may [act],
                                              &policy->street_may [act], NULL, error, error_size);
        if (!owned->authority [act])
            return -1;
        policy->authority [act] = owned->authority [act];
    }
    return 0;
}

int
hs_policy_load (hs_policy_t *policy, hs_zpl_t *zpl, zconfig_t *root, hs_units_t *units,
                char *error, size_t error_size)
{
    memset (policy, 0, sizeof (*policy));
    s_owned_t *owned = (s_owned_t *) zmalloc (sizeof (s_owned_t));
    policy->owned = owned;
    //  What an older rules file lacks comes from the shipped one.
    char shipped_error [256];
    hs_zpl_t *shipped_zpl = hs_zpl_load_text (hs_default_rules_cfg, "rules.cfg (shipped)",
                                              shipped_error, sizeof (shipped_error));
    zconfig_t *shipped = shipped_zpl? zconfig_locate (hs_zpl_root (shipped_zpl), "rules"): NULL;
    int rc = s_load_work (policy, owned, zpl, root, shipped, units, error, error_size)
          || s_load_people (policy, owned, zpl, root, shipped, units, error, error_size)? -1: 0;
    hs_zpl_destroy (&shipped_zpl);
    if (rc)
        hs_policy_free (policy);
    return rc;
}

void
hs_policy_free (hs_policy_t *policy)
{
    s_owned_t *owned = (s_owned_t *) policy->owned;
    if (owned) {
        hs_zpl_words_free (&owned->chairs);
        hs_zpl_words_free (&owned->office_chairs);
        free (owned->lead);
        for (int notice = 0; notice < HS_NOTICE_COUNT; notice++)
            free (owned->recipients [notice]);
        for (int act = 0; act < HS_ACT_COUNT; act++)
            free (owned->authority [act]);
        free (owned);
    }
    for (int kind = 0; kind < HS_PLAN_COUNT; kind++)
        hs_plan_free (&policy->plans [kind]);
    memset (policy, 0, sizeof (*policy));
}

const char *const *
hs_policy_recipients (const hs_policy_t *policy, hs_notice_t notice)
{
    assert (notice < HS_NOTICE_COUNT);
    return policy->recipients [notice];
}

//  `code` at the end of `list`, unless it is there or the list is full.
static size_t
s_told_add (const char **list, size_t size, size_t max, const char *code)
{
    for (size_t index = 0; index < size; index++)
        if (streq (list [index], code))
            return size;
    if (size + 1 < max)
        list [size++] = code;
    return size;
}

size_t
hs_policy_told (const hs_policy_t *policy, hs_notice_t notice, const char *unit,
                const char **list, size_t size, size_t max)
{
    assert (notice < HS_NOTICE_COUNT && size < max);
    const char *const *names = policy->recipients [notice];
    for (size_t index = 0; ; index++) {
        if ((int) index == policy->handler_at [notice] && unit)
            size = s_told_add (list, size, max, unit);
        if (!names [index])
            break;
        size = s_told_add (list, size, max, names [index]);
    }
    list [size] = NULL;
    return size;
}

bool
hs_policy_may (const hs_policy_t *policy, hs_act_t act, const char *unit, bool routed)
{
    return hs_policy_may_on (policy, act, unit, routed, false);
}

bool
hs_policy_may_on (const hs_policy_t *policy, hs_act_t act, const char *unit, bool routed,
                  bool own_street)
{
    assert (act < HS_ACT_COUNT);
    return (routed && policy->routed_may [act]) || (own_street && policy->street_may [act])
        || hs_zpl_words_have (policy->authority [act], unit);
}

void
hs_policy_who (const hs_policy_t *policy, hs_act_t act, char *line, size_t size)
{
    assert (act < HS_ACT_COUNT && size > 0);
    size_t used = 0;
    line [0] = 0;
    size_t count = 0;
    for (const char *const *unit = policy->authority [act]; *unit; unit++)
        count++;
    size_t index = 0;
    for (const char *const *unit = policy->authority [act]; *unit && used + 1 < size; unit++, index++)
        used += (size_t) snprintf (line + used, size - used, "%s%s",
                                   index == 0? "": index + 1 == count && !policy->routed_may [act]?
                                   " or ": ", ", *unit);
    if (policy->street_may [act] && used + 1 < size)
        used += (size_t) snprintf (line + used, size - used, "%sthe case's street",
                                   count? (policy->routed_may [act]? ", ": " or "): "");
    if (policy->routed_may [act] && used + 1 < size)
        snprintf (line + used, size - used, "%sa unit routed on the case",
                  count || policy->street_may [act]? " or ": "");
}

//  ---------------------------------------------------------------------
//  Self test

void
hs_policy_test (bool verbose)
{
    if (verbose)
        printf (" * hs_policy: ");
    char error [256];
    hs_zpl_t *units_zpl = hs_zpl_load_text (hs_default_units_cfg, "units.cfg", error, sizeof (error));
    hs_units_t *units = hs_units_load (units_zpl, error, sizeof (error));
    assert (units);
    hs_zpl_t *zpl = hs_zpl_load_text (hs_default_rules_cfg, "rules.cfg", error, sizeof (error));
    assert (zpl);
    hs_policy_t policy;
    assert (hs_policy_load (&policy, zpl, zconfig_locate (hs_zpl_root (zpl), "rules"), units,
                            error, sizeof (error)) == 0);
    //  The shipped values are what the daemon always did.
    assert (policy.clock_ms [1][HS_LEVEL_CRITICAL] == 2 * 3600 * 1000LL);
    assert (policy.clock_ms [1][HS_LEVEL_GENERAL] == 7 * 86400 * 1000LL);
    assert (policy.clock_ms [0][HS_LEVEL_CRITICAL] == 30 * 60 * 1000LL);
    assert (policy.clock_ms [0][HS_LEVEL_GENERAL] == 86400 * 1000LL);
    assert (policy.mute_max_ms == 30 * 86400 * 1000LL);
    assert (policy.handler_at [HS_NOTICE_REMIND] == 0 && policy.handler_at [HS_NOTICE_SUPERVISE] < 0);
    assert (!hs_policy_recipients (&policy, HS_NOTICE_REMIND) [0]);
    //  Who is told, in the rules' order, each once, "handler" in its place.
    const char *told [4] = { "office", NULL };
    assert (hs_policy_told (&policy, HS_NOTICE_CIRCULATE, "hrss", told, 1, 4) == 2);
    assert (streq (told [0], "office") && streq (told [1], "hrss") && !told [2]);
    assert (hs_policy_told (&policy, HS_NOTICE_SENT_BACK, "street.wanli", told, 0, 4) == 2);
    assert (streq (told [0], "street.wanli") && streq (told [1], "office") && !told [2]);
    assert (hs_policy_told (&policy, HS_NOTICE_REMIND, NULL, told, 0, 4) == 0 && !told [0]);
    assert (hs_policy_told (&policy, HS_NOTICE_FAILED, "hrss", told, 0, 2) == 1
         && streq (told [0], "office") && !told [1]);
    assert (hs_policy_may_on (&policy, HS_ACT_FOLLOWUP, "street.wanli", false, true));
    assert (!hs_policy_may_on (&policy, HS_ACT_FOLLOWUP, "street.wanli", false, false));
    assert (hs_policy_may (&policy, HS_ACT_FOLLOWUP, "union", false));
    assert (hs_policy_may (&policy, HS_ACT_REGRADE, "convener", false));
    assert (!hs_policy_may (&policy, HS_ACT_MERGE, "convener", false));
    assert (policy.enterprise_threshold == 3 && policy.street_threshold == 10);
    assert (policy.prompt_streets == 3 && policy.quorum_percent == 50);
    assert (streq (policy.chairs [0], "convener") && streq (policy.chairs [1], "vice_convener"));
    assert (policy.brief_daily_minute == 8 * 60 + 30);
    assert (policy.brief_weekly_weekday == 0 && policy.brief_weekly_minute == 9 * 60);
    const char *const *office = hs_policy_recipients (&policy, HS_NOTICE_SUPERVISE);
    assert (streq (office [0], "office") && !office [1]);
    const char *const *prompt = hs_policy_recipients (&policy, HS_NOTICE_PROMPT);
    assert (streq (prompt [0], "office") && !prompt [1]);
    assert (streq (hs_policy_recipients (&policy, HS_NOTICE_NO_QUORUM) [0], "convener"));
    const char *const *upward = hs_policy_recipients (&policy, HS_NOTICE_WEEKLY_UP);
    assert (streq (upward [0], "district") && streq (upward [1], "city") && !upward [2]);
    assert (hs_policy_may (&policy, HS_ACT_UPDATE, "office", false));
    assert (hs_policy_may (&policy, HS_ACT_UPDATE, "court", true));
    assert (!hs_policy_may (&policy, HS_ACT_UPDATE, "court", false));
    assert (hs_policy_may (&policy, HS_ACT_MINUTES, "office", false));
    assert (!hs_policy_may (&policy, HS_ACT_MINUTES, "hrss", true));
    assert (hs_policy_may (&policy, HS_ACT_PLENARY, "convener", false));
    assert (hs_policy_may (&policy, HS_ACT_BRIEF_UP, "street.wanli", false));
    assert (!hs_policy_may (&policy, HS_ACT_BRIEF_UP, "hrss", false));
    char who [128];
    hs_policy_who (&policy, HS_ACT_UPDATE, who, sizeof (who));
    assert (streq (who, "office or a unit routed on the case"));
    hs_policy_free (&policy);
    hs_zpl_destroy (&zpl);

    //  An unknown unit, a missing recipient, an unknown key: refused at the line.
    const char *base = "rules\n    supervision\n        critical = 2h\n        major = 24h\n"
        "        significant = 72h\n        general = 7d\n    warnings\n        enterprise\n"
        "            window = 7d\n            threshold = 3\n            raise = 1\n"
        "        street\n            window = 24h\n            threshold = 10\n        prompt\n"
        "            window = 24h\n            streets = 3\n    meetings\n"
        "        chairs = convener\n        lead = hrss\n        quorum = 50\n"
        "        plenary_deadline = 72h\n    briefs\n        daily = \"08:30\"\n"
        "        weekly = \"mon 09:00\"\n";
    const char *tails [] = {
        "    notices\n        enterprise = nobody\n    authority\n        update = office\n",
        "    notices\n        enterprise = office\n    authority\n        update = routed\n",
        "    notices\n        enterprise = office\n        bogus = office\n    authority\n",
        NULL
    };
    const char *expected [] = { "r.cfg:27: 'enterprise': 'nobody' is not a unit", "r.cfg:26: notices: who receives",
                                "r.cfg:28: unknown key 'bogus'" };
    for (int index = 0; tails [index]; index++) {
        char *text = zsys_sprintf ("%s%s", base, tails [index]);
        zpl = hs_zpl_load_text (text, "r.cfg", error, sizeof (error));
        assert (zpl);
        assert (hs_policy_load (&policy, zpl, zconfig_locate (hs_zpl_root (zpl), "rules"), units,
                                error, sizeof (error)) == -1);
        if (!strstr (error, expected [index]))
            fprintf (stderr, "unexpected: %s\n", error);
        assert (strstr (error, expected [index]));
        hs_zpl_destroy (&zpl);
        zstr_free (&text);
    }
    //  A rules file from before work prompts (no `prompts`, no
    //  authority/prompt) takes the shipped ones; one that gives them wins.
    for (int given = 0; given < 2; given++) {
        char *text = zsys_sprintf ("%s%s    notices\n        enterprise = office\n"
            "        street = office\n        prompt = office\n        feed = office\n"
            "        store = office\n        no_quorum = convener\n        briefs = members\n"
            "        weekly_up = city\n    authority\n        update = \"routed office\"\n"
            "        minutes = office\n        plenary = convener\n        brief_up = streets\n%s",
            base, given? "    prompts\n        sign = 2h\n": "",
            given? "        prompt = \"office convener\"\n": "");
        zpl = hs_zpl_load_text (text, "old.cfg", error, sizeof (error));
        assert (zpl);
        int rc = hs_policy_load (&policy, zpl, zconfig_locate (hs_zpl_root (zpl), "rules"), units,
                                 error, sizeof (error));
        if (rc)
            fprintf (stderr, "unexpected: %s\n", error);
        assert (rc == 0);
        assert (policy.prompt_sign_ms == (given? 2: 24) * 3600 * 1000LL);
        assert (policy.prompt_repeat_ms == 24 * 3600 * 1000LL);
        assert (hs_policy_may (&policy, HS_ACT_PROMPT, "office", false));
        assert (hs_policy_may (&policy, HS_ACT_PROMPT, "convener", false) == (given == 1));
        assert (!hs_policy_may (&policy, HS_ACT_PROMPT, "street.wanli", false));
        assert (policy.inspect_repeat_ms == 24 * 3600 * 1000LL);
        assert (policy.inspect_decide_ms == 48 * 3600 * 1000LL);
        assert (hs_policy_may (&policy, HS_ACT_INSPECT_APPROVE, "convener", false));
        assert (!hs_policy_may (&policy, HS_ACT_INSPECT_APPROVE, "office", false));
        assert (streq (hs_policy_recipients (&policy, HS_NOTICE_INSPECT_PLAN) [0], "convener"));
        hs_policy_free (&policy);
        hs_zpl_destroy (&zpl);
        zstr_free (&text);
    }
    hs_units_destroy (&units);
    hs_zpl_destroy (&units_zpl);
    if (verbose)
        printf ("OK\n");
}
