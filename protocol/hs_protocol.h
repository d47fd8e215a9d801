/*  =========================================================================
    hs_protocol - every layout of protocol/ in one include

    For code that speaks the whole protocol (the daemon's classes, the
    clients). hs_json is left out: only the command line links libjansson.
    =========================================================================
*/

#ifndef HS_PROTOCOL_H_INCLUDED
#define HS_PROTOCOL_H_INCLUDED

#include "hs_proto.h"
#include "hs_pack.h"
#include "hs_inbound.h"
#include "hs_act.h"
#include "hs_outbound.h"
#include "hs_event.h"
#include "hs_words.h"
#include "hs_alert_rec.h"
#include "hs_request_rec.h"
#include "hs_escalate_rec.h"
#include "hs_bin.h"
#include "hs_case.h"
#include "hs_meeting_rec.h"
#include "hs_prompt_rec.h"
#include "hs_proposal_rec.h"
#include "hs_proposal_msg.h"
#include "hs_inspection_msg.h"
#include "hs_record.h"
#include "hs_reply.h"

#endif
