/*  =========================================================================
    huishang_options - the options every api command of huishang takes

    One parser, so health, case, cases, plenary and replay read --api and
    --timeout alike; each command adds its own options to it.
    =========================================================================
*/

#include "huishang_options.h"

#define OPTIONS_MAX     32

int
huishang_options_parse (hs_client_t *client, int argc, char *argv [],
                        const struct option *extra, huishang_options_fn *on_extra, void *arg,
                        bool *json)
{
    static const struct option common [] = {
        { "api", required_argument, NULL, 'a' }, { "config", required_argument, NULL, 'c' },
        { "timeout", required_argument, NULL, 't' }, { "json", no_argument, NULL, 'j' },
        { "help", no_argument, NULL, 'h' }
    };
    struct option all [OPTIONS_MAX];
    size_t count = 0;
    for (size_t index = 0; index < sizeof (common) / sizeof (common [0]); index++)
        all [count++] = common [index];
    for (size_t index = 0; extra && extra [index].name && count < OPTIONS_MAX - 1; index++)
        all [count++] = extra [index];
    memset (&all [count], 0, sizeof (all [count]));
    //  An extra option whose code is a letter is that short option too.
    char shorts [3 * OPTIONS_MAX] = "a:c:t:jh";
    size_t length = strlen (shorts);
    for (size_t index = 0; extra && extra [index].name && length < sizeof (shorts) - 3; index++)
        if (isalpha (extra [index].val) && !strchr (shorts, extra [index].val)) {
            shorts [length++] = (char) extra [index].val;
            if (extra [index].has_arg == required_argument)
                shorts [length++] = ':';
            shorts [length] = 0;
        }
    *json = false;
    optind = 1;
    int option;
    while ((option = getopt_long (argc, argv, shorts, all, NULL)) != -1) {
        switch (option) {
            case 'a': hs_client_set_api (client, optarg); break;
            case 'c': break;                //  read by main
            case 't': {
                int ms;
                if (hs_client_parse_duration (optarg, &ms) || ms < 1) {
                    fprintf (stderr, "huishang %s: --timeout %s: not a duration (500ms, 5s, 1m)\n",
                             argv [0], optarg);
                    return -2;
                }
                hs_client_set_timeout (client, ms);
                break;
            }
            case 'j': *json = true; break;
            case 'h': return -1;
            case '?': return -2;
            default:
                if (on_extra)
                    on_extra (option, optarg, arg);
        }
    }
    return optind;
}
