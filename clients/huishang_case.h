/*  =========================================================================
    huishang_case - how `huishang case` shows a case being handled

    The case's stage, its lead, each handler with its clocks (签收, 进展,
    办结: due time, rung, notices), its mute, follow-up and merges; and its
    history, one Chinese-first line per event. Records written before the
    handling keys existed (0.4 stores) show what they have.
    =========================================================================
*/

#ifndef HUISHANG_CASE_H_INCLUDED
#define HUISHANG_CASE_H_INCLUDED

#include "../daemon/hs_units.h"
#include "../protocol/hs_proto.h"

//  Print the handling of a case record (stage, lead, handlers and their
//  clocks, mute, follow-up, merges), each key only if the record has it.
void huishang_case_print_handling (hs_units_t *units, const msgpack_object *kase);

//  Print one event of a case's history on one line, indented by two
//  spaces: time, seq, what it was in Chinese and on the wire, who, what.
void huishang_case_print_event (hs_units_t *units, const msgpack_object *event);

#endif
