/*  =========================================================================
    hs_fields - reading one field of an inbound body, checked

    The getters of the inbound decoders. Each returns 0 if the field is
    present and valid, 1 if it is absent (or nil) and optional, -1 with
    `why` set otherwise. Text and lists are borrowed from the body.
    =========================================================================
*/

#ifndef HS_FIELDS_H_INCLUDED
#define HS_FIELDS_H_INCLUDED

#include "hs_proto.h"


//  1-64 bytes of printable ASCII without spaces (codes and ids)?
bool hs_field_token (const char *text);

//  A string field copied into `dest` (at most size - 1 bytes).
int hs_field_str (const msgpack_object *map, const char *key, bool required,
                  char *dest, size_t size, hs_why_t *why);

//  A string field that must be one of an enumeration's names.
int hs_field_enum (const msgpack_object *map, const char *key, bool required,
                   int (*parse) (const char *), int *value, hs_why_t *why);

//  An integer field within [min, max].
int hs_field_int (const msgpack_object *map, const char *key, bool required,
                  int64_t min, int64_t max, int64_t *value, hs_why_t *why);

//  An optional free-text field of at most `max` bytes (absent: NULL, 0).
int hs_field_text (const msgpack_object *map, const char *key, size_t max,
                   const char **text, size_t *size, hs_why_t *why);

//  The fields every inbound body has: v, id, source, at.
int hs_field_common (const msgpack_object *map, const hs_limits_t *limits, int64_t now_ms,
                     char *id, char *source, int64_t *at, hs_why_t *why);

//  An optional array of at most `max` strings: tokens if `tokens`, else
//  text of at most HS_NOTE_MAX bytes (absent: NULL).
int hs_field_strings (const msgpack_object *map, const char *key, bool tokens, size_t max,
                      const msgpack_object **list, hs_why_t *why);

//  An optional array of flag names, as a bit set (absent: 0).
int hs_field_flags (const msgpack_object *map, const char *key, uint32_t *flags, hs_why_t *why);

//  The optional `person` of an update or act: who in the unit acted, a
//  name of 1..HS_PERSON_MAX bytes of UTF-8 without control characters,
//  copied into `person` (HS_PERSON_MAX + 1 bytes; "" when absent).
int hs_field_person (const msgpack_object *map, char *person, hs_why_t *why);

#endif
