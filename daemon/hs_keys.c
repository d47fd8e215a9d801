/*  =========================================================================
    hs_keys - which unit a CURVE key belongs to
    =========================================================================
*/

#include "hs_keys.h"
#include "../protocol/hs_proto.h"
#include "hs_log.h"
#include <sys/stat.h>
#include <sys/resource.h>
#include <fcntl.h>
#include <dirent.h>

struct _hs_keys_t {
    char *clients_dir;          //  the allowed certificates
    zhashx_t *units;            //  public key (Z85) -> its unit code, or a board's units
                                //  ("street.caoyang office": codes, one space apart)
    zhashx_t *known;            //  the codes of units.cfg (a board's units must be there),
                                //  or NULL: not checked
    zhashx_t *refused;          //  keys refused at the last read (each logged once)
    zhashx_t *others;           //  public keys allowed that name no unit (dashboards' own tools)
    struct timespec mtime;      //  the folder's mtime when units was read
    int64_t loaded;             //  zclock_mono () of the last read
    int64_t checked;            //  zclock_mono () of the last look
    char unit [HS_KEYS_UNITS_MAX + 1];  //  the last answer
    bool failing;               //  the last read failed (logged once)
};

static void
s_free (void **item)
{
    free (*item);
    *item = NULL;
}

//  A board's `units` metadata ("street.caoyang office", spaces or commas
//  apart) as codes one space apart, or NULL with `error` set: a list
//  that is empty, holds a code that is not a token or not a unit of
//  units.cfg. Caller owns the result.
static char *
s_board_units (hs_keys_t *self, const char *list, char *error, size_t error_size)
{
    char *units = (char *) zmalloc (strlen (list) + 1);
    size_t length = 0;
    const char *scan = list;
    while (*scan) {
        size_t skip = strspn (scan, " \t,");
        scan += skip;
        size_t size = strcspn (scan, " \t,");
        if (!size)
            break;
        char code [HS_CODE_MAX + 1];
        if (size > HS_CODE_MAX) {
            snprintf (error, error_size, "a unit code of %zu bytes", size);
            free (units);
            return NULL;
        }
        memcpy (code, scan, size);
        code [size] = 0;
        scan += size;
        if (self->known && !zhashx_lookup (self->known, code)) {
            snprintf (error, error_size, "'%s' is not a unit of units.cfg", code);
            free (units);
            return NULL;
        }
        if (hs_keys_covers (units, code))
            continue;
        if (length + 1 + size > HS_KEYS_UNITS_MAX) {
            snprintf (error, error_size, "'units' is longer than %d bytes", HS_KEYS_UNITS_MAX);
            free (units);
            return NULL;
        }
        if (length)
            units [length++] = ' ';
        memcpy (units + length, code, size + 1);
        length += size;
    }
    if (!length) {
        snprintf (error, error_size, "'units' names no unit");
        free (units);
        return NULL;
    }
    return units;
}

//  The unit (or a board's units) a certificate speaks for, or NULL: none
//  (a dashboard's), or refused (`*refused` set, `error` why).
static char *
s_cert_units (hs_keys_t *self, zcert_t *cert, bool *refused, char *error, size_t error_size)
{
    const char *unit = zcert_meta (cert, "unit");
    const char *list = zcert_meta (cert, "units");
    *refused = false;
    if (unit && list) {
        snprintf (error, error_size, "it has both 'unit' and 'units'");
        *refused = true;
        return NULL;
    }
    if (unit)
        return strdup (unit);
    if (!list)
        return NULL;
    char *units = s_board_units (self, list, error, error_size);
    *refused = units == NULL;
    return units;
}

//  Read the folder into a fresh table; swap it in only if the whole read
//  went well. A folder that cannot be opened, or a certificate that
//  cannot be read for want of descriptors or memory, keeps the last good
//  table (logged once until a read succeeds again): a failed read must
//  never revoke every unit. Returns 0 or -1.
static int
s_load (hs_keys_t *self)
{
    zhashx_t *units = zhashx_new ();
    zhashx_set_destructor (units, s_free);
    zhashx_t *others = zhashx_new ();
    zhashx_t *refused = zhashx_new ();
    int rc = 0;
    int error = 0;
    DIR *folder = opendir (self->clients_dir);
    if (!folder) {
        rc = -1;
        error = errno;
    }
    struct dirent *entry;
    while (folder && rc == 0 && (entry = readdir (folder))) {
        size_t length = strlen (entry->d_name);
        if (entry->d_name [0] == '.' || (length > 7 && streq (entry->d_name + length - 7, "_secret")))
            continue;
        char *path = zsys_sprintf ("%s/%s", self->clients_dir, entry->d_name);
        errno = 0;
        zcert_t *cert = path? zcert_load (path): NULL;
        if (!cert && (!path || errno == EMFILE || errno == ENFILE || errno == ENOMEM)) {
            rc = -1;
            error = path? errno: ENOMEM;
        }
        bool refuse = false;
        char reason [128];
        char *unit = cert? s_cert_units (self, cert, &refuse, reason, sizeof (reason)): NULL;
        if (unit)
            zhashx_update (units, zcert_public_txt (cert), unit);
        else
        if (refuse) {
            //  Logged once, not at every read of the folder.
            if (!self->refused || !zhashx_lookup (self->refused, zcert_public_txt (cert)))
                hs_log_error ("hs_keys: the certificate %s is refused: %s", path, reason);
            zhashx_update (refused, zcert_public_txt (cert), "");
        }
        else
        if (cert)
            zhashx_update (others, zcert_public_txt (cert), "");
        zcert_destroy (&cert);
        zstr_free (&path);
    }
    if (folder)
        closedir (folder);
    if (rc == 0) {
        zhashx_destroy (&self->units);
        zhashx_destroy (&self->others);
        zhashx_destroy (&self->refused);
        self->units = units;
        self->others = others;
        self->refused = refused;
        if (self->failing)
            hs_log_notice ("hs_keys: the certificates in %s are read again (%zu keys)",
                           self->clients_dir, zhashx_size (self->units));
        self->failing = false;
    }
    else {
        zhashx_destroy (&units);
        zhashx_destroy (&others);
        zhashx_destroy (&refused);
        if (!self->failing)
            hs_log_error ("hs_keys: cannot read the certificates in %s (%s): the last %zu keys "
                          "read stay in force", self->clients_dir, strerror (error),
                          zhashx_size (self->units));
        self->failing = true;
    }
    return rc;
}

hs_keys_t *
hs_keys_new (const char *clients_dir, hs_units_t *known)
{
    hs_keys_t *self = (hs_keys_t *) zmalloc (sizeof (hs_keys_t));
    self->clients_dir = strdup (clients_dir);
    if (known) {
        self->known = zhashx_new ();
        for (size_t index = 0; index < hs_units_size (known); index++)
            zhashx_update (self->known, hs_units_at (known, index)->code, "");
    }
    self->units = zhashx_new ();
    zhashx_set_destructor (self->units, s_free);
    self->others = zhashx_new ();
    struct stat info;
    if (stat (self->clients_dir, &info) == 0)
        self->mtime = info.st_mtim;
    s_load (self);
    self->loaded = self->checked = zclock_mono ();
    return self;
}

void
hs_keys_destroy (hs_keys_t **self_p)
{
    assert (self_p);
    if (*self_p) {
        hs_keys_t *self = *self_p;
        zhashx_destroy (&self->units);
        zhashx_destroy (&self->others);
        zhashx_destroy (&self->refused);
        zhashx_destroy (&self->known);
        free (self->clients_dir);
        free (self);
        *self_p = NULL;
    }
}

size_t hs_keys_size (hs_keys_t *self) { return zhashx_size (self->units); }

//  Read the folder again when it changed (at most once a second), or ten
//  seconds after the last read (an edited file may keep the mtime).
static void
s_look (hs_keys_t *self)
{
    int64_t now = zclock_mono ();
    if (now - self->checked >= 1000) {
        self->checked = now;
        struct stat info;
        if (stat (self->clients_dir, &info) == 0
        &&  (info.st_mtim.tv_sec != self->mtime.tv_sec || info.st_mtim.tv_nsec != self->mtime.tv_nsec
          || now - self->loaded >= 10000)) {
            self->mtime = info.st_mtim;
            self->loaded = now;
            s_load (self);
        }
    }
}

const char *
hs_keys_unit (hs_keys_t *self, zframe_t *frame)
{
    s_look (self);
    const char *key = zframe_meta (frame, "User-Id");
    const char *unit = key? (const char *) zhashx_lookup (self->units, key): NULL;
    if (!unit)
        return NULL;
    hs_strcpy (self->unit, sizeof (self->unit), unit);
    return self->unit;
}

bool
hs_keys_covers (const char *units, const char *unit)
{
    size_t size = strlen (unit);
    if (!size)
        return false;
    for (const char *scan = units; (scan = strstr (scan, unit)); scan += size)
        if ((scan == units || scan [-1] == ' ') && (scan [size] == 0 || scan [size] == ' '))
            return true;
    return false;
}

bool
hs_keys_known (hs_keys_t *self, const char *key)
{
    s_look (self);
    return key && (zhashx_lookup (self->units, key) || zhashx_lookup (self->others, key));
}

bool
hs_keys_allowed (hs_keys_t *self, zframe_t *frame)
{
    s_look (self);
    const char *key = zframe_meta (frame, "User-Id");
    return key && (zhashx_lookup (self->units, key) || zhashx_lookup (self->others, key));
}

//  The self test's: the next call looks at the folder, and reads it.
static void
s_test_force_look (hs_keys_t *self)
{
    self->checked = self->loaded = zclock_mono () - 20000;
}

void
hs_keys_test (bool verbose)
{
    if (verbose)
        printf (" * hs_keys: ");
    char *folder = zsys_sprintf ("/tmp/hs_keys_test.%d", getpid ());
    zsys_dir_create ("%s", folder);
    zcert_t *cert = zcert_new ();
    zcert_set_meta (cert, "unit", "%s", "street.wanli");
    char *path = zsys_sprintf ("%s/wanli.cert", folder);
    assert (zcert_save_public (cert, path) == 0);
    zcert_t *other = zcert_new ();
    char *other_path = zsys_sprintf ("%s/nobody.cert", folder);
    assert (zcert_save_public (other, other_path) == 0);        //  no unit: not a key of ours
    hs_keys_t *keys = hs_keys_new (folder, NULL);
    assert (hs_keys_size (keys) == 1);
    //  A frame without a key (no CURVE) belongs to nobody.
    zframe_t *frame = zframe_new ("x", 1);
    assert (hs_keys_unit (keys, frame) == NULL);
    assert (!hs_keys_allowed (keys, frame));
    //  A read of the folder that fails for want of descriptors keeps the
    //  keys it had (it used to empty the table: every unit "spoofing").
    zcert_t *third = zcert_new ();
    zcert_set_meta (third, "unit", "%s", "street.caoyang");
    char *third_path = zsys_sprintf ("%s/caoyang.cert", folder);
    assert (zcert_save_public (third, third_path) == 0);     //  the folder changed
    zclock_sleep (1100);
    struct rlimit saved, tight;
    assert (getrlimit (RLIMIT_NOFILE, &saved) == 0);
    int probe = open ("/dev/null", O_RDONLY | O_CLOEXEC);
    assert (probe >= 0);
    close (probe);
    tight = saved;
    tight.rlim_cur = (rlim_t) probe;        //  no descriptor may be opened
    assert (setrlimit (RLIMIT_NOFILE, &tight) == 0);
    hs_keys_unit (keys, frame);
    assert (setrlimit (RLIMIT_NOFILE, &saved) == 0);
    assert (hs_keys_size (keys) == 1);
    //  The next look that works reads the folder again.
    s_test_force_look (keys);
    hs_keys_unit (keys, frame);
    assert (hs_keys_size (keys) == 2);
    zsys_file_delete (third_path);
    zstr_free (&third_path);
    zcert_destroy (&third);
    zframe_destroy (&frame);
    hs_keys_destroy (&keys);

    //  A board's certificate speaks for the units it lists, each a unit of
    //  units.cfg; one naming a unit that is not, or with both `unit` and
    //  `units`, is refused.
    assert (hs_keys_covers ("street.caoyang office", "office"));
    assert (hs_keys_covers ("street.caoyang office", "street.caoyang"));
    assert (hs_keys_covers ("office", "office"));
    assert (!hs_keys_covers ("street.caoyang office", "street.cao"));
    assert (!hs_keys_covers ("street.caoyang office", "caoyang"));
    assert (!hs_keys_covers ("street.caoyang office", "offic"));
    assert (!hs_keys_covers ("street.caoyang office", ""));
    char error [256];
    hs_zpl_t *zpl = hs_zpl_load_text ("units\n    street.caoyang\n        zh = 曹杨\n"
                                      "        en = Caoyang\n        kind = street\n"
                                      "    office\n        zh = 办公室\n        en = Office\n"
                                      "        kind = role\n", "units.cfg", error, sizeof (error));
    assert (zpl);
    hs_units_t *known = hs_units_load (zpl, error, sizeof (error));
    assert (known);
    const char *lists [][2] = {
        { "street.caoyang, office office", "street.caoyang office" },   //  spoken for
        { "street.caoyang street.ganquan", NULL },      //  not a unit of ours: refused
        { "  ", NULL },                                 //  no unit: refused
        { "office", "both" }                            //  `unit` as well: refused
    };
    char *board_paths [4];
    for (size_t index = 0; index < 4; index++) {
        zcert_t *board = zcert_new ();
        zcert_set_meta (board, "units", "%s", lists [index][0]);
        if (lists [index][1] && streq (lists [index][1], "both"))
            zcert_set_meta (board, "unit", "%s", "office");
        board_paths [index] = zsys_sprintf ("%s/board%zu.cert", folder, index);
        assert (zcert_save_public (board, board_paths [index]) == 0);
        zcert_destroy (&board);
    }
    keys = hs_keys_new (folder, known);
    hs_units_destroy (&known);          //  the keys keep their own copy of the codes
    hs_zpl_destroy (&zpl);
    assert (hs_keys_size (keys) == 2);  //  wanli's and the one good board
    zhashx_t *units = keys->units;
    size_t boards = 0;
    for (const char *units_of = (const char *) zhashx_first (units); units_of;
         units_of = (const char *) zhashx_next (units))
        if (streq (units_of, "street.caoyang office"))
            boards++;
    assert (boards == 1);
    assert (zhashx_size (keys->refused) == 3);
    hs_keys_destroy (&keys);
    for (size_t index = 0; index < 4; index++) {
        zsys_file_delete (board_paths [index]);
        zstr_free (&board_paths [index]);
    }
    zsys_file_delete (path);
    zsys_file_delete (other_path);
    zsys_dir_delete ("%s", folder);
    zcert_destroy (&cert);
    zcert_destroy (&other);
    zstr_free (&path);
    zstr_free (&other_path);
    zstr_free (&folder);
    if (verbose)
        printf ("OK\n");
}
