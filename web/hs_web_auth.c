/*  =========================================================================
    hs_web_auth - the board's users, their sessions, their CSRF tokens and
                  the limit on failed logins
    =========================================================================
*/

#include "hs_web_auth.h"
#include "../daemon/hs_log.h"
#include <pthread.h>
#include <sodium.h>
#include <sys/stat.h>
#include <unistd.h>

#define SESSIONS_MAX    10000       //  live sessions at most: the oldest idle one goes
#define ADDRESSES_MAX   10000       //  addresses whose failures are remembered

typedef struct {
    char name [HS_WEB_AUTH_NAME_MAX + 1];
    char unit [HS_WEB_AUTH_NAME_MAX + 1];
    char hash [crypto_pwhash_STRBYTES];
} s_user_t;

typedef struct {
    hs_web_user_t user;
    int64_t used;               //  zclock_mono () of its last request
} s_session_t;

typedef struct {
    int64_t times [HS_WEB_AUTH_FAILS + 1];  //  the latest failures, oldest first
    size_t count;
} s_failures_t;

//  The hash's cost: libsodium's interactive limits; the self test alone
//  lowers them, so that it stays quick under valgrind.
static unsigned long long s_opslimit = crypto_pwhash_OPSLIMIT_INTERACTIVE;
static size_t s_memlimit = crypto_pwhash_MEMLIMIT_INTERACTIVE;

struct _hs_web_auth_t {
    pthread_mutex_t lock;
    zhashx_t *users;            //  name -> s_user_t
    zhashx_t *sessions;         //  id -> s_session_t
    zhashx_t *failures;         //  address -> s_failures_t
    char dummy [crypto_pwhash_STRBYTES];    //  checked when there is no such user
};

//  A name or unit: printable, no space, 1..64 bytes (UTF-8 allowed).
static bool
s_is_word (const char *text)
{
    size_t length = strlen (text);
    if (length == 0 || length > HS_WEB_AUTH_NAME_MAX)
        return false;
    for (size_t index = 0; index < length; index++)
        if ((unsigned char) text [index] <= ' ' || text [index] == 0x7f)
            return false;
    return true;
}

//  Read a users file into `users`. Returns 0, or -1 with the reason; a
//  file that does not exist is empty.
static int
s_read_users (const char *file, zhashx_t *users, char *error, size_t error_size)
{
    FILE *in = fopen (file, "r");
    if (!in) {
        if (errno == ENOENT)
            return 0;
        snprintf (error, error_size, "cannot read %s: %s", file, strerror (errno));
        return -1;
    }
    char line [512];
    int number = 0, rc = 0;
    while (rc == 0 && fgets (line, sizeof (line), in)) {
        number++;
        char name [256], unit [256], hash [256];
        if (*line == '#' || strspn (line, " \t\r\n") == strlen (line))
            continue;
        if (sscanf (line, "%255s %255s %255s", name, unit, hash) != 3
        ||  !s_is_word (name) || !s_is_word (unit) || strlen (hash) >= crypto_pwhash_STRBYTES) {
            snprintf (error, error_size, "%s:%d: want `name unit hash`", file, number);
            rc = -1;
            break;
        }
        s_user_t *user = (s_user_t *) zmalloc (sizeof (s_user_t));
        snprintf (user->name, sizeof (user->name), "%s", name);
        snprintf (user->unit, sizeof (user->unit), "%s", unit);
        snprintf (user->hash, sizeof (user->hash), "%s", hash);
        zhashx_update (users, name, user);
    }
    fclose (in);
    return rc;
}

//  Random bytes as hex.
static void
s_random_hex (char *out, size_t bytes)
{
    unsigned char random [64];
    assert (bytes <= sizeof (random));
    randombytes_buf (random, bytes);
    sodium_bin2hex (out, bytes * 2 + 1, random, bytes);
}

static void
s_free (void **item_p)
{
    free (*item_p);
    *item_p = NULL;
}

static zhashx_t *
s_table (void)
{
    zhashx_t *table = zhashx_new ();
    zhashx_set_destructor (table, s_free);
    return table;
}

hs_web_auth_t *
hs_web_auth_new (const char *users_file, char *error, size_t error_size)
{
    if (sodium_init () < 0) {
        snprintf (error, error_size, "libsodium could not start");
        return NULL;
    }
    hs_web_auth_t *self = (hs_web_auth_t *) zmalloc (sizeof (hs_web_auth_t));
    pthread_mutex_init (&self->lock, NULL);
    self->users = s_table ();
    self->sessions = s_table ();
    self->failures = s_table ();
    char random [32];
    s_random_hex (random, 15);
    if (crypto_pwhash_str (self->dummy, random, strlen (random), s_opslimit, s_memlimit))
        *self->dummy = 0;
    if (users_file && s_read_users (users_file, self->users, error, error_size))
        hs_web_auth_destroy (&self);
    return self;
}

void
hs_web_auth_destroy (hs_web_auth_t **self_p)
{
    if (*self_p) {
        hs_web_auth_t *self = *self_p;
        zhashx_destroy (&self->users);
        zhashx_destroy (&self->sessions);
        zhashx_destroy (&self->failures);
        pthread_mutex_destroy (&self->lock);
        free (self);
        *self_p = NULL;
    }
}

bool
hs_web_auth_enabled (hs_web_auth_t *self)
{
    return zhashx_size (self->users) > 0;
}

//  The address's failures in the window, forgetting older ones. Under the lock.
static s_failures_t *
s_failures (hs_web_auth_t *self, const char *address, int64_t now)
{
    s_failures_t *failures = (s_failures_t *) zhashx_lookup (self->failures, address);
    if (!failures) {
        if (zhashx_size (self->failures) >= ADDRESSES_MAX)
            zhashx_purge (self->failures);      //  bounded: forget everyone rather than grow
        failures = (s_failures_t *) zmalloc (sizeof (s_failures_t));
        zhashx_insert (self->failures, address, failures);
    }
    size_t kept = 0;
    for (size_t index = 0; index < failures->count; index++)
        if (now - failures->times [index] < HS_WEB_AUTH_WINDOW)
            failures->times [kept++] = failures->times [index];
    failures->count = kept;
    return failures;
}

//  A session for `user` into `id`. Under the lock.
static void
s_session_open (hs_web_auth_t *self, const s_user_t *user, char *id)
{
    if (zhashx_size (self->sessions) >= SESSIONS_MAX) {
        //  Bounded: the session idle longest goes.
        const char *oldest = NULL;
        int64_t used = INT64_MAX;
        for (s_session_t *session = (s_session_t *) zhashx_first (self->sessions); session;
             session = (s_session_t *) zhashx_next (self->sessions))
            if (session->used < used) {
                used = session->used;
                oldest = (const char *) zhashx_cursor (self->sessions);
            }
        if (oldest) {
            char key [HS_WEB_AUTH_ID_TEXT + 1];
            snprintf (key, sizeof (key), "%s", oldest);
            zhashx_delete (self->sessions, key);
        }
    }
    s_session_t *session = (s_session_t *) zmalloc (sizeof (s_session_t));
    snprintf (session->user.name, sizeof (session->user.name), "%s", user->name);
    snprintf (session->user.unit, sizeof (session->user.unit), "%s", user->unit);
    s_random_hex (session->user.csrf, 32);
    session->used = zclock_mono ();
    s_random_hex (id, 32);
    zhashx_insert (self->sessions, id, session);
}

int
hs_web_auth_login (hs_web_auth_t *self, const char *address, const char *name,
                   const char *password, char *id)
{
    int64_t now = zclock_mono ();
    pthread_mutex_lock (&self->lock);
    s_failures_t *failures = s_failures (self, address, now);
    if (failures->count >= HS_WEB_AUTH_FAILS) {
        pthread_mutex_unlock (&self->lock);
        hs_log_warning ("huishang-web: login refused from %s (user '%.64s'): more than %d "
                      "failures in %d s", address, name, HS_WEB_AUTH_FAILS,
                      HS_WEB_AUTH_WINDOW / 1000);
        return 2;
    }
    s_user_t user;
    s_user_t *found = (s_user_t *) zhashx_lookup (self->users, name);
    if (found)
        user = *found;
    pthread_mutex_unlock (&self->lock);
    //  The hash is checked outside the lock (it takes tens of ms), and
    //  against a dummy when there is no such user, so both take as long.
    bool good = false;
    if (found)
        good = crypto_pwhash_str_verify (user.hash, password, strlen (password)) == 0;
    else
    if (*self->dummy)
        if (crypto_pwhash_str_verify (self->dummy, password, strlen (password)) == 0)
            good = false;               //  (no such user, whatever the password)
    pthread_mutex_lock (&self->lock);
    int rc = 0;
    if (good)
        s_session_open (self, &user, id);
    else {
        failures = s_failures (self, address, now);
        if (failures->count < HS_WEB_AUTH_FAILS + 1)
            failures->times [failures->count++] = now;
        rc = 1;
    }
    pthread_mutex_unlock (&self->lock);
    if (rc)
        hs_log_notice ("huishang-web: failed login from %s as '%.64s'", address, name);
    else
        hs_log_info ("huishang-web: %s (%s) logged in from %s", user.name, user.unit, address);
    return rc;
}

bool
hs_web_auth_session (hs_web_auth_t *self, const char *id, hs_web_user_t *user)
{
    if (!id || strlen (id) != HS_WEB_AUTH_ID_TEXT)
        return false;
    pthread_mutex_lock (&self->lock);
    s_session_t *session = (s_session_t *) zhashx_lookup (self->sessions, id);
    int64_t now = zclock_mono ();
    if (session && now - session->used > HS_WEB_AUTH_IDLE) {
        zhashx_delete (self->sessions, id);
        session = NULL;
    }
    if (session) {
        session->used = now;
        *user = session->user;
    }
    pthread_mutex_unlock (&self->lock);
    return session != NULL;
}

void
hs_web_auth_logout (hs_web_auth_t *self, const char *id)
{
    if (!id)
        return;
    pthread_mutex_lock (&self->lock);
    zhashx_delete (self->sessions, id);
    pthread_mutex_unlock (&self->lock);
}

int
hs_web_auth_add_user (const char *users_file, const char *name, const char *unit,
                      const char *password, char *error, size_t error_size)
{
    if (sodium_init () < 0) {
        snprintf (error, error_size, "libsodium could not start");
        return -1;
    }
    if (!s_is_word (name) || !s_is_word (unit)) {
        snprintf (error, error_size, "a name and a unit are 1 to %d bytes without spaces",
                  HS_WEB_AUTH_NAME_MAX);
        return -1;
    }
    if (strlen (password) < 8) {
        snprintf (error, error_size, "a password has 8 characters at least");
        return -1;
    }
    zhashx_t *users = s_table ();
    if (s_read_users (users_file, users, error, error_size)) {
        zhashx_destroy (&users);
        return -1;
    }
    s_user_t *user = (s_user_t *) zmalloc (sizeof (s_user_t));
    snprintf (user->name, sizeof (user->name), "%s", name);
    snprintf (user->unit, sizeof (user->unit), "%s", unit);
    if (crypto_pwhash_str (user->hash, password, strlen (password), s_opslimit, s_memlimit)) {
        snprintf (error, error_size, "out of memory hashing the password");
        free (user);
        zhashx_destroy (&users);
        return -1;
    }
    zhashx_update (users, name, user);
    //  Written beside it, then renamed over it: a reader sees the old file
    //  or the new one, never half of one.
    char *temporary = zsys_sprintf ("%s.new", users_file);
    int rc = -1;
    mode_t mask = umask (077);
    FILE *out = fopen (temporary, "w");
    umask (mask);
    if (out) {
        fchmod (fileno (out), 0600);
        fprintf (out, "#   huishang-web users: name unit hash (written by huishang-web --add-user)\n");
        zlistx_t *names = zhashx_keys (users);
        zlistx_set_comparator (names, (zlistx_comparator_fn *) strcmp);
        zlistx_sort (names);
        for (const char *key = (const char *) zlistx_first (names); key;
             key = (const char *) zlistx_next (names)) {
            s_user_t *entry = (s_user_t *) zhashx_lookup (users, key);
            fprintf (out, "%s %s %s\n", entry->name, entry->unit, entry->hash);
        }
        zlistx_destroy (&names);
        bool written = fflush (out) == 0 && fsync (fileno (out)) == 0;
        written &= fclose (out) == 0;
        if (written && rename (temporary, users_file) == 0)
            rc = 0;
    }
    if (rc) {
        snprintf (error, error_size, "cannot write %s: %s", users_file, strerror (errno));
        unlink (temporary);
    }
    free (temporary);
    zhashx_destroy (&users);
    return rc;
}

bool
hs_web_auth_same (const char *a, const char *b)
{
    if (!a || !b)
        return false;
    size_t length = strlen (a);
    return length == strlen (b) && length > 0 && sodium_memcmp (a, b, length) == 0;
}

void
hs_web_auth_test (bool verbose)
{
    if (verbose)
        printf (" * hs_web_auth: ");
    s_opslimit = crypto_pwhash_OPSLIMIT_MIN;
    s_memlimit = crypto_pwhash_MEMLIMIT_MIN;
    char error [256];
    char file [] = "/tmp/hs_web_auth_test_XXXXXX";
    int fd = mkstemp (file);
    assert (fd >= 0);
    close (fd);
    unlink (file);
    assert (hs_web_auth_add_user (file, "张伟", "street.caoyang", "correct horse", error,
                                  sizeof (error)) == 0);
    assert (hs_web_auth_add_user (file, "li", "office", "battery staple", error,
                                  sizeof (error)) == 0);
    assert (hs_web_auth_add_user (file, "bad name", "office", "battery staple", error,
                                  sizeof (error)) == -1);
    assert (hs_web_auth_add_user (file, "li", "office", "short", error, sizeof (error)) == -1);
    struct stat info;
    assert (stat (file, &info) == 0 && (info.st_mode & 0777) == 0600);
    hs_web_auth_t *auth = hs_web_auth_new (file, error, sizeof (error));
    assert (auth && hs_web_auth_enabled (auth));
    char id [HS_WEB_AUTH_ID_TEXT + 1];
    assert (hs_web_auth_login (auth, "127.0.0.1", "张伟", "correct horse", id) == 0);
    assert (strlen (id) == HS_WEB_AUTH_ID_TEXT);
    hs_web_user_t user;
    assert (hs_web_auth_session (auth, id, &user));
    assert (streq (user.name, "张伟") && streq (user.unit, "street.caoyang"));
    assert (strlen (user.csrf) == HS_WEB_AUTH_ID_TEXT);
    assert (hs_web_auth_same (user.csrf, user.csrf) && !hs_web_auth_same (user.csrf, "x"));
    assert (!hs_web_auth_same ("", ""));
    hs_web_auth_logout (auth, id);
    assert (!hs_web_auth_session (auth, id, &user));
    //  Five failures, then the address waits; another address does not.
    for (int count = 0; count < HS_WEB_AUTH_FAILS; count++)
        assert (hs_web_auth_login (auth, "10.0.0.9", "li", "wrong", id) == 1);
    assert (hs_web_auth_login (auth, "10.0.0.9", "li", "battery staple", id) == 2);
    assert (hs_web_auth_login (auth, "10.0.0.8", "nobody", "x", id) == 1);
    assert (hs_web_auth_login (auth, "10.0.0.8", "li", "battery staple", id) == 0);
    hs_web_auth_destroy (&auth);
    unlink (file);
    s_opslimit = crypto_pwhash_OPSLIMIT_INTERACTIVE;
    s_memlimit = crypto_pwhash_MEMLIMIT_INTERACTIVE;
    if (verbose)
        printf ("OK\n");
}
