/*  =========================================================================
    huishang_dossier_events - the events of a case's history, as rows

    One row of the dossier's history table per event record (PROTOCOL.md
    §7): its seq, its time in the district's zone, what it was (Chinese
    first, the wire's type and kind beside it), its topic, and its content
    in words: a report's facts, source and classification with the rules
    that fired and their version; an update's status and note; an act's
    who, what, why and until; an alert's kind, units and reasons, a
    supervision notice's unit, clock, rung, count and lateness; meetings,
    reminders, minutes, answers; reports upward; warnings. A type this
    file does not know shows its body as JSON, so nothing is left out.
    =========================================================================
*/

#ifndef HUISHANG_DOSSIER_EVENTS_H_INCLUDED
#define HUISHANG_DOSSIER_EVENTS_H_INCLUDED

#include "../daemon/hs_units.h"
#include "../protocol/hs_proto.h"
#include <stdio.h>

//  Write one event of the history of case `case_id` as a <tr> of five
//  cells (seq, time, type, topic, content). An event that came with a
//  case merged into this one says which. Everything from the record is
//  escaped (huishang_html).
void huishang_dossier_events_row (FILE *out, hs_units_t *units, const char *case_id,
                                  const msgpack_object *event);

#endif
