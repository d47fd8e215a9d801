/*  =========================================================================
    hs_web_auth - the board's users, their sessions, their CSRF tokens and
                  the limit on failed logins

    The users file holds one line per user, `name unit hash` (the hash from
    libsodium's crypto_pwhash_str, interactive limits); it is read at start
    and written whole (a new file renamed over the old, mode 0600) by
    --add-user. A session is a random 32-byte id (hex in the cookie) with
    its own random CSRF token; it ends after HS_WEB_AUTH_IDLE without a
    request, or at logout. Failed logins are counted per address: more
    than HS_WEB_AUTH_FAILS in HS_WEB_AUTH_WINDOW and the address is told to
    wait (429), and that is logged. Safe to call from MHD's threads.
    =========================================================================
*/

#ifndef HS_WEB_AUTH_H_INCLUDED
#define HS_WEB_AUTH_H_INCLUDED

#include <czmq.h>

#define HS_WEB_AUTH_IDLE        (12 * 3600 * 1000LL)    //  a session's idle life, ms
#define HS_WEB_AUTH_FAILS       5                       //  failed logins allowed ...
#define HS_WEB_AUTH_WINDOW      60000                   //  ... per address in this many ms
#define HS_WEB_AUTH_NAME_MAX    64
#define HS_WEB_AUTH_ID_TEXT     64                      //  hex characters of a session id

typedef struct _hs_web_auth_t hs_web_auth_t;

//  A logged-in user, copied out of a session.
typedef struct {
    char name [HS_WEB_AUTH_NAME_MAX + 1];
    char unit [HS_WEB_AUTH_NAME_MAX + 1];
    char csrf [HS_WEB_AUTH_ID_TEXT + 1];
} hs_web_user_t;

//  The users of `users_file` (NULL: none, a read-only board). NULL with
//  the reason in `error` if the file cannot be read or a line is wrong.
hs_web_auth_t *hs_web_auth_new (const char *users_file, char *error, size_t error_size);
void hs_web_auth_destroy (hs_web_auth_t **self_p);

//  Are there users at all (can anyone log in)?
bool hs_web_auth_enabled (hs_web_auth_t *self);

//  Check a login from `address`. Returns 0 with a new session id in `id`
//  (HS_WEB_AUTH_ID_TEXT + 1 bytes), 1 if the name or password is wrong,
//  2 if the address has failed too often lately (logged).
int hs_web_auth_login (hs_web_auth_t *self, const char *address, const char *name,
                       const char *password, char *id);

//  The session's user, if `id` names a live one (its idle time starts
//  again). Returns true and fills `user`.
bool hs_web_auth_session (hs_web_auth_t *self, const char *id, hs_web_user_t *user);

//  End a session. Idempotent.
void hs_web_auth_logout (hs_web_auth_t *self, const char *id);

//  Add (or replace) a user in `users_file`, written atomically with mode
//  0600. Returns 0, or -1 with the reason in `error`.
int hs_web_auth_add_user (const char *users_file, const char *name, const char *unit,
                          const char *password, char *error, size_t error_size);

//  Are two strings equal, in a time that does not depend on where they
//  differ (CSRF tokens)?
bool hs_web_auth_same (const char *a, const char *b);

void hs_web_auth_test (bool verbose);

#endif
