/*  =========================================================================
    hs_units - the member units of the mechanism, loaded from config
    =========================================================================
*/

#include "hs_units.h"
#include "../protocol/hs_proto.h"

struct _hs_units_t {
    hs_unit_t *units;           //  every unit, document order
    size_t size;                //  entries in units
    const char **members;       //  member codes, NULL-terminated
    zhashx_t *by_code;          //  code -> its unit (in units): each report looks up a few
};

static bool
s_code_valid (const char *code)
{
    if (!*code || strlen (code) > 64)
        return false;
    for (const char *c = code; *c; c++)
        if (!(islower ((unsigned char) *c) || isdigit ((unsigned char) *c) || *c == '_' || *c == '.'))
            return false;
    return true;
}

hs_units_t *
hs_units_load (hs_zpl_t *zpl, char *error, size_t error_size)
{
    static const char *top [] = { "units", NULL };
    if (hs_zpl_only_keys (zpl, hs_zpl_root (zpl), top, error, error_size))
        return NULL;
    zconfig_t *section = zconfig_locate (hs_zpl_root (zpl), "units");
    if (!section) {
        hs_zpl_error (zpl, NULL, error, error_size, "no 'units' section");
        return NULL;
    }
    hs_units_t *self = (hs_units_t *) zmalloc (sizeof (hs_units_t));
    size_t count = 0;
    for (zconfig_t *node = zconfig_child (section); node; node = zconfig_next (node))
        count++;
    self->units = (hs_unit_t *) zmalloc ((count + 1) * sizeof (hs_unit_t));
    self->members = (const char **) zmalloc ((count + 1) * sizeof (char *));
    self->by_code = zhashx_new ();
    size_t members = 0;
    for (zconfig_t *node = zconfig_child (section); node; node = zconfig_next (node)) {
        const char *code = zconfig_name (node);
        const char *zh = zconfig_get (node, "zh", NULL);
        const char *en = zconfig_get (node, "en", NULL);
        const char *kind = zconfig_get (node, "kind", NULL);
        int rc = 0;
        if (!s_code_valid (code))
            rc = hs_zpl_error (zpl, node, error, error_size,
                               "unit code '%s' must be lower-case letters, digits, '_' or '.'", code);
        else
        if (hs_units_find (self, code))
            rc = hs_zpl_error (zpl, node, error, error_size, "unit '%s' is defined twice", code);
        else
        if (!zh || !*zh || !en || !*en)
            rc = hs_zpl_error (zpl, node, error, error_size, "unit '%s' needs both 'zh' and 'en' names", code);
        else
        if (!kind || !(streq (kind, "agency") || streq (kind, "street") || streq (kind, "role")))
            rc = hs_zpl_error (zpl, node, error, error_size,
                               "unit '%s': kind must be agency, street or role", code);
        else
        if (streq (kind, "street") != (strncmp (code, HS_STREET_PREFIX, strlen (HS_STREET_PREFIX)) == 0)
        ||  streq (code, HS_STREET_PREFIX))
            rc = hs_zpl_error (zpl, node, error, error_size,
                               "unit '%s': streets, and only streets, are named street.<name>", code);
        if (rc) {
            hs_units_destroy (&self);
            return NULL;
        }
        hs_unit_t *unit = &self->units [self->size++];
        unit->code = strdup (code);
        unit->zh = strdup (zh);
        unit->en = strdup (en);
        unit->kind = streq (kind, "agency")? HS_UNIT_AGENCY:
                     streq (kind, "street")? HS_UNIT_STREET: HS_UNIT_ROLE;
        if (unit->kind != HS_UNIT_ROLE)
            self->members [members++] = unit->code;
        zhashx_insert (self->by_code, unit->code, unit);
    }
    if (!members) {
        hs_zpl_error (zpl, section, error, error_size, "no member units defined");
        hs_units_destroy (&self);
        return NULL;
    }
    return self;
}

void
hs_units_destroy (hs_units_t **self_p)
{
    assert (self_p);
    if (*self_p) {
        hs_units_t *self = *self_p;
        for (size_t index = 0; index < self->size; index++) {
            free (self->units [index].code);
            free (self->units [index].zh);
            free (self->units [index].en);
        }
        zhashx_destroy (&self->by_code);
        free (self->units);
        free (self->members);
        free (self);
        *self_p = NULL;
    }
}

const hs_unit_t *
hs_units_find (hs_units_t *self, const char *code)
{
    return code? (const hs_unit_t *) zhashx_lookup (self->by_code, code): NULL;
}

const hs_unit_t *
hs_units_street (hs_units_t *self, const char *name)
{
    const hs_unit_t *unit = hs_units_find (self, name);
    if (!unit && name && strlen (name) < 64) {
        char code [80];
        snprintf (code, sizeof (code), HS_STREET_PREFIX "%s", name);
        unit = hs_units_find (self, code);
    }
    return unit && unit->kind == HS_UNIT_STREET? unit: NULL;
}

const char *
hs_units_zh (hs_units_t *self, const char *code)
{
    const hs_unit_t *unit = hs_units_find (self, code);
    return unit? unit->zh: code;
}

size_t hs_units_size (hs_units_t *self) { return self->size; }

const hs_unit_t *
hs_units_at (hs_units_t *self, size_t index)
{
    return index < self->size? &self->units [index]: NULL;
}

const char **hs_units_members (hs_units_t *self) { return self->members; }

void
hs_units_test (bool verbose)
{
    if (verbose)
        printf (" * hs_units: ");
    char error [256];
    hs_zpl_t *zpl = hs_zpl_load_text (
        "units\n"
        "    hrss\n"
        "        zh = 区人社局\n"
        "        en = \"HR bureau\"\n"
        "        kind = agency\n"
        "    street.caoyang\n"
        "        zh = 曹杨新村街道\n"
        "        en = Caoyang\n"
        "        kind = street\n"
        "    office\n"
        "        zh = 办公室\n"
        "        en = Office\n"
        "        kind = role\n", "units.cfg", error, sizeof (error));
    assert (zpl);
    hs_units_t *units = hs_units_load (zpl, error, sizeof (error));
    assert (units);
    assert (hs_units_size (units) == 3);
    assert (streq (hs_units_zh (units, "hrss"), "区人社局"));
    assert (streq (hs_units_zh (units, "nobody"), "nobody"));
    assert (hs_units_street (units, "caoyang") == hs_units_find (units, "street.caoyang"));
    assert (hs_units_street (units, "street.caoyang"));
    assert (hs_units_street (units, "hrss") == NULL);
    assert (streq (hs_proto_street_short ("street.caoyang"), "caoyang"));
    const char **members = hs_units_members (units);
    assert (streq (members [0], "hrss") && streq (members [1], "street.caoyang") && !members [2]);
    hs_units_destroy (&units);
    assert (!units);
    hs_zpl_destroy (&zpl);

    //  A street that is not named street.<name> is refused, with its line.
    zpl = hs_zpl_load_text ("units\n    caoyang\n        zh = x\n        en = y\n        kind = street\n",
                            "u.cfg", error, sizeof (error));
    assert (zpl);
    units = hs_units_load (zpl, error, sizeof (error));
    assert (!units);
    assert (strstr (error, "u.cfg:2:"));
    hs_zpl_destroy (&zpl);
    if (verbose)
        printf ("OK\n");
}
