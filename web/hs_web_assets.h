/*  =========================================================================
    hs_web_assets - the page's files, compiled into huishang-web

    build/hs_web_assets.c is made from the files of web/assets/ by tools/embed_assets.sh
    (as build/hs_defaults.c is made from config/): one entry per file, the
    table ending with a NULL name.
    =========================================================================
*/

#ifndef HS_WEB_ASSETS_H_INCLUDED
#define HS_WEB_ASSETS_H_INCLUDED

#include <stddef.h>

typedef struct {
    const char *name;               //  the file's name under web/assets/
    const unsigned char *data;
    size_t size;
} hs_web_asset_t;

extern const hs_web_asset_t hs_web_assets [];

#endif
