/*  =========================================================================
    huishang_words - the Chinese words of the wire's names

    One table per family of names. The words are those of the district's
    document where it has one (签收, 催办, 督办, 通报, 会议纪要 ...), else
    the plain word a duty desk uses.
    =========================================================================
*/

#include "huishang_words.h"
#include <czmq.h>

typedef struct {
    const char *name;           //  the wire's name
    const char *zh;             //  what a person reads
} s_word_t;

static const s_word_t s_stages [] = {
    { "open", "办理中" }, { "resolved", "待审核" }, { "closed", "已办结" }, { "merged", "已合并" },
    { NULL, NULL }
};
static const s_word_t s_states [] = {
    { "routed", "已派" }, { "signed", "已签收" }, { "done", "已办结" }, { "returned", "已退单" },
    { "removed", "已移除" }, { NULL, NULL }
};
static const s_word_t s_roles [] = { { "lead", "主办" }, { "co", "协办" }, { NULL, NULL } };
static const s_word_t s_clocks [] = {
    { "sign", "签收" }, { "progress", "进展" }, { "resolve", "办结" }, { NULL, NULL }
};
static const s_word_t s_rungs [] = {
    { "none", "未超期" }, { "remind", "催办" }, { "supervise", "督办" }, { "circulate", "通报" },
    { NULL, NULL }
};
static const s_word_t s_statuses [] = {
    { "open", "办理中" }, { "signed", "签收" }, { "returned", "退单" }, { "accepted", "受理" },
    { "mediating", "调解中" }, { "resolved", "办结" }, { "closed", "结案" },
    { "failed", "调解失败" }, { NULL, NULL }
};
static const s_word_t s_acts [] = {
    { "close", "审核办结" }, { "reject_closure", "退回重办" }, { "followup", "回访" },
    { "regrade", "调整等级" }, { "merge", "合并" }, { "split", "拆分" },
    { "mute", "暂停督办" }, { "unmute", "恢复督办" }, { "reroute", "调整承办单位" },
    { "insist", "坚持交办" }, { NULL, NULL }
};
static const s_word_t s_alerts [] = {
    { "new", "立案" }, { "escalated", "升级" }, { "resolved", "办结待审核" },
    { "closed", "审核办结" }, { "reopened", "重新办理" }, { "sent_back", "退回重办" },
    { "returned", "退单" }, { "failed", "调解失败" }, { "regraded", "调整等级" },
    { "merged", "合并" }, { "unmuted", "恢复督办" }, { "overdue", "超期" },
    { "supervision", "督促检查" }, { "warning", "会议未达法定人数" }, { NULL, NULL }
};
static const s_word_t s_types [] = {
    { "report", "上报" }, { "update", "进展" }, { "act", "决定" }, { "alert", "通知" },
    { "meeting", "会议" }, { "reminder", "会议提醒" }, { "escalate", "上报上级" },
    { "warning", "预警" }, { "minutes", "会议纪要" }, { "rsvp", "回复" }, { "brief", "通报" },
    { "rules", "规则变更" }, { "clock", "时钟调整" }, { "prompt", "工作提示" },
    { "promptsign", "签收工作提示" }, { "workprompt", "工作提示" },
    { "proposal", "重大问题及对策建议" }, { "opinion", "成员单位意见" },
    { "consult", "征求意见与报送" }, { "filing", "归档" }, { "inspect", "督查方案" },
    { "inspectplan", "督查方案审批" }, { "finding", "督查结果" }, { "rectified", "整改完成" },
    { "inspection", "督查" }, { NULL, NULL }
};
static const s_word_t s_categories [] = {
    { "wage_arrears", "拖欠工资" }, { "layoff", "裁员" }, { "social_insurance", "社会保险" },
    { "work_stoppage", "停工停产" }, { "negotiation", "集体协商" }, { "contract", "劳动合同" },
    { "injury", "工伤" }, { "other", "其他" }, { NULL, NULL }
};
static const s_word_t s_flags [] = {
    { "gathering", "聚集" }, { "petition_visit", "信访" }, { "road_blocking", "堵路" },
    { "extreme", "极端行为" }, { "media", "媒体关注" }, { "litigation", "诉讼" },
    { "repeat", "重复发生" }, { "cross_district", "跨区" }, { "epidemic", "疫情相关" },
    { NULL, NULL }
};
static const s_word_t s_ownerships [] = {
    { "private", "民营" }, { "state", "国有" }, { "foreign", "外资" }, { "collective", "集体" },
    { "other", "其他" }, { NULL, NULL }
};
static const s_word_t s_meetings [] = {
    { "special", "专题会议" }, { "plenary", "全体会议" }, { "normal", "常规" },
    { "urgent", "紧急" }, { "attend", "出席" }, { "decline", "不出席" }, { NULL, NULL }
};
static const s_word_t s_warnings [] = {
    { "enterprise", "企业重复预警" }, { "street", "街道集中预警" }, { "prompt", "工作提示建议" },
    { "quorum", "全体会议未达法定人数" }, { "gap", "数据缺失" }, { "silent", "数据中断" },
    { "resumed", "数据恢复" }, { NULL, NULL }
};

static const s_word_t *s_tables [HUISHANG_WORDS_TABLES] = {
    [HUISHANG_WORDS_STAGE] = s_stages, [HUISHANG_WORDS_STATE] = s_states,
    [HUISHANG_WORDS_ROLE] = s_roles, [HUISHANG_WORDS_CLOCK] = s_clocks,
    [HUISHANG_WORDS_RUNG] = s_rungs, [HUISHANG_WORDS_STATUS] = s_statuses,
    [HUISHANG_WORDS_ACT] = s_acts, [HUISHANG_WORDS_ALERT] = s_alerts,
    [HUISHANG_WORDS_TYPE] = s_types, [HUISHANG_WORDS_CATEGORY] = s_categories,
    [HUISHANG_WORDS_FLAG] = s_flags, [HUISHANG_WORDS_OWNERSHIP] = s_ownerships,
    [HUISHANG_WORDS_MEETING] = s_meetings, [HUISHANG_WORDS_WARNING] = s_warnings
};

const char *
huishang_words_zh (huishang_words_t table, const char *name)
{
    assert (table < HUISHANG_WORDS_TABLES);
    const s_word_t *words = s_tables [table];
    for (size_t index = 0; words [index].name; index++)
        if (streq (words [index].name, name))
            return words [index].zh;
    return name;
}

const char *
huishang_words_level (const char *name)
{
    int level = hs_level_parse (name);
    return level >= 0? hs_level_zh (level): "";
}

void
huishang_words_span (int64_t ms, char *buffer, size_t size)
{
    int64_t minutes = ms / 60000, hours = minutes / 60, days = hours / 24;
    if (days)
        snprintf (buffer, size, "%lldd%lldh", (long long) days, (long long) (hours % 24));
    else
    if (hours)
        snprintf (buffer, size, "%lldh%lldm", (long long) hours, (long long) (minutes % 60));
    else
    if (minutes)
        snprintf (buffer, size, "%lldm", (long long) minutes);
    else
        snprintf (buffer, size, "%llds", (long long) (ms / 1000));
}
