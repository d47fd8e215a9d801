/*  =========================================================================
    hs_lock - one daemon per store

    flock, not fcntl record locks: an fcntl lock belongs to the process and
    any close of the file by any thread drops it; a flock belongs to the
    open file, which only this class closes. The descriptor is close-on-exec
    so a child never keeps a store locked after the daemon is gone.
    =========================================================================
*/

#include "hs_lock.h"
#include <sys/file.h>
#include <sys/wait.h>

struct _hs_lock_t {
    int fd;                     //  the open lock file, flock'ed exclusive
};

//  The pid written in a lock file, or 0.
static int
s_holder (int fd)
{
    char text [32] = "";
    ssize_t size = pread (fd, text, sizeof (text) - 1, 0);
    if (size <= 0)
        return 0;
    text [size] = 0;
    return atoi (text);
}

hs_lock_t *
hs_lock_new (const char *folder, int *holder, char *error, size_t error_size)
{
    *holder = 0;
    if (zsys_dir_create ("%s", folder)) {
        snprintf (error, error_size, "cannot create store folder %s: %s", folder, strerror (errno));
        return NULL;
    }
    char *path = zsys_sprintf ("%s/%s", folder, HS_LOCK_FILE);
    int fd = open (path, O_RDWR | O_CREAT | O_CLOEXEC, 0640);
    if (fd < 0) {
        snprintf (error, error_size, "cannot open %s: %s", path, strerror (errno));
        zstr_free (&path);
        return NULL;
    }
    if (flock (fd, LOCK_EX | LOCK_NB)) {
        int code = errno;
        if (code == EWOULDBLOCK) {
            *holder = s_holder (fd);
            snprintf (error, error_size, "the store %s is in use by another huishangd (pid %d, "
                      "%s): one daemon per store", folder, *holder, path);
        }
        else
            snprintf (error, error_size, "cannot lock %s: %s", path, strerror (code));
        close (fd);
        zstr_free (&path);
        return NULL;
    }
    zstr_free (&path);
    //  Ours now: say whose, for the next one who tries.
    char text [32];
    int length = snprintf (text, sizeof (text), "%d\n", (int) getpid ());
    if (ftruncate (fd, 0) || pwrite (fd, text, (size_t) length, 0) != length) {
        //  The pid is a courtesy; the flock is the lock.
    }
    hs_lock_t *self = (hs_lock_t *) zmalloc (sizeof (hs_lock_t));
    self->fd = fd;
    return self;
}

void
hs_lock_destroy (hs_lock_t **self_p)
{
    assert (self_p);
    if (*self_p) {
        hs_lock_t *self = *self_p;
        if (ftruncate (self->fd, 0)) {
            //  A stale pid is harmless: the flock goes with the close.
        }
        close (self->fd);
        free (self);
        *self_p = NULL;
    }
}

void
hs_lock_test (bool verbose)
{
    if (verbose)
        printf (" * hs_lock: ");
    char *folder = zsys_sprintf ("/tmp/hs_lock_test.%d", getpid ());
    char error [256];
    int holder;
    hs_lock_t *lock = hs_lock_new (folder, &holder, error, sizeof (error));
    assert (lock && holder == 0);
    //  Another open file (as another daemon would have) is refused, and
    //  told the holder's pid: in a child, since flock is per open file.
    pid_t child = fork ();
    assert (child >= 0);
    if (child == 0) {
        hs_lock_t *second = hs_lock_new (folder, &holder, error, sizeof (error));
        _exit (!second && holder == (int) getppid () && strstr (error, "in use")? 0: 1);
    }
    int status;
    assert (waitpid (child, &status, 0) == child && WIFEXITED (status) && WEXITSTATUS (status) == 0);
    hs_lock_destroy (&lock);
    assert (!lock);
    //  Given up, it can be taken again; the file left behind is no bar.
    lock = hs_lock_new (folder, &holder, error, sizeof (error));
    assert (lock);
    hs_lock_destroy (&lock);
    char *path = zsys_sprintf ("%s/%s", folder, HS_LOCK_FILE);
    zsys_file_delete (path);
    zstr_free (&path);
    zsys_dir_delete ("%s", folder);
    zstr_free (&folder);
    if (verbose)
        printf ("OK\n");
}
