/*  =========================================================================
    hs_fd - file descriptors: as many as we may have, and a listener that
            running out of them cannot kill

    Process-wide by nature (one descriptor table, one accept for all of
    libzmq's I/O threads), so its state is the file's, behind a mutex
    where the spare descriptor changes hands and atomic elsewhere.
    =========================================================================
*/

#include "hs_fd.h"
#include "hs_log.h"
#include <czmq.h>
#include <dlfcn.h>
#include <fcntl.h>
#include <pthread.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/un.h>

#define SPARE_PATH "/dev/null"
#define LOG_INTERVAL_MS 10000       //  a refusal is logged at most this often

static pthread_mutex_t s_lock = PTHREAD_MUTEX_INITIALIZER;  //  guards s_spare
static int s_spare = -1;            //  opened on /dev/null, closed to make room for one refusal
static int s_limit = 0;             //  RLIMIT_NOFILE in force (soft)
static int s_cap = 0;               //  a connection on this descriptor or above is refused; 0: none
static uint64_t s_refused = 0;      //  connections closed at once (atomic)
static int64_t s_logged = 0;        //  zclock_mono () of the last log of a refusal (atomic)

typedef int (s_accept4_fn) (int, struct sockaddr *, socklen_t *, int);
typedef int (s_accept_fn) (int, struct sockaddr *, socklen_t *);

//  libc's own (or, under a sanitizer, its interceptor, which calls libc's).
static s_accept4_fn *
s_real_accept4 (void)
{
    static s_accept4_fn *real = NULL;
    if (!real)
        real = (s_accept4_fn *) dlsym (RTLD_NEXT, "accept4");
    return real;
}

static s_accept_fn *
s_real_accept (void)
{
    static s_accept_fn *real = NULL;
    if (!real)
        real = (s_accept_fn *) dlsym (RTLD_NEXT, "accept");
    return real;
}

static void
s_refused_one (const char *why)
{
    uint64_t refused = __atomic_add_fetch (&s_refused, 1, __ATOMIC_RELAXED);
    int64_t now = zclock_mono ();
    int64_t logged = __atomic_load_n (&s_logged, __ATOMIC_RELAXED);
    if ((logged == 0 || now - logged >= LOG_INTERVAL_MS)
    &&  __atomic_compare_exchange_n (&s_logged, &logged, now, false, __ATOMIC_RELAXED,
                                     __ATOMIC_RELAXED))
        hs_log_warning ("hs_fd: a connection was closed at once: %s (limit %d, connections "
                        "from descriptor %d on are refused; %llu refused so far)", why, s_limit,
                        s_cap, (unsigned long long) refused);
}

//  After the real accept: refuse what came in above the cap, and make
//  room to refuse one waiting connection when none is left.
static int
s_checked (int listener, int sock, int flags, bool four)
{
    int cap = __atomic_load_n (&s_cap, __ATOMIC_RELAXED);
    if (sock >= 0) {
        if (cap > 0 && sock >= cap) {
            close (sock);
            s_refused_one ("the descriptors for connections are used up");
            errno = EAGAIN;
            return -1;
        }
        return sock;
    }
    if (errno != EMFILE && errno != ENFILE)
        return -1;
    int error = errno;
    pthread_mutex_lock (&s_lock);
    //  A spare that could not be opened again last time (another thread
    //  took the slot) is tried again: without it a waiting peer is never
    //  drained and a tcp listener would spin.
    if (s_spare < 0)
        s_spare = open (SPARE_PATH, O_RDONLY | O_CLOEXEC);
    if (s_spare >= 0) {
        close (s_spare);
        s_spare = -1;
        int waiting = four? s_real_accept4 () (listener, NULL, NULL, flags):
                            s_real_accept () (listener, NULL, NULL);
        if (waiting >= 0)
            close (waiting);
        s_spare = open (SPARE_PATH, O_RDONLY | O_CLOEXEC);
        if (waiting >= 0)
            s_refused_one (error == EMFILE? "no descriptor left (EMFILE)":
                                            "no descriptor left in the system (ENFILE)");
    }
    pthread_mutex_unlock (&s_lock);
    //  libzmq takes EAGAIN as "nothing to accept now": no abort, and the
    //  listener is not readable again until another peer connects.
    errno = EAGAIN;
    return -1;
}

//  What libzmq calls for accept4 and accept: exported under libc's names
//  (the aliases below) so that the program's come first.
int
hs_fd_accept4 (int listener, struct sockaddr *address, socklen_t *length, int flags)
{
    s_accept4_fn *real = s_real_accept4 ();
    if (!real) {
        errno = ENOSYS;
        return -1;
    }
    return s_checked (listener, real (listener, address, length, flags), flags, true);
}

int
hs_fd_accept (int listener, struct sockaddr *address, socklen_t *length)
{
    s_accept_fn *real = s_real_accept ();
    if (!real) {
        errno = ENOSYS;
        return -1;
    }
    return s_checked (listener, real (listener, address, length), 0, false);
}

//  glibc declares accept's address as a transparent union: the aliases
//  take its exact type, the definitions above the plain pointer it holds.
extern __typeof__ (accept4) accept4 __attribute__ ((alias ("hs_fd_accept4")));
extern __typeof__ (accept) accept __attribute__ ((alias ("hs_fd_accept")));

int
hs_fd_init (int reserve)
{
    struct rlimit limit;
    if (getrlimit (RLIMIT_NOFILE, &limit) == 0) {
        rlim_t was = limit.rlim_cur;
        if (limit.rlim_cur < limit.rlim_max) {
            limit.rlim_cur = limit.rlim_max;
            if (setrlimit (RLIMIT_NOFILE, &limit))
                hs_log_warning ("hs_fd: cannot raise the descriptor limit from %llu to %llu: %s",
                                (unsigned long long) was, (unsigned long long) limit.rlim_max,
                                strerror (errno));
            getrlimit (RLIMIT_NOFILE, &limit);
        }
        s_limit = limit.rlim_cur > INT32_MAX? INT32_MAX: (int) limit.rlim_cur;
        if (limit.rlim_cur != was)
            hs_log_info ("hs_fd: descriptor limit raised from %llu to %d", (unsigned long long) was,
                         s_limit);
    }
    //  A reserve that leaves fewer than half the descriptors to
    //  connections is shrunk to half: the daemon must still be reachable.
    if (reserve < 1)
        reserve = 1;
    if (reserve > s_limit / 2)
        reserve = s_limit / 2;
    __atomic_store_n (&s_cap, s_limit - reserve, __ATOMIC_RELAXED);
    pthread_mutex_lock (&s_lock);
    if (s_spare < 0)
        s_spare = open (SPARE_PATH, O_RDONLY | O_CLOEXEC);
    pthread_mutex_unlock (&s_lock);
    if (s_spare < 0)
        hs_log_warning ("hs_fd: cannot open the spare descriptor %s: %s", SPARE_PATH, strerror (errno));
    hs_log_info ("hs_fd: %d descriptors; connections get descriptors below %d, the other %d are "
                 "kept for the daemon's own files", s_limit, s_cap, reserve);
    return s_limit;
}

int hs_fd_limit (void) { return s_limit; }
int hs_fd_cap (void) { return __atomic_load_n (&s_cap, __ATOMIC_RELAXED); }
uint64_t hs_fd_refused (void) { return __atomic_load_n (&s_refused, __ATOMIC_RELAXED); }

//  ---------------------------------------------------------------------
//  Self test: on a listening socket of our own, a connection above the cap
//  is closed at once, and with no descriptor left (a soft limit lowered
//  to what is in use) the waiting connection is refused, not fatal.

void
hs_fd_test (bool verbose)
{
    if (verbose)
        printf (" * hs_fd: ");
    int old_cap = hs_fd_cap ();
    uint64_t refused = hs_fd_refused ();
    int listener = socket (AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    assert (listener >= 0);
    struct sockaddr_un address = { .sun_family = AF_UNIX };
    snprintf (address.sun_path, sizeof (address.sun_path), "/tmp/hs_fd_test.%d", getpid ());
    unlink (address.sun_path);
    assert (bind (listener, (struct sockaddr *) &address, sizeof (address)) == 0);
    assert (listen (listener, 16) == 0);
    int peers [3];
    for (int index = 0; index < 3; index++) {
        peers [index] = socket (AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
        assert (connect (peers [index], (struct sockaddr *) &address, sizeof (address)) == 0);
    }
    //  Under the cap: accepted.
    __atomic_store_n (&s_cap, 0, __ATOMIC_RELAXED);
    int accepted = accept4 (listener, NULL, NULL, SOCK_CLOEXEC);
    assert (accepted >= 0);
    close (accepted);
    //  At or above the cap: closed at once, EAGAIN.
    __atomic_store_n (&s_cap, 3, __ATOMIC_RELAXED);
    assert (accept4 (listener, NULL, NULL, SOCK_CLOEXEC) == -1 && errno == EAGAIN);
    assert (hs_fd_refused () == refused + 1);
    __atomic_store_n (&s_cap, 0, __ATOMIC_RELAXED);
    //  No descriptor at all: the spare makes room to refuse the last one.
    pthread_mutex_lock (&s_lock);
    if (s_spare < 0)
        s_spare = open (SPARE_PATH, O_RDONLY | O_CLOEXEC);
    pthread_mutex_unlock (&s_lock);
    struct rlimit saved, tight;
    assert (getrlimit (RLIMIT_NOFILE, &saved) == 0);
    int probe = open (SPARE_PATH, O_RDONLY | O_CLOEXEC);
    assert (probe >= 0);
    close (probe);
    tight = saved;
    tight.rlim_cur = (rlim_t) probe;        //  the lowest free descriptor: none may be opened
    assert (setrlimit (RLIMIT_NOFILE, &tight) == 0);
    int rc = accept (listener, NULL, NULL);
    int error = errno;
    assert (setrlimit (RLIMIT_NOFILE, &saved) == 0);
    assert (rc == -1 && error == EAGAIN);
    assert (hs_fd_refused () == refused + 2);
    assert (s_spare >= 0);
    //  Nothing waiting: EAGAIN as before, nothing counted.
    assert (accept (listener, NULL, NULL) == -1 && errno == EAGAIN);
    assert (hs_fd_refused () == refused + 2);
    for (int index = 0; index < 3; index++)
        close (peers [index]);
    close (listener);
    unlink (address.sun_path);
    __atomic_store_n (&s_cap, old_cap, __ATOMIC_RELAXED);
    if (verbose)
        printf ("OK\n");
}
