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
    zhashx_t *units;            //  public key (Z85) -> unit code
    zhashx_t *others;           //  public keys allowed that name no unit (dashboards' own tools)
    struct timespec mtime;      //  the folder's mtime when units was read
    int64_t loaded;             //  zclock_mono () of the last read
    int64_t checked;            //  zclock_mono () of the last look
    char unit [HS_CODE_MAX + 1];    //  the last answer
    bool failing;               //  the last read failed (logged once)
};

static void
s_free (void **item)
{
    free (*item);
    *item = NULL;
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
        const char *unit = cert? zcert_meta (cert, "unit"): NULL;
        if (unit)
            zhashx_update (units, zcert_public_txt (cert), strdup (unit));
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
        self->units = units;
        self->others = others;
        if (self->failing)
            hs_log_notice ("hs_keys: the certificates in %s are read again (%zu keys)",
                           self->clients_dir, zhashx_size (self->units));
        self->failing = false;
    }
    else {
        zhashx_destroy (&units);
        zhashx_destroy (&others);
        if (!self->failing)
            hs_log_error ("hs_keys: cannot read the certificates in %s (%s): the last %zu keys "
                          "read stay in force", self->clients_dir, strerror (error),
                          zhashx_size (self->units));
        self->failing = true;
    }
    return rc;
}

hs_keys_t *
hs_keys_new (const char *clients_dir)
{
    hs_keys_t *self = (hs_keys_t *) zmalloc (sizeof (hs_keys_t));
    self->clients_dir = strdup (clients_dir);
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
    hs_keys_t *keys = hs_keys_new (folder);
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
