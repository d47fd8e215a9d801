/*  =========================================================================
    huishang_print_kinds - the published kinds huishang_print_line leaves
    to it: meeting reminders, minutes and action items, warnings, briefings
    (and the weekly one sent upward), the heartbeat and the markers

    Each a readable line after huishang_print_line's "time #seq topic":
    never a body as JSON, never a field missing as "-1".
    =========================================================================
*/

#ifndef HUISHANG_PRINT_KINDS_H_INCLUDED
#define HUISHANG_PRINT_KINDS_H_INCLUDED

#include "../daemon/hs_units.h"
#include "../protocol/hs_proto.h"

//  Print the rest of the line for `topic` if it is one of these kinds;
//  returns false (nothing printed) if it is not.
bool huishang_print_kinds (hs_units_t *units, const char *topic, const msgpack_object *map);

//  A body of a kind nobody knows yet: its plain fields as key=value, what
//  is nested as how many items it holds.
void huishang_print_fields (const msgpack_object *map);

#endif
