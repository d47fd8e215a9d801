/*  =========================================================================
    hs_defaults - the shipped configuration, compiled into the binaries

    tools/embed.sh turns config/huishang.cfg, units.cfg, rules.cfg and the
    holiday list into these NUL-terminated strings (build/hs_defaults.c),
    so a daemon started without a config file runs on exactly config/.
    =========================================================================
*/

#ifndef HS_DEFAULTS_H_INCLUDED
#define HS_DEFAULTS_H_INCLUDED

extern const char hs_default_huishang_cfg [];
extern const char hs_default_units_cfg [];
extern const char hs_default_rules_cfg [];
extern const char hs_default_holidays_cn_2026_txt [];

#endif
