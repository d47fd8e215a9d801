/*  =========================================================================
    hs_zpl - a ZPL file (rfc.zeromq.org/spec:4) loaded with its line numbers

    czmq's zconfig parses the text; this class adds what an operator needs
    from a config checker: the file name and line of every node, so that
    both syntax errors and semantic errors found later (a bad threshold, an
    unknown unit) can be reported as "rules.cfg:42: ...".
    =========================================================================
*/

#ifndef HS_ZPL_H_INCLUDED
#define HS_ZPL_H_INCLUDED

#include <czmq.h>

typedef struct _hs_zpl_t hs_zpl_t;

//  Parse ZPL text; `name` labels its messages (usually the file's path).
//  Returns a new object (caller owns it), or NULL with a line-numbered
//  message in `error`.
hs_zpl_t *hs_zpl_load_text (const char *text, const char *name,
                            char *error, size_t error_size);

//  Read and parse a file. Same contract as hs_zpl_load_text.
hs_zpl_t *hs_zpl_load_file (const char *path, char *error, size_t error_size);

void hs_zpl_destroy (hs_zpl_t **self_p);

//  The parsed tree, borrowed: valid until the object is destroyed.
zconfig_t *hs_zpl_root (hs_zpl_t *self);

//  The name given at load time.
const char *hs_zpl_name (hs_zpl_t *self);

//  The text's content hash (SHA-1, hex), borrowed: the rules' version.
const char *hs_zpl_digest (hs_zpl_t *self);

//  The 1-based line of a node of this tree; 0 if unknown.
int hs_zpl_line (hs_zpl_t *self, zconfig_t *node);

//  Format "name:line: message" about a node into `error`. Returns -1.
int hs_zpl_error (hs_zpl_t *self, zconfig_t *node, char *error, size_t error_size,
                  const char *format, ...) CHECK_PRINTF (5);

//  Parse a duration such as "500ms", "10s", "24h", "7d" (a bare number
//  is milliseconds). Returns 0 with *ms set, or -1.
int hs_zpl_duration (const char *text, int64_t *ms);

//  Parse a size such as "64K", "1G", "4096". Returns 0 or -1.
int hs_zpl_size (const char *text, int64_t *bytes);

//  Every child of `node` (NULL: nothing to check) must be named in `keys`
//  (NULL-terminated): a typo is an error at its line, never a setting
//  silently ignored. Returns 0, or -1 with the line in `error`.
int hs_zpl_only_keys (hs_zpl_t *self, zconfig_t *node, const char *const *keys,
                      char *error, size_t error_size);

//  A value that is a list of words ("district city"), split at spaces and
//  tabs: a NULL-terminated vector of copies (*count set when not NULL).
//  Caller owns it; free it with hs_zpl_words_free.
char **hs_zpl_words (const char *text, size_t *count);
void hs_zpl_words_free (char ***words_p);

//  True if `word` is in the NULL-terminated vector.
bool hs_zpl_words_have (const char *const *words, const char *word);

void hs_zpl_test (bool verbose);

#endif
