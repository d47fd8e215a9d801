/*  =========================================================================
    hs_units - the member units of the mechanism, loaded from config

    Owns the table of unit codes with their Chinese and English names and
    their kind: an agency (区人社局 ...), a street or town (street.caoyang
    ...), or a role that is not an agency (office, convener, district,
    city). Agencies and streets are the mechanism's members (成员单位).
    =========================================================================
*/

#ifndef HS_UNITS_H_INCLUDED
#define HS_UNITS_H_INCLUDED

#include "hs_zpl.h"

typedef enum {
    HS_UNIT_AGENCY = 0,
    HS_UNIT_STREET,
    HS_UNIT_ROLE
} hs_unit_kind_t;

typedef struct {
    char *code;                 //  e.g. "hrss", "street.caoyang"
    char *zh;                   //  Chinese name
    char *en;                   //  English name
    hs_unit_kind_t kind;
} hs_unit_t;

typedef struct _hs_units_t hs_units_t;

//  Load the units from the "units" section of a parsed file. Returns a new
//  table (caller owns it), or NULL with a line-numbered message in `error`.
hs_units_t *hs_units_load (hs_zpl_t *zpl, char *error, size_t error_size);

void hs_units_destroy (hs_units_t **self_p);

//  Find a unit by code; borrowed, valid while the table lives. NULL if none.
const hs_unit_t *hs_units_find (hs_units_t *self, const char *code);

//  Resolve a street given as its unit code ("street.caoyang") or its short
//  name ("caoyang"). Returns the street unit, or NULL if it is no street.
const hs_unit_t *hs_units_street (hs_units_t *self, const char *name);

//  Chinese name of a unit, or the code itself when unknown.
const char *hs_units_zh (hs_units_t *self, const char *code);

//  Number of units, and the unit at an index (document order).
size_t hs_units_size (hs_units_t *self);
const hs_unit_t *hs_units_at (hs_units_t *self, size_t index);

//  Codes of all members (agencies and streets), NULL-terminated; borrowed.
const char **hs_units_members (hs_units_t *self);

void hs_units_test (bool verbose);

#endif
