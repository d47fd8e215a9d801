/*  =========================================================================
    huishang_top_layout - how huishang top fits a screen
    =========================================================================
*/

#ifndef HUISHANG_TOP_LAYOUT_H_INCLUDED
#define HUISHANG_TOP_LAYOUT_H_INCLUDED

#include <stddef.h>
#include <stdbool.h>

//  Copy `text` into `out`, cut to at most `width` columns and padded with
//  spaces to exactly `width` (right-aligned when `right`); a CJK
//  character takes two columns (wcwidth, under the caller's locale).
void huishang_top_layout_fit (char *out, size_t size, const char *text, int width, bool right);

//  The rows of each section (a section with more than its rows shows the
//  last as "N more").
typedef struct {
    int streets, alerts, overdue, meetings;
} huishang_top_layout_t;

//  How many rows each section gets on a screen of `rows`, for so many
//  streets, overdue cases and meetings and at most alerts_max alerts:
//  every section keeps some at 80x24, what is left goes to the alerts.
huishang_top_layout_t huishang_top_layout (int rows, size_t streets, size_t overdue,
                                           size_t meetings, int alerts_max);

void huishang_top_layout_test (bool verbose);

#endif
