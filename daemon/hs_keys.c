/*  =========================================================================
    hs_keys - which unit a CURVE key belongs to
    =========================================================================
*/

#include "hs_keys.h"
#include "../protocol/hs_proto.h"
#include <sys/stat.h>
#include <dirent.h>

struct _hs_keys_t {
    char *clients_dir;          //  the allowed certificates
    zhashx_t *units;            //  public key (Z85) -> unit code
    struct timespec mtime;      //  the folder's mtime when units was read
    int64_t loaded;             //  zclock_mono () of the last read
    int64_t checked;            //  zclock_mono () of the last look
    char unit [HS_CODE_MAX + 1];    //  the last answer
};

static void
s_free (void **item)
{
    free (*item);
    *item = NULL;
}

static void
s_load (hs_keys_t *self)
{
    zhashx_purge (self->units);
    DIR *folder = opendir (self->clients_dir);
    if (!folder)
        return;
    struct dirent *entry;
    while ((entry = readdir (folder))) {
        size_t length = strlen (entry->d_name);
        if (entry->d_name [0] == '.' || (length > 7 && streq (entry->d_name + length - 7, "_secret")))
            continue;
        char *path = zsys_sprintf ("%s/%s", self->clients_dir, entry->d_name);
        zcert_t *cert = zcert_load (path);
        const char *unit = cert? zcert_meta (cert, "unit"): NULL;
        if (unit)
            zhashx_update (self->units, zcert_public_txt (cert), strdup (unit));
        zcert_destroy (&cert);
        zstr_free (&path);
    }
    closedir (folder);
}

hs_keys_t *
hs_keys_new (const char *clients_dir)
{
    hs_keys_t *self = (hs_keys_t *) zmalloc (sizeof (hs_keys_t));
    self->clients_dir = strdup (clients_dir);
    self->units = zhashx_new ();
    zhashx_set_destructor (self->units, s_free);
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
        free (self->clients_dir);
        free (self);
        *self_p = NULL;
    }
}

size_t hs_keys_size (hs_keys_t *self) { return zhashx_size (self->units); }

bool
hs_keys_known (hs_keys_t *self, const char *key)
{
    //  A frame with no key: hs_keys_unit only looks at the folder.
    zframe_t *probe = zframe_new (NULL, 0);
    hs_keys_unit (self, probe);
    zframe_destroy (&probe);
    return key && zhashx_lookup (self->units, key) != NULL;
}

const char *
hs_keys_unit (hs_keys_t *self, zframe_t *frame)
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
    const char *key = zframe_meta (frame, "User-Id");
    const char *unit = key? (const char *) zhashx_lookup (self->units, key): NULL;
    if (!unit)
        return NULL;
    hs_strcpy (self->unit, sizeof (self->unit), unit);
    return self->unit;
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
