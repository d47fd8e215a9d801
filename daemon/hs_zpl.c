/*  =========================================================================
    hs_zpl - a ZPL file loaded with its line numbers

    In ZPL every non-blank, non-comment line defines exactly one node, and
    zconfig keeps nodes in document order, so a pre-order walk of the tree
    pairs node i with node line i. A line-by-line syntax check runs first so
    that a syntax error is reported with its line too (zconfig only says
    that loading failed).
    =========================================================================
*/

#include "hs_zpl.h"
#include <ctype.h>

typedef struct {
    zconfig_t *node;            //  a node of the tree
    int line;                   //  its 1-based line
} s_node_line_t;

struct _hs_zpl_t {
    char *name;                 //  file name for messages
    zconfig_t *root;            //  the parsed tree
    s_node_line_t *lines;       //  one entry per node, document order
    size_t line_count;          //  entries in lines
    char digest [41];           //  SHA-1 of the text, hex
};

static bool
s_is_namechar (char c)
{
    return isalnum ((unsigned char) c) || strchr ("$-_@.&+/", c) != NULL;
}

//  Check one line; returns NULL if it is fine, else why not. Sets *level
//  to the indentation level and *is_node when the line defines a node.
static const char *
s_check_line (const char *line, size_t length, int *level, bool *is_node)
{
    size_t pos = 0;
    *is_node = false;
    while (pos < length && line [pos] == ' ')
        pos++;
    if (pos < length && line [pos] == '\t')
        return "tabs are not allowed for indentation";
    if (pos == length || line [pos] == '#')
        return NULL;
    if (pos % 4)
        return "indentation must be a multiple of 4 spaces";
    *level = (int) (pos / 4);
    *is_node = true;
    size_t name_start = pos;
    while (pos < length && s_is_namechar (line [pos]))
        pos++;
    if (pos == name_start)
        return "expected a name";
    while (pos < length && line [pos] == ' ')
        pos++;
    if (pos == length || line [pos] == '#')
        return NULL;
    if (line [pos] != '=')
        return "expected '=' or the end of the line after the name";
    pos++;
    while (pos < length && line [pos] == ' ')
        pos++;
    if (pos < length && (line [pos] == '"' || line [pos] == '\'')) {
        char quote = line [pos++];
        while (pos < length && line [pos] != quote)
            pos++;
        if (pos == length)
            return "unterminated quoted value";
        pos++;
    }
    else
        while (pos < length && line [pos] != ' ' && line [pos] != '#')
            pos++;
    while (pos < length && line [pos] == ' ')
        pos++;
    if (pos < length && line [pos] != '#')
        return "a value with spaces must be quoted";
    return NULL;
}

static void
s_collect (hs_zpl_t *self, zconfig_t *node, zconfig_t ***nodes, size_t *count, size_t *size)
{
    for (zconfig_t *child = zconfig_child (node); child; child = zconfig_next (child)) {
        if (*count == *size) {
            *size = *size? *size * 2: 64;
            *nodes = (zconfig_t **) realloc (*nodes, *size * sizeof (zconfig_t *));
            assert (*nodes);
        }
        (*nodes) [(*count)++] = child;
        s_collect (self, child, nodes, count, size);
    }
}

static int
s_check_unique (hs_zpl_t *self, zconfig_t *node, char *error, size_t error_size)
{
    for (zconfig_t *child = zconfig_child (node); child; child = zconfig_next (child)) {
        for (zconfig_t *later = zconfig_next (child); later; later = zconfig_next (later))
            if (streq (zconfig_name (child), zconfig_name (later)))
                return hs_zpl_error (self, later, error, error_size,
                                     "'%s' given twice (first at line %d)", zconfig_name (later),
                                     hs_zpl_line (self, child));
        if (s_check_unique (self, child, error, error_size))
            return -1;
    }
    return 0;
}

hs_zpl_t *
hs_zpl_load_text (const char *text, const char *name, char *error, size_t error_size)
{
    assert (text);
    assert (name);
    //  Pass 1: syntax, line by line, remembering the node lines.
    int *node_lines = NULL;
    size_t node_count = 0, node_size = 0;
    int line_number = 0;
    int previous_level = -1;
    const char *line = text;
    while (*line) {
        line_number++;
        const char *end = strchr (line, '\n');
        size_t length = end? (size_t) (end - line): strlen (line);
        size_t check_length = length;
        if (check_length && line [check_length - 1] == '\r')
            check_length--;
        int level = 0;
        bool is_node = false;
        const char *why = s_check_line (line, check_length, &level, &is_node);
        if (!why && is_node && level > previous_level + 1)
            why = "indented more than one level below its parent";
        if (why) {
            snprintf (error, error_size, "%s:%d: %s", name, line_number, why);
            free (node_lines);
            return NULL;
        }
        if (is_node) {
            previous_level = level;
            if (node_count == node_size) {
                node_size = node_size? node_size * 2: 64;
                node_lines = (int *) realloc (node_lines, node_size * sizeof (int));
                assert (node_lines);
            }
            node_lines [node_count++] = line_number;
        }
        line = end? end + 1: line + length;
    }
    //  Pass 2: zconfig builds the tree.
    zconfig_t *root = zconfig_str_load (text);
    if (!root) {
        snprintf (error, error_size, "%s: not valid ZPL", name);
        free (node_lines);
        return NULL;
    }
    hs_zpl_t *self = (hs_zpl_t *) zmalloc (sizeof (hs_zpl_t));
    assert (self);
    self->name = strdup (name);
    self->root = root;
    zconfig_t **nodes = NULL;
    size_t count = 0, size = 0;
    s_collect (self, root, &nodes, &count, &size);
    //  If the two passes disagree we still work, only without lines.
    if (count == node_count) {
        self->lines = (s_node_line_t *) zmalloc ((count + 1) * sizeof (s_node_line_t));
        for (size_t index = 0; index < count; index++) {
            self->lines [index].node = nodes [index];
            self->lines [index].line = node_lines [index];
        }
        self->line_count = count;
    }
    free (nodes);
    free (node_lines);
    //  A name given twice among siblings is a setting or a section that
    //  would be silently ignored (readers find the first): an error.
    if (s_check_unique (self, root, error, error_size)) {
        hs_zpl_destroy (&self);
        return NULL;
    }

    zdigest_t *digest = zdigest_new ();
    zdigest_update (digest, (const byte *) text, strlen (text));
    snprintf (self->digest, sizeof (self->digest), "%s", zdigest_string (digest));
    zdigest_destroy (&digest);
    for (char *c = self->digest; *c; c++)
        *c = (char) tolower ((unsigned char) *c);
    return self;
}

hs_zpl_t *
hs_zpl_load_file (const char *path, char *error, size_t error_size)
{
    FILE *file = fopen (path, "rb");
    if (!file) {
        snprintf (error, error_size, "%s: cannot open: %s", path, strerror (errno));
        return NULL;
    }
    zchunk_t *chunk = zchunk_read (file, 4 * 1024 * 1024);
    fclose (file);
    if (!chunk) {
        snprintf (error, error_size, "%s: cannot read", path);
        return NULL;
    }
    char *text = zchunk_strdup (chunk);
    zchunk_destroy (&chunk);
    if (!text) {
        snprintf (error, error_size, "%s: cannot read", path);
        return NULL;
    }
    hs_zpl_t *self = hs_zpl_load_text (text, path, error, error_size);
    free (text);
    return self;
}

void
hs_zpl_destroy (hs_zpl_t **self_p)
{
    assert (self_p);
    if (*self_p) {
        hs_zpl_t *self = *self_p;
        zconfig_destroy (&self->root);
        free (self->lines);
        free (self->name);
        free (self);
        *self_p = NULL;
    }
}

zconfig_t *hs_zpl_root (hs_zpl_t *self) { return self->root; }
const char *hs_zpl_name (hs_zpl_t *self) { return self->name; }
const char *hs_zpl_digest (hs_zpl_t *self) { return self->digest; }

int
hs_zpl_line (hs_zpl_t *self, zconfig_t *node)
{
    for (size_t index = 0; index < self->line_count; index++)
        if (self->lines [index].node == node)
            return self->lines [index].line;
    return 0;
}

int
hs_zpl_error (hs_zpl_t *self, zconfig_t *node, char *error, size_t error_size,
              const char *format, ...)
{
    char message [256];
    va_list args;
    va_start (args, format);
    vsnprintf (message, sizeof (message), format, args);
    va_end (args);
    int line = node? hs_zpl_line (self, node): 0;
    if (line)
        snprintf (error, error_size, "%s:%d: %s", self->name, line, message);
    else
        snprintf (error, error_size, "%s: %s", self->name, message);
    return -1;
}

//  A number followed by an optional unit from a table.
static int
s_scaled (const char *text, const char **units, const int64_t *scales, int64_t *value)
{
    if (!text || !isdigit ((unsigned char) *text))
        return -1;
    char *end;
    errno = 0;
    long long number = strtoll (text, &end, 10);
    if (errno || number < 0)
        return -1;
    for (int index = 0; units [index]; index++)
        if (streq (end, units [index])) {
            if (scales [index] && number > INT64_MAX / scales [index])
                return -1;
            *value = number * scales [index];
            return 0;
        }
    return -1;
}

int
hs_zpl_duration (const char *text, int64_t *ms)
{
    static const char *units [] = { "", "ms", "s", "m", "h", "d", NULL };
    static const int64_t scales [] = { 1, 1, 1000, 60000, 3600000, 86400000 };
    return s_scaled (text, units, scales, ms);
}

int
hs_zpl_size (const char *text, int64_t *bytes)
{
    static const char *units [] = { "", "K", "M", "G", "T", NULL };
    static const int64_t scales [] = { 1, 1LL << 10, 1LL << 20, 1LL << 30, 1LL << 40 };
    return s_scaled (text, units, scales, bytes);
}

int
hs_zpl_only_keys (hs_zpl_t *self, zconfig_t *node, const char *const *keys, char *error,
                  size_t error_size)
{
    for (zconfig_t *child = node? zconfig_child (node): NULL; child; child = zconfig_next (child)) {
        bool known = false;
        for (size_t index = 0; keys [index] && !known; index++)
            known = streq (zconfig_name (child), keys [index]);
        if (!known) {
            char expected [400] = "";
            for (size_t index = 0; keys [index]; index++)
                snprintf (expected + strlen (expected), sizeof (expected) - strlen (expected),
                          "%s%s", index? ", ": "", keys [index]);
            if (node == self->root)
                return hs_zpl_error (self, child, error, error_size, "unknown top-level block "
                                     "'%s' (expected %s)", zconfig_name (child), expected);
            return hs_zpl_error (self, child, error, error_size, "unknown key '%s' in '%s' "
                                 "(expected %s)", zconfig_name (child), zconfig_name (node), expected);
        }
    }
    return 0;
}

char **
hs_zpl_words (const char *text, size_t *count)
{
    char *copy = strdup (text? text: "");
    size_t size = 0, capacity = 4;
    char **words = (char **) zmalloc ((capacity + 1) * sizeof (char *));
    char *state = NULL;
    for (char *word = strtok_r (copy, " \t", &state); word; word = strtok_r (NULL, " \t", &state)) {
        if (size == capacity) {
            capacity *= 2;
            words = (char **) realloc (words, (capacity + 1) * sizeof (char *));
            assert (words);
        }
        words [size++] = strdup (word);
    }
    words [size] = NULL;
    free (copy);
    if (count)
        *count = size;
    return words;
}

void
hs_zpl_words_free (char ***words_p)
{
    assert (words_p);
    if (*words_p) {
        for (char **word = *words_p; *word; word++)
            free (*word);
        free (*words_p);
        *words_p = NULL;
    }
}

bool
hs_zpl_words_have (const char *const *words, const char *word)
{
    for (; words && *words; words++)
        if (streq (*words, word))
            return true;
    return false;
}

void
hs_zpl_test (bool verbose)
{
    if (verbose)
        printf (" * hs_zpl: ");
    char error [256];
    const char *text =
        "#   a comment\n"
        "server\n"
        "    name = putuo      # trailing comment\n"
        "\n"
        "    when = \"workers >= 100\"\n"
        "rules\n"
        "    a\n"
        "        level = major\n";
    hs_zpl_t *zpl = hs_zpl_load_text (text, "test.cfg", error, sizeof (error));
    assert (zpl);
    zconfig_t *root = hs_zpl_root (zpl);
    assert (streq (zconfig_get (root, "server/name", ""), "putuo"));
    assert (streq (zconfig_get (root, "server/when", ""), "workers >= 100"));
    assert (hs_zpl_line (zpl, zconfig_locate (root, "server")) == 2);
    assert (hs_zpl_line (zpl, zconfig_locate (root, "server/when")) == 5);
    assert (hs_zpl_line (zpl, zconfig_locate (root, "rules/a/level")) == 8);
    hs_zpl_error (zpl, zconfig_locate (root, "rules/a/level"), error, sizeof (error), "bad %s", "x");
    assert (streq (error, "test.cfg:8: bad x"));
    assert (strlen (hs_zpl_digest (zpl)) == 40);
    hs_zpl_destroy (&zpl);
    assert (zpl == NULL);

    //  Syntax errors come with their line.
    zpl = hs_zpl_load_text ("a\n   b = 1\n", "x.cfg", error, sizeof (error));
    assert (!zpl);
    assert (streq (error, "x.cfg:2: indentation must be a multiple of 4 spaces"));
    zpl = hs_zpl_load_text ("a\n    b = two words\n", "x.cfg", error, sizeof (error));
    assert (!zpl && strstr (error, "x.cfg:2:"));
    zpl = hs_zpl_load_text ("a\n        b = 1\n", "x.cfg", error, sizeof (error));
    assert (!zpl && strstr (error, "x.cfg:2:"));
    zpl = hs_zpl_load_text ("a\n\n    b = \"open\n", "x.cfg", error, sizeof (error));
    assert (!zpl && strstr (error, "x.cfg:3: unterminated"));
    //  A name twice among siblings, at any depth, is refused at the second.
    zpl = hs_zpl_load_text ("a\n    b = 1\n    b = 2\n", "x.cfg", error, sizeof (error));
    assert (!zpl && streq (error, "x.cfg:3: 'b' given twice (first at line 2)"));
    zpl = hs_zpl_load_text ("a\n    b = 1\nc\na\n", "x.cfg", error, sizeof (error));
    assert (!zpl && streq (error, "x.cfg:4: 'a' given twice (first at line 1)"));
    zpl = hs_zpl_load_text ("a\n    b = 1\nc\n    b = 1\n", "x.cfg", error, sizeof (error));
    assert (zpl);       //  the same name under different parents is fine
    static const char *top [] = { "a", NULL };
    assert (hs_zpl_only_keys (zpl, hs_zpl_root (zpl), top, error, sizeof (error)) == -1);
    assert (streq (error, "x.cfg:3: unknown top-level block 'c' (expected a)"));
    hs_zpl_destroy (&zpl);

    int64_t value;
    assert (hs_zpl_duration ("24h", &value) == 0 && value == 86400000);
    assert (hs_zpl_duration ("500ms", &value) == 0 && value == 500);
    assert (hs_zpl_duration ("7d", &value) == 0 && value == 7 * 86400000LL);
    assert (hs_zpl_duration ("7 d", &value) == -1);
    assert (hs_zpl_duration ("-1s", &value) == -1);
    assert (hs_zpl_size ("1G", &value) == 0 && value == 1LL << 30);
    assert (hs_zpl_size ("12Q", &value) == -1);
    size_t count;
    char **words = hs_zpl_words ("  district\tcity ", &count);
    assert (count == 2 && streq (words [0], "district") && streq (words [1], "city") && !words [2]);
    assert (hs_zpl_words_have ((const char *const *) words, "city"));
    assert (!hs_zpl_words_have ((const char *const *) words, "cit"));
    hs_zpl_words_free (&words);
    assert (!words);
    hs_zpl_t *keyed = hs_zpl_load_text ("a\n    b = 1\n    c = 2\n", "k.cfg", error, sizeof (error));
    assert (keyed);
    const char *known [] = { "b", NULL };
    assert (hs_zpl_only_keys (keyed, zconfig_locate (hs_zpl_root (keyed), "a"), known,
                              error, sizeof (error)) == -1);
    assert (strstr (error, "k.cfg:3:") && strstr (error, "unknown key 'c'"));
    hs_zpl_destroy (&keyed);
    if (verbose)
        printf ("OK\n");
}
