/*  =========================================================================
    hs_outbound - what the daemon publishes: alerts, meeting requests and
                  reminders, early warnings, reports upward, briefings

    Each encoder packs one body from a struct whose strings and lists are
    borrowed. Every body carries `v` and the `seq` it is stored under.
    =========================================================================
*/

#ifndef HS_OUTBOUND_H_INCLUDED
#define HS_OUTBOUND_H_INCLUDED

#include "hs_pack.h"
#include "hs_meeting_rec.h"
#include "hs_prompt_rec.h"
#include "hs_inbound.h"

//  What an alert about handling adds: the unit concerned, a supervision
//  notice's clock and rung, a person's reason, a merge's target, a
//  follow-up's answer. Absent fields: NULL, 0 or -1.
typedef struct {
    const char *unit;           //  the unit chased, that returned, that leads
    const char *clock;          //  supervision: sign|progress|resolve
    const char *rung;           //  supervision: remind|supervise|circulate
    int count;                  //  supervision: the nth notice of that clock (0: absent)
    int64_t due;                //  supervision: when the clock was due
    int64_t late_ms;            //  supervision: how late
    const char *note;           //  a person's reason or note, not NUL-terminated
    size_t note_size;
    const char *into;           //  merged: the case it went into
    int satisfied;              //  follow-up: 1, 0; -1 absent
} hs_alert_more_t;

//  What caused an alert: a unit's message. None (NULL) when the daemon's
//  own clock did (a supervision notice, a mute's end, a missing quorum).
typedef struct {
    const char *source;         //  the unit whose message it was
    const char *id;             //  that message's id
    bool report;                //  a report (key `report`), else an update or an act (`update`)
    const char *person;         //  who in the unit did it (an update's or act's), or NULL
} hs_cause_t;

//  What an outbound alert says. Arrays are NULL-terminated and borrowed.
typedef struct {
    uint64_t seq;
    const char *kind;           //  new|escalated|resolved|closed|reopened|sent_back|returned|
                                //  failed|regraded|merged|unmuted|supervision|warning
    const char *case_id;
    int level;
    int previous_level;         //  -1 unless kind is "escalated"
    int category;
    const char *street;
    const char *enterprise;
    int64_t workers;
    int64_t amount;             //  -1 when unknown
    uint32_t flags;
    const char *const *units;
    const char *const *reasons;
    const hs_cause_t *cause;    //  NULL: the clock
    const hs_alert_more_t *more;    //  NULL: nothing more
    int64_t at;
} hs_alert_t;

//  Encode an `alert.<level>.<street>` body. Returns 0.
int hs_alert_encode (const hs_alert_t *alert, hs_pack_t *pack);

//  The topic an alert goes out under: `alert.<level>.<street's short
//  name>`, NUL-terminated into `topic` (`size` bytes, cut short if less
//  than HS_TOPIC_MAX + 1).
void hs_alert_topic (int level, const char *street, char *topic, size_t size);

typedef struct {
    uint64_t seq;
    const char *meeting_id;
    const char *case_id;        //  NULL for a plenary
    const char *kind;           //  special (专题会议) | plenary (全体会议)
    int level;                  //  -1 for a plenary
    const char *const *participants;
    const char *const *chairs;  //  one of them must attend
    const char *urgency;        //  normal|urgent
    int64_t deadline;           //  meet before, Unix ms
    const char *const *reasons;
    const hs_call_t *call;      //  a meeting called: who, when, where, its agenda; or NULL
    int64_t at;
} hs_meeting_t;

//  Encode a `meeting.request` body. Returns 0.
int hs_meeting_encode (const hs_meeting_t *meeting, hs_pack_t *pack);

typedef struct {
    uint64_t seq;
    const char *to;             //  district|city
    const char *from;           //  our district's name
    const char *case_id;
    int level;
    int category;
    const char *street;
    const char *enterprise;
    int64_t workers;
    int64_t amount;
    uint32_t flags;
    const char *const *units;
    const char *const *reasons;
    const char *report;         //  首报 first | 续报 followup | 终报 final
    const char *const *changed; //  a follow-up's or final's cause: level, lead, minutes, closed...
    int64_t at;
} hs_escalation_t;

//  Encode an `escalate.<to>` body. Returns 0.
int hs_escalation_encode (const hs_escalation_t *escalation, hs_pack_t *pack);

//  An early warning or work prompt (`warning.<kind>`). Absent fields are
//  NULL / -1 and are left out.
typedef struct {
    uint64_t seq;
    const char *topic;          //  NULL: warning.<kind>
    const char *kind;           //  enterprise|street|prompt|quorum|store|gap|silent|resumed
    const char *source;         //  feed warnings: the feeder
    int64_t from, to;           //  gap: the missing fseq range (0: none)
    int64_t last_heard;         //  silent: when it was last heard (0: none)
    const char *case_id;
    const char *meeting_id;
    const char *enterprise;
    const char *credit_code;
    const char *street;
    int category;
    int64_t count;              //  cases (or streets) in the window
    int64_t window_ms;
    const char *const *streets; //  prompt: the streets it came from
    bool suggested;             //  prompt: a suggestion to the office, who issues the prompt
    const char *const *units;   //  to whom
    const char *const *reasons;
    int64_t at;
} hs_warning_t;

int hs_warning_encode (const hs_warning_t *warning, hs_pack_t *pack);

//  A reminder to invited units that have not answered (`meeting.reminder`).
typedef struct {
    uint64_t seq;
    const char *meeting_id;
    const char *case_id;        //  NULL for a plenary
    const char *const *to;
    const char *about;          //  quorum (answers missing) | minutes (not recorded)
    int64_t deadline;
    int64_t at;
} hs_reminder_t;

int hs_reminder_encode (const hs_reminder_t *reminder, hs_pack_t *pack);

//  A meeting request closed before it was held (`meeting.closed`): a later
//  one supersedes it (the case rose).
typedef struct {
    uint64_t seq;
    const char *meeting_id;
    const char *case_id;        //  NULL for a plenary
    const char *superseded_by;  //  the request that replaces it
    const char *const *to;      //  those it was sent to: invited and chairs
    const char *const *reasons;
    int64_t at;
} hs_meeting_closed_t;

int hs_meeting_closed_encode (const hs_meeting_closed_t *closed, hs_pack_t *pack);

//  Minutes recorded (会议纪要, `meeting.minutes`): what was decided, and the
//  action items they set, items [first .. first + count) of the meeting.
typedef struct {
    uint64_t seq;
    const hs_meeting_rec_t *meeting;
    const msgpack_object *decisions;    //  borrowed array of str, or NULL
    size_t first, count;
    const char *note;                   //  not NUL-terminated, or NULL
    size_t note_size;
    const char *const *to;
    int64_t at;
} hs_minutes_out_t;

int hs_minutes_out_encode (const hs_minutes_out_t *minutes, hs_pack_t *pack);

//  An action item chased or done (`meeting.action`): `kind` notice, with
//  its rung and count, or done.
typedef struct {
    uint64_t seq;
    const hs_meeting_rec_t *meeting;
    size_t index;
    const char *kind;                   //  notice | done
    const char *const *to;
    const char *const *reasons;
    const char *source;                 //  done: who said so, and the message's id
    const char *update;
    int64_t at;
} hs_action_out_t;

int hs_action_out_encode (const hs_action_out_t *action, hs_pack_t *pack);

//  A work prompt (工作提示) said: `prompt.issued` (its text, streets,
//  cases, due time), `prompt.signed` (a street signed: `street`, its note
//  and the message's id) or `prompt.notice` (a street late to sign:
//  `street`, its rung and count, the reasons).
typedef struct {
    uint64_t seq;
    const hs_prompt_rec_t *prompt;
    const char *kind;                   //  issued | signed | notice
    size_t street;                      //  signed, notice: the street's index
    const char *note;                   //  signed: not NUL-terminated, or NULL
    size_t note_size;
    const char *update;                 //  signed: the promptsign message's id
    const char *const *to;
    const char *const *reasons;         //  notice
    int64_t at;
} hs_prompt_out_t;

int hs_prompt_out_encode (const hs_prompt_out_t *out, hs_pack_t *pack);



//  One unit in a briefing's period: its supervision notices (督促检查)
//  by rung (催办, 督办, 通报), and how fast it signed for cases (签收) and
//  finished its part (办结): how many, and the time from routing, summed.
typedef struct {
    const char *unit;
    int64_t remind, supervise, circulate;
    int64_t signed_count, sign_ms;
    int64_t resolved_count, resolve_ms;
} hs_brief_notices_t;

//  A briefing (`brief.<period>`, and the weekly one upward as
//  `escalate.<to>`). Lists are borrowed.
typedef struct {
    uint64_t seq;
    const char *period;         //  daily | weekly
    const char *district;
    const char *to;             //  reported upward to (and then `from` is the district), or NULL
    const char *const *units;   //  whom it is for, or NULL
    int64_t since, until;       //  the period, daemon clock
    int64_t new_total;          //  cases opened in the period
    int64_t new_by_level [HS_LEVEL_COUNT];
    const hs_tally_t *new_by_street;
    size_t street_count;
    const hs_tally_t *new_by_category;
    size_t category_count;
    int64_t open;               //  open now
    int64_t open_by_level [HS_LEVEL_COUNT];
    int64_t overdue;            //  open and overdue now
    int64_t overdue_alerts, escalated, resolved, meetings_requested, meetings_held, warnings;
    int64_t closed, reopened;   //  alerts of those kinds in the period
    const hs_brief_notices_t *supervision;  //  per chased unit, most notices first
    size_t supervision_count;
    const char *const *named;   //  units that got a `circulate` (通报); NULL-terminated, or NULL
    const hs_prompt_rec_t *prompts; //  the work prompts issued in the period, as they are now
    size_t prompt_count;
    int64_t actions_open, actions_late; //  meetings' action items not done; of them, past due
    int64_t rectify_open, rectify_late; //  inspections' rectifications (整改) not done; past due
    int64_t at;
} hs_brief_t;

int hs_brief_encode (const hs_brief_t *brief, hs_pack_t *pack);

//  A lower daemon's briefing published on as `brief.district`: who sent
//  it, its id, and its body as it came (a decoded map, borrowed).
int hs_brief_district_encode (uint64_t seq, const char *from, const char *id, int64_t at,
                              const msgpack_object *brief, hs_pack_t *pack);

//  The `hs.hello` marker (and the api's answer to `hello`): the token.
int hs_hello_encode (const char *token, hs_pack_t *pack);

//  What a district sends up to its city for a stored event: an
//  escalate.* event becomes a report from our unit (the city's "street"),
//  the weekly briefing a brief.<unit>. The event's body is its raw bytes.
typedef struct {
    const char *id;             //  "<district>-<seq>": the city deduplicates on it
    const char *unit;           //  our unit code up there
    const char *district;       //  our name
    const char *event_topic;    //  the topic the event went out under here
    int64_t fseq;               //  the link's own sequence number
    int64_t now;                //  `at` when the body has none
} hs_forwarded_t;

//  Pack the message that carries an event up. Writes its topic into
//  `topic`. Returns 0, 1 if the event is not one that goes up (nothing
//  packed), -1 if its body cannot be read.
int hs_forwarded_encode (const hs_forwarded_t *forward, const uint8_t *body, size_t body_size,
                       char *topic, size_t topic_size, hs_pack_t *pack);

void hs_outbound_test (bool verbose);

#endif
