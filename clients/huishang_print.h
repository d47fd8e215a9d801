/*  =========================================================================
    huishang_print - what huishang shows: fields, times, units, events

    The readable forms of what the daemon sends: a published message on
    one line, a stored event, a case record's header, and the small pieces
    they are made of (a field or "-", a local time, units by their Chinese
    names). Everything goes to stdout.
    =========================================================================
*/

#ifndef HUISHANG_PRINT_H_INCLUDED
#define HUISHANG_PRINT_H_INCLUDED

#include "../daemon/hs_units.h"
#include "../protocol/hs_proto.h"
#include "huishang_time.h"

//  A string field of `map` copied into `buffer` ("-" if absent or not a
//  string). Returns buffer.
const char *huishang_print_str (const msgpack_object *map, const char *key, char *buffer,
                                size_t size);

//  A string field of `map` copied into `buffer` ("" if absent or not a
//  string). Returns buffer.
const char *huishang_print_field (const msgpack_object *map, const char *key, char *buffer,
                                  size_t size);

//  A boolean field of `map`: true only if present and true.
bool huishang_print_bool (const msgpack_object *map, const char *key);

//  An integer field of `map`, or -1 if absent.
int64_t huishang_print_int (const msgpack_object *map, const char *key);

//  A Unix time in ms as the district's "YYYY-MM-DD HH:MM:SS" into `buffer`.
void huishang_print_time (int64_t ms, char *buffer, size_t size);

//  The time zone huishang_print_time writes in: the district's
//  (calendar/utc_offset of the config), not the machine's TZ.
void huishang_print_zone (int64_t utc_offset_ms);

//  Print an array of unit codes by their Chinese names, joined by "、"
//  (nothing if `list` is not an array).
void huishang_print_units (hs_units_t *units, const msgpack_object *list);

//  Print an array of strings joined by ", ".
void huishang_print_strings (const msgpack_object *list);

//  Print a msgpack object as JSON on one line (indented when `indent`).
void huishang_print_json (const msgpack_object *obj, bool indent);

//  One line about a published message: every kind the daemon publishes
//  (PROTOCOL.md §4) readably, a kind not known yet as its plain fields
//  (key=value), never as JSON.
void huishang_print_line (hs_units_t *units, const char *topic, const msgpack_object *body);

//  A published message as huishang_print_line shows it, or as one JSON
//  line {"topic", "body"} when `json`; stdout flushed.
void huishang_print_message (hs_units_t *units, const char *topic, const msgpack_object *body,
                             bool json);

//  One line about a stored event (a case's history, a replay).
void huishang_print_event (hs_units_t *units, const msgpack_object *event);

//  The readable header of a case record; with `long_form` its units,
//  reasons, rules version and due time too.
void huishang_print_case (hs_units_t *units, const msgpack_object *kase, bool long_form);

#endif
