/*  =========================================================================
    hs_heartbeat_msg - the daemon's heartbeat: hs.heartbeat

    Every server/heartbeat (2 s by default) the daemon publishes
    `hs.heartbeat` (PROTOCOL.md §4.18) so that a viewer can tell a quiet
    hour from a dead daemon: three intervals without one and the daemon is
    not answering. Not an event: not stored, no seq. This class owns its
    layout: {v, at, next_seq, wall, interval_ms}.
    =========================================================================
*/

#ifndef HS_HEARTBEAT_MSG_H_INCLUDED
#define HS_HEARTBEAT_MSG_H_INCLUDED

#include "hs_pack.h"
#include "hs_proto.h"

#define HS_HEARTBEAT_TOPIC      "hs.heartbeat"
#define HS_HEARTBEAT_MISSED     3       //  beats missed before a viewer says so

typedef struct {
    int64_t at;                 //  the daemon's clock (a drill's, when one runs)
    uint64_t next_seq;          //  the seq the next stored event gets
    int64_t wall;               //  the real time
    int64_t interval_ms;        //  the next beat comes this much later
} hs_pulse_t;

void hs_pulse_encode (const hs_pulse_t *beat, hs_pack_t *pack);

//  Read a body; 0, or -1 (and *beat untouched) if it is not a heartbeat.
int hs_pulse_decode (const msgpack_object *body, hs_pulse_t *beat);

void hs_heartbeat_msg_test (bool verbose);

#endif
