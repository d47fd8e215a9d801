/*  =========================================================================
    huishang_words - the Chinese words of the wire's names

    People read huishang at a duty desk and on paper: the Chinese word
    first (签收, 催办, 审核办结 ...), then the wire's name for scripts and
    for whoever reads PROTOCOL.md beside it. `huishang case` and `huishang
    dossier` both take their words from these tables, so a case reads the
    same on a terminal and in a printed dossier; a name the daemon adds
    later shows as itself rather than as nothing.
    =========================================================================
*/

#ifndef HUISHANG_WORDS_H_INCLUDED
#define HUISHANG_WORDS_H_INCLUDED

#include "../protocol/hs_proto.h"

//  The tables, one per family of wire names (PROTOCOL.md §3.1, §4).
typedef enum {
    HUISHANG_WORDS_STAGE,       //  a case's stage: open 办理中, resolved 待审核 ...
    HUISHANG_WORDS_STATE,       //  a handler's state: routed 已派, signed 已签收 ...
    HUISHANG_WORDS_ROLE,        //  lead 主办, co 协办
    HUISHANG_WORDS_CLOCK,       //  sign 签收, progress 进展, resolve 办结
    HUISHANG_WORDS_RUNG,        //  none 未超期, remind 催办, supervise 督办, circulate 通报
    HUISHANG_WORDS_STATUS,      //  an update's status: signed 签收, mediating 调解中 ...
    HUISHANG_WORDS_ACT,         //  an act: close 审核办结, regrade 调整等级 ...
    HUISHANG_WORDS_ALERT,       //  an alert's kind: new 立案, escalated 升级 ...
    HUISHANG_WORDS_TYPE,        //  an event's type: report 上报, meeting 会议 ...
    HUISHANG_WORDS_CATEGORY,    //  a dispute's category: wage_arrears 拖欠工资 ...
    HUISHANG_WORDS_FLAG,        //  a flag: gathering 聚集, road_blocking 堵路 ...
    HUISHANG_WORDS_OWNERSHIP,   //  an enterprise's ownership: private 民营 ...
    HUISHANG_WORDS_MEETING,     //  a meeting's kind and urgency, an rsvp's answer
    HUISHANG_WORDS_WARNING,     //  a warning's kind: enterprise 企业预警 ...
    HUISHANG_WORDS_TABLES
} huishang_words_t;

//  The Chinese of a wire name in one table; the name itself if the table
//  lacks it. Static or the caller's string: valid as long as `name` is.
const char *huishang_words_zh (huishang_words_t table, const char *name);

//  The Chinese of a level name (重大 for major), or "" if it is no level.
const char *huishang_words_level (const char *name);

//  A length of time as 2d3h, 1h20m, 45m or 30s into `buffer`.
void huishang_words_span (int64_t ms, char *buffer, size_t size);

#endif
