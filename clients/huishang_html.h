/*  =========================================================================
    huishang_html - text and small pieces of HTML, escaped

    Everything a dossier shows that came from outside (an enterprise's
    name, a note, a reason, a unit code, even a level name read from a
    stored record) goes through these functions, so it reads as text and
    never as markup: & < > " ' become entities, control characters and
    bytes that are not UTF-8 become U+FFFD. Markup of our own is written
    with fputs beside them. Nothing here fails: a FILE's errors show in
    ferror, which the caller checks once at the end.
    =========================================================================
*/

#ifndef HUISHANG_HTML_H_INCLUDED
#define HUISHANG_HTML_H_INCLUDED

#include "huishang_words.h"
#include "../daemon/hs_units.h"
#include "../protocol/hs_proto.h"
#include <stdio.h>

//  Write `size` bytes of `text`, escaped for element content and for a
//  quoted attribute value.
void huishang_html_text (FILE *out, const char *text, size_t size);

//  The same for a C string (NULL: nothing).
void huishang_html_puts (FILE *out, const char *text);

//  Formatted text, escaped as a whole.
void huishang_html_printf (FILE *out, const char *format, ...)
    __attribute__ ((format (printf, 2, 3)));

//  A msgpack value as text: a string escaped, an integer in digits, a
//  boolean as true/false, nil or anything else as nothing. Returns true if
//  it wrote something.
bool huishang_html_value (FILE *out, const msgpack_object *value);

//  A wire name in a table of huishang_words: its Chinese, then the name in
//  a span of class "en" (only the name when the table lacks it).
void huishang_html_word (FILE *out, huishang_words_t table, const char *name);

//  Every string of an array as huishang_html_word, joined by "、" (nothing
//  if `list` is not an array). Returns the number written.
size_t huishang_html_words (FILE *out, huishang_words_t table, const msgpack_object *list);

//  Every string of an array, escaped, joined by `separator` (ours: not
//  escaped). Returns the number written.
size_t huishang_html_strings (FILE *out, const msgpack_object *list, const char *separator);

//  A unit as its Chinese name and its code in a span of class "code"; with
//  `english`, its English name too (class "en"). An unknown code as itself.
void huishang_html_unit (FILE *out, hs_units_t *units, const char *code, bool english);

//  Every unit code of an array by its Chinese name, joined by "、".
//  Returns the number written.
size_t huishang_html_units (FILE *out, hs_units_t *units, const msgpack_object *list);

//  A level as a badge: 重大 major, in a span of class "level level-major"
//  (a name that is no level: class "level" alone).
void huishang_html_level (FILE *out, const char *name);

//  An amount of yuan, its thousands separated: ¥1,250,000.
void huishang_html_amount (FILE *out, int64_t amount);

//  A Unix time in ms as the district's wall time (huishang_print_time) in
//  a span of class "t"; "—" for 0 or less.
void huishang_html_time (FILE *out, int64_t ms);

void huishang_html_test (bool verbose);

#endif
