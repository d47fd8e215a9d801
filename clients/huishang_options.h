/*  =========================================================================
    huishang_options - the options every api command of huishang takes

    --api/-a EP, --timeout/-t MS, --json/-j, --help/-h, and --config/-c
    (read by main already), plus the command's own long options.
    =========================================================================
*/

#ifndef HUISHANG_OPTIONS_H_INCLUDED
#define HUISHANG_OPTIONS_H_INCLUDED

#include "hs_client.h"
#include <getopt.h>

//  Told each of the command's own options: its code (the option's `val`),
//  its value (NULL if it takes none) and the caller's argument.
typedef void (huishang_options_fn) (int option, const char *value, void *arg);

//  Parse argv (argv [0] is the command): --api and --timeout go to the
//  client, --json to *json, the command's own `extra` options (a table
//  ending with a zeroed entry, or NULL; one whose code is a letter is
//  also that short option: 'o' for -o) to on_extra. Returns the index of
//  the first operand, -1 for --help, -2 for an option it does not know.
int huishang_options_parse (hs_client_t *client, int argc, char *argv [],
                            const struct option *extra, huishang_options_fn *on_extra, void *arg,
                            bool *json);

#endif
