/*  =========================================================================
    huishang_html - text and small pieces of HTML, escaped

    The one place that decides how outside text becomes HTML. Escaping is
    done on the bytes, with UTF-8 checked on the way: a browser would
    show a broken sequence as U+FFFD anyway, but a parser reading the
    file as UTF-8 would stop at it, and a document handed over must open.
    =========================================================================
*/

#include "huishang_html.h"
#include "huishang_print.h"
#include <czmq.h>

#define REPLACEMENT     "\xEF\xBF\xBD"      //  U+FFFD

//  The length of the valid UTF-8 sequence at `text` (at most `size`
//  bytes), or 0 if it is not one (RFC 3629: no overlong forms, no
//  surrogates, nothing above U+10FFFF).
static size_t
s_utf8_length (const unsigned char *text, size_t size)
{
    unsigned char lead = text [0];
    size_t length;
    unsigned char low = 0x80, high = 0xBF;      //  the second byte's range
    if (lead < 0x80)
        return 1;
    else
    if (lead >= 0xC2 && lead <= 0xDF)
        length = 2;
    else
    if (lead >= 0xE0 && lead <= 0xEF) {
        length = 3;
        if (lead == 0xE0)
            low = 0xA0;
        if (lead == 0xED)
            high = 0x9F;
    }
    else
    if (lead >= 0xF0 && lead <= 0xF4) {
        length = 4;
        if (lead == 0xF0)
            low = 0x90;
        if (lead == 0xF4)
            high = 0x8F;
    }
    else
        return 0;
    if (size < length || text [1] < low || text [1] > high)
        return 0;
    for (size_t index = 2; index < length; index++)
        if (text [index] < 0x80 || text [index] > 0xBF)
            return 0;
    return length;
}

void
huishang_html_text (FILE *out, const char *text, size_t size)
{
    const unsigned char *bytes = (const unsigned char *) text;
    size_t plain = 0;                   //  where the run of bytes to copy began
    size_t index = 0;
    while (index < size) {
        unsigned char byte = bytes [index];
        const char *entity = NULL;
        size_t length = 1;
        if (byte == '&')
            entity = "&amp;";
        else
        if (byte == '<')
            entity = "&lt;";
        else
        if (byte == '>')
            entity = "&gt;";
        else
        if (byte == '"')
            entity = "&quot;";
        else
        if (byte == '\'')
            entity = "&#39;";
        else
        if ((byte < 0x20 && byte != '\t' && byte != '\n') || byte == 0x7F)
            entity = REPLACEMENT;       //  NUL, CR and the other controls
        else
        if (byte >= 0x80) {
            length = s_utf8_length (bytes + index, size - index);
            //  U+0080-U+009F, the C1 controls, are no text either
            if (length == 0 || (length == 2 && byte == 0xC2 && bytes [index + 1] < 0xA0)) {
                entity = REPLACEMENT;
                length = 1;
            }
        }
        if (entity) {
            fwrite (bytes + plain, 1, index - plain, out);
            fputs (entity, out);
            plain = index + length;
        }
        index += length;
    }
    fwrite (bytes + plain, 1, size - plain, out);
}

void
huishang_html_puts (FILE *out, const char *text)
{
    if (text)
        huishang_html_text (out, text, strlen (text));
}

void
huishang_html_printf (FILE *out, const char *format, ...)
{
    va_list args;
    va_start (args, format);
    char *text = NULL;
    int size = vasprintf (&text, format, args);
    va_end (args);
    if (size >= 0) {
        huishang_html_text (out, text, (size_t) size);
        free (text);
    }
}

bool
huishang_html_value (FILE *out, const msgpack_object *value)
{
    if (!value)
        return false;
    switch (value->type) {
        case MSGPACK_OBJECT_STR:
            huishang_html_text (out, value->via.str.ptr, value->via.str.size);
            return true;
        case MSGPACK_OBJECT_POSITIVE_INTEGER:
            fprintf (out, "%llu", (unsigned long long) value->via.u64);
            return true;
        case MSGPACK_OBJECT_NEGATIVE_INTEGER:
            fprintf (out, "%lld", (long long) value->via.i64);
            return true;
        case MSGPACK_OBJECT_BOOLEAN:
            fputs (value->via.boolean? "true": "false", out);
            return true;
        default:
            return false;
    }
}

void
huishang_html_word (FILE *out, huishang_words_t table, const char *name)
{
    const char *zh = huishang_words_zh (table, name);
    if (zh != name && !streq (zh, name)) {
        huishang_html_puts (out, zh);
        fputs (" ", out);
    }
    fputs ("<span class=\"en\">", out);
    huishang_html_puts (out, name);
    fputs ("</span>", out);
}

//  Each string of an array, to `write`, "、" between them.
static size_t
s_each_string (FILE *out, const msgpack_object *list, const char *separator,
               void (*write) (FILE *out, const char *text, const void *arg), const void *arg)
{
    if (!list || list->type != MSGPACK_OBJECT_ARRAY)
        return 0;
    size_t written = 0;
    for (uint32_t index = 0; index < list->via.array.size; index++) {
        const msgpack_object *item = &list->via.array.ptr [index];
        if (item->type != MSGPACK_OBJECT_STR)
            continue;
        char text [HS_NOTE_MAX + 1];
        if (hs_proto_strcpy (item, text, sizeof (text)))
            continue;                   //  longer than any note the wire allows
        if (written++)
            fputs (separator, out);
        write (out, text, arg);
    }
    return written;
}

static void
s_write_word (FILE *out, const char *text, const void *arg)
{
    huishang_html_word (out, *(const huishang_words_t *) arg, text);
}

static void
s_write_text (FILE *out, const char *text, const void *arg)
{
    (void) arg;
    huishang_html_puts (out, text);
}

static void
s_write_unit_zh (FILE *out, const char *text, const void *arg)
{
    huishang_html_puts (out, hs_units_zh ((hs_units_t *) arg, text));
}

size_t
huishang_html_words (FILE *out, huishang_words_t table, const msgpack_object *list)
{
    return s_each_string (out, list, "、", s_write_word, &table);
}

size_t
huishang_html_strings (FILE *out, const msgpack_object *list, const char *separator)
{
    return s_each_string (out, list, separator, s_write_text, NULL);
}

void
huishang_html_unit (FILE *out, hs_units_t *units, const char *code, bool english)
{
    const hs_unit_t *unit = hs_units_find (units, code);
    if (unit) {
        huishang_html_puts (out, unit->zh);
        if (english && unit->en) {
            fputs (" <span class=\"en\">", out);
            huishang_html_puts (out, unit->en);
            fputs ("</span>", out);
        }
        fputs (" ", out);
    }
    fputs ("<span class=\"code\">", out);
    huishang_html_puts (out, code);
    fputs ("</span>", out);
}

size_t
huishang_html_units (FILE *out, hs_units_t *units, const msgpack_object *list)
{
    return s_each_string (out, list, "、", s_write_unit_zh, units);
}

void
huishang_html_level (FILE *out, const char *name)
{
    int level = hs_level_parse (name);
    if (level >= 0)
        fprintf (out, "<span class=\"level level-%s\">%s ", hs_level_name (level),
                 hs_level_zh (level));
    else
        fputs ("<span class=\"level\">", out);
    fputs ("<span class=\"en\">", out);
    huishang_html_puts (out, name);
    fputs ("</span></span>", out);
}

void
huishang_html_amount (FILE *out, int64_t amount)
{
    char digits [24], grouped [32];
    snprintf (digits, sizeof (digits), "%lld", (long long) amount);
    size_t length = strlen (digits), at = 0;
    for (size_t index = 0; index < length; index++) {
        if (index && (length - index) % 3 == 0)
            grouped [at++] = ',';
        grouped [at++] = digits [index];
    }
    grouped [at] = 0;
    fprintf (out, "¥%s", grouped);
}

void
huishang_html_time (FILE *out, int64_t ms)
{
    if (ms <= 0) {
        fputs ("—", out);
        return;
    }
    char when [32];
    huishang_print_time (ms, when, sizeof (when));
    fprintf (out, "<span class=\"t\">%s</span>", when);
}

//  ---------------------------------------------------------------------
//  Self test: what reaches the page is text

//  `text` escaped, as a string the caller frees.
static char *
s_escaped (const char *text, size_t size)
{
    char *result = NULL;
    size_t length = 0;
    FILE *out = open_memstream (&result, &length);
    assert (out);
    huishang_html_text (out, text, size);
    fclose (out);
    return result;
}

static void
s_expect (const char *text, size_t size, const char *expected)
{
    char *got = s_escaped (text, size);
    if (!streq (got, expected)) {
        fprintf (stderr, "huishang_html: '%s' escaped as '%s', not '%s'\n", text, got, expected);
        assert (false);
    }
    free (got);
}

void
huishang_html_test (bool verbose)
{
    if (verbose)
        printf (" * huishang_html: ");
    s_expect ("", 0, "");
    s_expect ("上海某某制衣有限公司", strlen ("上海某某制衣有限公司"), "上海某某制衣有限公司");
    const char *hostile = "<script>alert(\"x\")</script> & 'y'";
    s_expect (hostile, strlen (hostile),
              "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &#39;y&#39;");
    //  an entity someone typed stays the text they typed
    s_expect ("&amp;", 5, "&amp;amp;");
    //  controls, NUL inside a string, a CR: U+FFFD; tab and newline kept
    s_expect ("a\0b\rc\td\ne\x7f", 10, "a" REPLACEMENT "b" REPLACEMENT "c\td\ne" REPLACEMENT);
    //  broken UTF-8: a lone continuation, a cut sequence, an overlong '<'
    //  (C0 BC), a surrogate (ED A0 80), a C1 control (C2 85), beyond U+10FFFF
    s_expect ("\x80x", 2, REPLACEMENT "x");
    s_expect ("\xE4\xB8", 2, REPLACEMENT REPLACEMENT);
    s_expect ("\xC0\xBC", 2, REPLACEMENT REPLACEMENT);
    s_expect ("\xED\xA0\x80", 3, REPLACEMENT REPLACEMENT REPLACEMENT);
    s_expect ("\xC2\x85", 2, REPLACEMENT REPLACEMENT);
    s_expect ("\xF4\x90\x80\x80", 4, REPLACEMENT REPLACEMENT REPLACEMENT REPLACEMENT);
    s_expect ("\xF0\x9F\x98\x80", 4, "\xF0\x9F\x98\x80");         //  an emoji is text
    s_expect ("\xC2\xA5" "5", 3, "\xC2\xA5" "5");                 //  ¥5
    //  formatted text is escaped as a whole
    char *printed = NULL;
    size_t length = 0;
    FILE *out = open_memstream (&printed, &length);
    huishang_html_printf (out, "%s & %d", "<b>", 7);
    fclose (out);
    assert (streq (printed, "&lt;b&gt; &amp; 7"));
    free (printed);
    if (verbose)
        printf ("OK\n");
}
