/*  =========================================================================
    huishang_top_layout - how huishang top fits a screen

    Text cut and padded by display width (a CJK character takes two
    columns), and the rows each section of the board gets.
    =========================================================================
*/

#include "huishang_top_layout.h"
#include <string.h>
#include <wchar.h>
#include <assert.h>

void
huishang_top_layout_fit (char *out, size_t size, const char *text, int width, bool right)
{
    mbstate_t state;
    memset (&state, 0, sizeof (state));
    size_t length = 0;
    int used_width = 0;
    const char *cursor = text;
    wchar_t wide;
    size_t used;
    char body [1024];
    while (*cursor && (used = mbrtowc (&wide, cursor, strlen (cursor), &state)) > 0
           && used != (size_t) -1 && used != (size_t) -2) {
        int one = wcwidth (wide);
        one = one > 0? one: 0;
        if (used_width + one > width || length + used >= sizeof (body))
            break;
        memcpy (body + length, cursor, used);
        length += used;
        used_width += one;
        cursor += used;
    }
    size_t pad = (size_t) (width - used_width);
    if (length + pad + 1 > size)
        pad = length + 1 < size? size - length - 1: 0;
    if (length + pad + 1 > size)
        length = size - 1;
    memset (out, ' ', pad + length);
    memcpy (out + (right? pad: 0), body, length);
    out [pad + length] = 0;
}

huishang_top_layout_t
huishang_top_layout (int rows, size_t streets, size_t overdue, size_t meetings,
                     int alerts_max)
{
    //  Fixed: 2 header lines, the table's head and total, 3 section titles,
    //  3 blank lines.
    int content = rows - 10;
    if (content < 4)
        content = 4;
    int quarter = content / 4 > 1? content / 4: 1;
    huishang_top_layout_t layout;
    layout.streets = (int) streets < quarter? (int) streets: quarter;
    layout.overdue = (int) overdue < quarter? (int) overdue: quarter;
    layout.meetings = (int) meetings < quarter? (int) meetings: quarter;
    if (!overdue)
        layout.overdue = 1;             //  "none"
    if (!meetings)
        layout.meetings = 1;
    layout.alerts = content - layout.streets - layout.overdue - layout.meetings;
    //  More streets, overdue or meetings take what the alerts leave.
    int spare = layout.alerts - alerts_max;
    int *growing [] = { &layout.overdue, &layout.meetings, &layout.streets };
    size_t wanted [] = { overdue, meetings, streets };
    for (int index = 0; index < 3 && spare > 0; index++) {
        int more = (int) wanted [index] - *growing [index];
        more = more < spare? more: spare;
        if (more > 0) {
            *growing [index] += more;
            spare -= more;
            layout.alerts -= more;
        }
    }
    if (layout.alerts < 1)
        layout.alerts = 1;
    return layout;
}

void
huishang_top_layout_test (bool verbose)
{
    (void) verbose;
    //  80x24 with much of everything: every section keeps rows, all fit.
    huishang_top_layout_t layout = huishang_top_layout (24, 12, 30, 20, 12);
    assert (layout.streets >= 2 && layout.overdue >= 2 && layout.meetings >= 2
            && layout.alerts >= 2);
    assert (layout.streets + layout.overdue + layout.meetings + layout.alerts + 10 <= 24);
    //  Little of anything: the alerts take the room, a row kept for "none".
    layout = huishang_top_layout (24, 1, 0, 0, 12);
    assert (layout.streets == 1 && layout.overdue == 1 && layout.meetings == 1);
    assert (layout.alerts == 11);
    //  A tall screen: everything shown.
    layout = huishang_top_layout (60, 5, 8, 6, 12);
    assert (layout.streets == 5 && layout.overdue == 8 && layout.meetings == 6);
    char out [64];
    huishang_top_layout_fit (out, sizeof (out), "abc", 5, true);
    assert (strcmp (out, "  abc") == 0);
    huishang_top_layout_fit (out, sizeof (out), "abcdef", 4, false);
    assert (strcmp (out, "abcd") == 0);
}
